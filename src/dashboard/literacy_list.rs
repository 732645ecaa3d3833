//! The people behind a literacy figure per department on the dashboard: the required trainings of the members
//! of one department (or of those without one) in one group (required, done, expired). The literacy lists'
//! template and rights (administrator, CISO, FG); per role and per tool the literacy module has its own list.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::people::{LITERACY_GROUPS, literacy_in_group};
use crate::AppState;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::literacy::status::pairs;
use crate::policy::coverage::NO_DEPARTMENT;
use crate::web::layout::Layout;
use crate::web::{format_date, render, today};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Empty: the people without a department.
    afdeling: String,
    stand: String,
}

/// A row of `literacy/list.html`.
pub struct PairView {
    pub person: String,
    pub title: String,
    pub reason: String,
    pub standing: &'static str,
    pub standing_label: &'static str,
    pub until: String,
}

#[derive(Template)]
#[template(path = "literacy/list.html")]
struct ListPage {
    layout: Layout,
    heading: String,
    rows: Vec<PairView>,
}

#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser, Query(f): Query<Filter>) -> AppResult<Response> {
    let org = user.organisation_id().ok_or(AppError::Forbidden)?;
    if !crate::literacy::sees_lists(&user) {
        return Err(AppError::Forbidden);
    }
    let group = LITERACY_GROUPS.iter().find(|(g, _)| *g == f.stand).ok_or(AppError::NotFound)?;
    let wanted = f.afdeling.trim();
    let departments = crate::literacy::figures::departments(&state.pool, org).await?;
    let rows = pairs(&state.pool, org, today())
        .await?
        .into_iter()
        .filter(|p| departments.get(&p.user_id).map_or("", String::as_str) == wanted)
        .filter(|p| literacy_in_group(p.standing, group.0))
        .map(|p| PairView {
            person: format!("{} ({})", p.user_name, p.email),
            reason: p
                .tool
                .as_ref()
                .map_or_else(|| p.role.map(|r| r.label().to_string()).unwrap_or_default(), |t| t.1.clone()),
            title: p.title,
            standing: p.standing.as_str(),
            standing_label: p.standing.label(),
            until: p.valid_until.map(format_date).unwrap_or_default(),
        })
        .collect();
    let of = if wanted.is_empty() { NO_DEPARTMENT.to_string() } else { format!("afdeling {wanted}") };
    render(&ListPage {
        layout: Layout::for_user(&user, "Dekking AI-geletterdheid", super::PATH),
        heading: format!("{} – {of}", group.1),
        rows,
    })
}
