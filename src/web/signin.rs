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
    Ok(finish_with_token(state, device, user_id, organisation, next, flash).await?.0)
}

/// As [`finish`], also giving the new session's token (a login through a provider links the session to it).
pub async fn finish_with_token(
    state: &AppState,
    device: &DeviceCookie,
    user_id: Uuid,
    organisation: Option<Uuid>,
    next: &str,
    flash: Option<&str>,
) -> AppResult<(Response, String)> {
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
    Ok((resp, token))
}

/// The first factor is done; the session becomes a full one only after the code.
pub async fn ask_second_factor(state: &AppState, user_id: Uuid, next: &str) -> AppResult<Response> {
    Ok(ask_second_factor_with_token(state, user_id, next).await?.0)
}

/// As [`ask_second_factor`], also giving the pending session's token.
pub async fn ask_second_factor_with_token(
    state: &AppState,
    user_id: Uuid,
    next: &str,
) -> AppResult<(Response, String)> {
    let token = session::create_pending(&state.pool, user_id).await?;
    tracing::info!(event = "login_password_ok", user_id = %user_id, "first factor accepted; second factor asked");
    let mut resp = Redirect::to(&format!("/inloggen/code?next={}", super::url_encode(next))).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, session::session_cookie(&state.config, &token));
    Ok((resp, token))
}

/// The second factor is done: the full session that replaces a pending one keeps the pending one's link to
/// the provider's login (logout at the provider, back-channel logout).
pub async fn carry_provider_link(state: &AppState, pending_hash: &[u8], token: &str) -> AppResult<()> {
    sqlx::query!(
        "update sso_session set session_hash = $2 where session_hash = $1",
        pending_hash,
        crate::util::token_hash(token)
    )
    .execute(&state.pool)
    .await?;
    Ok(())
}
