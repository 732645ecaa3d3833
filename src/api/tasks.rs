//! `GET /api/v1/tasks`: "Mijn taken" of the token's user, as the start page lists them (oldest first), for
//! integrations such as a portal or a daily digest.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::ApiUser;
use super::problem::ApiResult;
use crate::AppState;
use crate::applications::organisation;
use crate::tasks::{self, Who};

pub async fn list(State(state): State<AppState>, api: ApiUser) -> ApiResult<Json<Value>> {
    let org = organisation(&api.user)?;
    let who = Who { user_id: api.user.user_id, organisation_id: org, roles: api.user.roles() };
    let mut conn = state.pool.acquire().await?;
    let tasks = tasks::for_user(&mut conn, &who).await?;
    Ok(Json(json!({ "total": tasks.len(), "tasks": tasks })))
}
