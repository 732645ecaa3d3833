//! The user's own account: details, roles per organisation, password change, choice of organisation.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::session::{self, CurrentUser, OrgRef};
use super::setup::check_new_password;
use super::{password, users};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{render, render_status};

#[derive(Template)]
#[template(path = "auth/account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub name: String,
    pub email: String,
    pub organisations: Vec<OrgRef>,
    pub errors: FormErrors,
    pub mfa_enabled: bool,
}

async fn page(state: &AppState, user: &CurrentUser, errors: FormErrors) -> AppResult<AccountPage> {
    let mfa_enabled = super::totp::state(&state.pool, user.user_id).await?.secret.is_some();
    Ok(AccountPage {
        mfa_enabled,
        layout: Layout::for_user(user, "Mijn account", "/account").with_errors(!errors.is_empty()),
        name: user.name.clone(),
        email: user.email.clone(),
        organisations: user.organisations.clone(),
        errors,
    })
}

#[tracing::instrument(skip_all)]
pub async fn show(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    render(&page(&state, &user, FormErrors::new()).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    password: String,
    password_repeat: String,
}

#[tracing::instrument(skip_all)]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    who: crate::web::throttle::Requester,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    // Checked like a login: failures count toward the lockout and the address's limit.
    super::reauth::reauthenticate(&state, &user, &who, ("current_password", &form.current_password), None, &mut errors)
        .await?;
    check_new_password(&mut errors, &form.password, &form.password_repeat, &[&user.email, &user.name]);
    if !errors.is_empty() {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &user, errors).await?);
    }
    let hash = password::hash(&form.password).await?;
    let mut tx = state.pool.begin().await?;
    users::set_password(&mut tx, user.user_id, &hash).await?;
    // Someone who knew the old password may still be logged in elsewhere, or have made an API token: end
    // those sessions and stop those tokens (ASVS 7.4.3).
    let tokens = super::reauth::end_other_access(&mut tx, &user).await?;
    tx.commit().await?;
    tracing::info!(event = "password_changed", user_id = %user.user_id, tokens_revoked = tokens, "password changed");
    let message = if tokens > 0 {
        "Uw wachtwoord is gewijzigd. U bent op andere apparaten uitgelogd en uw API-tokens zijn ingetrokken."
    } else {
        "Uw wachtwoord is gewijzigd. U bent op andere apparaten uitgelogd."
    };
    session::flash_redirect(&state.pool, &user, message, "/account").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SwitchForm {
    /// Kept as text so a malformed value gets the same Dutch answer as a foreign organisation.
    organisation_id: String,
}

#[tracing::instrument(skip_all)]
pub async fn switch_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<SwitchForm>,
) -> AppResult<Response> {
    let wanted = Uuid::parse_str(form.organisation_id.trim()).ok();
    let Some(org) = user.organisations.iter().find(|o| Some(o.id) == wanted) else {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, organisation_id = ?form.organisation_id, action = "switch_organisation", "not a member");
        return Err(AppError::Forbidden);
    };
    session::set_organisation(&state.pool, &user, org.id).await?;
    session::flash_redirect(&state.pool, &user, &format!("U werkt nu in {}.", org.name), "/").await
}
