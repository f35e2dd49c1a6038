// Rate limits (fixed one-minute windows in D1), with tiny limits so the test is quick.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startWorker } from '../support/worker.mjs';
import { AGENT, api, handoff, isError, say, start } from './helpers.mjs';

let w;
before(async () => { w = await startWorker({ vars: { RATE_CONVERSATION_PER_MIN: '3', RATE_CLIENT_PER_MIN: '8' } }); });
after(async () => { await w?.stop(); });

test('per-conversation limit answers 429 with Retry-After; retries of stored messages are not counted', async () => {
  const c = await start(w);
  for (let i = 0; i < 3; i++) assert.equal((await say(w, c, `r${i}`, `bericht ${i}`)).status, 201);
  const r = await say(w, c, 'r3', 'nog een');
  isError(r, 429, 'rate_limited');
  const retryAfter = Number(r.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  // The limited message was refused whole: not in the transcript, no decision logged for it.
  const view = await api(w, 'GET', `/v1/conversations/${c.id}`, { token: c.token });
  assert.deepEqual(view.body.messages.map((m) => m.client_id), ['r0', 'r1', 'r2']);
  const log = await api(w, 'GET', `/v1/inbox/decisions?conversation=${c.id}`, { token: AGENT });
  assert.equal(log.status, 200, log.text);
  assert.equal(log.body.decisions.length, 3);
  const dup = await say(w, c, 'r0', 'bericht 0');
  assert.equal(dup.status, 200);
  assert.equal(dup.body.duplicate, true);
});

test('per-client limit applies across conversations', async () => {
  const statuses = [];
  for (let i = 0; i < 12; i++) {
    statuses.push((await api(w, 'POST', '/v1/conversations', { body: { site: 'demo' }, headers: { 'cf-connecting-ip': '203.0.113.9' } })).status);
  }
  assert.ok(statuses.includes(429), statuses.join(','));
});

// The edge keeps the conversation row it last wrote (edge/src/conv_cache.rs), so the next message
// skips a read. These two specs pin what that cache must never change for the customer.
const sayAs = (ip, c, client_id, text) =>
  api(w, 'POST', `/v1/conversations/${c.id}/messages`, { token: c.token, body: { client_id, text }, headers: { 'cf-connecting-ip': ip } });

test('retries answered from the cached row are duplicates and do not use up the rate limit', async () => {
  const c = await start(w);
  const first = await sayAs('198.51.100.7', c, 'k0', 'waar is mijn pakket');
  assert.equal(first.status, 201, first.text);
  for (let i = 0; i < 4; i++) {
    const dup = await sayAs('198.51.100.7', c, 'k0', 'waar is mijn pakket');
    assert.equal(dup.status, 200, dup.text);
    assert.equal(dup.body.duplicate, true);
    assert.equal(dup.body.message.seq, first.body.message.seq);
  }
  // Three new messages per minute are allowed: the four retries above were not counted.
  assert.equal((await sayAs('198.51.100.7', c, 'k1', 'en wanneer komt het')).status, 201);
  assert.equal((await sayAs('198.51.100.7', c, 'k2', 'graag snel antwoord')).status, 201);
  const view = await api(w, 'GET', `/v1/conversations/${c.id}`, { token: c.token });
  assert.deepEqual(view.body.messages.filter((m) => m.author === 'customer').map((m) => m.client_id), ['k0', 'k1', 'k2']);
});

test('a message after a change the cache did not see (handoff) is stored once, after it, in the new status', async () => {
  const c = await start(w);
  const first = await sayAs('198.51.100.8', c, 'h0', 'mijn bestelling is kapot aangekomen');
  assert.equal(first.status, 201, first.text);
  const h = await handoff(w, c);
  assert.ok(h.status === 200 || h.status === 201, h.text);
  const next = await sayAs('198.51.100.8', c, 'h1', 'ik wacht wel even');
  assert.equal(next.status, 201, next.text);
  assert.equal(next.body.status, 'waiting');
  const view = await api(w, 'GET', `/v1/conversations/${c.id}`, { token: c.token });
  const seqs = view.body.messages.map((m) => m.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  assert.equal(new Set(seqs).size, seqs.length, `seqs unique: ${seqs}`);
  assert.deepEqual(view.body.messages.filter((m) => m.author === 'customer').map((m) => m.client_id), ['h0', 'h1']);
  assert.ok(next.body.message.seq > first.body.message.seq);
  assert.equal(view.body.status, 'waiting');
});
