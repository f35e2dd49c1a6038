// Inbox numbers for BENCHMARKS.md "## Inbox": page interactive with 1,000 open conversations in
// the local store (seeded into D1 before the worker starts), and suggestion latency.
//   node tests/e2e/inbox.bench.mjs [--open 1000] [--runs 10]
// "Interactive": the first page of each queue (50 rows) is rendered and clickable and the
// counts show the whole queue (900 agent / 100 specialist waiting).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EDGE_DIR, startWorker } from '../support/worker.mjs';
import { launchBrowser } from '../support/browser.mjs';

const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? Number(process.argv[i + 1]) : d; };
const OPEN = arg('--open', 1000), RUNS = arg('--runs', 10);
const TOKEN = 'demo-agent-token';

function wrangler(args) {
  return new Promise((ok, fail) => {
    const c = spawn('wrangler', args, { cwd: EDGE_DIR, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = ''; c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d));
    c.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(out.slice(-2000)))));
  });
}
const q = (v) => `'${String(v).replaceAll("'", "''")}'`;
const stats = (xs) => { const s = [...xs].sort((a, b) => a - b); const p = (f) => s[Math.min(s.length - 1, Math.floor(f * s.length))]; return { median: p(0.5), p95: p(0.95), n: s.length }; };

const dir = await mkdtemp(path.join(tmpdir(), 'tandem-inbox-bench-'));
await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir]);
const now = Date.now();
const texts = ['Mijn pakket is nog steeds niet bezorgd en niemand reageert.', 'Ik wil mijn geld terug, de fiets is kapot aangekomen!', 'Waar blijft mijn bestelling? Ik heb hem morgen echt nodig.', 'Ik wil een medewerker spreken over mijn retour.'];
const sql = [];
for (let i = 0; i < OPEN; i++) {
  const id = `c_bench${String(i).padStart(5, '0')}`, at = now - (OPEN - i) * 1000, text = texts[i % texts.length];
  const transcript = [{ seq: 1, client_id: 'm1', author: 'customer', text, at }, { seq: 2, client_id: 'm2', author: 'bot', text: 'Dat weet ik niet zeker. Wil je een medewerker spreken?', at }];
  const tier = i % 10 === 0 ? 'specialist' : 'agent';
  const ev = { id: `evt_b${i}`, conversation_id: id, site: 'demo', tier, rule: 'explicit_human_request', reasons: ['the customer asked for a person'], intents: ['human_request'], trajectory: [{ seq: 1, valence: -0.5, frustration: 0.6 }], summary: [text], transcript, lang: 'nl', link: `/v1/inbox/conversations/${id}`, created_at: at };
  sql.push(`INSERT INTO conversations (id, site, token_hash, lang, status, tier, next_seq, urgency, intents, reasons, event_id, rev, created_at, updated_at, escalated_at) VALUES (${q(id)}, 'demo', 'x', 'nl', 'waiting', ${q(tier)}, 3, ${(i % 100) / 100}, '["human_request"]', '["the customer asked for a person"]', ${q(ev.id)}, 'r', ${at}, ${at}, ${at});`);
  sql.push(`INSERT INTO messages (conversation_id, seq, client_id, author, text, at, valence, frustration) VALUES (${q(id)}, 1, 'm1', 'customer', ${q(text)}, ${at}, -0.5, 0.6), (${q(id)}, 2, 'm2', 'bot', ${q(transcript[1].text)}, ${at}, NULL, NULL);`);
  sql.push(`INSERT INTO inbox_items (event_id, conversation_id, site, tier, received_at, payload) VALUES (${q(ev.id)}, ${q(id)}, 'demo', ${q(tier)}, ${at}, ${q(JSON.stringify(ev))});`);
}
await writeFile(path.join(dir, 'seed.sql'), sql.join('\n'));
await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', dir, '--file', path.join(dir, 'seed.sql'), '--yes']);
const w = await startWorker({ persistDir: dir });
const browser = await launchBrowser();
try {
  const h = { authorization: `Bearer ${TOKEN}` };
  const listMs = [];
  const SPEC = Math.ceil(OPEN / 10), PAGE = 50;
  const firstPage = Math.min(PAGE, SPEC) + Math.min(PAGE, OPEN - SPEC);
  const listAllMs = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    const b = await (await fetch(`${w.url}/v1/inbox/conversations?site=demo&limit=${PAGE}`, { headers: h })).json();
    listMs.push(performance.now() - t);
    if (b.items.length !== firstPage || b.counts.agent.waiting !== OPEN - SPEC || b.counts.specialist.waiting !== SPEC) throw new Error(`listed ${b.items.length} ${JSON.stringify(b.counts)}`);
    t = performance.now();
    const all = await (await fetch(`${w.url}/v1/inbox/conversations?site=demo&limit=1000`, { headers: h })).json();
    listAllMs.push(performance.now() - t);
    if (all.items.length !== OPEN) throw new Error(`listed ${all.items.length} of ${OPEN}`);
  }

  const context = await browser.newContext();
  await context.addInitScript(([t]) => sessionStorage.setItem('tandem-inbox', JSON.stringify({ token: t, agent: 'Bench', site: 'demo' })), [TOKEN]);
  const page = await context.newPage();
  const interactive = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`${w.url}/inbox`, { waitUntil: 'commit' });
    await page.waitForFunction(([n, waiting]) => document.querySelectorAll('[data-testid=queue-item]').length === n
      && document.querySelector('[data-testid=count-agent]').textContent === String(waiting), [firstPage, OPEN - SPEC], { polling: 'raf', timeout: 30000 });
    interactive.push(await page.evaluate(() => performance.now())); // ms since navigation start
    if (process.env.BENCH_VERBOSE) {
      console.error(JSON.stringify(await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource').map((r) => [r.name.replace(location.origin, ''), Math.round(r.startTime), Math.round(r.responseEnd)]);
        return { html: Math.round(nav.responseEnd), dcl: Math.round(nav.domContentLoadedEventEnd), res };
      })));
    }
  }
  // Click → suggested replies on screen, two ways: driven by Playwright (includes its CDP round
  // trips and actionability checks), and inside the page (a real click event on the row, then
  // the first animation frame in which the suggestions are in the DOM, i.e. painted).
  const open = [], api = [], inPage = [];
  const ids = ['c_bench00099', 'c_bench00199', 'c_bench00298', 'c_bench00397', 'c_bench00496'];
  for (let i = 0; i < RUNS * 3; i++) {
    const id = ids[i % ids.length];
    const t = performance.now();
    await page.locator(`[data-testid=queue-item][data-id="${id}"]`).click();
    await page.waitForFunction((cid) => document.querySelector('[data-testid=suggested-reply]') && document.querySelector(`[data-testid=queue-item][data-id="${cid}"]`)?.getAttribute('aria-current') === 'true', id, { polling: 'raf' });
    open.push(performance.now() - t);
    api.push(await page.evaluate(() => window.__tandemSuggestionsMs));
  }
  for (let i = 0; i < RUNS * 3; i++) {
    const id = ids[(i + 1) % ids.length]; // never the one already open
    await page.locator(`[data-testid=queue-item][data-id="${id}"]`).hover(); // as a person's pointer would
    inPage.push(await page.evaluate((cid) => new Promise((done) => {
      const row = document.querySelector(`[data-testid=queue-item][data-id="${cid}"]`);
      const t0 = performance.now();
      row.click();
      const tick = () => (document.querySelector('[data-testid=suggested-reply]') && row.getAttribute('aria-current') === 'true'
        ? done(performance.now() - t0) : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    }), id));
  }
  const fetchMs = [];
  for (let i = 0; i < 50; i++) { const t = performance.now(); await (await fetch(`${w.url}/v1/inbox/conversations/${ids[i % 5]}/suggestions`, { headers: h })).json(); fetchMs.push(performance.now() - t); }
  const detailMs = [];
  for (let i = 0; i < 50; i++) { const t = performance.now(); const d = await (await fetch(`${w.url}/v1/inbox/conversations/${ids[i % 5]}?with=suggestions`, { headers: h })).json(); detailMs.push(performance.now() - t); if (!d.suggestions) throw new Error('no suggestions in the detail'); }
  const r = (x) => Object.fromEntries(Object.entries(stats(x)).map(([k, v]) => [k, Math.round(v)]));
  console.log(JSON.stringify({ open_conversations: OPEN, list_api_ms: r(listMs), list_api_all_1000_ms: r(listAllMs), page_interactive_ms: r(interactive), open_to_suggestions_ms: r(open), open_to_suggestions_in_page_ms: r(inPage), suggestions_fetch_in_page_ms: r(api), suggestions_api_ms: r(fetchMs), detail_with_suggestions_api_ms: r(detailMs) }, null, 1));
} finally {
  await browser.close();
  await w.stop();
  await rm(dir, { recursive: true, force: true });
}
