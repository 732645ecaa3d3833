//! The body half of CSRF: a state-changing request of a logged-in user carries the session's token, in the
//! `X-CSRF-Token` header or as the form's `csrf_token` field (read from the buffered body, or from the leading
//! parts of an upload's stream), and is refused with a 403 page otherwise.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::Response;

use super::user::CurrentUser;
use crate::util::constant_time_eq;

/// Largest form body we read to find the CSRF token.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The 403 answer to a request that fails a CSRF check.
pub fn csrf_refused() -> Response {
    crate::web::error_page::error_page(
        StatusCode::FORBIDDEN,
        "Verzoek geweigerd",
        "Dit verzoek kwam niet van een formulier van AI-register zelf, of het formulier was verlopen. Er is niets \
         gewijzigd. Ga terug, laad de pagina opnieuw en probeer het nog eens."
            .into(),
    )
}

/// The check for one request of a logged-in user: the request to go on with (its body put back), or the
/// answer that refuses it.
pub(super) async fn check(
    req: Request,
    user: &CurrentUser,
    upload_paths: fn(&str) -> bool,
) -> Result<Request, Response> {
    // Logging in again replaces the session, so it needs no token (the origin check still applies).
    let exempt = req.uri().path() == "/inloggen";
    if exempt || matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(req);
    }
    let (checked, rebuilt) = verify_csrf(req, &user.csrf_token, upload_paths).await?;
    if !checked {
        tracing::warn!(event = "csrf_rejected", reason = "token", user_id = %user.user_id, path = %rebuilt.uri().path(), "missing or wrong CSRF token");
        return Err(csrf_refused());
    }
    Ok(rebuilt)
}

/// Read the token from the header, or buffer the form body to find it (and put the body back).
async fn verify_csrf(
    req: Request,
    expected: &str,
    upload_paths: fn(&str) -> bool,
) -> Result<(bool, Request), Response> {
    if let Some(h) = req.headers().get("x-csrf-token") {
        let ok = constant_time_eq(h.as_bytes(), expected.as_bytes());
        return Ok((ok, req));
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    // Uploads (multipart) carry the token as a form part. An upload form's body is read only as far as the
    // token (our forms send it first) and then streams on to the handler, which enforces the upload's size:
    // holding whole uploads here cost 25 MB of memory each.
    let multipart = crate::web::multipart::boundary(&content_type);
    if let Some(b) = &multipart
        && upload_paths(req.uri().path())
    {
        return Ok(leading_token(req, b, expected).await);
    }
    let limit = match (&multipart, content_type.starts_with("application/x-www-form-urlencoded")) {
        (Some(_), _) | (None, true) => MAX_FORM_BYTES,
        (None, false) => return Ok((false, req)),
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return Err(crate::web::error_page::error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Formulier te groot",
                format!(
                    "Het formulier bevat meer gegevens dan AI-register in één keer aanneemt ({} MB). Er is niets opgeslagen.",
                    limit / (1024 * 1024)
                ),
            ));
        }
    };
    let token = match &multipart {
        Some(b) => crate::web::multipart::parse(&bytes, b).and_then(|p| crate::web::multipart::field(&p, "csrf_token")),
        None => form_field(&bytes, "csrf_token"),
    };
    let ok = token.is_some_and(|t| constant_time_eq(t.as_bytes(), expected.as_bytes()));
    Ok((ok, Request::from_parts(parts, Body::from(bytes))))
}

/// How far into an upload's body the token must have come (its first parts: the token, the form's fields).
const TOKEN_WITHIN: usize = 64 * 1024;

/// Read an upload's body until its leading parts hold the CSRF token (or `TOKEN_WITHIN` bytes went by
/// without one), then put what was read back in front of the rest of the stream.
async fn leading_token(req: Request, boundary: &str, expected: &str) -> (bool, Request) {
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut prefix: Vec<u8> = Vec::new();
    let mut token = None;
    while token.is_none() && prefix.len() < TOKEN_WITHIN {
        match stream.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            // A broken body: the handler gets what there is and answers it (or the check below refuses it).
            Some(Err(_)) | None => break,
        }
        // Only what lies within the first TOKEN_WITHIN bytes counts, however the body arrived in chunks.
        let window = &prefix[..prefix.len().min(TOKEN_WITHIN)];
        token = crate::web::multipart::field(&crate::web::multipart::leading_parts(window, boundary), "csrf_token");
    }
    let ok = token.is_some_and(|t| constant_time_eq(t.as_bytes(), expected.as_bytes()));
    let head = futures_util::stream::once(async move { Ok::<_, axum::Error>(axum::body::Bytes::from(prefix)) });
    (ok, Request::from_parts(parts, Body::from_stream(head.chain(stream))))
}

/// The value of one field of an urlencoded body.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    body.split(|b| *b == b'&').find_map(|pair| {
        let (k, v) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        (url_decode(k)? == name).then(|| url_decode(v)).flatten()
    })
}

/// `application/x-www-form-urlencoded` decoding; a `%` not followed by two hex digits stays as it is.
fn url_decode(raw: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], hex) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 2;
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_field_decodes() {
        let body = b"a=1&csrf_token=abc%2Bdef&name=Jan+de+Vries&x=%E2%82%AC";
        assert_eq!(form_field(body, "csrf_token").as_deref(), Some("abc+def"));
        assert_eq!(form_field(body, "name").as_deref(), Some("Jan de Vries"));
        assert_eq!(form_field(body, "x").as_deref(), Some("€"));
        assert_eq!(form_field(body, "missing"), None);
        assert_eq!(form_field(b"csrf_token=%4", "csrf_token"), Some("%4".into()));
    }
}
