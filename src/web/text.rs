//! Plain text as people type it in a text box (conditions, notes): lines that start with "- " or "* " are a
//! bulleted list, other lines stay text with their line breaks. One helper for every page, print and e-mail
//! that shows such text (issue 18), via the `text` macro in templates/partials/text.html.

/// A run of text lines, or a run of list items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub list: bool,
    pub items: Vec<String>,
}

fn item(line: &str) -> Option<&str> {
    let t = line.trim_start();
    t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")).or_else(|| t.strip_prefix("• ")).map(str::trim)
}

/// The text's blocks in order; empty lines end a block and are left out.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        let (list, content) = match item(line) {
            Some(i) => (true, i),
            None => (false, line.trim()),
        };
        match out.last_mut() {
            Some(b) if open && b.list == list => b.items.push(content.to_string()),
            _ => out.push(Block { list, items: vec![content.to_string()] }),
        }
        open = true;
    }
    out
}

/// The text for a plain-text message (an e-mail): each list item on a line of its own starting with "- ",
/// whatever bullet was typed; text lines as typed; a blank line between blocks.
pub fn plain(text: &str) -> String {
    let parts: Vec<String> = blocks(text)
        .into_iter()
        .map(|b| {
            let lines: Vec<String> = b.items.into_iter().map(|i| if b.list { format!("- {i}") } else { i }).collect();
            lines.join("\n")
        })
        .collect();
    parts.join("\n\n")
}

/// What follows a colon in a one-line message: a list starts on a line of its own.
pub fn after_colon(text: &str) -> String {
    if text.lines().next().is_some_and(|l| item(l).is_some()) { format!("\n{text}") } else { format!(" {text}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(list: bool, items: &[&str]) -> Block {
        Block { list, items: items.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn dash_and_star_lines_become_one_list_and_other_lines_stay_text() {
        let text = "Alleen onder deze voorwaarden:\n- geen persoonsgegevens\n* alleen openbare teksten\r\n  - na drie maanden evalueren\n\nVerder niets.";
        assert_eq!(
            blocks(text),
            vec![
                b(false, &["Alleen onder deze voorwaarden:"]),
                b(true, &["geen persoonsgegevens", "alleen openbare teksten", "na drie maanden evalueren"]),
                b(false, &["Verder niets."]),
            ]
        );
        assert_eq!(blocks("Eén regel zonder lijst"), vec![b(false, &["Eén regel zonder lijst"])]);
        assert_eq!(blocks("regel 1\nregel 2"), vec![b(false, &["regel 1", "regel 2"])]);
        assert_eq!(blocks("-geen spatie, geen lijst"), vec![b(false, &["-geen spatie, geen lijst"])]);
        assert!(blocks("  \n").is_empty());
    }

    #[test]
    fn plain_text_puts_each_item_on_its_own_dash_line() {
        let note =
            "Goedgekeurd onder voorwaarden:\n* geen persoonsgegevens\n  • alleen openbare teksten\n- evalueren\nDank.";
        assert_eq!(
            plain(note),
            "Goedgekeurd onder voorwaarden:\n\n- geen persoonsgegevens\n- alleen openbare teksten\n- evalueren\n\nDank."
        );
        assert_eq!(plain("regel 1\nregel 2"), "regel 1\nregel 2");
        assert_eq!(plain(""), "");
    }

    #[test]
    fn a_list_after_a_colon_starts_on_its_own_line() {
        assert_eq!(after_colon("- a\n- b"), "\n- a\n- b");
        assert_eq!(after_colon("alleen intern"), " alleen intern");
    }
}
