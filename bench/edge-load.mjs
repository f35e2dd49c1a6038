// Load benchmark of the edge worker under workerd (wrangler dev) over loopback: many
// conversations post realistic messages concurrently for a fixed time. Prints messages/s,
// errors, latency percentiles, escalations stored vs inbox items, and the worker process's
// CPU time per message (utime+stime of the workerd processes from /proc, divided by requests).
//   node bench/edge-load.mjs [seconds=20] [concurrency=32]
import fs from 'node:fs';
import { execSync } from 'node:child_process';
import { startWorker } from '../tests/support/worker.mjs';

const seconds = Number(process.argv[2] || 20);
const concurrency = Number(process.argv[3] || 32);
const corpus = fs.readFileSync(new URL('./corpus.txt', import.meta.url), 'utf8').split('\n').filter((l) => l.trim()).slice(0, 2000);
const AGENT = 'bench-agent';
const w = await startWorker({ vars: { AGENT_TOKEN: AGENT, RATE_CONVERSATION_PER_MIN: '100000', RATE_CLIENT_PER_MIN: '10000000' } });

function workerdCpuMs() {
  // Sum utime+stime (clock ticks) over workerd processes.
  const pids = execSync("pgrep -f workerd || true").toString().split('\n').filter(Boolean);
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* gone */ }
  }
  return (ticks * 1000) / Number(execSync('getconf CLK_TCK').toString());
}

async function post(path, body, token) {
  const res = await fetch(w.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:8080', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

let sent = 0, errors = 0, escalations = 0, next = 0;
const lat = [];
const escalatedIds = new Set();
const end = Date.now() + seconds * 1000;
const cpu0 = workerdCpuMs();
const t0 = Date.now();
await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
  let conv = null, turn = 0;
  while (Date.now() < end) {
    if (!conv || turn >= 6) {
      const r = await post('/v1/conversations', { site: 'demo', lang: 'nl' });
      if (r.status !== 201) { errors++; continue; }
      conv = r.body; turn = 0;
    }
    const text = corpus[next++ % corpus.length];
    const s = performance.now();
    const r = await post(`/v1/conversations/${conv.id}/messages`, { client_id: `w${worker}-${sent}-${turn}`, text }, conv.token);
    lat.push(performance.now() - s);
    turn++;
    if (r.status === 201) {
      sent++;
      if (r.body.decision.action.action === 'escalate' && !escalatedIds.has(conv.id)) { escalatedIds.add(conv.id); escalations++; }
    } else errors++;
  }
}));
const elapsed = (Date.now() - t0) / 1000;
const cpu = workerdCpuMs() - cpu0;
lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))].toFixed(1);
// Every escalation must be in the inbox.
const inbox = await (await fetch(`${w.url}/v1/inbox/conversations?site=demo`, { headers: { authorization: `Bearer ${AGENT}` } })).json();
const inInbox = new Set((inbox.conversations || inbox.items || inbox).map((c) => c.id || c.conversation_id));
const missing = [...escalatedIds].filter((id) => !inInbox.has(id)).length;
await w.stop();
console.log(`| measure | value |\n|---|---:|`);
console.log(`| messages posted (201) | ${sent} |`);
console.log(`| messages/s over loopback (concurrency ${concurrency}, ${seconds} s) | ${(sent / elapsed).toFixed(0)} |`);
console.log(`| errors (non-201) | ${errors} |`);
console.log(`| latency p50 / p95 / p99 | ${pct(0.5)} / ${pct(0.95)} / ${pct(0.99)} ms |`);
console.log(`| escalations / missing from the inbox | ${escalations} / ${missing} |`);
console.log(`| workerd CPU time per message (all work incl. local D1) | ${(cpu / Math.max(1, sent)).toFixed(2)} ms |`);
