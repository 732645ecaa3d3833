//! Every change of a registration's life, whoever asks for it (the web form, the REST API, the demo loader,
//! the review pages): creating, submitting, the review's status moves and decisions, a new review round
//! after a material change. Each writes the row, its audit event and its notifications in the caller's
//! transaction, so a state change and what records and announces it commit together. Status moves go
//! through the status machine (`machine`); no other file writes `workflow_status`.

use serde_json::{Map, Value, json};
use sqlx::PgConnection;
use time::Date;
use uuid::Uuid;

use super::approved;
pub use super::approved::{MATERIAL, material_changes};
use super::fields;
use super::form::{self, FormData, Member, Missing};
use super::gates;
use super::machine::{self, Action, WorkflowStatus};
use super::notices::{self, Kind, Note};
use super::rasci::{self, RasciEntry};
use super::store::{self, Stored};
use crate::audit::Actor;
use crate::error::{AppError, AppResult};
use crate::roles::Role;
use crate::web::forms::FormErrors;

/// Who acts, and in which organisation.
pub struct Ctx<'a> {
    pub org: Uuid,
    pub actor: &'a Actor,
}

/// Registration form input, validated into what the register stores.
pub struct Draft {
    pub values: Map<String, Value>,
    pub rasci: Vec<RasciEntry>,
}

impl Draft {
    /// The form's validation, per field and in Dutch; the RASCI rows with it.
    pub fn validate(form: &FormData, members: &[Member]) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let values = form::validate(form, members, &mut errors);
        let rasci = rasci::parse(form, members, &mut errors);
        if errors.is_empty() { Ok(Self { values, rasci }) } else { Err(errors) }
    }

    pub fn name(&self) -> &str {
        self.values.get("name").and_then(Value::as_str).unwrap_or("")
    }

    /// What the register's fields still lack before this input can be submitted.
    pub fn missing_for_submission(&self) -> Vec<Missing> {
        form::missing_for_submission(&self.values, &self.rasci)
    }

    /// Whoever registers a tool owns it unless the form names someone else.
    pub fn owned_by_default(&mut self, owner: Uuid) {
        if self.values.get("owner_id").is_none_or(Value::is_null) {
            self.values.insert("owner_id".into(), json!(owner));
        }
    }
}

/// The one way a registration comes into being: inserted as a draft with its "application.created" event,
/// and submitted in the same transaction when `submit` is set.
pub async fn create(
    conn: &mut PgConnection,
    ctx: &Ctx<'_>,
    created_by: Option<Uuid>,
    draft: &Draft,
    submit: bool,
) -> AppResult<Stored> {
    let stored = store::insert_recorded(conn, ctx.org, ctx.actor, created_by, &draft.values, &draft.rasci).await?;
    super::checklist::sync(conn, stored.id, &[], &super::checklist::ticked(&stored.doc), ctx.actor.id).await?;
    if submit {
        return self::submit(conn, ctx, &stored).await;
    }
    Ok(stored)
}

/// concept/teruggestuurd → ingediend: the submitter is recorded, the CISO (and FG, directie) told.
pub async fn submit(conn: &mut PgConnection, ctx: &Ctx<'_>, stored: &Stored) -> AppResult<Stored> {
    let from: Vec<&str> = Action::Submit.from_statuses().iter().map(|s| s.as_str()).collect();
    let done = sqlx::query!(
        "update application set workflow_status = $4, submitted_at = clock_timestamp(), submitted_by = $3,
                version = version + 1
         where application_id = $1 and organisation_id = $2 and workflow_status = any($5)",
        stored.id,
        ctx.org,
        ctx.actor.id,
        WorkflowStatus::Ingediend.as_str(),
        &from as &[&str]
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict("Deze registratie is al ingediend.".into()));
    }
    let after = store::get_in(conn, ctx.org, stored.id).await?.ok_or(AppError::NotFound)?;
    store::record(conn, ctx.actor, "application.submitted", Some(stored), &after).await?;
    if let Some(by) = ctx.actor.id {
        announce_submission(conn, &after, by).await?;
    }
    Ok(after)
}

/// A status move of the review or the life cycle, recorded as `event` (with `extra` details for the audit
/// trail). The machine decides whether `action` may start from the locked row's status: 409 otherwise.
pub struct Move<'a> {
    pub action: Action,
    pub event: &'a str,
    pub next_evaluation: Option<Date>,
    pub extra: &'a [(&'a str, Value)],
}

pub async fn move_to(conn: &mut PgConnection, ctx: &Ctx<'_>, before: &Stored, m: Move<'_>) -> AppResult<Stored> {
    let target = machine::transition(before.status, m.action).map_err(AppError::Conflict)?;
    // The register's own status field follows the life cycle.
    let register_status = match target {
        WorkflowStatus::InGebruik => Some("In gebruik"),
        WorkflowStatus::BuitenGebruik => Some("Buiten gebruik"),
        _ => None,
    };
    sqlx::query!(
        "update application set workflow_status = $2, version = version + 1,
                next_evaluation = coalesce($3, next_evaluation), status = coalesce($4, status),
                end_date = case when $2 = 'buiten_gebruik' then coalesce(end_date, to_char(current_date, 'YYYY-MM')) else end_date end
         where application_id = $1",
        before.id,
        target.as_str(),
        m.next_evaluation,
        register_status
    )
    .execute(&mut *conn)
    .await?;
    // In use, the approved version follows (its status and fields); an approval keeps it in `decide`.
    if target == WorkflowStatus::InGebruik {
        approved::save(conn, before.id, None).await?;
    }
    let after = store::get_in(conn, ctx.org, before.id).await?.ok_or(AppError::NotFound)?;
    store::record_with(conn, ctx.actor, m.event, Some(before), &after, m.extra).await?;
    Ok(after)
}

/// The CISO's decision (approve, approve under conditions, reject, return with questions): the status move,
/// the decision row, its audit event, and a notification to the submitter and owner.
pub struct Decision {
    pub action: Action,
    pub note: Option<String>,
    pub against_fg: Option<String>,
    pub next_evaluation: Option<Date>,
    /// By when the conditions of an approval under conditions must be met (optional).
    pub conditions_due: Option<Date>,
    pub decided_by: Uuid,
}

pub async fn decide(conn: &mut PgConnection, ctx: &Ctx<'_>, before: &Stored, d: &Decision) -> AppResult<Stored> {
    // A change of an approved tool: refusing it restores the approved version ("Wijziging afwijzen").
    let change = approved::governing(conn, before).await?.is_some();
    if change && d.action == Action::Reject {
        return approved::reject_change(conn, ctx, before, d.note.as_deref().unwrap_or(""), d.decided_by).await;
    }
    let extra = [
        ("decision_note", json!(d.note)),
        ("against_fg_reason", json!(d.against_fg)),
        ("conditions_due", json!(d.conditions_due.map(|due| due.to_string()))),
    ];
    let m = Move { action: d.action, event: "application.decided", next_evaluation: d.next_evaluation, extra: &extra };
    let after = move_to(conn, ctx, before, m).await?;
    let decision_id = Uuid::now_v7();
    sqlx::query!(
        "insert into review_decision (decision_id, application_id, decision, note, against_fg_reason, decided_by,
                                      conditions_due)
         values ($1, $2, $3, $4, $5, $6, $7)",
        decision_id,
        before.id,
        after.status.as_str(),
        d.note.as_deref(),
        d.against_fg.as_deref(),
        d.decided_by,
        d.conditions_due
    )
    .execute(&mut *conn)
    .await?;
    if d.action.is_approval() {
        approved::save(conn, before.id, Some((decision_id, d.decided_by))).await?;
    }
    let note = d.note.as_deref().unwrap_or("");
    let verdict = match d.action {
        Action::Approve => "is goedgekeurd".to_string(),
        Action::ApproveWithConditions => {
            format!("is goedgekeurd onder voorwaarden:{}", crate::web::text::after_colon(note))
        }
        Action::Reject => format!("is afgewezen: {note}"),
        _ if change => format!("is teruggestuurd met vragen (de goedgekeurde versie blijft gelden): {note}"),
        _ => format!("is teruggestuurd met vragen: {note}"),
    };
    let subject = if change { format!("De wijziging van {}", after.name()) } else { after.name().to_string() };
    let message: String = format!("{subject} {verdict}").chars().take(500).collect();
    let link = format!("/register/{}/beoordeling", before.id);
    let n = Note {
        organisation_id: ctx.org,
        kind: Kind::Decision,
        application_id: Some(before.id),
        message: &message,
        link: &link,
    };
    notices::send(conn, &interested(&after), Some(d.decided_by), &n).await?;
    Ok(after)
}

/// The FG's advice on the current round (positief / negatief / geen bezwaar).
pub struct Advice<'a> {
    pub value: &'a str,
    pub label: &'a str,
    pub note: &'a str,
    pub by: Uuid,
}

/// The advice's row, its audit event, and a notification to the CISO.
pub async fn advise(conn: &mut PgConnection, ctx: &Ctx<'_>, app: &Stored, a: &Advice<'_>) -> AppResult<()> {
    sqlx::query!(
        "insert into fg_advice (advice_id, application_id, advice, note, given_by) values ($1, $2, $3, $4, $5)",
        Uuid::now_v7(),
        app.id,
        a.value,
        a.note,
        a.by
    )
    .execute(&mut *conn)
    .await?;
    let extra = [("fg_advice", json!(a.label)), ("fg_advice_note", json!(a.note))];
    store::record_with(conn, ctx.actor, "application.fg_advice", Some(app), app, &extra).await?;
    let message = format!("De FG heeft geadviseerd over {}: {}.", app.name(), a.label.to_lowercase());
    tell_ciso(conn, ctx, app, &message, a.by).await
}

/// Management consent (or its refusal) for a tool with a high own risk level: the row, the audit event, and a
/// notification to the CISO.
pub async fn consent(
    conn: &mut PgConnection,
    ctx: &Ctx<'_>,
    app: &Stored,
    consent: bool,
    note: Option<&str>,
    by: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "insert into management_consent (consent_id, application_id, consent, note, given_by) values ($1, $2, $3, $4, $5)",
        Uuid::now_v7(),
        app.id,
        consent,
        note,
        by
    )
    .execute(&mut *conn)
    .await?;
    let word = if consent { "Toestemming gegeven" } else { "Geen toestemming" };
    let extra = [("consent", json!(word)), ("consent_note", json!(note))];
    store::record_with(conn, ctx.actor, "application.consent", Some(app), app, &extra).await?;
    let message = format!("De directie over {}: {}.", app.name(), word.to_lowercase());
    tell_ciso(conn, ctx, app, &message, by).await
}

async fn tell_ciso(conn: &mut PgConnection, ctx: &Ctx<'_>, app: &Stored, message: &str, by: Uuid) -> AppResult<()> {
    let link = format!("/register/{}/beoordeling", app.id);
    let n = Note { organisation_id: ctx.org, kind: Kind::Decision, application_id: Some(app.id), message, link: &link };
    notices::send_to_roles(conn, &[Role::Ciso], Some(by), &n).await?;
    Ok(())
}

/// An evaluation of an approved tool (seed 002 §8): its outcome and findings, and the next date.
pub struct Evaluation<'a> {
    pub on: Date,
    pub outcome: &'a str,
    pub note: &'a str,
    pub next: Date,
    pub by: Uuid,
    /// How the audit trail states it ("Voortzetten (12-03-2026): …").
    pub line: &'a str,
}

/// The evaluation's row, the registration's next evaluation date, and the audit event.
pub async fn evaluate(conn: &mut PgConnection, ctx: &Ctx<'_>, app: &Stored, e: &Evaluation<'_>) -> AppResult<Stored> {
    sqlx::query!(
        "insert into evaluation (evaluation_id, application_id, evaluated_on, outcome, note, next_evaluation, evaluated_by)
         values ($1, $2, $3, $4, $5, $6, $7)",
        Uuid::now_v7(),
        app.id,
        e.on,
        e.outcome,
        e.note,
        e.next,
        e.by
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update application set next_evaluation = $2, version = version + 1 where application_id = $1",
        app.id,
        e.next
    )
    .execute(&mut *conn)
    .await?;
    // The next date is part of the approval in force.
    approved::save(conn, app.id, None).await?;
    let after = store::get_in(conn, ctx.org, app.id).await?.ok_or(AppError::NotFound)?;
    let extra = [("evaluation", json!(e.line))];
    store::record_with(conn, ctx.actor, "application.evaluated", Some(app), &after, &extra).await?;
    Ok(after)
}

/// A change to purpose, data or deployment of an approved tool, or of one under review, starts a new review
/// round: earlier FG advice and consent no longer count, the CISO (and FG/directie) are told again, and
/// whoever made the change is, for four-eyes, a party to the decision (as a submitter is). Returns whether
/// a new round started.
pub async fn new_round_after(
    conn: &mut PgConnection,
    ctx: &Ctx<'_>,
    changed_by: Uuid,
    after: &Stored,
    material: &[&str],
) -> AppResult<bool> {
    // What needs no new approval becomes part of the approved version at once: a later change round's
    // difference shows only what that round proposes.
    if material.is_empty() && after.status.is_approved() {
        approved::save(conn, after.id, None).await?;
    }
    if material.is_empty() || !(after.status.is_approved() || after.status.is_in_review()) {
        return Ok(false);
    }
    // A change of an approved tool (now, or already under review as one) keeps its approved version in force.
    let change = after.status.is_approved() || approved::governing(conn, after).await?.is_some();
    // Under review it stays there; approved goes back to "ingediend".
    let status = if after.status.is_in_review() { after.status } else { WorkflowStatus::Ingediend };
    sqlx::query!(
        "update application set workflow_status = $3, submitted_at = clock_timestamp(), submitted_by = $2,
                version = version + 1
         where application_id = $1",
        after.id,
        changed_by,
        status.as_str()
    )
    .execute(&mut *conn)
    .await?;
    let again = store::get_in(conn, ctx.org, after.id).await?.ok_or(AppError::NotFound)?;
    let labels: Vec<&str> = material.iter().map(|k| fields::label(k)).collect();
    let labels = labels.join(", ");
    let extra = [("changed_fields", json!(labels))];
    store::record_with(conn, ctx.actor, "application.resubmitted", Some(after), &again, &extra).await?;
    let what = change.then(|| format!("Wijziging van de goedgekeurde tool {} (gewijzigd: {labels}).", again.name()));
    announce(conn, &again, changed_by, what.as_deref()).await?;
    Ok(true)
}

/// "Tijdelijk niet gebruiken" (the CISO, mostly after an incident) with the reason everyone sees, or its
/// lifting (`reason` None): the row, the audit event, and a notification to submitter, owner and the RASCI
/// people. Returns the announcement.
pub async fn set_suspension(
    conn: &mut PgConnection,
    ctx: &Ctx<'_>,
    before: &Stored,
    reason: Option<&str>,
    by: Uuid,
) -> AppResult<String> {
    match (reason, before.str("suspension_reason").is_some()) {
        (Some(_), true) => {
            return Err(AppError::Conflict(format!("{} is al tijdelijk buiten gebruik gesteld.", before.name())));
        }
        (None, false) => {
            return Err(AppError::Conflict(format!("{} is niet tijdelijk buiten gebruik gesteld.", before.name())));
        }
        _ => {}
    }
    // A tool whose change is in review is still allowed as approved, so it can be stopped too.
    let allowed = before.status.is_approved() || approved::governing(conn, before).await?.is_some();
    if reason.is_some() && !allowed {
        return Err(AppError::Conflict(format!(
            "Alleen een goedgekeurde tool of een tool in gebruik kan tijdelijk worden stilgezet; {} is dat niet.",
            before.name()
        )));
    }
    sqlx::query!(
        "update application set suspended_at = case when $2::text is null then null else now() end,
                suspended_by = case when $2::text is null then null else $3::uuid end, suspension_reason = $2,
                version = version + 1
         where application_id = $1",
        before.id,
        reason,
        by
    )
    .execute(&mut *conn)
    .await?;
    let after = store::get_in(conn, ctx.org, before.id).await?.ok_or(AppError::NotFound)?;
    let action = if reason.is_some() { "application.suspended" } else { "application.suspension_lifted" };
    store::record(conn, ctx.actor, action, Some(before), &after).await?;
    let message = match reason {
        Some(r) => format!("{} mag tijdelijk niet worden gebruikt: {r}", after.name()),
        None => format!("{} mag weer worden gebruikt.", after.name()),
    };
    let message: String = message.chars().take(500).collect();
    let link = format!("/register/{}/incidenten", before.id);
    let n = Note {
        organisation_id: ctx.org,
        kind: Kind::Suspended,
        application_id: Some(before.id),
        message: &message,
        link: &link,
    };
    let mut to = interested(&after);
    to.extend(after.rasci.iter().filter_map(|r| r.user_id));
    notices::send(conn, &to, Some(by), &n).await?;
    Ok(message)
}

/// Demo data only: a registration loaded as if its history had happened (submitted 20 days ago and now at
/// `status`), recorded as "application.status_set" so the audit trail says it was set, not decided.
pub async fn seed_status(
    conn: &mut PgConnection,
    ctx: &Ctx<'_>,
    stored: &Stored,
    status: WorkflowStatus,
) -> AppResult<Stored> {
    if status == WorkflowStatus::Concept {
        return Ok(stored.clone());
    }
    sqlx::query!(
        "update application set workflow_status = $2, submitted_at = now() - interval '20 days', version = version + 1
         where application_id = $1",
        stored.id,
        status.as_str()
    )
    .execute(&mut *conn)
    .await?;
    if status.is_approved() {
        approved::save(conn, stored.id, None).await?;
    }
    let after = store::get_in(conn, ctx.org, stored.id).await?.ok_or(AppError::NotFound)?;
    store::record(conn, ctx.actor, "application.status_set", Some(stored), &after).await?;
    Ok(after)
}

/// Who hears of a submission: the CISO always, the FG when personal data is involved, the directie when the
/// own risk level is high.
pub async fn announce_submission(conn: &mut PgConnection, app: &Stored, actor: Uuid) -> sqlx::Result<()> {
    announce(conn, app, actor, None).await
}

/// The same for a new round, where `change` says what changed in an approved tool (it leads every message).
async fn announce(conn: &mut PgConnection, app: &Stored, actor: Uuid, change: Option<&str>) -> sqlx::Result<()> {
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
        let message = match change {
            Some(change) => format!("{change} {name} {text}").chars().take(500).collect(),
            None => format!("{name} {text}"),
        };
        let n = Note { organisation_id: org, kind, application_id: Some(app.id), message: &message, link: &link };
        notices::send_to_roles(conn, &roles, Some(actor), &n).await?;
    }
    Ok(())
}

/// Submitter and owner: the people a decision is for.
pub fn interested(app: &Stored) -> Vec<Uuid> {
    ["created_by", "submitted_by", "owner_id"].iter().filter_map(|k| app.uuid(k)).collect()
}
