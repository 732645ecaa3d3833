//! Import of completions from a learning platform's CSV file (issue 22, item 3): per line a person (e-mail),
//! a training (title or id), the date and optionally a link to the certificate. Every line is checked first
//! and reported by its line number; nothing is written unless every line is in order (all or nothing, one
//! transaction, one audit event with the counts and the completions). Imported completions count at once: the
//! administrator who imports them confirms them. A dry run only reports.

pub mod page;
pub mod parse;

use std::collections::{HashMap, HashSet};

use serde_json::json;
use sqlx::PgPool;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, Actor};
use crate::register::form::is_https_link;

/// The largest file the import reads (tens of thousands of lines).
pub const MAX_FILE: usize = 5 * 1024 * 1024;

/// What happens to one line.
#[derive(Debug, Clone, Default)]
pub struct RowReport {
    pub number: usize,
    pub email: String,
    pub training: String,
    pub date: String,
    /// The person and training as found (for the report), empty when not found.
    pub person: String,
    pub training_title: String,
    /// "field: reason" in Dutch; empty when the line is in order.
    pub errors: Vec<String>,
    /// An empty line, skipped.
    pub ignored: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub rows: Vec<RowReport>,
    /// The file as a whole could not be read.
    pub file_error: Option<String>,
    pub dry_run: bool,
    pub written: usize,
}

impl Report {
    pub fn failed(file_error: impl Into<String>, dry_run: bool) -> Self {
        Self { file_error: Some(file_error.into()), dry_run, ..Self::default() }
    }

    /// Every line in order and at least one completion in the file.
    pub fn ok(&self) -> bool {
        self.file_error.is_none() && self.rows.iter().all(|r| r.errors.is_empty()) && self.completions() > 0
    }

    pub fn completions(&self) -> usize {
        self.rows.iter().filter(|r| !r.ignored).count()
    }

    pub fn ignored(&self) -> usize {
        self.rows.iter().filter(|r| r.ignored).count()
    }

    pub fn error_rows(&self) -> usize {
        self.rows.iter().filter(|r| !r.errors.is_empty()).count()
    }

    /// The report as lines of text, for the command line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if let Some(e) = &self.file_error {
            out.push_str(&format!("Bestand: {e}\n"));
        }
        for r in &self.rows {
            if r.ignored {
                out.push_str(&format!("regel {}: lege regel, overgeslagen\n", r.number));
            }
            for e in &r.errors {
                out.push_str(&format!("regel {}: {e}\n", r.number));
            }
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    pub fn summary(&self) -> String {
        if self.file_error.is_some() {
            "Er is niets opgeslagen.".to_string()
        } else if !self.ok() {
            let bad = self.error_rows();
            let verb = if bad == 1 { "heeft" } else { "hebben" };
            format!("{bad} van de {} regels {verb} fouten; er is niets opgeslagen.", self.rows.len() - self.ignored())
        } else if self.dry_run {
            format!("{} in orde (proefimport: er is nog niets opgeslagen).", completions_text(self.completions()))
        } else {
            format!("{} geïmporteerd en bevestigd.", completions_text(self.written))
        }
    }
}

/// "1 afgeronde training", "2 afgeronde trainingen".
fn completions_text(n: usize) -> String {
    if n == 1 { "1 afgeronde training".to_string() } else { format!("{n} afgeronde trainingen") }
}

/// A line that is in order: what to insert.
struct Good {
    user_id: Uuid,
    training_id: Uuid,
    completed_on: Date,
    link: Option<String>,
}

/// Who the file may name: the organisation's active members among the file's e-mail addresses (lower-case),
/// its trainings by id and by lower-case title, and the completions those members have already.
struct Lookup {
    people: HashMap<String, (Uuid, String)>,
    by_id: HashMap<Uuid, String>,
    by_title: HashMap<String, (Uuid, String)>,
    existing: HashSet<(Uuid, Uuid, Date)>,
}

/// Only the people the file names and their completions are read (they were every member and every completion
/// of the organisation, for each file).
async fn lookup(pool: &PgPool, org: Uuid, lines: &[parse::Line]) -> sqlx::Result<Lookup> {
    let mut emails: Vec<String> = lines.iter().map(|l| l.email.to_lowercase()).filter(|e| !e.is_empty()).collect();
    emails.sort();
    emails.dedup();
    let people: HashMap<String, (Uuid, String)> = sqlx::query!(
        r#"select u.user_id, u.name, u.email from app_user u
           where u.email = any($2) and u.active
             and exists (select 1 from membership m where m.user_id = u.user_id and m.organisation_id = $1)"#,
        org,
        &emails
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|m| (m.email.to_lowercase(), (m.user_id, m.name)))
    .collect();
    let trainings =
        sqlx::query!("select training_id, title from training where organisation_id = $1", org).fetch_all(pool).await?;
    let by_id = trainings.iter().map(|t| (t.training_id, t.title.clone())).collect();
    let by_title = trainings.into_iter().map(|t| (t.title.trim().to_lowercase(), (t.training_id, t.title))).collect();
    let named: Vec<Uuid> = people.values().map(|(id, _)| *id).collect();
    let existing = sqlx::query!(
        "select training_id, user_id, completed_on from training_completion
         where organisation_id = $1 and user_id = any($2)",
        org,
        &named
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|c| (c.training_id, c.user_id, c.completed_on))
    .collect();
    Ok(Lookup { people, by_id, by_title, existing })
}

/// Check one line; the completion when it is in order.
fn check(
    l: &parse::Line,
    known: &Lookup,
    today: Date,
    seen: &mut HashMap<(Uuid, Uuid, Date), usize>,
) -> (RowReport, Option<Good>) {
    let mut r = RowReport {
        number: l.number,
        email: l.email.clone(),
        training: l.training.clone(),
        date: l.date.clone(),
        ..RowReport::default()
    };
    if l.is_empty() {
        r.ignored = true;
        return (r, None);
    }
    let person = known.people.get(&l.email.to_lowercase());
    match person {
        Some((_, name)) => r.person = name.clone(),
        None if l.email.is_empty() => r.errors.push("e-mail: leeg".into()),
        None => {
            r.errors.push(format!("e-mail: onbekende medewerker „{}” (geen actief lid van de organisatie)", l.email))
        }
    }
    let training = Uuid::parse_str(&l.training)
        .ok()
        .and_then(|id| known.by_id.get(&id).map(|t| (id, t.clone())))
        .or_else(|| known.by_title.get(&l.training.to_lowercase()).cloned());
    match &training {
        Some((_, title)) => r.training_title = title.clone(),
        None if l.training.is_empty() => r.errors.push("training: leeg".into()),
        None => r.errors.push(format!("training: onbekende training „{}”", l.training)),
    }
    let date = parse::date(&l.date);
    match date {
        None if l.date.is_empty() => r.errors.push("datum: leeg".into()),
        None => r.errors.push(format!("datum: „{}” is geen datum (gebruik JJJJ-MM-DD of DD-MM-JJJJ)", l.date)),
        Some(d) if d > today => r.errors.push(format!("datum: {} ligt in de toekomst", l.date)),
        Some(d) if d.year() < 1990 => r.errors.push(format!("datum: {} ligt voor 1990", l.date)),
        Some(_) => {}
    }
    let link = Some(l.link.clone()).filter(|v| !v.is_empty());
    if link.as_deref().is_some_and(|v| !is_https_link(v)) {
        r.errors.push("certificaat: geen volledige https-link".into());
    }
    let (Some((user_id, _)), Some((training_id, _)), Some(completed_on)) = (person, training, date) else {
        return (r, None);
    };
    let key = (training_id, *user_id, completed_on);
    if known.existing.contains(&key) {
        r.errors.push("dubbel: deze afronding staat al in het register".into());
    } else if let Some(first) = seen.get(&key) {
        r.errors.push(format!("dubbel: dezelfde afronding staat al op regel {first}"));
    } else {
        seen.insert(key, l.number);
    }
    let good = r.errors.is_empty().then_some(Good { user_id: *user_id, training_id, completed_on, link });
    (r, good)
}

/// Check the file and, unless `dry_run` or a line is not in order, write every completion in one transaction
/// with one audit event. `by`: the administrator who confirms them (None from the command line).
pub async fn run(
    pool: &PgPool,
    org: Uuid,
    actor: &Actor,
    by: Option<Uuid>,
    bytes: &[u8],
    dry_run: bool,
    today: Date,
) -> anyhow::Result<Report> {
    let lines = match parse::lines(bytes) {
        Ok(l) => l,
        Err(e) => return Ok(Report::failed(e, dry_run)),
    };
    let known = lookup(pool, org, &lines).await?;
    let mut seen = HashMap::new();
    let mut report = Report { dry_run, ..Report::default() };
    let mut good = Vec::new();
    for l in &lines {
        let (row, g) = check(l, &known, today, &mut seen);
        report.rows.push(row);
        good.extend(g);
    }
    if report.completions() == 0 {
        report.file_error = Some("het bestand bevat geen regels met afgeronde trainingen".into());
    }
    if dry_run || !report.ok() {
        return Ok(report);
    }
    report.written = write(pool, org, actor, by, &good, report.ignored()).await?;
    if report.written != good.len() {
        return Ok(Report::failed(
            "intussen is een van deze afrondingen al vastgelegd; controleer het bestand opnieuw",
            false,
        ));
    }
    Ok(report)
}

/// Insert all; the number inserted (fewer than asked: nothing is kept).
async fn write(
    pool: &PgPool,
    org: Uuid,
    actor: &Actor,
    by: Option<Uuid>,
    good: &[Good],
    ignored: usize,
) -> anyhow::Result<usize> {
    let ids: Vec<Uuid> = good.iter().map(|_| Uuid::now_v7()).collect();
    let trainings: Vec<Uuid> = good.iter().map(|g| g.training_id).collect();
    let users: Vec<Uuid> = good.iter().map(|g| g.user_id).collect();
    let dates: Vec<Date> = good.iter().map(|g| g.completed_on).collect();
    let links: Vec<Option<String>> = good.iter().map(|g| g.link.clone()).collect();
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query!(
        "insert into training_completion (completion_id, organisation_id, training_id, user_id, completed_on,
                evidence_link, source, recorded_by, confirmed_by, confirmed_at)
         select c.id, $1, c.training_id, c.user_id, c.completed_on, c.link, 'import', $7, $7, now()
         from unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::date[], $6::text[])
              as c (id, training_id, user_id, completed_on, link)
         on conflict (training_id, user_id, completed_on) do nothing",
        org,
        &ids,
        &trainings,
        &users,
        &dates,
        &links as &[Option<String>],
        by
    )
    .execute(&mut *tx)
    .await?
    .rows_affected() as usize;
    if inserted != good.len() {
        return Ok(inserted);
    }
    let completions: Vec<_> = good
        .iter()
        .zip(&ids)
        .map(|(g, id)| {
            json!({"completion_id": id, "user_id": g.user_id, "training_id": g.training_id,
                "completed_on": g.completed_on.to_string(), "evidence_link": g.link})
        })
        .collect();
    let after = json!({"imported": inserted, "ignored_empty_lines": ignored, "source": "import", "confirmed": true,
        "completions": completions});
    let event = audit::Event::about(Some(org), actor, "literacy.completions_imported", ("organisation", org))
        .change(None, Some(after));
    audit::record(&mut tx, event).await?;
    tx.commit().await?;
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_in_singular_and_plural() {
        let row = |errors: &[&str]| RowReport {
            errors: errors.iter().map(|e| e.to_string()).collect(),
            ..Default::default()
        };
        let one = Report { rows: vec![row(&[])], dry_run: true, ..Report::default() };
        assert_eq!(one.summary(), "1 afgeronde training in orde (proefimport: er is nog niets opgeslagen).");
        let done = Report { rows: vec![row(&[]), row(&[])], written: 2, ..Report::default() };
        assert_eq!(done.summary(), "2 afgeronde trainingen geïmporteerd en bevestigd.");
        let bad = Report { rows: vec![row(&["e-mail: onbekend"]), row(&[])], ..Report::default() };
        assert_eq!(bad.summary(), "1 van de 2 regels heeft fouten; er is niets opgeslagen.");
    }
}
