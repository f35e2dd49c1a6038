// Customer-facing routes against the real Workers runtime (workerd) and local D1.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startWorker } from '../support/worker.mjs';
import { api, handoff, inbox, isError, say, start } from './helpers.mjs';

let w;
before(async () => { w = await startWorker(); });
after(async () => { await w?.stop(); });

describe('conversations', () => {
  test('health answers ok', async () => {
    const r = await api(w, 'GET', '/v1/health');
    assert.equal(r.status, 200);
    assert.equal(r.body.ok, true);
    const head = await fetch(w.url + '/v1/health', { method: 'HEAD' });
    assert.equal(head.status, 200, 'uptime monitors probe with HEAD');
  });

  test('start creates a conversation with an id and a secret token', async () => {
    const c = await start(w);
    assert.match(c.id, /^c_[0-9a-f]{32}$/);
    assert.ok(c.token.length >= 32);
    assert.equal(c.status, 'bot');
    assert.deepEqual(c.messages, []);
  });

  test('resume with id and token returns the same conversation (C06)', async () => {
    const c = await start(w);
    await say(w, c, 'a1', 'waar is mijn pakket?');
    const r = await api(w, 'POST', '/v1/conversations', { body: { site: 'demo', conversation_id: c.id, token: c.token } });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, c.id);
    assert.deepEqual(r.body.messages.map((m) => m.text), ['waar is mijn pakket?']);
  });

  test('resume with a wrong token is 404 and reveals nothing', async () => {
    const c = await start(w);
    const r = await api(w, 'POST', '/v1/conversations', { body: { site: 'demo', conversation_id: c.id, token: 'nope' } });
    isError(r, 404, 'not_found');
    const unknown = await api(w, 'POST', '/v1/conversations', { body: { site: 'demo', conversation_id: 'c_x', token: 'nope' } });
    assert.deepEqual(unknown.body, r.body);
  });

  test('get needs the bearer token', async () => {
    const c = await start(w);
    isError(await api(w, 'GET', `/v1/conversations/${c.id}`), 401, 'unauthorized');
    isError(await api(w, 'GET', `/v1/conversations/${c.id}`, { token: 'wrong' }), 404, 'not_found');
    const r = await api(w, 'GET', `/v1/conversations/${c.id}`, { token: c.token });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, c.id);
  });

  test('post stores the message, the bot reply and returns the edge decision', async () => {
    const c = await start(w);
    const r1 = await say(w, c, 'm1', 'Hoe lang duurt verzending?', {
      bot_reply: { client_id: 'b1', text: 'Meestal 1–2 werkdagen.', article_id: 'shipping', outcome: 'answered' },
    });
    assert.equal(r1.status, 201);
    assert.equal(r1.body.duplicate, false);
    assert.equal(r1.body.message.seq, 1);
    assert.equal(r1.body.message.author, 'customer');
    assert.equal(typeof r1.body.decision.rule, 'string');
    assert.equal(typeof r1.body.decision.policy_version, 'string');
    const r2 = await say(w, c, 'm2', 'Dank je');
    assert.equal(r2.status, 201);
    const v = await api(w, 'GET', `/v1/conversations/${c.id}`, { token: c.token });
    // The bot's answer is stored right after the question it answers.
    assert.deepEqual(v.body.messages.map((m) => [m.seq, m.author, m.client_id]), [
      [1, 'customer', 'm1'], [2, 'bot', 'b1'], [3, 'customer', 'm2'],
    ]);
    assert.equal(v.body.messages[1].article_id, 'shipping');
  });

  test('C05 the same client_id is stored once and answered as a duplicate', async () => {
    const c = await start(w);
    const first = await say(w, c, 'dup-1', 'hallo');
    const again = await Promise.all([1, 2, 3].map(() => say(w, c, 'dup-1', 'hallo')));
    for (const r of again) {
      assert.equal(r.status, 200);
      assert.equal(r.body.duplicate, true);
      assert.deepEqual(r.body.message, first.body.message);
    }
    const v = await api(w, 'GET', `/v1/conversations/${c.id}`, { token: c.token });
    assert.equal(v.body.messages.length, 1);
  });

  test('concurrent messages get distinct, gap-free sequence numbers', async () => {
    const c = await start(w);
    const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => say(w, c, `p${i}`, `bericht ${i}`)));
    for (const r of rs) assert.equal(r.status, 201, r.text);
    const seqs = rs.map((r) => r.body.message.seq).sort((a, b) => a - b);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('messages?after returns only newer messages; wait returns promptly when there are none', async () => {
    const c = await start(w);
    await say(w, c, 'x1', 'een');
    await say(w, c, 'x2', 'twee');
    const r = await api(w, 'GET', `/v1/conversations/${c.id}/messages?after=1`, { token: c.token });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.messages.map((m) => m.client_id), ['x2']);
    const t0 = Date.now();
    const empty = await api(w, 'GET', `/v1/conversations/${c.id}/messages?after=2&wait=1`, { token: c.token });
    assert.deepEqual(empty.body.messages, []);
    assert.ok(Date.now() - t0 >= 700, 'waited about a second');
    isError(await api(w, 'GET', `/v1/conversations/${c.id}/messages?after=x`, { token: c.token }), 400, 'bad_request');
  });

  test('handoff escalates to an agent once', async () => {
    const c = await start(w);
    await say(w, c, 'h1', 'Hoe lang duurt verzending?');
    const r = await handoff(w, c);
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'waiting');
    assert.equal(r.body.tier, 'agent');
    assert.equal(r.body.decision.rule, 'explicit_human_request');
    assert.deepEqual(r.body.decision.action, { action: 'escalate', tier: 'agent' });
    const again = await handoff(w, c);
    assert.equal(again.status, 200);
    assert.equal(again.body.decision, undefined);
  });

  test('feedback is accepted (204) and validated', async () => {
    const c = await start(w);
    const ok = await api(w, 'POST', `/v1/conversations/${c.id}/feedback`, { token: c.token, body: { csat: 5, nps: 9, comment: 'top' } });
    assert.equal(ok.status, 204);
    const npsOnly = await api(w, 'POST', `/v1/conversations/${c.id}/feedback`, { token: c.token, body: { nps: 0 } });
    assert.equal(npsOnly.status, 204);
    isError(await api(w, 'POST', `/v1/conversations/${c.id}/feedback`, { token: c.token, body: { csat: 7 } }), 400, 'bad_request');
    isError(await api(w, 'POST', `/v1/conversations/${c.id}/feedback`, { token: c.token, body: {} }), 400, 'bad_request');
  });

  test('delete erases the conversation and keeps only a redacted decision stub', async () => {
    const c = await start(w);
    await say(w, c, 'd1', 'mijn mail is piet@voorbeeld.nl');
    await handoff(w, c);
    const r = await api(w, 'DELETE', `/v1/conversations/${c.id}`, { token: c.token });
    assert.equal(r.status, 204);
    isError(await api(w, 'GET', `/v1/conversations/${c.id}`, { token: c.token }), 404, 'not_found');
    isError(await inbox(w, 'GET', `/conversations/${c.id}`), 404, 'not_found');
    const list = await inbox(w, 'GET', '/conversations');
    assert.ok(!list.body.items.some((i) => i.conversation_id === c.id));
    const log = await inbox(w, 'GET', `/decisions?conversation=${c.id}`);
    assert.ok(log.body.decisions.length >= 1);
    for (const d of log.body.decisions) {
      assert.equal(d.redacted_stub, true);
      assert.equal(d.text, null);
      assert.deepEqual(d.decision.reasons, []);
    }
  });
});

describe('bad requests get a clear error body', () => {
  test('unknown site is 403 unknown_site', async () => {
    isError(await api(w, 'POST', '/v1/conversations', { body: { site: 'nope' } }), 403, 'unknown_site');
  });

  test('a missing field is 400 naming the field', async () => {
    const c = await start(w);
    const r = await api(w, 'POST', `/v1/conversations/${c.id}/messages`, { token: c.token, body: { client_id: 'z' } });
    isError(r, 400, 'invalid_json');
    assert.match(r.body.message, /missing field `text`/);
  });

  test('an unknown field is 400 naming the field', async () => {
    const r = await api(w, 'POST', '/v1/conversations', { body: { site: 'demo', evil: 1 } });
    isError(r, 400, 'invalid_json');
    assert.match(r.body.message, /unknown field `evil`/);
  });

  test('empty text and over-long client ids are 400', async () => {
    const c = await start(w);
    isError(await say(w, c, 'e1', '   '), 400, 'bad_request');
    isError(await say(w, c, 'x'.repeat(65), 'hoi'), 400, 'bad_request');
  });

  test('no body at all is 400 saying so, whatever the content type', async () => {
    const r = await api(w, 'POST', '/v1/conversations');
    isError(r, 400, 'invalid_json');
    assert.match(r.body.message, /empty/);
  });

  test('a non-JSON content type is 415', async () => {
    const r = await api(w, 'POST', '/v1/conversations', { raw: '{"site":"demo"}', headers: { 'content-type': 'text/plain' } });
    isError(r, 415, 'unsupported_media_type');
  });

  test('a body over the limit is 413 (by Content-Length)', async () => {
    const c = await start(w);
    const r = await say(w, c, 'big', 'a'.repeat(40_000));
    isError(r, 413, 'payload_too_large');
  });

  test('unknown routes and methods get JSON errors', async () => {
    isError(await api(w, 'GET', '/v1/nope'), 404, 'route_not_found');
    isError(await api(w, 'PUT', '/v1/conversations'), 405, 'method_not_allowed');
  });
  test('a body is a JSON object: an array is refused as such; a byte order mark is allowed', async () => {
    const arr = await api(w, 'POST', '/v1/conversations', { raw: '["demo", null, null, null]', headers: { 'content-type': 'application/json' } });
    isError(arr, 400, 'invalid_json');
    assert.match(arr.body.message, /JSON object/);
    const bom = await api(w, 'POST', '/v1/conversations', { raw: '\uFEFF{"site":"demo"}', headers: { 'content-type': 'application/json' } });
    assert.equal(bom.status, 201, bom.text);
  });

  test('a lone surrogate escape is named as such', async () => {
    const c = await start(w);
    const r = await api(w, 'POST', `/v1/conversations/${c.id}/messages`, {
      token: c.token, raw: '{"client_id":"s1","text":"hoi \\ud800"}', headers: { 'content-type': 'application/json' },
    });
    isError(r, 400, 'invalid_json');
    assert.match(r.body.message, /surrogate/);
  });

  test('an unknown site is named briefly, not echoed whole', async () => {
    const r = await api(w, 'POST', '/v1/conversations', { body: { site: 's'.repeat(5000) } });
    isError(r, 403, 'unknown_site');
    assert.ok(r.body.message.length < 200, r.body.message.length);
  });

  test('resuming needs both the conversation id and its token', async () => {
    const c = await start(w);
    const r = await api(w, 'POST', '/v1/conversations', { body: { site: 'demo', conversation_id: c.id } });
    isError(r, 400, 'bad_request');
    assert.match(r.body.message, /`token`/);
  });

  test('a repeated query parameter is named', async () => {
    const c = await start(w);
    const r = await api(w, 'GET', `/v1/conversations/${c.id}/messages?after=1&after=2`, { token: c.token });
    isError(r, 400, 'bad_request');
    assert.match(r.body.message, /`after`/);
  });
});
