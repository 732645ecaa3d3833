//! The administrator's literacy page: the trainings and what each requires of whom, the entries waiting for
//! confirmation, and forms to add a training, a requirement and someone's completion. Every change is an
//! audit event in the same transaction.

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;
use uuid::Uuid;

use super::certificate::{self, CertificateView};
use super::forms::{CompletionInput, TrainingInput};
use super::mine::{insert_with_certificate, training_in};
use super::training::TrainingView;
use super::{MANAGE, level_options, manages, options, record, training_options};
use crate::AppState;
use crate::applications::organisation;
use crate::error::{AppError, AppResult};
use crate::register::people;
use crate::register::pick::{self, Among, PickView};
use crate::register::store;
use crate::roles::Role;
use crate::web::forms::{FormData, FormErrors, OptView};
use crate::web::layout::Layout;
use crate::web::user::CurrentUser;
use crate::web::{format_date, render_status, session, today};

pub struct WaitingView {
    pub id: Uuid,
    pub person: String,
    pub title: String,
    pub completed_on: String,
    pub evidence: String,
    pub certificate: Option<CertificateView>,
}

/// The three forms of the page, each with its own input and errors (only the one posted has any).
#[derive(Default)]
pub struct Forms {
    pub training: (FormData, FormErrors),
    pub requirement: (FormData, FormErrors),
    pub completion: (FormData, FormErrors),
    /// The report of an uploaded completions file.
    pub import: Option<super::import::Report>,
}

#[derive(Template)]
#[template(path = "literacy/manage.html")]
struct ManagePage {
    layout: Layout,
    report: Option<super::import::Report>,
    /// A dry run is the default; after one that found every line in order, the next step is the import.
    dry_run_checked: bool,
    trainings: Vec<TrainingView>,
    waiting: Vec<WaitingView>,
    levels: Vec<OptView>,
    req_trainings: Vec<OptView>,
    roles: Vec<OptView>,
    tool: PickView,
    /// Come from this training's page ("Een eis toevoegen voor deze training"): back there once added.
    back_to: Option<Uuid>,
    done_trainings: Vec<OptView>,
    /// The completion form's person as shown in its text field.
    person: String,
    forms: Forms,
}

pub(super) fn guard(user: &CurrentUser) -> AppResult<Uuid> {
    let org = organisation(user)?;
    if !manages(user) {
        return Err(AppError::Forbidden);
    }
    Ok(org)
}

async fn waiting(state: &AppState, org: Uuid) -> AppResult<Vec<WaitingView>> {
    let rows = sqlx::query!(
        r#"select c.completion_id, u.name, u.email, t.title, c.completed_on, c.evidence_link,
                  d.file_name as "file_name?", d.size_bytes as "size_bytes?"
         from training_completion c join training t using (training_id) join app_user u on u.user_id = c.user_id
         left join assessment_document d on d.document_id = c.certificate_document_id
         where c.organisation_id = $1 and c.confirmed_at is null order by c.created_at"#,
        org
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| WaitingView {
            id: r.completion_id,
            person: format!("{} ({})", r.name, r.email),
            title: r.title,
            completed_on: format_date(r.completed_on),
            evidence: r.evidence_link.unwrap_or_default(),
            certificate: CertificateView::new(r.completion_id, r.file_name, r.size_bytes),
        })
        .collect())
}

pub(super) async fn render(
    state: &AppState,
    user: &CurrentUser,
    code: StatusCode,
    mut f: Forms,
) -> AppResult<Response> {
    let org = guard(user)?;
    let training_list = training_options(&state.pool, org).await?;
    let (chosen, typed) = pick::sent(&f.requirement.0, "application_id");
    let tool = pick::view(&state.pool, org, Among::Requirements, chosen, typed, "").await?;
    let roles: Vec<(String, String)> =
        Role::ALL.iter().map(|r| (r.as_str().to_string(), r.label().to_string())).collect();
    let has_errors = [&f.training.1, &f.requirement.1, &f.completion.1].iter().any(|e| !e.is_empty());
    render_status(
        code,
        &ManagePage {
            layout: Layout::for_user(user, "AI-geletterdheid beheren", MANAGE).with_errors(has_errors),
            dry_run_checked: !f.import.as_ref().is_some_and(|r| r.ok() && r.dry_run),
            report: f.import.take(),
            trainings: super::training::read(&state.pool, org, None, super::training::TOOLS_SHOWN).await?,
            waiting: waiting(state, org).await?,
            levels: level_options(f.training.0.get("level")),
            req_trainings: options(&training_list, f.requirement.0.get("requirement_training")),
            roles: options(&roles, f.requirement.0.get("role")),
            tool,
            back_to: Uuid::parse_str(f.requirement.0.get("terug")).ok(),
            done_trainings: options(&training_list, f.completion.0.get("training_id")),
            person: shown_person(state, org, f.completion.0.get("user_id")).await?,
            forms: f,
        },
    )
}

#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser, Query(ask): Query<Preset>) -> AppResult<Response> {
    // "Een eis toevoegen voor deze training" on a training's page: its form comes with that training chosen.
    let mut f = Forms::default();
    if let Ok(training) = Uuid::parse_str(ask.training.trim()) {
        f.requirement.0.push("requirement_training", training.to_string());
        f.requirement.0.push("terug", training.to_string());
    }
    render(&state, &user, StatusCode::OK, f).await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Preset {
    /// A training's id; anything else is ignored (not a 400).
    training: String,
}

/// A person field's text: a member's id (sent by a client other than the form) as "Name (e-mail)", typed text
/// as typed. Only an id reads that member.
async fn shown_person(state: &AppState, org: Uuid, raw: &str) -> AppResult<String> {
    let Ok(id) = Uuid::parse_str(raw.trim()) else { return Ok(raw.to_string()) };
    Ok(people::shown_value(raw, &store::members_among(&state.pool, org, &[id]).await?))
}

/// The completion form with the typed person ("Name (e-mail)", an e-mail address or a name) as the member's id,
/// or why the text is not one active member (register::people).
async fn typed_person(state: &AppState, org: Uuid, input: &FormData) -> AppResult<(FormData, Result<(), String>)> {
    let typed = input.get("user_id").trim();
    if typed.is_empty() || Uuid::parse_str(typed).is_ok() {
        return Ok((input.clone(), Ok(())));
    }
    let members = people::candidates(&state.pool, org, &[typed]).await?;
    let mut resolved = input.clone();
    match people::resolve_active(typed, &members) {
        Ok(m) => {
            resolved.0.iter_mut().filter(|(k, _)| k == "user_id").for_each(|(_, v)| *v = m.user_id.to_string());
            Ok((resolved, Ok(())))
        }
        Err(why) => Ok((resolved, Err(why.message("Medewerker", typed)))),
    }
}

pub(super) fn refused(input: FormData, field: &'static str, message: &str) -> (FormData, FormErrors) {
    let mut e = FormErrors::new();
    e.add(field, message);
    (input, e)
}

#[tracing::instrument(skip_all)]
pub async fn create_training(State(state): State<AppState>, user: CurrentUser, body: Bytes) -> AppResult<Response> {
    let org = guard(&user)?;
    let input = FormData::parse(&body);
    let t = match TrainingInput::try_from(&input) {
        Ok(t) => t,
        Err(e) => {
            let f = Forms { training: (input, e), ..Forms::default() };
            return render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, f).await;
        }
    };
    if insert_training(&state, &user, org, &t).await?.is_none() {
        let f =
            Forms { training: refused(input, "title", "Er is al een training met deze titel."), ..Forms::default() };
        return render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, f).await;
    }
    session::flash_redirect(&state.pool, &user, &format!("De training „{}” is toegevoegd.", t.title), MANAGE).await
}

/// The administrator records someone's completion (with a link to the certificate, the file, both or neither):
/// it counts at once.
#[tracing::instrument(skip_all)]
pub async fn record_for(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    let org = guard(&user)?;
    let posted = match certificate::read(&headers, body).await? {
        Ok(posted) => posted,
        Err(too_large) => return Ok(too_large),
    };
    // The person is typed (with suggestions): the form comes back with the text, the check reads the member.
    let input = posted.input.clone();
    let (resolved, person) = typed_person(&state, org, &input).await?;
    let mut parsed = CompletionInput::read(&resolved, true, today());
    if let Err(message) = person {
        // The person's own message in place of "choose someone"; the other fields' messages stay.
        let mut e = FormErrors::new();
        e.add("user_id", message);
        for (field, m) in parsed.err().iter().flat_map(|errors| errors.iter()).filter(|(f, _)| *f != "user_id") {
            e.add(field, m.clone());
        }
        parsed = Err(e);
    }
    if let Ok(c) = &parsed {
        let member = match c.user_id {
            Some(person) => store::is_active_member(&state.pool, org, person).await?,
            None => false,
        };
        if !member {
            parsed = Err(refused(
                FormData::default(),
                "user_id",
                "Kies bij Medewerker een actieve medewerker van de organisatie.",
            )
            .1);
        } else if training_in(&state, org, c.training_id).await?.is_none() {
            parsed = Err(refused(FormData::default(), "training_id", "Kies een training uit de lijst.").1);
        }
    }
    let c = match parsed {
        Ok(c) if posted.errors.is_empty() => c,
        result => {
            let mut e = result.err().unwrap_or_default();
            posted.add_errors_to(&mut e);
            let f = Forms { completion: (input, e), ..Forms::default() };
            return render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, f).await;
        }
    };
    let person = c.user_id.ok_or(AppError::NotFound)?;
    let message = if insert_with_certificate(&state, &user, org, person, &c, true, posted.upload()).await? {
        "De afgeronde training is vastgelegd."
    } else {
        "Deze training stond op die datum al bij deze medewerker."
    };
    session::flash_redirect(&state.pool, &user, message, MANAGE).await
}

#[tracing::instrument(skip_all)]
pub async fn confirm(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = guard(&user)?;
    if !confirm_completion(&state, &user, org, id).await? {
        return session::flash_redirect(&state.pool, &user, "Deze training was al bevestigd.", MANAGE).await;
    }
    session::flash_redirect(&state.pool, &user, "De training is bevestigd en telt nu mee.", MANAGE).await
}

/// Add a training with its audit event; None when the organisation has one with that title already.
pub(crate) async fn insert_training(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
    t: &TrainingInput,
) -> AppResult<Option<Uuid>> {
    let id = Uuid::now_v7();
    let mut tx = state.pool.begin().await?;
    let inserted = sqlx::query!(
        "insert into training (training_id, organisation_id, title, provider, level, duration_minutes,
                validity_months, link) values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (organisation_id, lower(btrim(title))) do nothing",
        id,
        org,
        t.title,
        t.provider,
        t.level,
        t.duration_minutes,
        t.validity_months,
        t.link
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(None);
    }
    record(&mut tx, user, org, "literacy.training_created", ("training", id), None, Some(t.audit())).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Confirm someone's own entry with its audit event; false when there is no such entry waiting (confirmed
/// already, or not the organisation's).
pub(crate) async fn confirm_completion(state: &AppState, user: &CurrentUser, org: Uuid, id: Uuid) -> AppResult<bool> {
    let mut tx = state.pool.begin().await?;
    let done = sqlx::query!(
        "update training_completion set confirmed_by = $3, confirmed_at = now()
         where completion_id = $1 and organisation_id = $2 and confirmed_at is null returning user_id, training_id",
        id,
        org,
        user.user_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(done) = done else { return Ok(false) };
    let after = json!({"user_id": done.user_id, "training_id": done.training_id, "confirmed": true});
    let before = json!({"confirmed": false});
    record(&mut tx, user, org, "literacy.completion_confirmed", ("training_completion", id), Some(before), Some(after))
        .await?;
    tx.commit().await?;
    Ok(true)
}
