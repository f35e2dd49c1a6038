// The expected wait for a person (issue 4 point 5): the handoff, post-message and messages
// answers carry `expected_wait_s` while the conversation waits. The estimate is
// (waiting ahead + 1) × median first-reply time of the last 24 h ÷ active agents, rounded up to
// whole minutes (shared/src/wait.rs). A hand-computed set is seeded into D1 with timestamps
// relative to now; a second part builds the history live through the inbox API.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { EDGE_DIR, startWorker } from '../support/worker.mjs';
import { api, handoff, inbox, q, say, start, wrangler } from './helpers.mjs';

const MIN = 60_000;
const H = 60 * MIN;

/** SQL for one escalated conversation: its inbox item at `escalated`, agent replies [[at, name]]. */
function escalated(site, id, escalated, { status, agent = null, tier = 'agent', replies = [] }) {
  const sql = [
    `INSERT INTO conversations (id, site, token_hash, lang, status, tier, agent, rev, created_at, updated_at, escalated_at) VALUES (${q(id)}, ${q(site)}, 'x', 'nl', ${q(status)}, ${q(tier)}, ${q(agent)}, 'r', ${escalated - MIN}, ${escalated}, ${escalated});`,
    `INSERT INTO messages (conversation_id, seq, client_id, author, text, at) VALUES (${q(id)}, 1, ${q(`${id}-c`)}, 'customer', 'help', ${escalated - MIN});`,
    `INSERT INTO inbox_items (event_id, conversation_id, site, tier, received_at, payload) VALUES (${q(`evt-${id}`)}, ${q(id)}, ${q(site)}, ${q(tier)}, ${escalated}, '{}');`,
  ];
  replies.forEach(([at, name], i) => sql.push(`INSERT INTO messages (conversation_id, seq, client_id, author, author_name, text, at) VALUES (${q(id)}, ${i + 2}, ${q(`${id}-a${i}`)}, 'agent', ${q(name)}, 'hoi', ${at});`));
  return sql.join('\n');
}

let w, dir;
const now0 = Date.now();
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tandem-wait-'));
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], EDGE_DIR);
  const t = (m) => now0 - m * MIN;
  // demo: first replies after 4, 6 and 10 minutes (median 6) by ann and bob within the last hour
  // (2 active agents); W1, W2 wait in the agent queue, S1 in the specialist queue (not ahead).
  // OLD (30 h ago, 1 minute) is outside the window: counted, the median would be 5.
  const seed = [
    escalated('demo', 'H1', t(50), { status: 'with_agent', agent: 'ann', replies: [[t(46), 'ann'], [t(30), 'ann']] }),
    escalated('demo', 'H2', t(40), { status: 'resolved', agent: 'bob', replies: [[t(34), 'bob']] }),
    escalated('demo', 'H3', t(30), { status: 'resolved', agent: 'ann', replies: [[t(20), 'ann']] }),
    escalated('demo', 'OLD', now0 - 30 * H, { status: 'resolved', agent: 'carl', replies: [[now0 - 30 * H + MIN, 'carl']] }),
    escalated('demo', 'W1', t(10), { status: 'waiting' }),
    escalated('demo', 'W2', t(5), { status: 'waiting' }),
    escalated('demo', 'S1', t(8), { status: 'waiting', tier: 'specialist' }),
    // Another site's fast replies and queue never leak into demo's estimate.
    escalated('other', 'O1', t(20), { status: 'resolved', agent: 'olga', replies: [[t(19), 'olga']] }),
    escalated('other', 'O2', t(18), { status: 'resolved', agent: 'olga', replies: [[t(17), 'olga']] }),
    escalated('other', 'O3', t(16), { status: 'resolved', agent: 'olga', replies: [[t(15), 'olga']] }),
    escalated('other', 'O4', t(3), { status: 'waiting' }),
  ].join('\n');
  const file = path.join(dir, 'seed.sql');
  await writeFile(file, seed);
  await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', dir, '--file', file, '--yes'], EDGE_DIR);
  const site = { origins: ['http://127.0.0.1:8080'] };
  w = await startWorker({ persistDir: dir, vars: { SITES: { demo: site, other: site, quiet: site, live: site }, RATE_CONVERSATION_PER_MIN: '1000' } });
});
after(async () => {
  await w?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const poll = (c) => api(w, 'GET', `/v1/conversations/${c.id}/messages?after=0`, { token: c.token });

describe('expected wait', () => {
  test('the hand-computed queue: handoff, post-message and poll answers carry it; it follows the queue', async () => {
    const c = await start(w, 'demo');
    const h = await handoff(w, c);
    assert.equal(h.status, 200, h.text);
    assert.equal(h.body.status, 'waiting');
    assert.equal(h.body.expected_wait_s, 9 * 60, '(W1, W2 ahead + 1) × median 6 min ÷ ann, bob = 9 min');
    const again = await handoff(w, c);
    assert.equal(again.body.expected_wait_s, 9 * 60, 'a repeated handoff answers the same estimate');
    assert.equal((await poll(c)).body.expected_wait_s, 9 * 60);
    const m = await say(w, c, 'm1', 'Is er al iemand?');
    assert.equal(m.status, 201, m.text);
    assert.equal(m.body.status, 'waiting');
    assert.equal(m.body.expected_wait_s, 9 * 60);

    // cleo takes W1: one ahead, and three agents active (ann, bob, cleo): 2 × 6 / 3 = 4 min.
    assert.equal((await inbox(w, 'POST', '/conversations/W1/claim', { agent: 'cleo' })).status, 200);
    assert.equal((await poll(c)).body.expected_wait_s, 4 * 60);

    // Once a person holds the conversation there is no wait to show.
    assert.equal((await inbox(w, 'POST', `/conversations/${c.id}/claim`, { agent: 'cleo' })).status, 200);
    const held = await poll(c);
    assert.equal(held.body.status, 'with_agent');
    assert.equal('expected_wait_s' in held.body, false);
  });

  test('another site has its own history and queue', async () => {
    const c = await start(w, 'other');
    const h = await handoff(w, c);
    assert.equal(h.body.expected_wait_s, 2 * 60, '(O4 ahead + 1) × median 1 min ÷ olga = 2 min');
  });

  test('absent without history, and on the normal bot path', async () => {
    const c = await start(w, 'quiet');
    const bot = await say(w, c, 'b1', 'Hoe lang duurt verzending?');
    assert.equal(bot.body.status, 'bot');
    assert.equal('expected_wait_s' in bot.body, false);
    const h = await handoff(w, c);
    assert.equal(h.body.status, 'waiting');
    assert.equal('expected_wait_s' in h.body, false, 'no first replies on this site yet');
    assert.equal('expected_wait_s' in (await poll(c)).body, false);
  });

  test('built live through the inbox: none below three first replies, then about a minute', async () => {
    const convs = [];
    for (let i = 0; i < 3; i++) {
      const c = await start(w, 'live');
      assert.equal((await handoff(w, c)).body.status, 'waiting');
      convs.push(c);
    }
    const answer = async (c, i) => {
      assert.equal((await inbox(w, 'POST', `/conversations/${c.id}/claim`, { agent: 'dora' })).status, 200);
      assert.equal((await inbox(w, 'POST', `/conversations/${c.id}/reply`, { client_id: `r${i}`, text: 'Ik help je', agent: 'dora' })).status, 201);
    };
    await answer(convs[0], 0);
    await answer(convs[1], 1);
    const early = await start(w, 'live');
    const e = await handoff(w, early);
    assert.equal(e.body.status, 'waiting');
    assert.equal('expected_wait_s' in e.body, false, 'two first replies are too few');
    await answer(convs[2], 2);
    const c = await start(w, 'live');
    const h = await handoff(w, c);
    // Every first reply came within this spec's span, so the median is shorter than it and the
    // estimate is (`early` ahead + 1) × median ÷ dora, rounded up to whole minutes: one minute
    // on any machine that runs this in under 30 s, never more than the span allows.
    const span = Date.now() - now0;
    assert.ok(h.body.expected_wait_s >= 60, h.text);
    assert.ok(h.body.expected_wait_s <= 60 * Math.max(1, Math.ceil((2 * span) / MIN)), `${h.body.expected_wait_s} s after ${span} ms`);
    assert.equal(h.body.expected_wait_s % 60, 0, 'whole minutes');
  });
});
