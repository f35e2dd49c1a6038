// The agent inbox: escalations with context, claim/reply/resolve, the decision log, C07, C08.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { EDGE_DIR, startWorker } from '../support/worker.mjs';
import { api, handoff, inbox, isError, say, start } from './helpers.mjs';

let w;
before(async () => { w = await startWorker(); });
after(async () => { await w?.stop(); });

describe('inbox', () => {
  test('needs the agent token', async () => {
    isError(await api(w, 'GET', '/v1/inbox/conversations'), 401, 'unauthorized');
    isError(await api(w, 'GET', '/v1/inbox/conversations', { token: 'wrong' }), 401, 'unauthorized');
  });

  test('an escalated conversation arrives with transcript, trajectory, summary and reasons', async () => {
    const c = await start(w);
    await say(w, c, 'i1', 'Mijn pakket met ordernummer 48213 is nog steeds niet bezorgd.');
    await say(w, c, 'i2', 'hallo?');
    await handoff(w, c);
    const list = await inbox(w, 'GET', '/conversations?site=demo');
    assert.equal(list.status, 200);
    const item = list.body.items.find((i) => i.conversation_id === c.id);
    assert.ok(item, 'listed');
    assert.equal(item.tier, 'agent');
    assert.equal(item.status, 'waiting');
    const d = await inbox(w, 'GET', `/conversations/${c.id}`);
    assert.equal(d.status, 200);
    assert.deepEqual(d.body.transcript.map((m) => m.client_id), ['i1', 'i2']);
    assert.equal(d.body.trajectory.length, 2);
    assert.deepEqual(d.body.summary, ['Mijn pakket met ordernummer 48213 is nog steeds niet bezorgd.']);
    assert.ok(d.body.reasons.length >= 1);
    isError(await inbox(w, 'GET', '/conversations/c_unknown'), 404, 'not_found');
  });

  // The widget shows "a person joined" and asks for a rating on these changes; a poll that only
  // woke for messages told it up to a whole wait (25 s) late. The timeout is the assertion: the
  // polls ask for the longest wait, 25 s, and must answer on the change, long before.
  test('the conversation keeps its language through a short or mixed message, and follows a real switch', async () => {
    const c = await start(w);
    await say(w, c, 'l1', 'mijn fiets is kapot aangekomen en ik wil graag een medewerker spreken');
    await handoff(w, c);
    const lang = async () => (await inbox(w, 'GET', `/conversations/${c.id}`)).body.lang;
    assert.equal(await lang(), 'nl');
    await say(w, c, 'l2', 'ok thanks');
    await say(w, c, 'l3', 'sorry, mijn fout, the bike is fine');
    assert.equal(await lang(), 'nl', 'a short or mixed message does not switch the language');
    await say(w, c, 'l4', 'could you please tell me when the replacement part will be shipped to me');
    assert.equal(await lang(), 'en', 'a whole message in English does');
  });

  test('a waiting customer long-poll ends on a status change (claim, resolve), not only on messages', { timeout: 15_000 }, async () => {
    const c = await start(w);
    await say(w, c, 'q1', 'Ik wil een medewerker spreken');
    assert.equal((await handoff(w, c)).body.status, 'waiting');
    const view = await api(w, 'GET', `/v1/conversations/${c.id}`, { token: c.token });
    const last = Math.max(...view.body.messages.map((m) => m.seq));
    const polling = api(w, 'GET', `/v1/conversations/${c.id}/messages?after=${last}&wait=25&status=waiting`, { token: c.token });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await inbox(w, 'POST', `/conversations/${c.id}/claim`, { agent: 'Sanne' })).status, 200);
    const claimed = await polling;
    assert.equal(claimed.status, 200, claimed.text);
    assert.equal(claimed.body.status, 'with_agent');
    assert.deepEqual(claimed.body.messages, []);
    // A status the client has not seen yet is answered at once.
    const stale = await api(w, 'GET', `/v1/conversations/${c.id}/messages?after=${last}&wait=25&status=waiting`, { token: c.token });
    assert.equal(stale.body.status, 'with_agent');
    const polling2 = api(w, 'GET', `/v1/conversations/${c.id}/messages?after=${last}&wait=25&status=with_agent`, { token: c.token });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await inbox(w, 'POST', `/conversations/${c.id}/resolve`, { agent: 'Sanne' })).status, 200);
    assert.equal((await polling2).body.status, 'resolved');
    isError(await api(w, 'GET', `/v1/conversations/${c.id}/messages?status=done`, { token: c.token }), 400, 'bad_request');
    isError(await api(w, 'GET', `/v1/conversations/${c.id}/messages?after=18446744073709551615`, { token: c.token }), 400, 'bad_request');
  });

  test('claim, reply (seen by the customer through a long-poll), resolve', async () => {
    const c = await start(w);
    await say(w, c, 'q1', 'Ik wil een medewerker spreken');
    await handoff(w, c);
    const claimed = await inbox(w, 'POST', `/conversations/${c.id}/claim`, { agent: 'Sanne' });
    assert.equal(claimed.status, 200);
    assert.equal(claimed.body.status, 'with_agent');
    assert.equal(claimed.body.agent, 'Sanne');
    // The customer is waiting in a long-poll when the agent answers.
    const poll = api(w, 'GET', `/v1/conversations/${c.id}/messages?after=1&wait=10`, { token: c.token });
    const reply = await inbox(w, 'POST', `/conversations/${c.id}/reply`, { client_id: 'a1', text: 'Hoi, ik help je verder!', agent: 'Sanne' });
    assert.equal(reply.status, 201);
    const got = await poll;
    assert.equal(got.status, 200);
    assert.equal(got.body.status, 'with_agent');
    assert.deepEqual(got.body.messages.map((m) => [m.author, m.author_name, m.text]), [['agent', 'Sanne', 'Hoi, ik help je verder!']]);
    const dup = await inbox(w, 'POST', `/conversations/${c.id}/reply`, { client_id: 'a1', text: 'Hoi, ik help je verder!', agent: 'Sanne' });
    assert.equal(dup.status, 200);
    assert.equal(dup.body.duplicate, true);
    const resolved = await inbox(w, 'POST', `/conversations/${c.id}/resolve`, { agent: 'Sanne' });
    assert.equal(resolved.status, 200);
    assert.equal(resolved.body.status, 'resolved');
    const list = await inbox(w, 'GET', '/conversations');
    assert.ok(!list.body.items.some((i) => i.conversation_id === c.id), 'resolved leaves the queue');
    isError(await inbox(w, 'POST', `/conversations/${c.id}/reply`, { client_id: 'a2', text: 'x', agent: 'Sanne' }), 409, 'conflict');
    // After resolution the customer talks to the bot again, and may be escalated anew.
    const next = await say(w, c, 'q2', 'Nog een vraag');
    assert.equal(next.body.status, 'bot');
    const again = await handoff(w, c);
    assert.equal(again.body.status, 'waiting');
    assert.ok(again.body.decision);
  });

  test('only the agent who holds the claim answers or resolves; a transfer goes to the specialists', async () => {
    const c = await start(w);
    await say(w, c, 'h1', 'Ik wil een medewerker spreken over mijn retour');
    await handoff(w, c);
    const early = await inbox(w, 'POST', `/conversations/${c.id}/reply`, { client_id: 'x0', text: 'Hallo', agent: 'Piet' });
    isError(early, 409, 'conflict');
    assert.match(early.body.message, /claim it first/);
    isError(await inbox(w, 'POST', `/conversations/${c.id}/resolve`, { agent: 'Piet' }), 409, 'conflict');
    assert.equal((await inbox(w, 'POST', `/conversations/${c.id}/claim`, { agent: 'Sanne' })).status, 200);
    const second = await inbox(w, 'POST', `/conversations/${c.id}/claim`, { agent: 'Piet' });
    isError(second, 409, 'conflict');
    assert.match(second.body.message, /Sanne holds this conversation/);
    const other = await inbox(w, 'POST', `/conversations/${c.id}/reply`, { client_id: 'x1', text: 'Ik neem het over', agent: 'Piet' });
    isError(other, 409, 'conflict');
    assert.match(other.body.message, /Sanne holds this conversation/);
    const otherResolve = await inbox(w, 'POST', `/conversations/${c.id}/resolve`, { agent: 'Piet' });
    isError(otherResolve, 409, 'conflict');
    assert.match(otherResolve.body.message, /Sanne holds/);
    isError(await inbox(w, 'POST', `/conversations/${c.id}/transfer`, { agent: 'Piet', note: 'mag ik?' }), 409, 'conflict');
    isError(await inbox(w, 'POST', `/conversations/${c.id}/resolve`), 400, 'bad_request'); // who resolves?
    const d = await inbox(w, 'GET', `/conversations/${c.id}`);
    assert.deepEqual(d.body.transcript.map((m) => m.author), ['customer'], 'nothing was sent by the others');
    // The holder hands it to a specialist; the specialist claims and answers.
    const moved = await inbox(w, 'POST', `/conversations/${c.id}/transfer`, { agent: 'Sanne', note: 'Retour van een overleden klant' });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.tier, 'specialist');
    assert.equal(moved.body.status, 'waiting');
    isError(await inbox(w, 'POST', `/conversations/${c.id}/reply`, { client_id: 'x2', text: 'Nog even', agent: 'Sanne' }), 409, 'conflict');
    assert.equal((await inbox(w, 'POST', `/conversations/${c.id}/claim`, { agent: 'Specialist Eva' })).status, 200);
    assert.equal((await inbox(w, 'POST', `/conversations/${c.id}/reply`, { client_id: 'x3', text: 'Ik help u verder.', agent: 'Specialist Eva' })).status, 201);
    assert.equal((await inbox(w, 'POST', `/conversations/${c.id}/resolve`, { agent: 'Specialist Eva' })).status, 200);
  });

  test('the queue is paged per tier with counts of the whole queue', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) {
      const c = await start(w);
      await say(w, c, 'p1', `Ik wil een medewerker spreken (${i})`);
      await handoff(w, c);
      made.push(c.id);
    }
    const all = await inbox(w, 'GET', '/conversations?site=demo');
    assert.equal(all.body.limit, 1000, 'without a limit: the whole queue (up to 1000 per tier)');
    const agentItems = all.body.items.filter((i) => i.tier === 'agent');
    assert.ok(made.every((id) => agentItems.some((i) => i.conversation_id === id)));
    assert.equal(all.body.counts.agent.open, agentItems.length);
    assert.equal(all.body.counts.agent.waiting, agentItems.filter((i) => i.status === 'waiting').length);
    const one = await inbox(w, 'GET', '/conversations?site=demo&limit=1');
    assert.equal(one.status, 200);
    assert.equal(one.body.items.filter((i) => i.tier === 'agent').length, 1);
    assert.deepEqual(one.body.counts, all.body.counts);
    assert.equal(one.body.items.find((i) => i.tier === 'agent').conversation_id, agentItems[0].conversation_id, 'the most urgent first');
    isError(await inbox(w, 'GET', '/conversations?limit=0'), 400, 'bad_request');
    isError(await inbox(w, 'GET', '/conversations?limit=abc'), 400, 'bad_request');
  });

  test('the queue long-polls: an escalation or a claim during the wait answers it with the new queue', async () => {
    const first = await inbox(w, 'GET', '/conversations?site=demo&limit=50');
    assert.equal(first.body.changed, true);
    assert.match(first.body.cursor, /^[0-9a-f]+(-[0-9a-f]+){4}$/);
    // Asked again with the cursor and nothing happening: "no change", same cursor, no items.
    const idle = await inbox(w, 'GET', `/conversations?site=demo&limit=50&since=${first.body.cursor}&wait=1`);
    assert.equal(idle.status, 200);
    assert.deepEqual(idle.body, { changed: false, cursor: first.body.cursor });
    // An escalation while an agent's page waits: the open request answers with it, well before
    // its 25 s are up (a page that only saw it at the timeout would be no better than a poll).
    const c = await start(w);
    await say(w, c, 'lp1', 'Ik wil een medewerker spreken over mijn bestelling');
    const t0 = Date.now();
    const waiting = inbox(w, 'GET', `/conversations?site=demo&limit=50&since=${first.body.cursor}&wait=25`);
    await new Promise((r) => setTimeout(r, 600)); // the request is inside its wait
    await handoff(w, c);
    const woke = await waiting;
    assert.ok(Date.now() - t0 < 20_000, 'answered by the change, not at the timeout');
    assert.equal(woke.status, 200);
    assert.equal(woke.body.changed, true);
    assert.notEqual(woke.body.cursor, first.body.cursor);
    assert.equal(woke.body.limit, 50);
    assert.equal(woke.body.items.find((i) => i.conversation_id === c.id)?.status, 'waiting');
    assert.deepEqual(woke.body.counts.agent.waiting, first.body.counts.agent.waiting + 1);
    // A claim changes what the queue shows too.
    const claimWait = inbox(w, 'GET', `/conversations?site=demo&limit=50&since=${woke.body.cursor}&wait=25`);
    assert.equal((await inbox(w, 'POST', `/conversations/${c.id}/claim`, { agent: 'Sanne' })).status, 200);
    const claimed = await claimWait;
    assert.equal(claimed.body.changed, true);
    assert.equal(claimed.body.items.find((i) => i.conversation_id === c.id)?.agent, 'Sanne');
    // So does a new customer message in a claimed conversation (the page refreshes what is open).
    const msgWait = inbox(w, 'GET', `/conversations?site=demo&limit=50&since=${claimed.body.cursor}&wait=25`);
    await say(w, c, 'lp2', 'Zijn jullie er nog?');
    assert.equal((await msgWait).body.changed, true);
    // And resolving takes it out.
    const resolveWait = inbox(w, 'GET', `/conversations?site=demo&limit=50&since=${(await inbox(w, 'GET', '/conversations?site=demo')).body.cursor}&wait=25`);
    assert.equal((await inbox(w, 'POST', `/conversations/${c.id}/resolve`, { agent: 'Sanne' })).status, 200);
    const resolved = await resolveWait;
    assert.equal(resolved.body.changed, true);
    assert.ok(!resolved.body.items.some((i) => i.conversation_id === c.id));
  });

  test('a bad `since` or `wait` is refused naming the field', async () => {
    for (const [q, field] of [['since=abc', 'since'], ['since=1-2-3-4', 'since'], ['since=1-2-3-4-5%20', 'since'], ['since=0-0-0-0-0&wait=soon', 'wait'], ['wait=-1', 'wait'], ['wait=1.5', 'wait']]) {
      const r = await inbox(w, 'GET', `/conversations?site=demo&${q}`);
      isError(r, 400, 'bad_request');
      assert.match(r.body.message, new RegExp(`\`${field}\``), q);
    }
    // A wait longer than 25 s is shortened, not refused (as the customer's long-poll).
    const cur = (await inbox(w, 'GET', '/conversations?site=demo')).body.cursor;
    assert.equal((await inbox(w, 'GET', `/conversations?site=demo&since=${cur}&wait=0`)).body.changed, false);
  });

  test('the detail can carry the first suggestions (one round trip)', async () => {
    const c = await start(w);
    await say(w, c, 's1', 'Mijn fiets is kapot aangekomen, ik wil mijn geld terug. Ik wil een medewerker.');
    await handoff(w, c);
    const d = await inbox(w, 'GET', `/conversations/${c.id}?with=suggestions`);
    assert.equal(d.status, 200);
    assert.equal(d.body.id, c.id);
    assert.equal(d.body.transcript.length, 1);
    const alone = await inbox(w, 'GET', `/conversations/${c.id}/suggestions`);
    assert.deepEqual(d.body.suggestions, alone.body, 'the same suggestions as the suggestions route');
    assert.ok(d.body.suggestions.replies.length >= 2);
    assert.equal((await inbox(w, 'GET', `/conversations/${c.id}`)).body.suggestions, undefined);
    isError(await inbox(w, 'GET', `/conversations/${c.id}?with=everything`), 400, 'bad_request');
    const informal = await inbox(w, 'GET', `/conversations/${c.id}/suggestions?formal=false`);
    assert.equal(informal.body.formal, false);
    const bad = await inbox(w, 'GET', `/conversations/${c.id}/suggestions?formal=maybe`);
    isError(bad, 400, 'bad_request');
    assert.match(bad.body.message, /`formal`/);
  });

  test('the inbox page and the knowledge base are static assets served only through the worker', async () => {
    for (const [route, file, type] of [
      ['/inbox', 'index.html', 'text/html; charset=utf-8'],
      ['/inbox/app.js', 'app.js', 'text/javascript; charset=utf-8'],
      ['/inbox/app.css', 'app.css', 'text/css; charset=utf-8'],
    ]) {
      const r = await api(w, 'GET', route);
      assert.equal(r.status, 200, route);
      assert.equal(r.text, readFileSync(path.join(EDGE_DIR, '..', 'inbox', file), 'utf8'), route);
      assert.equal(r.headers.get('content-type'), type, route);
      assert.match(r.headers.get('content-security-policy'), /^default-src 'none'; script-src 'self'/, route);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', route);
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer', route);
      assert.equal(r.headers.get('cache-control'), 'no-cache', route);
    }
    // The assets' own paths are not routes: nothing is served without the worker.
    for (const p of ['/inbox/index.html', '/kb/demo-shop.json']) isError(await api(w, 'GET', p), 404, 'route_not_found');
    // The demo site's knowledge base (an asset, read once per isolate) feeds the suggestions.
    const c = await start(w);
    await say(w, c, 'k1', 'Ik wil mijn bestelling retourneren, hoe werkt dat? Ik wil een medewerker.');
    await handoff(w, c);
    const s = await inbox(w, 'GET', `/conversations/${c.id}/suggestions?q=${encodeURIComponent('hoe kan ik mijn bestelling retourneren')}`);
    assert.equal(s.status, 200);
    assert.ok(s.body.articles.length > 0, JSON.stringify(s.body));
    assert.match(s.body.articles[0].article_id, /^returns-.*-nl$/);
    isError(await inbox(w, 'GET', `/conversations/${c.id}/suggestions?q=a&q=b`), 400, 'bad_request');
  });

  test('C07 after the handoff messages go to the inbox, no bot reply, no second escalation', async () => {
    const c = await start(w);
    await say(w, c, 'k1', 'Ik wil iemand spreken');
    await handoff(w, c);
    const r1 = await say(w, c, 'k2', 'hallo?', { bot_reply: { client_id: 'kb1', text: 'Ik ben de bot', outcome: 'answered' } });
    const r2 = await say(w, c, 'k3', 'wat zijn jullie openingstijden', { bot_reply: { client_id: 'kb2', text: 'Wij zijn open van 9 tot 5', outcome: 'answered' } });
    for (const r of [r1, r2]) {
      assert.equal(r.status, 201);
      assert.equal(r.body.status, 'waiting');
    }
    const d = await inbox(w, 'GET', `/conversations/${c.id}`);
    assert.deepEqual(d.body.transcript.map((m) => [m.author, m.text]), [
      ['customer', 'Ik wil iemand spreken'], ['customer', 'hallo?'], ['customer', 'wat zijn jullie openingstijden'],
    ]);
    const items = (await inbox(w, 'GET', '/conversations')).body.items.filter((i) => i.conversation_id === c.id);
    assert.equal(items.length, 1);
    const log = (await inbox(w, 'GET', `/decisions?conversation=${c.id}`)).body.decisions;
    const escalations = log.filter((x) => x.decision.action.action === 'escalate' && !x.decision.reasons.some((r) => r.startsWith('already escalated')));
    assert.equal(escalations.length, 1);
  });

  test('decision log and JSON-lines export redact PII', async () => {
    const c = await start(w);
    await say(w, c, 'p1', 'Mail me op jan.jansen@example.com of bel 06-12345678, IBAN NL91 ABNA 0417 1643 00, kaart 4111 1111 1111 1111');
    const log = await inbox(w, 'GET', `/decisions?conversation=${c.id}`);
    assert.equal(log.status, 200);
    assert.equal(log.body.decisions.length, 1);
    const rec = log.body.decisions[0];
    assert.equal(rec.text, 'Mail me op [email] of bel [phone], IBAN [iban], kaart [card]');
    assert.equal(rec.seq, 1);
    assert.equal(typeof rec.decision.policy_version, 'string');
    const r = await fetch(`${w.url}/v1/inbox/decisions.jsonl`, { headers: { authorization: 'Bearer demo-agent-token' } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /ndjson/);
    const text = await r.text();
    assert.ok(!text.includes('jan.jansen@example.com'));
    assert.ok(!text.includes('4111'));
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => l.conversation_id === c.id && l.text.includes('[email]')));
  });
});

describe('C08 the inbox receiver is idempotent by event id', () => {
  const event = (id) => ({
    id, conversation_id: `ext_${id}`, site: 'demo', tier: 'agent', rule: 'explicit_human_request',
    reasons: ['asked for a person'], intents: ['human_request'], trajectory: [], summary: ['Waar blijft mijn pakket?'],
    transcript: [{ seq: 1, client_id: 'm1', author: 'customer', text: 'Waar blijft mijn pakket?', at: 1 }],
    lang: 'nl', link: '/v1/inbox/conversations/x', created_at: 1,
  });
  const count = async (id) =>
    (await inbox(w, 'GET', '/conversations')).body.items.filter((i) => i.event_id === id).length;

  test('C08 duplicate escalation event delivered twice in a row is stored once', async () => {
    const first = await inbox(w, 'POST', '/events', event('evt_seq_1'));
    assert.equal(first.status, 201);
    assert.equal(first.body.duplicate, false);
    const second = await inbox(w, 'POST', '/events', event('evt_seq_1'));
    assert.equal(second.status, 200);
    assert.equal(second.body.duplicate, true);
    assert.equal(await count('evt_seq_1'), 1);
  });

  test('C08 duplicate escalation event delivered concurrently is stored once', async () => {
    const rs = await Promise.all(Array.from({ length: 6 }, () => inbox(w, 'POST', '/events', event('evt_conc_1'))));
    for (const r of rs) assert.ok(r.status >= 200 && r.status < 300, r.text);
    assert.equal(rs.filter((r) => r.body.duplicate === false).length, 1);
    assert.equal(await count('evt_conc_1'), 1);
  });

  test('the receiver refuses unauthenticated events', async () => {
    isError(await api(w, 'POST', '/v1/inbox/events', { body: event('evt_noauth') }), 401, 'unauthorized');
  });
});

// ---------------------------------------------------------------------------------------------
// Two sites, per-site tokens and Cloudflare Access: a JWKS served from a local HTTP server, tokens
// signed in Node with the matching private key (RS256), verified by the worker through WebCrypto.
const TEAM = 'https://tandem-test.cloudflareaccess.com';
const AUD = 'aud-tandem-inbox';
const b64url = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

function keyPair(kid) {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

/** A Cloudflare Access token: RS256 over header.payload with `key` (claims overridable). */
function accessToken(key, claims = {}, { kid = key.kid } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const body = { aud: [AUD], iss: TEAM, email: 'sanne@example.com', sub: 'u1', type: 'app', iat: now, nbf: now, exp: now + 600, ...claims };
  const signed = `${b64url({ alg: 'RS256', kid, typ: 'JWT' })}.${b64url(body)}`;
  return `${signed}.${crypto.sign('sha256', Buffer.from(signed), key.privateKey).toString('base64url')}`;
}

describe('sites and Cloudflare Access', () => {
  const key = keyPair('k-2026');
  const rogue = keyPair('k-2026'); // same kid, another key: a forged signature
  let w2, certs, certsHits = 0;
  const conv = {};
  const access = (method, path, token, { email, body } = {}) =>
    api(w2, method, `/v1/inbox${path}`, {
      body,
      headers: { ...(token ? { 'cf-access-jwt-assertion': token } : {}), ...(email ? { 'cf-access-authenticated-user-email': email } : {}) },
    });
  const as = (token) => (method, path, body) => api(w2, method, `/v1/inbox${path}`, { token, body });

  before(async () => {
    certs = http.createServer((req, res) => {
      certsHits++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [key.jwk], public_cert: { kid: key.kid, cert: '' } }));
    });
    await new Promise((r) => certs.listen(0, '127.0.0.1', r));
    w2 = await startWorker({
      vars: {
        SITES: JSON.stringify({ 'shop-a': { origins: [] }, 'shop-b': { origins: [] } }),
        AGENT_TOKEN: 'all-sites-token',
        SITE_AGENT_TOKENS: JSON.stringify({ 'shop-a': 'token-a' }),
        ACCESS_MODE: 'cloudflare',
        ACCESS_TEAM_DOMAIN: TEAM,
        ACCESS_AUD: AUD,
        ACCESS_CERTS_URL: `http://127.0.0.1:${certs.address().port}/cdn-cgi/access/certs`,
        ACCESS_SITES: JSON.stringify({ 'sanne@example.com': ['shop-a', 'shop-b'], 'piet@example.com': ['shop-b'] }),
      },
    });
    for (const site of ['shop-a', 'shop-b']) {
      const c = await start(w2, site);
      await say(w2, c, 'm1', `Ik wil een medewerker spreken over mijn bestelling bij ${site}`);
      await handoff(w2, c);
      conv[site] = c.id;
    }
  });
  after(async () => {
    await w2?.stop();
    await new Promise((r) => certs?.close(r));
  });

  test('a site token sees only its site, on every route that takes an id', async () => {
    const a = as('token-a');
    const me = await a('GET', '/me');
    assert.deepEqual([me.body.mode, me.body.sites], ['site_token', ['shop-a']]);
    const list = await a('GET', '/conversations');
    assert.deepEqual(list.body.items.map((i) => i.conversation_id), [conv['shop-a']]);
    isError(await a('GET', '/conversations?site=shop-b'), 403, 'access_denied');
    const b = conv['shop-b'];
    isError(await a('GET', `/conversations/${b}`), 404, 'not_found');
    isError(await a('GET', `/conversations/${b}?with=suggestions`), 404, 'not_found');
    isError(await a('GET', `/conversations/${b}/suggestions`), 404, 'not_found');
    isError(await a('POST', `/conversations/${b}/claim`, { agent: 'Sanne' }), 404, 'not_found');
    isError(await a('POST', `/conversations/${b}/reply`, { client_id: 'r1', text: 'hoi', agent: 'Sanne' }), 404, 'not_found');
    isError(await a('POST', `/conversations/${b}/transfer`, { agent: 'Sanne', note: 'n' }), 404, 'not_found');
    isError(await a('POST', `/conversations/${b}/resolve`, { agent: 'Sanne' }), 404, 'not_found');
    isError(await a('GET', `/decisions?conversation=${b}`), 404, 'not_found');
    isError(await a('GET', '/decisions?site=shop-b'), 403, 'access_denied');
    const log = await a('GET', '/decisions');
    assert.ok(log.body.decisions.length >= 1);
    assert.ok(log.body.decisions.every((d) => d.site === 'shop-a'), 'no decision of shop-b');
    const jsonl = await api(w2, 'GET', '/v1/inbox/decisions.jsonl', { token: 'token-a' });
    assert.ok(!jsonl.text.includes(b) && jsonl.text.includes(conv['shop-a']));
    isError(await a('GET', '/kpis?site=shop-b'), 403, 'access_denied');
    isError(await a('GET', '/dead-letters'), 403, 'access_denied');
    isError(await a('POST', '/events', { id: 'evt_x', conversation_id: 'ext_x', site: 'shop-b', tier: 'agent', rule: 'r', reasons: [], intents: [], trajectory: [], summary: [], transcript: [], lang: 'nl', link: '/', created_at: 1 }), 403, 'access_denied');
    // Its own site works, and the untouched conversation of shop-b is still unclaimed.
    assert.equal((await a('GET', `/conversations/${conv['shop-a']}`)).status, 200);
    const all = as('all-sites-token');
    assert.equal((await all('GET', `/conversations/${b}`)).body.status, 'waiting');
    assert.equal((await all('GET', '/conversations')).body.items.length, 2);
  });

  test('a site token\'s long-poll wakes only for its own site and never returns another site\'s items', async () => {
    const a = as('token-a');
    const now = await a('GET', '/conversations');
    isError(await a('GET', `/conversations?site=shop-b&since=${now.body.cursor}&wait=1`), 403, 'access_denied');
    // shop-b escalates while shop-a's agent waits: not a change for shop-a.
    const idle = a('GET', `/conversations?since=${now.body.cursor}&wait=2`);
    const b = await start(w2, 'shop-b');
    await say(w2, b, 'x1', 'Ik wil een medewerker spreken over shop-b');
    assert.equal((await handoff(w2, b)).body.status, 'waiting');
    assert.deepEqual((await idle).body, { changed: false, cursor: now.body.cursor });
    // shop-a escalates: the wait answers, with shop-a's items only.
    const waiting = a('GET', `/conversations?since=${now.body.cursor}&wait=25`);
    const c = await start(w2, 'shop-a');
    await say(w2, c, 'x1', 'Ik wil een medewerker spreken over shop-a');
    await handoff(w2, c);
    const woke = await waiting;
    assert.equal(woke.body.changed, true);
    assert.ok(woke.body.items.some((i) => i.conversation_id === c.id));
    assert.ok(woke.body.items.every((i) => i.site === 'shop-a'), 'no item of shop-b');
  });

  test('Cloudflare Access: a verified token signs in with the e-mail of its claims', async () => {
    const me = await access('GET', '/me', accessToken(key), { email: 'sanne@example.com' });
    assert.equal(me.status, 200, me.text);
    assert.deepEqual([me.body.agent, me.body.mode, me.body.sites], ['sanne@example.com', 'cloudflare_access', ['shop-a', 'shop-b']]);
    // Without the e-mail header the claim alone is enough; the header is never the source.
    assert.equal((await access('GET', '/me', accessToken(key))).body.agent, 'sanne@example.com');
    // Access scopes by ACCESS_SITES.
    const piet = accessToken(key, { email: 'piet@example.com' });
    assert.deepEqual((await access('GET', '/me', piet)).body.sites, ['shop-b']);
    isError(await access('GET', `/conversations/${conv['shop-a']}`, piet), 404, 'not_found');
    const unlisted = await access('GET', '/me', accessToken(key, { email: 'eve@example.com' }));
    isError(unlisted, 403, 'access_denied');
    assert.match(unlisted.body.message, /no sites in ACCESS_SITES/);
    // The action is recorded under the verified e-mail, whatever name the body gives.
    const claimed = await access('POST', `/conversations/${conv['shop-b']}/claim`, piet, { body: { agent: 'Sanne' } });
    assert.equal(claimed.status, 200, claimed.text);
    assert.equal(claimed.body.agent, 'piet@example.com');
    const sent = await access('POST', `/conversations/${conv['shop-b']}/reply`, piet, { body: { client_id: 'a1', text: 'Ik help je verder.', agent: 'Sanne' } });
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.body.message.author_name, 'piet@example.com');
    const hijack = await access('POST', `/conversations/${conv['shop-b']}/reply`, accessToken(key), { body: { client_id: 'a2', text: 'Ik ook', agent: 'piet@example.com' } });
    isError(hijack, 409, 'conflict');
    assert.match(hijack.body.message, /piet@example.com holds/);
    assert.ok(certsHits >= 1 && certsHits <= 2, `the JWKS is cached per isolate (${certsHits} fetches)`);
  });

  test('Cloudflare Access: forged, foreign, expired or missing tokens are refused with a reason', async () => {
    const refused = async (token, opts, status, code, pattern) => {
      const r = await access('GET', '/conversations', token, opts);
      isError(r, status, code);
      if (pattern) assert.match(r.body.message, pattern);
      assert.equal(r.body.items, undefined);
    };
    const now = Math.floor(Date.now() / 1000);
    await refused(accessToken(rogue), {}, 403, 'access_denied', /signature does not verify/);
    await refused(accessToken(key, { aud: ['another-app'] }), {}, 403, 'access_denied', /aud does not match/);
    await refused(accessToken(key, { iss: 'https://evil.cloudflareaccess.com' }), {}, 403, 'access_denied', /issued by/);
    await refused(accessToken(key, { exp: now - 600, iat: now - 1200, nbf: now - 1200 }), {}, 403, 'access_denied', /expired/);
    await refused(accessToken(key, {}, { kid: 'k-unknown' }), {}, 403, 'access_denied', /not in the team's certs/);
    await refused(accessToken(key), { email: 'boss@example.com' }, 403, 'access_denied', /does not match the e-mail in the verified/);
    const t = accessToken(key);
    await refused(`${t.slice(0, t.lastIndexOf('.'))}.${b64url('x'.repeat(256))}`, {}, 403, 'access_denied', /signature/);
    await refused(`${b64url({ alg: 'none', kid: key.kid })}.${b64url({ aud: AUD, iss: TEAM, exp: now + 60, email: 'sanne@example.com' })}.`, {}, 403, 'access_denied', /only RS256/);
    // The old trust-the-header behaviour: an e-mail header with a junk assertion.
    await refused('junk', { email: 'sanne@example.com' }, 403, 'access_denied', /malformed/);
    // No token at all (and no agent token): not signed in.
    await refused(null, { email: 'sanne@example.com' }, 401, 'unauthorized');
    // A wrong bearer token is refused even though a valid Access token is present.
    const both = await api(w2, 'GET', '/v1/inbox/me', { token: 'wrong', headers: { 'cf-access-jwt-assertion': accessToken(key) } });
    isError(both, 401, 'unauthorized');
  });
});

// ---------------------------------------------------------------------------------------------
// Erasure and retention cover every table of edge/migrations/*.sql.
function d1(dir, sql) {
  return new Promise((resolve, reject) => {
    const c = spawn('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', dir, '--json', '--command', sql], {
      cwd: EDGE_DIR, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${out}\n${err}`.slice(-3000)))));
  });
}

/** Every row of every table of the store (sqlite_master), as `table: JSON` lines. */
async function dump(dir) {
  const [{ results: tables }] = await d1(dir, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  // _cf_* are workerd's own (not readable, no conversation data).
  const names = tables.map((t) => t.name).filter((n) => !n.toLowerCase().startsWith('_cf_'));
  const out = await d1(dir, names.map((n) => `SELECT * FROM "${n}"`).join('; '));
  return { names, rows: out.flatMap((r, i) => r.results.map((row) => `${names[i]}: ${JSON.stringify(row)}`)) };
}

describe('erasure and retention leave no text in any table', () => {
  let w3;
  before(async () => { w3 = await startWorker({ vars: { RETENTION_DAYS: '0' } }); });
  after(async () => { await w3?.stop(); });

  /** A conversation that has touched every table: messages, decisions, escalation (+ inbox item,
   * deliveries none), claim, agent reply, specialist transfer note, feedback comment. */
  async function full(marker) {
    const c = await start(w3);
    await say(w3, c, 'f1', `Mijn ${marker} is kapot, ik wil een medewerker spreken`);
    await handoff(w3, c);
    await inbox(w3, 'POST', `/conversations/${c.id}/claim`, { agent: 'Sanne' });
    await inbox(w3, 'POST', `/conversations/${c.id}/reply`, { client_id: 'a1', text: `Vervelend van je ${marker}!`, agent: 'Sanne' });
    const moved = await inbox(w3, 'POST', `/conversations/${c.id}/transfer`, { agent: 'Sanne', note: `Klant met kapotte ${marker}` });
    assert.equal(moved.status, 200, moved.text);
    const fb = await api(w3, 'POST', `/v1/conversations/${c.id}/feedback`, { token: c.token, body: { csat: 2, comment: `De ${marker} was kapot` } });
    assert.ok(fb.status < 300, fb.text);
    return c;
  }

  test('DELETE /v1/conversations/{id} and the retention sweep', async () => {
    const erased = await full('Zebrapad7781');
    const swept = await full('Kwartel5523');
    let { names, rows } = await dump(w3.persistDir);
    assert.ok(names.includes('conversation_events'), names.join());
    for (const m of ['Zebrapad7781', 'Kwartel5523']) {
      const tables = new Set(rows.filter((r) => r.includes(m)).map((r) => r.split(':')[0]));
      for (const t of ['messages', 'decisions', 'inbox_items', 'escalations', 'conversation_events', 'feedback']) {
        assert.ok(tables.has(t), `before: ${t} holds ${m} (the test covers it)`);
      }
    }
    const del = await api(w3, 'DELETE', `/v1/conversations/${erased.id}`, { token: erased.token });
    assert.equal(del.status, 204, del.text);
    ({ rows } = await dump(w3.persistDir));
    assert.deepEqual(rows.filter((r) => r.includes('Zebrapad7781')), [], 'erased: no row holds the text');
    assert.deepEqual(rows.filter((r) => r.includes(erased.id) && /^(conversations|messages|inbox_items|conversation_events|rate_counters):/.test(r)), []);
    assert.ok(rows.some((r) => r.includes('Kwartel5523')), 'the other conversation is untouched');
    await w3.scheduled(); // RETENTION_DAYS=0: everything is past retention
    ({ rows } = await dump(w3.persistDir));
    assert.deepEqual(rows.filter((r) => r.includes('Kwartel5523') || r.includes(swept.id)), [], 'swept: nothing left');
  });
});
