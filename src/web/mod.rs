//! Cross-cutting web plumbing: the page layout, form errors, static assets, security headers, CSRF.

pub mod assets;
pub mod client;
pub mod compression;
pub mod cookies;
pub mod csrf;
pub mod enrolment;
pub mod error_page;
pub mod filename;
pub mod forms;
pub mod layout;
pub mod listener;
pub mod multipart;
pub mod paging;
pub mod paths;
pub mod problem;
pub mod request_id;
pub mod security;
pub mod security_txt;
pub mod session;
pub mod signin;
pub mod state;
pub mod text;
pub mod theme;
pub mod throttle;
pub mod upload;
pub mod user;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppResult;

/// Render a page with 200.
pub fn render<T: Template>(page: &T) -> AppResult<Response> {
    Ok(Html(page.render()?).into_response())
}

/// Render a page with another status, e.g. 422 for a form with errors. A form answered with its errors echoes
/// what was typed; control characters in it (refused on their field by [`forms::FormErrors`]) are left out of
/// the page, as HTML does not allow them.
pub fn render_status<T: Template>(status: StatusCode, page: &T) -> AppResult<Response> {
    let mut html = page.render()?;
    if forms::has_forbidden_control(&html) {
        html.retain(|c| !forms::is_forbidden_control(c));
    }
    Ok((status, Html(html)).into_response())
}

/// A download: never shown inline, never sniffed, never cached; the file name per RFC 6266 (ASCII fallback plus
/// the UTF-8 name), cleaned here too, so no stored name (however old) sends bidi or control characters.
pub fn attachment(name: &str, media_type: &str, content: Vec<u8>) -> AppResult<Response> {
    use axum::http::{HeaderValue, header};
    let name = &filename::clean(name);
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

/// A `next` target after login: only a path on this site, never another one (ASVS 3.7.2). The value is taken
/// as it is, never cleaned up: browsers drop tabs and newlines from an address and read a backslash as `/`, so
/// `/<TAB>/evil.example` would become `//evil.example`, another site. Anything that is not plainly a local
/// path gives the start page.
pub fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| is_local_path(n)).unwrap_or("/").to_string()
}

/// Exactly one `/` followed by a character that is not `/` or a backslash; no control character, whitespace or
/// backslash anywhere, also not percent-encoded, and at most 2,000 characters.
pub fn is_local_path(path: &str) -> bool {
    let plain = |s: &str| {
        let b = s.as_bytes();
        b.first() == Some(&b'/')
            && !matches!(b.get(1), Some(b'/' | b'\\'))
            && !s.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    };
    // Encoded variants: %09, %0A, %5C, %2F%2F … decode to one of the refused characters or to `//`.
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    path.len() <= 2000 && plain(path) && plain(&decoded.replace(' ', "_"))
}

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// "november 2026" for "2026-11".
pub fn month_label(ym: &str) -> String {
    let (y, m) = ym.split_once('-').unwrap_or((ym, "01"));
    let m: usize = m.parse().unwrap_or(1);
    format!("{} {y}", MONTHS.get(m.wrapping_sub(1)).unwrap_or(&""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_only_allows_local_paths() {
        assert_eq!(safe_next(Some("/beheer/gebruikers")), "/beheer/gebruikers");
        assert_eq!(safe_next(Some("/register?zoek=a%20b&status=concept")), "/register?zoek=a%20b&status=concept");
        assert_eq!(safe_next(Some("/register?zoek=%C3%A9%C3%A9n")), "/register?zoek=%C3%A9%C3%A9n");
        assert_eq!(safe_next(None), "/");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/a\rb",
            "/a\nSet-Cookie: x=1",
            "/a\u{7f}",
            "/a%0D%0ASet-Cookie:x",
            "/a%7F",
            "/a%00",
            "/a\u{0}",
            "/ /evil.example",
            "/\u{a0}/evil.example",
            "/\u{2028}",
            "evil.example",
            "",
            " /register",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?} is refused");
        }
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
