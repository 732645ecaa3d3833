//! Two-factor login in the web: the code step of the login, setting it up under Mijn account (QR code, the
//! secret as text, a code to confirm, recovery codes shown once), switching it off and new recovery codes.
//! An organisation can require it for beheerders and CISOs (BIO2 5.17.01); they are then sent here first.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::session::{self, CurrentUser, PendingLogin};
use super::totp::{self, Verified};
use super::{password, users};
use crate::AppState;
use crate::error::AppResult;
use crate::web::client::ClientIp;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{render, render_status, safe_next};

pub const SETUP_PATH: &str = "/account/tweestapsverificatie";

const CODE_FAILED: &str = "Deze code klopt niet, is al gebruikt of is verlopen. Na 5 mislukte pogingen wordt het \
     account 15 minuten geblokkeerd.";

#[derive(Template)]
#[template(path = "auth/mfa_code.html")]
pub struct CodePage {
    pub layout: Layout,
    pub next: String,
    pub failure: Option<&'static str>,
    pub errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn code_form(_pending: PendingLogin, Query(q): Query<NextQuery>) -> AppResult<Response> {
    render(&CodePage {
        layout: Layout::bare("Inloggen: code"),
        next: safe_next(q.next.as_deref()),
        failure: None,
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
    next: String,
}

pub async fn code_submit(
    State(state): State<AppState>,
    pending: PendingLogin,
    ClientIp(ip): ClientIp,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    if let Err(wait) = state.login_limiter.check(ip) {
        return Ok(super::login::too_many_attempts(ip, wait));
    }
    let next = safe_next(Some(&form.next));
    let page = |errors: FormErrors, failure| CodePage {
        layout: Layout::bare("Inloggen: code").with_errors(true),
        next: next.clone(),
        failure,
        errors,
    };
    if form.code.trim().is_empty() {
        let mut errors = FormErrors::new();
        errors.add("code", "Vul de code uit uw authenticator-app in, of een herstelcode.");
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(errors, None));
    }
    let verified = if users::is_locked(&state.pool, pending.user_id).await? {
        None
    } else {
        totp::verify(&state.pool, pending.user_id, form.code.trim()).await?
    };
    let Some(how) = verified else {
        let locked_now = users::record_failed_login(&state.pool, pending.user_id).await?;
        tracing::warn!(event = "login_failed", reason = "second_factor", email = ?pending.email, "second factor refused");
        if locked_now {
            tracing::warn!(event = "account_locked", email = ?pending.email, minutes = 15, "account locked after 5 failed codes");
        }
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(FormErrors::new(), Some(CODE_FAILED)));
    };
    session::destroy(&state.pool, &pending.session_hash).await?;
    let flash = if how == Verified::RecoveryCode {
        let left = totp::state(&state.pool, pending.user_id).await?.recovery_left;
        tracing::warn!(event = "mfa_recovery_code_used", user_id = %pending.user_id, left, "logged in with a recovery code");
        Some(format!(
            "U bent ingelogd met een herstelcode; er zijn er nog {left} over. Maak nieuwe herstelcodes aan via Mijn \
             account als u uw authenticator-app kwijt bent."
        ))
    } else {
        None
    };
    super::login::finish_login(&state, pending.user_id, &next, flash.as_deref()).await
}

#[derive(Template)]
#[template(path = "auth/mfa_setup.html")]
pub struct SetupPage {
    pub layout: Layout,
    pub enabled_on: Option<String>,
    pub recovery_left: i64,
    pub required: bool,
    /// Set-up: the QR code (SVG of our own making), the secret as text.
    pub qr_svg: String,
    pub secret: String,
    pub errors: FormErrors,
}

async fn setup_page(state: &AppState, user: &CurrentUser, errors: FormErrors) -> AppResult<SetupPage> {
    let st = totp::state(&state.pool, user.user_id).await?;
    let required = totp::required_for(&state.pool, user.user_id).await?;
    let (qr_svg, secret) = if st.secret.is_none() {
        let secret = totp::pending_secret(&state.pool, user.user_id).await?;
        let issuer = match &user.organisation {
            Some(o) => format!("AI-register {}", o.name),
            None => "AI-register".to_string(),
        };
        (totp::qr_svg(&totp::otpauth_uri(&issuer, &user.email, &secret)), totp::secret_text(&secret))
    } else {
        (String::new(), String::new())
    };
    Ok(SetupPage {
        layout: Layout::for_user(user, "Tweestapsverificatie", "/account").with_errors(!errors.is_empty()),
        enabled_on: st.enabled_at.map(crate::web::format_datetime),
        recovery_left: st.recovery_left,
        required,
        qr_svg,
        secret,
        errors,
    })
}

pub async fn setup(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    render(&setup_page(&state, &user, FormErrors::new()).await?)
}

#[derive(Template)]
#[template(path = "auth/mfa_codes.html")]
pub struct CodesPage {
    pub layout: Layout,
    pub codes: Vec<String>,
    pub first_time: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    password: String,
    code: String,
}

/// Re-authentication before a change to the second factor (ASVS 7.5.1).
async fn check_password(state: &AppState, user: &CurrentUser, typed: &str, errors: &mut FormErrors) -> AppResult<()> {
    let stored: Option<String> = sqlx::query_scalar("select password_hash from app_user where user_id = $1")
        .bind(user.user_id)
        .fetch_one(&state.pool)
        .await?;
    if typed.is_empty() {
        errors.add("password", "Vul uw wachtwoord in.");
    } else if typed.chars().count() > password::MAX_CHARS || !password::verify(typed, stored.as_deref()).await? {
        errors.add("password", "Uw wachtwoord klopt niet.");
    }
    Ok(())
}

pub async fn enable(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    check_password(&state, &user, &form.password, &mut errors).await?;
    let code = totp::parse_code(&form.code);
    if code.is_none() {
        errors.add("code", "Vul de code van zes cijfers in die uw authenticator-app nu toont.");
    }
    let (true, Some(code)) = (errors.is_empty(), code) else {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &setup_page(&state, &user, errors).await?);
    };
    let mut tx = state.pool.begin().await?;
    let Some(codes) = totp::enable(&mut tx, user.user_id, code).await? else {
        drop(tx);
        errors.add(
            "code",
            "Deze code klopt niet. Controleer of de klok van uw telefoon goed staat en vul de code in die nu wordt getoond.",
        );
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &setup_page(&state, &user, errors).await?);
    };
    // Someone who knew only the password and is logged in elsewhere is logged out.
    users::end_sessions(&mut tx, user.user_id, Some(user.session_hash())).await?;
    tx.commit().await?;
    tracing::info!(event = "mfa_enabled", user_id = %user.user_id, origin = %user.origin, "two-factor login switched on");
    render(&CodesPage { layout: Layout::for_user(&user, "Herstelcodes", "/account"), codes, first_time: true })
}

pub async fn new_recovery_codes(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    check_password(&state, &user, &form.password, &mut errors).await?;
    let enabled = totp::state(&state.pool, user.user_id).await?.secret.is_some();
    if !errors.is_empty() || !enabled {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &setup_page(&state, &user, errors).await?);
    }
    let mut tx = state.pool.begin().await?;
    let codes = totp::replace_recovery_codes(&mut tx, user.user_id).await?;
    tx.commit().await?;
    tracing::info!(event = "mfa_recovery_codes_replaced", user_id = %user.user_id, "new recovery codes");
    render(&CodesPage { layout: Layout::for_user(&user, "Herstelcodes", "/account"), codes, first_time: false })
}

pub async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    if totp::required_for(&state.pool, user.user_id).await? {
        errors.add("password", "Uw organisatie vereist tweestapsverificatie voor uw rol; uitschakelen kan niet.");
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &setup_page(&state, &user, errors).await?);
    }
    check_password(&state, &user, &form.password, &mut errors).await?;
    if errors.is_empty() && totp::verify(&state.pool, user.user_id, form.code.trim()).await?.is_none() {
        errors
            .add("code", "Deze code klopt niet. Vul de code in die uw authenticator-app nu toont, of een herstelcode.");
    }
    if !errors.is_empty() {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &setup_page(&state, &user, errors).await?);
    }
    let mut tx = state.pool.begin().await?;
    totp::disable(&mut tx, user.user_id).await?;
    tx.commit().await?;
    tracing::info!(event = "mfa_disabled", user_id = %user.user_id, origin = %user.origin, "two-factor login switched off");
    session::flash_redirect(&state.pool, &user, "Tweestapsverificatie is uitgeschakeld.", SETUP_PATH).await
}
