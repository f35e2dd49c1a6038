// Prints what a visitor's browser downloads for Tandem (loader; loader + glue + wasm + demo
// knowledge base) and the edge bundle, raw / gzip -9 / brotli, next to the scripts that other
// chat widgets ship (installed from npm by scripts/size.sh), with ratios.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [root, peersDir] = process.argv.slice(2);
const size = (buf) => ({
  raw: buf.length,
  gzip: zlib.gzipSync(buf, { level: 9 }).length,
  brotli: zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
const read = (...files) => Buffer.concat(files.map((f) => fs.readFileSync(path.join(root, f))));
const sum = (parts) => parts.reduce((a, p) => ({ raw: a.raw + p.raw, gzip: a.gzip + p.gzip, brotli: a.brotli + p.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + ' KB';
const rows = [];
const row = (name, s) => { rows.push([name, s]); return s; };

const loader = row('Tandem loader (tandem.js)', size(read('dist/widget/tandem.js')));
const glue = size(read('dist/widget/tandem_widget.js'));
const wasm = row('Tandem wasm (engine, lexicons, UI)', size(read('dist/widget/tandem_widget_bg.wasm')));
const kbs = row('Tandem demo knowledge base (58 articles)', size(read('dist/kb/demo-shop.json')));
row('Tandem glue JS (wasm-bindgen)', glue);
// Each file is compressed on its own, as a browser fetches them.
const total = row('Tandem total: loader + glue + wasm + KB', sum([loader, glue, wasm, kbs]));
let edge = null;
for (const f of ['edge/build/index_bg.wasm', 'edge/build/worker/index_bg.wasm']) {
  if (fs.existsSync(path.join(root, f))) { edge = row(`edge worker wasm (${f})`, size(read(f))); break; }
}
for (const f of ['edge/build/index.js', 'edge/build/worker/shim.mjs']) {
  if (fs.existsSync(path.join(root, f))) row(`edge worker JS (${f})`, size(read(f)));
}

// Peers: the file each package's "main"/"browser"/"module" field names (what a bundler or a
// script tag ships), measured the same way.
const peers = [];
if (peersDir && fs.existsSync(peersDir)) {
  const pkgs = JSON.parse(fs.readFileSync(path.join(peersDir, 'package.json'), 'utf8')).dependencies;
  for (const name of Object.keys(pkgs)) {
    const dir = path.join(peersDir, 'node_modules', name);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const entry = [meta.unpkg, meta.jsdelivr, meta.browser, meta.module, meta.main].find((e) => typeof e === 'string' && fs.existsSync(path.join(dir, e)));
    if (!entry) continue;
    peers.push([`${name}@${meta.version} (${entry})`, size(fs.readFileSync(path.join(dir, entry)))]);
  }
}

console.log('\n| what | raw | gzip -9 | brotli |\n|---|---:|---:|---:|');
for (const [n, s] of [...rows, ...peers]) console.log(`| ${n} | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`);
console.log('\nRatios (gzip):');
for (const [n, s] of peers) {
  console.log(`  ${n}: Tandem loader is ${(loader.gzip / s.gzip).toFixed(2)}x its size; Tandem total is ${(total.gzip / s.gzip).toFixed(2)}x`);
}
console.log(`\nBudgets: loader ${kb(loader.gzip)} gzip (target <= 5 KB): ${loader.gzip <= 5 * 1024 ? 'OK' : 'OVER'}; ` +
  `total ${kb(total.gzip)} gzip (target <= 150 KB): ${total.gzip <= 150 * 1024 ? 'OK' : 'OVER'}` +
  (edge ? `; edge wasm ${kb(edge.gzip)} gzip (target <= 400 KB): ${edge.gzip <= 400 * 1024 ? 'OK' : 'OVER'}` : ''));
