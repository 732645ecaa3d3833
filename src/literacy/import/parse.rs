//! Reading a learning platform's completions file: the text (UTF-8, a BOM skipped), the separator (`;` as
//! Dutch spreadsheets write it, or `,`), the columns by their header names in Dutch or English, and per line
//! the four cells. What needs the database (does the person or training exist) is checked by the caller.

use time::{Date, Month};

use crate::publication::csv as register_csv;

/// The columns the import knows, and the header names that mean them (compared without case, spaces, `-`, `_`).
const EMAIL: &[&str] = &["email", "emailadres", "mail", "medewerker"];
const TRAINING: &[&str] = &["training", "trainingid", "titel", "title", "cursus", "course"];
const DATE: &[&str] = &["datum", "date", "afgerondop", "completedon", "completiondate", "voltooid"];
const LINK: &[&str] =
    &["certificaat", "certificate", "link", "bewijs", "evidence", "certificaatlink", "certificatelink"];

/// One line of the file, as written (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    /// The line number a spreadsheet shows (the header is line 1).
    pub number: usize,
    pub email: String,
    pub training: String,
    pub date: String,
    pub link: String,
}

impl Line {
    pub fn is_empty(&self) -> bool {
        [&self.email, &self.training, &self.date, &self.link].iter().all(|c| c.is_empty())
    }
}

fn header_key(h: &str) -> String {
    h.chars().filter(|c| !matches!(c, ' ' | '-' | '_' | '.')).flat_map(char::to_lowercase).collect()
}

/// `;` when the header line has more of them than commas.
fn separator(text: &str) -> char {
    let first = text.lines().next().unwrap_or("");
    if first.matches(';').count() > first.matches(',').count() { ';' } else { ',' }
}

/// The file's lines, or the Dutch reason the file as a whole cannot be read.
pub fn lines(bytes: &[u8]) -> Result<Vec<Line>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "het bestand is geen UTF-8-tekst (sla het op als CSV UTF-8)")?;
    let text = text.strip_prefix(register_csv::BOM).unwrap_or(text);
    let records = register_csv::parse_separated(text, separator(text))?;
    let mut records = records.into_iter();
    let header: Vec<String> = records.next().unwrap_or_default().iter().map(|h| header_key(h)).collect();
    let column = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let (Some(email), Some(training), Some(date)) = (column(EMAIL), column(TRAINING), column(DATE)) else {
        return Err("de kopregel moet de kolommen e-mail, training en datum hebben (en eventueel certificaat)".into());
    };
    let link = column(LINK);
    let cell = |r: &[String], i: usize| r.get(i).map(|c| c.trim().to_string()).unwrap_or_default();
    Ok(records
        .enumerate()
        .map(|(i, r)| Line {
            number: i + 2,
            email: cell(&r, email),
            training: cell(&r, training),
            date: cell(&r, date),
            link: link.map(|l| cell(&r, l)).unwrap_or_default(),
        })
        .collect())
}

/// A date as JJJJ-MM-DD or DD-MM-JJJJ (also with `/`); None when it is neither or does not exist.
pub fn date(v: &str) -> Option<Date> {
    let parts: Vec<&str> = v.split(['-', '/']).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let (y, m, d) = match (a.len(), c.len()) {
        (4, 1..=2) => (a, b, c),
        (1..=2, 4) => (c, b, a),
        _ => return None,
    };
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date as d;

    #[test]
    fn dutch_and_english_headers_either_separator_and_a_bom() {
        let nl = "\u{feff}E-mail;Training;Datum;Certificaat\r\na@x.nl;Basis AI;15-01-2026;https://l.nl/c\r\n;;;\r\n";
        let got = lines(nl.as_bytes()).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0],
            Line {
                number: 2,
                email: "a@x.nl".into(),
                training: "Basis AI".into(),
                date: "15-01-2026".into(),
                link: "https://l.nl/c".into()
            }
        );
        assert!(got[1].is_empty() && got[1].number == 3);
        let en = "email,date,title\nb@x.nl,2026-02-01,\"Copilot, gevorderd\"\n";
        let got = lines(en.as_bytes()).unwrap();
        assert_eq!(
            (got[0].training.as_str(), got[0].date.as_str(), got[0].link.as_str()),
            ("Copilot, gevorderd", "2026-02-01", "")
        );
    }

    #[test]
    fn a_file_without_the_columns_or_not_utf8_is_refused() {
        assert!(lines(b"naam;cursus\nA;B\n").unwrap_err().contains("e-mail, training en datum"));
        assert!(lines(b"email;training;datum\n\xff\xfe\n").unwrap_err().contains("UTF-8"));
        assert!(lines(b"email;training;datum\n\"a;b;c\n").is_err());
    }

    #[test]
    fn dates_in_both_orders() {
        assert_eq!(date("2026-01-15"), Some(d!(2026 - 01 - 15)));
        assert_eq!(date("15-01-2026"), Some(d!(2026 - 01 - 15)));
        assert_eq!(date("5/1/2026"), Some(d!(2026 - 01 - 05)));
        for bad in ["", "2026-13-01", "31-02-2026", "15.01.2026", "26-01-15", "gisteren"] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }
}
