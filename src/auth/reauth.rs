//! Re-authentication before a change to how someone logs in or a new API token (ASVS 7.5.1), and what such a
//! change ends. Used by the two-factor pages, the password change and the token page; not a page itself.

use sqlx::PgConnection;
use uuid::Uuid;

use super::session::CurrentUser;
use super::totp;
use super::{password, users};
use crate::AppState;
use crate::error::AppResult;
use crate::web::forms::FormErrors;
use crate::web::throttle::Requester;

/// Said when the account is locked (here and on the login's code page, where the password is already proven).
pub const LOCKED: &str = "Uw account is tijdelijk geblokkeerd na te veel mislukte pogingen. Probeer het later opnieuw, of \
     vraag de beheerder van AI-register om hulp.";

/// Re-authentication before a change to the second factor or a new API token (ASVS 7.5.1): the password, and
/// a current code (or a recovery code) when two-factor login is on. The code is verified only after the
/// password, so a wrong password does not use it up. Failures are charged to the address's login limit and
/// the account's lockout; the messages go to `password_field` and `code_field`.
pub async fn reauthenticate(
    state: &AppState,
    user: &CurrentUser,
    who: &Requester,
    password: (&'static str, &str),
    code: Option<(&'static str, &str)>,
    errors: &mut FormErrors,
) -> AppResult<()> {
    reauthenticate_with(state, user, who, Some(password), code, errors).await
}

/// As [`reauthenticate`], the password left out when something else proved it (a recent login at the
/// organisation's provider, for a new API token); with neither password nor code there is nothing to check.
pub async fn reauthenticate_with(
    state: &AppState,
    user: &CurrentUser,
    who: &Requester,
    password_check: Option<(&'static str, &str)>,
    code: Option<(&'static str, &str)>,
    errors: &mut FormErrors,
) -> AppResult<()> {
    // Without a password to check (a recent login at the provider), messages go to the code field.
    let (password_field, typed_password) = password_check.unwrap_or(("code", ""));
    if password_check.is_none() && code.is_none() {
        return Ok(());
    }
    let attempt = match state.throttle.begin(&state.pool, who, Some(user.user_id)).await? {
        Ok(attempt) => attempt,
        Err(wait) => {
            errors.add(
            password_field,
            format!(
                "Vanaf dit adres is te vaak een verkeerd wachtwoord of een verkeerde code ingevuld. Wacht {} seconden.",
                    wait.as_secs()
                ),
            );
            return Ok(());
        }
    };
    if users::is_locked(&state.pool, user.user_id).await? {
        errors.add(password_field, LOCKED);
        return Ok(());
    }
    let stored: Option<String> =
        sqlx::query_scalar!("select password_hash from app_user where user_id = $1", user.user_id)
            .fetch_one(&state.pool)
            .await?;
    let mut failed = false;
    if password_check.is_none() {
        // Proven at the provider; only the code below.
    } else if stored.is_none() {
        // An account that signs in only through its organisation has no password to type: the way through is
        // a fresh login at the provider (the ten minutes after it count as proof).
        errors.add(
            password_field,
            "U heeft geen wachtwoord in AI-register. Log uit en opnieuw in met uw organisatie-account; de tien \
             minuten daarna kunt u dit zonder wachtwoord doen.",
        );
    } else if typed_password.is_empty() {
        errors.add(password_field, "Vul uw wachtwoord in.");
    } else if typed_password.chars().count() > password::MAX_CHARS
        || !password::verify(typed_password, stored.as_deref()).await?
    {
        errors.add(password_field, "Uw wachtwoord klopt niet.");
        failed = true;
    }
    if let (false, Some((code_field, typed_code))) = (failed || errors.get(password_field).is_some(), code) {
        if typed_code.trim().is_empty() {
            errors.add(code_field, "Vul de code uit uw authenticator-app in, of een herstelcode.");
        } else if totp::verify(&state.pool, user.user_id, typed_code.trim()).await?.is_none() {
            errors.add(code_field, "Deze code klopt niet, is al gebruikt of is verlopen.");
            failed = true;
        }
    }
    if failed {
        state.throttle.failed(&state.pool, &attempt).await?;
        if users::record_failed_login(&state.pool, user.user_id).await? {
            tracing::warn!(event = "account_locked", user_id = %user.user_id, "account locked after 5 failed re-authentications");
        }
        tracing::warn!(event = "reauthentication_failed", user_id = %user.user_id, "password or code refused");
    }
    Ok(())
}

/// Whether the user has two-factor login on (then changes need a code as well as the password).
pub async fn enabled(state: &AppState, user_id: Uuid) -> AppResult<bool> {
    Ok(totp::state(&state.pool, user_id).await?.secret.is_some())
}

/// After a change to how someone logs in: the user's other sessions end and their API tokens stop, since
/// whoever used them might not pass the new check (ASVS 7.4.3). Returns how many tokens were revoked.
pub async fn end_other_access(conn: &mut PgConnection, user: &CurrentUser) -> sqlx::Result<u64> {
    users::end_sessions(conn, user.user_id, Some(user.session_hash())).await?;
    let done =
        sqlx::query!("update api_token set revoked_at = now() where user_id = $1 and revoked_at is null", user.user_id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected())
}
