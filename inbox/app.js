// Tandem agent inbox: plain ES module, no build step, served by the edge at /inbox.
// Invariant: every text that came from a customer, a bot or the knowledge base is put in the
// DOM as text (the `h` helper makes text nodes); nothing here assigns innerHTML.
/** The queue is a long-poll (GET /v1/inbox/conversations?since=CURSOR&wait=…): the edge answers
 * as soon as the queue changes, so an escalation shows within ~0.2 s instead of up to a poll
 * interval later. One request is outstanding at a time; after an error the page waits
 * 1, 2, 4 … up to 30 s before asking again. */
const WAIT_S = 25;
const BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000];
/** Queue rows loaded per tier at first, and per "Show more": the page never renders the whole
 * queue of a busy site (1,000 open conversations cost ~0.5 s to fetch and lay out). */
const PAGE = 50;
const STORE_KEY = 'tandem-inbox';
const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------------------------ DOM
/** h('li', {class: 'x', dataset: {testid: 'y'}, onclick}, 'text', child…) — strings become text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  for (const c of children.flat()) if (c != null && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  setAttrs(el, attrs);
  for (const c of children.flat()) if (c != null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}
function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'testid') el.setAttribute('data-testid', v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}
function announce(text) { $('announce').textContent = text; }

// ------------------------------------------------------------------------------------ state
const state = {
  token: null, agent: null, mode: 'token', sites: [], site: null,
  items: [], counts: null, limit: PAGE, cursor: null, pendingList: null, known: null, waitingTotal: null, openId: null, detail: null, detailKey: '', suggestions: null,
  view: 'queue', polling: false, detailBusy: false,
};

function loadSession() {
  try { return JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null'); } catch { return null; }
}
function saveSession() {
  sessionStorage.setItem(STORE_KEY, JSON.stringify({ token: state.token, agent: state.agent, site: state.site }));
}

// ------------------------------------------------------------------------------------ API
class ApiError extends Error {
  constructor(status, body) { super(body?.message || `HTTP ${status}`); this.status = status; this.code = body?.code; }
}
async function api(path, { method = 'GET', body, raw = false, signal } = {}) {
  const headers = {};
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', signal });
  if (raw && res.ok) return res;
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch {}
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}
const enc = encodeURIComponent;

// ------------------------------------------------------------------------------------ sign-in
async function start() {
  const saved = loadSession();
  if (saved?.token) Object.assign(state, { token: saved.token, agent: saved.agent, site: saved.site });
  // The queue of the remembered site is fetched alongside /me, not after it: one round trip
  // less before the page is usable (refreshList drops it if the site is no longer allowed).
  if (saved?.site) {
    const promise = api(listPath(saved.site));
    promise.catch(() => {});
    state.pendingList = { site: saved.site, promise };
  }
  try {
    // With Cloudflare Access in front, /me answers without a token.
    const me = await api('/v1/inbox/me');
    signedIn(me, saved);
  } catch (err) {
    state.token = null;
    state.pendingList = null; // asked with the refused token
    // 403: a Cloudflare Access token was refused; the edge says why (e.g. expired).
    showSignin(err.status === 403 ? err.message : '');
  }
}

function showSignin(message = '') {
  $('signin').hidden = false;
  $('tabs').hidden = $('who').hidden = true;
  $('queue-view').hidden = $('kpi-view').hidden = true;
  $('signin-error').textContent = message;
  $('token').focus();
}

$('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  state.token = $('token').value.trim();
  const name = $('name').value.trim();
  if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission().catch(() => {});
  try {
    const me = await api('/v1/inbox/me');
    state.agent = name;
    signedIn(me, null);
  } catch (err) {
    state.token = null;
    showSignin(err.status === 401 ? 'That token was not accepted.' : `Sign-in failed: ${err.message}`);
  }
});

function signedIn(me, saved) {
  state.mode = me.mode;
  if (me.agent) state.agent = me.agent; // Cloudflare Access: the verified e-mail
  state.agent ||= saved?.agent || 'Agent';
  state.sites = me.sites || [];
  if (!state.sites.includes(state.site)) state.site = state.sites[0] || null;
  saveSession();
  $('signin').hidden = true;
  $('tabs').hidden = $('who').hidden = false;
  $('agent-name').textContent = `${state.agent}${state.mode === 'cloudflare_access' ? ' (Cloudflare Access)' : ''}`;
  const sel = $('site');
  sel.replaceChildren(...state.sites.map((x) => h('option', { value: x, selected: x === state.site }, x)));
  showView('queue');
  if (!state.polling) { state.polling = true; pollLoop(); }
}

$('signout').addEventListener('click', () => {
  sessionStorage.removeItem(STORE_KEY);
  Object.assign(state, { token: null, agent: null, openId: null, detail: null, items: [], counts: null, limit: PAGE, cursor: null, known: null, waitingTotal: null });
  listAbort?.abort();
  $('detail').hidden = true;
  showSignin();
});
$('site').addEventListener('change', (e) => {
  state.site = e.target.value;
  state.known = null; state.waitingTotal = null; state.limit = PAGE; state.openId = null; $('detail').hidden = true; $('empty-detail').hidden = false;
  saveSession(); relist(); if (state.view === 'kpis') loadKpis();
});
for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => showView(b.dataset.view));

function showView(view) {
  state.view = view;
  for (const b of document.querySelectorAll('#tabs button')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
  $('queue-view').hidden = view !== 'queue';
  $('kpi-view').hidden = view !== 'kpis';
  if (view === 'kpis') loadKpis();
}

// ------------------------------------------------------------------------------------ polling
let listAbort = null; // the outstanding queue request
let wake = null; // ends the back-off pause early
const pause = (ms) => new Promise((r) => { const t = setTimeout(r, ms); wake = () => { clearTimeout(t); r(); }; });

async function pollLoop() {
  let errors = 0;
  while (state.polling) {
    if (!state.site || !(state.token || state.mode === 'cloudflare_access')) { await pause(1000); continue; }
    const ctl = new AbortController();
    listAbort = ctl;
    try {
      // The open conversation changes only when the queue does (its messages, claim, tier and
      // status are all in the cursor), so it is refreshed then, not on a timer.
      if (await refreshList(ctl.signal)) refreshDetail();
      errors = 0;
    } catch (err) {
      if (ctl.signal.aborted) continue; // relist(): ask again at once, without a cursor
      if (err.status === 401) { state.polling = false; showSignin('Your session ended; sign in again.'); return; }
      await pause(BACKOFF_MS[Math.min(errors++, BACKOFF_MS.length - 1)]);
    } finally {
      if (listAbort === ctl) listAbort = null;
    }
  }
}

/** The site, the page size or the agent's own action changed what the queue shows: drop the
 * outstanding long-poll and load the queue afresh (still one request at a time). */
function relist() {
  state.cursor = null;
  listAbort?.abort();
  wake?.();
}

const listPath = (site, cursor) => `/v1/inbox/conversations?site=${enc(site)}&limit=${state.limit}${cursor ? `&since=${enc(cursor)}&wait=${WAIT_S}` : ''}`;

/** One queue request: at once without a cursor, else a long-poll. True when the queue changed. */
async function refreshList(signal) {
  const site = state.site;
  const early = state.pendingList;
  state.pendingList = null;
  const list = await (early?.site === site && !state.cursor ? early.promise : api(listPath(site, state.cursor), { signal }));
  if (site !== state.site || signal?.aborted) return false;
  state.cursor = list.cursor;
  if (list.changed === false) return false;
  // Never show another site's conversation, whatever the API answered.
  state.items = list.items.filter((i) => i.site === state.site);
  state.counts = list.counts;
  const ids = new Set(state.items.map((i) => i.conversation_id));
  const waitingTotal = list.counts.specialist.waiting + list.counts.agent.waiting;
  if (state.known) {
    // New arrivals below the loaded page are not in `items`: the counts tell about those.
    const fresh = state.items.filter((i) => !state.known.has(i.conversation_id) && i.status === 'waiting');
    const more = Math.max(fresh.length, waitingTotal - state.waitingTotal);
    if (more > 0) notify(fresh, more);
  }
  state.known = ids;
  state.waitingTotal = waitingTotal;
  renderQueues();
  // For the latency benchmark (bench/inbox-latency.mjs): when the queue last reached the DOM.
  window.__tandemQueueRenderedAt = performance.timeOrigin + performance.now();
  return true;
}
// "waiting 3 min" moves on while the long-poll waits (renderQueues redraws only on a change).
setInterval(() => { if (state.items.length) renderQueues(); }, 15000);

function notify(fresh, count) {
  const spec = fresh.filter((i) => i.tier === 'specialist').length;
  const text = `${count} new conversation${count > 1 ? 's' : ''} waiting${spec ? ` (${spec} for a specialist)` : ''}`;
  announce(text);
  if ('Notification' in window && Notification.permission === 'granted' && document.visibilityState !== 'visible') {
    try { new Notification('Tandem inbox', { body: `${text}${fresh[0] ? `: ${fresh[0].summary[0] || ''}` : ''}`.slice(0, 180), tag: 'tandem-inbox' }); } catch {}
  }
}

// ------------------------------------------------------------------------------------ queues
const ago = (ms) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
};

let queueKey = '';
/** Re-renders the queues only when something visible changed. */
function renderQueues(force = false) {
  const now = Date.now();
  const counts = state.counts || { specialist: { open: 0, waiting: 0 }, agent: { open: 0, waiting: 0 } };
  const key = `${state.site}|${Math.floor(now / 15000)}|${JSON.stringify(counts)}|` + state.items.map((i) => `${i.conversation_id}:${i.status}:${i.tier}:${i.agent}`).join(',');
  if (key === queueKey && !force) return;
  queueKey = key;
  const waiting = counts.specialist.waiting + counts.agent.waiting;
  for (const tier of ['specialist', 'agent']) {
    const items = state.items.filter((i) => (tier === 'specialist') === (i.tier === 'specialist'));
    document.querySelector(`[data-testid=count-${tier}]`).textContent = String(counts[tier].waiting);
    const ul = document.querySelector(`[data-testid=queue-${tier}]`);
    ul.replaceChildren(...items.map((i) => h('li', {},
      h('button', {
        type: 'button', testid: 'queue-item', 'data-id': i.conversation_id, 'data-status': i.status,
        'aria-current': i.conversation_id === state.openId ? 'true' : null,
        onclick: () => openConversation(i.conversation_id),
        onpointerenter: () => prefetch(i.conversation_id),
        onfocus: () => prefetch(i.conversation_id),
      },
      h('span', { class: 'gist' }, i.summary[0] || '(no customer text yet)'),
      h('span', { class: 'meta' },
        i.urgency >= 0.5 ? h('span', { class: 'urgent' }, `urgent ${i.urgency.toFixed(2)} · `) : `urgency ${i.urgency.toFixed(2)} · `,
        i.status === 'waiting' ? `waiting ${ago(now - i.escalated_at)}` : `with ${i.agent || 'an agent'}`,
        ` · ${i.lang}`)))));
    if (!items.length) ul.append(h('li', { class: 'hint' }, 'Nobody waiting.'));
    const hidden = counts[tier].open - items.length;
    if (hidden > 0) {
      ul.append(h('li', {}, h('button', { type: 'button', class: 'more', testid: `more-${tier}`, onclick: showMore },
        `Show ${Math.min(PAGE, hidden)} more (${hidden} not shown)`)));
    }
  }
  document.querySelector('[data-testid=count-total]').textContent = String(waiting);
  document.title = waiting ? `(${waiting}) Tandem inbox` : 'Tandem inbox';
}

function showMore() {
  state.limit += PAGE;
  relist();
}

// ------------------------------------------------------------------------------------ detail
async function openConversation(id) {
  state.openId = id;
  state.detail = null; state.detailKey = ''; state.suggestions = null;
  $('empty-detail').hidden = true;
  const d = $('detail');
  d.hidden = false;
  d.replaceChildren(h('p', { class: 'hint' }, 'Loading…'));
  for (const b of document.querySelectorAll('[data-testid=queue-item][aria-current]')) b.removeAttribute('aria-current');
  document.querySelector(`[data-testid=queue-item][data-id="${CSS.escape(id)}"]`)?.setAttribute('aria-current', 'true');
  await refreshDetail(true, true);
}

// A pointer over a row (or focus on it) starts loading that conversation with its suggestions:
// a person's hover precedes the click by 100+ ms, so on click the answer is usually there. Used
// once, and only while fresh (the queue's long-poll refreshes what is open when it changes).
const PREFETCH_FRESH_MS = 3000;
const prefetched = new Map(); // id → {at, promise}
function prefetch(id) {
  if (id === state.openId) return;
  const hit = prefetched.get(id);
  if (hit && performance.now() - hit.at < PREFETCH_FRESH_MS) return;
  const promise = api(`/v1/inbox/conversations/${enc(id)}?with=suggestions`);
  promise.catch(() => prefetched.delete(id));
  prefetched.set(id, { at: performance.now(), promise });
  if (prefetched.size > 20) prefetched.delete(prefetched.keys().next().value);
}
function takePrefetched(id) {
  const hit = prefetched.get(id);
  prefetched.delete(id);
  return hit && performance.now() - hit.at < PREFETCH_FRESH_MS ? hit.promise : null;
}

let detailTicket = 0;
/** `withSuggestions`: on opening, the first suggestions come in the same response and are
 * rendered in the same frame as the transcript (one round trip, one layout). */
async function refreshDetail(force = false, withSuggestions = false) {
  const id = state.openId;
  if (!id || (state.detailBusy && !force)) return;
  state.detailBusy = true;
  const ticket = ++detailTicket;
  const t0 = performance.now();
  try {
    const c = await ((withSuggestions && takePrefetched(id)) || api(`/v1/inbox/conversations/${enc(id)}${withSuggestions ? '?with=suggestions' : ''}`));
    if (id !== state.openId) return;
    if (c.suggestions) {
      state.suggestions = c.suggestions;
      window.__tandemSuggestionsMs = performance.now() - t0;
    }
    if (c.site !== state.site) { $('detail').replaceChildren(h('p', { class: 'error' }, 'This conversation belongs to another site.')); return; }
    const last = c.transcript[c.transcript.length - 1];
    const key = `${c.status}|${c.tier}|${c.agent}|${last?.seq}|${c.reasons.length}`;
    state.detail = c;
    if (key !== state.detailKey || force) { state.detailKey = key; renderDetail(); }
  } catch (err) {
    if (err.status === 404 && id === state.openId) $('detail').replaceChildren(h('p', { class: 'error' }, 'This conversation no longer exists (the customer may have deleted it).'));
  } finally {
    // Only the latest request clears the flag: an older poll finishing late must not let a
    // second fetch race the one that carries the suggestions.
    if (ticket === detailTicket) state.detailBusy = false;
  }
}

const LABEL = { customer: 'Customer', bot: 'Bot (automated)', agent: 'Agent', system: 'System' };
const mine = (c) => c.status === 'with_agent' && c.agent === state.agent;

function renderDetail() {
  const c = state.detail;
  const d = $('detail');
  // Keep what the agent is typing across re-renders.
  const draft = d.querySelector('[data-testid=reply-text]')?.value ?? '';
  const note = d.querySelector('[data-testid=transfer-note]')?.value ?? '';
  const transferOpen = !!d.querySelector('[data-testid=transfer-form]');
  const scroller = d.querySelector('[data-testid=transcript]');
  const atBottom = !scroller || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  const open = c.status === 'waiting' || c.status === 'with_agent';
  const heldByOther = c.status === 'with_agent' && c.agent && c.agent !== state.agent;

  const bot = c.transcript.filter((m) => m.author === 'bot');
  const transcript = h('ol', { class: 'transcript', testid: 'transcript', 'aria-label': 'Transcript', tabindex: '0' },
    c.transcript.map((m) => h('li', { testid: 'turn', 'data-author': m.author, 'data-seq': m.seq },
      h('span', { class: 'who' }, m.author === 'agent' && m.author_name ? `Agent ${m.author_name}` : LABEL[m.author] || m.author,
        ` · ${new Date(m.at).toLocaleTimeString()}`),
      m.text)));

  d.replaceChildren(
    h('div', { class: 'head' },
      h('h2', { id: 'detail-h' }, `Conversation ${c.id.slice(0, 10)}…`),
      h('span', { class: 'meta', testid: 'detail-status' }, `${c.status.replace('_', ' ')} · ${c.tier || 'bot'} tier · ${c.lang}${c.agent ? ` · ${c.agent}` : ''}`),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', testid: 'claim', disabled: !open || mine(c) || heldByOther, onclick: claim },
          mine(c) ? 'Claimed by you' : heldByOther ? `Claimed by ${c.agent}` : 'Claim'),
        h('button', { type: 'button', testid: 'transfer', disabled: !open || heldByOther || transferOpen, onclick: () => showTransfer() }, 'Hand to specialist'),
        // Only the holder resolves (the edge refuses anyone else): claim first.
        h('button', { type: 'button', testid: 'resolve', disabled: !mine(c), title: mine(c) ? null : 'Claim the conversation to resolve it', onclick: resolve }, 'Resolve'))),
    h('section', { 'aria-label': 'Summary' },
      h('h3', {}, 'What the customer needs'),
      c.summary.length ? h('ul', { class: 'summary', testid: 'summary' }, c.summary.map((x) => h('li', {}, x)))
        : h('p', { class: 'hint', testid: 'summary' }, 'The customer has not written yet.')),
    h('div', { class: 'grid2' },
      h('section', { 'aria-label': 'Signals' },
        h('h3', {}, 'Detected intents'),
        c.intents.length ? h('ul', { class: 'chips', testid: 'intents' }, c.intents.map((i) => h('li', {}, i.replace('_', ' '))))
          : h('p', { class: 'hint', testid: 'intents' }, 'None.'),
        h('h3', {}, 'Why it was escalated'),
        h('ul', { testid: 'reasons' }, c.reasons.map((r) => h('li', {}, r)))),
      h('section', { 'aria-label': 'Sentiment' },
        h('h3', {}, 'Sentiment over the customer’s messages'),
        sentimentChart(c.trajectory))),
    h('section', { 'aria-label': 'What the bot already answered' },
      h('h3', {}, `What the bot already answered (${bot.length})`),
      bot.length ? h('ul', { testid: 'bot-answers' }, bot.map((m) => h('li', {}, m.text, m.article_id ? ` [${m.article_id}]` : '')))
        : h('p', { class: 'hint', testid: 'bot-answers' }, 'Nothing.')),
    h('section', { 'aria-label': 'Conversation' }, h('h3', {}, 'Transcript'), transcript),
    transferOpen ? transferForm(note) : null,
    suggestionsView(),
    replyForm(c, draft),
  );
  const t = d.querySelector('[data-testid=transcript]');
  if (atBottom) t.scrollTop = t.scrollHeight;
}

function sentimentChart(points) {
  const W = 280, H = 90, P = 14;
  const n = points.length;
  const x = (i) => (n <= 1 ? W / 2 : P + (i * (W - 2 * P)) / (n - 1));
  const y = (v) => H / 2 - (Math.max(-1, Math.min(1, v)) * (H / 2 - 8));
  const first = points[0]?.valence ?? 0, lastV = points[n - 1]?.valence ?? 0;
  const label = n ? `Sentiment over ${n} customer message${n > 1 ? 's' : ''}, from ${first.toFixed(2)} to ${lastV.toFixed(2)} (−1 negative, +1 positive); peak frustration ${Math.max(...points.map((p) => p.frustration)).toFixed(2)}`
    : 'No customer messages yet';
  return s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': label, 'data-testid': 'sentiment-chart', 'data-points': n },
    s('title', {}, label),
    s('line', { class: 'axis', x1: 0, x2: W, y1: H / 2, y2: H / 2 }),
    s('text', { x: 2, y: 10 }, '+1'), s('text', { x: 2, y: H - 2 }, '−1'),
    n > 1 ? s('polyline', { class: 'line', points: points.map((p, i) => `${x(i)},${y(p.valence)}`).join(' ') }) : null,
    n > 1 ? s('polyline', { class: 'line2', points: points.map((p, i) => `${x(i)},${y(-p.frustration)}`).join(' ') }) : null,
    points.map((p, i) => s('circle', { class: 'dot', cx: x(i), cy: y(p.valence), r: 3 })));
}

function transferForm(note) {
  return h('form', { class: 'transfer', testid: 'transfer-form', onsubmit: (e) => { e.preventDefault(); transfer(); } },
    h('label', { for: 'transfer-note' }, 'Note for the specialist'),
    h('textarea', { id: 'transfer-note', testid: 'transfer-note', maxlength: '2000', required: true }, note),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary', testid: 'transfer-send' }, 'Hand over'),
      h('button', { type: 'button', onclick: () => { state.detailKey = ''; renderDetailWithoutTransfer(); } }, 'Cancel')));
}
function renderDetailWithoutTransfer() { $('detail').querySelector('[data-testid=transfer-form]')?.remove(); renderDetail(); }
function showTransfer() {
  const d = $('detail');
  if (!d.querySelector('[data-testid=transfer-form]')) d.querySelector('[data-testid=suggestions]').before(transferForm(''));
  d.querySelector('[data-testid=transfer-note]').focus();
  d.querySelector('[data-testid=transfer]').disabled = true;
}

function suggestionsView() {
  const sg = state.suggestions;
  const box = h('section', { class: 'suggestions', testid: 'suggestions', 'aria-label': 'Suggestions' }, h('h3', {}, 'Suggested replies'));
  if (!sg) { box.append(h('p', { class: 'hint' }, 'Loading suggestions…')); return box; }
  box.append(h('ul', {}, sg.replies.map((r, i) => h('li', { testid: 'suggested-reply' },
    h('p', { class: 'text' }, r.text),
    h('ul', { class: 'why', 'aria-label': 'Why this reply' }, r.reasons.map((x) => h('li', {}, x))),
    h('button', { type: 'button', testid: 'use-reply', 'aria-label': `Use this reply (suggestion ${i + 1})`, onclick: () => useText(r.text) }, 'Use this reply')))));
  box.append(h('h3', {}, 'Knowledge-base articles'));
  box.append(sg.articles.length ? h('ul', { testid: 'articles' }, sg.articles.map((a) => h('li', { testid: 'article', 'data-id': a.article_id },
    h('strong', {}, a.question), ` (${Math.round(a.confidence * 100)}% match)`,
    h('p', {}, a.answer),
    h('button', { type: 'button', 'aria-label': `Insert answer: ${a.question}`, onclick: () => useText(a.answer, true) }, 'Insert answer'))))
    : h('p', { class: 'hint', testid: 'articles' }, 'No matching article.'));
  return box;
}

function useText(text, append = false) {
  const ta = $('detail').querySelector('[data-testid=reply-text]');
  ta.value = append && ta.value.trim() ? `${ta.value.trim()} ${text}` : text;
  ta.focus();
}

function replyForm(c, draft) {
  const can = mine(c);
  return h('form', { class: 'reply', testid: 'reply-form', onsubmit: (e) => { e.preventDefault(); sendReply(); } },
    h('label', { for: 'reply-text' }, can ? 'Your reply (the customer sees it in the chat)' : 'Claim the conversation to reply'),
    h('textarea', { id: 'reply-text', testid: 'reply-text', maxlength: '16000', oninput: onDraft }, draft),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary', testid: 'reply-send', disabled: !can }, 'Send'),
      h('span', { class: 'error', testid: 'reply-error', role: 'status' })));
}

let draftTimer;
function onDraft(e) {
  clearTimeout(draftTimer);
  const q = e.target.value.trim();
  draftTimer = setTimeout(() => loadSuggestions(q.length >= 4 ? q : ''), 400);
}

async function loadSuggestions(q = '') {
  const id = state.openId;
  if (!id) return;
  const t0 = performance.now();
  try {
    const sg = await api(`/v1/inbox/conversations/${enc(id)}/suggestions${q ? `?q=${enc(q)}` : ''}`);
    if (id !== state.openId) return;
    // While the agent types only the articles follow the draft; the replies stay put.
    state.suggestions = q && state.suggestions ? { ...state.suggestions, articles: sg.articles } : sg;
    window.__tandemSuggestionsMs = performance.now() - t0;
    const old = $('detail').querySelector('[data-testid=suggestions]');
    if (old) old.replaceWith(suggestionsView());
  } catch {}
}

// ------------------------------------------------------------------------------------ actions
async function act(fn, what) {
  try {
    await fn();
  } catch (err) {
    const msg = err.status === 409 ? `Could not ${what}: ${err.message}` : `Could not ${what} (${err.message})`;
    announce(msg);
    const e = $('detail').querySelector('[data-testid=reply-error]');
    if (e) e.textContent = msg;
    return false;
  }
  await refreshDetail(true);
  relist();
  return true;
}
const claim = () => act(() => api(`/v1/inbox/conversations/${enc(state.openId)}/claim`, { method: 'POST', body: { agent: state.agent } }), 'claim');
const resolve = () => act(() => api(`/v1/inbox/conversations/${enc(state.openId)}/resolve`, { method: 'POST', body: { agent: state.agent } }), 'resolve');
async function transfer() {
  const note = $('detail').querySelector('[data-testid=transfer-note]').value.trim();
  if (!note) return;
  $('detail').querySelector('[data-testid=transfer-form]')?.remove();
  await act(() => api(`/v1/inbox/conversations/${enc(state.openId)}/transfer`, { method: 'POST', body: { agent: state.agent, note } }), 'hand over');
}
let pendingReply = null; // {text, client_id}: a retry of the same text keeps its id (no duplicates)
async function sendReply() {
  const ta = $('detail').querySelector('[data-testid=reply-text]');
  const text = ta.value.trim();
  if (!text) return;
  if (!pendingReply || pendingReply.text !== text) pendingReply = { text, client_id: `a-${crypto.randomUUID()}` };
  const ok = await act(() => api(`/v1/inbox/conversations/${enc(state.openId)}/reply`, { method: 'POST', body: { ...pendingReply, agent: state.agent } }), 'send');
  if (ok) { pendingReply = null; $('detail').querySelector('[data-testid=reply-text]').value = ''; announce('Reply sent.'); }
}

// ------------------------------------------------------------------------------------ KPIs
const DAY = 86_400_000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
(function initKpiForm() {
  const today = Date.now();
  $('kpi-to').value = isoDay(today);
  $('kpi-from').value = isoDay(today - 6 * DAY);
})();
function kpiQuery() {
  const from = Date.parse(`${$('kpi-from').value}T00:00:00Z`);
  const to = Date.parse(`${$('kpi-to').value}T00:00:00Z`) + DAY;
  return `site=${enc(state.site)}&from=${from}&to=${to}&bucket=${enc($('kpi-bucket').value)}`;
}
$('kpi-form').addEventListener('submit', (e) => { e.preventDefault(); loadKpis(); });
$('kpi-csv').addEventListener('click', async () => {
  try {
    const res = await api(`/v1/inbox/kpis.csv?${kpiQuery()}`, { raw: true });
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: `tandem-kpis-${state.site}-${$('kpi-from').value}-${$('kpi-to').value}.csv` });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) { announce(`CSV export failed: ${err.message}`); }
});

const pct = (v) => (v == null ? '–' : `${Math.round(v * 100)}%`);
const num = (v, d = 2) => (v == null ? '–' : v.toFixed(d));
const dur = (ms) => (ms == null ? '–' : ago(ms));

async function loadKpis() {
  if (!state.site) return;
  const out = $('kpi-out');
  let r;
  try { r = await api(`/v1/inbox/kpis?${kpiQuery()}`); } catch (err) { out.replaceChildren(h('p', { class: 'error' }, err.message)); return; }
  const t = r.total;
  const tile = (label, value, testid) => h('div', {}, h('dt', {}, label), h('dd', { testid }, value));
  out.replaceChildren(
    h('dl', { class: 'tiles' },
      tile('Conversations', String(t.conversations), 'kpi-conversations'),
      tile('First-contact resolution', pct(t.first_contact_resolution), 'kpi-fcr'),
      tile('Resolved by self-service', pct(t.self_service_share), 'kpi-self-service'),
      tile(`CSAT (${t.csat_distribution.reduce((a, b) => a + b, 0)} answers)`, num(t.csat_mean), 'kpi-csat'),
      tile(`NPS (${t.nps_answers} answers)`, t.nps == null ? '–' : String(Math.round(t.nps)), 'kpi-nps'),
      tile('Handoffs', String(t.handoffs), 'kpi-handoffs'),
      tile('Sentiment before → after escalation', `${num(t.sentiment_before)} → ${num(t.sentiment_after)}`, 'kpi-sentiment'),
      tile('First human reply (mean / median)', `${dur(t.first_reply_mean_ms)} / ${dur(t.first_reply_median_ms)}`, 'kpi-first-reply'),
      tile('Time to resolution (mean / median)', `${dur(t.resolution_mean_ms)} / ${dur(t.resolution_median_ms)}`, 'kpi-resolution')),
    h('div', { class: 'charts' },
      barChart('Conversations per period: self-service (light) and escalated', r.buckets, (b) => [b.self_service, b.escalated], 'chart-conversations'),
      barChart('CSAT answers, 1 to 5 stars', t.csat_distribution.map((v, i) => ({ start: `${i + 1}★` })), (_, i) => [t.csat_distribution[i]], 'chart-csat'),
      barChart('Mean sentiment before (light) and after escalation, +1 offset', r.buckets, (b) => [b.sentiment_before == null ? 0 : b.sentiment_before + 1, b.sentiment_after == null ? 0 : b.sentiment_after + 1], 'chart-sentiment')),
    kpiTable(r));
}

function barChart(caption, rows, values, testid) {
  const W = 300, H = 110, P = 18;
  const vals = rows.map(values);
  const max = Math.max(1, ...vals.flat());
  const bw = rows.length ? (W - 2 * P) / rows.length : 0;
  const desc = rows.map((r, i) => `${r.start}: ${vals[i].map((v) => +v.toFixed(2)).join(' / ')}`).join('; ');
  return h('figure', {},
    s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': `${caption}. ${desc || 'no data'}`, 'data-testid': testid },
      s('line', { class: 'axis', x1: P, x2: W - P, y1: H - P, y2: H - P }),
      rows.map((r, i) => {
        const n = vals[i].length;
        return [
          ...vals[i].map((v, j) => {
            const bh = (v / max) * (H - 2 * P);
            return s('rect', { class: j === 0 && n > 1 ? 'bar2' : 'bar', x: P + i * bw + (j * bw * 0.8) / n + bw * 0.1, y: H - P - bh, width: Math.max(1, (bw * 0.8) / n - 1), height: bh });
          }),
          rows.length <= 14 ? s('text', { x: P + i * bw + 2, y: H - 4 }, String(r.start).slice(5) || r.start) : null,
        ];
      })),
    h('figcaption', {}, caption));
}

function kpiTable(r) {
  const cols = [['Period', (b) => b.start], ['Conv.', (b) => b.conversations], ['FCR', (b) => pct(b.first_contact_resolution)],
    ['Self-service', (b) => pct(b.self_service_share)], ['CSAT', (b) => num(b.csat_mean)], ['NPS', (b) => (b.nps == null ? '–' : Math.round(b.nps))],
    ['Handoffs', (b) => b.handoffs], ['Sent. before', (b) => num(b.sentiment_before)], ['Sent. after', (b) => num(b.sentiment_after)],
    ['1st reply (median)', (b) => dur(b.first_reply_median_ms)], ['Resolution (median)', (b) => dur(b.resolution_median_ms)]];
  return h('table', { class: 'kpi-table', testid: 'kpi-table' },
    h('caption', { class: 'sr-only' }, `KPIs per ${r.bucket}`),
    h('thead', {}, h('tr', {}, cols.map(([c]) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, [...r.buckets, { ...r.total, start: 'Total' }].map((b) => h('tr', {}, cols.map(([, f], i) => (i === 0 ? h('th', { scope: 'row' }, String(f(b))) : h('td', {}, String(f(b)))))))));
}

start();
