// Starts the Tandem edge worker under the real Workers runtime (workerd) with a fresh D1 store,
// for tests and benchmarks.
//
//   const w = await startWorker({ vars: { RATE_CONVERSATION_PER_MIN: '5' } });
//   await fetch(`${w.url}/v1/health`);
//   await w.stop();
//
// Two ways to run the same bundle (edge/build/, the code that runs on Cloudflare):
// - 'miniflare' (default): Miniflare from npm drives workerd directly. The bindings, vars and
//   module rules come from edge/wrangler.toml through wrangler's own converter
//   (`unstable_getMiniflareWorkerOptions`), D1 persists to `<persistDir>/v3/d1` exactly where
//   `wrangler d1 … --persist-to <persistDir>` keeps it. Requests reach workerd's socket with
//   nothing in between.
// - 'wrangler' (`runtime: 'wrangler'` or TANDEM_WORKER_RUNTIME=wrangler): `wrangler dev`, the
//   developer's command (scripts/demo.sh). It puts a second workerd (its proxy worker) and a
//   Node process (request logging, reload) in front of the worker: under load those cost more
//   CPU than the worker itself (BENCHMARKS.md "Edge under load"), so tests and the load bench
//   use Miniflare.
//
// The worker must be built first (`./scripts/build.sh edge`). Run with ~/.cache/tandem/env.sh
// sourced (wrangler on PATH, telemetry off); this module falls back to
// tests/node_modules/.bin/wrangler and sets the offline variables itself.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EDGE_DIR = process.env.TANDEM_EDGE_DIR ?? path.join(ROOT, 'edge');

/** The demo agent token from edge/wrangler.toml (local development only). */
export const DEMO_AGENT_TOKEN = 'demo-agent-token';

/** A TCP port nobody listens on right now (127.0.0.1). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function wrangler() {
  const local = path.join(ROOT, 'tests', 'node_modules', '.bin', 'wrangler');
  return existsSync(local) ? local : 'wrangler';
}

function childEnv() {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    CI: '1',
  };
}

/** Runs a command to completion; rejects with its output on a non-zero exit. */
function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out.slice(-4000)}`)),
    );
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls /v1/health until it answers 200; `failed()` returns an error text when the runtime died. */
async function waitHealthy(url, timeoutMs, failed) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = failed();
    if (why) throw new Error(why);
    try {
      const r = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`the worker did not answer /v1/health within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/**
 * Starts the edge worker on 127.0.0.1 (see the top of this file for the two runtimes).
 * @param {object} [o]
 * @param {number} [o.port] listen port (a free one when omitted)
 * @param {Record<string,string|object>} [o.vars] var overrides (objects are JSON-encoded)
 * @param {string} [o.persistDir] D1 directory to reuse (a fresh temp dir when omitted)
 * @param {number} [o.timeoutMs] how long to wait for /v1/health (60 s)
 * @param {'miniflare'|'wrangler'} [o.runtime] default: TANDEM_WORKER_RUNTIME or 'miniflare'
 * @param {number} [o.inspectorPort] Miniflare only: workerd's V8 inspector on this port (profiling)
 * @returns {Promise<{url: string, port: number, pid: number, runtime: string, persistDir: string, logs: () => string, scheduled: () => Promise<void>, stop: () => Promise<void>}>}
 *   `pid` is the process whose tree runs the worker (workerd under Miniflare; wrangler otherwise).
 */
export async function startWorker({ port, vars = {}, persistDir, timeoutMs = 60_000, runtime, inspectorPort } = {}) {
  runtime ??= process.env.TANDEM_WORKER_RUNTIME || 'miniflare';
  if (runtime !== 'miniflare' && runtime !== 'wrangler') throw new Error(`unknown worker runtime '${runtime}' (miniflare or wrangler)`);
  if (!existsSync(path.join(EDGE_DIR, 'build', 'index.js'))) {
    throw new Error(`${EDGE_DIR}/build/index.js is missing: build the worker first (./scripts/build.sh edge)`);
  }
  port ??= await freePort();
  const ownDir = !persistDir;
  const dir = persistDir ?? (await mkdtemp(path.join(tmpdir(), 'tandem-edge-')));
  const env = childEnv();
  // The real migration route (wrangler's d1_migrations bookkeeping), into the same directory
  // layout both runtimes read.
  await run(wrangler(), ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], { cwd: EDGE_DIR, env });
  const varText = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const started = runtime === 'miniflare'
    ? await startMiniflare({ port, vars: varText, dir, timeoutMs, inspectorPort })
    : await startWranglerDev({ port, vars: varText, dir, timeoutMs, env });
  const stop = async () => {
    await started.stop();
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };
  return { url: started.url, port, pid: started.pid, runtime, persistDir: dir, logs: started.logs, scheduled: started.scheduled, stop };
}

async function startMiniflare({ port, vars, dir, timeoutMs, inspectorPort }) {
  const { Miniflare } = await import('miniflare');
  const { unstable_getMiniflareWorkerOptions } = await import('wrangler');
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(path.join(EDGE_DIR, 'wrangler.toml'));
  let log = '';
  const keep = (d) => {
    log += d;
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  const mf = new Miniflare({
    ...workerOptions,
    name: 'tandem-edge',
    modules: true,
    scriptPath: main,
    modulesRoot: path.dirname(main),
    bindings: { ...workerOptions.bindings, ...vars },
    host: '127.0.0.1',
    port,
    d1Persist: path.join(dir, 'v3', 'd1'),
    ...(inspectorPort ? { inspectorPort } : {}),
    // Per-request logging goes through a Node loopback server: off, the runtime answers alone.
    logRequests: false,
    handleRuntimeStdio(stdout, stderr) {
      stdout.on('data', keep);
      stderr.on('data', keep);
    },
  });
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await mf.dispose();
  };
  try {
    await mf.ready;
    await waitHealthy(url, timeoutMs, () => null);
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n${log.slice(-4000)}`);
  }
  return {
    url,
    pid: workerdPid(port),
    logs: () => log,
    /** Runs the cron handler once, to completion. */
    scheduled: async () => {
      const worker = await mf.getWorker();
      const r = await worker.scheduled({ cron: '* * * * *' });
      if (r.outcome !== 'ok') throw new Error(`scheduled handler: ${r.outcome}`);
    },
    stop,
  };
}

/** The workerd process listening on `port` (for CPU accounting); undefined if not found. */
function workerdPid(port) {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let inode;
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A') inode = cols[9];
      }
    } catch {}
  }
  if (!inode) return undefined;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return Number(pid);
      }
    } catch {}
  }
  return undefined;
}

async function startWranglerDev({ port, vars, dir, timeoutMs, env }) {
  const args = [
    'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', dir, '--local',
    '--test-scheduled', '--inspector-port', String(await freePort()), '--show-interactive-dev-session=false',
    '--log-level', 'info',
  ];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  const child = spawn(wrangler(), args, { cwd: EDGE_DIR, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d) => {
    log += d;
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, sig) => resolve((exited = { code, sig }))));

  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch {}
      const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} }, 5000);
      await exitPromise;
      clearTimeout(t);
      try { process.kill(-child.pid, 'SIGKILL'); } catch {} // stragglers (workerd) in the group
    }
  };
  try {
    await waitHealthy(url, timeoutMs, () => exited && `wrangler dev exited (${JSON.stringify(exited)}) before it was ready`);
  } catch (e) {
    await stop();
    throw new Error(`${e.message}:\n${log.slice(-4000)}`);
  }
  return {
    url,
    pid: child.pid,
    logs: () => log,
    /** Fires the cron handler once (wrangler dev --test-scheduled). */
    scheduled: async () => {
      const r = await fetch(`${url}/__scheduled?cron=*+*+*+*+*`);
      if (!r.ok) throw new Error(`/__scheduled answered ${r.status}`);
      await r.arrayBuffer();
    },
    stop,
  };
}
