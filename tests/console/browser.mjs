// Drives the sandbox console in Debian's Chromium (playwright-core) and prints what it
// saw as JSON lines for test_browser.py. Input on stdin: one JSON line of settings, later
// "go" once the test has created the live entity. Output on stdout: {"ready": "live"}
// when the test should create it, then {"report": {...}}.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';

const PAGES = ['overview', 'graph', 'events', 'telemetry', 'research', 'webhooks', 'requests'];
const TIMEOUT = 15000;
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async () => (await lines.next()).value;
const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

const settings = JSON.parse(await nextLine());
mkdirSync(settings.shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: settings.chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const report = { errors: [], pages: {}, login: {} };
try {
  // Sign in by pasting the key into the form.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => report.errors.push(String(error)));
  page.on('console', (message) => { if (message.type() === 'error') report.errors.push(message.text()); });
  page.on('response', (response) => {
    if (response.status() >= 400) report.errors.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${settings.base}/console/`);
  report.login.redirected_to = new URL(page.url()).pathname;
  await page.screenshot({ path: `${settings.shots}/login.png` });
  await page.fill('#api-key', settings.apiKey);
  await Promise.all([page.waitForURL('**/console/'), page.click('#sign-in')]);
  const [cookie] = await context.cookies();
  report.login.cookie = { httpOnly: cookie.httpOnly, sameSite: cookie.sameSite, path: cookie.path };
  report.login.script_sees_cookie = await page.evaluate(() => document.cookie);
  report.login.urls = [];
  page.on('request', (request) => report.login.urls.push(request.url()));

  for (const name of PAGES) {
    await page.click(`#tabs button[data-page="${name}"]`);
    const section = page.locator(`#page-${name}[data-loaded="true"]`);
    await section.waitFor({ timeout: TIMEOUT });
    const seen = { text: await section.innerText(), html: await page.content() };
    if (name === 'graph') {
      await page.waitForFunction(() => window.consoleGraph && window.consoleGraph.nodes().length > 0, null, { timeout: TIMEOUT });
      seen.nodes = await page.evaluate(() => window.consoleGraph.nodes().map((n) => n.data('label')));
      seen.edges = await page.evaluate(() => window.consoleGraph.edges().map((e) => e.data('type')));
      // A real click on Ada's node shows its properties.
      const box = await page.locator('#graph').boundingBox();
      const at = await page.evaluate(() => window.consoleGraph.nodes().filter((n) => n.data('label') === 'Ada')[0].renderedPosition());
      await page.mouse.click(box.x + at.x, box.y + at.y);
      await page.locator('#node-properties').waitFor({ timeout: TIMEOUT });
      seen.details = await page.locator('#node-details').innerText();
      seen.text = await section.innerText();
    }
    if (name === 'events') {
      const rows = () => page.locator('#event-rows tbody tr').count();
      seen.rows = await rows();
      await page.selectOption('#filter-session', settings.session);
      seen.rows_in_session = await rows();
      await page.selectOption('#filter-type', 'tool_call');
      seen.rows_in_session_of_type = await rows();
    }
    if (name === 'telemetry') {
      seen.marked = await page.evaluate(() => Object.fromEntries(
        ['latency_ms', 'tokens', 'cost_usd'].map((metric) => {
          const chart = window.Chart.getChart(document.getElementById(`chart-${metric}`));
          const marks = chart.data.datasets.find((d) => d.label === 'anomalies');
          return [metric, marks.data.map((p) => ({ y: p.y, service: p.anomaly.service_name, severity: p.anomaly.severity }))];
        })));
      seen.series = await page.evaluate(() => window.Chart.getChart(document.getElementById('chart-latency_ms')).data.datasets.map((d) => d.label));
    }
    await page.screenshot({ path: `${settings.shots}/${name}.png`, fullPage: true });
    report.pages[name] = seen;
  }

  // An entity created through the SDK while the graph is open appears without a reload.
  await page.click('#tabs button[data-page="graph"]');
  let reloaded = false;
  page.on('load', () => { reloaded = true; });
  say({ ready: 'live' });
  if ((await nextLine()) !== 'go') throw new Error('expected go');
  await page.waitForFunction((label) => window.consoleGraph.nodes().some((n) => n.data('label') === label),
    settings.liveLabel, { timeout: TIMEOUT });
  report.live = { appeared: true, reloaded, live_badge: await page.locator('#live').innerText() };
  await page.screenshot({ path: `${settings.shots}/graph-live.png` });

  // The console API, asked from the page with its session, answers tenant A's data only.
  report.api_from_page = await page.evaluate(async (names) => {
    const found = {};
    for (const name of names) found[name] = await (await fetch(`/console/api/${name}`)).text();
    return found;
  }, PAGES);

  // A one-time sign-in link works once, in a fresh context.
  for (const attempt of ['first', 'second']) {
    const other = await browser.newContext();
    const tab = await other.newPage();
    const response = await tab.goto(settings.loginUrl);
    report.login[`code_${attempt}`] = { status: response.status(), path: new URL(tab.url()).pathname };
    await other.close();
  }
} finally {
  await browser.close();
}
say({ report });
