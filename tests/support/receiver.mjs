// Reference receiver for Tandem's signed escalation webhooks (Standard Webhooks):
// verifies `webhook-signature` = "v1," + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)),
// where a "whsec_" secret is base64-decoded into the key, and de-duplicates by `webhook-id`.
//
// As a library (tests):  const r = await startReceiver({ secret }); … r.events, r.setMode('down')
// As a tool (site owners testing their setup):
//   node tests/support/receiver.mjs --port 9000 --secret whsec_…
// then set WEBHOOKS='[{"url":"http://127.0.0.1:9000/hook","secret":"whsec_…"}]' on the edge.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export function keyOf(secret) {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

export function sign(secret, id, timestamp, body) {
  return 'v1,' + createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** True when the headers carry a valid signature of `body` made with `secret`, recent enough. */
export function verifySignature({ secret, headers, body, toleranceS = 300, now = Date.now() }) {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = headers['webhook-signature'];
  if (!id || !ts || !sigs) return false;
  if (!/^\d+$/.test(ts) || Math.abs(now / 1000 - Number(ts)) > toleranceS) return false;
  const expected = Buffer.from(sign(secret, id, ts, body));
  return sigs.split(' ').some((s) => {
    const got = Buffer.from(s);
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}

/**
 * A webhook receiver on 127.0.0.1.
 * Modes: 'ok' (verify, store once per webhook-id, answer 204), 'fail' (answer 500),
 * 'down' (not listening: connections are refused).
 */
export async function startReceiver({ secret, port = 0, mode = 'ok' } = {}) {
  const events = new Map(); // webhook-id → parsed body (first delivery)
  const attempts = []; // every request: {id, status}
  const invalid = [];
  let current = mode;
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = req.headers['webhook-id'];
      if (current === 'fail') {
        attempts.push({ id, status: 500 });
        res.writeHead(500).end('temporarily broken');
        return;
      }
      if (secret && !verifySignature({ secret, headers: req.headers, body })) {
        invalid.push({ id, headers: req.headers, body });
        attempts.push({ id, status: 401 });
        res.writeHead(401).end('bad signature');
        return;
      }
      if (!events.has(id)) events.set(id, JSON.parse(body));
      attempts.push({ id, status: 204 });
      res.writeHead(204).end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const listen = (p) => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, '127.0.0.1', () => resolve(server.address().port));
  });
  const close = () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  let listening = current !== 'down';
  const actualPort = await listen(port);
  if (!listening) await close();
  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}/hook`,
    events,
    attempts,
    invalid,
    /** 'ok' | 'fail' | 'down' */
    async setMode(m) {
      if (m === 'down' && listening) { await close(); listening = false; }
      if (m !== 'down' && !listening) { await listen(actualPort); listening = true; }
      current = m;
    },
    async close() { if (listening) { listening = false; await close(); } },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const secret = arg('secret', process.env.WEBHOOK_SECRET);
  if (!secret) {
    console.error('usage: node tests/support/receiver.mjs --port 9000 --secret whsec_…');
    process.exit(2);
  }
  const r = await startReceiver({ secret, port: Number(arg('port', '9000')) });
  console.log(`listening on ${r.url}; valid deliveries are printed, invalid ones answered 401`);
  let seen = 0;
  setInterval(() => {
    for (const ev of [...r.events.values()].slice(seen)) console.log(JSON.stringify(ev));
    seen = r.events.size;
    for (const bad of r.invalid.splice(0)) console.error(`invalid signature for webhook-id ${bad.id}`);
  }, 500);
}
