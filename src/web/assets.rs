//! Static files, compiled into the binary so one executable is the whole application. Served from our own
//! origin (no CDN) with a validator and a cache lifetime.

use std::io::Write;
use std::sync::{LazyLock, OnceLock};

use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use super::compression::{self, Coding};

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

/// A vendored woff2 font (static/vendor/fontsource-*; @font-face rules in app.css).
macro_rules! font {
    ($dir:literal, $file:literal) => {
        Asset {
            path: concat!("vendor/", $dir, "/", $file),
            content_type: "font/woff2",
            body: include_bytes!(concat!("../../static/vendor/", $dir, "/", $file)),
        }
    };
}

const ASSETS: &[Asset] = &[
    Asset {
        path: "vendor/utrecht-component-library-css-9.0.4/index.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/vendor/utrecht-component-library-css-9.0.4/index.css"),
    },
    Asset {
        path: "vendor/voorbeeld-design-tokens-7.4.1/theme.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/vendor/voorbeeld-design-tokens-7.4.1/theme.css"),
    },
    Asset {
        path: "vendor/gemeente-denhaag-design-tokens-components-4.1.0/theme.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/vendor/gemeente-denhaag-design-tokens-components-4.1.0/theme.css"),
    },
    Asset {
        path: "vendor/rijkshuisstijl-community-design-tokens-11.1.0/theme.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/vendor/rijkshuisstijl-community-design-tokens-11.1.0/theme.css"),
    },
    Asset {
        path: "theme-overrides.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/theme-overrides.css"),
    },
    font!("fontsource-noto-sans-5.3.0", "noto-sans-latin-400-normal.woff2"),
    font!("fontsource-noto-sans-5.3.0", "noto-sans-latin-ext-400-normal.woff2"),
    font!("fontsource-noto-sans-5.3.0", "noto-sans-latin-700-normal.woff2"),
    font!("fontsource-noto-sans-5.3.0", "noto-sans-latin-ext-700-normal.woff2"),
    font!("fontsource-noto-serif-5.3.0", "noto-serif-latin-700-normal.woff2"),
    font!("fontsource-noto-serif-5.3.0", "noto-serif-latin-ext-700-normal.woff2"),
    font!("fontsource-noto-sans-mono-5.3.0", "noto-sans-mono-latin-400-normal.woff2"),
    font!("fontsource-noto-sans-mono-5.3.0", "noto-sans-mono-latin-ext-400-normal.woff2"),
    Asset { path: "app.css", content_type: "text/css; charset=utf-8", body: include_bytes!("../../static/app.css") },
    Asset { path: "favicon.svg", content_type: "image/svg+xml", body: include_bytes!("../../static/favicon.svg") },
    Asset {
        path: "copy.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/copy.js"),
    },
    Asset {
        path: "people.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/people.js"),
    },
    Asset {
        path: "pick.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/pick.js"),
    },
    Asset {
        path: "errors.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/errors.js"),
    },
    Asset {
        path: "nav.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/nav.js"),
    },
    Asset {
        path: "lookup.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/lookup.js"),
    },
];

/// Strong ETags, computed once.
static ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS.iter().map(|a| format!("\"{}\"", &crate::util::hex(&Sha256::digest(a.body))[..20])).collect()
});

/// A text file compressed once at the best quality (brotli 11, gzip 9): the largest style sheet is 407 kB,
/// as brotli 24 kB. Each coding is its own representation with its own ETag.
struct Encoded {
    br: Vec<u8>,
    gzip: Vec<u8>,
}

static ENCODED: [OnceLock<Encoded>; ASSETS.len()] = [const { OnceLock::new() }; ASSETS.len()];

fn precompressed(asset: &Asset) -> bool {
    asset.body.len() >= 1024 && compression::compressible_type(asset.content_type)
}

fn encode(body: &[u8]) -> Encoded {
    // A window of 256 kB (lgwin 18) instead of brotli's 4 MB: the largest file gets 0.3 % bigger, and
    // the server's peak at start is 75 MiB instead of 157-182 MiB (40 MiB without compressing; mimalloc).
    let mut br = brotli::CompressorWriter::new(Vec::new(), 64 * 1024, 11, 18);
    br.write_all(body).expect("writing to memory");
    let mut gzip = GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(body).expect("writing to memory");
    Encoded { br: br.into_inner(), gzip: gzip.finish().expect("writing to memory") }
}

/// Compresses every text file in the background, so the first visitors after a start need not wait for it
/// (about 1.5 s of one core for all of them; a request for a file not done yet waits for that one).
pub fn warm_up() {
    std::thread::spawn(|| {
        for (i, asset) in ASSETS.iter().enumerate().filter(|(_, a)| precompressed(a)) {
            ENCODED[i].get_or_init(|| encode(asset.body));
        }
    });
}

/// The compressed forms of a file: from the warm-up, or compressed now off the async threads (a request that
/// comes before the warm-up reached the file waits for it). `None` only when compressing panicked.
async fn encoded(index: usize) -> Option<&'static Encoded> {
    if let Some(e) = ENCODED[index].get() {
        return Some(e);
    }
    tokio::task::spawn_blocking(move || ENCODED[index].get_or_init(|| encode(ASSETS[index].body))).await.ok()
}

pub async fn serve_asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(index) = ASSETS.iter().position(|a| a.path == path) else {
        return crate::error::AppError::NotFound.into_response();
    };
    let asset = &ASSETS[index];
    // A vendored file's path names its version, so it never changes under that name: a year, immutable.
    // Our own files keep their names across releases: a day, then revalidated with the ETag.
    let cache = if asset.path.starts_with("vendor/") {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("public, max-age=86400")
    };
    let coding = if precompressed(asset) { compression::preferred(&headers) } else { None };
    // Each coding is its own representation: its own ETag, known before anything is compressed.
    let etag = match coding {
        None => ETAGS[index].clone(),
        Some(coding) => format!("{}-{}\"", &ETAGS[index][..ETAGS[index].len() - 1], coding.token()),
    };
    let mut response = if not_modified(&headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = match coding {
            None => Body::from(asset.body),
            Some(coding) => {
                let Some(encoded) = encoded(index).await else {
                    return crate::error::AppError::Internal(anyhow::anyhow!("compressing a static file failed"))
                        .into_response();
                };
                Body::from(if coding == Coding::Brotli { &encoded.br[..] } else { &encoded.gzip[..] })
            }
        };
        let mut r = body.into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
        if let Some(coding) = coding {
            r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding.token()));
        }
        r
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, cache);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if precompressed(asset) {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// `If-None-Match` names this ETag (a list, `*`, and weak forms `W/"…"` as proxies make them: RFC 9110 13.1.2).
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}
