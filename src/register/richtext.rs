//! Rich-text fields (goal, risks, ...). The national register accepts only `p br ul ol li div` without
//! attributes. People type plain text in a textarea (blank line = new paragraph, `- ` = bullet, `1. ` =
//! numbered item); we turn that into that HTML. Pasted HTML is sanitised with ammonia. Pages never mark the
//! stored HTML as safe: it is parsed back into blocks and rendered through escaping templates.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// The tags the Algoritmeregister keeps in rich-text fields.
pub const ALLOWED_TAGS: [&str; 6] = ["div", "br", "p", "ul", "ol", "li"];

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.tags(ALLOWED_TAGS.into_iter().collect::<HashSet<_>>())
        .tag_attributes(HashMap::new())
        .generic_attributes(HashSet::new())
        .link_rel(None)
        .clean_content_tags(["script", "style"].into_iter().collect::<HashSet<_>>())
        .strip_comments(true);
    b
});

/// Sanitise HTML to the allowed tags, no attributes; script and style are removed with their content.
pub fn sanitise(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// The government reference texts (decision tree, questionnaires) carry a little HTML of their own: kept for
/// its formatting (line breaks, bold, lists, https links), nothing else.
pub fn reference_html(text: &str) -> String {
    static REFERENCE: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
        let mut b = ammonia::Builder::empty();
        b.add_tags(["br", "strong", "b", "i", "em", "u", "p", "ul", "ol", "li", "a"])
            .add_tag_attributes("a", ["href"])
            .url_schemes(["https"].into())
            .link_rel(Some("noopener noreferrer"));
        b
    });
    REFERENCE.clean(text).to_string()
}

/// Tags that make input count as pasted HTML; other `<...>` (e.g. "<naam gemeente>", "<v2") is typed text.
const HTML_TAGS: &[&str] = &[
    "p",
    "div",
    "ul",
    "ol",
    "li",
    "br",
    "b",
    "i",
    "u",
    "em",
    "strong",
    "span",
    "a",
    "script",
    "style",
    "img",
    "iframe",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
    "td",
    "th",
    "font",
    "section",
    "article",
    "object",
    "embed",
    "svg",
    "form",
    "input",
    "textarea",
    "blockquote",
    "pre",
    "code",
    "sup",
    "sub",
];

/// Does the input look like HTML rather than typed text?
fn looks_like_html(input: &str) -> bool {
    input.char_indices().filter(|(_, c)| *c == '<').any(|(i, _)| {
        let rest = input[i + 1..].trim_start_matches('/');
        let name: String =
            rest.chars().take_while(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
        let after = rest[name.len()..].chars().next();
        rest.starts_with("!--")
            || (HTML_TAGS.contains(&name.as_str()) && matches!(after, Some('>' | '/' | ' ' | '\t' | '\n')))
    })
}

/// What a person typed (or pasted) → the stored, sanitised HTML; None when there is no text.
pub fn to_html(input: &str) -> Option<String> {
    let input = input.replace("\r\n", "\n");
    let html = if looks_like_html(&input) { sanitise(&input) } else { sanitise(&text_to_html(&input)) };
    // Rebuilt from its blocks: one normal form (whitespace collapsed), so the length the code counts and the
    // length the database constraint counts agree.
    let html = blocks_to_html(&blocks(&html));
    if text_length(&html) == 0 { None } else { Some(html) }
}

fn blocks_to_html(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Paragraph(lines) => {
                let lines: Vec<String> = lines.iter().map(|l| escape(l)).collect();
                out.push_str(&format!("<p>{}</p>", lines.join("<br>")));
            }
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                out.push_str(&format!("<{tag}>"));
                for item in items {
                    out.push_str(&format!("<li>{}</li>", escape(item)));
                }
                out.push_str(&format!("</{tag}>"));
            }
        }
    }
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")).or_else(|| t.strip_prefix("• ")) {
        return Some((false, rest));
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0
        && digits < 4
        && let Some(rest) = t[digits..].strip_prefix(". ").or_else(|| t[digits..].strip_prefix(") "))
    {
        return Some((true, rest));
    }
    None
}

/// Plain text → paragraphs, line breaks and lists.
fn text_to_html(text: &str) -> String {
    let mut out = String::new();
    // Blocks are separated by blank lines (also lines with only spaces).
    let mut grouped: Vec<Vec<&str>> = vec![Vec::new()];
    for line in text.lines() {
        if line.trim().is_empty() {
            grouped.push(Vec::new());
        } else if let Some(last) = grouped.last_mut() {
            last.push(line);
        }
    }
    for lines in grouped.into_iter().filter(|b| !b.is_empty()) {
        let mut para: Vec<&str> = Vec::new();
        let mut list: Option<(bool, Vec<&str>)> = None;
        let flush_para = |para: &mut Vec<&str>, out: &mut String| {
            if !para.is_empty() {
                let joined: Vec<String> = para.iter().map(|l| escape(l.trim())).collect();
                out.push_str(&format!("<p>{}</p>", joined.join("<br>")));
                para.clear();
            }
        };
        let flush_list = |list: &mut Option<(bool, Vec<&str>)>, out: &mut String| {
            if let Some((ordered, items)) = list.take() {
                let tag = if ordered { "ol" } else { "ul" };
                out.push_str(&format!("<{tag}>"));
                for item in items {
                    out.push_str(&format!("<li>{}</li>", escape(item.trim())));
                }
                out.push_str(&format!("</{tag}>"));
            }
        };
        for line in lines {
            match list_item(line) {
                Some((ordered, item)) => {
                    flush_para(&mut para, &mut out);
                    match &mut list {
                        Some((o, items)) if *o == ordered => items.push(item),
                        _ => {
                            flush_list(&mut list, &mut out);
                            list = Some((ordered, vec![item]));
                        }
                    }
                }
                None => {
                    flush_list(&mut list, &mut out);
                    para.push(line);
                }
            }
        }
        flush_para(&mut para, &mut out);
        flush_list(&mut list, &mut out);
    }
    out
}

/// A piece of rich text as the templates render it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph: its lines (split at `<br>`).
    Paragraph(Vec<String>),
    List {
        ordered: bool,
        items: Vec<String>,
    },
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Tokens of sanitised HTML: tags (name, closing) and text. Only meant for our own sanitiser's output.
fn tokens(html: &str) -> Vec<Result<(String, bool), String>> {
    let mut out = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(stripped) = rest.strip_prefix('<') {
            let end = stripped.find('>').unwrap_or(stripped.len());
            let inner = &stripped[..end];
            let closing = inner.starts_with('/');
            let name = inner.trim_start_matches('/').trim_end_matches('/').split_whitespace().next().unwrap_or("");
            out.push(Ok((name.to_ascii_lowercase(), closing)));
            rest = stripped.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            out.push(Err(unescape(&rest[..end])));
            rest = &rest[end..];
        }
    }
    out
}

/// Close a list: its non-empty items become a block.
fn push_list(blocks: &mut Vec<Block>, list: Option<(bool, Vec<String>)>) {
    if let Some((ordered, items)) = list {
        let items: Vec<String> = items.iter().map(|i| collapse(i)).filter(|i| !i.is_empty()).collect();
        if !items.is_empty() {
            blocks.push(Block::List { ordered, items });
        }
    }
}

/// Sanitised HTML → blocks for display and editing.
pub fn blocks(html: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines: Vec<String> = vec![String::new()];
    let mut list: Option<(bool, Vec<String>)> = None;
    let mut in_item = false;
    let flush = |lines: &mut Vec<String>, blocks: &mut Vec<Block>| {
        let kept: Vec<String> = lines.iter().map(|l| collapse(l)).filter(|l| !l.is_empty()).collect();
        if !kept.is_empty() {
            blocks.push(Block::Paragraph(kept));
        }
        *lines = vec![String::new()];
    };
    for token in tokens(&sanitise(html)) {
        match token {
            Err(text) => {
                if in_item {
                    if let Some(last) = list.as_mut().and_then(|(_, items)| items.last_mut()) {
                        last.push_str(&text);
                    }
                } else if let Some(last) = lines.last_mut() {
                    last.push_str(&text);
                }
            }
            Ok((name, closing)) => match (name.as_str(), closing) {
                ("br", _) => {
                    if in_item {
                        if let Some(last) = list.as_mut().and_then(|(_, items)| items.last_mut()) {
                            last.push(' ');
                        }
                    } else {
                        lines.push(String::new());
                    }
                }
                ("ul" | "ol", false) => {
                    flush(&mut lines, &mut blocks);
                    // A nested list is flattened: the open list keeps its items.
                    push_list(&mut blocks, list.take());
                    list = Some((name == "ol", Vec::new()));
                }
                ("ul" | "ol", true) => {
                    push_list(&mut blocks, list.take());
                    in_item = false;
                }
                ("li", false) => {
                    if list.is_none() {
                        flush(&mut lines, &mut blocks);
                        list = Some((false, Vec::new()));
                    }
                    if let Some((_, items)) = &mut list {
                        items.push(String::new());
                    }
                    in_item = true;
                }
                ("li", true) => in_item = false,
                (_, _) if list.is_none() => flush(&mut lines, &mut blocks),
                _ => {}
            },
        }
    }
    push_list(&mut blocks, list.take());
    flush(&mut lines, &mut blocks);
    blocks
}

/// Stored HTML → the text a person edits (the inverse of `to_html` for typed text).
pub fn to_text(html: &str) -> String {
    let parts: Vec<String> = blocks(html)
        .into_iter()
        .map(|b| match b {
            Block::Paragraph(lines) => lines.join("\n"),
            Block::List { ordered, items } => items
                .iter()
                .enumerate()
                .map(|(i, item)| if ordered { format!("{}. {item}", i + 1) } else { format!("- {item}") })
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect();
    parts.join("\n\n")
}

/// Plain text of the HTML (text nodes joined by spaces), as the register's exports and length checks see it.
pub fn plain_text(html: &str) -> String {
    let texts: Vec<String> = tokens(html)
        .into_iter()
        .filter_map(|t| t.err())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect();
    texts.join(" ")
}

/// The length the national register counts: characters after stripping HTML.
pub fn text_length(html: &str) -> usize {
    plain_text(html).chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_becomes_paragraphs_and_lists() {
        let html = to_html("Eerste regel\ntweede regel\n\n- punt een\n- punt twee\n\n1. stap\n2. stap & meer").unwrap();
        assert_eq!(
            html,
            "<p>Eerste regel<br>tweede regel</p><ul><li>punt een</li><li>punt twee</li></ul>\
             <ol><li>stap</li><li>stap &amp; meer</li></ol>"
        );
        assert_eq!(to_text(&html), "Eerste regel\ntweede regel\n\n- punt een\n- punt twee\n\n1. stap\n2. stap & meer");
        assert_eq!(to_html("   \n\n "), None);
    }

    #[test]
    fn pasted_html_is_sanitised() {
        let html = to_html(r#"<p onclick="x()" class="a">Hoi<script>alert(1)</script> <b>vet</b> <a href="https://e.nl">link</a></p><style>p{}</style><img src=x onerror=alert(1)><div>blok</div>"#)
            .unwrap();
        assert_eq!(html, "<p>Hoi vet link</p><p>blok</p>");
        assert!(!html.contains("script") && !html.contains("onclick") && !html.contains("img"));
    }

    #[test]
    fn typed_angle_brackets_are_text() {
        let html = to_html("a < b en c > d").unwrap();
        assert_eq!(html, "<p>a &lt; b en c &gt; d</p>");
        assert_eq!(text_length(&html), "a < b en c > d".chars().count());
        assert_eq!(blocks(&html), vec![Block::Paragraph(vec!["a < b en c > d".to_string()])]);
    }

    #[test]
    fn angle_brackets_that_are_not_tags_stay_text() {
        let html = to_html("Vul <naam gemeente> in bij versie <v2.\n\n- punt").unwrap();
        assert_eq!(html, "<p>Vul &lt;naam gemeente&gt; in bij versie &lt;v2.</p><ul><li>punt</li></ul>");
    }

    #[test]
    fn whitespace_is_normalised_and_nested_lists_keep_their_items() {
        let html = to_html("<ul><li>a<ul><li>b</li></ul></li></ul><p>x    \n   y</p>").unwrap();
        assert_eq!(html, "<ul><li>a</li></ul><ul><li>b</li></ul><p>x y</p>");
        assert_eq!(text_length(&html), "a b x y".len());
    }

    #[test]
    fn length_is_counted_without_tags() {
        assert_eq!(text_length("<p>abc</p><ul><li>de</li></ul>"), 6);
        assert_eq!(text_length("<p>é &amp; ü</p>"), 5);
    }
}
