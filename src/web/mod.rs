//! Cross-cutting web plumbing: the page layout, form errors, static assets, security headers, CSRF.

pub mod assets;
pub mod client;
pub mod forms;
pub mod layout;
pub mod multipart;
pub mod ratelimit;
pub mod security;
pub mod security_txt;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppResult;

/// Render a page with 200.
pub fn render<T: Template>(page: &T) -> AppResult<Response> {
    Ok(Html(page.render()?).into_response())
}

/// Render a page with another status, e.g. 422 for a form with errors.
pub fn render_status<T: Template>(status: StatusCode, page: &T) -> AppResult<Response> {
    Ok((status, Html(page.render()?)).into_response())
}

/// A download: never shown inline, never sniffed, never cached; the file name per RFC 6266 (ASCII fallback plus
/// the UTF-8 name).
pub fn attachment(name: &str, media_type: &str, content: Vec<u8>) -> AppResult<Response> {
    use axum::http::{HeaderValue, header};
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let internal = |e: axum::http::header::InvalidHeaderValue| crate::error::AppError::Internal(e.into());
    let mut resp = (StatusCode::OK, content).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(media_type).map_err(internal)?);
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(internal)?);
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(resp)
}

/// A value for a query string (`application/x-www-form-urlencoded`).
pub fn url_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A `next` target after login: only a local path, never another site (ASVS 3.7.2).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.contains("://") => {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_only_allows_local_paths() {
        assert_eq!(safe_next(Some("/beheer/gebruikers")), "/beheer/gebruikers");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}

/// A date as Dutch people read it: dd-mm-jjjj.
pub fn format_date(d: time::Date) -> String {
    format!("{:02}-{:02}-{}", d.day(), u8::from(d.month()), d.year())
}

/// A timestamp as Dutch people read it: dd-mm-jjjj uu:mm in Dutch time (CET/CEST, EU rules).
pub fn format_datetime(t: time::OffsetDateTime) -> String {
    let local = dutch_time(t);
    format!(
        "{:02}-{:02}-{} {:02}:{:02}",
        local.day(),
        u8::from(local.month()),
        local.year(),
        local.hour(),
        local.minute()
    )
}

/// Today's date in the Netherlands (between midnight and 01:00/02:00 it differs from UTC's).
pub fn today() -> time::Date {
    dutch_time(time::OffsetDateTime::now_utc()).date()
}

/// A moment in Dutch time (CET/CEST, EU rules).
pub fn dutch_time(t: time::OffsetDateTime) -> time::OffsetDateTime {
    let utc = t.to_offset(time::UtcOffset::UTC);
    let year = utc.year();
    // Summer time runs from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC.
    let last_sunday = |month: time::Month| {
        let last = time::Date::from_calendar_date(year, month, month.length(year)).expect("valid date");
        let back = last.weekday().number_days_from_sunday();
        (last - time::Duration::days(back.into())).with_hms(1, 0, 0).expect("valid time").assume_utc()
    };
    let summer = utc >= last_sunday(time::Month::March) && utc < last_sunday(time::Month::October);
    utc.to_offset(time::UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).expect("valid offset"))
}

#[cfg(test)]
mod time_tests {
    use super::format_datetime;
    use time::macros::datetime;

    #[test]
    fn dutch_time_follows_summer_time() {
        assert_eq!(format_datetime(datetime!(2026-01-15 12:00 UTC)), "15-01-2026 13:00");
        assert_eq!(format_datetime(datetime!(2026-07-01 12:00 UTC)), "01-07-2026 14:00");
        // 2026: summer time starts 29 March 01:00 UTC, ends 25 October 01:00 UTC.
        assert_eq!(format_datetime(datetime!(2026-03-29 00:59 UTC)), "29-03-2026 01:59");
        assert_eq!(format_datetime(datetime!(2026-03-29 01:00 UTC)), "29-03-2026 03:00");
        assert_eq!(format_datetime(datetime!(2026-10-25 00:59 UTC)), "25-10-2026 02:59");
        assert_eq!(format_datetime(datetime!(2026-10-25 01:00 UTC)), "25-10-2026 02:00");
    }
}
