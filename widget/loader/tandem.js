// Tandem loader: the only script a site embeds. It draws the chat bubble at once inside a
// shadow root and loads the wasm widget only when needed (first open, or when the browser is
// idle), so the host page's load is not slowed. It defines no globals and adds no CSS,
// listeners or storage to the host document.
(() => {
  // User Timing marks let the site (and our benchmark) see what the widget costs.
  const mark = (n) => { try { performance.mark('tandem:' + n); } catch (e) { /* old browsers */ } };
  mark('loader-start');
  const script = document.currentScript;
  if (!script) return;
  const base = new URL('.', script.src).href;
  const d = script.dataset;
  const say = (m) => console.error('[tandem] ' + m);
  let extra = {};
  const from = d.config != null ? 'data-config' : 'data-config-id';
  try {
    let parsed = null;
    if (d.config != null) parsed = JSON.parse(d.config);
    else if (d.configId) {
      const el = document.getElementById(d.configId);
      if (!el) throw new Error('no element with id "' + d.configId + '"');
      parsed = JSON.parse(el.textContent);
    }
    // Only an object can hold settings: null, a list or a string is named, then ignored.
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) extra = parsed;
    else if (d.config != null || d.configId) say(from + ' must be a JSON object ({…}), not ' + (Array.isArray(parsed) ? 'a list' : parsed === null ? 'null' : 'a ' + typeof parsed) + '; using defaults');
  } catch (e) {
    say(from + ' is not valid JSON: ' + e.message + '; using defaults');
  }
  const wantLang = d.lang || extra.lang;
  if (wantLang && !/^(nl|en)([-_]|$)/i.test(wantLang)) {
    console.warn('[tandem] ' + (d.lang ? 'data-lang' : 'lang') + ' "' + wantLang + '" is not supported (use "nl" or "en"); showing the chat in English');
  }
  const config = Object.assign({}, extra, {
    endpoint: d.endpoint || extra.endpoint,
    site: d.site || extra.site,
    kb: d.kb || extra.kb,
    lang: wantLang && /^(nl|en)([-_]|$)/i.test(wantLang) ? wantLang : wantLang ? 'en' : (document.documentElement.lang || navigator.language || 'en').slice(0, 2),
  });
  const start = () => {
    const host = document.createElement('div');
    host.setAttribute('data-tandem', '');
    // Inline style on our own element only: keeps the widget above the page without a global rule.
    host.style.cssText = 'all:initial;position:fixed;z-index:2147483000;right:0;bottom:0;width:0;height:0';
    const root = host.attachShadow({ mode: 'open' });
    const wanted = extra.colors && extra.colors.accent;
    // Only plain colour syntax goes into our CSS; the wasm side validates the full config.
    const accent = typeof wanted === 'string' && /^(#[0-9a-f]{3,8}|[a-z]{1,20})$/i.test(wanted) &&
      (!window.CSS || CSS.supports('color', wanted)) ? wanted : '#1f5fbf';
    const css = ':host{all:initial}.bubble{position:fixed;right:20px;bottom:20px;width:56px;height:56px;' +
      'border-radius:50%;border:0;display:flex;align-items:center;justify-content:center;cursor:pointer;' +
      'background:var(--tandem-accent,' + accent + ');color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);' +
      'padding:0;margin:0;visibility:visible;opacity:1}' +
      '.bubble:focus-visible{outline:3px solid #000;outline-offset:3px}.bubble svg{width:28px;height:28px}';
    // A constructed stylesheet works under a strict CSP (no inline <style> needed).
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      const style = document.createElement('style');
      style.textContent = css;
      root.appendChild(style);
    }
    const bubble = document.createElement('button');
    bubble.className = 'bubble';
    bubble.type = 'button';
    bubble.setAttribute('data-testid', 'bubble');
    bubble.setAttribute('aria-haspopup', 'dialog');
    bubble.setAttribute('aria-expanded', 'false');
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z');
    svg.appendChild(path);
    bubble.appendChild(svg);
    root.appendChild(bubble);
    bubble.setAttribute('aria-label', config.lang === 'nl' ? 'Open de chat' : 'Open chat');
    document.body.appendChild(host);
    mark('bubble');
    let loading = null;
    const load = (open) => {
      if (!loading) {
        loading = import(base + 'tandem_widget.js')
          .then((m) => m.default({ module_or_path: base + 'tandem_widget_bg.wasm' }).then(() => m))
          .catch((e) => {
            loading = null;
            bubble.title = 'Chat could not load: ' + e.message;
            throw e;
          });
      }
      return loading.then((m) => { if (!host.__tandem) host.__tandem = m.mount(root, bubble, config); if (open) host.__tandem.open(); });
    };
    bubble.addEventListener('click', () => { if (!host.__tandem) load(true).catch(() => {}); });
    // Returning visitors with a conversation under way see it continue; others load when idle.
    const idle = window.requestIdleCallback || ((f) => setTimeout(f, 1500));
    idle(() => load(false).catch(() => {}));
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
})();
