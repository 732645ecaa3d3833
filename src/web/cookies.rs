//! The session cookie: reading it from a request, setting it, clearing it.

use axum::extract::Request;
use axum::http::{HeaderValue, header};

use crate::config::WebConfig;

/// The session cookie's value, if the request carries one.
pub(super) fn cookie_value<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure (with the `__Host-` prefix) over https.
/// No Max-Age: the browser forgets it on close, the server enforces the timeouts.
pub fn session_cookie(config: &WebConfig, token: &str) -> HeaderValue {
    let secure = if config.https() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}", config.cookie_name()))
        .expect("hex token is a valid header value")
}

pub fn clear_cookie(config: &WebConfig) -> HeaderValue {
    let secure = if config.https() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}", config.cookie_name()))
        .expect("valid header value")
}
