//! "AI-verordening: beslishulp" per application: one question per page (server-rendered, no JavaScript), with
//! the tree's explanation, definitions and sources, a way back, progress per step and an optional remark per
//! answer. The outcome is stored with the answers, the tree version and who answered; it sets the
//! application's AI Act risk group and proposes the publication category. Earlier runs stay as history.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::json;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

mod forms;
mod view;

use self::forms::{AnswerInput, BackInput, StartInput};
pub use self::view::page;
use self::view::proposed_category;
use crate::AppState;
use crate::aiact::engine::{self, Step};
use crate::aiact::tree::Tree;
use crate::applications::organisation;
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::access::can_edit;
use crate::register::form::FormData;
use crate::register::lifecycle;
use crate::register::store::{self, Stored};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register/{id}/ai-verordening", get(page))
        .route("/register/{id}/ai-verordening/start", post(start))
        .route("/register/{id}/ai-verordening/antwoord", post(answer))
        .route("/register/{id}/ai-verordening/terug", post(back))
        .route("/register/{id}/ai-verordening/publicatiecategorie", post(apply_category))
}

fn html(text: &str) -> String {
    crate::register::richtext::reference_html(text)
}

/// Who may run the decision aid for a registration: those who may edit it, and the CISO.
fn may_run(user: &CurrentUser, app: &Stored) -> bool {
    can_edit(user, app) || user.has_role(Role::Ciso)
}

#[derive(sqlx::FromRow)]
struct Run {
    run_id: Uuid,
    labels: Vec<String>,
    tree_version: String,
    tree_sha256: Option<String>,
    answers: serde_json::Value,
    subresults: Vec<String>,
    conclusion_id: Option<String>,
    conclusion: Option<String>,
    obligation: Option<String>,
    roles: Vec<String>,
    system_type: Option<String>,
    risk_group: Option<String>,
    transparency: Option<String>,
    by_name: Option<String>,
    started_at: OffsetDateTime,
    completed_at: Option<OffsetDateTime>,
    version: i32,
}

impl Run {
    fn steps(&self) -> Vec<Step> {
        serde_json::from_value(self.answers.clone()).unwrap_or_default()
    }
}

/// The registration, checked for access, and locked for this transaction.
async fn locked(conn: &mut PgConnection, user: &CurrentUser, id: Uuid) -> AppResult<(Uuid, Stored)> {
    let org = organisation(user)?;
    let app = store::lock(conn, org, id).await?.ok_or(AppError::NotFound)?;
    if !may_run(user, &app) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, application_id = %id, action = "ai_act_aid", "decision aid refused");
        return Err(AppError::Forbidden);
    }
    Ok((org, app))
}

/// The runs of a registration: the one in progress first, then the completed ones, newest first.
async fn runs(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Vec<Run>> {
    sqlx::query_as!(
        Run,
        r#"select r.run_id, r.labels, r.tree_version, r.tree_sha256, r.answers, r.subresults, r.conclusion_id, r.conclusion,
                  r.obligation, r.roles, r.system_type, r.risk_group, r.transparency, u.name as "by_name?",
                  r.started_at, r.completed_at, r.version
             from ai_act_run r left join app_user u on u.user_id = coalesce(r.completed_by, r.started_by)
            where r.application_id = $1 order by r.completed_at is not null, r.started_at desc"#,
        id
    )
    .fetch_all(&mut *conn)
    .await
}

/// The run in progress, locked for this transaction.
async fn open_run(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<Run>> {
    sqlx::query_as!(
        Run,
        r#"select r.run_id, r.labels, r.tree_version, r.tree_sha256, r.answers, r.subresults, r.conclusion_id, r.conclusion,
                  r.obligation, r.roles, r.system_type, r.risk_group, r.transparency, u.name as "by_name?",
                  r.started_at, r.completed_at, r.version
             from ai_act_run r left join app_user u on u.user_id = r.started_by
            where r.application_id = $1 and r.completed_at is null for update of r"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await
}

/// The loaded tree's content hash, recorded with a run.
fn current_sha() -> Option<&'static str> {
    Some(crate::aiact::tree_sha256()).filter(|s| !s.is_empty())
}

/// A 409 with a way back to the decision aid.
fn conflict(id: Uuid, message: String) -> AppError {
    AppError::ConflictBack { message, back: to_page(id) }
}

fn to_page(id: Uuid) -> String {
    format!("/register/{id}/ai-verordening")
}

/// Start (or start again): a new run; an unfinished one is replaced.
#[tracing::instrument(skip_all)]
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let tree = crate::aiact::load().map_err(|e| AppError::Internal(e.into()))?;
    let input = StartInput::from(&FormData::parse(&body));
    let mut tx = state.pool.begin().await?;
    locked(&mut tx, &user, id).await?;
    // A run in progress is only replaced on purpose ("Opnieuw beginnen"), never by a second start.
    if let Some(open) = open_run(&mut tx, id).await?
        && !input.again
    {
        drop(tx);
        let who = open.by_name.unwrap_or_else(|| "iemand".into());
        let message = format!(
            "Er loopt al een beslishulp voor deze toepassing (gestart door {who}). Ga daarmee verder, of kies „Opnieuw beginnen”."
        );
        return session::flash_redirect(&state.pool, &user, &message, &to_page(id)).await;
    }
    sqlx::query!("delete from ai_act_run where application_id = $1 and completed_at is null", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into ai_act_run (run_id, application_id, tree_name, tree_version, started_by, tree_sha256)
              values ($1, $2, $3, $4, $5, $6)",
        Uuid::now_v7(),
        id,
        &tree.name,
        &tree.version,
        user.user_id,
        current_sha()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&to_page(id)).into_response())
}

/// One answer (with an optional remark); at a conclusion the run is finished and the profile set.
#[tracing::instrument(skip_all)]
pub async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let tree = crate::aiact::load().map_err(|e| AppError::Internal(e.into()))?;
    let input = FormData::parse(&body);
    let (given, mut errors) = AnswerInput::read(&input);
    organisation(&user)?;
    let mut tx = state.pool.begin().await?;
    let (org, before) = locked(&mut tx, &user, id).await?;
    let run = open_run(&mut tx, id)
        .await?
        .ok_or_else(|| conflict(id, "Er loopt geen beslishulp voor deze toepassing. Start hem opnieuw.".into()))?;
    let mut steps = run.steps();
    let now = engine::run(tree, &steps).map_err(|e| {
        conflict(id, format!("De opgeslagen antwoorden passen niet meer bij de beslisboom: {e}. Begin opnieuw."))
    })?;
    let current = now.next_question_id.clone().unwrap_or_default();
    if given.question_id != current || given.version != Some(run.version) {
        return Err(conflict(id,
            "Deze vraag is intussen al beantwoord (in een ander venster of door iemand anders). Er is niets opgeslagen; bekijk de huidige vraag.".into(),
        ));
    }
    let question = tree.question(&current).ok_or(AppError::NotFound)?;
    let chosen = given.answer.and_then(|i| question.answers.get(i));
    if chosen.is_none() {
        errors.add("answer", "Kies een antwoord.");
    }
    let Some(chosen) = chosen.filter(|_| errors.is_empty()) else {
        drop(tx);
        return view::tab_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
    };
    steps.push(Step { question_id: current.clone(), answer: chosen.answer.clone(), remark: given.remark });
    let outcome = engine::run(tree, &steps).map_err(|e| conflict(id, e.to_string()))?;
    save_run(&mut tx, &run, &steps, &outcome, user.user_id).await?;
    let message = match outcome.conclusion_id {
        Some(_) => {
            let actor = Actor::from(&user);
            let ctx = lifecycle::Ctx { org, actor: &actor };
            Some(finish(&mut tx, &ctx, user.user_id, &before, tree, &outcome).await?)
        }
        None => None,
    };
    tx.commit().await?;
    match message {
        Some(m) => session::flash_redirect(&state.pool, &user, m, &to_page(id)).await,
        None => Ok(Redirect::to(&to_page(id)).into_response()),
    }
}

/// The run's answers and what follows from them (completed when they reach a conclusion).
async fn save_run(
    conn: &mut PgConnection,
    run: &Run,
    steps: &[Step],
    outcome: &engine::Outcome,
    by: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update ai_act_run set answers = $2, labels = $3, subresults = $4, conclusion_id = $5, conclusion = $6,
                obligation = $7, roles = $8, system_type = $9, risk_group = $10, transparency = $11,
                completed_by = case when $5::text is null then null else $12::uuid end,
                completed_at = case when $5::text is null then null else now() end, version = version + 1,
                tree_version = $13, tree_sha256 = $14
         where run_id = $1",
        run.run_id,
        json!(steps),
        &outcome.labels,
        &outcome.subresults,
        outcome.conclusion_id.as_deref(),
        outcome.conclusion.as_deref(),
        outcome.obligation.as_deref(),
        &outcome.roles,
        outcome.system_type.as_deref(),
        outcome.risk_group.as_deref(),
        outcome.transparency.as_deref(),
        by,
        crate::aiact::load().map(|t| t.version.as_str()).unwrap_or(&run.tree_version),
        current_sha()
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A completed run: its risk group becomes the registration's AI Act profile (a general-purpose AI model's
/// conclusion is not one of the register's risk groups), audited; a changed group starts a new review round.
/// Returns what the user is told.
async fn finish(
    conn: &mut PgConnection,
    ctx: &lifecycle::Ctx<'_>,
    user_id: Uuid,
    before: &Stored,
    tree: &Tree,
    outcome: &engine::Outcome,
) -> AppResult<&'static str> {
    let id = before.id;
    if outcome.risk_group.is_some() {
        sqlx::query!(
            "update application set ai_act_risk_group = $2, version = version + 1 where application_id = $1",
            id,
            outcome.risk_group.as_deref()
        )
        .execute(&mut *conn)
        .await?;
    }
    let after = store::get_in(&mut *conn, ctx.org, id).await?.ok_or(AppError::NotFound)?;
    let line = format!(
        "Beslishulp AI-verordening ({} {}): conclusie {}, risicogroep {}",
        tree.name,
        tree.version,
        outcome.conclusion_id.as_deref().unwrap_or(""),
        outcome.risk_group.as_deref().unwrap_or("niet bepaald")
    );
    let extra = [("ai_act", json!(line))];
    store::record_with(&mut *conn, ctx.actor, "application.ai_act", Some(before), &after, &extra).await?;
    let material = lifecycle::material_changes(before, &after);
    let again = lifecycle::new_round_after(&mut *conn, ctx, user_id, &after, &material).await?;
    Ok(if again {
        "De beslishulp is afgerond. De risicogroep is gewijzigd; de CISO beoordeelt de toepassing opnieuw."
    } else if outcome.risk_group.is_none() {
        "De beslishulp is afgerond; de uitkomst staat hieronder. Deze uitkomst (een AI-model voor algemene doeleinden) valt niet in een risicogroep van het register; de risicogroep van de registratie is niet gewijzigd."
    } else {
        "De beslishulp is afgerond; de uitkomst staat hieronder en de risicogroep is vastgelegd bij de registratie."
    })
}

/// One question back: the last answer is taken away.
#[tracing::instrument(skip_all)]
pub async fn back(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let input = BackInput::from(&FormData::parse(&body));
    let mut tx = state.pool.begin().await?;
    locked(&mut tx, &user, id).await?;
    let run = open_run(&mut tx, id)
        .await?
        .ok_or_else(|| conflict(id, "Er loopt geen beslishulp om naar terug te gaan.".into()))?;
    if input.version != Some(run.version) {
        return Err(conflict(id, "De beslishulp is intussen verder ingevuld. Bekijk de huidige vraag.".into()));
    }
    let mut steps = run.steps();
    let popped = steps.pop();
    sqlx::query!(
        "update ai_act_run set answers = $2, version = version + 1 where run_id = $1",
        run.run_id,
        json!(steps)
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // The earlier choice is shown selected again (a remark given with it has to be typed again).
    let tree = crate::aiact::load().map_err(|e| AppError::Internal(e.into()))?;
    let chosen = popped.and_then(|s| tree.question(&s.question_id)?.answers.iter().position(|a| a.answer == s.answer));
    let to = match chosen {
        Some(k) => format!("{}?keuze={k}", to_page(id)),
        None => to_page(id),
    };
    Ok(Redirect::to(&to).into_response())
}

/// Take over the proposed publication category (hoog-risico → "Hoog-risico AI-systeem").
#[tracing::instrument(skip_all)]
pub async fn apply_category(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    organisation(&user)?;
    let mut tx = state.pool.begin().await?;
    let (org, before) = locked(&mut tx, &user, id).await?;
    let latest: Option<Option<String>> = sqlx::query_scalar!(
        "select risk_group from ai_act_run where application_id = $1 and completed_at is not null
         order by completed_at desc limit 1",
        id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(category) = proposed_category(latest.flatten().as_deref()) else {
        return Err(conflict(id, "De laatste uitkomst van de beslishulp stelt geen publicatiecategorie voor.".into()));
    };
    sqlx::query!(
        "update application set publication_category = $2, version = version + 1 where application_id = $1",
        id,
        category
    )
    .execute(&mut *tx)
    .await?;
    let after = store::get_in(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    store::record(&mut tx, &Actor::from(&user), "application.updated", Some(&before), &after).await?;
    tx.commit().await?;
    session::flash_redirect(&state.pool, &user, &format!("De publicatiecategorie is nu „{category}”."), &to_page(id))
        .await
}
