//! Compressed answers (issue 24): the style sheets precompressed with their own ETags, pages compressed only
//! where BREACH cannot reach them, the streamed exports compressed as they stream, already compressed formats
//! left alone, and everything off when the configuration says so.

use std::io::Read;

use airegister::config::WebConfig;
use reqwest::header::HeaderMap;

use crate::helpers::TestApp;
use crate::publication::{as_demo, demo_app, demo_user};

const CSS: &str = "/static/vendor/utrecht-component-library-css-9.0.4/index.css";
const CSS_FILE: &[u8] = include_bytes!("../../static/vendor/utrecht-component-library-css-9.0.4/index.css");
const FONT: &str = "/static/vendor/fontsource-noto-sans-5.3.0/noto-sans-latin-400-normal.woff2";
const BROWSER: &str = "gzip, deflate, br, zstd";

/// The body as sent, decoded by its Content-Encoding.
fn decode(headers: &HeaderMap, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match headers.get("content-encoding").map(|v| v.to_str().unwrap()) {
        None => out.extend_from_slice(body),
        Some("br") => {
            brotli::Decompressor::new(body, 4096).read_to_end(&mut out).unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(body).read_to_end(&mut out).unwrap();
        }
        Some(other) => panic!("unexpected coding {other}"),
    }
    out
}

fn coding(headers: &HeaderMap) -> Option<&str> {
    headers.get("content-encoding").map(|v| v.to_str().unwrap())
}

/// GET with the given request headers; the status, headers and the raw body.
async fn fetch(c: &reqwest::Client, url: &str, headers: &[(&str, &str)]) -> (u16, HeaderMap, Vec<u8>) {
    let mut r = c.get(url);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let r = r.send().await.unwrap();
    let (status, h) = (r.status().as_u16(), r.headers().clone());
    (status, h, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn style_sheets_are_precompressed_each_coding_with_its_own_etag() {
    let app = TestApp::spawn().await;
    let c = reqwest::Client::new();
    let url = app.url(CSS);
    let (status, plain, body) = fetch(&c, &url, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(coding(&plain), None);
    assert_eq!(body, CSS_FILE);
    assert_eq!(plain["vary"], "accept-encoding", "a cache must keep the codings apart");
    let mut etags = vec![plain["etag"].to_str().unwrap().to_string()];
    for (accept, expected) in [(BROWSER, "br"), ("gzip", "gzip"), ("br;q=0, gzip;q=0.8", "gzip"), ("*", "br")] {
        let (status, h, body) = fetch(&c, &url, &[("accept-encoding", accept)]).await;
        assert_eq!(status, 200);
        assert_eq!(coding(&h), Some(expected), "{accept}");
        assert_eq!(h["vary"], "accept-encoding");
        assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
        assert!(h["content-type"].to_str().unwrap().starts_with("text/css"));
        assert!(body.len() * 10 < CSS_FILE.len(), "{accept}: {} bytes of {}", body.len(), CSS_FILE.len());
        assert_eq!(decode(&h, &body), CSS_FILE, "{accept}: the same file");
        etags.push(h["etag"].to_str().unwrap().to_string());
        // Revalidation names this coding's ETag; another coding's ETag does not match.
        let (status, h304, _) =
            fetch(&c, &url, &[("accept-encoding", accept), ("if-none-match", &etags[etags.len() - 1])]).await;
        assert_eq!(status, 304, "{accept}");
        assert_eq!(h304["etag"], h["etag"]);
        let (status, _, _) = fetch(&c, &url, &[("accept-encoding", accept), ("if-none-match", &etags[0])]).await;
        assert_eq!(status, 200, "{accept}: the plain file's ETag is not this representation's");
    }
    // A proxy's weak form of the ETag, and one in a list, revalidate too.
    let br_etag = &etags[1];
    for inm in [format!("W/{br_etag}"), format!("\"other\", {br_etag}"), "*".to_string()] {
        let (status, _, _) = fetch(&c, &url, &[("accept-encoding", BROWSER), ("if-none-match", &inm)]).await;
        assert_eq!(status, 304, "{inm}");
    }
    etags.sort();
    etags.dedup();
    assert_eq!(etags.len(), 3, "plain, br and gzip each have their own ETag: {etags:?}");
    // A font is compressed already: sent as it is, whatever the client accepts.
    let (status, h, _) = fetch(&c, &app.url(FONT), &[("accept-encoding", BROWSER)]).await;
    assert_eq!(status, 200);
    assert_eq!(coding(&h), None);
}

#[tokio::test]
async fn pages_of_a_session_are_compressed_only_when_they_come_from_our_own_pages() {
    let app = demo_app(WebConfig::default()).await;
    let c = as_demo(&app, "ciso").await;
    let url = app.url("/register?q=chat");
    let own = [("accept-encoding", BROWSER), ("sec-fetch-site", "same-origin")];
    let (status, h, body) = fetch(&c, &url, &own).await;
    assert_eq!(status, 200);
    assert_eq!(coding(&h), Some("gzip"), "pages are gzipped (brotli costs more than it saves)");
    assert!(h["vary"].to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"));
    assert!(h.get("content-length").is_none_or(|l| l.to_str().unwrap() == body.len().to_string()));
    let page = String::from_utf8(decode(&h, &body)).unwrap();
    assert!(page.contains("csrf_token") && page.contains("</html>"), "a whole page of the session: {page}");
    assert!(body.len() * 3 < page.len(), "{} bytes for a page of {}", body.len(), page.len());
    // Typed in the address bar: compressed too.
    let (_, h, _) = fetch(&c, &url, &[("accept-encoding", BROWSER), ("sec-fetch-site", "none")]).await;
    assert_eq!(coding(&h), Some("gzip"));
    // From another site, a sibling site, or a client that does not say: the session's page goes out as it is.
    for site in [Some("cross-site"), Some("same-site"), None] {
        let mut headers = vec![("accept-encoding", BROWSER)];
        if let Some(site) = site {
            headers.push(("sec-fetch-site", site));
        }
        let (status, h, body) = fetch(&c, &url, &headers).await;
        assert_eq!(status, 200, "{site:?}");
        assert_eq!(coding(&h), None, "{site:?}");
        assert!(String::from_utf8(body).unwrap().contains("csrf_token"), "{site:?}");
    }
    // Without a session nothing secret is on the page: the public register is compressed from anywhere.
    let anonymous = reqwest::Client::new();
    let (status, h, body) = fetch(&anonymous, &app.url("/openbaar/gm9999"), &[("accept-encoding", "gzip")]).await;
    assert_eq!(status, 200);
    assert_eq!(coding(&h), Some("gzip"));
    assert!(String::from_utf8(decode(&h, &body)).unwrap().contains("</html>"));
    // Static files hold no secret: compressed for a session too, also without Sec-Fetch-Site.
    let (_, h, body) = fetch(&c, &app.url(CSS), &[("accept-encoding", BROWSER)]).await;
    assert_eq!(coding(&h), Some("br"));
    assert_eq!(decode(&h, &body), CSS_FILE);
    // A client that refuses everything the server can do gets the answer plain, never a 406 after the fact.
    for accept in ["br, identity;q=0", "*;q=0", "identity;q=0"] {
        let (status, h, body) = fetch(&anonymous, &app.url("/openbaar/gm9999"), &[("accept-encoding", accept)]).await;
        assert_eq!(status, 200, "{accept}");
        assert_eq!(coding(&h), None, "{accept}");
        assert!(String::from_utf8(body).unwrap().contains("</html>"), "{accept}");
    }
    // A small answer is not worth it.
    let (_, h, _) = fetch(&anonymous, &app.url("/healthz"), &[("accept-encoding", BROWSER)]).await;
    assert_eq!(coding(&h), None);
}

#[tokio::test]
async fn exports_are_compressed_as_they_stream_and_the_workbook_is_left_alone() {
    let app = demo_app(WebConfig::default()).await;
    let (_, user, org) = demo_user(&app, "beheerder").await;
    let token = crate::rest::token(&app, user, org, false).await;
    let c = reqwest::Client::new();
    let get = |format: &str, accept: Option<&str>| {
        let mut r = c.get(app.url(&format!("/api/v1/export?format={format}"))).bearer_auth(&token);
        if let Some(a) = accept {
            r = r.header("accept-encoding", a);
        }
        r.send()
    };
    for format in ["json", "csv"] {
        let plain = get(format, None).await.unwrap();
        assert_eq!(plain.status(), 200);
        assert!(plain.headers().get("content-encoding").is_none());
        let plain = plain.bytes().await.unwrap().to_vec();
        for accept in [BROWSER, "gzip"] {
            let r = get(format, Some(accept)).await.unwrap();
            assert_eq!(r.status(), 200);
            let h = r.headers().clone();
            assert_eq!(coding(&h), Some("gzip"), "{format} {accept}");
            let body = r.bytes().await.unwrap();
            assert!(body.len() < plain.len() / 2, "{format} {accept}: {} of {}", body.len(), plain.len());
            assert!(decode(&h, &body) == plain, "{format} {accept}: the same export");
        }
        // brotli alone is not offered for answers made per request: sent as they are.
        let r = get(format, Some("br")).await.unwrap();
        assert_eq!(coding(r.headers()), None, "{format}");
        assert!(r.bytes().await.unwrap() == plain, "{format}");
    }
    let r = get("xlsx", Some(BROWSER)).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(coding(r.headers()), None, "a workbook is a ZIP already");
}

#[tokio::test]
async fn compression_switched_off_sends_everything_as_it_is() {
    let app = demo_app(WebConfig { compression: false, ..Default::default() }).await;
    let c = as_demo(&app, "ciso").await;
    let own = [("accept-encoding", BROWSER), ("sec-fetch-site", "same-origin")];
    for path in ["/register", CSS, "/openbaar/gm9999"] {
        let (status, h, _) = fetch(&c, &app.url(path), &own).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(coding(&h), None, "{path}");
    }
}
