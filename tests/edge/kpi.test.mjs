// The KPI routes against the real store (D1 under workerd): a conversation set with fixed
// timestamps, seeded into D1 before the worker starts, whose KPIs were computed by hand (the same
// set as edge/src/kpi.rs's unit tests), and a live flow through the API.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { EDGE_DIR, startWorker } from '../support/worker.mjs';
import { api, handoff, inbox, isError, q, say, start, wrangler } from './helpers.mjs';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const MON = Date.UTC(2025, 5, 2); // Monday 2 June 2025

/** SQL for one conversation of the hand-computed set. */
function conv(site, id, created, { customer = [], agent = [], handoffs = [], resolved = [], csat, nps, status = 'bot' }) {
  const sql = [`INSERT INTO conversations (id, site, token_hash, lang, status, rev, created_at, updated_at) VALUES (${q(id)}, ${q(site)}, 'x', 'nl', ${q(status)}, 'r', ${created}, ${created});`];
  const msgs = [...customer.map(([at, v]) => ['customer', at, v]), ...agent.map((at) => ['agent', at, null])].sort((a, b) => a[1] - b[1]);
  msgs.forEach(([author, at, v], i) => sql.push(`INSERT INTO messages (conversation_id, seq, client_id, author, text, at, valence) VALUES (${q(id)}, ${i + 1}, ${q(`${id}-${i}`)}, ${q(author)}, 'text', ${at}, ${q(v)});`));
  handoffs.forEach((at, i) => sql.push(`INSERT INTO inbox_items (event_id, conversation_id, site, tier, received_at, payload) VALUES (${q(`evt-${id}-${i}`)}, ${q(id)}, ${q(site)}, ${q(i ? 'specialist' : 'agent')}, ${at}, '{}');`));
  resolved.forEach((at) => sql.push(`INSERT INTO conversation_events (conversation_id, site, kind, at) VALUES (${q(id)}, ${q(site)}, 'resolved', ${at});`));
  if (csat != null) sql.push(`INSERT INTO feedback (conversation_id, site, at, csat, nps) VALUES (${q(id)}, ${q(site)}, ${created + H}, ${csat}, ${q(nps)});`);
  return sql.join('\n');
}

/** The hand-computed set (see edge/src/kpi.rs tests for the arithmetic). */
function handSet(site) {
  const b = MON + 11 * H, c = MON + 12 * H, d = MON + DAY + 9 * H;
  return [
    conv(site, `${site}-A`, MON + 10 * H, { customer: [[MON + 10 * H, 0.3]], csat: 5, nps: 10 }),
    conv(site, `${site}-B`, b, { customer: [[b + MIN, -0.75], [b + 2 * MIN, -0.25], [b + 10 * MIN, 0.2]], handoffs: [b + 2 * MIN], agent: [b + 5 * MIN, b + 12 * MIN], resolved: [b + 20 * MIN], csat: 4, nps: 8, status: 'resolved' }),
    conv(site, `${site}-C`, c, { customer: [[c + MIN, -0.7]], handoffs: [c + MIN, c + 3 * MIN], agent: [c + 11 * MIN], resolved: [c + 61 * MIN], csat: 2, nps: 3, status: 'resolved' }),
    conv(site, `${site}-D`, d, { customer: [[d, 0.0], [d + 30 * MIN, 0.5]], handoffs: [d], agent: [d + 20 * MIN], status: 'with_agent' }),
    conv(site, `${site}-E`, MON + 34 * H, {}),
    conv(site, `${site}-F`, MON + 56 * H, { customer: [[MON + 56 * H, 0.1]], csat: 3, nps: 9 }),
  ].join('\n');
}

let w, dir;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tandem-kpi-'));
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], EDGE_DIR);
  const file = path.join(dir, 'seed.sql');
  // The same set for a second site (plus one more conversation) must never leak into demo's numbers.
  await writeFile(file, `${handSet('demo')}\n${handSet('other')}\n${conv('other', 'other-X', MON + 5 * H, { customer: [[MON + 5 * H, -1]], csat: 1, nps: 0 })}`);
  await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', dir, '--file', file, '--yes'], EDGE_DIR);
  w = await startWorker({
    persistDir: dir,
    vars: { SITES: { demo: { origins: ['http://127.0.0.1:8080'] }, other: { origins: [] } }, RATE_CONVERSATION_PER_MIN: '1000' },
  });
});
after(async () => {
  await w?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const close = (a, b, what) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} != ${b}`);

describe('kpis', () => {
  test('the hand-computed set: totals', async () => {
    const r = await inbox(w, 'GET', `/kpis?site=demo&from=${MON}&to=${MON + 7 * DAY}&bucket=day`);
    assert.equal(r.status, 200, r.text);
    const t = r.body.total;
    assert.equal(t.conversations, 5, 'E never wrote');
    assert.deepEqual([t.self_service, t.escalated, t.resolved, t.handoffs], [2, 3, 2, 4]);
    close(t.self_service_share, 0.4, 'self-service share');
    assert.equal(t.first_contact_resolved, 3, 'A, F self-service; B one handoff, resolved');
    close(t.first_contact_resolution, 0.6, 'FCR');
    close(t.csat_mean, 3.5, 'CSAT mean');
    assert.deepEqual(t.csat_distribution, [0, 1, 1, 1, 1]);
    assert.equal(t.nps_answers, 4);
    close(t.nps, 25, 'NPS: promoters A, F; detractor C; (2 - 1) / 4');
    close(t.sentiment_before, -0.4, 'sentiment before: B -0.5, C -0.7, D 0.0');
    close(t.sentiment_after, 0.35, 'sentiment after: B 0.2, D 0.5');
    assert.deepEqual(t.sentiment_before_distribution, [1, 1, 1, 0, 0]);
    assert.deepEqual(t.sentiment_after_distribution, [0, 0, 1, 1, 0]);
    assert.equal(t.first_reply_mean_ms, 11 * MIN, 'first reply: 3, 10, 20 min');
    assert.equal(t.first_reply_median_ms, 10 * MIN);
    assert.equal(t.resolution_mean_ms, 39 * MIN, 'resolution: 18, 60 min');
    assert.equal(t.resolution_median_ms, 39 * MIN);
  });

  test('the hand-computed set: per day and per week', async () => {
    const day = await inbox(w, 'GET', `/kpis?site=demo&from=${MON}&to=${MON + 7 * DAY}&bucket=day`);
    assert.deepEqual(day.body.buckets.map((b) => [b.start, b.conversations]), [['2025-06-02', 3], ['2025-06-03', 1], ['2025-06-04', 1]]);
    close(day.body.buckets[0].csat_mean, 11 / 3, 'Monday CSAT');
    close(day.body.buckets[0].first_contact_resolution, 2 / 3, 'Monday FCR');
    assert.equal(day.body.buckets[1].resolution_mean_ms, null, 'Tuesday: D is not resolved');
    const week = await inbox(w, 'GET', `/kpis?site=demo&from=${MON}&to=${MON + 7 * DAY}&bucket=week`);
    assert.equal(week.body.buckets.length, 1);
    assert.deepEqual({ ...week.body.buckets[0], start: 'x' }, { ...week.body.total, start: 'x' });
  });

  test('the range is half-open and another site never leaks in', async () => {
    const r = await inbox(w, 'GET', `/kpis?site=demo&from=${MON + 11 * H}&to=${MON + 12 * H}`);
    assert.equal(r.body.total.conversations, 1, 'B only; C starts exactly at `to`');
    const other = await inbox(w, 'GET', `/kpis?site=other&from=${MON}&to=${MON + 7 * DAY}`);
    assert.equal(other.body.total.conversations, 6);
    assert.deepEqual(other.body.total.csat_distribution, [1, 1, 1, 1, 1]);
  });

  test('CSV export has a header, a line per period and the total', async () => {
    const r = await api(w, 'GET', `/v1/inbox/kpis.csv?site=demo&from=${MON}&to=${MON + 7 * DAY}&bucket=day`, { token: 'demo-agent-token' });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    assert.match(r.headers.get('content-disposition'), /attachment; filename="tandem-kpis-demo-day.csv"/);
    const lines = r.text.trim().split('\n');
    assert.equal(lines.length, 5);
    assert.ok(lines[0].startsWith('period_start,conversations,self_service'));
    assert.equal(lines[4], 'total,5,2,0.4,3,0.6,3,2,4,3.5,0,1,1,1,1,25,4,-0.4,0.35,660000,600000,2340000,2340000');
  });

  test('bad requests get clear errors', async () => {
    isError(await api(w, 'GET', '/v1/inbox/kpis?site=demo'), 401, 'unauthorized');
    isError(await inbox(w, 'GET', '/kpis'), 400, 'bad_request');
    isError(await inbox(w, 'GET', '/kpis?site=demo&bucket=month'), 400, 'bad_request');
    isError(await inbox(w, 'GET', '/kpis?site=demo&from=10&to=5'), 400, 'bad_request');
    isError(await inbox(w, 'GET', '/kpis?site=demo&from=yesterday'), 400, 'bad_request');
    isError(await inbox(w, 'GET', '/kpis?site=nope'), 403, 'unknown_site');
  });

  test('a live flow through the API: self-service and a resolved handoff', async () => {
    const since = Date.now() - 1000;
    const a = await start(w);
    await say(w, a, 'a1', 'Wat zijn de verzendkosten?', { bot_reply: { client_id: 'a1b', text: 'Vanaf € 50 gratis.', outcome: 'answered' } });
    await api(w, 'POST', `/v1/conversations/${a.id}/feedback`, { token: a.token, body: { csat: 5, nps: 10 } });
    const b = await start(w);
    await say(w, b, 'b1', 'Mijn pakket is kapot aangekomen, dit is echt belachelijk!');
    await handoff(w, b);
    assert.equal((await inbox(w, 'POST', `/conversations/${b.id}/claim`, { agent: 'Sanne' })).status, 200);
    isError(await inbox(w, 'POST', `/conversations/${b.id}/claim`, { agent: 'Piet' }), 409, 'conflict');
    assert.equal((await inbox(w, 'POST', `/conversations/${b.id}/reply`, { client_id: 'r1', text: 'Wat vervelend! Ik help je.', agent: 'Sanne' })).status, 201);
    assert.equal((await inbox(w, 'POST', `/conversations/${b.id}/resolve`, { agent: 'Sanne' })).status, 200);
    await api(w, 'POST', `/v1/conversations/${b.id}/feedback`, { token: b.token, body: { csat: 3, nps: 6 } });
    const r = await inbox(w, 'GET', `/kpis?site=demo&from=${since}`);
    const t = r.body.total;
    assert.deepEqual([t.conversations, t.self_service, t.escalated, t.resolved, t.handoffs, t.first_contact_resolved], [2, 1, 1, 1, 1, 2]);
    close(t.csat_mean, 4, 'CSAT');
    close(t.nps, 0, 'NPS: one promoter, one detractor');
    assert.ok(t.sentiment_before < 0, 'the angry message before the escalation');
    assert.ok(t.first_reply_mean_ms >= 0 && t.resolution_mean_ms >= t.first_reply_mean_ms);
  });
});
