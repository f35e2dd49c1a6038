// Small client for the edge API, shared by the edge specs (not a test file itself).
import { spawn } from 'node:child_process';
import { DEMO_AGENT_TOKEN } from '../support/worker.mjs';

export const ORIGIN = 'http://127.0.0.1:8080';
export const AGENT = DEMO_AGENT_TOKEN;

/** One request; returns {status, headers, body (parsed JSON or null), text}. */
export async function api(w, method, path, { body, token, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload = raw;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  const r = await fetch(w.url + path, { method, headers: h, body: payload, duplex: 'half' });
  const text = await r.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch {}
  return { status: r.status, headers: r.headers, body: parsed, text };
}

export async function start(w, site = 'demo') {
  const r = await api(w, 'POST', '/v1/conversations', { body: { site } });
  if (r.status !== 201) throw new Error(`start: ${r.status} ${r.text}`);
  return r.body;
}

export function say(w, conv, client_id, text, extra = {}) {
  return api(w, 'POST', `/v1/conversations/${conv.id}/messages`, { token: conv.token, body: { client_id, text, ...extra } });
}

export function handoff(w, conv) {
  return api(w, 'POST', `/v1/conversations/${conv.id}/handoff`, { token: conv.token });
}

export function inbox(w, method, path, body) {
  return api(w, method, `/v1/inbox${path}`, { token: AGENT, body });
}

/** Polls `fn` until it returns a truthy value (bounded); returns that value. */
export async function until(fn, { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Asserts the error shape {code, message}. */
export function isError(r, status, code) {
  if (r.status !== status || !r.body || r.body.code !== code || typeof r.body.message !== 'string' || !r.body.message) {
    throw new Error(`expected ${status} ${code}, got ${r.status} ${r.text}`);
  }
  return true;
}

/** Runs `wrangler args` in `cwd` (e.g. `d1 execute` to seed a store); rejects with its output. */
export function wrangler(args, cwd) {
  return new Promise((resolve, reject) => {
    const c = spawn('wrangler', args, { cwd, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(out.slice(-3000)))));
  });
}

/** A value as an SQL literal, for seeding fixtures (NULL, number, or a quoted string). */
export const q = (v) => (v == null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
