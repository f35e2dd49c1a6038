// The large version of the delivery fault test (not run by `node --test`):
//   node tests/edge/delivery.bench.mjs [N=200]
// N escalations while the receiver refuses connections, then answers 500, then recovers;
// reports how long until every escalation was delivered, and checks exactly-once + inbox.
import { startReceiver } from '../support/receiver.mjs';
import { startWorker } from '../support/worker.mjs';
import { handoff, inbox, say, start, until } from './helpers.mjs';

const N = Number(process.argv[2] ?? 200);
const SECRET = 'whsec_' + Buffer.from('bench-secret-0123456789').toString('base64');
const rx = await startReceiver({ secret: SECRET, mode: 'down' });
const w = await startWorker({
  vars: {
    WEBHOOKS: [{ url: rx.url, secret: SECRET }],
    DELIVERY_BACKOFF_MS: '200',
    DELIVERY_MAX_ATTEMPTS: '15',
  },
});
try {
  const t0 = Date.now();
  const ids = new Set();
  for (let i = 0; i < N; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, N - i) }, async (_, k) => {
      const c = await start(w);
      await say(w, c, 'm1', `Bestelling ${i + k} is kapot aangekomen`);
      await handoff(w, c);
      ids.add(c.id);
    }));
  }
  const tCreated = Date.now();
  await rx.setMode('fail');
  await until(async () => { await w.scheduled(); return rx.attempts.length > 0; }, { timeoutMs: 30_000, what: 'a failing attempt' });
  await rx.setMode('ok');
  await until(async () => { await w.scheduled(); return rx.events.size >= N; }, { timeoutMs: 300_000, intervalMs: 250, what: `${N} deliveries` });
  const tDone = Date.now();
  const acks = new Map();
  for (const a of rx.attempts) if (a.status === 204) acks.set(a.id, (acks.get(a.id) ?? 0) + 1);
  const twice = [...acks.values()].filter((v) => v > 1).length;
  const listed = new Set((await inbox(w, 'GET', '/conversations')).body.items.map((i) => i.conversation_id));
  const missing = [...ids].filter((id) => !listed.has(id)).length;
  console.log(JSON.stringify({
    escalations: N, created_ms: tCreated - t0, delivered_after_recovery_ms: tDone - tCreated,
    attempts: rx.attempts.length, delivered: rx.events.size, acknowledged_twice: twice, missing_from_inbox: missing,
  }));
  if (twice || missing || rx.events.size !== N) process.exitCode = 1;
} finally {
  await w.stop();
  await rx.close();
}
