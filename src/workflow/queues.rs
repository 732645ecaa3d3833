//! The work lists: "Te beoordelen" (CISO), "Adviesaanvragen" (FG), "Toestemming" (directie) and
//! "Evaluaties" (overdue and due soon).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::AppState;
use crate::applications::organisation;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::register::facts;
use crate::register::fields::{RISK_LEVELS, WORKFLOW_STATUS, label_in, label_of};
use crate::register::gates::{self, Stage};
use crate::register::store;
use crate::web::layout::Layout;
use crate::web::{format_date, render};

#[derive(sqlx::FromRow)]
struct QueueRow {
    application_id: Uuid,
    name: String,
    workflow_status: String,
    risk_level: Option<String>,
    department: Option<String>,
    submitted_at: Option<OffsetDateTime>,
    submitter: Option<String>,
    advice: Option<String>,
    consent: Option<bool>,
}

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

/// Which registrations a work list shows of those waiting for review.
#[derive(Clone, Copy, PartialEq)]
enum Queue {
    /// All of them (the CISO).
    Review,
    /// Those with personal data (the FG).
    Advice,
    /// Those with a high own risk level (the directie).
    Consent,
}

/// Registrations waiting for review, oldest first, with the advice and consent of the current round.
async fn waiting(state: &AppState, org: Uuid, queue: Queue) -> sqlx::Result<Vec<QueueRow>> {
    sqlx::query_as!(
        QueueRow,
        r#"select a.application_id, a.name, a.workflow_status, a.risk_level, a.department, a.submitted_at,
                u.name as "submitter?",
                (select v.advice from fg_advice v where v.application_id = a.application_id
                   and v.given_at >= a.submitted_at order by v.given_at desc limit 1) as advice,
                (select c.consent from management_consent c where c.application_id = a.application_id
                   and c.given_at >= a.submitted_at order by c.given_at desc limit 1) as consent
         from application a left join app_user u on u.user_id = coalesce(a.submitted_by, a.created_by)
         where a.organisation_id = $1 and a.workflow_status in ('ingediend', 'in_beoordeling')
           and ($2::bool is false or processes_personal_data(a)) and ($3::bool is false or a.risk_level = 'hoog')
         order by a.submitted_at nulls first, a.application_id"#,
        org,
        queue == Queue::Advice,
        queue == Queue::Consent
    )
    .fetch_all(&state.pool)
    .await
}

fn item(r: QueueRow, now: OffsetDateTime) -> QueueItem {
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
    for r in waiting(&state, org, Queue::Review).await? {
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
    let (done, items): (Vec<QueueItem>, Vec<QueueItem>) = waiting(&state, org, Queue::Advice)
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
    let (done, items): (Vec<QueueItem>, Vec<QueueItem>) = waiting(&state, org, Queue::Consent)
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

#[derive(sqlx::FromRow)]
struct EvaluationRow {
    application_id: Uuid,
    name: String,
    workflow_status: String,
    next_evaluation: Date,
    owner: Option<String>,
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
    let rows: Vec<EvaluationRow> = sqlx::query_as!(
        EvaluationRow,
        r#"select a.application_id as "application_id!: Uuid", a.name as "name!: String",
                 a.workflow_status as "workflow_status!: String", a.next_evaluation as "next_evaluation!: Date",
                 u.name as "owner?: String"
         from application a left join app_user u on u.user_id = a.owner_id
         where a.organisation_id = $1 and a.next_evaluation <= current_date + 30
           and a.workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik')
         order by a.next_evaluation, lower(a.name)"#,
        org
    )
    .fetch_all(&state.pool)
    .await?;
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
