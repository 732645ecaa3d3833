//! Compressed answers (issue 24): pages, API answers and exports go out gzipped when the client accepts it
//! (a register page of 24 kB becomes 5 kB); the style sheets and scripts are compressed once, as brotli and
//! gzip at best quality, in `assets`.
//!
//! BREACH: a compressed page that holds a secret (the session's CSRF token) and reflects what an attacker can
//! put in a URL (a search) leaks the secret through its length to someone who can watch the traffic and make
//! the victim's browser send many requests. Those requests come from another site; so a request carrying a
//! session cookie is answered compressed only when the browser says it came from our own pages or the user
//! (`Sec-Fetch-Site: same-origin` or `none`). Without that header (old browsers, other clients) it is not
//! compressed. Requests without a session (the public register, the API with a token) hold no such secret.

use axum::extract::{Request, State};
use axum::http::{Extensions, HeaderMap, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};

use crate::web::state::AppState;

/// Below this an answer fits in one or two packets anyway and compressing it only costs time.
const MIN_SIZE: u64 = 1024;

/// Text formats, which compress; images, fonts, PDFs and office files (ZIP) are compressed already.
pub fn compressible_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    (essence.starts_with("text/") && essence != "text/event-stream")
        || matches!(
            essence,
            "application/json"
                | "application/problem+json"
                | "application/scim+json"
                | "application/ld+json"
                | "application/xml"
                | "application/javascript"
                | "image/svg+xml"
        )
}

fn compressible(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(compressible_type)
}

/// The compression of answers: gzip at level 2, text formats of 1 kB or more, streamed answers (exports) as
/// they stream. The demo's register page (24 kB) as gzip 2 is 5.0 kB in 0.07 ms; brotli at the crate's
/// default quality (4) makes 4.6 kB in 0.30 ms, gzip 6 the same in 0.18 ms (one core of the 2-core VM). On a
/// 2-core server brotli 4 cost a sixth to a third of the pages' throughput in the load benchmark; the few
/// hundred bytes it saves do not pay for that.
pub fn layer() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .no_br()
        .quality(CompressionLevel::Precise(2))
        .compress_when(SizeAbove::new(MIN_SIZE).and(compressible as fn(_, _, &_, &_) -> bool))
}

/// Runs before [`layer`]: takes `Accept-Encoding` away where an answer must not be compressed (switched off,
/// or the BREACH rule above; static files hold no secret), so neither the layer nor the static files compress
/// it. Also when it does not accept gzip: the layer would answer a client that refuses `identity` without
/// offering gzip with a 406 after the handler had run (a form already saved), where a plain answer does; such
/// a client (no browser is one) then gets the static files plain too.
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let static_file = req.uri().path().starts_with("/static/");
    let session = super::cookies::cookie_value(&req, state.config.cookie_name()).is_some();
    let breach = session && !static_file && !from_own_pages(req.headers());
    if !state.config.compression || breach || quality(req.headers(), "gzip") == 0.0 {
        req.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    next.run(req).await
}

/// The browser says the request came from our own pages, or from the user (address bar, bookmark).
fn from_own_pages(headers: &HeaderMap) -> bool {
    matches!(headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()), Some("same-origin" | "none"))
}

/// How much the client accepts a content coding (0 to 1), from `Accept-Encoding`: its own entry, else `*`,
/// else 0. A missing or unreadable `q` counts as 1 and 0 respectively (RFC 9110 12.5.3).
fn quality(headers: &HeaderMap, coding: &str) -> f32 {
    let mut any = None;
    for item in
        headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','))
    {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let q = parts
            .map(str::trim)
            .find(|p| p.len() > 2 && p[..2].eq_ignore_ascii_case("q="))
            .map_or(1.0, |p| p[2..].trim().parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q)).unwrap_or(0.0));
        if name.eq_ignore_ascii_case(coding) || (coding == "gzip" && name.eq_ignore_ascii_case("x-gzip")) {
            return q;
        }
        if name == "*" {
            any = Some(q);
        }
    }
    any.unwrap_or(0.0)
}

/// The content coding to use for a precompressed file: the one the client accepts most, brotli on a tie.
pub fn preferred(headers: &HeaderMap) -> Option<Coding> {
    let (br, gzip) = (quality(headers, "br"), quality(headers, "gzip"));
    if br > 0.0 && br >= gzip {
        Some(Coding::Brotli)
    } else if gzip > 0.0 {
        Some(Coding::Gzip)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
}

impl Coding {
    pub fn token(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn accept(v: &str) -> Option<Coding> {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        preferred(&h)
    }

    #[test]
    fn the_coding_follows_accept_encoding() {
        assert_eq!(preferred(&HeaderMap::new()), None);
        assert_eq!(accept("gzip, deflate, br, zstd"), Some(Coding::Brotli));
        assert_eq!(accept("gzip"), Some(Coding::Gzip));
        assert_eq!(accept("br;q=0, gzip;q=0.5"), Some(Coding::Gzip));
        assert_eq!(accept("identity"), None);
        assert_eq!(accept("*"), Some(Coding::Brotli));
        assert_eq!(accept("*;q=0"), None);
        assert_eq!(accept("BR"), Some(Coding::Brotli));
        assert_eq!(accept("deflate"), None);
        assert_eq!(accept("br;q=0.1, gzip"), Some(Coding::Gzip), "the client's preference counts");
        assert_eq!(accept("gzip;Q=0, br;q=0"), None, "q is case-insensitive");
        assert_eq!(accept("gzip;q=2, br;q=abc"), None, "an impossible q accepts nothing");
        assert_eq!(accept("*;q=0.5, br;q=0"), Some(Coding::Gzip));
    }

    #[test]
    fn only_text_formats_are_compressed() {
        for t in [
            "text/html; charset=utf-8",
            "text/css",
            "text/csv; charset=utf-8",
            "application/json",
            "application/problem+json",
            "image/svg+xml",
        ] {
            assert!(compressible_type(t), "{t}");
        }
        for t in [
            "font/woff2",
            "image/png",
            "application/pdf",
            "application/zip",
            "text/event-stream",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "",
        ] {
            assert!(!compressible_type(t), "{t}");
        }
    }

    #[test]
    fn a_session_request_is_compressed_only_from_our_own_pages() {
        let site = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert("sec-fetch-site", HeaderValue::from_str(v).unwrap());
            from_own_pages(&h)
        };
        assert!(site("same-origin"));
        assert!(site("none"));
        assert!(!site("same-site"));
        assert!(!site("cross-site"));
        assert!(!from_own_pages(&HeaderMap::new()));
    }
}
