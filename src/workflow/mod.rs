//! The governance workflow (seed 002 §6, PRODUCT.md "Workflow"): the status machine, the gates, the CISO's
//! review queue and decisions, the FG's advice, management consent, evaluations, and the counts shown in the
//! navigation.

pub mod gates;
pub mod machine;
pub mod queues;
pub mod review;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::AppState;
use crate::applications::form::Missing;
use crate::applications::store::Stored;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::notifications::{self, Kind, Note};
use gates::{Facts, Stage};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/te-beoordelen", get(queues::review_queue))
        .route("/adviesaanvragen", get(queues::advice_queue))
        .route("/toestemming", get(queues::consent_queue))
        .route("/evaluaties", get(queues::evaluations))
        .route("/register/{id}/beoordeling", get(review::page))
        .route("/register/{id}/oppakken", post(review::take_up))
        .route("/register/{id}/besluit", post(review::decide))
        .route("/register/{id}/advies", post(review::advise))
        .route("/register/{id}/toestemming", post(review::consent))
        .route("/register/{id}/in-gebruik", post(review::put_in_use))
        .route("/register/{id}/buiten-gebruik", post(review::retire))
        .route("/register/{id}/evaluatie", post(review::evaluate))
}

/// Four-eyes (seed 002 §6): who registered, submitted or owns a registration never decides on it.
pub fn is_party(user: &CurrentUser, app: &Stored) -> bool {
    let me = Some(user.user_id);
    app.uuid("created_by") == me || app.uuid("submitted_by") == me || app.uuid("owner_id") == me
}

/// The gates' facts for a stored registration: its own fields plus assessments, advice and consent of the
/// current round (given after the latest submission).
pub async fn facts(conn: &mut PgConnection, app: &Stored) -> sqlx::Result<Facts> {
    let mut f = Facts::from_registration(&app.doc, &app.rasci);
    f.completed = completed_assessments(conn, app.id).await?;
    f.prescan_requires_dpia = prescan_requires_dpia(conn, app.id).await?;
    // Advice and consent of the current round: given after the latest submission.
    (f.fg_advice, f.consent) = sqlx::query_as(
        "select (select v.advice from fg_advice v where v.application_id = a.application_id
                   and v.given_at >= coalesce(a.submitted_at, '-infinity') order by v.given_at desc limit 1),
                (select c.consent from management_consent c where c.application_id = a.application_id
                   and c.given_at >= coalesce(a.submitted_at, '-infinity') order by c.given_at desc limit 1)
         from application a where a.application_id = $1",
    )
    .bind(app.id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(f)
}

/// Whether the latest completed Pre-scan DPIA (filled in here) says a DPIA is required.
pub async fn prescan_requires_dpia(conn: &mut PgConnection, application_id: Uuid) -> sqlx::Result<bool> {
    let verdicts: Option<Value> = sqlx::query_scalar(
        "select verdicts from questionnaire where application_id = $1 and kind = 'prescan' and status = 'afgerond'
         order by completed_at desc limit 1",
    )
    .bind(application_id)
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    Ok(verdicts.and_then(|v| v.as_array().cloned()).unwrap_or_default().iter().any(|v| {
        v.get("assessment").and_then(Value::as_str) == Some("DPIA")
            && v.get("level").and_then(Value::as_str) == Some("required")
    }))
}

pub async fn completed_assessments(conn: &mut PgConnection, application_id: Uuid) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("select distinct kind from assessment where application_id = $1 and status = 'afgerond'")
        .bind(application_id)
        .fetch_all(&mut *conn)
        .await
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
    let mut missing = crate::applications::form::missing_for_submission(&app.doc, &app.rasci);
    missing.extend(submission_blockers(&facts(conn, app).await?));
    Ok(missing)
}

/// The facts of form input that is about to be saved: its risk level is the CISO's override if the stored
/// registration has one, otherwise the level the input derives.
pub fn form_facts(
    values: &serde_json::Map<String, Value>,
    rasci: &[crate::applications::rasci::RasciEntry],
    current: Option<&Stored>,
    completed: Vec<String>,
) -> Facts {
    let mut doc = values.clone();
    let level = current
        .and_then(|c| c.str("risk_level_override"))
        .map(str::to_string)
        .or_else(|| crate::applications::store::derive_risk(values).level.map(|l| l.as_str().to_string()));
    doc.insert("risk_level".into(), serde_json::json!(level));
    let mut f = Facts::from_registration(&doc, rasci);
    f.completed = completed;
    f
}

/// Who hears of a submission: the CISO always, the FG when personal data is involved, the directie when the
/// own risk level is high.
pub async fn announce_submission(conn: &mut PgConnection, app: &Stored, actor: Uuid) -> sqlx::Result<()> {
    let Some(org) = app.uuid("organisation_id") else { return Ok(()) };
    let name = app.name();
    let link = format!("/register/{}/beoordeling", app.id);
    let note = |kind, message: &'static str| (kind, message);
    let mut sends = vec![(vec![Role::Ciso], note(Kind::Submitted, "is ingediend en wacht op beoordeling."))];
    if gates::involves_personal_data(&app.doc) {
        sends.push((vec![Role::Fg], note(Kind::AdviceRequested, "vraagt om advies van de FG (persoonsgegevens).")));
    }
    if app.str("risk_level") == Some("hoog") {
        sends.push((
            vec![Role::Directie],
            note(Kind::ConsentNeeded, "heeft een hoog risico en vraagt toestemming van de directie."),
        ))
    }
    for (roles, (kind, text)) in sends {
        let message = format!("{name} {text}");
        let n = Note { organisation_id: org, kind, application_id: Some(app.id), message: &message, link: &link };
        notifications::send_to_roles(conn, &roles, Some(actor), &n).await?;
    }
    Ok(())
}

/// Submitter and owner: the people a decision is for.
pub fn interested(app: &Stored) -> Vec<Uuid> {
    ["created_by", "submitted_by", "owner_id"].iter().filter_map(|k| app.uuid(k)).collect()
}

pub use crate::web::session::NavCounts;

pub async fn nav_counts(
    pool: &PgPool,
    organisation_id: Uuid,
    user_id: Uuid,
    roles: &[Role],
) -> sqlx::Result<NavCounts> {
    let sql = format!(
        "select
            case when $3 then (select count(*) from application a
                where a.organisation_id = $1 and a.workflow_status in ('ingediend', 'in_beoordeling') and {not_party})
                else 0 end,
            case when $4 then (select count(*) from application a
                where a.organisation_id = $1 and a.workflow_status in ('ingediend', 'in_beoordeling')
                  and {pd} and not exists (select 1 from fg_advice v
                      where v.application_id = a.application_id and v.given_at >= a.submitted_at)) else 0 end,
            case when $5 then (select count(*) from application a
                where a.organisation_id = $1 and a.workflow_status in ('ingediend', 'in_beoordeling')
                  and a.risk_level = 'hoog' and {not_party} and not exists (select 1 from management_consent c
                      where c.application_id = a.application_id and c.given_at >= a.submitted_at)) else 0 end,
            (select count(*) from notification where user_id = $2 and organisation_id = $1 and read_at is null)",
        pd = gates::PERSONAL_DATA_SQL,
        // Four-eyes: what the user registered, submitted or owns is not theirs to decide.
        not_party = "a.created_by is distinct from $2 and a.submitted_by is distinct from $2 and a.owner_id is distinct from $2"
    );
    let (review, advice, consent, unread): (i64, i64, i64, i64) = sqlx::query_as(&sql)
        .bind(organisation_id)
        .bind(user_id)
        .bind(roles.contains(&Role::Ciso))
        .bind(roles.contains(&Role::Fg))
        .bind(roles.contains(&Role::Directie))
        .fetch_one(pool)
        .await?;
    Ok(NavCounts { review, advice, consent, unread })
}

/// Fields whose change after approval sends a registration back to the CISO: what the tool does, with
/// which data, and how it is deployed.
pub const MATERIAL: &[&str] = &[
    "goal",
    "use_category",
    "deployment",
    "licence_type",
    "generative",
    "agentic",
    "interaction",
    "personal_data",
    "special_categories",
    "data_location",
    "ai_act_risk_group",
    "risk_level",
    "dc_openbaar",
    "dc_intern",
    "dc_vertrouwelijk",
    "dc_persoonsgegevens",
    "dc_bijzondere",
    "dc_beveiliging",
    "dc_klant",
    "dc_financieel",
];

/// The material fields that differ between two stored versions.
pub fn material_changes(before: &Stored, after: &Stored) -> Vec<&'static str> {
    MATERIAL
        .iter()
        .copied()
        .filter(|k| before.doc.get(*k).unwrap_or(&Value::Null) != after.doc.get(*k).unwrap_or(&Value::Null))
        .collect()
}

/// A change to purpose, data or deployment of an approved tool, or of one under review, starts a new review
/// round: earlier FG advice and consent no longer count, the CISO (and FG/directie) are told again, and
/// whoever made the change is, for four-eyes, a party to the decision (as a submitter is). Returns whether
/// a new round started.
pub async fn new_round_after(
    conn: &mut PgConnection,
    org: Uuid,
    actor: &crate::audit::Actor,
    user_id: Uuid,
    after: &Stored,
    material: &[&str],
    members: &[crate::applications::form::Member],
) -> crate::error::AppResult<bool> {
    if material.is_empty() || !(after.status.is_approved() || after.status.is_in_review()) {
        return Ok(false);
    }
    sqlx::query(
        "update application set workflow_status = case when workflow_status = 'in_beoordeling'
                then workflow_status else 'ingediend' end,
                submitted_at = clock_timestamp(), submitted_by = $2, version = version + 1
         where application_id = $1",
    )
    .bind(after.id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    let again =
        crate::applications::store::get_in(conn, org, after.id).await?.ok_or(crate::error::AppError::NotFound)?;
    crate::applications::store::record(conn, actor, "application.resubmitted", Some(after), &again, members).await?;
    announce_submission(conn, &again, user_id).await?;
    Ok(true)
}
