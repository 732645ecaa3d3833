//! "Beoordeling": the review tab of a registration. The gates with what is still open, the CISO's decision
//! (four-eyes), the FG's advice, management consent, putting into use and out of use, and evaluations.
//! Every action is one transaction that locks the row first, so two reviewers cannot both decide.

mod checklist;
mod page;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::PgConnection;
use uuid::Uuid;

pub use self::checklist::tick as tick_checklist;
use self::page::DECIDED;
pub use self::page::{DECISIONS, page, tab_page};
pub use super::forms::a_year_after;
pub use super::forms::{ADVICE, EVALUATION_OUTCOMES};
use super::forms::{AdviceInput, ConsentInput, DecisionInput, EvaluationInput};
use crate::AppState;
use crate::applications::organisation;
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::access::{can_manage, is_party};
use crate::register::facts;
use crate::register::fields::label_in as label;
use crate::register::fields::{RISK_LEVELS, label_of};
use crate::register::form::FormData;
use crate::register::gates::{self, Stage};
use crate::register::lifecycle::{self, Advice, Ctx, Decision, Evaluation, Move};
use crate::register::machine::{self, Action};
use crate::register::store::{self, Stored};
use crate::web::format_date;
use crate::web::today;

/// Lock the row and check that `action` may start from its status: 409 with the reason otherwise.
async fn lock_for(conn: &mut PgConnection, org: Uuid, id: Uuid, action: Action) -> AppResult<Stored> {
    let app = store::lock(conn, org, id).await?.ok_or(AppError::NotFound)?;
    machine::transition(app.status, action).map_err(AppError::Conflict)?;
    Ok(app)
}

fn refuse_party(user: &CurrentUser, app: &Stored, action: &str, who: &str) -> AppResult<()> {
    if is_party(user, app) {
        tracing::warn!(event = "authz_denied", reason = "four_eyes", user_id = %user.user_id, application_id = %app.id, action, "four-eyes refusal");
        return Err(AppError::Refused(format!(
            "Vier-ogenprincipe: u heeft deze registratie zelf aangemeld, ingediend of wezenlijk gewijzigd, of u bent de eigenaar. {who} \
             Is er niemand anders met die rol, vraag de beheerder dan die rol aan een tweede persoon te geven."
        )));
    }
    Ok(())
}

/// The decision is about the version the reviewer saw: a registration changed since then is a conflict.
fn same_version(app: &Stored, input: &FormData) -> AppResult<()> {
    let seen: i32 = input.get("version").parse().unwrap_or(-1);
    if seen == app.version {
        return Ok(());
    }
    Err(AppError::Conflict(format!(
        "{} is gewijzigd sinds u de pagina opende (u zag versie {seen}, nu is het versie {}). Er is niets vastgelegd. \
         Bekijk de wijzigingen op het tabblad Geschiedenis en beslis dan opnieuw.",
        app.name(),
        app.version
    )))
}

const ANOTHER_CISO: &str = "Een andere CISO moet hierover beslissen.";
const ANOTHER_DIRECTOR: &str = "Een ander lid van de directie moet hierover beslissen.";

async fn done(state: &AppState, user: &CurrentUser, id: Uuid, message: &str) -> AppResult<Response> {
    session::flash_redirect(&state.pool, user, message, &format!("/register/{id}/beoordeling")).await
}

/// The CISO takes a submission into review (others then see who is on it).
#[tracing::instrument(skip_all)]
pub async fn take_up(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Ciso, "take_up_review")?;
    let mut tx = state.pool.begin().await?;
    let before = lock_for(&mut tx, org, id, Action::TakeUp).await?;
    refuse_party(&user, &before, "take_up_review", ANOTHER_CISO)?;
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor };
    let m = Move { action: Action::TakeUp, event: "application.review_started", next_evaluation: None, extra: &[] };
    let after = lifecycle::move_to(&mut tx, &ctx, &before, m).await?;
    tx.commit().await?;
    done(&state, &user, id, &format!("U beoordeelt nu {}.", after.name())).await
}

/// The CISO's decision: approve, approve under conditions, reject, or return with questions.
#[tracing::instrument(skip_all)]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = user.require(Role::Ciso, "decide")?;
    let input = FormData::parse(&body);
    let (d, mut errors) = DecisionInput::read(&input);
    let mut tx = state.pool.begin().await?;
    let Some(action) = d.action else {
        drop(tx);
        return tab_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
    };
    let before = lock_for(&mut tx, org, id, action).await?;
    refuse_party(&user, &before, "decide", ANOTHER_CISO)?;
    same_version(&before, &input)?;
    let f = facts::load(&mut tx, &before).await?;
    let mut against_fg = None;
    if action.is_approval() {
        let open = gates::check(&f, Stage::Approval);
        if !open.is_empty() {
            errors.add("beslissing", format!("Goedkeuren kan nog niet. {}", gates::summary(&open)));
        }
        if f.fg_advice.as_deref() == Some("negatief") {
            against_fg = Some(d.against_fg(&mut errors));
        }
    }
    if !errors.is_empty() {
        drop(tx);
        return tab_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
    }
    let next_evaluation = action.is_approval().then(|| d.next_evaluation.unwrap_or_else(|| a_year_after(today())));
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor };
    let decision = Decision {
        action,
        note: d.note,
        against_fg,
        next_evaluation,
        conditions_due: d.conditions_due,
        decided_by: user.user_id,
    };
    let after = lifecycle::decide(&mut tx, &ctx, &before, &decision).await?;
    tx.commit().await?;
    tracing::info!(event = "application_decided", actor = %user.user_id, application_id = %id, decision = %after.status, "decision");
    if action == Action::Reject && after.status.is_approved() {
        let message = format!("De wijziging van {} is afgewezen; de goedgekeurde versie geldt weer.", after.name());
        return done(&state, &user, id, &message).await;
    }
    let label = label(DECIDED, after.status.as_str()).to_lowercase();
    done(&state, &user, id, &format!("Besluit vastgelegd: {} ({label}).", after.name())).await
}

/// Advice state changes need the registration to be under review.
fn require_in_review(app: &Stored, what: &str) -> AppResult<()> {
    if app.status.is_in_review() {
        return Ok(());
    }
    Err(AppError::Conflict(format!(
        "{what} kan alleen zolang de registratie wacht op beoordeling (status „Ingediend” of „In beoordeling”); de status is nu „{}”.",
        app.status.label()
    )))
}

/// The FG's advice: positief / negatief / geen bezwaar, with text.
#[tracing::instrument(skip_all)]
pub async fn advise(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = user.require(Role::Fg, "fg_advice")?;
    let input = FormData::parse(&body);
    let parsed = AdviceInput::try_from(&input);
    let mut tx = state.pool.begin().await?;
    let app = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    require_in_review(&app, "Advies geven")?;
    same_version(&app, &input)?;
    let a = match parsed {
        Ok(a) => a,
        Err(errors) => {
            drop(tx);
            return tab_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
        }
    };
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor };
    let advice = Advice { value: a.advice, label: &a.label(), note: &a.note, by: user.user_id };
    lifecycle::advise(&mut tx, &ctx, &app, &advice).await?;
    tx.commit().await?;
    done(&state, &user, id, "Uw advies is vastgelegd.").await
}

/// Management consent for a tool with a high own risk level.
#[tracing::instrument(skip_all)]
pub async fn consent(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = user.require(Role::Directie, "management_consent")?;
    let input = FormData::parse(&body);
    let parsed = ConsentInput::try_from(&input);
    let mut tx = state.pool.begin().await?;
    let app = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    refuse_party(&user, &app, "management_consent", ANOTHER_DIRECTOR)?;
    require_in_review(&app, "Toestemming geven")?;
    same_version(&app, &input)?;
    if app.str("risk_level") != Some("hoog") {
        return Err(AppError::Conflict(format!(
            "Toestemming van de directie is alleen nodig bij een hoog eigen risiconiveau; {} heeft risiconiveau „{}”.",
            app.name(),
            app.str("risk_level").map(|l| label_of(RISK_LEVELS, l)).unwrap_or_else(|| "nog niet bepaald".into())
        )));
    }
    let c = match parsed {
        Ok(c) => c,
        Err(errors) => {
            drop(tx);
            return tab_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
        }
    };
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor };
    lifecycle::consent(&mut tx, &ctx, &app, c.consent, c.note.as_deref(), user.user_id).await?;
    tx.commit().await?;
    done(&state, &user, id, "Het besluit van de directie is vastgelegd.").await
}

async fn life_cycle(state: AppState, user: CurrentUser, id: Uuid, action: Action) -> AppResult<Response> {
    let org = organisation(&user)?;
    let mut tx = state.pool.begin().await?;
    let app = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    if !can_manage(&user, &app) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, application_id = %id, action = action.label(), "life cycle refused");
        return Err(AppError::Forbidden);
    }
    machine::transition(app.status, action).map_err(AppError::Conflict)?;
    if action == Action::PutInUse && app.str("suspension_reason").is_some() {
        return Err(AppError::Conflict(format!(
            "{} is tijdelijk stilgezet door de CISO en kan pas in gebruik worden genomen als de CISO de tool weer vrijgeeft.",
            app.name()
        )));
    }
    let event = if action == Action::PutInUse { "application.put_in_use" } else { "application.retired" };
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor };
    let after =
        lifecycle::move_to(&mut tx, &ctx, &app, Move { action, event, next_evaluation: None, extra: &[] }).await?;
    tx.commit().await?;
    let what = if action == Action::PutInUse { "is in gebruik genomen" } else { "is buiten gebruik gesteld" };
    done(&state, &user, id, &format!("{} {what}.", after.name())).await
}

#[tracing::instrument(skip_all)]
pub async fn put_in_use(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    life_cycle(state, user, id, Action::PutInUse).await
}

#[tracing::instrument(skip_all)]
pub async fn retire(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    life_cycle(state, user, id, Action::Retire).await
}

/// An evaluation: outcome, explanation and the next date (seed 002 §8: at least yearly).
#[tracing::instrument(skip_all)]
pub async fn evaluate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let input = FormData::parse(&body);
    let parsed = EvaluationInput::try_from(&input);
    let mut tx = state.pool.begin().await?;
    let app = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    if !can_manage(&user, &app) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, application_id = %id, action = "evaluate", "evaluation refused");
        return Err(AppError::Forbidden);
    }
    if !app.status.is_approved() {
        return Err(AppError::Conflict(format!(
            "Evalueren kan bij een goedgekeurde toepassing of een toepassing in gebruik; de status is nu „{}”.",
            app.status.label()
        )));
    }
    let e = match parsed {
        Ok(e) => e,
        Err(errors) => {
            drop(tx);
            return tab_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
        }
    };
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor };
    let line = e.line();
    let evaluation =
        Evaluation { on: e.on, outcome: e.outcome, note: &e.note, next: e.next, by: user.user_id, line: &line };
    lifecycle::evaluate(&mut tx, &ctx, &app, &evaluation).await?;
    tx.commit().await?;
    let mut message = format!("De evaluatie is vastgelegd. Volgende evaluatie: {}.", format_date(e.next));
    if e.outcome == "stoppen" {
        message.push_str(" Stel de toepassing buiten gebruik als het gebruik stopt.");
    }
    done(&state, &user, id, &message).await
}
