//! The end of every login, with a password or through the organisation's identity provider: a new full
//! session (always a new id, against session fixation), its cookie, the device cookie that lets this browser
//! past other people's failures next time, and the page the user wanted. Or, when the second factor is still
//! needed, a pending session that reaches only the code page.

use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::session;
use super::state::AppState;
use super::throttle::{self, DeviceCookie};
use crate::error::AppResult;

/// A full session for `user_id`, in `organisation` (or the first of the user's organisations).
pub async fn finish(
    state: &AppState,
    device: &DeviceCookie,
    user_id: Uuid,
    organisation: Option<Uuid>,
    next: &str,
    flash: Option<&str>,
) -> AppResult<Response> {
    sqlx::query!(
        "update app_user set failed_logins = 0, locked_until = null, lock_count = 0, last_login_at = now()
          where user_id = $1",
        user_id
    )
    .execute(&state.pool)
    .await?;
    let organisation = match organisation {
        Some(o) => Some(o),
        None => session::memberships(&state.pool, user_id).await?.first().map(|o| o.id),
    };
    let token = session::create(&state.pool, user_id, organisation, flash).await?;
    tracing::info!(event = "login", user_id = %user_id, "login succeeded");
    let device = throttle::remember_device(&state.pool, &state.config, device, user_id).await?;
    let mut resp = Redirect::to(next).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, session::session_cookie(&state.config, &token));
    resp.headers_mut().append(header::SET_COOKIE, device);
    Ok(resp)
}

/// The first factor is done; the session becomes a full one only after the code.
pub async fn ask_second_factor(state: &AppState, user_id: Uuid, next: &str) -> AppResult<Response> {
    let token = session::create_pending(&state.pool, user_id).await?;
    tracing::info!(event = "login_password_ok", user_id = %user_id, "first factor accepted; second factor asked");
    let mut resp = Redirect::to(&format!("/inloggen/code?next={}", super::url_encode(next))).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, session::session_cookie(&state.config, &token));
    Ok(resp)
}
