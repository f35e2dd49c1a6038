// Escalation → visible in the agent inbox, under message load (BENCHMARKS.md "## Inbox").
//
//   node bench/inbox-latency.mjs [seconds=30] [concurrency=16] [--app-js FILE]
//
// While `concurrency` simulated customers post bench/corpus.txt messages as fast as the edge
// answers (the load of bench/edge-load.mjs), the real inbox page (/inbox, served by the worker)
// is open in headless Chromium, signed in with the agent token. For every message whose answer
// is an escalation it records the time from that POST's response arriving here to the
// conversation's row being in the page's DOM (a MutationObserver in the page). Both ends read
// performance.timeOrigin + performance.now(): wall clock of the same machine, µs resolution.
//
// Agents work the queue: every row that shows up is claimed and resolved through the API, as
// staffed agents would, so the open queue stays within the 50 rows per tier the page shows
// (rows ranked below them are in the counts, not the DOM, and could never be "visible").
// A customer whose conversation escalated starts a new one, so each id escalates once.
//
// --app-js FILE serves FILE as /inbox/app.js instead of the built one (e.g. the previous page,
// `git show HEAD~1:inbox/app.js > /tmp/old-app.js`), to measure before/after on the same worker.
//
// Environment: TANDEM_BENCH_PERSIST=DIR keeps local D1 there (/dev/shm: no fsync), as edge-load.
import fs from 'node:fs';
import os from 'node:os';
import { startWorker } from '../tests/support/worker.mjs';
import { launchBrowser } from '../tests/support/browser.mjs';
import { client } from './http.mjs';

const args = process.argv.slice(2);
const flag = (n) => { const i = args.indexOf(n); if (i < 0) return null; const v = args[i + 1]; args.splice(i, 2); return v; };
const appJs = flag('--app-js');
const seconds = Number(args[0] || 30);
const concurrency = Number(args[1] || 16);
const corpus = fs.readFileSync(new URL('./corpus.txt', import.meta.url), 'utf8').split('\n').filter((l) => l.trim()).slice(0, 2000);
const AGENT = 'bench-agent';
const ORIGIN = 'http://127.0.0.1:8080';
if (process.env.TANDEM_BENCH_PERSIST) process.env.TMPDIR = process.env.TANDEM_BENCH_PERSIST;
const clock = () => performance.timeOrigin + performance.now();

const w = await startWorker({ vars: { AGENT_TOKEN: AGENT, RATE_CONVERSATION_PER_MIN: '100000', RATE_CLIENT_PER_MIN: '10000000' } });
const browser = await launchBrowser();

const call = client(w.url, ORIGIN);

const escalatedAt = new Map(); // conversation id → when the escalating POST's response arrived
const sentAt = new Map(); // conversation id → when the escalating POST was sent
const seenAt = new Map(); // conversation id → when its row first entered the page's DOM
const toResolve = [];
let queueRequests = 0;
try {
  const context = await browser.newContext();
  await context.addInitScript(([t]) => sessionStorage.setItem('tandem-inbox', JSON.stringify({ token: t, agent: 'Bench', site: 'demo' })), [AGENT]);
  // Every queue row the first time it is in the DOM (the page re-renders whole lists, so
  // "first time" per id; ids escalate once here).
  await context.addInitScript(() => {
    const seen = new Set();
    new MutationObserver(() => {
      const t = performance.timeOrigin + performance.now();
      for (const b of document.querySelectorAll('[data-testid=queue-item]')) {
        const id = b.getAttribute('data-id');
        if (!seen.has(id)) { seen.add(id); window.__tandemSeen?.(id, t); }
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  await page.exposeFunction('__tandemSeen', (id, t) => {
    if (seenAt.has(id)) return;
    seenAt.set(id, t);
    toResolve.push(id);
  });
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/v1/inbox/conversations') queueRequests++; });
  if (appJs) await page.route((u) => u.pathname === '/inbox/app.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: fs.readFileSync(appJs, 'utf8') }));
  await page.goto(`${w.url}/inbox`);
  await page.getByTestId('queue-agent').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=count-total]')?.textContent !== '');

  let sent = 0, errors = 0, next = 0, stop = false;
  // The agents (8 at a time, enough to keep up): claim and resolve what the page shows.
  const agents = Promise.all(Array.from({ length: 8 }, async () => {
    while (!stop || toResolve.length) {
      const id = toResolve.shift();
      if (!id) { await new Promise((r) => setTimeout(r, 20)); continue; }
      await call('POST', `/v1/inbox/conversations/${id}/claim`, { agent: 'Bench' }, AGENT);
      await call('POST', `/v1/inbox/conversations/${id}/resolve`, { agent: 'Bench' }, AGENT);
    }
  }));
  let maxOpen = 0;
  const watchOpen = setInterval(async () => {
    const n = await page.evaluate(() => document.querySelectorAll('[data-testid=queue-item]').length).catch(() => 0);
    maxOpen = Math.max(maxOpen, n);
  }, 250);
  const q0 = queueRequests;
  const end = Date.now() + seconds * 1000;
  const t0 = Date.now(), c0 = clock();
  await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
    let conv = null, turn = 0;
    while (Date.now() < end) {
      if (!conv || turn >= 6) {
        const r = await call('POST', '/v1/conversations', { site: 'demo', lang: 'nl' });
        if (r.status !== 201) { errors++; continue; }
        conv = r.body; turn = 0;
      }
      const sentClock = clock();
      const r = await call('POST', `/v1/conversations/${conv.id}/messages`, { client_id: `w${worker}-${next}-${turn}`, text: corpus[next++ % corpus.length] }, conv.token);
      const at = clock();
      turn++;
      if (r.status !== 201) { errors++; continue; }
      sent++;
      if (r.body.decision?.action?.action === 'escalate') { escalatedAt.set(conv.id, at); sentAt.set(conv.id, sentClock); conv = null; }
    }
  }));
  const elapsed = (Date.now() - t0) / 1000;
  const pageQueueRequests = queueRequests - q0;
  // Late rows: give the page up to 5 s to show the last escalations.
  const until = Date.now() + 5000;
  while (Date.now() < until && [...escalatedAt.keys()].some((id) => !seenAt.has(id))) await new Promise((r) => setTimeout(r, 50));
  stop = true;
  clearInterval(watchOpen);
  await agents;

  const lat = [...escalatedAt].filter(([id]) => seenAt.has(id)).map(([id, at]) => seenAt.get(id) - at).sort((a, b) => a - b);
  const missing = [...escalatedAt.keys()].filter((id) => !seenAt.has(id)).length;
  const fromSent = [...sentAt].filter(([id]) => seenAt.has(id)).map(([id, at]) => seenAt.get(id) - at).sort((a, b) => a - b);
  const pct = (p, xs = lat) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];
  const within1s = lat.filter((x) => x <= 1000).length;
  console.log(`runtime: ${w.runtime}; D1 under ${process.env.TANDEM_BENCH_PERSIST || os.tmpdir()}; ${os.cpus().length} cores; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; page: ${appJs || 'built /inbox/app.js'}`);
  console.log('| measure | value |\n|---|---:|');
  console.log(`| messages/s (concurrency ${concurrency}, ${seconds} s) | ${(sent / elapsed).toFixed(0)} |`);
  console.log(`| errors (non-2xx) | ${errors} |`);
  console.log(`| escalations / never shown within 5 s | ${escalatedAt.size} / ${missing} |`);
  if (lat.length) {
    console.log(`| escalation → row in the page's DOM, p50 / p95 / max | ${pct(0.5).toFixed(0)} / ${pct(0.95).toFixed(0)} / ${lat[lat.length - 1].toFixed(0)} ms |`);
    console.log(`| shown within 1 s | ${((100 * within1s) / lat.length).toFixed(1)} % |`);
    console.log(`| the same from the escalating POST's start (includes its own latency), p50 / p95 / max | ${pct(0.5, fromSent).toFixed(0)} / ${pct(0.95, fromSent).toFixed(0)} / ${fromSent[fromSent.length - 1].toFixed(0)} ms |`);
    const lats = [...escalatedAt].map(([id, at]) => at - sentAt.get(id)).sort((a, b) => a - b);
    console.log(`| latency of the escalating POSTs, p50 / p95 | ${pct(0.5, lats).toFixed(0)} / ${pct(0.95, lats).toFixed(0)} ms |`);
  }
  console.log(`| queue requests by the page | ${(pageQueueRequests / elapsed).toFixed(1)} /s |`);
  console.log(`| most rows in the page at once (sampled every 250 ms; the page shows ≤ 50 per tier) | ${maxOpen} |`);
  if (process.env.BENCH_VERBOSE) console.error(JSON.stringify([...escalatedAt].map(([id, at]) => [Math.round(at - c0), seenAt.has(id) ? Math.round(seenAt.get(id) - at) : null])));
} finally {
  await browser.close();
  await w.stop();
}
