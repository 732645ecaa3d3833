//! The facts the gates decide on, read for a stored registration (its fields plus the assessments, advice
//! and consent of the current round) or for form input about to be saved; and what still blocks submitting.

use std::sync::OnceLock;

use futures_util::future::BoxFuture;
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::form::Missing;
use super::gates::{self, Facts, KaderOpen, Stage};
use super::store::Stored;

/// The gates' facts for a stored registration: its own fields plus assessments, advice and consent of the
/// current round (given after the latest submission).
pub async fn load(conn: &mut PgConnection, app: &Stored) -> sqlx::Result<Facts> {
    let mut f = Facts::from_registration(&app.doc, &app.rasci);
    let recorded = completed_assessments(conn, app.id).await?;
    (f.completed, f.awaiting) = (recorded.confirmed, recorded.awaiting);
    f.missing_roles = super::roles_needed::missing(conn, app).await?;
    f.prescan_requires_dpia = prescan_requires_dpia(conn, app.id).await?;
    // Advice and consent of the current round: given after the latest submission.
    let round = sqlx::query!(
        r#"select (select v.advice from fg_advice v where v.application_id = a.application_id
                     and v.given_at >= coalesce(a.submitted_at, '-infinity') order by v.given_at desc limit 1)
                    as "advice?",
                  (select c.consent from management_consent c where c.application_id = a.application_id
                     and c.given_at >= coalesce(a.submitted_at, '-infinity') order by c.given_at desc limit 1)
                    as "consent?"
           from application a where a.application_id = $1"#,
        app.id
    )
    .fetch_one(&mut *conn)
    .await?;
    (f.fg_advice, f.consent) = (round.advice, round.consent);
    f.kader_gate = kader_gate_enabled(conn, app.id).await?;
    if f.kader_applies() {
        (f.kader_open, f.kader_pending) = match KADER.get() {
            Some(read) => read(&mut *conn, app.id).await?,
            None => (Vec::new(), Some("De vereisten uit het Algoritmekader zijn niet beschikbaar.")),
        };
    }
    Ok(f)
}

/// What the Algoritmekader gate sees of one registration (see kader::gate::open): the requirements not met,
/// and why the set is not settled, if it is not.
pub type KaderOpenResult = sqlx::Result<(Vec<KaderOpen>, Option<&'static str>)>;
pub type KaderReader = for<'c> fn(&'c mut PgConnection, Uuid) -> BoxFuture<'c, KaderOpenResult>;

/// The kader feature's reader, registered when its routes are built: the domain imports no feature.
static KADER: OnceLock<KaderReader> = OnceLock::new();

pub fn register_kader_reader(read: KaderReader) {
    // The same function every time the router is built (tests build many); the first one stays.
    let _ = KADER.set(read);
}

/// Whether the organisation of this registration has switched the Algoritmekader gate on.
pub async fn kader_gate_enabled(conn: &mut PgConnection, application_id: Uuid) -> sqlx::Result<bool> {
    let on = sqlx::query_scalar!(
        "select o.kader_gate from organisation o join application a using (organisation_id)
          where a.application_id = $1",
        application_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(on.unwrap_or(false))
}

/// Whether the latest completed Pre-scan DPIA (filled in here) says a DPIA is required (the view of migration
/// 0054, as the SQL function `dpia_required`).
pub async fn prescan_requires_dpia(conn: &mut PgConnection, application_id: Uuid) -> sqlx::Result<bool> {
    let verdicts: Option<Value> = sqlx::query_scalar!(
        r#"select verdicts as "verdicts?" from latest_prescan where application_id = $1"#,
        application_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    Ok(verdicts.and_then(|v| v.as_array().cloned()).unwrap_or_default().iter().any(|v| {
        v.get("assessment").and_then(Value::as_str) == Some("DPIA")
            && v.get("level").and_then(Value::as_str) == Some("required")
    }))
}

/// The kinds of the completed assessments: confirmed (these count for the gates) and waiting for confirmation
/// (the gates name them). The SQL function `assessment_completed` (migration 0019) counts the same.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    pub confirmed: Vec<String>,
    pub awaiting: Vec<String>,
}

/// Confirmed kinds only (a new registration has no assessments).
impl From<Vec<String>> for Recorded {
    fn from(confirmed: Vec<String>) -> Self {
        Recorded { confirmed, awaiting: Vec::new() }
    }
}

pub async fn completed_assessments(conn: &mut PgConnection, application_id: Uuid) -> sqlx::Result<Recorded> {
    let rows = sqlx::query!(
        r#"select distinct kind as "kind!", coalesce(confirmation = 'bevestigd', false) as "confirmed!" from assessment
            where application_id = $1 and status = 'afgerond'"#,
        application_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut r = Recorded::default();
    for row in rows {
        if row.confirmed {
            r.confirmed.push(row.kind);
        } else if !r.awaiting.contains(&row.kind) {
            r.awaiting.push(row.kind);
        }
    }
    // A kind confirmed once counts; another of the same kind waiting does not make it wait.
    r.awaiting.retain(|k| !r.confirmed.contains(k));
    Ok(r)
}

/// What the gates block at submission, as lines for the form. The Accountable gate is left out here: the
/// form's own completeness check (which also guards later edits) already names it.
pub fn submission_blockers(facts: &Facts) -> Vec<Missing> {
    gates::check(facts, Stage::Submission)
        .into_iter()
        .filter(|o| o.gate != gates::ACCOUNTABLE)
        .map(|o| Missing::new(gates::anchor(o.gate), format!("{}: {}", o.gate, o.message)))
        .collect()
}

/// Everything that still blocks submitting a stored registration: the register's fields and the gates.
pub async fn submission_missing(conn: &mut PgConnection, app: &Stored) -> sqlx::Result<Vec<Missing>> {
    let mut missing = super::form::missing_for_submission(&app.doc, &app.rasci);
    missing.extend(submission_blockers(&load(conn, app).await?));
    Ok(missing)
}

/// The facts of form input that is about to be saved: its risk level is the CISO's override if the stored
/// registration has one, otherwise the level the input derives.
pub fn form_facts(
    values: &serde_json::Map<String, Value>,
    rasci: &[super::rasci::RasciEntry],
    current: Option<&Stored>,
    completed: impl Into<Recorded>,
) -> Facts {
    let mut doc = values.clone();
    let level = current
        .and_then(|c| c.str("risk_level_override"))
        .map(str::to_string)
        .or_else(|| super::store::derive_risk(values).level.map(|l| l.as_str().to_string()));
    doc.insert("risk_level".into(), serde_json::json!(level));
    let mut f = Facts::from_registration(&doc, rasci);
    let completed = completed.into();
    (f.completed, f.awaiting) = (completed.confirmed, completed.awaiting);
    f
}
