// Telemetry charts (Chart.js): one per metric, a line per service and model, and the
// anomalies drawn as red triangles on the chart of the metric they were found in.
import { clear, code, el, empty, table } from './dom.js';

const PALETTE = ['#3659e3', '#12b76a', '#f79009', '#7a5af8', '#06aed4', '#ee46bc', '#667085'];
const charts = {};

function timeLabel(value) {
  return new Date(value).toLocaleTimeString();
}

function datasets(view, metric) {
  const lines = view.series.map((series, index) => ({
    label: series,
    data: view.points.filter((p) => p.series === series && p[metric] !== null).map((p) => ({ x: p.t, y: p[metric] })),
    borderColor: PALETTE[index % PALETTE.length],
    backgroundColor: PALETTE[index % PALETTE.length],
    pointRadius: 2,
    borderWidth: 1.5,
    showLine: true,
  })).filter((d) => d.data.length);
  const marks = view.anomalies.filter((a) => a.marker && a.marker.metric === metric);
  lines.push({
    label: 'anomalies',
    data: marks.map((a) => ({ x: a.marker.t, y: a.marker.value, anomaly: a })),
    pointStyle: 'triangle',
    pointRadius: 9,
    pointHoverRadius: 11,
    borderColor: '#d92d20',
    backgroundColor: 'rgba(217, 45, 32, 0.6)',
    showLine: false,
  });
  return lines;
}

function tooltip(context) {
  const anomaly = context.raw.anomaly;
  if (anomaly) return `${anomaly.severity} ${anomaly.anomaly_type} (${anomaly.detection_method}): ${anomaly.description}`;
  return `${context.dataset.label}: ${context.parsed.y}`;
}

export function renderTelemetry(view) {
  // Every chart spans the same time, so a moment lines up across them.
  const times = view.points.map((p) => p.t);
  const pad = times.length ? Math.max(1000, (Math.max(...times) - Math.min(...times)) * 0.05) : 0;
  const x = times.length ? { min: Math.min(...times) - pad, max: Math.max(...times) + pad } : {};
  for (const metric of view.metrics) {
    const data = { datasets: datasets(view, metric) };
    if (charts[metric]) {
      charts[metric].data = data;
      Object.assign(charts[metric].options.scales.x, x);
      charts[metric].update('none');
      continue;
    }
    charts[metric] = new window.Chart(document.getElementById(`chart-${metric}`), {
      type: 'scatter',
      data,
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { type: 'linear', ...x, ticks: { callback: timeLabel, maxTicksLimit: 6 } } },
        plugins: { tooltip: { callbacks: { label: tooltip } }, legend: { position: 'bottom' } },
      },
    });
  }
  clear(document.getElementById('anomalies'), view.anomalies.length ? table([
    { title: 'detected', cell: (a) => new Date(a.detected_at).toLocaleTimeString() },
    { title: 'severity', cell: (a) => el('span', { className: `sev-${a.severity}` }, a.severity) },
    { title: 'type', cell: (a) => a.anomaly_type },
    { title: 'method', cell: (a) => a.detection_method },
    { title: 'service', cell: (a) => a.service_name },
    { title: 'metric', cell: (a) => a.metric },
    { title: 'observed', cell: (a) => code(String(a.observed_value)) },
    { title: 'expected', cell: (a) => code(String(a.expected_value)) },
    { title: 'on chart', cell: (a) => (a.marker ? 'marked' : '') },
    { title: 'description', cell: (a) => a.description },
  ], view.anomalies, { id: 'anomaly-list' }) : empty('No anomalies found.'));
}
