// End-to-end: a customer on the demo shop (the real widget) and an agent on the inbox page served
// by the real edge worker, in two browser contexts of headless Chromium: escalation → queue →
// claim → suggested reply edited and sent → seen in the widget → resolve → CSAT → KPIs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../support/browser.mjs';
import { WidgetPage } from './widget-page.mjs';
import { AGENT, shopAndWorker } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OTHER_TOKEN = 'e2e-other-site-token'; // opens the `other` site only
const env = shopAndWorker({
  sites: { other: { origins: [] } },
  vars: { SITE_AGENT_TOKENS: JSON.stringify({ other: OTHER_TOKEN }) },
});
const api = env.inbox;

/** Page object for the agent inbox: what an agent sees and does. */
class InboxPage {
  constructor(page) {
    this.page = page;
    this.detail = page.getByTestId('detail');
  }
  async signIn(name, token = AGENT) {
    await this.page.goto(`${env.worker.url}/inbox`);
    await this.page.getByTestId('token').fill(token);
    await this.page.getByTestId('name').fill(name);
    await this.page.getByTestId('signin').click();
    await this.page.getByTestId('queue-agent').waitFor();
  }
  item(id) { return this.page.locator(`[data-testid=queue-item][data-id="${id}"]`); }
  queue(tier) { return this.page.getByTestId(`queue-${tier}`); }
  async count(tier) { return Number(await this.page.getByTestId(`count-${tier}`).innerText()); }
  async open(id) {
    await this.item(id).click();
    await this.detail.getByTestId('transcript').waitFor();
  }
  turns(author) { return this.detail.locator(`[data-testid=turn][data-author=${author}]`); }
}

/** A conversation started and escalated through the customer API (no browser). */
async function escalated(text, siteId = 'demo') {
  const start = await fetch(`${env.worker.url}/v1/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: siteId }) });
  const c = await start.json();
  const h = { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' };
  await fetch(`${env.worker.url}/v1/conversations/${c.id}/messages`, { method: 'POST', headers: h, body: JSON.stringify({ client_id: 'm1', text }) });
  await fetch(`${env.worker.url}/v1/conversations/${c.id}/handoff`, { method: 'POST', headers: h });
  return c;
}

async function axe(page) {
  await page.evaluate(fs.readFileSync(path.join(HERE, '../node_modules/axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

test('escalation → inbox → claim → edited suggestion → widget → resolve → CSAT → KPIs', async () => {
  const agent = await env.newVisitor();
  const inbox = new InboxPage(agent.page);
  await inbox.signIn('Sanne');
  assert.equal(await inbox.count('agent'), 0);

  // The customer asks for a person in the widget.
  const customer = await env.newVisitor();
  const w = new WidgetPage(customer.page);
  await w.goto(env.site.url + '/');
  await w.open();
  await w.send('Mijn fiets is kapot aangekomen en ik wil mijn geld terug, ik wil een medewerker spreken');
  await eventually(async () => (await w.log.innerText()).includes('medewerker. Die kan alles lezen'), { what: 'the handoff notice' });
  const stored = await eventually(async () => { const s = await w.stored(); return s?.conversation && s.outbox.length === 0 && s; });
  const escalatedAt = Date.now();
  const id = stored.conversation[0];

  // It shows up in the open agent queue by itself (no reload), with a count. How fast is a
  // benchmark's business (bench/inbox-latency.mjs), not a test's: the time is only reported.
  await inbox.item(id).waitFor({ timeout: 15000 });
  console.log(`# escalation visible in the inbox after ${Date.now() - escalatedAt} ms`);
  assert.equal(await inbox.count('agent'), 1);
  assert.match(await agent.page.title(), /^\(1\) Tandem inbox/);
  assert.match(await agent.page.getByTestId('announce').innerText(), /1 new conversation waiting/);

  // Full context at a glance.
  await inbox.open(id);
  assert.match(await inbox.detail.getByTestId('summary').innerText(), /kapot aangekomen/);
  assert.match(await inbox.detail.getByTestId('intents').innerText(), /refund|human request/);
  assert.ok((await inbox.detail.getByTestId('reasons').locator('li').count()) >= 1);
  assert.equal(await inbox.detail.getByTestId('sentiment-chart').getAttribute('data-points'), '1');
  assert.equal(await inbox.turns('customer').count(), 1);

  // Claim; suggestions are there; pick one, edit it, send it.
  await inbox.detail.getByTestId('claim').click();
  await eventually(async () => (await inbox.detail.getByTestId('claim').innerText()) === 'Claimed by you', { what: 'the claim' });
  const second = await api(`/v1/inbox/conversations/${id}/claim`, { method: 'POST', body: JSON.stringify({ agent: 'Piet' }) });
  assert.equal(second.status, 409, 'a second agent cannot claim it');
  await eventually(async () => (await inbox.detail.getByTestId('suggested-reply').count()) >= 2, { what: 'suggested replies' });
  assert.ok((await inbox.detail.getByTestId('article').count()) >= 1, 'a knowledge-base article');
  const reasons = await inbox.detail.getByTestId('suggested-reply').first().locator('.why').innerText();
  assert.match(reasons, /informal \(je\/you\) address, Dutch/);
  await inbox.detail.getByTestId('use-reply').nth(1).click();
  const suggested = await inbox.detail.getByTestId('reply-text').inputValue();
  assert.ok(suggested.length > 20, 'the suggestion fills the reply box');
  assert.equal((await w.texts('agent')).length, 0, 'nothing was sent on the agent’s behalf');
  const edited = `${suggested} Groetjes, Sanne`;
  await inbox.detail.getByTestId('reply-text').fill(edited);
  const sentAt = Date.now();
  await inbox.detail.getByTestId('reply-send').click();

  // The customer sees it in the widget.
  await eventually(async () => (await w.texts('agent')).includes(edited), { what: 'the agent reply in the widget', interval: 50 });
  console.log(`# agent reply in the widget after ${Date.now() - sentAt} ms`);

  // The customer answers; the agent sees it.
  await w.send('Dank je! Mijn bestelnummer is 48213.');
  await eventually(async () => (await inbox.turns('customer').allInnerTexts()).some((t) => t.includes('48213')), { what: 'the customer message in the inbox' });

  // Both survive a reload.
  await agent.page.reload();
  await inbox.queue('agent').waitFor();
  await inbox.open(id);
  assert.ok((await inbox.turns('agent').allInnerTexts()).some((t) => t.includes('Groetjes, Sanne')));
  await customer.page.reload();
  await w.bubble.waitFor();
  await w.open();
  await eventually(async () => (await w.texts('agent')).includes(edited), { what: 'the reply after a widget reload' });

  // Resolve; the customer rates it.
  await inbox.detail.getByTestId('resolve').click();
  await eventually(async () => (await inbox.item(id).count()) === 0, { what: 'the conversation to leave the queue' });
  await customer.page.getByTestId('csat').waitFor({ timeout: 30000 });
  await customer.page.getByTestId('csat-4').check();
  await customer.page.getByTestId('csat-send').click();
  await customer.page.getByTestId('csat-thanks').waitFor();

  // The KPIs reflect it.
  await agent.page.getByTestId('tab-kpis').click();
  await eventually(async () => (await agent.page.getByTestId('kpi-csat').innerText()) === '4.00', { what: 'CSAT on the dashboard' });
  assert.equal(await agent.page.getByTestId('kpi-conversations').innerText(), '1');
  assert.equal(await agent.page.getByTestId('kpi-handoffs').innerText(), '1');
  assert.equal(await agent.page.getByTestId('kpi-fcr').innerText(), '100%');
  assert.equal(await agent.page.getByTestId('kpi-self-service').innerText(), '0%');
  assert.notEqual(await agent.page.getByTestId('kpi-first-reply').innerText(), '– / –');
  assert.ok((await agent.page.getByTestId('kpi-table').locator('tbody tr').count()) >= 2, 'a period and the total');
  const [download] = await Promise.all([agent.page.waitForEvent('download'), agent.page.getByTestId('kpi-csv').click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.match(csv.trim().split('\n').at(-1), /^total,1,0,0,1,1,1,1,1,4,/);
  assert.deepEqual(agent.errors, []);
  assert.deepEqual(customer.errors, []);
  await agent.context.close();
  await customer.context.close();
});

test('hand to a specialist with a note; sensitive moments go straight to the specialist queue', async () => {
  const agent = await env.newVisitor();
  const inbox = new InboxPage(agent.page);
  await inbox.signIn('Sanne');
  const c = await escalated('Ik wil graag iemand spreken over mijn retour');
  await inbox.item(c.id).waitFor();
  assert.equal(await inbox.queue('agent').locator(`[data-id="${c.id}"]`).count(), 1);
  await inbox.open(c.id);
  await inbox.detail.getByTestId('claim').click();
  await eventually(async () => (await inbox.detail.getByTestId('claim').innerText()) === 'Claimed by you');
  await inbox.detail.getByTestId('transfer').click();
  await inbox.detail.getByTestId('transfer-note').fill('Klant is weduwe geworden, graag met zorg behandelen.');
  await inbox.detail.getByTestId('transfer-send').click();
  await eventually(async () => (await inbox.queue('specialist').locator(`[data-id="${c.id}"]`).count()) === 1, { what: 'the specialist queue' });
  assert.equal(await inbox.queue('agent').locator(`[data-id="${c.id}"]`).count(), 0);
  await eventually(async () => /handed to a specialist by Sanne: Klant is weduwe/.test(await inbox.detail.getByTestId('reasons').innerText()), { what: 'the note among the reasons' });
  const d = await api(`/v1/inbox/conversations/${c.id}`);
  assert.deepEqual([d.body.status, d.body.tier, d.body.agent ?? null], ['waiting', 'specialist', null]);
  await agent.context.close();
});

test('hostile markup stays text, and another site’s conversations never show', async () => {
  const agent = await env.newVisitor();
  const inbox = new InboxPage(agent.page);
  await inbox.signIn('Sanne');
  const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script> help';
  const c = await escalated(hostile);
  const foreign = await escalated('ik wil een medewerker van de andere winkel', 'other');
  await inbox.item(c.id).waitFor();
  await inbox.open(c.id);
  assert.ok((await inbox.turns('customer').allInnerTexts()).some((t) => t.includes(hostile)), 'shown as literal text');
  assert.equal(await agent.page.locator('#detail img, #detail script').count(), 0, 'no element created from message text');
  assert.equal(await inbox.item(foreign.id).count(), 0, 'the other site is not listed under demo');
  assert.deepEqual(agent.errors, [], 'no script ran');
  await agent.context.close();

  // An agent of the other site only: demo is not offered, its conversations never show, and
  // asking the API for one answers "not found".
  const other = await env.newVisitor();
  const otherInbox = new InboxPage(other.page);
  await otherInbox.signIn('Piet', OTHER_TOKEN);
  assert.deepEqual(await other.page.getByTestId('site').locator('option').allInnerTexts(), ['other']);
  await otherInbox.item(foreign.id).waitFor();
  assert.equal(await otherInbox.item(c.id).count(), 0, 'demo is not listed for an agent of `other`');
  const peek = await other.page.evaluate(async ([id, token]) => (await fetch(`/v1/inbox/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } })).status, [c.id, OTHER_TOKEN]);
  assert.equal(peek, 404);
  await other.context.close();
});

test('the queue is one long-poll at a time: arrivals and another agent’s claim show without a reload, and it recovers after errors', async () => {
  const agent = await env.newVisitor();
  const isQueue = (u) => new URL(u).pathname === '/v1/inbox/conversations';
  let inFlight = 0, maxInFlight = 0;
  const urls = [];
  agent.page.on('request', (r) => { if (isQueue(r.url())) { inFlight++; maxInFlight = Math.max(maxInFlight, inFlight); urls.push(r.url()); } });
  const settled = (r) => { if (isQueue(r.url())) inFlight--; };
  agent.page.on('requestfinished', settled);
  agent.page.on('requestfailed', settled);
  const inbox = new InboxPage(agent.page);
  await inbox.signIn('Sanne');
  const c = await escalated('Ik wil een medewerker spreken over mijn retourlabel');
  await inbox.item(c.id).waitFor();
  assert.equal(await inbox.item(c.id).getAttribute('data-status'), 'waiting');
  // Another agent claims it: the row follows without a reload.
  assert.equal((await api(`/v1/inbox/conversations/${c.id}/claim`, { method: 'POST', body: JSON.stringify({ agent: 'Piet' }) })).status, 200);
  await eventually(async () => (await inbox.item(c.id).getAttribute('data-status')) === 'with_agent', { what: 'the claim by Piet' });
  assert.equal(maxInFlight, 1, 'never two queue requests at once');
  assert.ok(urls.slice(1).every((u) => /[?&]since=[0-9a-f-]+&wait=25$/.test(u)), `the page waits with a cursor: ${urls.join(' ')}`);
  // The edge answers 503 for a while: the page keeps asking (backing off) and catches up.
  let refused = 0;
  await agent.page.route((u) => isQueue(u.href), (route) => { refused++; return route.fulfill({ status: 503, contentType: 'application/json', body: '{"code":"unavailable","message":"down"}' }); });
  const during = await escalated('Ik wil een medewerker spreken, het is dringend'); // ends the open wait
  await eventually(() => refused >= 2, { what: 'two refused queue requests', timeout: 15000 });
  await inbox.item(during.id).waitFor(); // the wait that was open when the edge went down
  await agent.page.unrouteAll();
  const after = await escalated('Nog een vraag voor een medewerker');
  await inbox.item(after.id).waitFor({ timeout: 40000 }); // after the back-off (≤ 30 s)
  assert.equal(maxInFlight, 1, 'never two queue requests at once');
  assert.deepEqual(agent.errors, []);
  await agent.context.close();
});

test('the inbox page: strict CSP, sign-in kept per tab, wrong token refused', async () => {
  const res = await fetch(`${env.worker.url}/inbox`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy'), /script-src 'self'/);
  const agent = await env.newVisitor();
  await agent.page.goto(`${env.worker.url}/inbox`);
  await agent.page.getByTestId('token').fill('wrong');
  await agent.page.getByTestId('name').fill('Eve');
  await agent.page.getByTestId('signin').click();
  await eventually(async () => /not accepted/.test(await agent.page.getByTestId('signin-error').innerText()));
  const inbox = new InboxPage(agent.page);
  await inbox.signIn('Sanne');
  await agent.page.reload();
  await inbox.queue('agent').waitFor();
  assert.equal(await agent.page.getByTestId('agent-name').innerText(), 'Sanne');
  assert.equal(await agent.page.evaluate(() => localStorage.length), 0, 'the token is not kept beyond the tab');
  await agent.context.close();
});

test('axe-core: no serious or critical violations on the inbox (queue, open conversation, KPIs)', async () => {
  const agent = await env.newVisitor();
  const inbox = new InboxPage(agent.page);
  await agent.page.goto(`${env.worker.url}/inbox`);
  await agent.page.getByTestId('signin-form').waitFor();
  assert.deepEqual(await axe(agent.page), [], 'sign-in');
  await inbox.signIn('Sanne');
  const c = await escalated('Ik ben erg ontevreden, mijn pakket is weer te laat!');
  await inbox.item(c.id).waitFor();
  await inbox.open(c.id);
  await inbox.detail.getByTestId('suggested-reply').first().waitFor();
  assert.deepEqual(await axe(agent.page), [], 'queue and conversation');
  await agent.page.getByTestId('tab-kpis').click();
  await agent.page.getByTestId('kpi-table').waitFor();
  assert.deepEqual(await axe(agent.page), [], 'KPIs');
  await agent.context.close();
});

test('a long queue shows the 50 most urgent rows, the whole count, and more on request', async () => {
  // 52 more waiting conversations on `other` (which already has one from an earlier test).
  const made = [];
  for (let i = 0; i < 52; i++) made.push((await escalated(`Ik wil een medewerker spreken over bestelling ${1000 + i}`, 'other')).id);
  const agent = await env.newVisitor();
  const inbox = new InboxPage(agent.page);
  await inbox.signIn('Piet', OTHER_TOKEN);
  const rows = inbox.queue('agent').getByTestId('queue-item');
  await eventually(async () => (await rows.count()) === 50, { what: '50 rows' });
  const waiting = await inbox.count('agent');
  assert.ok(waiting >= 53, `the count is the whole queue (${waiting})`);
  const more = agent.page.getByTestId('more-agent');
  assert.equal(await more.innerText(), `Show ${Math.min(50, waiting - 50)} more (${waiting - 50} not shown)`);
  await more.click();
  await eventually(async () => (await rows.count()) === waiting, { what: 'all rows after "Show more"' });
  assert.equal(await agent.page.getByTestId('more-agent').count(), 0);
  for (const id of [made[0], made[51]]) assert.equal(await inbox.item(id).count(), 1);
  assert.deepEqual(agent.errors, []);
  await agent.context.close();
});
