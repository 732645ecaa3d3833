//! "Beoordeling": the review tab of a registration. The gates with what is still open, the CISO's decision
//! (four-eyes), the FG's advice, management consent, putting into use and out of use, and evaluations.
//! Every action is one transaction that locks the row first, so two reviewers cannot both decide.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::PgConnection;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use super::forms::{AdviceInput, ConsentInput, EvaluationInput};
use crate::AppState;
use crate::applications::organisation;
use crate::applications::summary::{Summary, summary};
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::access::{can_manage, is_party};
use crate::register::facts;
use crate::register::fields::label_in as label;
use crate::register::fields::{RISK_LEVELS, label_of};
use crate::register::form::{FormData, Member};
use crate::register::gates::{self, Stage};
use crate::register::lifecycle::{self, Advice, Ctx, Decision, Evaluation, Move};
use crate::register::machine::{self, Action, WorkflowStatus};
use crate::register::store::{self, Stored};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{format_date, format_datetime, render_status};

pub const DECISIONS: &[(&str, &str)] = &[
    ("goedgekeurd", "Goedkeuren"),
    ("goedgekeurd_onder_voorwaarden", "Goedkeuren onder voorwaarden"),
    ("afgewezen", "Afwijzen"),
    ("teruggestuurd", "Terugsturen met vragen"),
];
/// How a decision reads afterwards, in the list of decisions.
const DECIDED: &[(&str, &str)] = &[
    ("goedgekeurd", "Goedgekeurd"),
    ("goedgekeurd_onder_voorwaarden", "Goedgekeurd onder voorwaarden"),
    ("afgewezen", "Afgewezen"),
    ("teruggestuurd", "Teruggestuurd met vragen"),
];
pub use super::forms::{ADVICE, EVALUATION_OUTCOMES};

pub struct Entry {
    pub what: String,
    pub note: String,
    pub extra: String,
    pub who: String,
    pub when: String,
    /// Given in the current round (after the latest submission).
    pub current: bool,
}

pub struct GateView {
    pub gate: &'static str,
    pub open: Option<String>,
    pub note: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "workflow/review.html")]
pub struct ReviewPage {
    pub layout: Layout,
    pub app: Summary,
    pub tab: &'static str,
    pub gates: Vec<GateView>,
    pub gates_open: usize,
    pub decisions: Vec<Entry>,
    pub advices: Vec<Entry>,
    pub consents: Vec<Entry>,
    pub evaluations: Vec<Entry>,
    pub in_review: bool,
    pub personal_data: bool,
    pub risk_high: bool,
    pub fg_negative: bool,
    pub can_take_up: bool,
    pub can_decide: bool,
    pub party_blocked: bool,
    pub can_advise: bool,
    pub can_consent: bool,
    pub can_put_in_use: bool,
    pub can_retire: bool,
    pub can_evaluate: bool,
    pub next_evaluation: String,
    pub next_hint: String,
    pub today_hint: String,
    pub suspension: Option<String>,
    pub errors: FormErrors,
    pub input: FormData,
    pub decisions_options: &'static [(&'static str, &'static str)],
    pub advice_options: &'static [(&'static str, &'static str)],
    pub outcome_options: &'static [(&'static str, &'static str)],
    pub consent_options: &'static [(&'static str, &'static str)],
}

fn today() -> Date {
    crate::web::today()
}

/// One year later (29 February becomes 28 February).
pub fn a_year_after(d: Date) -> Date {
    d.replace_year(d.year() + 1).ok().or_else(|| d.checked_add(Duration::days(365))).unwrap_or(d)
}

type EntryRow = (String, Option<String>, Option<String>, Option<String>, OffsetDateTime, bool);

async fn entries(conn: &mut PgConnection, sql: &str, id: Uuid) -> sqlx::Result<Vec<EntryRow>> {
    sqlx::query_as(sql).bind(id).fetch_all(&mut *conn).await
}

pub async fn page_response(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    status: StatusCode,
    errors: FormErrors,
    input: FormData,
) -> AppResult<Response> {
    let org = organisation(user)?;
    let mut conn = state.pool.acquire().await?;
    let app = store::get_in(&mut conn, org, id).await?.ok_or(AppError::NotFound)?;
    let f = facts::load(&mut conn, &app).await?;
    let gates: Vec<GateView> = gates::evaluate(&f, Stage::Approval)
        .into_iter()
        .map(|(gate, open)| GateView {
            note: (gate == gates::FG_ADVICE && f.fg_advice.as_deref() == Some("negatief"))
                .then_some("het advies is negatief: wie toch goedkeurt, motiveert waarom"),
            gate,
            open,
        })
        .collect();
    let round = "coalesce((select submitted_at from application where application_id = $1), '-infinity')";
    let decisions = entries(
        &mut conn,
        "select d.decision, d.note, d.against_fg_reason, u.name, d.decided_at, true from review_decision d
         left join app_user u on u.user_id = d.decided_by where d.application_id = $1 order by d.decided_at desc",
        id,
    )
    .await?;
    let advices = entries(
        &mut conn,
        &format!(
            "select v.advice, v.note, null::text, u.name, v.given_at, v.given_at >= {round} from fg_advice v
             left join app_user u on u.user_id = v.given_by where v.application_id = $1 order by v.given_at desc"
        ),
        id,
    )
    .await?;
    let consents = entries(
        &mut conn,
        &format!(
            "select case when c.consent then 'ja' else 'nee' end, c.note, null::text, u.name, c.given_at,
                    c.given_at >= {round}
             from management_consent c left join app_user u on u.user_id = c.given_by
             where c.application_id = $1 order by c.given_at desc"
        ),
        id,
    )
    .await?;
    let evaluations: Vec<(Date, String, String, Date, Option<String>)> = sqlx::query!(
        r#"select e.evaluated_on as "c0!: Date", e.outcome as "c1!: String", e.note as "c2!: String",
                 e.next_evaluation as "c3!: Date", u.name as "c4?: String" from evaluation e
         left join app_user u on u.user_id = e.evaluated_by where e.application_id = $1 order by e.evaluated_on desc, e.created_at desc"#,
        id
    )
    .map(|r| (r.c0, r.c1, r.c2, r.c3, r.c4))
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);

    let to_entry = |labels: &[(&str, &'static str)], (what, note, extra, who, when, current): EntryRow| Entry {
        what: label(labels, &what),
        note: note.unwrap_or_default(),
        extra: extra.unwrap_or_default(),
        who: who.unwrap_or_else(|| "onbekend".into()),
        when: format_datetime(when),
        current,
    };
    let in_review = app.status.is_in_review();
    let party = is_party(user, &app);
    let approved = app.status.is_approved();
    let fg_negative = f.fg_advice.as_deref() == Some("negatief");
    let summary = summary(user, &app);
    let page = ReviewPage {
        layout: Layout::for_user(user, &format!("Beoordeling – {}", app.name()), "/register")
            .with_errors(!errors.is_empty()),
        tab: "beoordeling",
        gates_open: gates.iter().filter(|g| g.open.is_some()).count(),
        gates,
        decisions: decisions.into_iter().map(|r| to_entry(DECIDED, r)).collect(),
        advices: advices.into_iter().map(|r| to_entry(ADVICE, r)).collect(),
        consents: consents
            .into_iter()
            .map(|r| to_entry(&[("ja", "Toestemming gegeven"), ("nee", "Geen toestemming")], r))
            .collect(),
        evaluations: evaluations
            .into_iter()
            .map(|(on, outcome, note, next, who)| Entry {
                what: label(EVALUATION_OUTCOMES, &outcome),
                note,
                extra: format!("Volgende evaluatie: {}", format_date(next)),
                who: who.unwrap_or_else(|| "onbekend".into()),
                when: format_date(on),
                current: true,
            })
            .collect(),
        in_review,
        personal_data: f.personal_data,
        risk_high: f.risk_high,
        fg_negative,
        can_take_up: user.has_role(Role::Ciso) && app.status == WorkflowStatus::Ingediend && !party,
        can_decide: user.has_role(Role::Ciso) && in_review && !party,
        party_blocked: user.has_role(Role::Ciso) && in_review && party,
        can_advise: user.has_role(Role::Fg) && in_review,
        can_consent: user.has_role(Role::Directie) && in_review && f.risk_high && !party,
        can_put_in_use: can_manage(user, &app) && Action::PutInUse.allows(app.status),
        can_retire: can_manage(user, &app) && Action::Retire.allows(app.status),
        can_evaluate: can_manage(user, &app) && approved,
        next_evaluation: app
            .str("next_evaluation")
            .and_then(|d| Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok())
            .map(format_date)
            .unwrap_or_default(),
        next_hint: format!("Leeg laten: over een jaar ({}).", format_date(a_year_after(today()))),
        today_hint: format!("Leeg laten: vandaag ({}).", format_date(today())),
        suspension: app.str("suspension_reason").map(str::to_string),
        errors,
        input,
        app: summary,
        decisions_options: DECISIONS,
        advice_options: ADVICE,
        outcome_options: EVALUATION_OUTCOMES,
        consent_options: &[("ja", "Ja, toestemming"), ("nee", "Nee, geen toestemming")],
    };
    render_status(status, &page)
}

#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    page_response(&state, &user, id, StatusCode::OK, FormErrors::new(), FormData::default()).await
}

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

async fn members(state: &AppState, org: Uuid) -> AppResult<Vec<Member>> {
    Ok(store::members(&state.pool, org).await?)
}

/// The CISO takes a submission into review (others then see who is on it).
#[tracing::instrument(skip_all)]
pub async fn take_up(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Ciso, "take_up_review")?;
    let members = members(&state, org).await?;
    let mut tx = state.pool.begin().await?;
    let before = lock_for(&mut tx, org, id, Action::TakeUp).await?;
    refuse_party(&user, &before, "take_up_review", ANOTHER_CISO)?;
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor, members: &members };
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
    let mut errors = FormErrors::new();
    let action = Action::decision(input.get("beslissing"));
    if action.is_none() {
        errors
            .add("beslissing", "Kies een besluit: goedkeuren, goedkeuren onder voorwaarden, afwijzen of terugsturen.");
    }
    let note = match action {
        Some(Action::ApproveWithConditions) => {
            Some(errors.note("toelichting", "de voorwaarden", input.get("toelichting"), 5, 5000))
        }
        Some(Action::Reject) => {
            Some(errors.note("toelichting", "de reden van afwijzing", input.get("toelichting"), 5, 5000))
        }
        Some(Action::Return) => {
            Some(errors.note("toelichting", "de vragen aan de indiener", input.get("toelichting"), 5, 5000))
        }
        _ => Some(input.get("toelichting").trim().to_string()).filter(|n| !n.is_empty()),
    };
    if note.as_ref().is_some_and(|n| n.chars().count() > 5000) {
        errors.add("toelichting", "De toelichting mag hoogstens 5000 tekens lang zijn.");
    }
    let next = errors.date("volgende_evaluatie", "volgende evaluatie", input.get("volgende_evaluatie"));
    if next.is_some_and(|d| d <= today()) {
        errors.add("volgende_evaluatie", "De volgende evaluatie moet na vandaag liggen.");
    }
    let members = members(&state, org).await?;
    let mut tx = state.pool.begin().await?;
    let Some(action) = action else {
        drop(tx);
        return page_response(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
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
            against_fg = Some(errors.note(
                "tegen_fg_reden",
                "de reden om af te wijken van het negatieve FG-advies",
                input.get("tegen_fg_reden"),
                10,
                5000,
            ));
        }
    }
    if !errors.is_empty() {
        drop(tx);
        return page_response(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
    }
    let next_evaluation = action.is_approval().then(|| next.unwrap_or_else(|| a_year_after(today())));
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor, members: &members };
    let decision = Decision { action, note, against_fg, next_evaluation, decided_by: user.user_id };
    let after = lifecycle::decide(&mut tx, &ctx, &before, &decision).await?;
    tx.commit().await?;
    tracing::info!(event = "application_decided", actor = %user.user_id, application_id = %id, decision = %after.status, "decision");
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
    let members = members(&state, org).await?;
    let mut tx = state.pool.begin().await?;
    let app = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    require_in_review(&app, "Advies geven")?;
    same_version(&app, &input)?;
    let a = match parsed {
        Ok(a) => a,
        Err(errors) => {
            drop(tx);
            return page_response(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
        }
    };
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor, members: &members };
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
    let members = members(&state, org).await?;
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
            return page_response(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
        }
    };
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor, members: &members };
    lifecycle::consent(&mut tx, &ctx, &app, c.consent, c.note.as_deref(), user.user_id).await?;
    tx.commit().await?;
    done(&state, &user, id, "Het besluit van de directie is vastgelegd.").await
}

async fn life_cycle(state: AppState, user: CurrentUser, id: Uuid, action: Action) -> AppResult<Response> {
    let org = organisation(&user)?;
    let members = members(&state, org).await?;
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
    let ctx = Ctx { org, actor: &actor, members: &members };
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
    let members = members(&state, org).await?;
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
            return page_response(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input).await;
        }
    };
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor, members: &members };
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

#[cfg(test)]
mod tests {
    use super::a_year_after;
    use time::macros::date;

    #[test]
    fn a_year_later_never_panics() {
        assert_eq!(a_year_after(date!(2026 - 03 - 31)), date!(2027 - 03 - 31));
        assert_eq!(a_year_after(date!(2028 - 02 - 29)), date!(2029 - 02 - 28));
        assert_eq!(a_year_after(date!(9999 - 06 - 01)), date!(9999 - 06 - 01));
    }
}
