//! The review tab's page: the gates with what is still open, the decisions, advice, consents and evaluations
//! given so far, and the forms the user's roles allow. `tab_page` also re-renders the page with a form's errors.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::AppState;
use crate::applications::organisation;
use crate::applications::summary::{Summary, summary};
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::access::{can_manage, is_party};
use crate::register::approved::{self, Difference};
use crate::register::checklist::{self, TickView};
use crate::register::facts;
use crate::register::fields::label_in as label;
use crate::register::form::FormData;
use crate::register::gates::Facts;
use crate::register::gates::{self, Stage};
use crate::register::machine::{Action, WorkflowStatus};
use crate::register::roles_needed;
use crate::register::store::{self, Stored};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::today;
use crate::web::{format_date, format_datetime, render_status};
use crate::workflow::forms::{ADVICE, EVALUATION_OUTCOMES, a_year_after};

pub const DECISIONS: &[(&str, &str)] = &[
    ("goedgekeurd", "Goedkeuren"),
    ("goedgekeurd_onder_voorwaarden", "Goedkeuren onder voorwaarden"),
    ("afgewezen", "Afwijzen"),
    ("teruggestuurd", "Terugsturen met vragen"),
];
/// How a decision reads afterwards, in the list of decisions.
pub const DECIDED: &[(&str, &str)] = &[
    ("goedgekeurd", "Goedgekeurd"),
    ("goedgekeurd_onder_voorwaarden", "Goedgekeurd onder voorwaarden"),
    ("afgewezen", "Afgewezen"),
    ("teruggestuurd", "Teruggestuurd met vragen"),
    ("wijziging_afgewezen", "Wijziging afgewezen (de goedgekeurde versie geldt weer)"),
];
/// The decisions on a change of an approved tool: refusing it restores the approved version.
pub const CHANGE_DECISIONS: &[(&str, &str)] = &[
    ("goedgekeurd", "Wijziging goedkeuren"),
    ("goedgekeurd_onder_voorwaarden", "Wijziging goedkeuren onder voorwaarden"),
    ("afgewezen", "Wijziging afwijzen (de goedgekeurde versie blijft gelden)"),
    ("teruggestuurd", "Terugsturen met vragen"),
];
const CONSENTS: &[(&str, &str)] = &[("ja", "Toestemming gegeven"), ("nee", "Geen toestemming")];

pub struct Entry {
    pub what: String,
    pub note: String,
    pub extra: String,
    pub who: String,
    pub when: String,
    /// Given in the current round (after the latest submission).
    pub current: bool,
    /// A decision's deadline for its conditions, as a sentence (empty otherwise).
    pub due: String,
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
    pub errors: FormErrors,
    pub input: FormData,
    pub decisions_options: &'static [(&'static str, &'static str)],
    pub advice_options: &'static [(&'static str, &'static str)],
    pub outcome_options: &'static [(&'static str, &'static str)],
    pub consent_options: &'static [(&'static str, &'static str)],
    /// A change of an approved tool under review: the approved version and what the change alters.
    pub change: Option<ChangeView>,
    /// Roles this registration waits on that nobody holds, as warnings (templates/workflow/_missing_roles.html).
    pub missing_roles: Vec<String>,
    pub is_admin: bool,
    /// The checklist with who ticked what; the CISO ticks the CISO's items while reviewing.
    pub ticks: Vec<TickView>,
    pub can_tick: bool,
    /// The Algoritmekader gate when it blocks: each requirement not met, with a link to it on the tab.
    pub kader_links: Vec<(String, String)>,
    pub kader_blocks: bool,
}

/// The proposed change beside the approved version (templates/workflow/_change.html).
pub struct ChangeView {
    pub approved_status: String,
    pub approved_at: String,
    pub differences: Vec<Difference>,
}

/// A decision, advice or consent as read: what, note, extra, who, when, given in the current round.
type EntryRow = (String, Option<String>, Option<String>, Option<String>, OffsetDateTime, bool);

fn entry(labels: &[(&str, &'static str)], (what, note, extra, who, when, current): EntryRow) -> Entry {
    Entry {
        what: label(labels, &what),
        note: note.unwrap_or_default(),
        extra: extra.unwrap_or_default(),
        who: who.unwrap_or_else(|| "onbekend".into()),
        when: format_datetime(when),
        current,
        due: String::new(),
    }
}

/// What was decided, advised, consented and evaluated, newest first.
struct History {
    decisions: Vec<Entry>,
    advices: Vec<Entry>,
    consents: Vec<Entry>,
    evaluations: Vec<Entry>,
}

async fn history(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<History> {
    let decisions = sqlx::query!(
        r#"select d.decision, d.note, d.against_fg_reason, d.conditions_due, u.name as "name?", d.decided_at
             from review_decision d left join app_user u on u.user_id = d.decided_by
            where d.application_id = $1 order by d.decided_at desc"#,
        id
    )
    .map(|r| {
        let mut e = entry(DECIDED, (r.decision, r.note, r.against_fg_reason, r.name, r.decided_at, true));
        if let Some(d) = r.conditions_due {
            e.due = format!("Aan de voorwaarden voldoen uiterlijk op {}.", format_date(d));
        }
        e
    })
    .fetch_all(&mut *conn)
    .await?;
    // Advice and consent given before the latest submission belong to an earlier round.
    let advices = sqlx::query!(
        r#"select v.advice, v.note, u.name as "name?", v.given_at,
                  v.given_at >= coalesce((select submitted_at from application where application_id = $1), '-infinity')
                      as "current!"
             from fg_advice v left join app_user u on u.user_id = v.given_by
            where v.application_id = $1 order by v.given_at desc"#,
        id
    )
    .map(|r| entry(ADVICE, (r.advice, Some(r.note), None, r.name, r.given_at, r.current)))
    .fetch_all(&mut *conn)
    .await?;
    let consents = sqlx::query!(
        r#"select c.consent, c.note, u.name as "name?", c.given_at,
                  c.given_at >= coalesce((select submitted_at from application where application_id = $1), '-infinity')
                      as "current!"
             from management_consent c left join app_user u on u.user_id = c.given_by
            where c.application_id = $1 order by c.given_at desc"#,
        id
    )
    .map(|r| {
        let what = if r.consent { "ja" } else { "nee" };
        entry(CONSENTS, (what.to_string(), r.note, None, r.name, r.given_at, r.current))
    })
    .fetch_all(&mut *conn)
    .await?;
    let evaluations = sqlx::query!(
        r#"select e.evaluated_on, e.outcome, e.note, e.next_evaluation, u.name as "name?" from evaluation e
           left join app_user u on u.user_id = e.evaluated_by
           where e.application_id = $1 order by e.evaluated_on desc, e.created_at desc"#,
        id
    )
    .map(|r| Entry {
        what: label(EVALUATION_OUTCOMES, &r.outcome),
        note: r.note,
        extra: format!("Volgende evaluatie: {}", format_date(r.next_evaluation)),
        who: r.name.unwrap_or_else(|| "onbekend".into()),
        when: format_date(r.evaluated_on),
        current: true,
        due: String::new(),
    })
    .fetch_all(&mut *conn)
    .await?;
    Ok(History { decisions, advices, consents, evaluations })
}

/// The gates of approval with what is still open; a negative FG advice gets a note.
fn gate_views(f: &Facts) -> Vec<GateView> {
    gates::evaluate(f, Stage::Approval)
        .into_iter()
        .map(|(gate, open)| GateView {
            note: (gate == gates::FG_ADVICE && f.fg_advice.as_deref() == Some("negatief"))
                .then_some("het advies is negatief: wie toch goedkeurt, motiveert waarom"),
            gate,
            open,
        })
        .collect()
}

/// The requirements that keep the Algoritmekader gate open, each linked to its place on the tab.
fn kader_links(app: &Stored, f: &Facts) -> Vec<(String, String)> {
    if !f.kader_applies() {
        return Vec::new();
    }
    f.kader_open
        .iter()
        .map(|o| {
            (
                format!("/register/{}/vereisten?vereiste={}#vereiste-{}", app.id, o.id, o.id),
                format!("{} – {}", o.id, o.title),
            )
        })
        .collect()
}

/// The review tab, with `errors` and the posted `input` when a form is shown again.
pub async fn tab_page(
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
    let history = history(&mut conn, id).await?;
    let change = match approved::governing(&mut conn, &app).await? {
        Some(v) => Some(ChangeView {
            approved_status: v.status.label(),
            approved_at: format_datetime(v.approved_at),
            differences: approved::differences(
                &v.doc,
                &app.doc,
                &store::members_named_in(&state.pool, org, [&v.doc, &app.doc]).await?,
            ),
        }),
        None => None,
    };
    let ticks = checklist::views(&mut conn, &app).await?;
    drop(conn);
    let mut page = review_page(user, &app, &f, history, errors, input);
    if change.is_some() {
        page.decisions_options = CHANGE_DECISIONS;
    }
    page.change = change;
    page.can_tick = page.can_decide;
    page.ticks = ticks;
    render_status(status, &page)
}

fn review_page(
    user: &CurrentUser,
    app: &Stored,
    f: &Facts,
    history: History,
    errors: FormErrors,
    input: FormData,
) -> ReviewPage {
    let in_review = app.status.is_in_review();
    let party = is_party(user, app);
    let gates = gate_views(f);
    ReviewPage {
        layout: Layout::for_user(user, &format!("Beoordeling – {}", app.name()), "/register")
            .with_errors(!errors.is_empty()),
        app: summary(user, app),
        tab: "beoordeling",
        gates_open: gates.iter().filter(|g| g.open.is_some()).count(),
        gates,
        decisions: history.decisions,
        advices: history.advices,
        consents: history.consents,
        evaluations: history.evaluations,
        in_review,
        personal_data: f.personal_data,
        risk_high: f.risk_high,
        fg_negative: f.fg_advice.as_deref() == Some("negatief"),
        can_take_up: user.has_role(Role::Ciso) && app.status == WorkflowStatus::Ingediend && !party,
        can_decide: user.has_role(Role::Ciso) && in_review && !party,
        party_blocked: user.has_role(Role::Ciso) && in_review && party,
        can_advise: user.has_role(Role::Fg) && in_review,
        can_consent: user.has_role(Role::Directie) && in_review && f.risk_high && !party,
        can_put_in_use: can_manage(user, app) && Action::PutInUse.allows(app.status),
        can_retire: can_manage(user, app) && Action::Retire.allows(app.status),
        can_evaluate: can_manage(user, app) && app.status.is_approved(),
        next_evaluation: app
            .str("next_evaluation")
            .and_then(|d| Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok())
            .map(format_date)
            .unwrap_or_default(),
        next_hint: format!("Leeg laten: over een jaar ({}).", format_date(a_year_after(today()))),
        today_hint: format!("Leeg laten: vandaag ({}).", format_date(today())),
        errors,
        input,
        decisions_options: DECISIONS,
        advice_options: ADVICE,
        outcome_options: EVALUATION_OUTCOMES,
        consent_options: &[("ja", "Ja, toestemming"), ("nee", "Nee, geen toestemming")],
        change: None,
        missing_roles: roles_needed::warnings(app, &f.missing_roles),
        is_admin: user.has_role(Role::Beheerder),
        ticks: Vec::new(),
        can_tick: false,
        kader_links: kader_links(app, f),
        kader_blocks: f.kader_applies() && (f.kader_pending.is_some() || !f.kader_open.is_empty()),
    }
}

#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    tab_page(&state, &user, id, StatusCode::OK, FormErrors::new(), FormData::default()).await
}
