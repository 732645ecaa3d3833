//! Export for the national Algoritmeregister: per registration and for the whole register, as the
//! `AlgorithmIn` JSON body, the register's CSV download format or an Excel workbook. The register export holds
//! only what is public (marked for publication and approved) and valid; anything marked but not valid is
//! reported, never silently sent.

use serde_json::{Map, Value};
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::algorithm_in::{self, KEYS, Links, OrgInfo};
use super::{csv, validate, xlsx};
use crate::register::store::Stored;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "json" | "algoritmeregister-json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "xlsx" | "excel" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// One registration ready for the register: its body and what the register assigned.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    pub body: Map<String, Value>,
    pub lars: Option<String>,
    pub publication_dt: Option<OffsetDateTime>,
}

impl Entry {
    pub(super) fn extra(&self) -> [String; 2] {
        [
            self.lars.clone().unwrap_or_default(),
            self.publication_dt.map(crate::web::format_datetime).unwrap_or_default(),
        ]
    }
}

/// A registration marked for publication that cannot go out, with its problems.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub id: Uuid,
    pub name: String,
    pub problems: Vec<String>,
}

/// A registration from its row as JSON (`to_jsonb(a.*)`), without its RASCI (publication never needs it).
pub fn stored(doc: Value) -> Option<Stored> {
    Stored::from_row(doc, Vec::new())
}

pub(super) fn entry(app: &Stored, body: Map<String, Value>) -> Entry {
    let publication_dt = app
        .str("publication_dt")
        .and_then(|s| OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok());
    Entry { id: app.id, body, lars: app.str("lars").map(str::to_string), publication_dt }
}

/// The body of one registration (any status: the caller decides whether it may be shown).
pub async fn one(pool: &PgPool, org: &OrgInfo, app: &Stored, links: &Links) -> sqlx::Result<Entry> {
    let assessments = algorithm_in::public_assessments(pool, &[app.id]).await?;
    Ok(entry(app, algorithm_in::build(app, org, &assessments, links)))
}

/// The bodies of several registrations; their publishable assessments are read in one query.
pub async fn entries(pool: &PgPool, org: &OrgInfo, apps: &[Stored], links: &Links) -> sqlx::Result<Vec<Entry>> {
    let ids: Vec<Uuid> = apps.iter().map(|a| a.id).collect();
    let assessments = algorithm_in::public_assessments(pool, &ids).await?;
    Ok(apps.iter().map(|app| entry(app, algorithm_in::build(app, org, &assessments, links))).collect())
}

/// Every public registration of the organisation, by name: the valid ones and the skipped ones.
pub async fn public_entries(pool: &PgPool, org: &OrgInfo, links: &Links) -> sqlx::Result<(Vec<Entry>, Vec<Skipped>)> {
    let docs: Vec<Value> = sqlx::query_scalar!(
        r#"select to_jsonb(a.*) - 'search' as "v!" from application a
         where a.organisation_id = $1 and registration_public(a.publish, a.workflow_status)
         order by lower(a.name), a.application_id"#,
        org.organisation_id
    )
    .fetch_all(pool)
    .await?;
    let apps: Vec<Stored> = docs.into_iter().filter_map(stored).collect();
    let mut valid = Vec::new();
    let mut skipped = Vec::new();
    for (app, e) in apps.iter().zip(entries(pool, org, &apps, links).await?) {
        let problems = validate::problems(&e.body);
        if problems.is_empty() {
            valid.push(e);
        } else {
            skipped.push(Skipped {
                id: app.id,
                name: app.name().to_string(),
                problems: problems.iter().map(ToString::to_string).collect(),
            });
        }
    }
    Ok((valid, skipped))
}

/// One public registration (None when it is not public: not marked, not approved or another organisation's).
pub async fn public_one(pool: &PgPool, org: &OrgInfo, id: Uuid, links: &Links) -> sqlx::Result<Option<Entry>> {
    let doc: Option<Value> = sqlx::query_scalar!(
        r#"select to_jsonb(a.*) - 'search' as "v!" from application a
         where a.organisation_id = $1 and a.application_id = $2 and registration_public(a.publish, a.workflow_status)"#,
        org.organisation_id,
        id
    )
    .fetch_optional(pool)
    .await?;
    let Some(app) = doc.and_then(stored) else { return Ok(None) };
    // The database already enforces the standard's limits, so a public registration is shown even in the rare
    // case the export would still refuse it (the export page names those).
    Ok(Some(one(pool, org, &app, links).await?))
}

/// The file contents. JSON: one body, or a list for `many`.
pub fn encode(format: Format, entries: &[Entry], many: bool) -> anyhow::Result<Vec<u8>> {
    match format {
        Format::Json => {
            let value = if many || entries.len() != 1 {
                Value::Array(entries.iter().map(|e| Value::Object(e.body.clone())).collect())
            } else {
                Value::Object(entries[0].body.clone())
            };
            let mut out = serde_json::to_vec_pretty(&value)?;
            out.push(b'\n');
            Ok(out)
        }
        Format::Csv => {
            let rows: Vec<(Map<String, Value>, [String; 2])> =
                entries.iter().map(|e| (e.body.clone(), e.extra())).collect();
            Ok(csv::write(&rows))
        }
        Format::Xlsx => {
            let mut rows: Vec<Vec<String>> = Vec::new();
            for key in KEYS {
                let mut row = vec![validate::title(key)];
                row.extend(
                    entries
                        .iter()
                        .map(|e| csv::neutralise(&csv::cell_text(key, e.body.get(key).unwrap_or(&Value::Null)))),
                );
                rows.push(row);
            }
            for (i, label) in ["Algoritme-ID", "Publicatiedatum"].iter().enumerate() {
                let mut row = vec![label.to_string()];
                row.extend(entries.iter().map(|e| csv::neutralise(&e.extra()[i])));
                rows.push(row);
            }
            Ok(xlsx::workbook("1.0", &rows)?)
        }
    }
}

/// The file name: `algoritmeregister-<code>-<date>.<ext>`, or the registration's name for one.
pub fn file_name(org: &OrgInfo, single: Option<&str>, format: Format) -> String {
    let base = match single {
        Some(name) => {
            let slug: String = name
                .to_lowercase()
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                .collect::<String>()
                .split('-')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            format!("algoritme-{}", slug.chars().take(60).collect::<String>())
        }
        None => format!("algoritmeregister-{}-{}", org.code, crate::web::today()),
    };
    format!("{base}.{}", format.extension())
}
