//! The detail page of an application (all sections, the data-class matrix, RASCI, risk) and its
//! "Geschiedenis" tab: who changed what, with the differences between versions.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use uuid::Uuid;

use super::glance::{Glance, glance};
use super::summary::{Summary, summary};
use super::views::{self, DetailSection};
use super::{IGNORED_IN_DIFF, organisation};
use crate::AppState;
use crate::audit;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::approved;
use crate::register::fields::{self};
use crate::register::form::{FormData, display_value, is_blank};
use crate::register::labels;
use crate::register::risk::RiskLevel;
use crate::register::store::{self};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{format_datetime, render, render_status};

#[derive(Template)]
#[template(path = "applications/show.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub app: Summary,
    /// "In het kort" above the sections.
    pub glance: Glance,
    pub sections: Vec<DetailSection>,
    pub matrix: Vec<(&'static str, String, String)>,
    pub rasci: Vec<(&'static str, Vec<String>)>,
    pub derived_label: String,
    pub derived_reasons: Vec<String>,
    pub override_label: Option<String>,
    pub override_motivation: String,
    pub missing: Vec<crate::register::form::Missing>,
    pub can_submit: bool,
    pub can_override: bool,
    pub errors: FormErrors,
    pub override_input: (String, String),
    pub lars: String,
    /// "Goedgekeurd; wijziging in beoordeling": the approved version's status and date (register::approved).
    pub change_banner: Option<(String, String)>,
    /// The checklist with who ticked each item and when.
    pub ticks: Vec<crate::register::checklist::TickView>,
    /// The owner's name when that person has left (register::leavers).
    pub owner_left: Option<String>,
    /// The supplier record the registration is linked to (register::suppliers), and the free text otherwise.
    pub supplier: Option<(Uuid, String)>,
    pub unlinked_provider: String,
    /// A high-risk AI system: the page links to its EU database sheet.
    pub high_risk: bool,
    /// The trainings the tool requires of its users, and how many have them (literacy::figures).
    pub trainings: Vec<TrainingView>,
}

/// One training the tool requires: "Basistraining Copilot (basis): 3 van 5 gebruikers hebben hem geldig".
pub struct TrainingView {
    pub title: String,
    pub level: String,
    pub users: usize,
    pub valid: usize,
    /// The lists of its users and of those who have it valid, for who may see names.
    pub links: Option<(String, String)>,
}

async fn trainings(state: &AppState, user: &CurrentUser, org: Uuid, id: Uuid) -> AppResult<Vec<TrainingView>> {
    let today = crate::web::today();
    let links = crate::literacy::sees_lists(user);
    let list = |stand: &str| format!("{}/lijst?tool={id}&stand={stand}", crate::literacy::COVERAGE);
    Ok(crate::literacy::figures::for_tool(&state.pool, org, id, today)
        .await?
        .into_iter()
        .map(|t| TrainingView {
            level: crate::register::options::label_in(crate::literacy::rules::LEVELS, &t.level).to_lowercase(),
            title: t.title,
            users: t.users,
            valid: t.valid,
            links: links.then(|| (list("vereist"), list("gedaan"))),
        })
        .collect())
}

pub async fn tab_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    status: StatusCode,
    errors: FormErrors,
    input: &FormData,
) -> AppResult<Response> {
    let org = organisation(user)?;
    let stored = store::get(&state.pool, org, id).await?.ok_or(AppError::NotFound)?;
    let derivation = store::derive_risk(&stored.doc);
    let submittable = stored.status.is_submittable();
    let app = summary(user, &stored);
    // One connection for the page's own reads. A connection acquired inside the struct expression below would
    // be held until the whole expression is done, so one request held four at once and 32 concurrent requests
    // emptied the pool of 16 and waited for each other until the acquire timeout (found by the load benchmark).
    let mut conn = state.pool.acquire().await?;
    let governing = approved::governing(&mut conn, &stored).await?;
    let missing =
        if submittable { crate::register::facts::submission_missing(&mut conn, &stored).await? } else { Vec::new() };
    let beside = crate::register::beside::load(&mut conn, &stored).await?;
    drop(conn);
    let members = &beside.people;
    let trainings = trainings(state, user, org, id).await?;
    let page = DetailPage {
        change_banner: governing.map(|v| (v.status.label().to_lowercase(), format_datetime(v.approved_at))),
        layout: Layout::for_user(user, &app.name, "/register").with_errors(!errors.is_empty()),
        glance: glance(&stored.doc, members),
        sections: views::detail_sections(&stored.doc, members),
        matrix: views::matrix_display(&stored.doc),
        rasci: views::rasci_display(&stored.rasci, members),
        derived_label: derivation.level.map(RiskLevel::label).unwrap_or_else(|| "Nog niet te bepalen".to_string()),
        derived_reasons: derivation.reasons,
        override_label: stored.str("risk_level_override").and_then(RiskLevel::parse).map(RiskLevel::label),
        override_motivation: stored.str("risk_override_motivation").unwrap_or("").to_string(),
        missing,
        can_submit: submittable && app.can_edit,
        can_override: user.has_role(Role::Ciso),
        override_input: (
            input.get("risk_level_override").to_string(),
            input.get("risk_override_motivation").to_string(),
        ),
        lars: stored.str("lars").unwrap_or("").to_string(),
        ticks: beside.ticks,
        owner_left: beside.owner_left,
        supplier: beside.supplier,
        unlinked_provider: stored.str("provider").unwrap_or("").to_string(),
        high_risk: stored.str("ai_act_risk_group") == Some("hoog-risico AI"),
        trainings,
        errors,
        app,
    };
    render_status(status, &page)
}

#[tracing::instrument(skip_all)]
pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    tab_page(&state, &user, id, StatusCode::OK, FormErrors::new(), &FormData::default()).await
}

pub struct Change {
    pub label: &'static str,
    pub before: String,
    pub after: String,
}

pub struct HistoryView {
    pub when: String,
    pub who: String,
    pub what: &'static str,
    pub changes: Vec<Change>,
}

#[derive(Template)]
#[template(path = "applications/history.html")]
pub struct HistoryPage {
    pub layout: Layout,
    pub app: Summary,
    pub entries: Vec<HistoryView>,
}

#[tracing::instrument(skip_all)]
pub async fn history(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = organisation(&user)?;
    let stored = store::get(&state.pool, org, id).await?.ok_or(AppError::NotFound)?;
    let events = audit::history(&state.pool, "application", id).await?;
    let docs = events.iter().flat_map(|e| [&e.before, &e.after]).filter_map(|d| d.as_ref()?.as_object());
    let members = store::members_named_in(&state.pool, org, docs).await?;
    let entries = events
        .into_iter()
        .map(|e| {
            let keys = audit::changed_keys(e.before.as_ref(), e.after.as_ref(), IGNORED_IN_DIFF);
            let val = |snap: &Option<Value>, k: &str| {
                snap.as_ref()
                    .and_then(|s| s.get(k))
                    .map(|v| display_value(k, v, &members))
                    .unwrap_or_else(|| "(leeg)".into())
            };
            // A creation lists the fields that were filled in; later events list before and after.
            let changes = keys
                .iter()
                .filter(|k| {
                    e.before.is_some() || e.after.as_ref().and_then(|a| a.get(k.as_str())).is_some_and(|v| !is_blank(v))
                })
                .map(|k| Change {
                    label: fields::label(k),
                    // An event's note (an advice, an assessment, an outcome) has no earlier value.
                    before: if labels::EVENT_NOTES.contains(&k.as_str()) { "–".into() } else { val(&e.before, k) },
                    after: val(&e.after, k),
                })
                .collect();
            HistoryView {
                when: format_datetime(e.occurred_at),
                who: e.actor_name,
                what: labels::event(&e.action).unwrap_or("Gebeurtenis"),
                changes,
            }
        })
        .collect();
    let app = summary(&user, &stored);
    render(&HistoryPage {
        layout: Layout::for_user(&user, &format!("Geschiedenis – {}", app.name), "/register"),
        app,
        entries,
    })
}
