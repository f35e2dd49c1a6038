// Serves the demo shop (index.html, site/), the built widget (dist/widget) and knowledge base
// (dist/kb) on loopback, under a strict Content-Security-Policy, as a customer's site would.
// Also used as a command: `node tests/support/static-server.mjs --port 8080 --endpoint URL`.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png' };
const DEFAULT_ENDPOINT = 'http://127.0.0.1:8787';

function resolve(urlPath, extraDirs) {
  let p;
  try { p = decodeURIComponent(urlPath.split('?')[0]); } catch { return null; } // malformed %-escape: 404
  if (p.includes('\0')) return null;
  const map = [['/widget/', 'dist/widget/'], ['/kb/', 'dist/kb/'], ['/site/', 'site/'], ...extraDirs];
  if (p === '/' || p === '/index.html') return path.join(ROOT, 'index.html');
  for (const [prefix, dir] of map) {
    if (p.startsWith(prefix)) {
      const base = path.resolve(ROOT, dir);
      const file = path.resolve(base, '.' + p.slice(prefix.length - 1));
      return file.startsWith(base + path.sep) ? file : null;
    }
  }
  return null;
}

// The demo knowledge base links its answers to the shop's own help pages (`link`: /bezorging.html,
// /account/orders, …). The demo shop has no such pages, so they are made from the knowledge base
// itself: one page per link path, each linking article a section (its fragment as the id), with
// the widget on it like every shop page, so following a source link keeps the conversation.
const esc = (t) => String(t).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
function helpPages() {
  const pages = new Map();
  let kb;
  try { kb = JSON.parse(fs.readFileSync(path.join(ROOT, 'kb/demo-shop.json'), 'utf8')); } catch { return pages; }
  for (const a of kb.articles || []) {
    if (typeof a.link !== 'string' || !a.link.startsWith('/')) continue;
    const [where, frag = ''] = a.link.split('#');
    if (!pages.has(where)) pages.set(where, []);
    pages.get(where).push({ ...a, frag });
  }
  return pages;
}
function helpPage(where, articles) {
  const lang = articles[0].lang === 'en' ? 'en' : 'nl';
  const sections = articles.map((a) => `<section${a.frag ? ` id="${esc(a.frag)}"` : ''}><h2>${esc(a.question)}</h2><p>${esc(a.answer)}</p></section>`).join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <link rel="icon" href="data:,">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(articles[0].question)} — De Spaak</title>
  <link rel="stylesheet" href="/site/shop.css">
</head>
<body>
  <header class="shop-header"><a class="logo" href="/">De Spaak</a><nav aria-label="${lang === 'en' ? 'Main menu' : 'Hoofdmenu'}"><a href="/">${lang === 'en' ? 'Shop' : 'Winkel'}</a></nav></header>
  <main><p class="demo-note">${lang === 'en' ? 'Demo help page, made from the knowledge base' : 'Demo-hulppagina, gemaakt uit de kennisbank'} (${esc(where)})</p>
${sections}</main>
  <script src="/widget/tandem.js" async
          data-endpoint="${DEFAULT_ENDPOINT}"
          data-site="demo"
          data-kb="/kb/demo-shop.json"
          data-lang="${lang}"
          data-config='{"persona":{"name":"Sam","formal":false},"privacy_url":"/site/privacy.html"}'></script>
</body>
</html>
`;
}

/** Starts the server; resolves to {url, port, close()}. `pages` maps extra URL prefixes to dirs. */
export function startStaticServer({ port = 0, endpoint = DEFAULT_ENDPOINT, extraDirs = [], csp = true } = {}) {
  const policy = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    `connect-src 'self' ${endpoint}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
  const helpPagesByPath = helpPages();
  const server = http.createServer((req, res) => {
    const file = resolve(req.url, extraDirs);
    const help = !file && helpPagesByPath.get(req.url.split(/[?#]/)[0]);
    if (help) {
      const headers = { 'content-type': TYPES['.html'], 'cache-control': 'no-store' };
      if (csp) headers['content-security-policy'] = policy;
      res.writeHead(200, headers);
      res.end(helpPage(req.url.split(/[?#]/)[0], help).replaceAll(DEFAULT_ENDPOINT, endpoint));
      return;
    }
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const ext = path.extname(file);
    let body = fs.readFileSync(file);
    if (ext === '.html') body = Buffer.from(body.toString('utf8').replaceAll(DEFAULT_ENDPOINT, endpoint));
    const headers = { 'content-type': TYPES[ext] || 'application/octet-stream', 'cache-control': 'no-store' };
    if (ext === '.html' && csp) headers['content-security-policy'] = policy;
    res.writeHead(200, headers);
    res.end(body);
  });
  return new Promise((ok, fail) => {
    server.once('error', (e) => fail(e.code === 'EADDRINUSE' ? new Error(`port ${port} (demo page) is already in use on 127.0.0.1`) : e));
    server.listen(port, '127.0.0.1', () => {
      const p = server.address().port;
      ok({ url: `http://127.0.0.1:${p}`, port: p, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
  startStaticServer({ port: Number(arg('--port', 8080)), endpoint: arg('--endpoint', DEFAULT_ENDPOINT) })
    .then((s) => console.log(`demo page: ${s.url}/`))
    .catch((e) => { console.error(`error: ${e.message}`); process.exit(1); });
}
