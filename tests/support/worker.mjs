// Starts the Tandem edge worker under the real Workers runtime (workerd via `wrangler dev`)
// with a fresh D1 store, for tests and benchmarks.
//
//   const w = await startWorker({ vars: { RATE_CONVERSATION_PER_MIN: '5' } });
//   await fetch(`${w.url}/v1/health`);
//   await w.stop();
//
// The worker must be built first (`cd edge && worker-build --release`, or scripts/build.sh).
// Run with ~/.cache/tandem/env.sh sourced (wrangler on PATH, telemetry off); this module falls
// back to tests/node_modules/.bin/wrangler and sets the offline variables itself.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/**
 * Starts `wrangler dev` for edge/ on 127.0.0.1.
 * @param {object} [o]
 * @param {number} [o.port] listen port (a free one when omitted)
 * @param {Record<string,string|object>} [o.vars] var overrides (objects are JSON-encoded)
 * @param {string} [o.persistDir] D1 directory to reuse (a fresh temp dir when omitted)
 * @param {number} [o.timeoutMs] how long to wait for /v1/health (60 s)
 * @returns {Promise<{url: string, port: number, persistDir: string, logs: () => string, scheduled: () => Promise<void>, stop: () => Promise<void>}>}
 */
export async function startWorker({ port, vars = {}, persistDir, timeoutMs = 60_000 } = {}) {
  if (!existsSync(path.join(EDGE_DIR, 'build', 'index.js'))) {
    throw new Error(`${EDGE_DIR}/build/index.js is missing: build the worker first (cd edge && worker-build --release)`);
  }
  port ??= await freePort();
  const ownDir = !persistDir;
  const dir = persistDir ?? (await mkdtemp(path.join(tmpdir(), 'tandem-edge-')));
  const env = childEnv();
  await run(wrangler(), ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], { cwd: EDGE_DIR, env });

  const args = [
    'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', dir, '--local',
    '--test-scheduled', '--inspector-port', String(await freePort()), '--show-interactive-dev-session=false',
    '--log-level', 'info',
  ];
  for (const [k, v] of Object.entries(vars)) {
    args.push('--var', `${k}:${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
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
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`wrangler dev exited (${JSON.stringify(exited)}) before it was ready:\n${log.slice(-4000)}`);
    try {
      const r = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the worker did not answer /v1/health within ${timeoutMs} ms:\n${log.slice(-4000)}`);
    }
    await sleep(200);
  }
  return {
    url,
    port,
    persistDir: dir,
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
