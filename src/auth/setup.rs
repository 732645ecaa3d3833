//! First run (the one-time setup link printed by `serve` while no administrator exists) and activation of
//! accounts that an administrator created (the new user chooses their own password).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::login::{ask_second_factor, finish_login};
use super::roles::Role;
use super::session::{CurrentUser, MaybeUser, PendingLogin};
use super::{password, session, users};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::organisations::{self, OrgInput, OrgWriteError};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::throttle::Requester;
use crate::web::{render, render_status};

#[derive(Template)]
#[template(path = "auth/setup.html")]
pub struct SetupPage {
    pub layout: Layout,
    pub form: SetupForm,
    pub errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SetupForm {
    #[serde(flatten)]
    pub org: OrgInput,
    pub email: String,
    pub name: String,
    pub password: String,
    pub password_repeat: String,
}

fn link_used() -> AppError {
    AppError::Conflict(
        "Deze inrichtingslink is al gebruikt of niet meer geldig. Log in met het beheerdersaccount, of start AI-register \
         opnieuw zolang er nog geen beheerder is: dan verschijnt een nieuwe link."
            .into(),
    )
}

#[tracing::instrument(skip_all)]
pub async fn setup_form(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    if users::administrator_exists(&state.pool).await? || !users::setup_token_valid(&state.pool, &token).await? {
        return Err(link_used());
    }
    render(&SetupPage {
        layout: Layout::bare("AI-register inrichten"),
        form: SetupForm::default(),
        errors: FormErrors::new(),
    })
}

/// Validate a new password and its repetition, adding errors to the form.
pub fn check_new_password(errors: &mut FormErrors, password: &str, repeat: &str, context: &[&str]) {
    if let Err(msg) = password::check_policy(password, context) {
        errors.add("password", msg);
    } else if password != repeat {
        errors.add("password_repeat", "De twee wachtwoorden zijn niet gelijk.");
    }
}

#[tracing::instrument(skip_all)]
pub async fn setup(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<SetupForm>,
) -> AppResult<Response> {
    if users::administrator_exists(&state.pool).await? || !users::setup_token_valid(&state.pool, &token).await? {
        return Err(link_used());
    }
    let mut errors = FormErrors::new();
    let org = form.org.validate(&mut errors);
    let email = errors.email("email", "uw e-mailadres", &form.email);
    let name = errors.required("name", "uw naam", &form.name, 200);
    check_new_password(&mut errors, &form.password, &form.password_repeat, &[&email, &name]);
    let again = |errors: FormErrors| {
        let mut form = form.clone();
        form.password.clear();
        form.password_repeat.clear();
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage { layout: Layout::bare("AI-register inrichten").with_errors(true), form, errors },
        )
    };
    if !errors.is_empty() {
        return again(errors);
    }
    let hash = password::hash(&form.password).await?;
    let mut tx = state.pool.begin().await?;
    if !users::consume_setup_token(&mut tx, &token).await? {
        return Err(link_used());
    }
    let org_id = match organisations::find_by_code(&mut tx, &org.code).await? {
        Some(existing) => existing,
        None => match organisations::create(&mut tx, &org).await {
            Ok(id) => id,
            Err(OrgWriteError::CodeTaken) => {
                // Created by someone else between the lookup and the insert.
                drop(tx);
                let mut errors = FormErrors::new();
                organisations::code_taken(&mut errors);
                return again(errors);
            }
            Err(e) => return Err(anyhow::Error::from(e).into()),
        },
    };
    let user_id = match users::create_user(&mut tx, &email, &name, Some(&hash)).await {
        Ok(id) => id,
        Err(users::CreateUserError::EmailTaken) => {
            drop(tx);
            let mut errors = FormErrors::new();
            errors.add("email", "Er bestaat al een account met dit e-mailadres.");
            return again(errors);
        }
        Err(users::CreateUserError::Db(e)) => return Err(e.into()),
    };
    users::set_roles(&mut tx, user_id, org_id, &[Role::Medewerker, Role::Beheerder]).await?;
    tx.commit().await?;
    tracing::info!(event = "setup_completed", user_id = %user_id, organisation_id = %org_id, "first administrator created");
    let flash = "AI-register is ingericht. U bent ingelogd als beheerder.";
    let token = session::create(&state.pool, user_id, Some(org_id), Some(flash)).await?;
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().insert(header::SET_COOKIE, session::session_cookie(&state.config, &token));
    Ok(resp)
}

#[derive(Template)]
#[template(path = "auth/activate.html")]
pub struct ActivatePage {
    pub layout: Layout,
    pub name: String,
    pub email: String,
    pub errors: FormErrors,
}

fn activation_invalid() -> AppError {
    AppError::Conflict(
        "Deze activeringslink is al gebruikt of verlopen (een link is 7 dagen geldig). Vraag de beheerder om een nieuwe link."
            .into(),
    )
}

/// The activation page; opened in a browser where someone is signed in (a colleague's PC), its form carries
/// that session's CSRF token, or the session check would refuse it.
fn activate_layout(current: Option<&CurrentUser>) -> Layout {
    let mut layout = Layout::bare("Account activeren");
    layout.csrf_token = current.map(|u| u.csrf_token.clone()).unwrap_or_default();
    layout
}

/// An organisation that lets its people in only through its provider has no use for their passwords.
async fn local_login_off(state: &AppState, user_id: uuid::Uuid) -> AppResult<Option<Response>> {
    let Some(label) = crate::sso::rules::password_refused(&state.pool, user_id).await? else { return Ok(None) };
    tracing::warn!(event = "activation_refused_local", user_id = %user_id, "password login switched off for the organisation");
    Ok(Some(crate::web::error_page::error_page_back(
        StatusCode::FORBIDDEN,
        "Activeren is niet nodig",
        format!("U heeft geen wachtwoord voor AI-register nodig. {}", crate::sso::rules::use_provider(&label)),
        Some("/inloggen".into()),
    )))
}

#[tracing::instrument(skip_all)]
pub async fn activate_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    MaybeUser(current): MaybeUser,
) -> AppResult<Response> {
    let target = users::activation_target(&state.pool, &token).await?.ok_or_else(activation_invalid)?;
    if let Some(refused) = local_login_off(&state, target.user_id).await? {
        return Ok(refused);
    }
    render(&ActivatePage {
        layout: activate_layout(current.as_ref()),
        name: target.name,
        email: target.email,
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActivateForm {
    password: String,
    password_repeat: String,
}

#[tracing::instrument(skip_all)]
pub async fn activate(
    State(state): State<AppState>,
    Path(token): Path<String>,
    MaybeUser(current): MaybeUser,
    who: Requester,
    pending: Option<axum::Extension<PendingLogin>>,
    Form(form): Form<ActivateForm>,
) -> AppResult<Response> {
    let target = users::activation_target(&state.pool, &token).await?.ok_or_else(activation_invalid)?;
    if let Some(refused) = local_login_off(&state, target.user_id).await? {
        return Ok(refused);
    }
    let mut errors = FormErrors::new();
    check_new_password(&mut errors, &form.password, &form.password_repeat, &[&target.email, &target.name]);
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ActivatePage {
                layout: activate_layout(current.as_ref()).with_errors(true),
                name: target.name,
                email: target.email,
                errors,
            },
        );
    }
    let hash = password::hash(&form.password).await?;
    let mut tx = state.pool.begin().await?;
    let user_id = users::consume_activation_token(&mut tx, &token).await?.ok_or_else(activation_invalid)?;
    users::set_password(&mut tx, user_id, &hash).await?;
    tx.commit().await?;
    tracing::info!(event = "account_activated", user_id = %user_id, "password chosen via activation link");
    // Signed in at once, as after a login with the new password (issue 18: no typing the address again): a new
    // session replaces whatever this browser had (session fixation), an account with two-factor login still
    // gives its code, and a role that needs two-factor login is sent to set it up by the session check.
    if let Some(old) = current {
        session::destroy(&state.pool, old.session_hash()).await?;
    }
    if let Some(axum::Extension(p)) = pending {
        session::destroy(&state.pool, &p.session_hash).await?;
    }
    if users::find_for_login(&state.pool, &target.email).await?.is_some_and(|a| a.totp) {
        return ask_second_factor(&state, user_id, "/").await;
    }
    finish_login(&state, &who.device, user_id, "/", Some("Uw wachtwoord is ingesteld. U bent ingelogd.")).await
}
