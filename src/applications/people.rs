//! The suggestions of the registration form's person fields while someone types (static/people.js): the
//! organisation's active members that fit, at most twenty. The form itself resolves what was typed
//! (register::people), so this is only a help, not a way in.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::organisation;
use crate::AppState;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::register::people;

#[derive(Deserialize)]
pub struct SuggestQuery {
    /// What was typed so far.
    #[serde(default)]
    q: String,
}

#[tracing::instrument(skip_all)]
pub async fn suggest(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SuggestQuery>,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let typed: String = q.q.trim().chars().take(100).collect();
    Ok(Json(people::search(&state.pool, org, &typed, 20).await?).into_response())
}
