//! "Bevestigen" and "Terugsturen": the FG or CISO confirms a completed assessment that waits for confirmation,
//! or sends it back with a reason. The rules (who, four-eyes, the version shown) are the domain's
//! (`register::confirmation::decide`); the row lock of the registration serialises this with a save.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::{Refusal, list_page};
use crate::AppState;
use crate::applications::load;
use crate::audit::Actor;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::confirmation::{self, By, Decision};
use crate::register::form::FormData;
use crate::register::lifecycle::Ctx;
use crate::register::store;
use crate::web::forms::FormErrors;

#[tracing::instrument(skip_all)]
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, aid)): Path<(Uuid, Uuid)>,
    body: Bytes,
) -> AppResult<Response> {
    let input = FormData::parse(&body);
    let name = decide(&state, &user, id, aid, &input, Decision::Confirm).await?;
    let message = format!("U heeft de {name} bevestigd; die telt nu mee voor de goedkeuring.");
    session::flash_redirect(&state.pool, &user, &message, &format!("/register/{id}/assessments")).await
}

#[tracing::instrument(skip_all)]
pub async fn send_back(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, aid)): Path<(Uuid, Uuid)>,
    body: Bytes,
) -> AppResult<Response> {
    let input = FormData::parse(&body);
    let reason = match confirmation::reason(input.get("reden")) {
        Ok(r) => r,
        Err(message) => {
            let mut errors = FormErrors::new();
            errors.add("reden", message);
            let refusal = Refusal { errors, input, error_for: Some(aid) };
            return list_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, refusal).await;
        }
    };
    let name = decide(&state, &user, id, aid, &input, Decision::Return(&reason)).await?;
    let message = format!("U heeft de {name} teruggestuurd; de opsteller en de eigenaar zijn op de hoogte gebracht.");
    session::flash_redirect(&state.pool, &user, &message, &format!("/register/{id}/assessments")).await
}

/// One transaction: lock the registration, decide, audit and notify.
async fn decide(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    aid: Uuid,
    input: &FormData,
    decision: Decision<'_>,
) -> AppResult<String> {
    let (org, _) = load(state, user, id).await?;
    let mut tx = state.pool.begin().await?;
    let app = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    let actor = Actor::from(user);
    let ctx = Ctx { org, actor: &actor };
    let by = By { user_id: user.user_id, roles: user.roles() };
    let version: i32 = input.get("version").parse().unwrap_or(-1);
    let name = confirmation::decide(&mut tx, &ctx, &app, aid, version, &by, decision).await?;
    tx.commit().await?;
    Ok(name)
}
