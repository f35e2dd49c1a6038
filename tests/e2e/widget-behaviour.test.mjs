// End-to-end: what a customer notices about the widget beyond the C-cases of widget.test.mjs —
// how the loader behaves on the host page, honest FAQ answers, live sentiment, the owner's
// persona and tone, NPS, phones and reduced motion, and a strict CSP. Real widget in headless
// Chromium against the real edge worker under workerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../support/browser.mjs';
import { shopAndWorker } from './harness.mjs';

// Any pictographic emoji (and the skin-tone and presentation modifiers that come with them).
const EMOJI = /\p{Extended_Pictographic}|\u{FE0F}|[\u{1F3FB}-\u{1F3FF}]/u;
const env = shopAndWorker();
const { newVisitor, inbox, inboxItem } = env;

/** The widget has mounted (loaded at idle time) while the panel stays closed. */
function mounted(page) {
  return page.waitForFunction(() => document.querySelector('[data-tandem]')?.shadowRoot?.querySelector('[data-testid=panel]'));
}

/** The log in order, as the customer reads it. */
function logItems(w) {
  return w.log.locator('[data-testid=msg]').evaluateAll((els) => els.map((e) => ({
    author: e.dataset.author,
    notice: e.classList.contains('notice'),
    text: e.querySelector('.text')?.innerText ?? '',
    offer: !!e.querySelector('[data-testid=offer-human]'),
  })));
}

/** Waits until the edge acknowledged every message; returns the stored conversation. */
function delivered(w) {
  return eventually(async () => { const s = await w.stored(); return s?.conversation && s.outbox.length === 0 && s; },
    { what: 'the edge to acknowledge the messages' });
}

/** The edge's policy decision for every message the widget posted, in order. */
function recordDecisions(page) {
  const decisions = [];
  page.on('response', async (r) => {
    if (r.request().method() !== 'POST' || !/\/v1\/conversations\/[^/]+\/messages$/.test(new URL(r.url()).pathname)) return;
    try {
      const body = await r.json();
      if (body?.decision) decisions.push({ text: body.message?.text, action: body.decision.action, rule: body.decision.rule });
    } catch { /* not JSON: an error answer, nothing decided */ }
  });
  return decisions;
}

const isWidgetCode = (url) => /\/widget\/tandem_widget(_bg\.wasm|\.js)$/.test(new URL(url).pathname);

// ---------------------------------------------------------------------------------------------
// 1. The loader on the host page

test('loader: the bubble is drawn before any wasm is fetched, and while the browser is busy the wasm waits for the first open', async () => {
  const { context, page, w, errors } = await newVisitor();
  // A browser that never becomes idle: only the visitor's open may load the widget.
  await context.addInitScript(() => { window.requestIdleCallback = () => 0; });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  let bubbleWhenCodeRequested = null;
  await page.route((url) => isWidgetCode(url.href), async (route) => {
    bubbleWhenCodeRequested ??= await page.evaluate(() => !!document.querySelector('[data-tandem]')?.shadowRoot?.querySelector('[data-testid=bubble]'));
    await route.continue();
  });
  await w.goto(env.site.url + '/fixtures/behaviour-en.html');
  await page.waitForLoadState('networkidle');
  assert.deepEqual(requests.filter(isWidgetCode), [], 'no widget code fetched before the visitor opens the chat');
  assert.ok(await w.bubble.isVisible(), 'the bubble is there without the wasm');
  assert.equal(await w.bubble.getAttribute('aria-label'), 'Open chat');
  await w.open();
  assert.ok(requests.some((u) => u.endsWith('/tandem_widget_bg.wasm')), 'the wasm is fetched on the first open');
  assert.equal(bubbleWhenCodeRequested, true, 'the bubble was on screen before the widget code was requested');
  assert.deepEqual(errors, []);
  await context.close();
});

test('loader: when the browser is idle the wasm is fetched without any interaction, after the bubble is drawn', async () => {
  const { context, page, w } = await newVisitor();
  let bubbleWhenWasmRequested = null;
  await page.route('**/tandem_widget_bg.wasm', async (route) => {
    bubbleWhenWasmRequested ??= await page.evaluate(() => !!document.querySelector('[data-tandem]')?.shadowRoot?.querySelector('[data-testid=bubble]'));
    await route.continue();
  });
  await w.goto(env.site.url + '/fixtures/behaviour-en.html');
  await mounted(page);
  assert.equal(bubbleWhenWasmRequested, true, 'the bubble came first');
  assert.equal(await w.panel.isVisible(), false, 'loading at idle time does not open the panel');
  await context.close();
});

test('loader: the widget never takes focus from the host page while closed, also for a returning visitor', async () => {
  const { context, page, w } = await newVisitor();
  // A returning visitor: a conversation is stored from an earlier visit.
  await w.goto(env.site.url + '/fixtures/host-input.html');
  await w.open();
  await w.send('hello');
  await delivered(w);
  await page.getByTestId('close').click();
  for (let visit = 0; visit < 2; visit++) {
    await page.goto(env.site.url + '/fixtures/host-input.html');
    const input = page.locator('#host-input');
    await input.focus();
    await page.keyboard.type('Ada');
    await mounted(page);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'host-input', 'focus stays on the host input');
    assert.equal(await page.evaluate(() => document.querySelector('[data-tandem]').shadowRoot.activeElement), null, 'nothing inside the widget is focused');
    await page.keyboard.type(' Lovelace');
    assert.equal(await input.inputValue(), 'Ada Lovelace', 'typing still goes to the host page');
  }
  await context.close();
});

test('loader: nothing but the host element is added to the host document — no globals, listeners, styles or handlers', async () => {
  const { context, page, w } = await newVisitor();
  await context.addInitScript(() => {
    const probe = { listeners: [], globals: Object.getOwnPropertyNames(window) };
    Object.defineProperty(window, '__probe', { value: probe, enumerable: false });
    const add = EventTarget.prototype.addEventListener;
    EventTarget.prototype.addEventListener = function (type, fn, opts) {
      const where = this === window ? 'window' : this === document ? 'document'
        : this === document.documentElement ? 'html' : this === document.body ? 'body' : null;
      // Only the widget's own code counts (Playwright's injected scripts listen too).
      if (where && /\/widget\/tandem/.test(new Error().stack)) probe.listeners.push(`${where}:${type}`);
      return add.call(this, type, fn, opts);
    };
  });
  await w.goto(env.site.url + '/fixtures/host-input.html');
  await mounted(page);
  const look = () => page.evaluate(async () => {
    // The page as served, parsed without running it: every element the live page has beyond
    // these must be the widget's host element.
    const served = new DOMParser().parseFromString(await (await fetch(location.href)).text(), 'text/html');
    const tags = (doc, skip) => [...doc.querySelectorAll('*')].filter((el) => !skip || !el.closest('[data-tandem]')).map((el) => el.tagName);
    const attrs = (el) => [...el.attributes].map((a) => `${a.name}=${a.value}`).sort();
    return {
      hosts: document.querySelectorAll('[data-tandem]').length,
      hostParent: document.querySelector('[data-tandem]')?.parentElement?.tagName,
      elements: tags(document, true),
      served: tags(served, false),
      htmlAttrs: attrs(document.documentElement), servedHtmlAttrs: attrs(served.documentElement),
      bodyAttrs: attrs(document.body), servedBodyAttrs: attrs(served.body),
      headStyles: document.head.querySelectorAll('style, link').length,
      styleSheets: document.styleSheets.length,
      adopted: document.adoptedStyleSheets.length,
      newGlobals: Object.getOwnPropertyNames(window).filter((k) => k !== '__probe' && !window.__probe.globals.includes(k)),
      listeners: window.__probe.listeners.slice(),
      handlers: ['onerror', 'onunhandledrejection', 'onmessage', 'onkeydown', 'onclick', 'onfocus', 'onblur', 'onresize', 'onscroll', 'onbeforeunload', 'onpagehide']
        .filter((h) => window[h] != null || document[h] != null),
    };
  });
  const closed = await look();
  assert.equal(closed.hosts, 1);
  assert.equal(closed.hostParent, 'BODY');
  assert.deepEqual(closed.elements, closed.served, 'no element besides the host element');
  assert.deepEqual(closed.htmlAttrs, closed.servedHtmlAttrs);
  assert.deepEqual(closed.bodyAttrs, closed.servedBodyAttrs);
  assert.equal(closed.headStyles, 0, 'no style or link element');
  assert.equal(closed.styleSheets, 0, 'no stylesheet on the page');
  assert.equal(closed.adopted, 0, 'no stylesheet adopted by the document');
  assert.deepEqual(closed.newGlobals, [], 'no globals');
  assert.deepEqual(closed.listeners, [], 'no listeners on window, document, <html> or <body>');
  assert.deepEqual(closed.handlers, [], 'no on* handlers');
  // Once the visitor uses the chat, still nothing in the document; the only listeners are the
  // browser's online/offline events, which send messages queued while offline.
  await w.open();
  await w.send('hello');
  await delivered(w);
  const opened = await look();
  assert.deepEqual(opened.elements, opened.served);
  assert.equal(opened.headStyles + opened.styleSheets + opened.adopted, 0);
  assert.deepEqual(opened.newGlobals, []);
  assert.deepEqual(opened.listeners.filter((l) => l !== 'window:online' && l !== 'window:offline'), []);
  await context.close();
});

test('loader: a page built with JavaScript passes the whole configuration as one JSON object (persona name shown)', async () => {
  const { context, page, w, errors } = await newVisitor();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await w.goto(env.site.url + '/fixtures/js-built.html');
  assert.equal(await w.bubble.getAttribute('aria-label'), 'Open chat', 'lang from the JSON object');
  await w.open();
  assert.equal(await page.getByTestId('config-error').count(), 0);
  assert.equal(await w.panel.locator('.header .name').innerText(), 'Robin');
  assert.match(await page.getByTestId('disclosure').innerText(), /chatting with Robin, an AI assistant/);
  assert.match(await w.log.locator('.greeting').innerText(), /Robin/, 'the greeting names the persona');
  await w.send('how long does delivery take?');
  const answer = await eventually(async () => (await w.texts('bot'))[0], { what: 'an answer from the knowledge base named in the JSON' });
  assert.match(answer, /working day/);
  assert.match(await w.messages('bot').first().locator('.label').innerText(), /Robin · automated/);
  await delivered(w); // the endpoint and site from the JSON object reach the edge
  assert.deepEqual(errors, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// 2. Honest FAQ answers

test('FAQ: a question the knowledge base cannot answer gets an honest "not sure" that offers a person', async () => {
  const { context, page, w } = await newVisitor();
  await w.goto(env.site.url + '/fixtures/behaviour-nl.html');
  await w.open();
  await w.send('wat voor weer wordt het morgen');
  const reply = await eventually(async () => (await w.texts('bot'))[0], { what: 'the bot reply' });
  assert.match(reply, /weet niet zeker/, 'says it is not sure');
  assert.match(reply, /medewerker/, 'and offers a person');
  assert.equal(await w.messages('bot').first().locator('a.source').count(), 0, 'no article passed off as the answer');
  const offer = w.log.getByTestId('offer-human');
  assert.equal(await offer.count(), 1);
  assert.ok(await offer.isEnabled());
  // Taking the offer hands over at once.
  await offer.click();
  await eventually(async () => /Ik geef je gesprek door aan een medewerker/.test(await w.log.innerText()), { what: 'the handoff' });
  assert.ok(await offer.isDisabled(), 'no second handoff from the same button');
  const { conversation: [id] } = await delivered(w);
  await eventually(() => inboxItem(id), { what: 'the conversation in the inbox' });
  await context.close();
});

test('FAQ: after two failed answers in a row the widget offers a person unprompted, even with a good answer; after one it does not', async () => {
  const answerable = 'hoe lang duurt de bezorging?';
  async function conversation(unanswerable) {
    const { context, page, w } = await newVisitor();
    await w.goto(env.site.url + '/fixtures/behaviour-nl.html');
    await w.open();
    for (const q of unanswerable) {
      const n = (await w.texts('bot')).length;
      await w.send(q);
      await eventually(async () => (await w.texts('bot')).length > n, { what: `the reply to "${q}"` });
    }
    await w.send(answerable);
    await eventually(async () => (await w.texts('bot')).some((t) => /werkdag/.test(t)), { what: 'the delivery answer' });
    const items = await logItems(w);
    await context.close();
    const at = items.findIndex((i) => /werkdag/.test(i.text));
    const unsure = items.filter((i) => /weet niet zeker/.test(i.text)).length;
    return { unsure, offeredAfterAnswer: !!items[at + 1]?.offer, handedOver: items.some((i) => i.notice && /medewerker/.test(i.text)) };
  }
  const two = await conversation(['wat voor weer wordt het morgen', 'wie heeft de tour de france gewonnen']);
  assert.equal(two.unsure, 2, 'both questions got an honest "not sure"');
  assert.equal(two.offeredAfterAnswer, true, 'two failures in a row: a person is offered next to the answer');
  assert.equal(two.handedOver, false, 'offered, not forced');
  const one = await conversation(['wat voor weer wordt het morgen']);
  assert.equal(one.unsure, 1);
  assert.equal(one.offeredAfterAnswer, false, 'one failure: the good answer stands on its own');
});

// ---------------------------------------------------------------------------------------------
// 3. Live sentiment

const TONE_RULES = /^(frustration_|mood_negative|valence_falling|concern_|severe_complaint|urgent)/;

async function growingFrustration(pagePath, messages) {
  const { context, page, w } = await newVisitor();
  const decisions = recordDecisions(page);
  await w.goto(env.site.url + pagePath);
  await w.open();
  const seen = [];
  for (const text of messages) {
    await w.send(text);
    await delivered(w);
    const items = await logItems(w);
    const decision = decisions.find((d) => d.text === text);
    seen.push({
      text, rule: decision?.rule, action: decision?.action?.action,
      offered: items.some((i) => i.offer), handedOver: items.some((i) => i.notice && /(medewerker|team)/.test(i.text)),
    });
  }
  await context.close();
  return seen;
}

for (const [lang, pagePath, messages] of [
  ['Dutch', '/fixtures/behaviour-nl.html', [
    'hoe lang duurt de bezorging?',
    'ik wacht nu al een week, dit is echt vervelend',
    'dit is belachelijk, ik ben het echt zat!!',
    'WAARDELOOS!!! IK BEN WOEDEND',
  ]],
  ['English', '/fixtures/behaviour-en.html', [
    'how long does delivery take?',
    'ugh this is so annoying, i have been waiting a week now!!',
    'this is ridiculous, i am really fed up!!',
    'TERRIBLE SERVICE!!! I AM FURIOUS',
  ]],
]) {
  test(`sentiment (${lang}): a customer growing frustrated is offered a person before asking for one`, async () => {
    const seen = await growingFrustration(pagePath, messages);
    const trace = JSON.stringify(seen, null, 1);
    assert.equal(seen[0].offered || seen[0].handedOver, false, `a calm question gets no offer: ${trace}`);
    // The first turn where the policy acted must be decided by the tone (not by failed
    // answers or a request, which these messages never make), and the customer sees it.
    const first = seen.findIndex((t) => t.action && t.action !== 'continue');
    assert.ok(first > 0, `a person was offered or brought in by the last message: ${trace}`);
    assert.match(seen[first].rule, TONE_RULES, `the tone decided: ${trace}`);
    assert.ok(seen[first].offered || seen[first].handedOver, `the customer sees the offer or the handoff: ${trace}`);
    assert.ok(!seen.some((t) => /medewerker|person|human/i.test(t.text)), 'the customer never asked for a person');
  });
}

for (const [what, pagePath, text] of [
  ['a cancellation (Dutch)', '/fixtures/behaviour-nl.html', 'ik wil mijn abonnement opzeggen'],
  ['a complaint (English)', '/fixtures/behaviour-en.html', 'I want to file a complaint: the bike you delivered is scratched and the bell is broken'],
]) {
  test(`sentiment: ${what} goes to a person at once`, async () => {
    const { context, page, w } = await newVisitor();
    await w.goto(env.site.url + pagePath);
    await w.open();
    await w.send(text);
    await eventually(async () => (await logItems(w)).some((i) => i.notice && /(medewerker|specialist|team)/.test(i.text)), { what: 'the handoff notice' });
    assert.equal((await w.texts('bot')).length, 0, 'no bot answer first');
    assert.ok(await page.getByTestId('talk-to-person').isDisabled(), 'already with a person');
    const { conversation: [id] } = await delivered(w);
    const item = await eventually(() => inboxItem(id), { what: 'the conversation in the inbox' });
    assert.ok(JSON.stringify(item).includes(text), 'the agent sees what the customer wrote');
    await context.close();
  });
}

// ---------------------------------------------------------------------------------------------
// 4. Persona and tone from the owner's config

async function persona(pagePath) {
  const { context, page, w } = await newVisitor();
  await w.goto(env.site.url + pagePath);
  await w.open();
  await w.send('wie heeft de tour de france gewonnen');
  await w.send('wat zijn jullie openingstijden');
  const [unsure, answer] = await eventually(async () => {
    const t = await w.texts('bot');
    const pair = [t.find((x) => /niet zeker/.test(x)), t.find((x) => /open van/.test(x))];
    return pair.every(Boolean) && pair;
  }, { what: 'the "not sure" reply and the opening-hours answer' });
  const shown = {
    name: await w.panel.locator('.header .name').innerText(),
    greeting: await w.log.locator('.greeting .text').innerText(),
    greetingLabel: await w.log.locator('.greeting .label').innerText(),
    disclosure: await page.getByTestId('disclosure').innerText(),
    placeholder: await w.input.getAttribute('placeholder'),
    unsure, answer,
    botTexts: await w.messages('bot').locator('.text').allInnerTexts(),
    colours: await page.evaluate(() => {
      const root = document.querySelector('[data-tandem]').shadowRoot;
      const cs = (sel) => getComputedStyle(root.querySelector(sel));
      return {
        accentVar: cs('.tandem').getPropertyValue('--tandem-accent').trim(),
        header: cs('.header').backgroundColor,
        send: cs('[data-testid=send]').backgroundColor,
        bubble: cs('[data-testid=bubble]').backgroundColor,
        panelBg: cs('.panel').backgroundColor,
        panelText: cs('.panel').color,
      };
    }),
  };
  await context.close();
  return shown;
}

test('persona: formal address (u), no emoji, the persona name and the owner colours', async () => {
  const p = await persona('/fixtures/persona-formal.html');
  assert.equal(p.name, 'Femke');
  assert.match(p.greeting, /Femke/, 'the greeting names the persona');
  assert.match(p.greetingLabel, /^Femke · automatisch$/);
  for (const [what, text] of [['greeting', p.greeting], ['disclosure', p.disclosure], ['placeholder', p.placeholder], ['unsure reply', p.unsure]]) {
    assert.match(text, /\b(u|uw)\b/i, `${what} says "u": ${text}`);
    assert.doesNotMatch(text, /\b(je|jij|jou|jouw)\b/i, `${what} never says "je": ${text}`);
  }
  assert.match(p.answer, /open van 9 tot 17 uur/);
  for (const t of p.botTexts) assert.doesNotMatch(t, EMOJI, `no emoji when the owner turned them off: ${t}`);
  assert.deepEqual(p.colours, {
    accentVar: '#8a1c7c', header: 'rgb(138, 28, 124)', send: 'rgb(138, 28, 124)', bubble: 'rgb(138, 28, 124)',
    panelBg: 'rgb(255, 251, 230)', panelText: 'rgb(34, 34, 34)',
  });
});

test('persona: informal address (je), emoji allowed, default colours', async () => {
  const p = await persona('/fixtures/persona-informal.html');
  assert.equal(p.name, 'Joris');
  assert.match(p.greeting, /Joris/);
  for (const [what, text] of [['greeting', p.greeting], ['disclosure', p.disclosure], ['placeholder', p.placeholder], ['unsure reply', p.unsure]]) {
    assert.match(text, /\b(je|jij)\b/i, `${what} says "je": ${text}`);
    assert.doesNotMatch(text, /\b(u|uw)\b/i, `${what} never says "u": ${text}`);
  }
  assert.match(p.answer, /😊/, 'the owner allows emoji: the answer keeps them');
  assert.deepEqual(p.colours, {
    accentVar: '#1f5fbf', header: 'rgb(31, 95, 191)', send: 'rgb(31, 95, 191)', bubble: 'rgb(31, 95, 191)',
    panelBg: 'rgb(255, 255, 255)', panelText: 'rgb(26, 26, 26)',
  });
});

// ---------------------------------------------------------------------------------------------
// 5. NPS after resolution, when the owner enables it

async function resolvedConversation(pagePath) {
  const { context, page, w } = await newVisitor();
  await w.goto(env.site.url + pagePath);
  await w.open();
  await w.send('ik wil een medewerker spreken over mijn bestelling');
  const { conversation: [id] } = await delivered(w);
  await eventually(() => inboxItem(id), { what: 'the conversation in the inbox' });
  const claim = await inbox(`/v1/inbox/conversations/${id}/claim`, { method: 'POST', body: JSON.stringify({ agent: 'Sanne' }) });
  assert.ok(claim.status < 300, `claimed (${claim.status})`);
  const resolved = await inbox(`/v1/inbox/conversations/${id}/resolve`, { method: 'POST', body: JSON.stringify({ agent: 'Sanne' }) });
  assert.ok(resolved.status < 300, `resolved (${resolved.status})`);
  await page.getByTestId('csat').waitFor({ timeout: 30000 });
  return { context, page, w, id };
}

test('NPS: asked after resolution when the owner enables it, and the answer is accepted', async () => {
  const { context, page } = await resolvedConversation('/fixtures/nps-on.html');
  const nps = page.getByTestId('nps');
  assert.ok(await nps.isVisible(), 'the NPS question is shown');
  assert.match(await page.getByTestId('csat').innerText(), /aanbeveelt aan een vriend/);
  await page.getByTestId('csat-4').check();
  await nps.fill('9');
  await page.getByTestId('csat-send').click();
  await page.getByTestId('csat-thanks').waitFor();
  assert.doesNotMatch(await page.getByTestId('csat-thanks').innerText(), /\buw\b/, 'thanks in the informal register the owner chose');
  const kpis = await inbox('/v1/inbox/kpis?site=demo');
  assert.equal(kpis.status, 200);
  assert.match(JSON.stringify(kpis.body), /"nps_answers":[1-9]/, 'the NPS answer reached the edge');
  await context.close();
});

test('NPS: not asked when the owner leaves it off (the rating still is)', async () => {
  const { context, page } = await resolvedConversation('/fixtures/nps-off.html');
  assert.ok(await page.getByTestId('csat-5').isVisible(), 'the satisfaction rating is asked');
  assert.equal(await page.getByTestId('nps').count(), 0, 'no NPS question');
  assert.doesNotMatch(await page.getByTestId('csat').innerText(), /aanbeveelt/);
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// 6. Phones and reduced motion

test('phone: on a 375×667 touch screen the open panel fills the screen and the input does not zoom on focus', async () => {
  const { context, page, w } = await newVisitor({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await w.goto(env.site.url + '/fixtures/behaviour-nl.html');
  await w.bubble.tap();
  await w.panel.waitFor({ state: 'visible' });
  // Measured once the opening animation (a short slide-in) has finished.
  await w.panel.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
  const box = await w.panel.boundingBox();
  assert.deepEqual({ x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) },
    { x: 0, y: 0, width: 375, height: 667 }, 'the panel covers the whole screen');
  const size = await w.input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 16, `input font-size ${size}px ≥ 16px`);
  for (const id of ['input', 'send', 'close', 'talk-to-person']) {
    const b = await page.getByTestId(id).boundingBox();
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= 375 && b.y + b.height <= 667, `${id} is on screen`);
  }
  await w.input.tap();
  await page.keyboard.type('hoe lang duurt de bezorging?');
  await page.getByTestId('send').tap();
  await eventually(async () => (await w.texts('bot')).length === 1, { what: 'an answer on the phone' });
  await page.getByTestId('close').tap();
  await w.panel.waitFor({ state: 'hidden' });
  await context.close();
});

test('reduced motion: with prefers-reduced-motion: reduce nothing in the widget animates or transitions', async () => {
  const motion = async (reducedMotion) => {
    const { context, page, w } = await newVisitor({ reducedMotion });
    await w.goto(env.site.url + '/fixtures/behaviour-nl.html');
    await w.open();
    await w.send('hallo');
    await eventually(async () => (await w.texts('bot')).length >= 1);
    const moving = await page.evaluate(() => {
      const root = document.querySelector('[data-tandem]').shadowRoot;
      const out = [];
      for (const el of [root.host, ...root.querySelectorAll('*')]) {
        const s = getComputedStyle(el);
        const secs = (v) => v.split(',').some((d) => parseFloat(d) > 0);
        if (s.animationName !== 'none' && secs(s.animationDuration)) out.push(`${el.className || el.tagName}: animation ${s.animationName}`);
        if (secs(s.transitionDuration)) out.push(`${el.className || el.tagName}: transition ${s.transitionProperty}`);
      }
      return out;
    });
    await context.close();
    return moving;
  };
  assert.deepEqual(await motion('reduce'), [], 'no animation or transition');
  assert.notDeepEqual(await motion('no-preference'), [], 'control: the panel does animate without the preference');
});

// ---------------------------------------------------------------------------------------------
// 7. A strict Content-Security-Policy

test('strict CSP: under only the documented directives the widget opens and answers, with no violation', async () => {
  const { context, page, w, errors } = await newVisitor();
  await context.addInitScript(() => {
    const seen = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`), true);
  });
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await w.goto(env.site.url + '/fixtures/strict-csp.html');
  const policy = await page.evaluate(() => document.querySelector('meta[http-equiv=Content-Security-Policy]').content);
  assert.match(policy, /default-src 'none'/);
  assert.ok(policy.includes(env.worker.url), 'the policy names the edge the test runs against');
  await w.open();
  await w.send('hoe lang duurt de bezorging?');
  const answer = await eventually(async () => (await w.texts('bot'))[0], { what: 'a bot answer' });
  assert.match(answer, /werkdag|bezorg|geleverd/i);
  await delivered(w);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations.slice()), [], 'no securitypolicyviolation event');
  assert.deepEqual(consoleErrors.filter((t) => /Content Security Policy|Refused to/i.test(t)), [], 'no CSP error on the console');
  assert.deepEqual(errors, []);
  await context.close();
});
