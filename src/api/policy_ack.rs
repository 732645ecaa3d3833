//! `POST /policy/versions/{number}/acknowledgement`: the token's user acknowledges the version in force ("Ik heb
//! het AI-beleid versie N gelezen"), as the button on the policy page does. Idempotent: the first time 201 with
//! the moment, afterwards 200 with the same moment; a version that does not exist, is a draft or no longer
//! holds is 404 (only the version in force can be acknowledged).

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::ApiUser;
use super::problem::{ApiResult, Problem};
use crate::AppState;
use crate::audit::{self, Actor};
use crate::policy::store;

pub async fn acknowledge(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<i32>, PathRejection>,
) -> ApiResult<Response> {
    let n = path.map(|Path(n)| n).map_err(|_| Problem::not_found())?;
    let org = api.user.organisation_id().ok_or_else(|| Problem::forbidden("Het token hoort bij geen organisatie."))?;
    api.require_write()?;
    let v =
        store::get(&state.pool, org, n).await?.filter(|v| v.status == "gepubliceerd").ok_or_else(Problem::not_found)?;
    let mut tx = state.pool.begin().await?;
    let new = store::acknowledge(&mut tx, v.id, api.user.user_id).await?;
    if new {
        let actor = Actor::from(&api.user);
        let event = audit::Event::about(Some(org), &actor, "policy.acknowledged", ("policy_version", v.id))
            .change(None, Some(json!({ "number": v.number, "via": "api" })));
        audit::record(&mut tx, event).await?;
    }
    tx.commit().await?;
    let at = store::acknowledged_at(&state.pool, v.id, api.user.user_id).await?;
    let at = at.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok());
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(json!({ "number": v.number, "acknowledged_at": at }))).into_response())
}
