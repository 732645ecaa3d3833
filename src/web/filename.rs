//! File names that came from a user: cleaned once when a file is uploaded, and again wherever a stored name is
//! shown or sent (names stored before a rule was added must not slip through).

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// The longest name kept (the database allows 200 characters).
pub const MAX_CHARS: usize = 200;

/// Characters that are never part of a file name people read: control characters (Cc), format characters
/// (Cf: the bidi controls U+202A–U+202E, U+2066–U+2069, U+200E, U+200F and U+061C, zero-width characters,
/// the BOM) and line or paragraph separators. A right-to-left override turns "rapport" U+202E "fdp.exe" into what
/// reads as "rapportexe.pdf".
pub fn is_hidden(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// A name that is safe to store, show and send back: the last path segment, without hidden characters, quotes,
/// backslashes or semicolons, without leading dots and surrounding spaces, and at most [`MAX_CHARS`]
/// characters (the end, with the extension, is kept).
pub fn clean(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !is_hidden(*c) && !matches!(c, '"' | ';')).collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim_start();
    let skip = trimmed.chars().count().saturating_sub(MAX_CHARS);
    trimmed.chars().skip(skip).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_quotes_and_control_characters_go() {
        assert_eq!(clean("C:\\Users\\jan\\DPIA \"v2\".pdf"), "DPIA v2.pdf");
        assert_eq!(clean("../../etc/passwd"), "passwd");
        assert_eq!(clean(".verborgen.pdf"), "verborgen.pdf");
        assert_eq!(clean("a\r\nb.pdf"), "ab.pdf");
        assert_eq!(clean("a;b.pdf"), "ab.pdf");
    }

    #[test]
    fn bidi_and_other_invisible_characters_go() {
        assert_eq!(clean("rapport\u{202E}fdp.exe"), "rapportfdp.exe");
        for c in ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'] {
            assert_eq!(clean(&format!("a{c}b.pdf")), "ab.pdf", "{:04X}", c as u32);
        }
        for c in ['\u{200E}', '\u{200F}', '\u{061C}', '\u{200B}', '\u{FEFF}', '\u{2028}', '\u{2029}', '\u{7F}'] {
            assert_eq!(clean(&format!("a{c}b.pdf")), "ab.pdf", "{:04X}", c as u32);
        }
        // Letters of any script stay.
        assert_eq!(clean("تقرير é ü.pdf"), "تقرير é ü.pdf");
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.pdf", "x".repeat(300));
        let c = clean(&long);
        assert_eq!(c.chars().count(), MAX_CHARS);
        assert!(c.ends_with(".pdf"));
    }
}
