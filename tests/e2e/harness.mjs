// The setting every end-to-end spec needs: the demo shop served on a loopback port, the real
// edge worker under workerd with that origin on its allow-list, and headless Chromium — started
// before the file's tests and stopped after them. Not a test file itself.
import { before, after } from 'node:test';
import { startWorker } from '../support/worker.mjs';
import { startStaticServer } from '../support/static-server.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { WidgetPage } from './widget-page.mjs';

export const AGENT = 'e2e-agent-token';
export const FIXTURES = [['/fixtures/', 'tests/e2e/fixtures/']];

/**
 * Registers the before/after hooks; the returned object's `worker`, `site` and `browser` are set
 * once `before` has run. `sites` are extra entries of the worker's SITES (besides `demo`, whose
 * origin is the shop's), `vars` extra worker variables.
 */
export function shopAndWorker({ sites = {}, vars = {} } = {}) {
  const env = { worker: null, site: null, browser: null };
  before(async () => {
    // The page origin is only known once the static server listens; the worker's allow-list
    // names it, and the page needs the worker's URL: listen, note the port, start both.
    const probe = await startStaticServer({ port: 0, extraDirs: FIXTURES, endpoint: 'http://127.0.0.1:1' });
    await probe.close();
    env.worker = await startWorker({
      vars: {
        SITES: JSON.stringify({ demo: { origins: [`http://127.0.0.1:${probe.port}`] }, ...sites }),
        AGENT_TOKEN: AGENT,
        RATE_CONVERSATION_PER_MIN: '1000',
        ...vars,
      },
    });
    env.site = await startStaticServer({ port: probe.port, extraDirs: FIXTURES, endpoint: env.worker.url });
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.site?.close();
    await env.worker?.stop();
  });

  /** A fresh visitor (a customer on the shop or an agent on the inbox): own browser context, page errors and dialogs collected. */
  env.newVisitor = async (contextOptions = {}) => {
    const context = await env.browser.newContext(contextOptions);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
    return { context, page, w: new WidgetPage(page), errors };
  };

  /** The inbox API as an agent (token `AGENT`): {status, body}. */
  env.inbox = async (p, init = {}) => {
    const res = await fetch(env.worker.url + p, {
      ...init,
      headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json', ...(init.headers || {}) },
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  /** The inbox's detail of a conversation, or null while it is not (yet) there. */
  env.inboxItem = async (conversationId) => {
    const r = await env.inbox(`/v1/inbox/conversations/${conversationId}`);
    return r.status === 200 ? r.body : null;
  };
  return env;
}
