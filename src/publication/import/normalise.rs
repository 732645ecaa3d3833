//! One record of an import file (JSON object or CSV row as key → value) into the registration form's input:
//! each field of standard 1.0 taken over as the form expects it, what real data gets wrong normalised, older
//! standards' fields mapped where one corresponds, and every change or loss noted in the row's report.

use serde_json::{Map, Value};

use super::RowReport;
use super::vocabulary::{
    CATEGORY_ALIASES, LEGACY_REFERENCES, LEGACY_TEXT, SILENT, STATUS_ALIASES, TAKEN, THEME_ALIASES, bare_year,
    https_address, lookup, month, status_by_words, undo_double_escape,
};
use crate::publication::algorithm_in::{GROUPING_KEYS, OrgInfo, filter_spelling};
use crate::publication::csv as register_csv;
use crate::register::fields::{self, PUBLICATION_CATEGORIES, REGISTER_STATUS, THEMES};
use crate::register::form::{FormData, is_https_link};
use crate::register::richtext;
use crate::web::forms::is_email;

pub(super) fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => {
            let s = register_csv::unneutralise(s).trim().to_string();
            (!s.is_empty()).then_some(s)
        }
        Value::Array(_) | Value::Object(_) => None,
        other => Some(other.to_string()),
    }
}

/// A field of the record as text, when it has any.
fn text(record: &Map<String, Value>, key: &str) -> Option<String> {
    record.get(key).and_then(as_text)
}

/// The first e-mail address in a text ("Mail naar info@gemeente.nl of bel 14 0123"), if any.
fn first_email(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || "<>()[],;:\"'".contains(c))
        .map(|w| w.trim_matches(|c: char| c == '.' || c == '!' || c == '?'))
        .map(|w| w.strip_prefix("mailto").map_or(w, |r| r.trim_start_matches(':')))
        .find(|w| w.contains('@') && is_email(w))
        .map(str::to_string)
}

/// The first `https://` address in a text, if any.
fn first_link(text: &str) -> Option<String> {
    let i = text.find("https://")?;
    let link: String = text[i..].chars().take_while(|c| !c.is_whitespace()).collect();
    let link = link.trim_end_matches(['.', ',', ';', ')']).to_string();
    is_https_link(&link).then_some(link)
}

/// A reference (title, link) from a grouping item, a CSV grouping cell or a legacy "Titel: https://..." text.
fn reference(title: &str, link: &str, fallback_title: &str) -> (String, String) {
    let once = undo_double_escape(title);
    let title = richtext::plain_text(once.as_deref().unwrap_or(title)).trim().trim_end_matches(':').trim().to_string();
    let title = if title.is_empty() { fallback_title.to_string() } else { title };
    (title, link.trim().to_string())
}

pub(super) struct Row {
    pub report: RowReport,
    pub form: FormData,
    extra_text: Vec<(&'static str, String)>,
}

/// Normalise one record (JSON object or CSV row as key → value) into form input.
pub(super) fn normalise(number: usize, record: &Map<String, Value>, from_csv: bool, org: &OrgInfo) -> Row {
    let mut row =
        Row { report: RowReport { number, ..Default::default() }, form: FormData::default(), extra_text: Vec::new() };
    row.report.name = text(record, "name").map(|n| richtext::plain_text(&n)).unwrap_or_default();
    row.note_metadata(record, org);
    for key in TAKEN {
        if let Some(raw) = text(record, key) {
            row.take(key, raw, org);
        }
    }
    if text(record, "contact_email").is_none() {
        row.note(format!("Contactgegevens ontbraken; het algemene adres {} is ingevuld.", org.contact_email));
    }
    if row.form.get("contact_email").is_empty() {
        row.form.push("contact_email", org.contact_email.clone());
    }
    row.take_themes(record.get("category"));
    row.take_groupings(record, from_csv);
    row.take_legacy(record);
    row.note_dropped(record);
    row.merge_extra_text();
    row
}

impl Row {
    fn note(&mut self, text: String) {
        self.report.notes.push(text);
    }

    fn error(&mut self, text: String) {
        self.report.errors.push(text);
    }

    /// The record's bookkeeping: an older standard, another language or another organisation is noted.
    fn note_metadata(&mut self, record: &Map<String, Value>, org: &OrgInfo) {
        let version = text(record, "standard_version").unwrap_or_else(|| "1.0".into());
        if !version.starts_with('1') {
            self.note(format!("Publicatiestandaard {version}: velden die in 1.0 bestaan zijn overgenomen."));
        }
        if let Some(lang) = text(record, "lang")
            && lang != "nld"
        {
            self.note(format!("Taal '{lang}' is 'nld' geworden (de enige waarde die het register kent)."));
        }
        if let Some(o) = text(record, "organization")
            && o != org.name
        {
            self.note(format!("Organisatie '{o}' in het bestand; opgenomen in het register van {}.", org.name));
        }
    }

    /// One of the `TAKEN` fields, as the form expects it.
    fn take(&mut self, key: &'static str, raw: String, org: &OrgInfo) {
        let label = fields::label(key);
        let raw = match undo_double_escape(&raw) {
            Some(once) => {
                self.note(format!("{label}: dubbel gecodeerde tekens (zoals &amp;amp;) zijn hersteld."));
                once
            }
            None => raw,
        };
        match key {
            "name" | "description_short" | "provider" => {
                let plain = richtext::plain_text(&raw);
                if plain != raw.split_whitespace().collect::<Vec<_>>().join(" ") && raw.contains('<') {
                    self.note(format!("{label}: HTML verwijderd (dit veld is platte tekst)."));
                }
                self.form.push(key, plain);
            }
            "tags" => self.form.push(key, richtext::plain_text(&raw)),
            "status" => match lookup(&raw, REGISTER_STATUS, &STATUS_ALIASES) {
                Some(v) => self.push_changed(key, &raw, v, ""),
                None => match status_by_words(&raw) {
                    Some(v) => self.push_changed(key, &raw, v, " (gelezen als status van een oudere standaard)"),
                    None => self.error(format!(
                        "{label}: '{raw}' is onbekend; gebruik In ontwikkeling, In gebruik of Buiten gebruik."
                    )),
                },
            },
            "publication_category" => match lookup(&raw, PUBLICATION_CATEGORIES, &CATEGORY_ALIASES) {
                Some(v) => self.push_changed(key, &raw, v, ""),
                None => {
                    self.note(format!("{label}: '{raw}' is onbekend en niet overgenomen; kies zelf een categorie."))
                }
            },
            "begin_date" | "end_date" => match month(&raw) {
                Some(m) => self.push_changed(key, &raw, &m, " (jjjj-mm)"),
                None if bare_year(&raw) => self.note(format!(
                    "{label}: '{raw}' is alleen een jaar; het register vraagt een maand (jjjj-mm). Niet overgenomen: vul de maand zelf in."
                )),
                None => self.note(format!("{label}: '{raw}' is geen maand (jjjj-mm) en is niet overgenomen.")),
            },
            "contact_email" => self.take_contact(raw.trim(), org),
            "website" | "url" | "publiccode" | "process_index_url" => {
                if is_https_link(&raw) {
                    self.form.push(key, raw);
                } else if let Some(link) = https_address(&raw) {
                    self.push_changed(key, &raw, &link, " (het register vraagt een https-link)");
                } else {
                    self.note(format!("{label}: '{raw}' is geen https-link en is niet overgenomen."));
                }
            }
            _ => {
                // Rich text: pasted HTML is cleaned to the register's tags, typed text becomes paragraphs.
                if raw.contains('<') && richtext::sanitise(&raw).len() + 16 < raw.len() {
                    self.note(format!("{label}: opmaak die het register niet kent is verwijderd."));
                }
                self.form.push(key, raw);
            }
        }
    }

    /// A value taken over as `v`; noted when it was written otherwise (`how` says what the new form is).
    fn push_changed(&mut self, key: &'static str, raw: &str, v: &str, how: &str) {
        if v != raw {
            self.note(format!("{}: '{raw}' is '{v}' geworden{how}.", fields::label(key)));
        }
        self.form.push(key, v);
    }

    /// The contact: an address or link, a link found in prose, or (left empty here) the organisation's own.
    fn take_contact(&mut self, v: &str, org: &OrgInfo) {
        let label = fields::label("contact_email");
        if is_email(v) || is_https_link(v) {
            self.form.push("contact_email", v);
        } else if let Some(address) = first_email(v) {
            self.note(format!("{label}: uit '{v}' is het adres {address} overgenomen."));
            self.form.push("contact_email", address);
        } else if let Some(link) = first_link(v) {
            self.note(format!("{label}: uit '{v}' is de link {link} overgenomen."));
            self.form.push("contact_email", link);
        } else {
            self.note(format!(
                "{label}: '{v}' is geen e-mailadres of https-link; het algemene adres {} is ingevuld.",
                org.contact_email
            ));
        }
    }

    /// Themes: a list (JSON) or "a, b" (CSV).
    fn take_themes(&mut self, category: Option<&Value>) {
        let themes: Vec<String> = match category {
            Some(Value::Array(items)) => items.iter().filter_map(as_text).collect(),
            Some(v) => as_text(v).map(|s| s.split(',').map(|t| t.trim().to_string()).collect()).unwrap_or_default(),
            None => Vec::new(),
        };
        for t in themes.iter().filter(|t| !t.is_empty()) {
            match lookup(t, THEMES, &THEME_ALIASES) {
                Some(v) => {
                    if v != t {
                        self.note(format!("Thema '{t}' is '{v}' geworden."));
                    }
                    if !self.form.has("category", v) {
                        self.form.push("category", v);
                    }
                }
                None => self.note(format!("Thema '{t}' bestaat niet in standaard 1.0 en is niet overgenomen.")),
            }
        }
    }

    /// The references of the three groupings: a list of {title, link} (JSON) or the register's cell (CSV).
    fn take_groupings(&mut self, record: &Map<String, Value>, from_csv: bool) {
        for key in GROUPING_KEYS {
            let items: Vec<(String, String)> = match record.get(key) {
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|i| {
                        (
                            i.get("title").and_then(as_text).unwrap_or_default(),
                            i.get("link").and_then(as_text).unwrap_or_default(),
                        )
                    })
                    .collect(),
                Some(v) if from_csv => as_text(v).map(|s| register_csv::parse_grouping(&s)).unwrap_or_default(),
                _ => Vec::new(),
            };
            for (title, link) in items {
                let (title, link) = reference(&title, &link, "Verwijzing");
                let title = if key == "impacttoetsen_grouping" { filter_spelling(&title) } else { title };
                self.add_reference(key, title, link);
            }
        }
    }

    /// Older standards (0.4 / 0.1) and the templates' legacy keys, where a 1.0 field corresponds.
    fn take_legacy(&mut self, record: &Map<String, Value>) {
        for (legacy_key, key, fallback) in LEGACY_REFERENCES {
            if let Some(raw) = text(record, legacy_key) {
                let (title, link) = match first_link(&raw) {
                    Some(link) => (raw[..raw.find("https://").unwrap_or(0)].to_string(), link),
                    None => (String::new(), raw.clone()),
                };
                let (title, link) = reference(&title, &link, fallback);
                self.note(format!(
                    "'{legacy_key}' (oudere standaard) is overgenomen als verwijzing bij {}.",
                    fields::label(key)
                ));
                self.add_reference(key, title, link);
            }
        }
        for (legacy_key, key) in LEGACY_TEXT {
            let Some(raw) = text(record, legacy_key) else { continue };
            let label = fields::label(key);
            if key == "website" {
                if self.form.get(key).is_empty() && is_https_link(&raw) {
                    self.form.push(key, raw);
                    self.note(format!("'{legacy_key}' (oudere standaard) is overgenomen als {label}."));
                }
                continue;
            }
            if key == "department" {
                self.form.push(key, richtext::plain_text(&raw).chars().take(100).collect::<String>());
                self.note(format!("'{legacy_key}' (oudere standaard) is overgenomen als {label}."));
                continue;
            }
            self.extra_text.push((key, raw));
            self.note(format!("'{legacy_key}' (oudere standaard) is toegevoegd aan {label}."));
        }
    }

    /// Fields with a value that nothing above reads: named, so the loss is visible.
    fn note_dropped(&mut self, record: &Map<String, Value>) {
        let known: Vec<&str> = TAKEN
            .iter()
            .chain(SILENT.iter())
            .chain(["category"].iter())
            .chain(GROUPING_KEYS.iter())
            .chain(LEGACY_REFERENCES.iter().map(|(k, _, _)| k))
            .chain(LEGACY_TEXT.iter().map(|(k, _)| k))
            .copied()
            .collect();
        let mut dropped: Vec<&str> = record
            .iter()
            .filter(|(k, v)| !known.contains(&k.as_str()) && !matches!(v, Value::Null) && as_text(v).is_some())
            .map(|(k, _)| k.as_str())
            .collect();
        dropped.sort_unstable();
        if !dropped.is_empty() {
            self.note(format!("Niet overgenomen (geen veld in standaard 1.0): {}.", dropped.join(", ")));
        }
    }

    /// Text that had nowhere else to go is appended to its field as a paragraph.
    fn merge_extra_text(&mut self) {
        for (key, line) in std::mem::take(&mut self.extra_text) {
            let current = self.form.get(key).to_string();
            let addition = richtext::to_text(&richtext::to_html(&line).unwrap_or_default());
            let merged = if current.is_empty() {
                addition
            } else {
                let current_text = if current.contains('<') {
                    richtext::to_text(&richtext::to_html(&current).unwrap_or_default())
                } else {
                    current
                };
                format!("{current_text}\n\n{addition}")
            };
            self.form.0.retain(|(k, _)| k != key);
            self.form.push(key, merged);
        }
    }

    /// Add a reference to a grouping; a reference whose link the standard requires but which has none (or no
    /// valid https link) goes into the matching text field, so nothing is lost.
    fn add_reference(&mut self, key: &'static str, title: String, link: String) {
        let label = fields::label(key);
        let link_required = key != "impacttoetsen_grouping";
        let valid = link.is_empty() || is_https_link(&link);
        if valid && !(link_required && link.is_empty()) {
            self.form.push(&format!("{key}_title"), title);
            self.form.push(&format!("{key}_link"), link);
            return;
        }
        if !link_required {
            // The link of an impact assessment often holds a remark ("uitgevoerd in 2021, zie bijlage"): a link
            // inside it is kept as the link, the remark goes to the impact assessments' text.
            let found = first_link(&link).unwrap_or_default();
            let remark = link.replacen(&found, "", 1).trim().trim_matches([',', ';', ':', '-']).trim().to_string();
            self.form.push(&format!("{key}_title"), title.clone());
            self.form.push(&format!("{key}_link"), found);
            if !remark.is_empty() {
                self.note(format!(
                    "{label}: bij '{title}' is '{remark}' geen link en is als opmerking toegevoegd aan {}.",
                    fields::label("impacttoetsen")
                ));
                self.extra_text.push(("impacttoetsen", format!("{title}: {remark}")));
            }
            return;
        }
        let text_key = if key == "lawful_basis_grouping" { "lawful_basis" } else { "source_data" };
        let line = if link.is_empty() { title.clone() } else { format!("{title} ({link})") };
        self.note(format!(
            "{label}: '{line}' heeft geen geldige https-link en is als tekst toegevoegd aan {}.",
            fields::label(text_key)
        ));
        self.extra_text.push((text_key, line));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;

    use super::*;

    fn org() -> OrgInfo {
        OrgInfo {
            organisation_id: Uuid::nil(),
            name: "Gemeente Test".into(),
            code: "gm0001".into(),
            contact_email: "algoritmes@test.example".into(),
        }
    }

    #[test]
    fn english_download_values_map_back() {
        let record = json!({
            "name": "Test", "description_short": "Kort.", "status": "In use",
            "publication_category": "High-Risk AI-system", "category": "Public Order and Safety, Agriculture",
            "lang": "NLD", "begin_date": "09-2023", "end_date": "n.v.t.",
            "contact_email": "Via contactformulier: https://www.rvo.nl/onderwerpen/contact",
            "impacttoetsen_grouping": "1: DPIA, De uitkomsten zijn niet openbaar.",
            "lawful_basis_grouping": "1: Wet, , https://wetten.overheid.nl/BWBR0001851. 2: Beleid",
            "standard_version": "1.0.0", "type": "Rule-based"
        });
        let org = org();
        let row = normalise(1, record.as_object().expect("object"), true, &org);
        let f = &row.form;
        assert_eq!(f.get("status"), "In gebruik");
        assert_eq!(f.get("publication_category"), "Hoog-risico AI-systeem");
        assert_eq!(f.all("category"), vec!["Openbare orde en veiligheid"]);
        assert_eq!(f.get("begin_date"), "2023-09");
        assert_eq!(f.get("end_date"), "");
        assert_eq!(f.get("contact_email"), "https://www.rvo.nl/onderwerpen/contact");
        assert_eq!(f.all("impacttoetsen_grouping_title"), vec!["DPIA"]);
        assert_eq!(f.all("impacttoetsen_grouping_link"), vec![""]);
        assert!(f.get("impacttoetsen").contains("DPIA: De uitkomsten zijn niet openbaar."), "the remark is kept");
        assert_eq!(f.all("lawful_basis_grouping_title"), vec!["Wet"]);
        assert!(f.get("lawful_basis").contains("Beleid"), "{:?}", f.get("lawful_basis"));
        let notes = row.report.notes.join(" | ");
        for expected in ["Taal 'NLD'", "'09-2023' is '2023-09'", "'n.v.t.' is geen maand", "Agriculture", "type"] {
            assert!(notes.contains(expected), "{expected} in {notes}");
        }
        assert!(row.report.errors.is_empty());
    }

    #[test]
    fn double_escapes_remarks_and_bare_years_are_not_lost() {
        let record = json!({
            "name": "Zorg &amp;amp; Welzijn", "description_short": "Kort.", "status": "In gebruik",
            "goal": "<p>Doel &amp;amp; nut</p>", "begin_date": "2021",
            "impacttoetsen_grouping": [{"title": "IAMA", "link": "Uitgevoerd in 2022, zie https://example.nl/iama.pdf"}]
        });
        let org = org();
        let row = normalise(1, record.as_object().expect("object"), false, &org);
        let f = &row.form;
        assert_eq!(f.get("name"), "Zorg & Welzijn");
        assert_eq!(f.get("goal"), "<p>Doel &amp; nut</p>");
        assert_eq!(f.get("begin_date"), "");
        assert_eq!(f.all("impacttoetsen_grouping_link"), vec!["https://example.nl/iama.pdf"]);
        assert!(f.get("impacttoetsen").contains("IAMA: Uitgevoerd in 2022, zie"), "{}", f.get("impacttoetsen"));
        let notes = row.report.notes.join(" | ");
        for expected in ["dubbel gecodeerde tekens", "'2021' is alleen een jaar", "als opmerking toegevoegd"] {
            assert!(notes.contains(expected), "{expected} in {notes}");
        }
    }
}
