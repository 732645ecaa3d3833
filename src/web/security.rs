//! Security headers on every response, the origin half of CSRF protection, and refusal of a NUL character
//! in an address.
//!
//! CSRF is defended twice: here, every state-changing request from a browser must come from our own
//! origin (Fetch Metadata, with `Origin` as fallback, as OWASP's CSRF cheat sheet describes); and for
//! logged-in users every form carries the session's secret token, checked in `auth::session`.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::state::AppState;
use crate::error::AppError;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-src 'none'; frame-ancestors 'none'";

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let scim = req.uri().path().starts_with("/scim/");
    let resp = next.run(req).await;
    let mut resp = if scim { scim_rejections(resp) } else { dutch_rejections(resp, api).await };
    let h = resp.headers_mut();
    // A response with its own, stricter policy keeps it (an organisation's logo: sandboxed, nothing loads).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if state.config.https() {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    // Pages may show personal or confidential data: never cache them. Static assets set their own policy.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// The framework answers a malformed path (`/register/abc`) or a wrong method in English plain text; people
/// get the Dutch pages instead: a malformed id is a page that does not exist.
/// The API answers them as problem+json instead.
async fn dutch_rejections(resp: Response, api: bool) -> Response {
    let status = resp.status();
    let ours = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        // application/json: an answer a protocol prescribes (back-channel logout's OAuth error).
        v.starts_with("text/html") || v.starts_with("application/problem+json") || v.starts_with("application/json")
    });
    let framework = matches!(
        status,
        StatusCode::BAD_REQUEST
            | StatusCode::METHOD_NOT_ALLOWED
            | StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    if ours || !framework || (!api && status != StatusCode::BAD_REQUEST && status != StatusCode::METHOD_NOT_ALLOWED) {
        return resp;
    }
    let allow = resp.headers().get(header::ALLOW).cloned();
    let (_, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    if api {
        let detail = match status {
            StatusCode::METHOD_NOT_ALLOWED => "Deze methode kan niet op dit adres worden gebruikt.".to_string(),
            StatusCode::PAYLOAD_TOO_LARGE => "De body is groter dan AI-register aanneemt.".to_string(),
            _ => "Het verzoek klopt niet (bijvoorbeeld een ongeldig adres of een body van het verkeerde soort)."
                .to_string(),
        };
        let mut resp = super::problem::Problem::new(status, "Ongeldig verzoek", detail).into_response();
        if let Some(a) = allow {
            resp.headers_mut().insert(header::ALLOW, a);
        }
        return resp;
    }
    let mut page = if status == StatusCode::METHOD_NOT_ALLOWED {
        crate::web::error_page::error_page(
            status,
            "Actie niet mogelijk",
            "Dit adres kan niet op deze manier worden gebruikt. Ga terug naar de vorige pagina of naar de startpagina."
                .into(),
        )
    } else if text.starts_with(b"Invalid URL") {
        AppError::NotFound.into_response()
    } else {
        crate::web::error_page::error_page(
            status,
            "Ongeldig verzoek",
            "De gegevens in dit verzoek kloppen niet (bijvoorbeeld een onvolledige link). Er is niets gewijzigd. Ga terug en probeer het opnieuw.".into(),
        )
    };
    if let Some(a) = allow {
        page.headers_mut().insert(header::ALLOW, a);
    }
    page
}

/// SCIM clients (identity providers) read the RFC 7644 JSON error format, never HTML or problem+json: a
/// rejection by the framework (a body too large, say) is answered in that format.
fn scim_rejections(resp: Response) -> Response {
    let status = resp.status();
    let json =
        resp.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/scim+json"));
    if json || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let body = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": status.as_str(),
        "detail": "Het verzoek kon niet worden verwerkt (bijvoorbeeld een te grote body of een ongeldig adres).",
    });
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/scim+json"));
    resp
}

/// Whether a request may change state as far as its origin is concerned.
pub fn same_origin_request(method: &Method, headers: &HeaderMap, public_url: Option<&str>) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        // Neither header: not a modern browser's cross-site request (forms and fetch send Origin).
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if public_url.is_some_and(|u| u.eq_ignore_ascii_case(origin)) {
        return true;
    }
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// A NUL character in the address (`%00`) cannot be searched or stored: refused before any handler runs, in
/// the API's or the pages' language. (Scanners send it; PostgreSQL would refuse it as text.)
pub async fn refuse_nul(req: Request, next: Next) -> Response {
    let has_nul = req.uri().path_and_query().is_some_and(|pq| {
        let raw = pq.as_str().as_bytes();
        raw.windows(3).any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
    });
    if !has_nul {
        return next.run(req).await;
    }
    tracing::warn!(event = "invalid_text", path = %req.uri().path(), "address with a NUL character refused");
    if req.uri().path().starts_with("/scim/") {
        scim_rejections(StatusCode::BAD_REQUEST.into_response())
    } else if req.uri().path().starts_with("/api/") {
        super::problem::Problem::from(AppError::InvalidText).into_response()
    } else {
        AppError::InvalidText.into_response()
    }
}

/// Reject cross-site state changes before any handler runs.
pub async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !same_origin_request(req.method(), req.headers(), state.config.public_url.as_deref()) {
        tracing::warn!(
            event = "csrf_rejected",
            reason = "origin",
            method = %req.method(),
            path = %req.uri().path(),
            origin = ?req.headers().get(header::ORIGIN),
            "cross-site request refused"
        );
        return super::session::csrf_refused();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origin_rules() {
        let post = Method::POST;
        assert!(same_origin_request(&Method::GET, &headers(&[("sec-fetch-site", "cross-site")]), None));
        assert!(!same_origin_request(&post, &headers(&[("sec-fetch-site", "cross-site")]), None));
        assert!(!same_origin_request(&post, &headers(&[("sec-fetch-site", "same-site")]), None));
        assert!(same_origin_request(&post, &headers(&[("sec-fetch-site", "same-origin")]), None));
        assert!(same_origin_request(&post, &headers(&[("origin", "http://a.nl:8080"), ("host", "a.nl:8080")]), None));
        assert!(!same_origin_request(&post, &headers(&[("origin", "https://evil.example"), ("host", "a.nl")]), None));
        assert!(!same_origin_request(&post, &headers(&[("origin", "null"), ("host", "a.nl")]), None));
        assert!(same_origin_request(
            &post,
            &headers(&[("origin", "https://register.gemeente.nl"), ("host", "10.0.0.5:8080")]),
            Some("https://register.gemeente.nl")
        ));
        assert!(same_origin_request(&post, &headers(&[]), None));
    }
}
