// C09: per-site CORS allow-list; allowed origins are echoed with credentials, never `*`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startWorker } from '../support/worker.mjs';
import { ORIGIN } from './helpers.mjs';

let w;
before(async () => { w = await startWorker(); });
after(async () => { await w?.stop(); });

const preflight = (origin) =>
  fetch(`${w.url}/v1/conversations`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });

test('C09 preflight from an allowed origin names exactly that origin with credentials', async () => {
  const r = await preflight(ORIGIN);
  assert.ok(r.status === 204 || r.status === 200);
  const allow = r.headers.get('access-control-allow-origin');
  assert.equal(allow, ORIGIN); // one value, not a list, never *
  assert.equal(r.headers.get('access-control-allow-credentials'), 'true');
  assert.match(r.headers.get('vary') ?? '', /Origin/i);
  assert.match(r.headers.get('access-control-allow-headers') ?? '', /authorization/);
  assert.match(r.headers.get('access-control-allow-methods') ?? '', /POST/);
});

test('C09 preflight from an unknown origin gets no allow-origin header', async () => {
  const r = await preflight('https://evil.example');
  assert.equal(r.headers.get('access-control-allow-origin'), null);
  assert.equal(r.headers.get('access-control-allow-credentials'), null);
});

test('C09 actual responses carry the same headers; an unlisted origin cannot start a conversation', async () => {
  const ok = await fetch(`${w.url}/v1/conversations`, {
    method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo' }),
  });
  assert.equal(ok.status, 201);
  assert.equal(ok.headers.get('access-control-allow-origin'), ORIGIN);
  assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
  const bad = await fetch(`${w.url}/v1/conversations`, {
    method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo' }),
  });
  assert.equal(bad.status, 403);
  assert.equal(bad.headers.get('access-control-allow-origin'), null);
  assert.equal((await bad.json()).code, 'origin_not_allowed');
});
