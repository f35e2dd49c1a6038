// Messages per second in one Node process, same corpus for every engine:
// Tandem compiled to wasm (wasm-bindgen --target nodejs) vs npm `sentiment` and `wink-sentiment`.
// usage: node bench/speed.mjs CORPUS.txt PKG_DIR   → one JSON object on stdout
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(new URL('../tests/package.json', import.meta.url));
const Sentiment = require('sentiment');
const wink = require('wink-sentiment');

const [, , corpusPath, pkgDir] = process.argv;
if (!corpusPath || !pkgDir) {
  console.error('usage: node bench/speed.mjs CORPUS.txt PKG_DIR');
  process.exit(2);
}
const tandem = require(path.resolve(pkgDir, 'tandem_engine_wasm.js'));
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

const sentiment = new Sentiment();
const results = {
  corpus_messages: msgs.length,
  node: process.version,
  tandem_wasm_analyze: measure((m) => tandem.analyze(m).valence),
  tandem_wasm_valence: measure((m) => tandem.valence(m)),
  sentiment: measure((m) => sentiment.analyze(m).score),
  wink_sentiment: measure((m) => wink(m).score),
};
console.log(JSON.stringify(results));
