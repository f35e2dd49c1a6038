// Rate limits (fixed one-minute windows in D1), with tiny limits so the test is quick.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startWorker } from '../support/worker.mjs';
import { AGENT, api, isError, say, start } from './helpers.mjs';

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
