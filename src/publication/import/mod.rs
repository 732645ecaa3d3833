//! Import of existing algorithm descriptions: `AlgorithmIn` JSON (one object or a list, including the vendor
//! "sjablonen" the register offers), and the register's CSV download (standard 1.0 rows; 0.4 and 0.1 rows
//! mapped where a field corresponds; the English download's translated values mapped back). What real data
//! gets wrong is normalised and reported per row ("NLD", months like `03-2021`, prose in the contact field,
//! pasted HTML); every row then goes through the registration form's own validation. Imported descriptions
//! become drafts, written in one transaction. By default the import is all or nothing; a partial import writes
//! the rows that are in order (and, when asked, the others as drafts that keep what fits, with what was left out
//! in their history) and reports every other row. A dry run only reports.

mod normalise;
mod vocabulary;

use std::collections::HashSet;

use serde_json::{Map, Value};
use sqlx::PgPool;
use uuid::Uuid;

use super::algorithm_in::OrgInfo;
use super::csv as register_csv;
use crate::audit::Actor;
use crate::register::draft;
use crate::register::form::{self, FormData, Member};
use crate::register::store;
use crate::web::forms::FormErrors;
use normalise::{Row, as_text, normalise};

/// What to do with a file in which some rows are not in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Nothing is written unless every row is in order.
    #[default]
    AllOrNothing,
    /// The rows in order are written; the others are reported.
    Partial,
    /// As `Partial`, and the other rows become drafts with what fits (a row without a usable name stays out).
    PartialWithDrafts,
}

impl Mode {
    /// The web form's and the command line's choice: "alles" (default), "goede", "concepten".
    pub fn parse(value: &str) -> Option<Mode> {
        match value {
            "" | "alles" => Some(Mode::AllOrNothing),
            "goede" => Some(Mode::Partial),
            "concepten" => Some(Mode::PartialWithDrafts),
            _ => None,
        }
    }

    /// The choices as the web form offers them: value and label.
    pub const CHOICES: &[(&str, &str)] = &[
        ("alles", "Niets importeren (alles of niets)"),
        ("goede", "Alleen de rijen die in orde zijn importeren, de andere melden"),
        ("concepten", "De rijen die in orde zijn importeren, en de andere als concept met wat past"),
    ];

    pub fn value(self) -> &'static str {
        match self {
            Mode::AllOrNothing => "alles",
            Mode::Partial => "goede",
            Mode::PartialWithDrafts => "concepten",
        }
    }

    fn drafts(self) -> bool {
        self == Mode::PartialWithDrafts
    }
}

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
    /// Written as a draft with what fits, despite the errors (a partial import with drafts).
    pub as_draft: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub format: String,
    pub rows: Vec<RowReport>,
    /// A problem with the file as a whole.
    pub file_error: Option<String>,
    /// Rows written in order, and rows written as drafts despite their errors.
    pub written: usize,
    pub drafts: usize,
    pub dry_run: bool,
    pub mode: Mode,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.file_error.is_none() && self.rows.iter().all(|r| r.errors.is_empty())
    }

    pub fn error_rows(&self) -> usize {
        self.rows.iter().filter(|r| !r.errors.is_empty()).count()
    }

    /// Whether anything was or (in a dry run) would be written.
    pub fn writes(&self) -> bool {
        self.file_error.is_none() && (self.ok() || self.mode != Mode::AllOrNothing)
    }

    /// One line of counts: imported, as draft, reported (every row not written). In a dry run: what would be.
    pub fn counts(&self) -> String {
        let (good, drafts) = if self.writes() {
            (self.rows.iter().filter(|r| r.errors.is_empty()).count(), self.rows.iter().filter(|r| r.as_draft).count())
        } else {
            (0, 0)
        };
        let reported = self.rows.len() - good - drafts;
        let would = if self.dry_run { " (proefimport: niets opgeslagen)" } else { "" };
        format!("{good} geïmporteerd, {drafts} als concept, {reported} gemeld{would}")
    }

    /// The report as text lines (CLI).
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(e) = &self.file_error {
            out.push(format!("Bestand: {e}"));
        }
        for r in &self.rows {
            let state = match (r.errors.is_empty(), r.as_draft) {
                (true, _) => "in orde",
                (false, true) => "FOUT, als concept met wat past",
                (false, false) => "FOUT",
            };
            out.push(format!(
                "Rij {} – {}: {state}",
                r.number,
                if r.name.is_empty() { "(zonder naam)" } else { &r.name }
            ));
            out.extend(r.errors.iter().map(|e| format!("  fout: {e}")));
            out.extend(r.notes.iter().map(|n| format!("  aangepast: {n}")));
        }
        if self.file_error.is_none() {
            out.push(self.counts());
        }
        out
    }
}

/// A row ready to write.
struct Candidate {
    values: Map<String, Value>,
    lars: Option<String>,
    /// What was changed on the way in, and (for a draft) what was left out: kept in the registration's history.
    notes: Vec<String>,
    problems: Vec<String>,
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
async fn prepare(pool: &PgPool, org: &OrgInfo, bytes: &[u8], mode: Mode) -> sqlx::Result<(Report, Vec<Candidate>)> {
    let mut report = Report { mode, ..Report::default() };
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
    let mut known = Known::load(pool, org).await?;
    let mut candidates = Vec::new();
    for (number, record, from_csv) in &records {
        if record.is_empty() {
            report.rows.push(RowReport {
                number: *number,
                errors: vec!["is geen object met velden van de publicatiestandaard".into()],
                ..Default::default()
            });
            continue;
        }
        let row = normalise(*number, record, *from_csv, org);
        let (row, candidate) = known.check(record, row, mode.drafts());
        candidates.extend(candidate);
        report.rows.push(row);
    }
    Ok((report, candidates))
}

/// The members a row's person fields are resolved among: none, as the standard has no person fields
/// ([`vocabulary::TAKEN`]; a unit test there checks it), so no member is read.
const NO_MEMBERS: &[Member] = &[];

/// What each row is checked against: the algorithm IDs and descriptions the register already holds, and the
/// algorithm IDs seen earlier in the file; a row's checks do not grow with the register (each scanned every
/// registration's name and description).
struct Known {
    lars: HashSet<String>,
    /// (lower-case name, short description), sorted: a row looks its name up (a map of 100,000 names took a
    /// quarter more memory than the list).
    described: Vec<(String, String)>,
    seen_lars: HashSet<String>,
}

impl Known {
    async fn load(pool: &PgPool, org: &OrgInfo) -> sqlx::Result<Known> {
        let lars = sqlx::query_scalar!(
            r#"select lars as "v!" from application where organisation_id = $1 and lars is not null"#,
            org.organisation_id
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
        let mut described: Vec<(String, String)> = sqlx::query!(
            r#"select lower(name) as "c0!: String",
                     description_short as "c1!: String" from application where organisation_id = $1"#,
            org.organisation_id
        )
        .map(|r| (r.c0, r.c1))
        .fetch_all(pool)
        .await?;
        described.sort_unstable();
        Ok(Known { lars, described, seen_lars: HashSet::new() })
    }

    /// One record: normalised, validated as the registration form validates, and checked for duplicates; a
    /// candidate to write when nothing is wrong, or (with `drafts`) a draft of what fits.
    fn check(&mut self, record: &Map<String, Value>, row: Row, drafts: bool) -> (RowReport, Option<Candidate>) {
        let Row { mut report, form: input, .. } = row;
        let mut errors = FormErrors::new();
        let values = form::validate(&input, NO_MEMBERS, &mut errors);
        for (_, message) in errors.iter() {
            report.errors.push(message.clone());
        }
        let lars = ["lars", "algorithm_id"]
            .iter()
            .find_map(|k| record.get(*k).and_then(as_text))
            .filter(|l| l.len() == 8 && l.bytes().all(|b| b.is_ascii_digit()) && !l.starts_with('0'));
        if let Some(l) = &lars {
            if self.lars.contains(l) {
                report.errors.push(format!("Algoritme-ID {l} staat al in het register."));
            } else if !self.seen_lars.insert(l.clone()) {
                report.errors.push(format!("Algoritme-ID {l} komt twee keer voor in het bestand."));
            }
        }
        let name = report.name.to_lowercase();
        let short = values.get("description_short").and_then(Value::as_str).unwrap_or("");
        let first = self.described.partition_point(|(n, _)| *n < name);
        let same_name: Vec<&str> =
            self.described[first..].iter().take_while(|(n, _)| *n == name).map(|(_, d)| d.as_str()).collect();
        if same_name.contains(&short) {
            report
                .errors
                .push("Deze beschrijving (zelfde naam en korte omschrijving) staat al in het register.".into());
        } else if !same_name.is_empty() {
            report.notes.push("Er staat al een registratie met deze naam in het register.".into());
        }
        if report.errors.is_empty() {
            let candidate = Candidate { values, lars, notes: report.notes.clone(), problems: Vec::new() };
            return (report, Some(candidate));
        }
        // A draft never repeats a registration the register or the file already has.
        let duplicate = report.errors.iter().any(|e| e.contains("staat al in het register") || e.contains("twee keer"));
        if !drafts || duplicate {
            return (report, None);
        }
        let fitting = draft::validate_keeping_valid(&input, &FormData::default(), NO_MEMBERS)
            .filter(|(values, _, _)| values.get("name").and_then(Value::as_str).is_some_and(|n| !n.is_empty()));
        let Some((values, _, _)) = fitting else { return (report, None) };
        report.as_draft = true;
        let candidate = Candidate { values, lars: None, notes: report.notes.clone(), problems: report.errors.clone() };
        (report, Some(candidate))
    }
}

/// Check the file and write its rows as drafts in one transaction: every row when all are in order, or (in a
/// partial `mode`) the rows in order and, with drafts, what fits of the others. A dry run writes nothing.
pub async fn run(
    pool: &PgPool,
    org: &OrgInfo,
    actor: &Actor,
    created_by: Option<Uuid>,
    bytes: &[u8],
    dry_run: bool,
    mode: Mode,
) -> sqlx::Result<Report> {
    let (mut report, candidates) = prepare(pool, org, bytes, mode).await?;
    report.dry_run = dry_run;
    if dry_run || !report.writes() {
        return Ok(report);
    }
    let mut tx = pool.begin().await?;
    for c in &candidates {
        let stored = store::insert(&mut tx, org.organisation_id, created_by, &c.values, &[]).await?;
        let mut extra = Vec::new();
        if !c.notes.is_empty() {
            extra.push(("import_notes", Value::from(c.notes.clone())));
        }
        if !c.problems.is_empty() {
            extra.push(("import_problems", Value::from(c.problems.clone())));
        }
        store::record_with(&mut tx, actor, "application.created", None, &stored, &extra).await?;
        if let Some(lars) = &c.lars {
            sqlx::query!("update application set lars = $2 where application_id = $1", stored.id, lars)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    report.drafts = candidates.iter().filter(|c| !c.problems.is_empty()).count();
    report.written = candidates.len() - report.drafts;
    Ok(report)
}
