//! The questionnaire's page on the application's assessments tab: one part at a time, with the parts and
//! their progress, the Pre-scan's verdicts so far, and (after a refused save) the input and its problems.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::items::{Item, control, items, progress};
use super::{definition, fetch};
use crate::AppState;
use crate::applications::organisation;
use crate::applications::summary::{Summary, summary};
use crate::assessments::{can_change, can_download};
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::questionnaires::definition::{Answers, Definition};
use crate::questionnaires::prescan;
use crate::register::form::FormData;
use crate::register::store;
use crate::web::layout::Layout;
use crate::web::{format_datetime, render_status};

pub struct SectionLink {
    pub index: usize,
    pub title: String,
    pub answered: usize,
    pub total: usize,
    pub current: bool,
}

pub struct VerdictView {
    pub assessment: String,
    pub label: &'static str,
    /// The criteria that fired, as the question set words them.
    pub reasons: Vec<String>,
    /// For the DPIA: the known slips of the published instrument that change or could change this outcome.
    pub notes: Vec<String>,
}

pub(super) fn verdict_views(def: &Definition, answers: &Answers) -> Vec<VerdictView> {
    let outcome = prescan::evaluate(def, answers);
    // The verdict follows the instrument as the government's tool evaluates it; where a known slip of the
    // published file changes or could change the DPIA verdict, the page says so (issue 16).
    let notes: Vec<String> = crate::questionnaires::slips::touching(def, answers, &outcome)
        .into_iter()
        .filter(|s| s.changes_outcome)
        .map(|s| s.note)
        .collect();
    outcome
        .verdicts
        .into_iter()
        .map(|v| VerdictView {
            label: v.label(),
            reasons: v.criteria.iter().map(|c| c.explanation.clone()).filter(|e| !e.is_empty()).collect(),
            notes: if v.assessment == "DPIA" { notes.clone() } else { Vec::new() },
            assessment: v.assessment,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "questionnaires/page.html")]
pub struct Page {
    pub layout: Layout,
    pub app: Summary,
    pub tab: &'static str,
    pub qid: Uuid,
    pub name: String,
    pub version_label: String,
    pub version: i32,
    pub completed: bool,
    pub can_change: bool,
    pub sections: Vec<SectionLink>,
    pub section: usize,
    pub section_title: String,
    pub section_description: String,
    pub items: Vec<Item>,
    pub verdicts: Vec<VerdictView>,
    pub last_saved: String,
    pub conflict: bool,
    pub error_count: usize,
    /// The part has something to answer (an introduction only has text).
    pub has_questions: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SectionQuery {
    deel: usize,
}

/// Which part to show, and after a refused save the input, its problems, or that it was stale.
pub(super) struct View<'a> {
    pub section: usize,
    pub input: Option<&'a FormData>,
    pub errors: Vec<(String, String)>,
    pub conflict: bool,
}

/// "Laatst opgeslagen": when, and by whom if known.
pub(super) fn last_saved(at: time::OffsetDateTime, by: Option<String>) -> String {
    format!("{}{}", format_datetime(at), by.map(|n| format!(" door {n}")).unwrap_or_default())
}

pub(super) async fn tab_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    qid: Uuid,
    status: StatusCode,
    v: View<'_>,
) -> AppResult<Response> {
    let org = organisation(user)?;
    let mut conn = state.pool.acquire().await?;
    let app = store::get_in(&mut conn, org, id).await?.ok_or(AppError::NotFound)?;
    if !can_download(user, &app) {
        return Err(AppError::Forbidden);
    }
    let row = fetch(&mut conn, id, qid, false).await?;
    drop(conn);
    let def = definition(&row.kind)?;
    let answers = row.answers();
    let section = v.section.min(def.tasks.len().saturating_sub(1));
    let current = &def.tasks[section];
    let sections = def
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let (answered, total) = progress(def, t, &answers);
            SectionLink { index: i, title: t.task.clone(), answered, total, current: i == section }
        })
        .collect();
    let page = Page {
        layout: Layout::for_user(user, &format!("{} – {}", def.name, app.name()), "/register")
            .with_errors(!v.errors.is_empty() || v.conflict),
        app: summary(user, &app),
        tab: "assessments",
        qid,
        name: def.name.clone(),
        version_label: row.definition_version.clone(),
        version: row.version,
        completed: row.status == "afgerond",
        can_change: can_change(user, &app),
        sections,
        section,
        section_title: current.task.clone(),
        section_description: crate::register::richtext::reference_html(current.description.as_deref().unwrap_or("")),
        has_questions: progress(def, current, &answers).1 > 0
            || current.tasks.iter().any(|t| !t.is_group() && control(t) != "info"),
        items: items(def, current, &answers, v.input, &v.errors),
        verdicts: if row.kind == "prescan" { verdict_views(def, &answers) } else { Vec::new() },
        last_saved: last_saved(row.updated_at, row.updated_by_name),
        conflict: v.conflict,
        error_count: v.errors.len(),
    };
    render_status(status, &page)
}

#[tracing::instrument(skip_all)]
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, qid)): Path<(Uuid, Uuid)>,
    Query(q): Query<SectionQuery>,
) -> AppResult<Response> {
    let view = View { section: q.deel, input: None, errors: Vec::new(), conflict: false };
    tab_page(&state, &user, id, qid, StatusCode::OK, view).await
}
