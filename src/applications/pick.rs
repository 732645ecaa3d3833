//! `GET /register/kiezen?voor=aanvraag|eis&q=`: the registrations a registration field offers while someone
//! types (static/pick.js), at most twenty and one more to say there are more. Only for those who fill such a
//! field (the CISO's triage, the administrator's training requirements); the form resolves what is sent.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::organisation;
use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::pick::{self, Among};

#[derive(Deserialize)]
pub struct PickQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    voor: String,
}

#[tracing::instrument(skip_all)]
pub async fn suggest(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PickQuery>,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let among = Among::parse(&q.voor).ok_or(AppError::NotFound)?;
    let allowed = match among {
        Among::Requests => user.has_role(Role::Ciso),
        Among::Requirements => user.has_role(Role::Beheerder),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let typed: String = q.q.trim().chars().take(100).collect();
    Ok(Json(pick::search(&state.pool, org, among, &typed, pick::SHOWN + 1).await?).into_response())
}
