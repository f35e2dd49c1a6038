// Escalation delivery through the D1 outbox: signed (Standard Webhooks), retried with backoff,
// exactly once per escalation id as far as the receiver can tell; C13 robustness; retention.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startReceiver, verifySignature } from '../support/receiver.mjs';
import { startWorker } from '../support/worker.mjs';
import { api, handoff, inbox, isError, say, start, until } from './helpers.mjs';

const SECRET = 'whsec_' + Buffer.from('tandem-test-secret-0123456789abcdef').toString('base64');

let w;
let rx;
let slack;
before(async () => {
  rx = await startReceiver({ secret: SECRET });
  slack = await startReceiver({});
  w = await startWorker({
    vars: {
      WEBHOOKS: [{ url: rx.url, secret: SECRET, kind: 'standard' }, { url: slack.url, kind: 'slack' }],
      DELIVERY_BACKOFF_MS: '100',
      DELIVERY_MAX_ATTEMPTS: '12',
      RATE_CONVERSATION_PER_MIN: '1000',
    },
  });
});
after(async () => {
  await w?.stop();
  await rx?.close();
  await slack?.close();
});

/** Drives the outbox (cron handler) until `fn` holds. */
const deliveredWhen = (fn, what) =>
  until(async () => { await w.scheduled(); return fn(); }, { timeoutMs: 40_000, intervalMs: 200, what });

describe('delivery', () => {
  test('an escalation is delivered signed, verifiable by the reference receiver', async () => {
    await rx.setMode('ok');
    const c = await start(w);
    await say(w, c, 's1', 'Ik wil graag mijn geld terug voor bestelling 5531.');
    const h = await handoff(w, c);
    assert.equal(h.body.status, 'waiting');
    const ev = await deliveredWhen(() => [...rx.events.values()].find((e) => e.conversation_id === c.id), 'delivery');
    assert.match(ev.id, /^evt_/);
    assert.equal(ev.tier, 'agent');
    assert.equal(typeof ev.rule, 'string'); // the policy may escalate on the message itself
    assert.equal(ev.site, 'demo');
    assert.deepEqual(ev.transcript.map((m) => m.client_id), ['s1']);
    assert.deepEqual(ev.summary, ['Ik wil graag mijn geld terug voor bestelling 5531.']);
    assert.equal(ev.link, `/v1/inbox/conversations/${c.id}`);
    assert.equal(rx.invalid.length, 0, 'every signature verified');
    // The Slack-style webhook got one readable text block for the same event id.
    const s = await deliveredWhen(() => slack.events.get(ev.id), 'the slack delivery');
    assert.match(s.text, new RegExp(c.id));
    assert.match(s.text, /Ik wil graag mijn geld terug/);
    // The verifier itself rejects a tampered body.
    const ts = String(Math.floor(Date.now() / 1000));
    assert.equal(verifySignature({ secret: SECRET, headers: { 'webhook-id': 'x', 'webhook-timestamp': ts, 'webhook-signature': 'v1,AAAA' }, body: '{}' }), false);
  });

  test('fault: receiver down, then failing, then back — 20 escalations each delivered exactly once, none missing', async () => {
    await rx.setMode('down');
    const convs = [];
    for (let i = 0; i < 20; i++) {
      const c = await start(w);
      await say(w, c, 'f1', `Probleem nummer ${i} met mijn bestelling`);
      const h = await handoff(w, c);
      assert.equal(h.status, 200, h.text);
      convs.push(c);
    }
    // While down, every escalation is already in the built-in inbox.
    const listed = new Set((await inbox(w, 'GET', '/conversations')).body.items.map((i) => i.conversation_id));
    for (const c of convs) assert.ok(listed.has(c.id), `${c.id} in the inbox`);
    // Failing attempts are retried with backoff.
    await w.scheduled();
    await rx.setMode('fail');
    await until(async () => { await w.scheduled(); return rx.attempts.some((a) => a.status === 500); }, { timeoutMs: 20_000, intervalMs: 150, what: 'a failing attempt' });
    await rx.setMode('ok');
    const ids = new Set(convs.map((c) => c.id));
    await deliveredWhen(() => [...rx.events.values()].filter((e) => ids.has(e.conversation_id)).length === 20, 'all 20 deliveries');
    const mine = [...rx.events.values()].filter((e) => ids.has(e.conversation_id));
    assert.equal(new Set(mine.map((e) => e.conversation_id)).size, 20);
    for (const e of mine) {
      const ok = rx.attempts.filter((a) => a.id === e.id && a.status === 204).length;
      assert.equal(ok, 1, `event ${e.id} acknowledged once`);
    }
    // A few more cron runs deliver nothing again.
    const before = rx.attempts.length;
    await w.scheduled();
    await w.scheduled();
    assert.equal(rx.attempts.length, before);
  });

  test('C13 invalid UTF-8, truncated JSON and 1 MB of emoji get a 4xx; the next request still escalates and delivers', async () => {
    await rx.setMode('ok');
    const c = await start(w);
    const url = `${w.url}/v1/conversations/${c.id}/messages`;
    const headers = { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' };
    const bad = Buffer.concat([Buffer.from('{"client_id":"u1","text":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const r1 = await fetch(url, { method: 'POST', headers, body: bad });
    assert.equal(r1.status, 400);
    assert.equal((await r1.json()).code, 'invalid_utf8');
    const r2 = await fetch(url, { method: 'POST', headers, body: '{"client_id":"u2","text":"waar is mijn pak' });
    assert.equal(r2.status, 400);
    const b2 = await r2.json();
    assert.equal(b2.code, 'invalid_json');
    assert.match(b2.message, /EOF/);
    const emoji = JSON.stringify({ client_id: 'u3', text: '😡'.repeat(262_144) }); // ≈ 1 MB
    const r3 = await fetch(url, { method: 'POST', headers, body: emoji });
    assert.equal(r3.status, 413);
    assert.equal((await r3.json()).code, 'payload_too_large');
    // The same megabyte streamed without Content-Length is cut off by the bytes actually read.
    const stream = new ReadableStream({
      start(ctl) { const chunk = new TextEncoder().encode(emoji); for (let i = 0; i < chunk.length; i += 65536) ctl.enqueue(chunk.slice(i, i + 65536)); ctl.close(); },
    });
    const r4 = await fetch(url, { method: 'POST', headers, body: stream, duplex: 'half' });
    assert.equal(r4.status, 413);
    // Nothing was stored; a normal request works and its escalation is delivered.
    const ok = await say(w, c, 'u4', 'Ik wil een medewerker spreken');
    assert.equal(ok.status, 201);
    assert.equal(ok.body.message.seq, 1);
    await handoff(w, c);
    await deliveredWhen(() => [...rx.events.values()].some((e) => e.conversation_id === c.id), 'the C13 escalation');
  });
});

describe('dead letters', () => {
  test('after the last attempt a delivery becomes a dead letter; the inbox still has the escalation', async () => {
    const closed = await startReceiver({ mode: 'down' });
    const w3 = await startWorker({
      vars: { WEBHOOKS: [{ url: closed.url, secret: SECRET }], DELIVERY_MAX_ATTEMPTS: '2', DELIVERY_BACKOFF_MS: '50' },
    });
    try {
      const c = await start(w3);
      await handoff(w3, c);
      const dead = await until(async () => {
        await w3.scheduled();
        const r = await api(w3, 'GET', '/v1/inbox/dead-letters', { token: 'demo-agent-token' });
        return r.body.dead_letters.find((d) => d.url === closed.url);
      }, { timeoutMs: 30_000, intervalMs: 150, what: 'a dead letter' });
      assert.equal(dead.attempts, 2);
      assert.match(dead.event_id, /^evt_/);
      assert.ok(dead.last_error);
      const list = await api(w3, 'GET', '/v1/inbox/conversations', { token: 'demo-agent-token' });
      assert.ok(list.body.items.some((i) => i.conversation_id === c.id));
    } finally {
      await w3.stop();
      await closed.close();
    }
  });
});

describe('retention', () => {
  test('the scheduled sweep erases conversations older than RETENTION_DAYS', async () => {
    const w2 = await startWorker({ vars: { RETENTION_DAYS: '0' } });
    try {
      const c = await start(w2);
      await say(w2, c, 'r1', 'bel me op 0612345678');
      await w2.scheduled();
      isError(await api(w2, 'GET', `/v1/conversations/${c.id}`, { token: c.token }), 404, 'not_found');
    } finally {
      await w2.stop();
    }
  });
});
