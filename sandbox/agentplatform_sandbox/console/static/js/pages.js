// Renderers of the pages made of cards and tables.
import { clear, code, el, empty, table, time } from './dom.js';

export function renderOverview(root, view) {
  const counts = Object.entries(view.counts).map(([label, value]) =>
    el('div', { className: 'card', 'data-count': label },
      el('div', { className: 'value' }, value), el('div', { className: 'label' }, label)));
  const req = view.requests;
  const traffic = [
    ['requests / s', req.per_second, `over the last ${req.window_s} s`],
    ['requests', req.total, 'in the request log'],
    ['server errors', req.server_errors, '5xx answers'],
    ['client errors', req.client_errors, '4xx answers'],
    ['dropped', req.dropped, 'connections closed without an answer'],
  ].map(([label, value, title]) => el('div', { className: 'card', title },
    el('div', { className: 'value' }, value), el('div', { className: 'label' }, label)));
  const faults = Object.entries(view.faults);
  clear(root,
    el('h2', {}, `Tenant ${view.tenant_id}`),
    el('div', { className: 'cards', id: 'counts' }, counts),
    el('h2', {}, 'Traffic'),
    el('div', { className: 'cards', id: 'traffic' }, traffic),
    el('h2', {}, 'Faults in force'),
    faults.length
      ? table([{ title: 'fault', cell: (f) => f[0] }, { title: 'value', cell: (f) => code(f[1]) }],
        faults, { id: 'faults' })
      : empty('No faults are injected.'),
    el('h2', {}, 'API keys of this tenant'),
    table([
      { title: 'id', cell: (k) => k.id },
      { title: 'name', cell: (k) => k.name },
      { title: 'key', cell: (k) => code(k.masked) },
      { title: 'scopes', cell: (k) => k.scopes.join(', ') },
      { title: 'expires', cell: (k) => k.expires_at || 'never' },
    ], view.api_keys));
}

export function renderResearch(root, view) {
  clear(root, el('h2', {}, 'Research jobs'), view.jobs.length ? table([
    { title: 'id', cell: (j) => j.id },
    { title: 'query', cell: (j) => j.query },
    { title: 'status', cell: (j) => el('span', { className: `status-${j.status}` }, j.status) },
    { title: 'progress', cell: (j) => el('span', {},
      el('progress', { max: '1', value: String(j.progress) }), ` ${Math.round(j.progress * 100)}%`) },
    { title: 'updated', cell: (j) => time(j.updated_at) },
    { title: 'result', cell: (j) => j.summary || j.error || '' },
  ], view.jobs, { id: 'jobs' }) : empty('No research jobs yet.'));
}

export function renderWebhooks(root, view) {
  const signature = (d) => Object.keys(d.headers).length
    ? el('div', {}, Object.entries(d.headers)
      .filter(([name]) => name.startsWith('webhook-'))
      .map(([name, value]) => el('div', {}, code(`${name}: ${value}`))))
    : empty('not sent');
  clear(root,
    el('h2', {}, 'Endpoints'),
    view.endpoints.length ? table([
      { title: 'id', cell: (e) => e.id },
      { title: 'url', cell: (e) => e.url },
      { title: 'events', cell: (e) => e.events.join(', ') },
      { title: 'secret', cell: () => 'hidden' },
    ], view.endpoints) : empty('No endpoints registered now.'),
    el('h2', {}, 'Deliveries'),
    view.deliveries.length ? table([
      { title: 'message', cell: (d) => d.id },
      { title: 'event', cell: (d) => `${d.event_type} (${d.event_id})` },
      { title: 'url', cell: (d) => d.url },
      { title: 'signature headers', cell: signature },
      { title: 'outcome', cell: (d) => el('span', { className: `status-${d.status}` }, d.status) },
      { title: 'attempts', cell: (d) => d.attempts.join(', ') },
    ], view.deliveries, { id: 'deliveries' }) : empty('No deliveries yet.'));
}

export function renderRequests(root, view) {
  clear(root, el('h2', {}, `Request log (${view.total} requests, newest first)`),
    view.requests.length ? table([
      { title: 'time', cell: (r) => time(r.at) },
      { title: 'request id', cell: (r) => code(r.request_id) },
      { title: 'method', cell: (r) => r.method },
      { title: 'path', cell: (r) => r.path },
      { title: 'status', cell: (r) => (r.status === 0 ? 'dropped' : r.status) },
      { title: 'idempotency key', cell: (r) => (r.idempotency_key ? code(r.idempotency_key) : '') },
      { title: 'replayed', cell: (r) => (r.replayed ? 'yes' : '') },
      { title: 'injected fault', cell: (r) => r.fault || '' },
    ], view.requests, { id: 'request-log' }) : empty('No requests yet.'));
}

export function renderEvents(root, view, filters) {
  const pick = (id, values, label) => {
    const select = document.getElementById(id);
    const current = select.value;
    clear(select, el('option', { value: '' }, `all ${label}`), values.map((v) => el('option', { value: v }, v)));
    select.value = values.includes(current) ? current : '';
  };
  pick('filter-session', view.sessions.map((s) => s.id), 'sessions');
  pick('filter-type', view.types, 'types');
  pick('filter-agent', view.agents, 'agents');
  clear(document.getElementById('sessions'), el('h2', {}, 'Sessions'), view.sessions.length ? table([
    { title: 'session', cell: (s) => s.id },
    { title: 'agent', cell: (s) => s.agent_id },
    { title: 'events', cell: (s) => s.count },
    { title: 'from', cell: (s) => time(s.first) },
    { title: 'to', cell: (s) => time(s.last) },
  ], view.sessions, { id: 'session-list' }) : empty('No agent events yet.'));
  renderTimeline(view, filters());
}

export function renderTimeline(view, filter) {
  const spans = {};
  for (const e of view.events) {
    const t = Date.parse(e.timestamp);
    const s = spans[e.session_id] ||= { min: t, max: t };
    s.min = Math.min(s.min, t); s.max = Math.max(s.max, t);
  }
  const shown = view.events.filter((e) =>
    (!filter.session || e.session_id === filter.session)
    && (!filter.type || e.type === filter.type)
    && (!filter.agent || e.agent_id === filter.agent)
    && (!filter.text || JSON.stringify(e.attributes).toLowerCase().includes(filter.text.toLowerCase())));
  const position = (e) => {
    const s = spans[e.session_id];
    const share = s.max > s.min ? (Date.parse(e.timestamp) - s.min) / (s.max - s.min) : 0;
    return el('div', { className: 'bar', title: 'place in its session' },
      el('span', { style: `left: calc(${(share * 100).toFixed(1)}% - .3rem)` }));
  };
  clear(document.getElementById('timeline'), el('h2', {}, `Timeline (${shown.length} of ${view.events.length})`),
    shown.length ? table([
      { title: 'time', cell: (e) => time(e.timestamp) },
      { title: 'in session', cell: position },
      { title: 'session', cell: (e) => e.session_id },
      { title: 'agent', cell: (e) => e.agent_id },
      { title: 'type', cell: (e) => e.type },
      { title: 'trace', cell: (e) => (e.trace_id ? code(e.trace_id) : '') },
      { title: 'attributes', cell: (e) => code(e.attributes) },
    ], shown, { id: 'event-rows' }) : empty('No events match.'));
}
