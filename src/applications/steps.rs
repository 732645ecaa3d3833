//! Editing a registration in steps (`/register/{id}/bewerken/{stap}`): one section per page, saved per step
//! with the optimistic version check. A draft saves what is valid and names what it did not save; beyond a
//! draft a save stays strict (what submission required cannot be emptied later). A new registration starts
//! with the first step (`/register/nieuw`), saved as a draft before the next.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use super::edit::{Conflict, changes_since, editable, may_edit, saved_message, showable};
use super::organisation;
use super::step_page::{StepState, neighbour, step_page};
use super::views::{self, Known};
use crate::AppState;
use crate::audit::Actor;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::checklist::{self, Party};
use crate::register::fields::FIELDS;
use crate::register::form::{self, FormData, Member};
use crate::register::lifecycle::{self, Ctx, Draft};
use crate::register::machine::WorkflowStatus;
use crate::register::search;
use crate::register::steps::{self, Relevance, Step};
use crate::register::store::{self, Stored};
use crate::register::{draft, facts, rasci};
use crate::web::forms::FormErrors;
use crate::web::{render, render_status};

/// `/register/{id}/bewerken`: the first step (for whoever may edit; 404 or 403 otherwise).
pub async fn start(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Redirect> {
    may_edit(&state, &user, id).await?;
    Ok(Redirect::to(&format!("/register/{id}/bewerken/algemeen")))
}

/// What a stored registration shows in its steps: relevance, the whole "nog nodig" list, the checklist.
struct Context {
    rel: Relevance,
    missing: Vec<form::Missing>,
    ticks: Vec<checklist::TickView>,
}

async fn context(state: &AppState, stored: &Stored) -> AppResult<Context> {
    let mut conn = state.pool.acquire().await?;
    let found = facts::load(&mut conn, stored).await?;
    let missing = if stored.status.is_submittable() {
        facts::submission_missing(&mut conn, stored).await?
    } else {
        form::missing_for_submission(&stored.doc, &stored.rasci)
    };
    Ok(Context { rel: Relevance::of(&stored.doc, &found), missing, ticks: checklist::views(&mut conn, stored).await? })
}

fn page_state<'a>(stored: &Stored, step: Step, cx: Context, form: &'a FormData, errors: FormErrors) -> StepState<'a> {
    StepState {
        id: Some(stored.id),
        version: stored.version,
        step,
        rel: cx.rel,
        form,
        errors,
        missing: cx.missing,
        conflict: None,
        similar: Vec::new(),
        can_submit: stored.status.is_submittable(),
        approved: stored.status.is_approved(),
        ticks: cx.ticks,
    }
}

#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, stap)): Path<(Uuid, String)>,
) -> AppResult<Response> {
    if stap == "alles" {
        return super::edit::edit_form(State(state), user, Path(id)).await;
    }
    let step = Step::parse(&stap).ok_or(AppError::NotFound)?;
    let (stored, members, form) = showable(&state, &user, id).await?;
    let cx = context(&state, &stored).await?;
    if !cx.rel.steps().contains(&step) {
        // Not asked for this tool (any more): on to the overview.
        return Ok(Redirect::to(&format!("/register/{id}/bewerken/overzicht")).into_response());
    }
    render(&step_page(&user, &members, page_state(&stored, step, cx, &form, FormErrors::new())))
}

/// The stored input with this step's keys replaced by what was posted (a key absent from the post, such as
/// an unticked checkbox list, is emptied: the step showed it).
fn merged(stored: &FormData, posted: &FormData, keys: &[String]) -> FormData {
    let mut out = stored.clone();
    out.0.retain(|(k, _)| !keys.contains(k));
    out.0.extend(posted.0.iter().filter(|(k, _)| keys.contains(k)).cloned());
    out
}

/// Whether the validated input differs from what is stored (a "Vorige" without changes writes nothing).
fn unchanged(stored: &Stored, values: &serde_json::Map<String, Value>, entries: &[rasci::RasciEntry]) -> bool {
    let same = |k: &str| {
        let a = stored.doc.get(k).unwrap_or(&Value::Null);
        let b = values.get(k).unwrap_or(&Value::Null);
        a == b || (form::is_blank(a) && form::is_blank(b))
    };
    FIELDS.iter().all(|f| same(f.key)) && stored.rasci == entries
}

#[tracing::instrument(skip_all)]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, stap)): Path<(Uuid, String)>,
    body: Bytes,
) -> AppResult<Response> {
    let step = Step::parse(&stap).filter(|s| *s != Step::Overzicht).ok_or(AppError::NotFound)?;
    let posted = FormData::parse(&body);
    let (org, current, members) = editable(&state, &user, id, &posted).await?;
    let base_version: i32 = posted.get("version").parse().unwrap_or(-1);
    let cx = context(&state, &current).await?;
    let stored_form = form::to_form(&current.doc, &current.rasci);
    let input = merged(&stored_form, &posted, &steps::form_keys(step, cx.rel));
    if base_version != current.version {
        let changes = changes_since(&state, id, base_version).await?;
        tracing::info!(event = "edit_conflict", user_id = %user.user_id, application_id = %id, base_version, current = current.version, "stale step refused");
        let mut s = page_state(&current, step, cx, &input, FormErrors::new());
        s.conflict = Some(Conflict { changes });
        return render_status(StatusCode::CONFLICT, &step_page(&user, &members, s));
    }
    let draft = current.status == WorkflowStatus::Concept;
    let validated =
        if draft { draft::validate_keeping_valid(&input, &stored_form, &members) } else { strict(&input, &members) };
    let (mut values, entries, errors) = match validated {
        Some(v) => v,
        None => {
            let mut errors = FormErrors::new();
            form::validate(&input, &members, &mut errors);
            rasci::parse(&input, &members, &mut errors);
            let s = page_state(&current, step, cx, &input, errors);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &step_page(&user, &members, s));
        }
    };
    if !draft {
        let missing = form::missing_for_submission(&values, &entries);
        if !missing.is_empty() {
            let mut s = page_state(&current, step, cx, &input, FormErrors::new());
            s.missing = missing;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &step_page(&user, &members, s));
        }
    }
    let before_ticks = checklist::ticked(&current.doc);
    values
        .insert("checklist".into(), json!(checklist::merge(&before_ticks, &checklist::ticked(&values), Party::Owner)));
    let mut message = String::new();
    let mut after = current.clone();
    if !unchanged(&current, &values, &entries) {
        let Some((saved, msg)) = write(&state, &user, id, base_version, (&values, &entries)).await? else {
            let changes = changes_since(&state, id, base_version).await?;
            let now = store::get(&state.pool, org, id).await?.ok_or(AppError::NotFound)?;
            let cx = context(&state, &now).await?;
            let mut s = page_state(&now, step, cx, &input, FormErrors::new());
            s.conflict = Some(Conflict { changes });
            return render_status(StatusCode::CONFLICT, &step_page(&user, &members, s));
        };
        (after, message) = (saved, msg);
    }
    let cx = context(&state, &after).await?;
    if !errors.is_empty() {
        // Saved what was valid; the rest comes back as typed, with its message.
        let s = page_state(&after, step, cx, &input, errors);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &step_page(&user, &members, s));
    }
    let target = match posted.get("actie") {
        "verder" => neighbour(cx.rel, step, true),
        "vorige" => neighbour(cx.rel, step, false),
        _ => step,
    };
    let to = format!("/register/{id}/bewerken/{}", target.slug());
    if message.is_empty() {
        return Ok(Redirect::to(&to).into_response());
    }
    session::flash_redirect(&state.pool, &user, &message, &to).await
}

/// Write a step: the row if still at `base_version` (None otherwise), its audit event, the checklist's ticks
/// and, for a material change of an approved tool, a new review round, in one transaction. Returns the saved
/// registration and the message for the user.
async fn write(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    base_version: i32,
    (values, entries): (&serde_json::Map<String, Value>, &[rasci::RasciEntry]),
) -> AppResult<Option<(Stored, String)>> {
    let org = organisation(user)?;
    let actor = Actor::from(user);
    let ctx = Ctx { org, actor: &actor };
    let mut tx = state.pool.begin().await?;
    let Some(before) = store::lock(&mut tx, org, id).await? else { return Err(AppError::NotFound) };
    let Some(saved) = store::update(&mut tx, org, id, base_version, values, entries).await? else {
        return Ok(None);
    };
    store::record(&mut tx, &actor, "application.updated", Some(&before), &saved).await?;
    let (old, new) = (checklist::ticked(&before.doc), checklist::ticked(&saved.doc));
    checklist::sync(&mut tx, id, &old, &new, Some(user.user_id)).await?;
    let material = lifecycle::material_changes(&before, &saved);
    let back = lifecycle::new_round_after(&mut tx, &ctx, user.user_id, &saved, &material).await?;
    tx.commit().await?;
    let message = saved_message(saved.name(), false, back, &material);
    let after = store::get(&state.pool, org, id).await?.ok_or(AppError::NotFound)?;
    Ok(Some((after, message)))
}

/// Beyond a draft every field must be valid.
fn strict(
    input: &FormData,
    members: &[Member],
) -> Option<(serde_json::Map<String, Value>, Vec<rasci::RasciEntry>, FormErrors)> {
    let mut errors = FormErrors::new();
    let values = form::validate(input, members, &mut errors);
    let entries = rasci::parse(input, members, &mut errors);
    errors.is_empty().then_some((values, entries, errors))
}

/// The first step of a new registration, before it exists.
pub fn new_page(
    user: &CurrentUser,
    members: &Known,
    input: &FormData,
    errors: FormErrors,
    similar: Vec<search::Similar>,
) -> super::step_page::StepPage {
    step_page(
        user,
        members,
        StepState {
            id: None,
            version: 0,
            step: Step::Algemeen,
            rel: Relevance::of(&Default::default(), &Default::default()),
            form: input,
            errors,
            missing: Vec::new(),
            conflict: None,
            similar,
            can_submit: false,
            approved: false,
            ticks: Vec::new(),
        },
    )
}

/// The first step of a new registration, posted to `/register`: the duplicate check, then a draft with what
/// is valid (a name and a short description at least), then the next step.
pub async fn create(state: &AppState, user: &CurrentUser, mut input: FormData) -> AppResult<Response> {
    let org = organisation(user)?;
    let keys = steps::form_keys(Step::Algemeen, Relevance::of(&Default::default(), &Default::default()));
    input = merged(&FormData::default(), &input, &[keys, vec!["checked_name".to_string()]].concat());
    let members = views::known(&state.pool, org, &[&input]).await?;
    let validated = draft::validate_keeping_valid(&input, &FormData::default(), &members);
    let Some((values, entries, errors)) = validated else {
        let mut errors = FormErrors::new();
        form::validate(&input, &members, &mut errors);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &new_page(user, &members, &input, errors, Vec::new()));
    };
    let mut draft = Draft { values, rasci: entries };
    let name = draft.name().to_string();
    if input.get("checked_name").trim() != name {
        let similar = search::similar(&state.pool, org, &name, None).await?;
        if !similar.is_empty() {
            input.0.retain(|(k, _)| k != "checked_name");
            input.push("checked_name", name.as_str());
            return render(&new_page(user, &members, &input, errors, similar));
        }
    }
    draft.owned_by_default(user.user_id);
    let actor = Actor::from(user);
    let ctx = Ctx { org, actor: &actor };
    let mut tx = state.pool.begin().await?;
    let stored = lifecycle::create(&mut tx, &ctx, Some(user.user_id), &draft, false).await?;
    tx.commit().await?;
    tracing::info!(event = "application_created", actor = %user.user_id, application_id = %stored.id, staged = true, "application registered");
    let cx = context(state, &stored).await?;
    if !errors.is_empty() {
        let s = page_state(&stored, Step::Algemeen, cx, &input, errors);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &step_page(user, &members, s));
    }
    let next = neighbour(cx.rel, Step::Algemeen, true);
    let flash = format!("{name} is opgeslagen als concept. Vul de volgende stap in, of ga later verder.");
    session::flash_redirect(&state.pool, user, &flash, &format!("/register/{}/bewerken/{}", stored.id, next.slug()))
        .await
}
