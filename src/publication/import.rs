//! Import of existing algorithm descriptions: `AlgorithmIn` JSON (one object or a list, including the vendor
//! "sjablonen" the register offers), and the register's CSV download (standard 1.0 rows; 0.4 and 0.1 rows
//! mapped where a field corresponds; the English download's translated values mapped back). What real data
//! gets wrong is normalised and reported per row ("NLD", months like `03-2021`, prose in the contact field,
//! pasted HTML); every row then goes through the registration form's own validation. Writing is all or
//! nothing, in one transaction; a dry run only reports. Imported descriptions become drafts.

use serde_json::{Map, Value};
use sqlx::PgPool;
use uuid::Uuid;

use super::algorithm_in::OrgInfo;
use super::csv as register_csv;
use crate::audit::Actor;
use crate::register::fields::{self, PUBLICATION_CATEGORIES, REGISTER_STATUS, THEMES};
use crate::register::form::{self, FormData, Member, is_https_link, is_month};
use crate::register::richtext;
use crate::register::store;
use crate::web::forms::{FormErrors, is_email};

/// The largest file the import reads (the register's complete download is about 1 MB).
pub const MAX_FILE: usize = 10 * 1024 * 1024;

/// What happened to one row.
#[derive(Debug, Clone, Default)]
pub struct RowReport {
    /// 1-based: the object in a JSON list, or the CSV line of the record.
    pub number: usize,
    pub name: String,
    /// Normalisations and fields not taken over.
    pub notes: Vec<String>,
    /// Problems that stop the import.
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub format: String,
    pub rows: Vec<RowReport>,
    /// A problem with the file as a whole.
    pub file_error: Option<String>,
    pub written: usize,
    pub dry_run: bool,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.file_error.is_none() && self.rows.iter().all(|r| r.errors.is_empty())
    }

    pub fn error_rows(&self) -> usize {
        self.rows.iter().filter(|r| !r.errors.is_empty()).count()
    }

    /// The report as text lines (CLI).
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(e) = &self.file_error {
            out.push(format!("Bestand: {e}"));
        }
        for r in &self.rows {
            let state = if r.errors.is_empty() { "in orde" } else { "FOUT" };
            out.push(format!(
                "Rij {} – {}: {state}",
                r.number,
                if r.name.is_empty() { "(zonder naam)" } else { &r.name }
            ));
            out.extend(r.errors.iter().map(|e| format!("  fout: {e}")));
            out.extend(r.notes.iter().map(|n| format!("  aangepast: {n}")));
        }
        out
    }
}

/// A row ready to write.
struct Candidate {
    values: Map<String, Value>,
    lars: Option<String>,
}

/// The 1.0 keys the import takes (the others are fixed, derived or read-only).
const TAKEN: [&str; 21] = [
    "name",
    "description_short",
    "status",
    "begin_date",
    "end_date",
    "contact_email",
    "website",
    "publication_category",
    "url",
    "goal",
    "proportionality",
    "human_intervention",
    "risks",
    "lawful_basis",
    "impacttoetsen",
    "source_data",
    "methods_and_models",
    "provider",
    "publiccode",
    "tags",
    "process_index_url",
];

/// Keys that carry nothing to take over (bookkeeping of the register or of older standards).
const SILENT: [&str; 9] =
    ["organization", "lang", "standard_version", "source_id", "lars", "algorithm_id", "publication_dt", "id", "uuid"];

/// The English download's values (the register machine-translates them) and other spellings seen in real data.
const STATUS_ALIASES: [(&str, &str); 8] = [
    ("in use", "In gebruik"),
    ("in development", "In ontwikkeling"),
    ("out of use", "Buiten gebruik"),
    ("no longer in use", "Buiten gebruik"),
    ("in gebruik", "In gebruik"),
    ("in ontwikkeling", "In ontwikkeling"),
    ("buiten gebruik", "Buiten gebruik"),
    ("actief", "In gebruik"),
];
const CATEGORY_ALIASES: [(&str, &str); 6] = [
    ("high-risk ai-system", "Hoog-risico AI-systeem"),
    ("high-risk ai system", "Hoog-risico AI-systeem"),
    ("hoog-risico ai-systemen", "Hoog-risico AI-systeem"),
    ("impactful algorithms", "Impactvolle algoritmes"),
    ("other algorithms", "Overige algoritmes"),
    ("overige", "Overige algoritmes"),
];
const THEME_ALIASES: [(&str, &str); 18] = [
    ("organisation and business operations", "Organisatie en bedrijfsvoering"),
    ("organization and business operations", "Organisatie en bedrijfsvoering"),
    ("culture and recreation", "Cultuur en recreatie"),
    ("economy", "Economie"),
    ("public finance", "Overheidsfinanciën"),
    ("living", "Wonen"),
    ("housing", "Wonen"),
    ("international", "Internationaal"),
    ("migration and integration", "Migratie en integratie"),
    ("nature and environment", "Natuur en milieu"),
    ("education and science", "Onderwijs en wetenschap"),
    ("public order and safety", "Openbare orde en veiligheid"),
    ("law", "Recht"),
    ("space and infrastructure", "Ruimte en infrastructuur"),
    ("social security", "Sociale zekerheid"),
    ("traffic", "Verkeer"),
    ("work", "Werk"),
    ("health and healthcare", "Zorg en gezondheid"),
];

fn lookup(value: &str, exact: &[fields::Opt], aliases: &[(&str, &str)]) -> Option<&'static str> {
    let v = value.trim();
    if let Some(o) = exact.iter().find(|o| o.value.eq_ignore_ascii_case(v)) {
        return Some(o.value);
    }
    let lower = v.to_lowercase();
    aliases
        .iter()
        .find(|(a, _)| *a == lower)
        .and_then(|(_, target)| exact.iter().find(|o| o.value == *target).map(|o| o.value))
}

/// `03-2021` → `2021-03`; `2023-1` → `2023-01`; anything else is not a month.
fn month(raw: &str) -> Option<String> {
    let v = raw.trim();
    if is_month(v) {
        return Some(v.to_string());
    }
    let parts: Vec<&str> = v.split(['-', '/', '.']).collect();
    let (y, m) = match parts.as_slice() {
        [a, b] if a.len() == 4 => (*a, *b),
        [a, b] if b.len() == 4 => (*b, *a),
        _ => return None,
    };
    let m: u8 = m.parse().ok()?;
    let candidate = format!("{y}-{m:02}");
    is_month(&candidate).then_some(candidate)
}

fn as_text(v: &Value) -> Option<String> {
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

/// The first `https://` address in a text, if any.
fn first_link(text: &str) -> Option<String> {
    let i = text.find("https://")?;
    let link: String = text[i..].chars().take_while(|c| !c.is_whitespace()).collect();
    let link = link.trim_end_matches(['.', ',', ';', ')']).to_string();
    is_https_link(&link).then_some(link)
}

/// A reference (title, link) from a grouping item, a CSV grouping cell or a legacy "Titel: https://..." text.
fn reference(title: &str, link: &str, fallback_title: &str) -> (String, String) {
    let title = richtext::plain_text(title).trim().trim_end_matches(':').trim().to_string();
    let title = if title.is_empty() { fallback_title.to_string() } else { title };
    (title, link.trim().to_string())
}

struct Row {
    report: RowReport,
    form: FormData,
    extra_text: Vec<(&'static str, String)>,
}

impl Row {
    fn note(&mut self, text: String) {
        self.report.notes.push(text);
    }

    fn error(&mut self, text: String) {
        self.report.errors.push(text);
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
            self.note(format!("{label}: bij '{title}' is '{link}' geen https-link; alleen de titel is overgenomen."));
            self.form.push(&format!("{key}_title"), title);
            self.form.push(&format!("{key}_link"), "");
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

/// Normalise one record (JSON object or CSV row as key → value) into form input.
fn normalise(number: usize, record: &Map<String, Value>, from_csv: bool, org: &OrgInfo) -> Row {
    let mut row =
        Row { report: RowReport { number, ..Default::default() }, form: FormData::default(), extra_text: Vec::new() };
    let get = |k: &str| record.get(k).and_then(as_text);
    row.report.name = get("name").map(|n| richtext::plain_text(&n)).unwrap_or_default();
    let version = get("standard_version").unwrap_or_else(|| "1.0".into());
    let legacy = !version.starts_with('1');
    if legacy {
        row.note(format!("Publicatiestandaard {version}: velden die in 1.0 bestaan zijn overgenomen."));
    }
    if let Some(lang) = get("lang")
        && lang != "nld"
    {
        row.note(format!("Taal '{lang}' is 'nld' geworden (de enige waarde die het register kent)."));
    }
    if let Some(o) = get("organization")
        && o != org.name
    {
        row.note(format!("Organisatie '{o}' in het bestand; opgenomen in het register van {}.", org.name));
    }
    for key in TAKEN {
        let Some(raw) = get(key) else { continue };
        let label = fields::label(key);
        match key {
            "name" | "description_short" | "provider" => {
                let plain = richtext::plain_text(&raw);
                if plain != raw.split_whitespace().collect::<Vec<_>>().join(" ") && raw.contains('<') {
                    row.note(format!("{label}: HTML verwijderd (dit veld is platte tekst)."));
                }
                row.form.push(key, plain);
            }
            "tags" => row.form.push(key, richtext::plain_text(&raw)),
            "status" => match lookup(&raw, REGISTER_STATUS, &STATUS_ALIASES) {
                Some(v) => {
                    if v != raw {
                        row.note(format!("{label}: '{raw}' is '{v}' geworden."));
                    }
                    row.form.push(key, v);
                }
                None => row.error(format!(
                    "{label}: '{raw}' is onbekend; gebruik In ontwikkeling, In gebruik of Buiten gebruik."
                )),
            },
            "publication_category" => match lookup(&raw, PUBLICATION_CATEGORIES, &CATEGORY_ALIASES) {
                Some(v) => {
                    if v != raw {
                        row.note(format!("{label}: '{raw}' is '{v}' geworden."));
                    }
                    row.form.push(key, v);
                }
                None => row.note(format!("{label}: '{raw}' is onbekend en niet overgenomen; kies zelf een categorie.")),
            },
            "begin_date" | "end_date" => match month(&raw) {
                Some(m) => {
                    if m != raw {
                        row.note(format!("{label}: '{raw}' is '{m}' geworden (jjjj-mm)."));
                    }
                    row.form.push(key, m);
                }
                None => row.note(format!("{label}: '{raw}' is geen maand (jjjj-mm) en is niet overgenomen.")),
            },
            "contact_email" => {
                let v = raw.trim();
                if is_email(v) || is_https_link(v) {
                    row.form.push(key, v);
                } else if let Some(link) = first_link(v) {
                    row.note(format!("{label}: uit '{v}' is de link {link} overgenomen."));
                    row.form.push(key, link);
                } else {
                    row.note(format!(
                        "{label}: '{v}' is geen e-mailadres of https-link; het algemene adres {} is ingevuld.",
                        org.contact_email
                    ));
                }
            }
            "website" | "url" | "publiccode" | "process_index_url" => {
                if is_https_link(&raw) {
                    row.form.push(key, raw);
                } else {
                    row.note(format!("{label}: '{raw}' is geen https-link en is niet overgenomen."));
                }
            }
            _ => {
                // Rich text: pasted HTML is cleaned to the register's tags, typed text becomes paragraphs.
                if raw.contains('<') && richtext::sanitise(&raw).len() + 16 < raw.len() {
                    row.note(format!("{label}: opmaak die het register niet kent is verwijderd."));
                }
                row.form.push(key, raw);
            }
        }
    }
    if get("contact_email").is_none() {
        row.note(format!("Contactgegevens ontbraken; het algemene adres {} is ingevuld.", org.contact_email));
    }
    if row.form.get("contact_email").is_empty() {
        row.form.push("contact_email", org.contact_email.clone());
    }
    // Themes: a list (JSON) or "a, b" (CSV).
    let themes: Vec<String> = match record.get("category") {
        Some(Value::Array(items)) => items.iter().filter_map(as_text).collect(),
        Some(v) => as_text(v).map(|s| s.split(',').map(|t| t.trim().to_string()).collect()).unwrap_or_default(),
        None => Vec::new(),
    };
    for t in themes.iter().filter(|t| !t.is_empty()) {
        match lookup(t, THEMES, &THEME_ALIASES) {
            Some(v) => {
                if v != t {
                    row.note(format!("Thema '{t}' is '{v}' geworden."));
                }
                if !row.form.has("category", v) {
                    row.form.push("category", v);
                }
            }
            None => row.note(format!("Thema '{t}' bestaat niet in standaard 1.0 en is niet overgenomen.")),
        }
    }
    for key in ["lawful_basis_grouping", "impacttoetsen_grouping", "source_data_grouping"] {
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
            let title =
                if key == "impacttoetsen_grouping" { super::algorithm_in::filter_spelling(&title) } else { title };
            row.add_reference(key, title, link);
        }
    }
    // Older standards (0.4 / 0.1) and the templates' legacy keys, where a 1.0 field corresponds.
    for (legacy_key, key, fallback) in [
        ("lawful_basis_link", "lawful_basis_grouping", "Wettelijke basis"),
        ("source_data_link", "source_data_grouping", "Gegevensbron"),
    ] {
        if let Some(raw) = get(legacy_key) {
            let (title, link) = match first_link(&raw) {
                Some(link) => (raw[..raw.find("https://").unwrap_or(0)].to_string(), link),
                None => (String::new(), raw.clone()),
            };
            let (title, link) = reference(&title, &link, fallback);
            row.note(format!(
                "'{legacy_key}' (oudere standaard) is overgenomen als verwijzing bij {}.",
                fields::label(key)
            ));
            row.add_reference(key, title, link);
        }
    }
    for (legacy_key, key) in [
        ("description", "goal"),
        ("iama_description", "impacttoetsen"),
        ("dpia_description", "impacttoetsen"),
        ("department", "department"),
        ("application_url", "website"),
    ] {
        let Some(raw) = get(legacy_key) else { continue };
        let label = fields::label(key);
        if key == "website" {
            if row.form.get(key).is_empty() && is_https_link(&raw) {
                row.form.push(key, raw);
                row.note(format!("'{legacy_key}' (oudere standaard) is overgenomen als {label}."));
            }
            continue;
        }
        if key == "department" {
            row.form.push(key, richtext::plain_text(&raw).chars().take(100).collect::<String>());
            row.note(format!("'{legacy_key}' (oudere standaard) is overgenomen als {label}."));
            continue;
        }
        row.extra_text.push((key, raw));
        row.note(format!("'{legacy_key}' (oudere standaard) is toegevoegd aan {label}."));
    }
    let known: Vec<&str> = TAKEN
        .iter()
        .chain(SILENT.iter())
        .chain(["category", "lawful_basis_grouping", "impacttoetsen_grouping", "source_data_grouping"].iter())
        .chain(
            [
                "lawful_basis_link",
                "source_data_link",
                "description",
                "iama_description",
                "dpia_description",
                "department",
                "application_url",
            ]
            .iter(),
        )
        .copied()
        .collect();
    let mut dropped: Vec<&str> = record
        .iter()
        .filter(|(k, v)| !known.contains(&k.as_str()) && !matches!(v, Value::Null) && as_text(v).is_some())
        .map(|(k, _)| k.as_str())
        .collect();
    dropped.sort_unstable();
    if !dropped.is_empty() {
        row.note(format!("Niet overgenomen (geen veld in standaard 1.0): {}.", dropped.join(", ")));
    }
    // Text that had nowhere else to go is appended to its field as a paragraph.
    for (key, line) in std::mem::take(&mut row.extra_text) {
        let current = row.form.get(key).to_string();
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
        row.form.0.retain(|(k, _)| k != key);
        row.form.push(key, merged);
    }
    row
}

/// Parse the file into records: JSON (object or list) or CSV with a header row of standard keys.
/// A record: its number, its fields, and whether it came from a CSV file.
type Record = (usize, Map<String, Value>, bool);

fn records(text: &str) -> Result<(String, Vec<Record>), String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let value: Value = serde_json::from_str(trimmed)
            .map_err(|e| format!("geen geldige JSON ({})", super::json_error::dutch(&e)))?;
        let list = match value {
            Value::Array(items) => items,
            other => vec![other],
        };
        let mut out = Vec::new();
        for (i, item) in list.into_iter().enumerate() {
            match item {
                Value::Object(map) => out.push((i + 1, map, false)),
                _ => out.push((i + 1, Map::new(), false)),
            }
        }
        return Ok(("JSON (AlgorithmIn)".into(), out));
    }
    let rows = register_csv::parse(text)?;
    let Some((header, body)) = rows.split_first() else { return Err("het bestand is leeg".into()) };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    if !header.iter().any(|h| h == "name") {
        return Err(
            "de eerste regel noemt geen kolom 'name'; gebruik de CSV-download van het Algoritmeregister of JSON".into(),
        );
    }
    let mut out = Vec::new();
    // Record numbers are data lines (1 = first algorithm), as people count rows in a spreadsheet.
    for (i, cells) in body.iter().enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut map = Map::new();
        for (h, c) in header.iter().zip(cells) {
            if !h.is_empty() {
                map.insert(h.clone(), Value::String(c.clone()));
            }
        }
        out.push((i + 1, map, true));
    }
    Ok(("CSV (downloadformaat van het Algoritmeregister)".into(), out))
}

/// Read and check a file; nothing is written.
async fn prepare(pool: &PgPool, org: &OrgInfo, bytes: &[u8]) -> sqlx::Result<(Report, Vec<Candidate>)> {
    let mut report = Report::default();
    let Ok(text) = std::str::from_utf8(bytes) else {
        report.file_error = Some("het bestand is geen UTF-8-tekst (sla het op als CSV UTF-8 of JSON)".into());
        return Ok((report, Vec::new()));
    };
    let (format, records) = match records(text) {
        Ok(r) => r,
        Err(e) => {
            report.file_error = Some(e);
            return Ok((report, Vec::new()));
        }
    };
    report.format = format;
    if records.is_empty() {
        report.file_error = Some("het bestand bevat geen beschrijvingen".into());
    }
    let members: Vec<Member> = store::members(pool, org.organisation_id).await?;
    let existing_lars: Vec<String> = sqlx::query_scalar!(
        r#"select lars as "v!" from application where organisation_id = $1 and lars is not null"#,
        org.organisation_id
    )
    .fetch_all(pool)
    .await?;
    let existing: Vec<(String, String)> = sqlx::query!(
        r#"select lower(name) as "c0!: String",
                     description_short as "c1!: String" from application where organisation_id = $1"#,
        org.organisation_id
    )
    .map(|r| (r.c0, r.c1))
    .fetch_all(pool)
    .await?;
    let mut seen_lars: Vec<String> = Vec::new();
    let mut candidates = Vec::new();
    for (number, record, from_csv) in records {
        if record.is_empty() {
            report.rows.push(RowReport {
                number,
                errors: vec!["is geen object met velden van de publicatiestandaard".into()],
                ..Default::default()
            });
            continue;
        }
        let mut row = normalise(number, &record, from_csv, org);
        let mut errors = FormErrors::new();
        let values = form::validate(&row.form, &members, &mut errors);
        for (_, message) in errors.iter() {
            row.report.errors.push(message.clone());
        }
        let lars = ["lars", "algorithm_id"]
            .iter()
            .find_map(|k| record.get(*k).and_then(as_text))
            .filter(|l| l.len() == 8 && l.bytes().all(|b| b.is_ascii_digit()) && !l.starts_with('0'));
        if let Some(l) = &lars {
            if existing_lars.contains(l) {
                row.report.errors.push(format!("Algoritme-ID {l} staat al in het register."));
            } else if seen_lars.contains(l) {
                row.report.errors.push(format!("Algoritme-ID {l} komt twee keer voor in het bestand."));
            }
            seen_lars.push(l.clone());
        }
        let name = row.report.name.to_lowercase();
        let short = values.get("description_short").and_then(Value::as_str).unwrap_or("");
        if existing.iter().any(|(n, d)| *n == name && d == short) {
            row.report
                .errors
                .push("Deze beschrijving (zelfde naam en korte omschrijving) staat al in het register.".into());
        } else if existing.iter().any(|(n, _)| *n == name) {
            row.report.notes.push("Er staat al een registratie met deze naam in het register.".into());
        }
        if row.report.errors.is_empty() {
            candidates.push(Candidate { values, lars });
        }
        report.rows.push(row.report);
    }
    Ok((report, candidates))
}

/// Check the file and, unless `dry_run` or anything is wrong, write every row as a draft in one transaction.
pub async fn run(
    pool: &PgPool,
    org: &OrgInfo,
    actor: &Actor,
    created_by: Option<Uuid>,
    bytes: &[u8],
    dry_run: bool,
) -> sqlx::Result<Report> {
    let (mut report, candidates) = prepare(pool, org, bytes).await?;
    report.dry_run = dry_run;
    if dry_run || !report.ok() {
        return Ok(report);
    }
    let members = store::members(pool, org.organisation_id).await?;
    let mut tx = pool.begin().await?;
    for c in &candidates {
        let stored =
            store::insert_recorded(&mut tx, org.organisation_id, actor, created_by, &c.values, &[], &members).await?;
        if let Some(lars) = &c.lars {
            sqlx::query!("update application set lars = $2 where application_id = $1", stored.id, lars)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    report.written = candidates.len();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn org() -> OrgInfo {
        OrgInfo {
            organisation_id: Uuid::nil(),
            name: "Gemeente Test".into(),
            code: "gm0001".into(),
            contact_email: "algoritmes@test.example".into(),
        }
    }

    #[test]
    fn months_from_real_data() {
        assert_eq!(month("2023-01").as_deref(), Some("2023-01"));
        assert_eq!(month("03-2021").as_deref(), Some("2021-03"));
        assert_eq!(month("2023-1").as_deref(), Some("2023-01"));
        assert_eq!(month("2023"), None);
        assert_eq!(month("n.v.t."), None);
        assert_eq!(month("13-2021"), None);
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
        assert_eq!(f.all("lawful_basis_grouping_title"), vec!["Wet"]);
        assert!(f.get("lawful_basis").contains("Beleid"), "{:?}", f.get("lawful_basis"));
        let notes = row.report.notes.join(" | ");
        for expected in ["Taal 'NLD'", "'09-2023' is '2023-09'", "'n.v.t.' is geen maand", "Agriculture", "type"] {
            assert!(notes.contains(expected), "{expected} in {notes}");
        }
        assert!(row.report.errors.is_empty());
    }
}
