//! `/.well-known/security.txt` (RFC 9116; on the Forum Standaardisatie "pas toe of leg uit" list): where to
//! report a vulnerability. `Expires` is always about half a year ahead, so the file never goes stale.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::state::AppState;

/// How far ahead `Expires` lies (RFC 9116 recommends less than a year).
const VALID_DAYS: i64 = 180;

pub async fn security_txt(State(state): State<AppState>) -> Response {
    let contact = match &state.config.security_contact {
        Some(c) => Some(c.clone()),
        None => sqlx::query_scalar!(r#"select contact_email as "m!" from organisation order by created_at limit 1"#)
            .fetch_optional(&state.pool)
            .await
            .ok()
            .flatten()
            .map(|m| format!("mailto:{m}")),
    };
    let Some(contact) = contact else {
        // Without a contact the file would be invalid; nothing is set up yet.
        return (StatusCode::NOT_FOUND, "security.txt: nog geen contact ingesteld\n").into_response();
    };
    let body = render(&contact, state.config.security_policy.as_deref(), state.config.public_url.as_deref(), now());
    let mut resp = body.into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=86400"));
    resp
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| OffsetDateTime::now_utc())
}

pub fn render(contact: &str, policy: Option<&str>, public_url: Option<&str>, now: OffsetDateTime) -> String {
    let contact = if contact.contains(':') { contact.to_string() } else { format!("mailto:{contact}") };
    let expires = (now + time::Duration::days(VALID_DAYS)).format(&Rfc3339).unwrap_or_default();
    let mut out = format!("Contact: {contact}\nExpires: {expires}\nPreferred-Languages: nl, en\n");
    if let Some(p) = policy {
        out.push_str(&format!("Policy: {p}\n"));
    }
    if let Some(u) = public_url.filter(|u| u.starts_with("https://")) {
        out.push_str(&format!("Canonical: {u}/.well-known/security.txt\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_rfc_9116() {
        let now = time::macros::datetime!(2026-11-30 12:00 UTC);
        let txt = render("security@gemeente.nl", Some("https://gemeente.nl/cvd"), Some("https://ai.gemeente.nl"), now);
        assert!(txt.contains("Contact: mailto:security@gemeente.nl\n"));
        assert!(txt.contains("Expires: 2027-05-29T12:00:00Z\n"), "{txt}");
        assert!(txt.contains("Policy: https://gemeente.nl/cvd\n"));
        assert!(txt.contains("Canonical: https://ai.gemeente.nl/.well-known/security.txt\n"));
        let plain = render("https://gemeente.nl/melden", None, Some("http://localhost:8080"), now);
        assert!(plain.starts_with("Contact: https://gemeente.nl/melden\n"));
        assert!(!plain.contains("Canonical"), "only over https");
    }
}
