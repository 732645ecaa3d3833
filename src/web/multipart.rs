//! `multipart/form-data` bodies read from memory: the CSRF check's token and the import form, whose bodies are
//! already buffered and size-limited. The parts borrow from the body: an upload is never copied to be looked
//! at. Browsers send well-formed bodies; anything else is refused as a whole. (Assessment reports are read
//! as a stream instead: [`super::upload`].)

/// The largest upload body: a 25 MB document plus the form's other fields.
pub const MAX_UPLOAD_BODY: usize = 26 * 1024 * 1024;

/// The Dutch answer to a form body over [`MAX_UPLOAD_BODY`].
pub fn too_large() -> axum::response::Response {
    super::error_page::error_page(
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        "Formulier te groot",
        format!(
            "Het formulier bevat meer gegevens dan AI-register in één keer aanneemt ({} MB). Er is niets opgeslagen.",
            MAX_UPLOAD_BODY / (1024 * 1024)
        ),
    )
}

/// One part of the body: a form field or a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    pub name: String,
    /// Set for file inputs (possibly empty when no file was chosen).
    pub file_name: Option<String>,
    pub data: &'a [u8],
}

/// The boundary from a `Content-Type: multipart/form-data; boundary=...` header.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .split(';')
        .find_map(|p| {
            let (k, v) = p.split_once('=')?;
            (k.trim().eq_ignore_ascii_case("boundary")).then(|| v.trim().trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty() && b.len() <= 200)
}

/// Linear-time substring search (a naive scan is quadratic on crafted bodies like "aaaa…").
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    memchr::memmem::find(haystack.get(from..)?, needle).map(|i| i + from)
}

/// A parameter of the Content-Disposition header (`name="x"`); quoted values may contain `;`.
fn disposition_param(header: &str, key: &str) -> Option<String> {
    let lower = header.to_ascii_lowercase();
    let pat = format!("{key}=\"");
    let mut search = 0;
    while let Some(pos) = lower[search..].find(&pat) {
        let at = search + pos;
        // Only a whole parameter name: `name=` must not match inside `filename=`.
        let before = lower[..at].chars().last();
        if matches!(before, Some(';') | Some(' ') | Some('\t')) {
            let start = at + pat.len();
            let end = header[start..].find('"')? + start;
            return Some(header[start..end].to_string());
        }
        search = at + pat.len();
    }
    None
}

/// Split a body into its parts; None when it is not well-formed.
pub fn parse<'a>(body: &'a [u8], boundary: &str) -> Option<Vec<Part<'a>>> {
    let (parts, complete) = parts_from(body, boundary);
    complete.then_some(parts)
}

/// The complete parts at the start of a body that has not fully arrived (the CSRF check reads only as far as
/// its token, which our forms send first, and lets the rest stream on to the handler).
pub fn leading_parts<'a>(prefix: &'a [u8], boundary: &str) -> Vec<Part<'a>> {
    parts_from(prefix, boundary).0
}

/// The parts up to the first one that is not complete (or well-formed), and whether the body ended properly.
fn parts_from<'a>(body: &'a [u8], boundary: &str) -> (Vec<Part<'a>>, bool) {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut next = b"\r\n".to_vec();
    next.extend_from_slice(&delimiter);
    let mut parts = Vec::new();
    let Some(mut pos) = find(body, &delimiter, 0).map(|p| p + delimiter.len()) else { return (parts, false) };
    loop {
        if body.get(pos..pos + 2) == Some(b"--") {
            return (parts, true);
        }
        match part_at(body, pos, &next) {
            Some((part, end)) => {
                parts.push(part);
                pos = end;
            }
            None => return (parts, false),
        }
    }
}

/// The part after the delimiter that ends at `pos`, and where the next delimiter ends.
fn part_at<'a>(body: &'a [u8], pos: usize, next: &[u8]) -> Option<(Part<'a>, usize)> {
    if body.get(pos..pos + 2) != Some(b"\r\n") {
        return None;
    }
    let header_end = find(body, b"\r\n\r\n", pos + 2)?;
    let headers = std::str::from_utf8(&body[pos + 2..header_end]).ok()?;
    let disposition = headers
        .split("\r\n")
        .find_map(|h| h.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition")))
        .map(|(_, v)| v.trim().to_string())?;
    let name = disposition_param(&disposition, "name")?;
    let file_name = disposition_param(&disposition, "filename").map(|n| unescape_file_name(&n));
    let data_start = header_end + 4;
    let data_end = find(body, next, data_start)?;
    Some((Part { name, file_name, data: &body[data_start..data_end] }, data_end + next.len()))
}

/// Browsers escape `"` and line breaks in file names as %22, %0D and %0A (HTML standard).
pub fn unescape_file_name(raw: &str) -> String {
    raw.replace("%22", "\"").replace("%0D", "\r").replace("%0A", "\n")
}

/// The text value of a field, for the CSRF check.
pub fn field(parts: &[Part], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|p| p.name == name && p.file_name.is_none())
        .and_then(|p| std::str::from_utf8(p.data).ok().map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"document\"; filename=\"rapport; v2.pdf\"\r\n\
Content-Type: application/pdf\r\n\r\n%PDF-1.7\r\nbinary\r\n--XyZ\r\n\
Content-Disposition: form-data; name=\"outcome\"\r\n\r\n\r\n--XyZ--\r\n";

    #[test]
    fn parses_fields_and_files() {
        assert_eq!(boundary("multipart/form-data; boundary=XyZ").as_deref(), Some("XyZ"));
        assert_eq!(boundary("multipart/form-data; boundary=\"XyZ\"").as_deref(), Some("XyZ"));
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        let parts = parse(BODY, "XyZ").unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(field(&parts, "csrf_token").as_deref(), Some("abc"));
        assert_eq!(parts[1].file_name.as_deref(), Some("rapport; v2.pdf"));
        assert_eq!(parts[1].name, "document");
        assert_eq!(parts[1].data, b"%PDF-1.7\r\nbinary");
        assert_eq!(field(&parts, "outcome").as_deref(), Some(""));
        // A file part is never read as the CSRF field.
        assert_eq!(field(&parts, "document"), None);
    }

    #[test]
    fn the_leading_parts_of_a_body_still_arriving() {
        let cut = BODY.len() - 40;
        assert!(parse(&BODY[..cut], "XyZ").is_none());
        let parts = leading_parts(&BODY[..cut], "XyZ");
        assert_eq!(parts.len(), 2, "the token and the file are complete, the last field is not");
        assert_eq!(field(&parts, "csrf_token").as_deref(), Some("abc"));
        // The token's own value must be complete: "ab" of "abc" is not a token yet.
        let token_end = memchr::memmem::find(BODY, b"abc").unwrap() + 2;
        assert!(leading_parts(&BODY[..token_end], "XyZ").is_empty());
        assert!(leading_parts(b"", "XyZ").is_empty());
    }

    #[test]
    fn refuses_malformed_bodies() {
        assert!(parse(b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", "XyZ").is_none());
        assert!(parse(b"garbage", "XyZ").is_none());
        assert!(parse(b"--XyZ\r\nX-Other: 1\r\n\r\nv\r\n--XyZ--", "XyZ").is_none());
    }
}
