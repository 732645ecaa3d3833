//! The whole questionnaire on one page, for printing to PDF from the browser.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::items::{Item, items};
use super::tab::{VerdictView, last_saved, verdict_views};
use super::{definition, fetch};
use crate::AppState;
use crate::applications::organisation;
use crate::assessments::can_download;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::store;
use crate::web::layout::Layout;
use crate::web::render_status;

pub struct PrintSection {
    pub title: String,
    pub items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "questionnaires/print.html")]
pub struct PrintPage {
    pub layout: Layout,
    pub app_name: String,
    pub name: String,
    pub version_label: String,
    pub status: &'static str,
    pub last_saved: String,
    pub sections: Vec<PrintSection>,
    pub verdicts: Vec<VerdictView>,
}

/// Everything on one page, for printing to PDF.
#[tracing::instrument(skip_all)]
pub async fn print(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, qid)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let mut conn = state.pool.acquire().await?;
    let app = store::get_in(&mut conn, org, id).await?.ok_or(AppError::NotFound)?;
    if !can_download(&user, &app) {
        return Err(AppError::Forbidden);
    }
    let row = fetch(&mut conn, id, qid, false).await?;
    drop(conn);
    let def = definition(&row.kind)?;
    let answers = row.answers();
    let sections = def
        .tasks
        .iter()
        .map(|s| PrintSection { title: s.task.clone(), items: items(def, s, &answers, None, &[]) })
        .collect();
    render_status(
        StatusCode::OK,
        &PrintPage {
            layout: Layout::for_user(&user, &format!("{} – {} (afdrukken)", def.name, app.name()), "/register"),
            app_name: app.name().to_string(),
            name: def.name.clone(),
            version_label: row.definition_version.clone(),
            status: if row.status == "afgerond" { "Afgerond" } else { "In uitvoering" },
            last_saved: last_saved(row.updated_at, row.updated_by_name),
            sections,
            verdicts: if row.kind == "prescan" { verdict_views(def, &answers) } else { Vec::new() },
        },
    )
}
