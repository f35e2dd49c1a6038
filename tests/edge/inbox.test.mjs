// The agent inbox: escalations with context, claim/reply/resolve, the decision log, C07, C08.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startWorker } from '../support/worker.mjs';
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
    const resolved = await inbox(w, 'POST', `/conversations/${c.id}/resolve`);
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
