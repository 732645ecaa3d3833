//! The people behind a literacy figure per department on the dashboard: the required trainings of the members
//! of one department (or of those without one) in one group (required, done, expired). The literacy lists'
//! template and rights (administrator, CISO, FG); per role and per tool the literacy module has its own list.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::people::{LITERACY_GROUPS, literacy_in_group};
use crate::AppState;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::literacy::coverage::{PairView, list_page};
use crate::literacy::status::pairs;
use crate::policy::coverage::{NO_DEPARTMENT, department_of};
use crate::web::layout::Layout;
use crate::web::today;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Empty: the people without a department.
    afdeling: String,
    stand: String,
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
        // The department as the figure counts it (trimmed of every kind of white space, as on the dashboard).
        .filter(|p| department_of(departments.get(&p.user_id).map(String::as_str)).1 == wanted)
        .filter(|p| literacy_in_group(p.standing, group.0))
        .map(|p| PairView::of(&p))
        .collect();
    let of = if wanted.is_empty() { NO_DEPARTMENT.to_string() } else { format!("afdeling {wanted}") };
    list_page(Layout::for_user(&user, "Dekking AI-geletterdheid", super::PATH), format!("{} – {of}", group.1), rows)
}
