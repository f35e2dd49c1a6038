// End-to-end: what the visitor and the site owner see when something is wrong — the edge refuses
// a message or a handoff for good (unknown site, origin not allowed, 4xx), the edge fails for a
// while (5xx: retried, never duplicated), the configuration or the knowledge base has a mistake.
// Real widget in headless Chromium against the real edge worker under workerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../support/browser.mjs';
import { shopAndWorker } from './harness.mjs';

// `elsewhere` is a site the edge knows, but only for another origin than the test shop's.
const env = shopAndWorker({ sites: { elsewhere: { origins: ['https://elsewhere.example'] } } });
const { newVisitor } = env;

/** The configurable fixture page with these script-tag attributes. */
const page = (q) => env.site.url + '/fixtures/configurable.html?' + new URLSearchParams(q);

/** A visitor whose console messages (type and text) are collected. */
async function visitor() {
  const v = await newVisitor();
  v.consoleLines = [];
  v.page.on('console', (m) => v.consoleLines.push({ type: m.type(), text: m.text() }));
  return v;
}

const logText = (w) => w.log.innerText();
const PROMISES = /handing (your conversation|you over)|will reply here shortly|expected wait/i;

// ---------------------------------------------------------------------------------------------
// 1. The edge refuses for good: no false promise, the message is marked as not sent

for (const [what, site, code] of [['an unknown site', 'nosuchsite', 'unknown_site'], ['an origin the site does not allow', 'elsewhere', 'origin_not_allowed']]) {
  test(`${what}: a message is marked not sent with the reason, and "Talk to a person" says no person could be reached`, async () => {
    const { context, page: p, w, errors, consoleLines } = await visitor();
    await w.goto(page({ site, lang: 'en', config: JSON.stringify({ contact_email: 'help@shop.example' }) }));
    await w.open();
    await w.send('hello, where is my order?');
    const notSent = p.getByTestId('not-sent');
    await notSent.waitFor({ state: 'visible' });
    assert.equal(await notSent.innerText(), 'Not sent: the chat service does not accept messages from this website.');
    assert.equal(await w.messages('customer').first().evaluate((el) => el.classList.contains('failed')), true, 'the message itself is marked');
    assert.ok(await p.getByTestId('retry').isVisible() && await p.getByTestId('remove').isVisible(), 'retry and remove are offered');

    await p.getByTestId('talk-to-person').click();
    await eventually(async () => /could not reach a person/.test(await logText(w)), { what: 'the honest handoff failure' });
    const log = await logText(w);
    assert.doesNotMatch(log, PROMISES, 'no person is promised');
    assert.match(log, /help@shop\.example/, 'the configured e-mail address is offered');
    assert.equal(await p.getByTestId('talk-to-person').isDisabled(), false, 'the visitor can try again');
    assert.equal(await p.getByTestId('expected-wait').count(), 0);
    assert.ok(consoleLines.some((l) => l.type === 'error' && l.text.includes(code)), `the edge's reason (${code}) is on the console for the owner`);

    // Retry: refused again, still one message, still marked. Remove: gone from the log.
    await p.getByTestId('retry').click();
    await eventually(async () => (await p.getByTestId('not-sent').count()) === 1 && (await w.texts('customer')).length === 1, { what: 'the retry to be refused again' });
    await p.getByTestId('remove').click();
    await eventually(async () => (await w.texts('customer')).length === 0, { what: 'the message to be removed' });
    assert.equal(await p.getByTestId('not-sent').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('a refused handoff in Dutch is told in Dutch, and nothing promises a person', async () => {
  const { context, page: p, w } = await visitor();
  await w.goto(page({ site: 'nosuchsite', lang: 'nl' }));
  await w.open();
  await p.getByTestId('talk-to-person').click();
  await eventually(async () => /Ik kon geen medewerker bereiken/.test(await logText(w)), { what: 'the Dutch failure notice' });
  assert.doesNotMatch(await logText(w), /Ik geef (je|uw) gesprek door|reageert hier zo snel mogelijk/);
  await context.close();
});

for (const [status, code, reason] of [
  [413, 'payload_too_large', 'Not sent: the message is too long.'],
  [400, 'bad_request', 'Not sent: the chat service could not accept this message.'],
  [404, 'not_found', 'Not sent: this conversation is no longer available.'],
]) {
  test(`a message the edge refuses with ${status} is marked not sent ("${reason}"); Try again sends it once`, async () => {
    const { context, page: p, w, errors } = await visitor();
    let refuse = true;
    await p.route((u) => /\/v1\/conversations\/[^/]+\/messages$/.test(u.pathname), (route) => {
      if (refuse && route.request().method() === 'POST') {
        return route.fulfill({ status, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify({ code, message: 'refused by the test' }) });
      }
      return route.continue();
    });
    await w.goto(env.site.url + '/fixtures/behaviour-en.html');
    await w.open();
    await w.send('first message');
    await p.getByTestId('not-sent').waitFor({ state: 'visible' });
    assert.equal(await p.getByTestId('not-sent').innerText(), reason);
    // The queue moves on: a later message is not stuck behind the refused one.
    refuse = false;
    await w.send('second message');
    await eventually(async () => { const s = await w.stored(); return s?.outbox.length === 0 && s.entries.some((e) => e.text === 'second message' && e.seq); }, { what: 'the second message to be stored' });
    await p.getByTestId('retry').click();
    await eventually(async () => (await p.getByTestId('not-sent').count()) === 0, { what: 'the retried message to be accepted' });
    const s = await eventually(async () => { const x = await w.stored(); return x.outbox.length === 0 && x.rejected.length === 0 && x; });
    const [id, token] = s.conversation;
    const view = await (await fetch(`${env.worker.url}/v1/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } })).json();
    // (After a 404 the retry starts a new conversation; the retried message is in it, once.)
    assert.equal(view.messages.filter((m) => m.text === 'first message').length, 1, 'the retried message is stored once');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('transient failures (503, 429) are retried quietly: no failed mark, stored exactly once (C05)', async () => {
  const { context, page: p, w } = await visitor();
  let failures = 0;
  await p.route((u) => /\/v1\/conversations\/[^/]+\/messages$/.test(u.pathname), (route) => {
    if (route.request().method() === 'POST' && failures < 2) {
      failures += 1;
      return route.fulfill({ status: failures === 1 ? 503 : 429, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: '{"code":"busy","message":"try later"}' });
    }
    return route.continue();
  });
  await w.goto(env.site.url + '/fixtures/behaviour-en.html');
  await w.open();
  await w.send('are you there?');
  const s = await eventually(async () => { const x = await w.stored(); return x?.outbox.length === 0 && x.conversation && x; }, { what: 'the retries to deliver the message', timeout: 20000 });
  assert.equal(failures, 2);
  assert.equal(await p.getByTestId('not-sent').count(), 0, 'never marked as not sent');
  const [id, token] = s.conversation;
  const view = await (await fetch(`${env.worker.url}/v1/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } })).json();
  assert.equal(view.messages.filter((m) => m.author === 'customer').length, 1);
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// 2. Configuration mistakes are named

for (const [what, q, named] of [
  ['an unknown key', { config: '{"colour":"red"}' }, '`colour` is not a known key'],
  ['an unknown nested key', { config: '{"persona":{"nam":"Sam"}}' }, '`persona.nam` is not a known key'],
  ['a colour name the browser does not know', { config: '{"colors":{"accent":"blurple"}}' }, '`colors.accent` "blurple" is not a colour'],
  ['business hours that close before they open', { config: '{"business_hours":{"days":[1,2,3,4,5],"open":"17:00","close":"09:00"}}' }, '`business_hours.close` "09:00" must be later than open'],
  ['a wrong type', { config: '{"persona":{"formal":"yes"}}' }, '`persona.formal` invalid type'],
  ['no data-site', { site: 'none' }, 'data-site'],
  ['no data-endpoint', { endpoint: 'none' }, 'data-endpoint'],
]) {
  test(`config: ${what} is named in the panel and on the console, and nothing is applied`, async () => {
    const { context, page: p, w, errors, consoleLines } = await visitor();
    await w.goto(page({ lang: 'en', ...q }));
    await w.bubble.click();
    const shown = p.getByTestId('config-error');
    await shown.waitFor({ state: 'attached' });
    assert.ok((await shown.innerText()).includes(named), await shown.innerText());
    assert.ok(consoleLines.some((l) => l.type === 'error' && l.text.startsWith('[tandem]') && l.text.includes(named)), JSON.stringify(consoleLines));
    assert.equal(await p.getByTestId('panel').count(), 0, 'no half-configured chat');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

for (const config of ['null', '[1,2]', '"hello"', '{oops']) {
  test(`config: data-config='${config}' is named on the console, the loader does not crash, the chat works with defaults`, async () => {
    const { context, page: p, w, errors, consoleLines } = await visitor();
    await w.goto(page({ lang: 'en', config }));
    await w.open();
    assert.ok(consoleLines.some((l) => l.type === 'error' && /^\[tandem\] data-config (must be a JSON object|is not valid JSON).*using defaults/.test(l.text)), JSON.stringify(consoleLines));
    assert.equal(await p.getByTestId('config-error').count(), 0);
    assert.match(await p.getByTestId('ai-tag').innerText(), /AI assistant/);
    assert.deepEqual(errors, [], 'no exception in the page');
    await context.close();
  });
}

test('config: data-lang="de" is named on the console and the chat falls back to English', async () => {
  const { context, page: p, w, errors, consoleLines } = await visitor();
  await w.goto(page({ lang: 'de' }));
  await w.open();
  assert.ok(consoleLines.some((l) => l.type === 'warning' && l.text.includes('data-lang "de" is not supported')), JSON.stringify(consoleLines));
  assert.equal(await p.getByTestId('talk-to-person').innerText(), 'Talk to a person');
  assert.deepEqual(errors, []);
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// 3. Knowledge-base mistakes are named like the native parser names them; the chat goes on

for (const [file, named] of [
  ['kb-unknown-field.json', 'article "bezorgen-nl" (index 1): field "answr" is not a known key'],
  ['kb-tags-string.json', 'article "bezorgen-nl" (index 1): field "tags": invalid type: string "bezorgen", expected a sequence'],
]) {
  test(`knowledge base: ${file} is rejected naming the article and field; the visitor still gets an honest answer`, async () => {
    const { context, page: p, w, errors, consoleLines } = await visitor();
    await w.goto(page({ lang: 'nl', kb: '/fixtures/' + file }));
    await w.open();
    await eventually(async () => consoleLines.some((l) => l.type === 'error' && l.text.includes(`[tandem] knowledge base /fixtures/${file}: ${named}`)),
      { what: `the named error (seen: ${JSON.stringify(consoleLines)})` });
    assert.ok(!consoleLines.some((l) => /Reflect\.get|TypeError/.test(l.text)), 'no JS error text');
    await w.send('hoe lang duurt de bezorging?');
    await eventually(async () => (await w.texts('bot')).some((t) => /niet zeker/.test(t)), { what: 'the "not sure" answer' });
    assert.equal(await p.locator('[data-tandem]').evaluate((h) => h.shadowRoot.querySelectorAll('a[href^="javascript"]').length), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
