//! A request id for every request: taken from a proxy's `X-Request-Id` when it is a plain token, otherwise a
//! new UUID; carried in the request's tracing span, so every log line of the request names it, and sent back in
//! the response for a support question ("which request was that?").

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Span;

pub static HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// A proxy's id is kept only when it cannot forge or clutter log lines: 1 to 64 letters, digits, `-`, `_`, `.`.
fn acceptable(v: &HeaderValue) -> bool {
    let b = v.as_bytes();
    (1..=64).contains(&b.len()) && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// Outermost layer: make sure the request has an acceptable id before the trace span is made, and echo it.
pub async fn assign(mut req: Request, next: Next) -> Response {
    let id = match req.headers().get(&HEADER) {
        Some(v) if acceptable(v) => v.clone(),
        _ => HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).expect("a UUID is a valid header value"),
    };
    req.headers_mut().insert(HEADER.clone(), id.clone());
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(HEADER.clone(), id);
    resp
}

/// The span of a request: method, path (never the query, which may hold search terms) and the request id.
pub fn span<B>(req: &axum::http::Request<B>) -> Span {
    let id = req.headers().get(&HEADER).and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_tokens_are_taken_over() {
        assert!(acceptable(&HeaderValue::from_static("3f6c2a1e-7b7d-4c55-9f7e-1d2a0b9c8e77")));
        assert!(acceptable(&HeaderValue::from_static("proxy_123.4")));
        assert!(!acceptable(&HeaderValue::from_static("")));
        assert!(!acceptable(&HeaderValue::from_static("a b")));
        assert!(!acceptable(&HeaderValue::from_static("x\" injected=\"y")));
        assert!(!acceptable(&HeaderValue::from_str(&"a".repeat(65)).expect("header")));
    }
}
