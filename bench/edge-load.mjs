// Load benchmark of the edge worker under workerd over loopback: many conversations post
// realistic messages (bench/corpus.txt) concurrently for a fixed time, then a sequential phase
// measures the CPU of single requests.
//
//   node bench/edge-load.mjs [seconds=20] [concurrency=32] [sequential=300]
//
// Environment:
//   TANDEM_WORKER_RUNTIME=miniflare|wrangler  how workerd is started (tests/support/worker.mjs;
//                                             default miniflare: nothing between client and workerd)
//   TANDEM_BENCH_PERSIST=DIR                  where local D1 keeps its SQLite files (default: the
//                                             OS temp dir, i.e. disk; /dev/shm takes fsync out)
//
// Prints: messages/s, errors, latency percentiles, escalations vs. the inbox, and CPU:
// - "runtime CPU per message (load)": utime+stime of the runtime's process tree (workerd, and
//   for wrangler dev also its Node proxy and second workerd) over the load phase, divided by the
//   messages posted (conversation starts included in the cost).
// - "runtime CPU per message request, median / p90 (sequential)": one request at a time, the
//   runtime process's CPU (per-thread schedstat, ns) before and after each POST …/messages. It
//   includes the local D1 (SQLite inside workerd), so it is an upper bound on the worker's own CPU.
// - "worker's own code per message request" (Miniflare): V8's sampling profiler on the
//   worker's isolate, samples in its wasm, wasm-bindgen glue and GC inside each request's window.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { freePort, startWorker } from '../tests/support/worker.mjs';
import { client } from './http.mjs';

const require = createRequire(new URL('../tests/package.json', import.meta.url));

const seconds = Number(process.argv[2] || 20);
const concurrency = Number(process.argv[3] || 32);
const sequentialN = Number(process.argv[4] ?? 300);
const corpus = fs.readFileSync(new URL('./corpus.txt', import.meta.url), 'utf8').split('\n').filter((l) => l.trim()).slice(0, 2000);
const AGENT = 'bench-agent';
const ORIGIN = 'http://127.0.0.1:8080';
if (process.env.TANDEM_BENCH_PERSIST) process.env.TMPDIR = process.env.TANDEM_BENCH_PERSIST;
const runtime = process.env.TANDEM_WORKER_RUNTIME || 'miniflare';
const inspectorPort = runtime === 'miniflare' ? await freePort() : undefined;
const w = await startWorker({ runtime, inspectorPort, vars: { AGENT_TOKEN: AGENT, RATE_CONVERSATION_PER_MIN: '100000', RATE_CLIENT_PER_MIN: '10000000' } });
if (!w.pid) throw new Error('could not find the runtime process for CPU accounting');

/** Every process in the tree under `root` (the runtime started for this bench, nothing else). */
function tree(root) {
  const kids = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch { /* gone */ }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]) || []));
  return out;
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux
/** utime+stime (ms) of the runtime's process tree. */
function treeCpuMs() {
  let ticks = 0;
  for (const pid of tree(w.pid)) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      ticks += Number(rest[11]) + Number(rest[12]);
    } catch { /* gone */ }
  }
  return ticks * TICK_MS;
}

/** CPU time (ns) of the runtime's process tree, summed over threads, at ns resolution. */
function treeCpuNs() {
  let ns = 0;
  for (const pid of tree(w.pid)) {
    let tasks = [];
    try { tasks = fs.readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const t of tasks) {
      try { ns += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]); } catch { /* gone */ }
    }
  }
  return ns;
}

const call = client(w.url, ORIGIN);
const post = (path, body, token) => call('POST', path, body, token);

let sent = 0, errors = 0, next = 0;
const lat = [];
const escalated = new Set();
const errorStatuses = new Map();
const end = Date.now() + seconds * 1000;
const cpu0 = treeCpuMs();
const t0 = Date.now();
await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
  let conv = null, turn = 0;
  while (Date.now() < end) {
    if (!conv || turn >= 6) {
      const r = await post('/v1/conversations', { site: 'demo', lang: 'nl' });
      if (r.status !== 201) { errors++; errorStatuses.set(r.status, (errorStatuses.get(r.status) || 0) + 1); continue; }
      conv = r.body; turn = 0;
    }
    const text = corpus[next++ % corpus.length];
    const s = performance.now();
    const r = await post(`/v1/conversations/${conv.id}/messages`, { client_id: `w${worker}-${next}-${turn}`, text }, conv.token);
    lat.push(performance.now() - s);
    turn++;
    if (r.status === 201) {
      sent++;
      if (r.body.decision.action.action === 'escalate') escalated.add(conv.id);
    } else { errors++; errorStatuses.set(r.status, (errorStatuses.get(r.status) || 0) + 1); }
  }
}));
const elapsed = (Date.now() - t0) / 1000;
const cpu = treeCpuMs() - cpu0;
lat.sort((a, b) => a - b);
const pct = (arr, p) => arr[Math.min(arr.length - 1, Math.floor(arr.length * p))];

// Every escalation must be in the inbox: the queue (up to 1000 per tier), and one by one for
// any the queue page did not show.
const list = await (await fetch(`${w.url}/v1/inbox/conversations?site=demo&limit=1000`, { headers: { authorization: `Bearer ${AGENT}` } })).json();
const inInbox = new Set(list.items.map((c) => c.conversation_id));
let missing = 0;
for (const id of escalated) {
  if (inInbox.has(id)) continue;
  const r = await fetch(`${w.url}/v1/inbox/conversations/${id}`, { headers: { authorization: `Bearer ${AGENT}` } });
  const b = r.ok ? await r.json() : null;
  if (!b || !['waiting', 'with_agent'].includes(b.status)) missing++;
}

// Sequential phase: the CPU of one message request at a time.
const perMsg = [];
let conv = null, turn = 0;
for (let i = 0; i < sequentialN; i++) {
  if (!conv || turn >= 6) { conv = (await post('/v1/conversations', { site: 'demo', lang: 'nl' })).body; turn = 0; }
  if (!conv) { errors++; continue; }
  const before = treeCpuNs();
  const r = await post(`/v1/conversations/${conv.id}/messages`, { client_id: `seq-${i}`, text: corpus[(next + i) % corpus.length] }, conv.token);
  // workerd may finish bookkeeping just after the response; let it settle before reading.
  await new Promise((res) => setTimeout(res, 2));
  perMsg.push((treeCpuNs() - before) / 1e6);
  if (r.status !== 201) errors++;
  turn++;
}
perMsg.sort((a, b) => a - b);

// Profiled phase (Miniflare only): V8's sampling profiler on the worker's isolate; the time
// in the worker's own code (wasm + glue + GC) inside each request's window. The sampler runs
// on wall-clock time, so on a busy machine a preempted thread still collects samples: this
// over-counts under load, never under-counts the worker's code.
const isolateMs = inspectorPort && sequentialN ? await profileIsolate(Math.min(sequentialN, 200)) : [];
isolateMs.sort((a, b) => a - b);
await w.stop();

async function profileIsolate(count) {
  const WebSocket = require('ws');
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/core:user:tandem-edge`);
  await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
  let nextId = 1;
  const pending = new Map();
  ws.on('message', (data) => {
    const m = JSON.parse(data);
    if (m.id && pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id); }
  });
  const send = (method, params = {}) => new Promise((res) => { const id = nextId++; pending.set(id, res); ws.send(JSON.stringify({ id, method, params })); });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 50 });
  await send('Profiler.start');
  const windows = [];
  let c = null, t = 0;
  for (let i = 0; i < count; i++) {
    if (!c || t >= 6) { c = (await post('/v1/conversations', { site: 'demo', lang: 'nl' })).body; t = 0; }
    if (!c) { errors++; continue; }
    const from = Number(process.hrtime.bigint() / 1000n);
    const r = await post(`/v1/conversations/${c.id}/messages`, { client_id: `prof-${i}`, text: corpus[(next + sequentialN + i) % corpus.length] }, c.token);
    windows.push([from, Number(process.hrtime.bigint() / 1000n)]);
    if (r.status !== 201) errors++;
    t++;
  }
  const { profile } = (await send('Profiler.stop')).result;
  ws.close();
  // Both clocks are CLOCK_MONOTONIC in µs (V8 TimeTicks, libuv hrtime), so windows line up.
  // The worker's own code: its wasm, the wasm-bindgen glue (build/index.js), the transitions
  // between them, and its heap's GC. Runtime built-ins called from it (fetch, Response, the D1
  // client) are left out: workerd runs the called local services (D1's Durable Object) nested
  // under those frames, so they cannot be told apart here.
  const own = new Map(profile.nodes.map((n) => {
    const f = n.callFrame;
    return [n.id, f.url.endsWith('index.js') || f.functionName.startsWith('wasm-function') ||
      ['wasm-to-js', 'js-to-wasm', '(garbage collector)'].includes(f.functionName)];
  }));
  const out = windows.map(() => 0);
  let at = profile.startTime, w0 = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (!own.get(profile.samples[i])) continue;
    while (w0 < windows.length && windows[w0][1] < at) w0++;
    if (w0 < windows.length && windows[w0][0] <= at) out[w0] += dt / 1000;
  }
  return out;
}

const persist = process.env.TANDEM_BENCH_PERSIST || os.tmpdir();
console.log(`runtime: ${w.runtime}; D1 persisted under ${persist}; ${os.cpus().length} cores; load average before stop ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`| measure | value |\n|---|---:|`);
console.log(`| messages posted (201) | ${sent} |`);
console.log(`| messages/s over loopback (concurrency ${concurrency}, ${seconds} s) | ${(sent / elapsed).toFixed(0)} |`);
console.log(`| errors (non-2xx) | ${errors}${errorStatuses.size ? ' ' + JSON.stringify(Object.fromEntries(errorStatuses)) : ''} |`);
console.log(`| latency p50 / p95 / p99 | ${pct(lat, 0.5).toFixed(1)} / ${pct(lat, 0.95).toFixed(1)} / ${pct(lat, 0.99).toFixed(1)} ms |`);
console.log(`| escalations / missing from the inbox | ${escalated.size} / ${missing} |`);
console.log(`| runtime CPU per message under load (process tree, incl. starts and local D1) | ${(cpu / Math.max(1, sent)).toFixed(2)} ms |`);
if (perMsg.length) {
  console.log(`| runtime CPU per message request, median / p90 (sequential, ${perMsg.length} requests, whole workerd incl. local D1) | ${pct(perMsg, 0.5).toFixed(2)} / ${pct(perMsg, 0.9).toFixed(2)} ms |`);
}
if (isolateMs.length) {
  const mean = isolateMs.reduce((a, b) => a + b, 0) / isolateMs.length;
  console.log(`| worker's own code per message request (wasm + glue + GC, V8 sampling, wall clock), median / p90 / mean (${isolateMs.length} requests) | ${pct(isolateMs, 0.5).toFixed(2)} / ${pct(isolateMs, 0.9).toFixed(2)} / ${mean.toFixed(2)} ms |`);
}
