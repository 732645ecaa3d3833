//! "AI-verordening: beslishulp" per application: one question per page (server-rendered, no JavaScript), with
//! the tree's explanation, definitions and sources, a way back, progress per step and an optional remark per
//! answer. The outcome is stored with the answers, the tree version and who answered; it sets the
//! application's AI Act risk group and proposes the publication category. Earlier runs stay as history.

use askama::Template;
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

use super::engine::{self, Step};
use super::tree::Tree;
use crate::AppState;
use crate::applications::organisation;
use crate::applications::summary::{Summary, summary};
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::access::can_edit;
use crate::register::fields::{AI_ACT_RISK_GROUPS, label_of};
use crate::register::form::FormData;
use crate::register::lifecycle;
use crate::register::store::{self, Stored};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{format_datetime, render_status};

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

const RUN_COLUMNS: &str =
    "r.run_id, r.labels, r.tree_version, r.answers, r.subresults, r.conclusion_id, r.conclusion, r.obligation,
    r.roles, r.system_type, r.risk_group, r.transparency, u.name as by_name, r.started_at, r.completed_at, r.version";

async fn runs(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Vec<Run>> {
    sqlx::query_as(&format!(
        "select {RUN_COLUMNS} from ai_act_run r left join app_user u on u.user_id = coalesce(r.completed_by, r.started_by)
         where r.application_id = $1 order by r.completed_at is not null, r.started_at desc"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await
}

pub struct Choice {
    pub index: usize,
    pub text: String,
    pub checked: bool,
}

pub struct StepView {
    pub name: String,
    pub state: &'static str,
}

pub struct QuestionView {
    pub started: String,
    pub version: i32,
    pub question_id: String,
    pub question: String,
    pub explanation: String,
    pub step: String,
    pub topic: String,
    pub steps: Vec<StepView>,
    pub answered: usize,
    pub sources: Vec<(String, String)>,
    pub definitions: Vec<(String, String)>,
    pub choices: Vec<Choice>,
    pub remark: String,
}

pub struct PathEntry {
    pub question: String,
    pub answer: String,
    pub remark: String,
}

pub struct ResultView {
    pub labels: String,
    pub sources: Vec<(String, String)>,
    pub conclusion_id: String,
    pub conclusion: String,
    pub obligation: String,
    pub roles: String,
    pub system_type: String,
    pub risk_group: String,
    pub transparency: String,
    pub subresults: Vec<String>,
    pub tree_version: String,
    pub by: String,
    pub when: String,
    pub path: Vec<PathEntry>,
    pub proposed_category: Option<&'static str>,
}

pub struct HistoryEntry {
    pub when: String,
    pub by: String,
    pub conclusion_id: String,
    pub risk_group: String,
    pub tree_version: String,
}

#[derive(Template)]
#[template(path = "aiact/page.html")]
pub struct Page {
    pub layout: Layout,
    pub app: Summary,
    pub tab: &'static str,
    pub tree_name: String,
    pub tree_version: String,
    pub open: Option<QuestionView>,
    pub result: Option<ResultView>,
    pub history: Vec<HistoryEntry>,
    pub can_run: bool,
    pub current_category: String,
    pub errors: FormErrors,
}

fn question_view(tree: &Tree, run: &Run, question_id: &str, input: &FormData) -> Option<QuestionView> {
    let extras = super::extras::load().ok();
    let q = tree.question(question_id)?;
    let step_of = |qid: &str| extras.and_then(|e| e.step(qid)).map(|c| c.category.clone()).unwrap_or_default();
    let current_step = step_of(question_id);
    let steps: Vec<String> = extras.map(|e| e.steps().into_iter().map(str::to_string).collect()).unwrap_or_default();
    let position = steps.iter().position(|s| *s == current_step);
    let chosen: Option<usize> = input.get("answer").parse().ok();
    Some(QuestionView {
        started: format!(
            "{}{}",
            run.by_name.as_deref().map(|n| format!("door {n}, ")).unwrap_or_default(),
            format_datetime(run.started_at)
        ),
        version: run.version,
        question_id: q.question_id.clone(),
        question: html(&q.question),
        explanation: html(&q.explanation),
        topic: q.subcategory.clone(),
        steps: steps
            .iter()
            .enumerate()
            .map(|(i, name)| StepView {
                name: name.clone(),
                state: match position {
                    Some(p) if i < p => "klaar",
                    Some(p) if i == p => "nu",
                    _ => "nog",
                },
            })
            .collect(),
        step: current_step,
        answered: run.steps().len(),
        sources: q.sources.iter().map(|s| (s.source.clone(), s.url.clone().unwrap_or_default())).collect(),
        definitions: extras
            .map(|e| {
                e.used_in(&format!("{} {}", q.question, q.explanation))
                    .into_iter()
                    .map(|d| (d.term.clone(), d.definition.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        choices: q
            .answers
            .iter()
            .enumerate()
            .map(|(i, a)| Choice { index: i, text: a.answer.clone(), checked: chosen == Some(i) })
            .collect(),
        remark: input.get("remark").to_string(),
    })
}

fn proposed_category(risk_group: Option<&str>) -> Option<&'static str> {
    (risk_group == Some("hoog-risico AI")).then_some("Hoog-risico AI-systeem")
}

fn result_view(tree: &Tree, run: &Run) -> ResultView {
    let path = run
        .steps()
        .into_iter()
        .map(|s| PathEntry {
            question: tree.question(&s.question_id).map(|q| html(&q.question)).unwrap_or(s.question_id),
            answer: s.answer,
            remark: s.remark.unwrap_or_default(),
        })
        .collect();
    let none = || "–".to_string();
    let capital = |s: &str| {
        let mut c = s.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    };
    ResultView {
        labels: run.labels.join(", "),
        sources: run
            .conclusion_id
            .as_deref()
            .and_then(|c| tree.conclusion(c))
            .map(|c| c.sources.iter().map(|s| (s.source.clone(), s.url.clone().unwrap_or_default())).collect())
            .unwrap_or_default(),
        conclusion_id: run.conclusion_id.clone().unwrap_or_default(),
        conclusion: html(run.conclusion.as_deref().unwrap_or("")),
        obligation: html(run.obligation.as_deref().unwrap_or("")),
        roles: if run.roles.is_empty() {
            none()
        } else {
            run.roles.iter().map(|r| capital(r)).collect::<Vec<_>>().join(", ")
        },
        system_type: run.system_type.clone().unwrap_or_else(none),
        risk_group: run.risk_group.as_deref().map(|g| label_of(AI_ACT_RISK_GROUPS, g)).unwrap_or_else(none),
        transparency: match run.transparency.as_deref() {
            Some("transparantieverplichting") => "Ja, er gelden transparantieverplichtingen".into(),
            Some("geen transparantieverplichting") => "Nee".into(),
            Some(other) => other.into(),
            None => none(),
        },
        subresults: run.subresults.clone(),
        tree_version: run.tree_version.clone(),
        by: run.by_name.clone().unwrap_or_default(),
        when: run.completed_at.map(format_datetime).unwrap_or_default(),
        path,
        proposed_category: proposed_category(run.risk_group.as_deref()),
    }
}

async fn page_response(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    status: StatusCode,
    errors: FormErrors,
    input: FormData,
) -> AppResult<Response> {
    let tree = super::load().map_err(|e| AppError::Internal(e.into()))?;
    let org = organisation(user)?;
    let mut conn = state.pool.acquire().await?;
    let app = store::get_in(&mut conn, org, id).await?.ok_or(AppError::NotFound)?;
    let all = runs(&mut conn, id).await?;
    drop(conn);
    let open_run = all.iter().find(|r| r.completed_at.is_none());
    let open = open_run.and_then(|r| {
        let outcome = engine::run(tree, &r.steps()).ok()?;
        question_view(tree, r, outcome.next_question_id.as_deref()?, &input)
    });
    let mut done = all.iter().filter(|r| r.completed_at.is_some());
    let result = done.next().map(|r| result_view(tree, r));
    let history = done
        .map(|r| HistoryEntry {
            when: r.completed_at.map(format_datetime).unwrap_or_default(),
            by: r.by_name.clone().unwrap_or_default(),
            conclusion_id: r.conclusion_id.clone().unwrap_or_default(),
            risk_group: r.risk_group.as_deref().map(|g| label_of(AI_ACT_RISK_GROUPS, g)).unwrap_or_default(),
            tree_version: r.tree_version.clone(),
        })
        .collect();
    let page = Page {
        layout: Layout::for_user(user, &format!("AI-verordening – {}", app.name()), "/register")
            .with_errors(!errors.is_empty()),
        app: summary(user, &app),
        tab: "ai-verordening",
        tree_name: tree.name.clone(),
        tree_version: tree.version.clone(),
        open,
        result,
        history,
        can_run: may_run(user, &app),
        current_category: app.str("publication_category").unwrap_or("").to_string(),
        errors,
    };
    render_status(status, &page)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    /// After "Vorige vraag": the answer given before, chosen again.
    keuze: Option<usize>,
}

#[tracing::instrument(skip_all)]
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    axum::extract::Query(q): axum::extract::Query<PageQuery>,
) -> AppResult<Response> {
    let mut input = FormData::default();
    if let Some(k) = q.keuze {
        input.push("answer", k.to_string());
    }
    page_response(&state, &user, id, StatusCode::OK, FormErrors::new(), input).await
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

async fn open_run(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<Run>> {
    sqlx::query_as(&format!(
        "select {RUN_COLUMNS} from ai_act_run r left join app_user u on u.user_id = r.started_by
         where r.application_id = $1 and r.completed_at is null for update of r"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
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
    let tree = super::load().map_err(|e| AppError::Internal(e.into()))?;
    let input = FormData::parse(&body);
    let mut tx = state.pool.begin().await?;
    locked(&mut tx, &user, id).await?;
    // A run in progress is only replaced on purpose ("Opnieuw beginnen"), never by a second start.
    if let Some(open) = open_run(&mut tx, id).await?
        && input.get("opnieuw") != "ja"
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
        "insert into ai_act_run (run_id, application_id, tree_name, tree_version, started_by) values ($1, $2, $3, $4, $5)",
        Uuid::now_v7(),
        id,
        &tree.name,
        &tree.version,
        user.user_id
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
    let tree = super::load().map_err(|e| AppError::Internal(e.into()))?;
    let input = FormData::parse(&body);
    let mut errors = FormErrors::new();
    let remark = input.get("remark").trim().to_string();
    if remark.chars().count() > 1000 {
        errors.add("remark", "Een opmerking mag hoogstens 1000 tekens lang zijn.");
    }
    let org = organisation(&user)?;
    let members = store::members(&state.pool, org).await?;
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
    if input.get("question_id") != current || input.get("version").parse::<i32>().ok() != Some(run.version) {
        return Err(conflict(id,
            "Deze vraag is intussen al beantwoord (in een ander venster of door iemand anders). Er is niets opgeslagen; bekijk de huidige vraag.".into(),
        ));
    }
    let question = tree.question(&current).ok_or(AppError::NotFound)?;
    let chosen = input.get("answer").parse::<usize>().ok().and_then(|i| question.answers.get(i));
    if chosen.is_none() {
        errors.add("answer", "Kies een antwoord.");
    }
    let Some(chosen) = chosen.filter(|_| errors.is_empty()) else {
        drop(tx);
        return page_response(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
    };
    steps.push(Step {
        question_id: current.clone(),
        answer: chosen.answer.clone(),
        remark: Some(remark).filter(|r| !r.is_empty()),
    });
    let outcome = engine::run(tree, &steps).map_err(|e| conflict(id, e.to_string()))?;
    let done = outcome.conclusion_id.is_some();
    sqlx::query!(
        "update ai_act_run set answers = $2, labels = $3, subresults = $4, conclusion_id = $5, conclusion = $6,
                obligation = $7, roles = $8, system_type = $9, risk_group = $10, transparency = $11,
                completed_by = case when $5::text is null then null else $12::uuid end,
                completed_at = case when $5::text is null then null else now() end, version = version + 1
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
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    let mut message = None;
    if done {
        // The outcome is the application's AI Act profile, when it is one of the register's risk groups (a
        // general-purpose AI model's conclusion is not).
        if outcome.risk_group.is_some() {
            sqlx::query!(
                "update application set ai_act_risk_group = $2, version = version + 1 where application_id = $1",
                id,
                outcome.risk_group.as_deref()
            )
            .execute(&mut *tx)
            .await?;
        }
        let after = store::get_in(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
        let actor = Actor::from(&user);
        let line = format!(
            "Beslishulp AI-verordening ({} {}): conclusie {}, risicogroep {}",
            tree.name,
            tree.version,
            outcome.conclusion_id.as_deref().unwrap_or(""),
            outcome.risk_group.as_deref().unwrap_or("niet bepaald")
        );
        store::record_with(
            &mut tx,
            &actor,
            "application.ai_act",
            Some(&before),
            &after,
            &members,
            &[("ai_act", json!(line))],
        )
        .await?;
        let material = lifecycle::material_changes(&before, &after);
        let ctx = lifecycle::Ctx { org, actor: &actor, members: &members };
        let again = lifecycle::new_round_after(&mut tx, &ctx, user.user_id, &after, &material).await?;
        message = Some(if again {
            "De beslishulp is afgerond. De risicogroep is gewijzigd; de CISO beoordeelt de toepassing opnieuw."
                .to_string()
        } else if outcome.risk_group.is_none() {
            "De beslishulp is afgerond; de uitkomst staat hieronder. Deze uitkomst (een AI-model voor algemene doeleinden) valt niet in een risicogroep van het register; de risicogroep van de registratie is niet gewijzigd.".to_string()
        } else {
            "De beslishulp is afgerond; de uitkomst staat hieronder en de risicogroep is vastgelegd bij de registratie."
                .to_string()
        });
    }
    tx.commit().await?;
    match message {
        Some(m) => session::flash_redirect(&state.pool, &user, &m, &to_page(id)).await,
        None => Ok(Redirect::to(&to_page(id)).into_response()),
    }
}

/// One question back: the last answer is taken away.
#[tracing::instrument(skip_all)]
pub async fn back(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let input = FormData::parse(&body);
    let mut tx = state.pool.begin().await?;
    locked(&mut tx, &user, id).await?;
    let run = open_run(&mut tx, id)
        .await?
        .ok_or_else(|| conflict(id, "Er loopt geen beslishulp om naar terug te gaan.".into()))?;
    if input.get("version").parse::<i32>().ok() != Some(run.version) {
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
    let tree = super::load().map_err(|e| AppError::Internal(e.into()))?;
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
    let org = organisation(&user)?;
    let members = store::members(&state.pool, org).await?;
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
    store::record(&mut tx, &Actor::from(&user), "application.updated", Some(&before), &after, &members).await?;
    tx.commit().await?;
    session::flash_redirect(&state.pool, &user, &format!("De publicatiecategorie is nu „{category}”."), &to_page(id))
        .await
}
