// The console page: tabs, fetching each view as JSON, and live updates by SSE.
import { renderGraph } from './graph.js';
import { renderTelemetry } from './charts.js';
import { renderEvents, renderOverview, renderRequests, renderResearch, renderTimeline, renderWebhooks } from './pages.js';

const state = { page: 'overview', views: {}, version: 0 };
window.consoleState = state; // for the browser tests and the curious

const filters = () => ({
  session: document.getElementById('filter-session').value,
  type: document.getElementById('filter-type').value,
  agent: document.getElementById('filter-agent').value,
  text: document.getElementById('filter-text').value,
});

const RENDER = {
  overview: (view) => renderOverview(document.getElementById('page-overview'), view),
  graph: renderGraph,
  events: (view) => renderEvents(document.getElementById('page-events'), view, filters),
  telemetry: renderTelemetry,
  research: (view) => renderResearch(document.getElementById('page-research'), view),
  webhooks: (view) => renderWebhooks(document.getElementById('page-webhooks'), view),
  requests: (view) => renderRequests(document.getElementById('page-requests'), view),
};

async function fetchView(name) {
  const response = await fetch(`/console/api/${name}`, { credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 401) {
    window.location.assign('/console/login');
    throw new Error('signed out');
  }
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response.json();
}

async function refresh() {
  const page = state.page;
  const version = state.version;
  const view = await fetchView(page);
  state.views[page] = view;
  RENDER[page](view);
  const section = document.getElementById(`page-${page}`);
  section.dataset.version = String(version);
  section.dataset.loaded = 'true';
  if (page === 'overview') {
    document.getElementById('who').textContent = `tenant ${view.tenant_id} · key ${view.key.masked}`;
  }
}

function show(page) {
  state.page = page;
  for (const button of document.querySelectorAll('#tabs button')) {
    button.classList.toggle('active', button.dataset.page === page);
  }
  for (const section of document.querySelectorAll('.page')) {
    section.classList.toggle('active', section.id === `page-${page}`);
  }
  if (window.location.hash !== `#${page}`) history.replaceState(null, '', `#${page}`);
  refresh().catch((error) => console.error(error));
}

function listen() {
  const live = document.getElementById('live');
  const source = new EventSource('/console/api/changes');
  source.addEventListener('open', () => { live.textContent = 'live'; live.classList.add('on'); });
  source.addEventListener('error', () => { live.textContent = 'reconnecting…'; live.classList.remove('on'); });
  source.addEventListener('change', () => {
    state.version += 1;
    refresh().catch((error) => console.error(error));
  });
}

for (const button of document.querySelectorAll('#tabs button')) {
  button.addEventListener('click', () => show(button.dataset.page));
}
for (const id of ['filter-session', 'filter-type', 'filter-agent', 'filter-text']) {
  document.getElementById(id).addEventListener('input', () => {
    if (state.views.events) renderTimeline(state.views.events, filters());
  });
}
fetchView('overview').then((view) => {
  document.getElementById('who').textContent = `tenant ${view.tenant_id} · key ${view.key.masked}`;
}).catch((error) => console.error(error));
const first = window.location.hash.slice(1);
show(RENDER[first] ? first : 'overview');
listen();
