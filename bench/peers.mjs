// Scores texts with the npm peers for bench/quality.py.
// usage: node bench/peers.mjs IN.json OUT.json   (IN: array of strings)
// OUT: {sentiment: [[score, comparative], …], wink: [[score, normalizedScore], …], nonNumeric}
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The peers are pinned in tests/package.json and installed by scripts/setup.sh.
const require = createRequire(new URL('../tests/package.json', import.meta.url));
const Sentiment = require('sentiment');
const wink = require('wink-sentiment');

const [, , inPath, outPath] = process.argv;
if (!inPath || !outPath) {
  console.error('usage: node bench/peers.mjs IN.json OUT.json');
  process.exit(2);
}
const texts = JSON.parse(readFileSync(inPath, 'utf8'));
const sentiment = new Sentiment();
// wink-sentiment looks words up in a plain object, so a text containing "constructor"
// gets a string score ("0function Object() …"); such scores are counted and read as 0.
const num = (x) => {
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  out.nonNumeric += 1;
  return 0;
};
const out = { sentiment: [], wink: [], nonNumeric: 0 };
for (const t of texts) {
  const s = sentiment.analyze(t);
  out.sentiment.push([num(s.score), num(s.comparative)]);
  const w = wink(t);
  out.wink.push([num(w.score), num(w.normalizedScore)]);
}
writeFileSync(outPath, JSON.stringify(out));
