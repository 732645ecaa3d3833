//! Static files, compiled into the binary so one executable is the whole application. Served from our own
//! origin (no CDN) with a validator and a cache lifetime.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

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
        path: "lookup.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/lookup.js"),
    },
];

/// Strong ETags, computed once.
static ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS.iter().map(|a| format!("\"{}\"", &crate::util::hex(&Sha256::digest(a.body))[..20])).collect()
});

pub async fn serve_asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(index) = ASSETS.iter().position(|a| a.path == path) else {
        return crate::error::AppError::NotFound.into_response();
    };
    let asset = &ASSETS[index];
    let etag = &ETAGS[index];
    // A vendored file's path names its version, so it never changes under that name: a year, immutable.
    // Our own files keep their names across releases: a day, then revalidated with the ETag.
    let cache = if asset.path.starts_with("vendor/") {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("public, max-age=86400")
    };
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag.clone())], [(header::CACHE_CONTROL, cache)])
            .into_response();
    }
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)), (header::CACHE_CONTROL, cache)],
        [(header::ETAG, etag.clone())],
        asset.body,
    )
        .into_response()
}
