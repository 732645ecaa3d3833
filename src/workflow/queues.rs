//! The work lists: "Te beoordelen" (CISO), "Adviesaanvragen" (FG), "Toestemming" (directie) and
//! "Evaluaties" (overdue and due soon).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::AppState;
use crate::applications::organisation;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::register::facts;
use crate::register::fields::{RISK_LEVELS, WORKFLOW_STATUS, label_in, label_of};
use crate::register::gates::{self, Stage};
use crate::register::queue::{Queue, Waiting, evaluations_due, waiting};
use crate::register::store;
use crate::web::layout::Layout;
use crate::web::{format_date, render};

pub struct QueueItem {
    pub id: Uuid,
    pub name: String,
    pub status: String,
    pub risk: String,
    pub department: String,
    pub submitted: String,
    pub submitter: String,
    pub days: i64,
    pub advice: String,
    pub consent: String,
    /// The gates still open for approval (review queue only).
    pub open: Vec<String>,
    /// The viewer registered, submitted or owns it: someone else decides (four-eyes).
    pub party: bool,
}

#[derive(Template)]
#[template(path = "workflow/queue.html")]
pub struct QueuePage {
    pub layout: Layout,
    pub heading: &'static str,
    pub intro: &'static str,
    pub empty: &'static str,
    pub items: Vec<QueueItem>,
    /// Advice or consent already given, waiting for the CISO (advice and consent queues).
    pub done: Vec<QueueItem>,
    pub done_heading: &'static str,
    pub show_gates: bool,
}

fn item(r: Waiting, now: OffsetDateTime) -> QueueItem {
    QueueItem {
        id: r.application_id,
        name: r.name,
        status: label_of(WORKFLOW_STATUS, &r.workflow_status),
        risk: r.risk_level.as_deref().map(|l| label_of(RISK_LEVELS, l)).unwrap_or_else(|| "Onbekend".into()),
        department: r.department.unwrap_or_default(),
        submitted: r.submitted_at.map(|t| format_date(t.date())).unwrap_or_default(),
        submitter: r.submitter.unwrap_or_default(),
        days: r.submitted_at.map(|t| (now - t).whole_days()).unwrap_or(0),
        advice: r.advice.as_deref().map(|a| label_in(super::review::ADVICE, a)).unwrap_or_default(),
        consent: match r.consent {
            Some(true) => "Gegeven".into(),
            Some(false) => "Geweigerd".into(),
            None => String::new(),
        },
        open: Vec::new(),
        party: false,
    }
}

#[tracing::instrument(skip_all)]
pub async fn review_queue(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = user.require(Role::Ciso, "review_queue")?;
    let now = OffsetDateTime::now_utc();
    let mut items = Vec::new();
    let mut conn = state.pool.acquire().await?;
    for r in waiting(&mut conn, org, Queue::Review).await? {
        let id = r.application_id;
        let mut it = item(r, now);
        if let Some(app) = store::get_in(&mut conn, org, id).await? {
            let f = facts::load(&mut conn, &app).await?;
            it.open = gates::check(&f, Stage::Approval).into_iter().map(|o| o.gate.to_string()).collect();
            it.party = crate::register::access::is_party(&user, &app);
        }
        items.push(it);
    }
    render(&QueuePage {
        layout: Layout::for_user(&user, "Te beoordelen", "/te-beoordelen"),
        heading: "Te beoordelen",
        intro: "Ingediende registraties, de oudste eerst. Per registratie ziet u wat er nog openstaat voordat u kunt goedkeuren.",
        empty: "Er wacht niets op beoordeling.",
        items,
        done: Vec::new(),
        done_heading: "",
        show_gates: true,
    })
}

#[tracing::instrument(skip_all)]
pub async fn advice_queue(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = user.require(Role::Fg, "advice_queue")?;
    let now = OffsetDateTime::now_utc();
    let mut conn = state.pool.acquire().await?;
    let (done, items): (Vec<QueueItem>, Vec<QueueItem>) = waiting(&mut conn, org, Queue::Advice)
        .await?
        .into_iter()
        .map(|r| item(r, now))
        .partition(|i| !i.advice.is_empty());
    render(&QueuePage {
        layout: Layout::for_user(&user, "Adviesaanvragen", "/adviesaanvragen"),
        heading: "Adviesaanvragen",
        intro: "Ingediende registraties waarbij persoonsgegevens betrokken zijn. Zonder uw advies kan de CISO ze niet goedkeuren.",
        empty: "Er wachten geen registraties op uw advies.",
        items,
        done,
        done_heading: "Geadviseerd, wacht op het besluit van de CISO",
        show_gates: false,
    })
}

#[tracing::instrument(skip_all)]
pub async fn consent_queue(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = user.require(Role::Directie, "consent_queue")?;
    let now = OffsetDateTime::now_utc();
    let mut conn = state.pool.acquire().await?;
    let (done, items): (Vec<QueueItem>, Vec<QueueItem>) = waiting(&mut conn, org, Queue::Consent)
        .await?
        .into_iter()
        .map(|r| item(r, now))
        .partition(|i| !i.consent.is_empty());
    render(&QueuePage {
        layout: Layout::for_user(&user, "Toestemming", "/toestemming"),
        heading: "Toestemming directie",
        intro: "Ingediende registraties met een hoog eigen risiconiveau. Goedkeuren kan pas na toestemming van de directie.",
        empty: "Er wacht niets op toestemming.",
        items,
        done,
        done_heading: "Besloten, wacht op het besluit van de CISO",
        show_gates: false,
    })
}

pub struct EvaluationItem {
    pub id: Uuid,
    pub name: String,
    pub status: String,
    pub due: String,
    pub days: i64,
    pub owner: String,
}

#[derive(Template)]
#[template(path = "workflow/evaluations.html")]
pub struct EvaluationsPage {
    pub layout: Layout,
    pub overdue: Vec<EvaluationItem>,
    pub soon: Vec<EvaluationItem>,
}

/// "Evaluatie verlopen" and what is due within 30 days, for approved tools and tools in use.
#[tracing::instrument(skip_all)]
pub async fn evaluations(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = organisation(&user)?;
    let mut conn = state.pool.acquire().await?;
    let rows = evaluations_due(&mut conn, org, None).await?;
    let today = OffsetDateTime::now_utc().date();
    let (overdue, soon): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .map(|r| EvaluationItem {
            id: r.application_id,
            name: r.name,
            status: label_of(WORKFLOW_STATUS, &r.workflow_status),
            due: format_date(r.next_evaluation),
            days: (r.next_evaluation - today).whole_days(),
            owner: r.owner.unwrap_or_default(),
        })
        .partition(|i| i.days < 0);
    render(&EvaluationsPage { layout: Layout::for_user(&user, "Evaluaties", "/evaluaties"), overdue, soon })
}
