//! CORS with a per-site allow-list of origins (SITES[*].origins). An allowed origin is echoed
//! exactly (never `*`) with credentials allowed; any other origin gets no allow-origin header.
use worker::Response;

use crate::config::Config;

pub const ALLOW_METHODS: &str = "GET, POST, DELETE, OPTIONS";
pub const ALLOW_HEADERS: &str = "authorization, content-type";

/// Answer to an `OPTIONS` preflight.
pub fn preflight(cfg: Option<&Config>, origin: Option<&str>) -> Response {
    let resp = Response::empty().map(|r| r.with_status(204)).unwrap_or_else(|_| Response::empty().expect("empty"));
    apply(resp, cfg, origin, true)
}

/// Adds the CORS headers to any response.
pub fn apply(mut resp: Response, cfg: Option<&Config>, origin: Option<&str>, preflight: bool) -> Response {
    let h = resp.headers_mut();
    let _ = h.delete("access-control-allow-origin");
    let _ = h.append("vary", "Origin");
    if let (Some(cfg), Some(origin)) = (cfg, origin) {
        if cfg.origin_allowed(origin) {
            let _ = h.set("access-control-allow-origin", origin);
            let _ = h.set("access-control-allow-credentials", "true");
            if preflight {
                let _ = h.set("access-control-allow-methods", ALLOW_METHODS);
                let _ = h.set("access-control-allow-headers", ALLOW_HEADERS);
                let _ = h.set("access-control-max-age", "600");
            } else {
                let _ = h.set("access-control-expose-headers", "retry-after");
            }
        }
    }
    resp
}
