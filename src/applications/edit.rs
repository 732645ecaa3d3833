//! Registering and editing an application: "Nieuwe AI-toepassing registreren" (with the duplicate check),
//! saving a draft, submitting, editing with optimistic locking, and the CISO's risk override.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::organisation;
use super::views::{self, Known, MatrixRow, RasciView, SectionView};
use crate::AppState;
use crate::audit::{self, Actor};
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::checklist::{self, Party};
use crate::register::form::{self, FormData, Missing};
use crate::register::lifecycle::{self, Ctx, Draft};
use crate::register::machine::WorkflowStatus;
use crate::register::rasci;
use crate::register::risk::RiskLevel;
use crate::register::search::{self, Similar};
use crate::register::store::{self, Stored};
use crate::register::{access::can_edit, facts};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{format_datetime, render, render_status};

/// Someone else's save that came in between, as the form explains it.
pub struct Conflict {
    pub changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "applications/form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub id: Option<Uuid>,
    pub version: i32,
    pub sections: Vec<SectionView>,
    pub matrix: Vec<MatrixRow>,
    pub rasci: Vec<RasciView>,
    pub errors: FormErrors,
    pub missing: Vec<form::Missing>,
    pub similar: Vec<Similar>,
    /// The name the duplicate check was done for.
    pub checked_name: String,
    pub conflict: Option<Conflict>,
    pub risk_label: String,
    pub risk_reasons: Vec<String>,
    pub can_submit: bool,
    /// Approved or in use: a material change sends it back to the CISO, which the form says beforehand.
    pub approved: bool,
}

struct FormState<'a> {
    id: Option<Uuid>,
    version: i32,
    form: &'a FormData,
    errors: FormErrors,
    missing: Vec<form::Missing>,
    similar: Vec<Similar>,
    conflict: Option<Conflict>,
    can_submit: bool,
    approved: bool,
}

fn form_page(user: &CurrentUser, members: &Known, s: FormState<'_>) -> FormPage {
    let title = if s.id.is_some() { "Registratie bewerken" } else { "Nieuwe AI-toepassing registreren" };
    let (mut sections, matrix) = views::form_sections(s.form, &s.errors, members);
    views::offer_suppliers(&mut sections, &members.suppliers);
    // The risk level as the current input stands (invalid fields simply do not count).
    let values = form::validate(s.form, members, &mut FormErrors::new());
    let risk = store::derive_risk(&values);
    FormPage {
        layout: Layout::for_user(user, title, "/register")
            .with_errors(!s.errors.is_empty() || s.conflict.is_some() || !s.missing.is_empty()),
        id: s.id,
        version: s.version,
        sections,
        matrix,
        rasci: views::rasci_views(s.form, &s.errors, members),
        errors: s.errors,
        missing: s.missing,
        similar: s.similar,
        checked_name: s.form.get("checked_name").to_string(),
        conflict: s.conflict,
        risk_label: risk.level.map(RiskLevel::label).unwrap_or_else(|| "Nog niet te bepalen".to_string()),
        risk_reasons: risk.reasons,
        can_submit: s.can_submit,
        approved: s.approved,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    naam: String,
    /// "1": the whole form on one page instead of the steps.
    alles: String,
}

#[derive(Template)]
#[template(path = "applications/new_start.html")]
pub struct NewStartPage {
    pub layout: Layout,
}

/// Step 1 asks for the name; step 2 shows registrations with a similar name and the form.
#[tracing::instrument(skip_all)]
pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let name = q.naam.trim();
    if name.is_empty() {
        return render(&NewStartPage {
            layout: Layout::for_user(&user, "Nieuwe AI-toepassing registreren", "/register"),
        });
    }
    let similar = search::similar(&state.pool, org, name, None).await?;
    let mut form = FormData::default();
    form.push("name", name.chars().take(100).collect::<String>());
    form.push("checked_name", name);
    form.push("owner_id", user.user_id.to_string());
    let members = views::shown(&state.pool, org, &form).await?;
    if q.alles != "1" {
        return render(&super::steps::new_page(&user, &members, &form, FormErrors::new(), similar));
    }
    render(&form_page(
        &user,
        &members,
        FormState {
            id: None,
            version: 0,
            form: &form,
            errors: FormErrors::new(),
            missing: Vec::new(),
            similar,
            conflict: None,
            can_submit: true,
            approved: false,
        },
    ))
}

/// What the submit buttons ask for.
fn wants_submit(form: &FormData) -> bool {
    form.get("actie") == "indienen"
}

#[tracing::instrument(skip_all)]
pub async fn create(State(state): State<AppState>, user: CurrentUser, body: Bytes) -> AppResult<Response> {
    let org = organisation(&user)?;
    let mut form = FormData::parse(&body);
    if !form.get("stap").is_empty() {
        return super::steps::create(&state, &user, form).await;
    }
    let members = views::known(&state.pool, org, &[&form]).await?;
    let state_for = |errors, missing, similar, form| FormState {
        id: None,
        version: 0,
        form,
        errors,
        missing,
        similar,
        conflict: None,
        can_submit: true,
        approved: false,
    };
    let mut draft = match Draft::validate(&form, &members) {
        Ok(draft) => draft,
        Err(errors) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&user, &members, state_for(errors, Vec::new(), Vec::new(), &form)),
            );
        }
    };
    // Duplicate check: a name that was not checked yet, with similar registrations, is shown once.
    let name = draft.name().to_string();
    if form.get("checked_name").trim() != name {
        let similar = search::similar(&state.pool, org, &name, None).await?;
        if !similar.is_empty() {
            form.0.retain(|(k, _)| k != "checked_name");
            form.push("checked_name", name.as_str());
            return render(&form_page(&user, &members, state_for(FormErrors::new(), Vec::new(), similar, &form)));
        }
    }
    let submit = wants_submit(&form);
    if submit {
        let mut missing = draft.missing_for_submission();
        missing.extend(facts::submission_blockers(&facts::form_facts(&draft.values, &draft.rasci, None, Vec::new())));
        if !missing.is_empty() {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&user, &members, state_for(FormErrors::new(), missing, Vec::new(), &form)),
            );
        }
    }
    draft.owned_by_default(user.user_id);
    let owner_items = checklist::merge(&[], &checklist::ticked(&draft.values), Party::Owner);
    draft.values.insert("checklist".into(), serde_json::json!(owner_items));
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor };
    let mut tx = state.pool.begin().await?;
    let stored = lifecycle::create(&mut tx, &ctx, Some(user.user_id), &draft, submit).await?;
    tx.commit().await?;
    tracing::info!(event = "application_created", actor = %user.user_id, application_id = %stored.id, submitted = submit, "application registered");
    let flash = if submit {
        format!("{name} is ingediend ter beoordeling.")
    } else {
        format!("{name} is opgeslagen als concept. U kunt later verder gaan.")
    };
    session::flash_redirect(&state.pool, &user, &flash, &format!("/register/{}", stored.id)).await
}

/// A registration the user may edit, with what validating `posted` beside its stored form needs (the members
/// either can name, the supplier names).
pub(super) async fn editable(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    posted: &FormData,
) -> AppResult<(Uuid, Stored, Known)> {
    let (org, stored) = may_edit(state, user, id).await?;
    let stored_form = form::to_form(&stored.doc, &stored.rasci);
    let members = views::known(&state.pool, org, &[posted, &stored_form]).await?;
    Ok((org, stored, members))
}

/// A registration the user may edit, for a page that shows its form (the people it names, not every member),
/// with that form.
pub(super) async fn showable(state: &AppState, user: &CurrentUser, id: Uuid) -> AppResult<(Stored, Known, FormData)> {
    let (org, stored) = may_edit(state, user, id).await?;
    let form = form::to_form(&stored.doc, &stored.rasci);
    let members = views::shown(&state.pool, org, &form).await?;
    Ok((stored, members, form))
}

pub(super) async fn may_edit(state: &AppState, user: &CurrentUser, id: Uuid) -> AppResult<(Uuid, Stored)> {
    let org = organisation(user)?;
    let stored = store::get(&state.pool, org, id).await?.ok_or(AppError::NotFound)?;
    if !can_edit(user, &stored) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, action = "edit_application", application_id = %id, "edit refused");
        return Err(AppError::Forbidden);
    }
    Ok((org, stored))
}

fn submittable(stored: &Stored) -> bool {
    stored.status.is_submittable()
}

#[tracing::instrument(skip_all)]
pub async fn edit_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (stored, members, form) = showable(&state, &user, id).await?;
    let missing = if submittable(&stored) {
        facts::submission_missing(&mut *state.pool.acquire().await?, &stored).await?
    } else {
        Vec::new()
    };
    render(&form_page(
        &user,
        &members,
        FormState {
            id: Some(id),
            version: stored.version,
            form: &form,
            errors: FormErrors::new(),
            missing,
            similar: Vec::new(),
            conflict: None,
            can_submit: submittable(&stored),
            approved: stored.status.is_approved(),
        },
    ))
}

/// What changed since `base_version`, from the audit trail: "Naam, Doel en impact (door Jan, 12-03-2026 10:15)".
pub(super) async fn changes_since(state: &AppState, id: Uuid, base_version: i32) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    for e in audit::history(&state.pool, "application", id).await? {
        let v = e.after.as_ref().and_then(|a| a.get("version")).and_then(Value::as_i64).unwrap_or(0);
        if v <= i64::from(base_version) {
            continue;
        }
        let keys = audit::changed_keys(e.before.as_ref(), e.after.as_ref(), super::IGNORED_IN_DIFF);
        let labels: Vec<&str> = keys.iter().map(|k| crate::register::fields::label(k)).collect();
        out.push(format!(
            "{} door {} op {}",
            if labels.is_empty() { "Gewijzigd".to_string() } else { labels.join(", ") },
            e.actor_name,
            format_datetime(e.occurred_at)
        ));
    }
    Ok(out)
}

#[tracing::instrument(skip_all)]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let form = FormData::parse(&body);
    let (org, current, members) = editable(&state, &user, id, &form).await?;
    let base_version: i32 = form.get("version").parse().unwrap_or(-1);
    let mut errors = FormErrors::new();
    let mut values = form::validate(&form, &members, &mut errors);
    let entries = rasci::parse(&form, &members, &mut errors);
    // The form has the owner's checklist items; the CISO's stay as the CISO left them.
    let before_ticks = checklist::ticked(&current.doc);
    let ticks = checklist::merge(&before_ticks, &checklist::ticked(&values), Party::Owner);
    values.insert("checklist".into(), serde_json::json!(ticks));
    let page_state = |errors, missing, conflict, version| FormState {
        id: Some(id),
        version,
        form: &form,
        errors,
        missing,
        similar: Vec::new(),
        conflict,
        can_submit: submittable(&current),
        approved: current.status.is_approved(),
    };
    if base_version != current.version {
        let changes = changes_since(&state, id, base_version).await?;
        tracing::info!(event = "edit_conflict", user_id = %user.user_id, application_id = %id, base_version, current = current.version, "stale edit refused");
        return render_status(
            StatusCode::CONFLICT,
            &form_page(&user, &members, page_state(errors, Vec::new(), Some(Conflict { changes }), current.version)),
        );
    }
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&user, &members, page_state(errors, Vec::new(), None, base_version)),
        );
    }
    let submit = wants_submit(&form) && submittable(&current);
    let missing = still_missing(&state, &current, &values, &entries, submit).await?;
    if !missing.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&user, &members, page_state(FormErrors::new(), missing, None, base_version)),
        );
    }
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor };
    let mut tx = state.pool.begin().await?;
    let Some(before) = store::lock(&mut tx, org, id).await? else { return Err(AppError::NotFound) };
    let Some(after) = store::update(&mut tx, org, id, base_version, &values, &entries).await? else {
        drop(tx);
        let changes = changes_since(&state, id, base_version).await?;
        let now = store::get(&state.pool, org, id).await?.map(|s| s.version).unwrap_or(base_version);
        return render_status(
            StatusCode::CONFLICT,
            &form_page(&user, &members, page_state(FormErrors::new(), Vec::new(), Some(Conflict { changes }), now)),
        );
    };
    store::record(&mut tx, &actor, "application.updated", Some(&before), &after).await?;
    checklist::sync(&mut tx, id, &checklist::ticked(&before.doc), &checklist::ticked(&after.doc), Some(user.user_id))
        .await?;
    if submit {
        lifecycle::submit(&mut tx, &ctx, &after).await?;
    }
    // A change to purpose, data or deployment of an approved tool, or of one under review, starts a new review
    // round: earlier FG advice and consent no longer count, and whoever made the change is, for four-eyes, a
    // party to the decision (as a submitter is).
    let material = if submit { Vec::new() } else { lifecycle::material_changes(&before, &after) };
    let back_to_review = lifecycle::new_round_after(&mut tx, &ctx, user.user_id, &after, &material).await?;
    tx.commit().await?;
    let flash = saved_message(after.name(), submit, back_to_review, &material);
    session::flash_redirect(&state.pool, &user, &flash, &format!("/register/{id}")).await
}

/// What a save must still supply: beyond a draft a registration stays complete (what submission required
/// cannot be emptied later), and a submission also needs what the gates ask before review.
async fn still_missing(
    state: &AppState,
    current: &Stored,
    values: &Map<String, Value>,
    entries: &[rasci::RasciEntry],
    submit: bool,
) -> AppResult<Vec<Missing>> {
    if !submit && current.status == WorkflowStatus::Concept {
        return Ok(Vec::new());
    }
    let mut missing = form::missing_for_submission(values, entries);
    if submit {
        let mut conn = state.pool.acquire().await?;
        let completed = facts::completed_assessments(&mut conn, current.id).await?;
        let mut found = facts::form_facts(values, entries, Some(current), completed);
        found.prescan_requires_dpia = facts::prescan_requires_dpia(&mut conn, current.id).await?;
        missing.extend(facts::submission_blockers(&found));
    }
    Ok(missing)
}

/// The message after a save: submitted, saved, or saved and back to the CISO because of what changed.
pub(super) fn saved_message(name: &str, submit: bool, back_to_review: bool, material: &[&'static str]) -> String {
    if submit {
        format!("{name} is ingediend ter beoordeling.")
    } else if back_to_review {
        let labels: Vec<&str> = material.iter().map(|k| crate::register::fields::label(k)).collect();
        format!(
            "De wijzigingen in {name} zijn opgeslagen. Omdat u {} heeft gewijzigd, beoordeelt de CISO de toepassing opnieuw (eerder advies en eerdere toestemming tellen niet meer).",
            labels.join(", ")
        )
    } else {
        format!("De wijzigingen in {name} zijn opgeslagen.")
    }
}

/// Submit from the detail page.
#[tracing::instrument(skip_all)]
pub async fn submit(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (org, _) = may_edit(&state, &user, id).await?;
    let actor = Actor::from(&user);
    let mut tx = state.pool.begin().await?;
    let stored = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    if !submittable(&stored) {
        return Err(AppError::Conflict(format!(
            "{} kan nu niet worden ingediend: de status is „{}”. Indienen kan alleen bij een concept of een teruggestuurde registratie.",
            stored.name(),
            stored.status.label()
        )));
    }
    let missing = facts::submission_missing(&mut tx, &stored).await?;
    if !missing.is_empty() {
        drop(tx);
        session::set_flash(
            &state.pool,
            &user,
            &format!("Indienen kan nog niet. Nog nodig: {}.", form::Missing::join(&missing)),
        )
        .await?;
        return Ok(Redirect::to(&format!("/register/{id}/bewerken/overzicht")).into_response());
    }
    lifecycle::submit(&mut tx, &Ctx { org, actor: &actor }, &stored).await?;
    tx.commit().await?;
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("{} is ingediend ter beoordeling.", stored.name()),
        &format!("/register/{id}"),
    )
    .await
}
