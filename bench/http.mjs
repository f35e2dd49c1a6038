// The load benches' HTTP client (edge-load.mjs, inbox-latency.mjs).

/**
 * `call(method, path, body, token)` against `url` as a page on `origin` would send it:
 * {status, body}; a connection-level failure is status 0 (an error to count, never thrown), and
 * the first one is logged with its cause.
 */
export function client(url, origin) {
  let logged = false;
  return async function call(method, path, body, token) {
    try {
      const res = await fetch(url + path, {
        method,
        headers: { 'content-type': 'application/json', origin, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    } catch (e) {
      if (!logged) { logged = true; console.error(`first failed request: ${e.cause?.code ?? e.message}`); }
      return { status: 0, body: null };
    }
  };
}
