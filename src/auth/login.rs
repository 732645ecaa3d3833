//! Login and logout. One generic message for every failed login (unknown e-mail, wrong password, locked
//! or deactivated account), so the form does not reveal which accounts exist.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::{self, CurrentUser, MaybeUser, PendingLogin};
use super::{password, users};
use crate::AppState;
use crate::error::AppResult;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::throttle::{DeviceCookie, Requester};
use crate::web::{render, render_status, safe_next};

/// Also said when the account is locked: a different answer for the right password during a lock would let
/// someone go on guessing through the lock.
pub const LOGIN_FAILED: &str = "Het e-mailadres of het wachtwoord klopt niet, of het account is tijdelijk \
     geblokkeerd na 5 mislukte pogingen (15 minuten, bij herhaling langer). Lukt het niet, vraag dan de beheerder \
     van AI-register in uw organisatie om hulp.";

#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub email: String,
    pub next: String,
    pub notice: Option<&'static str>,
    pub failure: Option<&'static str>,
    pub errors: FormErrors,
    /// "Inloggen met organisatie-account": the organisations with a provider switched on.
    pub sso: Vec<crate::sso::settings::LoginChoice>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: Option<String>,
    uitgelogd: Option<String>,
    geactiveerd: Option<String>,
}

pub async fn login_form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(q): Query<LoginQuery>,
) -> AppResult<Response> {
    if user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let notice = if q.uitgelogd.is_some() {
        Some("U bent uitgelogd.")
    } else if q.geactiveerd.is_some() {
        Some("Uw wachtwoord is ingesteld. U kunt nu inloggen.")
    } else {
        None
    };
    render(&LoginPage {
        layout: Layout::bare("Inloggen"),
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        notice,
        failure: None,
        errors: FormErrors::new(),
        sso: crate::sso::settings::login_choices(&state.pool).await?,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

/// The answer when one address tries to log in too often (besides the per-account lockout).
pub fn too_many_attempts(ip: std::net::IpAddr, wait: std::time::Duration) -> Response {
    tracing::warn!(event = "login_rate_limited", ip = %ip, retry_after = wait.as_secs(), "too many login attempts from one address");
    let mut resp = crate::web::error_page::error_page_back(
        StatusCode::TOO_MANY_REQUESTS,
        "Te veel inlogpogingen",
        format!(
            "Vanaf dit adres is te vaak geprobeerd in te loggen. Wacht {} seconden en probeer het dan opnieuw.",
            wait.as_secs()
        ),
        Some("/inloggen".into()),
    );
    if let Ok(v) = header::HeaderValue::from_str(&wait.as_secs().to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

#[tracing::instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    MaybeUser(current): MaybeUser,
    who: Requester,
    pending: Option<axum::Extension<PendingLogin>>,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(Some(&form.next));
    let (email, errors) = check_fields(&form);
    let sso = crate::sso::settings::login_choices(&state.pool).await?;
    let page = |errors: FormErrors, failure: Option<&'static str>| LoginPage {
        layout: Layout::bare("Inloggen").with_errors(true),
        email: form.email.clone(),
        next: next.clone(),
        notice: None,
        failure,
        errors,
        sso: sso.clone(),
    };
    if !errors.is_empty() {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(errors, None));
    }

    let account = users::find_for_login(&state.pool, &email).await?;
    // Known browsers of this account go ahead; unknown ones only while their address has attempts left. The
    // answer is the same whether or not the e-mail address exists.
    let attempt = match state.throttle.begin(&state.pool, &who, account.as_ref().map(|a| a.user_id)).await? {
        Ok(attempt) => attempt,
        Err(wait) => return Ok(too_many_attempts(who.ip, wait)),
    };
    let outcome = check_password(&state, account.as_ref(), &form.password).await?;
    if outcome != "ok" {
        state.throttle.failed(&state.pool, &attempt).await?;
        // The log says why; the user gets one message for all cases. The e-mail address is logged with
        // its newlines escaped (Debug formatting) so it cannot forge log lines.
        tracing::warn!(event = "login_failed", reason = outcome, email = ?email, "login failed");
        if outcome == "locked_now" {
            tracing::warn!(event = "account_locked", email = ?email, "account locked after 5 failed logins");
        }
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(FormErrors::new(), Some(LOGIN_FAILED)));
    }
    let Some(account) = account else { unreachable!("outcome ok implies an account") };
    // Checked after the password, so the answer does not tell whether an account exists.
    if let Some(label) = crate::sso::rules::password_refused(&state.pool, account.user_id).await? {
        tracing::warn!(event = "login_refused_local", user_id = %account.user_id, "password login switched off for the organisation");
        let mut errors = FormErrors::new();
        errors.add("password", crate::sso::rules::use_provider(&label));
        return render_status(StatusCode::FORBIDDEN, &page(errors, None));
    }
    if let Some(old) = current {
        session::destroy(&state.pool, old.session_hash()).await?;
    }
    if let Some(axum::Extension(p)) = pending {
        session::destroy(&state.pool, &p.session_hash).await?;
    }
    if account.totp {
        return ask_second_factor(&state, account.user_id, &next).await;
    }
    finish_login(&state, &who.device, account.user_id, &next, None).await
}

/// The e-mail address (trimmed, lower-cased) and the errors of fields left empty or too long.
fn check_fields(form: &LoginForm) -> (String, FormErrors) {
    let email = form.email.trim().to_lowercase();
    let mut errors = FormErrors::new();
    if email.is_empty() {
        errors.add("email", "Vul uw e-mailadres in.");
    } else {
        errors.optional("email", "uw e-mailadres", &email, 254);
    }
    if form.password.is_empty() {
        errors.add("password", "Vul uw wachtwoord in.");
    }
    (email, errors)
}

/// What the password says about the account: "ok", or why not ("locked", "inactive", "locked_now",
/// "wrong_password", "unknown_email"). Every path spends the time of one password check, so the answer's
/// timing does not tell whether the account exists.
async fn check_password(state: &AppState, account: Option<&users::LoginRow>, given: &str) -> AppResult<&'static str> {
    // Over-long input cannot be a valid password; still spend the same time.
    let candidate = if given.chars().count() > password::MAX_CHARS { "" } else { given };
    Ok(match account {
        Some(a) if a.locked => {
            password::verify(candidate, None).await?;
            "locked"
        }
        Some(a) => {
            if password::verify(candidate, a.password_hash.as_deref()).await? && !candidate.is_empty() {
                if a.active { "ok" } else { "inactive" }
            } else if users::record_failed_login(&state.pool, a.user_id).await? {
                "locked_now"
            } else {
                "wrong_password"
            }
        }
        None => {
            password::verify(candidate, None).await?;
            "unknown_email"
        }
    })
}

/// The password is right; the session becomes a full one only after the second factor.
pub(super) async fn ask_second_factor(state: &AppState, user_id: uuid::Uuid, next: &str) -> AppResult<Response> {
    crate::web::signin::ask_second_factor(state, user_id, next).await
}

/// The last step of a login (shared with "Inloggen met organisatie-account", see web/signin.rs).
pub async fn finish_login(
    state: &AppState,
    device: &DeviceCookie,
    user_id: uuid::Uuid,
    next: &str,
    flash: Option<&str>,
) -> AppResult<Response> {
    crate::web::signin::finish(state, device, user_id, None, next, flash).await
}

#[tracing::instrument(skip_all)]
pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: axum::http::HeaderMap,
) -> AppResult<Response> {
    // The application session ends first, whatever the provider does next.
    let at_provider = crate::sso::logout::provider_session(&state.pool, user.session_hash()).await?;
    session::destroy(&state.pool, user.session_hash()).await?;
    tracing::info!(event = "logout", user_id = %user.user_id, "logout");
    let mut resp = match at_provider {
        Some(s) => crate::sso::logout::after_logout(&state, &headers, s).await,
        None => Redirect::to("/inloggen?uitgelogd=1").into_response(),
    };
    resp.headers_mut().insert(header::SET_COOKIE, session::clear_cookie(&state.config));
    Ok(resp)
}
