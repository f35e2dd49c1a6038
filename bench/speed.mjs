// Messages per second in one Node process, same corpus for every engine:
// Tandem compiled to wasm (wasm-bindgen --target nodejs) vs npm `sentiment` and `wink-sentiment`.
// usage: node bench/speed.mjs CORPUS.txt PKG_DIR [FAST_PKG_DIR]   → one JSON object on stdout
// PKG_DIR: the engine built with the shipped size-first profile (opt-level "z");
// FAST_PKG_DIR: the same engine built for speed (opt-level 3), measured too when given.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(new URL('../tests/package.json', import.meta.url));
const Sentiment = require('sentiment');
const wink = require('wink-sentiment');

const [, , corpusPath, pkgDir, fastPkgDir] = process.argv;
if (!corpusPath || !pkgDir) {
  console.error('usage: node bench/speed.mjs CORPUS.txt PKG_DIR');
  process.exit(2);
}
const load = (dir) => require(path.resolve(dir, 'tandem_engine_wasm.js'));
const msgs = readFileSync(corpusPath, 'utf8').split('\n').filter((l) => l.trim() !== '');
const SECONDS = Number(process.env.BENCH_SECONDS || 3);

// Warm up (JIT, wasm tier-up) for ~0.5 s, then time whole passes over the corpus for
// SECONDS. The machine is shared, so both the fastest pass (closest to the engine's own
// speed) and the median pass are reported; the checksum keeps the work observable.
function measure(fn) {
  let sink = 0;
  const pass = () => { for (const m of msgs) sink += fn(m); };
  const warmEnd = performance.now() + 500;
  while (performance.now() < warmEnd) pass();
  const times = [];
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    const a = performance.now();
    pass();
    times.push((performance.now() - a) / 1000);
  }
  times.sort((x, y) => x - y);
  const median = times[Math.floor(times.length / 2)];
  return { passes: times.length, best_per_second: msgs.length / times[0], median_per_second: msgs.length / median, checksum: sink };
}

// Each Tandem entry point takes a JS string and returns to JS (bench/engine-wasm/src/lib.rs):
// `valence` the score only (like the peers' `.score`), `analyze_json` the full analysis as a
// JSON string, `analyze` the full analysis as a JS object; `utf8_len` only passes the string in.
function tandemRuns(t, prefix) {
  return {
    [`${prefix}_valence`]: measure((m) => t.valence(m)),
    [`${prefix}_analyze_json`]: measure((m) => t.analyze_json(m).length),
    [`${prefix}_analyze`]: measure((m) => t.analyze(m).valence),
    [`${prefix}_pass_string`]: measure((m) => t.utf8_len(m)),
  };
}

const sentiment = new Sentiment();
const results = {
  corpus_messages: msgs.length,
  node: process.version,
  ...tandemRuns(load(pkgDir), 'tandem_wasm'),
  ...(fastPkgDir ? tandemRuns(load(fastPkgDir), 'tandem_wasm_fast') : {}),
  sentiment: measure((m) => sentiment.analyze(m).score),
  wink_sentiment: measure((m) => wink(m).score),
};
console.log(JSON.stringify(results));
