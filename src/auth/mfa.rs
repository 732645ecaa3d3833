//! Two-factor login in the web: the code step of the login, setting it up under Mijn account (QR code, the
//! secret as text, a code to confirm, recovery codes shown once), new recovery codes, linking another phone,
//! switching it off. An organisation can require it for beheerders and CISOs (BIO2 5.17.01); they are then
//! sent here first. Every change needs the password and, once it is on, a current code (ASVS 7.5.1); failed
//! checks count toward the account's lockout and the address's limit, like failed logins.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::reauth::{LOCKED, enabled, end_other_access, reauthenticate};
use super::session::{self, CurrentUser, PendingLogin};
use super::totp::{self, Verified};
use super::users;
use crate::AppState;
use crate::error::AppResult;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::signin;
use crate::web::throttle::Requester;
use crate::web::{render, render_status, safe_next};

pub const SETUP_PATH: &str = crate::web::paths::MFA_SETUP;

const CODE_FAILED: &str = "Deze code klopt niet, is al gebruikt of is verlopen. Na 5 mislukte pogingen wordt het \
     account tijdelijk geblokkeerd.";

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

#[tracing::instrument(skip_all)]
pub async fn code_submit(
    State(state): State<AppState>,
    pending: PendingLogin,
    who: Requester,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let attempt = match state.throttle.begin(&state.pool, &who, Some(pending.user_id)).await? {
        Ok(attempt) => attempt,
        Err(wait) => return Ok(super::login::too_many_attempts(who.ip, wait)),
    };
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
    // The password is proven at this point, so saying that the account is locked reveals nothing; a CISO
    // typing the right code deserves to know why it is refused.
    if users::is_locked(&state.pool, pending.user_id).await? {
        tracing::warn!(event = "login_failed", reason = "locked", email = ?pending.email, "second factor while locked");
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(FormErrors::new(), Some(LOCKED)));
    }
    let Some(how) = totp::verify(&state.pool, pending.user_id, form.code.trim()).await? else {
        state.throttle.failed(&state.pool, &attempt).await?;
        let locked_now = users::record_failed_login(&state.pool, pending.user_id).await?;
        tracing::warn!(event = "login_failed", reason = "second_factor", email = ?pending.email, "second factor refused");
        if locked_now {
            tracing::warn!(event = "account_locked", email = ?pending.email, "account locked after 5 failed codes");
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(FormErrors::new(), Some(LOCKED)));
        }
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(FormErrors::new(), Some(CODE_FAILED)));
    };
    let flash = if how == Verified::RecoveryCode {
        let left = totp::state(&state.pool, pending.user_id).await?.recovery_left;
        tracing::warn!(event = "mfa_recovery_code_used", user_id = %pending.user_id, left, "logged in with a recovery code");
        let advice = if left <= 2 {
            "Maak nu nieuwe herstelcodes aan: Mijn account → Tweestapsverificatie."
        } else {
            "Telefoon kwijt? Koppel een andere telefoon via Mijn account → Tweestapsverificatie."
        };
        Some(format!("U bent ingelogd met een herstelcode; er zijn er nog {left} over. {advice}"))
    } else {
        None
    };
    let (resp, token) =
        signin::finish_with_token(&state, &who.device, pending.user_id, None, &next, flash.as_deref()).await?;
    signin::carry_provider_link(&state, &pending.session_hash, &token).await?;
    session::destroy(&state.pool, &pending.session_hash).await?;
    Ok(resp)
}

#[derive(Template)]
#[template(path = "auth/mfa_setup.html")]
pub struct SetupPage {
    pub layout: Layout,
    pub enabled_on: Option<String>,
    pub recovery_left: i64,
    pub required: bool,
    /// Set-up, or another phone being linked: the QR code (SVG of our own making), the secret as text, and
    /// the same as an `otpauth://` link for setting up on the phone itself.
    pub qr_svg: String,
    pub secret: String,
    pub otpauth: String,
    /// Another phone is being linked (the current one still works).
    pub relinking: bool,
    pub errors: FormErrors,
}

async fn setup_page(state: &AppState, user: &CurrentUser, errors: FormErrors) -> AppResult<SetupPage> {
    let st = totp::state(&state.pool, user.user_id).await?;
    let required = totp::required_for(&state.pool, user.user_id).await?;
    let shown = if st.secret.is_none() {
        Some(totp::pending_secret(&state.pool, user.user_id).await?)
    } else {
        totp::relink_secret(&state.pool, user.user_id).await?
    };
    let relinking = st.secret.is_some() && shown.is_some();
    let (qr_svg, secret, otpauth) = match shown {
        Some(secret) => {
            let issuer = match &user.organisation {
                Some(o) => format!("AI-register {}", o.name),
                None => "AI-register".to_string(),
            };
            let uri = totp::otpauth_uri(&issuer, &user.email, &secret);
            (totp::qr_svg(&uri), totp::secret_text(&secret), uri)
        }
        None => (String::new(), String::new(), String::new()),
    };
    Ok(SetupPage {
        layout: Layout::for_user(user, "Tweestapsverificatie", "/account").with_errors(!errors.is_empty()),
        enabled_on: st.enabled_at.map(crate::web::format_datetime),
        recovery_left: st.recovery_left,
        required,
        qr_svg,
        secret,
        otpauth,
        relinking,
        errors,
    })
}

async fn again(state: &AppState, user: &CurrentUser, errors: FormErrors) -> AppResult<Response> {
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &setup_page(state, user, errors).await?)
}

/// The password and a current code for a change on this page: Ok when both are right, else the page again
/// with the errors under the form's own fields.
async fn confirmed(
    state: &AppState,
    user: &CurrentUser,
    who: &Requester,
    password: (&'static str, &str),
    code: (&'static str, &str),
) -> AppResult<Result<(), Response>> {
    let mut errors = FormErrors::new();
    reauthenticate(state, user, who, password, Some(code), &mut errors).await?;
    if errors.is_empty() { Ok(Ok(())) } else { Ok(Err(again(state, user, errors).await?)) }
}

#[tracing::instrument(skip_all)]
pub async fn setup(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    render(&setup_page(&state, &user, FormErrors::new()).await?)
}

#[derive(Template)]
#[template(path = "auth/mfa_codes.html")]
pub struct CodesPage {
    pub layout: Layout,
    pub codes: Vec<String>,
    pub first_time: bool,
    pub tokens_revoked: u64,
}

/// The forms of the set-up page: each has its own field names, so an error shows under its own form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MfaForm {
    password: String,
    code: String,
    rc_password: String,
    rc_code: String,
    off_password: String,
    off_code: String,
    new_password: String,
    new_code: String,
    relink_code: String,
}

#[tracing::instrument(skip_all)]
pub async fn enable(
    State(state): State<AppState>,
    user: CurrentUser,
    who: Requester,
    Form(form): Form<MfaForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    let code = totp::parse_code(&form.code);
    if code.is_none() {
        errors.add("code", "Vul de code van zes cijfers in die uw authenticator-app nu toont.");
    }
    reauthenticate(&state, &user, &who, ("password", &form.password), None, &mut errors).await?;
    let (true, Some(code)) = (errors.is_empty(), code) else {
        return again(&state, &user, errors).await;
    };
    let mut tx = state.pool.begin().await?;
    let Some(codes) = totp::enable(&mut tx, user.user_id, code).await? else {
        drop(tx);
        errors.add(
            "code",
            "Deze code klopt niet, of de QR-code is ouder dan 30 minuten. Controleer of de klok van uw telefoon goed \
             staat en vul de code in die nu wordt getoond; scan bij twijfel de QR-code opnieuw.",
        );
        return again(&state, &user, errors).await;
    };
    let tokens_revoked = end_other_access(&mut tx, &user).await?;
    tx.commit().await?;
    tracing::info!(event = "mfa_enabled", user_id = %user.user_id, origin = %user.origin, tokens_revoked, "two-factor login switched on");
    render(&CodesPage {
        layout: Layout::for_user(&user, "Herstelcodes", "/account"),
        codes,
        first_time: true,
        tokens_revoked,
    })
}

#[tracing::instrument(skip_all)]
pub async fn new_recovery_codes(
    State(state): State<AppState>,
    user: CurrentUser,
    who: Requester,
    Form(form): Form<MfaForm>,
) -> AppResult<Response> {
    if !enabled(&state, user.user_id).await? {
        return setup(State(state), user).await;
    }
    if let Err(page) =
        confirmed(&state, &user, &who, ("rc_password", &form.rc_password), ("rc_code", &form.rc_code)).await?
    {
        return Ok(page);
    }
    let mut tx = state.pool.begin().await?;
    let codes = totp::replace_recovery_codes(&mut tx, user.user_id).await?;
    tx.commit().await?;
    tracing::info!(event = "mfa_recovery_codes_replaced", user_id = %user.user_id, "new recovery codes");
    render(&CodesPage {
        layout: Layout::for_user(&user, "Herstelcodes", "/account"),
        codes,
        first_time: false,
        tokens_revoked: 0,
    })
}

#[tracing::instrument(skip_all)]
pub async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    who: Requester,
    Form(form): Form<MfaForm>,
) -> AppResult<Response> {
    if totp::required_for(&state.pool, user.user_id).await? {
        let mut errors = FormErrors::new();
        errors.add("off_password", "Uw organisatie vereist tweestapsverificatie voor uw rol; uitschakelen kan niet.");
        return again(&state, &user, errors).await;
    }
    if let Err(page) =
        confirmed(&state, &user, &who, ("off_password", &form.off_password), ("off_code", &form.off_code)).await?
    {
        return Ok(page);
    }
    let mut tx = state.pool.begin().await?;
    totp::disable(&mut tx, user.user_id).await?;
    let tokens_revoked = end_other_access(&mut tx, &user).await?;
    tx.commit().await?;
    tracing::warn!(event = "mfa_disabled", user_id = %user.user_id, origin = %user.origin, tokens_revoked, "two-factor login switched off");
    session::flash_redirect(
        &state.pool,
        &user,
        "Tweestapsverificatie is uitgeschakeld. U bent op andere apparaten uitgelogd en uw API-tokens zijn ingetrokken.",
        SETUP_PATH,
    )
    .await
}

/// Another phone, step 1: with the password and a code from the current phone (or a recovery code), a new
/// secret is shown; the current phone keeps working until the new one has given a code (step 2).
#[tracing::instrument(skip_all)]
pub async fn relink(
    State(state): State<AppState>,
    user: CurrentUser,
    who: Requester,
    Form(form): Form<MfaForm>,
) -> AppResult<Response> {
    if !enabled(&state, user.user_id).await? {
        return setup(State(state), user).await;
    }
    if let Err(page) =
        confirmed(&state, &user, &who, ("new_password", &form.new_password), ("new_code", &form.new_code)).await?
    {
        return Ok(page);
    }
    totp::start_relink(&state.pool, user.user_id).await?;
    session::flash_redirect(
        &state.pool,
        &user,
        "Scan nu de QR-code met uw nieuwe telefoon en vul de code in die die telefoon toont. Tot dan werkt uw oude telefoon nog.",
        SETUP_PATH,
    )
    .await
}

/// Another phone, step 2: a code from the new phone makes its secret the one that counts. Recovery codes stay.
#[tracing::instrument(skip_all)]
pub async fn relink_confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<MfaForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    let Some(code) = totp::parse_code(&form.relink_code) else {
        errors.add("relink_code", "Vul de code van zes cijfers in die uw nieuwe telefoon nu toont.");
        return again(&state, &user, errors).await;
    };
    let mut tx = state.pool.begin().await?;
    if !totp::replace_secret(&mut tx, user.user_id, code).await? {
        drop(tx);
        errors.add(
            "relink_code",
            "Deze code klopt niet, of de QR-code is ouder dan 30 minuten. Controleer of de klok van de nieuwe telefoon \
             goed staat; begin zo nodig opnieuw met Andere telefoon koppelen.",
        );
        return again(&state, &user, errors).await;
    }
    tx.commit().await?;
    tracing::warn!(event = "mfa_relinked", user_id = %user.user_id, origin = %user.origin, "two-factor login moved to another phone");
    session::flash_redirect(
        &state.pool,
        &user,
        "Uw nieuwe telefoon is gekoppeld. Codes van de oude telefoon werken niet meer; uw herstelcodes blijven geldig.",
        SETUP_PATH,
    )
    .await
}

/// Stop linking another phone; the current one stays.
#[tracing::instrument(skip_all)]
pub async fn relink_cancel(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    totp::cancel_relink(&state.pool, user.user_id).await?;
    session::flash_redirect(&state.pool, &user, "Het koppelen van een andere telefoon is gestopt.", SETUP_PATH).await
}
