//! The policy's text: typed like the register's rich text (blank line = new paragraph, `- ` = bullet, `1. ` =
//! numbered item) and sanitised by the same code; a paragraph of one line starting with `# ` is a heading (an
//! article, a chapter). Pages render the parts through escaping templates, never the stored HTML. Two versions
//! are compared part by part (`similar`), for a side-by-side table.

use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::register::richtext::{self, Block};

/// Longest text accepted (characters of the typed text); the database allows a little more for the HTML.
pub const MAX_TEXT: usize = 150_000;

/// One part of the text as a template shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Part {
    /// `h` (heading), `p` (paragraph, lines), `ul` or `ol` (list, items).
    pub kind: &'static str,
    pub lines: Vec<String>,
}

impl Part {
    /// The part as one line of plain text (exports, the API's plain text).
    pub fn plain(&self) -> String {
        self.lines.join(" ")
    }
}

/// Typed (or pasted) text → the stored HTML; None when nothing is left.
pub fn to_html(typed: &str) -> Option<String> {
    richtext::to_html(typed)
}

/// Stored HTML → the text to edit.
pub fn to_text(html: &str) -> String {
    richtext::to_text(html)
}

/// Stored HTML → the parts to show.
pub fn parts(html: &str) -> Vec<Part> {
    richtext::blocks(html)
        .into_iter()
        .map(|b| match b {
            Block::Paragraph(lines) if lines.len() == 1 && lines[0].starts_with("# ") => {
                Part { kind: "h", lines: vec![lines[0].trim_start_matches('#').trim().to_string()] }
            }
            Block::Paragraph(lines) => Part { kind: "p", lines },
            Block::List { ordered, items } => Part { kind: if ordered { "ol" } else { "ul" }, lines: items },
        })
        .collect()
}

/// The headings, for a table of contents.
pub fn headings(parts: &[Part]) -> Vec<String> {
    parts.iter().filter(|p| p.kind == "h").map(Part::plain).collect()
}

/// One row of the side-by-side comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub left: Option<Part>,
    pub right: Option<Part>,
    /// `gelijk`, `gewijzigd`, `verwijderd` or `toegevoegd`.
    pub change: &'static str,
}

impl Row {
    pub fn label(&self) -> &'static str {
        match self.change {
            "gewijzigd" => "Gewijzigd",
            "verwijderd" => "Verwijderd",
            "toegevoegd" => "Toegevoegd",
            _ => "Ongewijzigd",
        }
    }
}

/// The two versions side by side, part by part: unchanged parts on one row, a replaced run paired row by
/// row (what is left over of the longer side is removed or added).
pub fn compare(old: &[Part], new: &[Part]) -> Vec<Row> {
    let mut rows = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, old, new) {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                for i in 0..len {
                    rows.push(Row {
                        left: Some(old[old_index + i].clone()),
                        right: Some(new[new_index + i].clone()),
                        change: "gelijk",
                    });
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                rows.extend(old[old_index..old_index + old_len].iter().map(|p| Row {
                    left: Some(p.clone()),
                    right: None,
                    change: "verwijderd",
                }));
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                rows.extend(new[new_index..new_index + new_len].iter().map(|p| Row {
                    left: None,
                    right: Some(p.clone()),
                    change: "toegevoegd",
                }));
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                for i in 0..old_len.max(new_len) {
                    let left = (i < old_len).then(|| old[old_index + i].clone());
                    let right = (i < new_len).then(|| new[new_index + i].clone());
                    let change = match (&left, &right) {
                        (Some(_), Some(_)) => "gewijzigd",
                        (Some(_), None) => "verwijderd",
                        _ => "toegevoegd",
                    };
                    rows.push(Row { left, right, change });
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_and_paragraphs_survive_the_sanitiser() {
        let html = to_html("# Art. 1 Doel\n\nDit beleid geldt voor iedereen.\n\n- Copilot\n- Gemini").expect("text");
        // Pasted HTML is sanitised: the script and its content are gone.
        assert_eq!(to_html("<p>Tekst</p><script>alert(1)</script>").as_deref(), Some("<p>Tekst</p>"));
        let parts = parts(&html);
        assert_eq!(parts[0], Part { kind: "h", lines: vec!["Art. 1 Doel".into()] });
        assert_eq!(parts[1].kind, "p");
        assert_eq!(parts[2], Part { kind: "ul", lines: vec!["Copilot".into(), "Gemini".into()] });
        assert_eq!(headings(&parts), vec!["Art. 1 Doel".to_string()]);
        // Editing gives back what was typed (without the script).
        assert!(to_text(&html).starts_with("# Art. 1 Doel\n\nDit beleid"));
    }

    #[test]
    fn compare_pairs_changes_and_marks_additions_and_removals() {
        let old = parts(&to_html("# Art. 1\n\nTekst een.\n\nWeg ermee.\n\n# Art. 2").expect("old"));
        let new = parts(&to_html("# Art. 1\n\nTekst twee.\n\n# Art. 2\n\nNieuw artikel.").expect("new"));
        let changes: Vec<&str> = compare(&old, &new).iter().map(|r| r.change).collect();
        assert_eq!(changes, ["gelijk", "gewijzigd", "verwijderd", "gelijk", "toegevoegd"]);
        let rows = compare(&old, &new);
        assert_eq!(rows[1].left.as_ref().map(Part::plain).as_deref(), Some("Tekst een."));
        assert_eq!(rows[1].right.as_ref().map(Part::plain).as_deref(), Some("Tekst twee."));
        assert!(rows[4].left.is_none());
    }
}
