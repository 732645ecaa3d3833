//! The register's CSV download format: UTF-8 with BOM, comma separated, every field quoted; HTML stripped,
//! entities unescaped and newlines as spaces; lists as `a, b`; reference groupings as
//! `1: title, link. 2: title, link`; then the columns `algorithm_id` (lars) and `publication_dt`. Cells that a
//! spreadsheet would run as a formula (`= + - @`, tab, carriage return) get a leading apostrophe. Also reads
//! such files back (RFC 4180) for the import.

use serde_json::{Map, Value};

use super::algorithm_in::{GROUPING_KEYS, KEYS, RICH_KEYS};
use crate::register::richtext;

pub const BOM: &str = "\u{feff}";

/// The extra columns after the standard's keys.
pub const EXTRA: [&str; 2] = ["algorithm_id", "publication_dt"];

/// A spreadsheet runs cells starting with these as formulas (OWASP "CSV injection").
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Undo `neutralise` on import: an apostrophe before a formula character was ours.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A grouping as the register writes it.
pub fn grouping_text(items: &[Value]) -> String {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let title = one_line(item.get("title").and_then(Value::as_str).unwrap_or(""));
            match item.get("link").and_then(Value::as_str).filter(|l| !l.is_empty()) {
                Some(link) => format!("{}: {title}, {link}", i + 1),
                None => format!("{}: {title}", i + 1),
            }
        })
        .collect::<Vec<_>>()
        .join(". ")
}

/// The text of one standard field as the register's download shows it.
pub fn cell_text(key: &str, v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) if RICH_KEYS.contains(&key) => one_line(&richtext::plain_text(s)),
        Value::String(s) => one_line(s),
        Value::Array(items) if GROUPING_KEYS.contains(&key) => grouping_text(items),
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn quoted(cell: &str) -> String {
    format!("\"{}\"", cell.replace('"', "\"\""))
}

/// The BOM and the header line.
pub fn head() -> String {
    let header: Vec<String> = KEYS.iter().chain(EXTRA.iter()).map(|k| quoted(k)).collect();
    format!("{BOM}{}\r\n", header.join(","))
}

/// One registration's line; `extra` gives its lars and publication date (empty when not known).
pub fn line(body: &Map<String, Value>, extra: &[String; 2]) -> String {
    let mut cells: Vec<String> =
        KEYS.iter().map(|k| quoted(&neutralise(&cell_text(k, body.get(*k).unwrap_or(&Value::Null))))).collect();
    cells.extend(extra.iter().map(|e| quoted(&neutralise(e))));
    let mut out = cells.join(",");
    out.push_str("\r\n");
    out
}

/// One body per row (the whole register is written line by line by `publication::stream`).
pub fn write(rows: &[(Map<String, Value>, [String; 2])]) -> Vec<u8> {
    let mut out = head();
    for (body, extra) in rows {
        out.push_str(&line(body, extra));
    }
    out.into_bytes()
}

/// Rows of text (already neutralised by the caller) as a file with the register export's conventions: UTF-8
/// with BOM, every field quoted, CRLF line ends. The policy and literacy coverage exports use it.
pub fn table(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from(BOM);
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// Parse CSV text (a leading BOM is skipped): records of fields; quoted fields may hold commas, quotes and
/// newlines. Err names the line of an unterminated quote.
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
    parse_separated(text, ',')
}

/// As [`parse`], with another field separator (`;`, as Dutch spreadsheets write CSV).
pub fn parse_separated(text: &str, separator: char) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut quote_line = 0;
    let mut in_quotes = false;
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                in_quotes = true;
                quote_line = line;
            }
            c if c == separator => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                any = false;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(format!("regel {quote_line}: een veld tussen aanhalingstekens wordt niet afgesloten"));
    }
    if any {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

/// Split a grouping cell back into items: (title, link).
pub fn parse_grouping(cell: &str) -> Vec<(String, String)> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Vec::new();
    }
    let Some(mut rest) = cell.strip_prefix("1: ") else {
        return vec![split_item(cell)];
    };
    let mut items = Vec::new();
    let mut n = 2;
    loop {
        let marker = format!(". {n}: ");
        match rest.find(&marker) {
            Some(i) => {
                items.push(split_item(&rest[..i]));
                rest = &rest[i + marker.len()..];
                n += 1;
            }
            None => {
                items.push(split_item(rest));
                return items;
            }
        }
    }
}

fn split_item(item: &str) -> (String, String) {
    let item = item.trim();
    match item.rfind(", ") {
        Some(i) => {
            let title = item[..i].trim().trim_end_matches(',').trim();
            (title.to_string(), item[i + 2..].trim().to_string())
        }
        None => (item.trim_end_matches(',').trim().to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formulas_are_neutralised_and_restored() {
        for f in ["=HYPERLINK(\"x\")", "+31", "-1", "@SUM(A1)", "\tx"] {
            let n = neutralise(f);
            assert!(n.starts_with('\''), "{f}");
            assert_eq!(unneutralise(&n), f);
        }
        assert_eq!(neutralise("Gewoon"), "Gewoon");
        assert_eq!(unneutralise("'t Hooft"), "'t Hooft");
    }

    #[test]
    fn cells_as_the_register_writes_them() {
        assert_eq!(cell_text("goal", &json!("<p>Een &amp; twee</p><ul><li>drie</li></ul>")), "Een & twee drie");
        assert_eq!(cell_text("category", &json!(["Economie", "Wonen"])), "Economie, Wonen");
        let g = json!([{"title": "AVG", "link": "https://wetten.overheid.nl/BWBR0011468"}, {"title": "DPIA"}]);
        assert_eq!(cell_text("lawful_basis_grouping", &g), "1: AVG, https://wetten.overheid.nl/BWBR0011468. 2: DPIA");
        assert_eq!(cell_text("name", &json!("Twee\nregels")), "Twee regels");
    }

    #[test]
    fn writes_bom_quotes_everything_and_reads_back() {
        let mut body = Map::new();
        body.insert("name".into(), json!("Naam met \"quotes\", komma"));
        body.insert("description_short".into(), json!("=1+1"));
        let bytes = write(&[(body, ["12345678".into(), String::new()])]);
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.starts_with("\u{feff}\"name\",\"organization\""));
        let rows = parse(&text).expect("parse");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].len(), 31);
        assert_eq!(rows[1][0], "Naam met \"quotes\", komma");
        assert_eq!(rows[1][2], "'=1+1");
        assert_eq!(rows[1][29], "12345678");
        assert!(parse("\"open").unwrap_err().contains("regel 1"));
        assert_eq!(parse("a,b\n\"x\ny\",z\n").expect("multi-line"), vec![vec!["a", "b"], vec!["x\ny", "z"]]);
    }

    #[test]
    fn groupings_from_real_downloads() {
        assert_eq!(
            parse_grouping(
                "1: Wet rechten burgerlijke stand, , https://wetten.overheid.nl/BWBR0001851. 2: Wet basisregistratie personen, https://wetten.overheid.nl/BWBR0033715"
            ),
            vec![
                ("Wet rechten burgerlijke stand".into(), "https://wetten.overheid.nl/BWBR0001851".into()),
                ("Wet basisregistratie personen".into(), "https://wetten.overheid.nl/BWBR0033715".into())
            ]
        );
        assert_eq!(
            parse_grouping("1: DPIA intake, n.v.t.. 2: AIA intake, n.v.t."),
            vec![("DPIA intake".into(), "n.v.t.".into()), ("AIA intake".into(), "n.v.t.".into())]
        );
        assert_eq!(parse_grouping("1: Nee,   "), vec![("Nee".into(), String::new())]);
    }
}
