//! Beheer → E-mail: whether e-mail is on, what waits, went out or failed (with the server's answer), "opnieuw
//! proberen", and a test message that shows the server's answer at once.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::outbox::{self, Listed};
use super::transport::Mailer;
use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::options::value_in;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{format_datetime, render_status};

pub const STATUSES: &[(&str, &str)] =
    &[("wachtrij", "In de wachtrij"), ("verzonden", "Verzonden"), ("mislukt", "Mislukt")];

pub struct Row {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub status: &'static str,
    pub status_value: String,
    pub attempts: i32,
    pub error: String,
    pub created: String,
    pub sent: String,
}

fn row(m: Listed) -> Row {
    Row {
        id: m.message_id,
        to: m.to_address,
        subject: m.subject,
        status: STATUSES.iter().find(|(v, _)| *v == m.status).map(|(_, l)| *l).unwrap_or("Onbekend"),
        status_value: m.status,
        attempts: m.attempts,
        error: m.last_error.unwrap_or_default(),
        created: format_datetime(m.created_at),
        sent: m.sent_at.map(format_datetime).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "mail/admin.html")]
pub struct MailPage {
    pub layout: Layout,
    /// The server and sender when e-mail is on (never the password).
    pub server: Option<(String, String)>,
    pub waiting: i64,
    pub sent: i64,
    pub failed: i64,
    pub filter: String,
    pub statuses: &'static [(&'static str, &'static str)],
    pub rows: Vec<Row>,
    pub test_to: String,
    pub errors: FormErrors,
    /// The server's answer to a test message that did not go out.
    pub test_failed: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Filter {
    status: String,
}

#[derive(Deserialize)]
pub struct TestForm {
    #[serde(default)]
    aan: String,
}

async fn page_response(
    state: &AppState,
    user: &CurrentUser,
    code: StatusCode,
    filter: &str,
    test_to: String,
    errors: FormErrors,
    test_failed: Option<String>,
) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "mail_admin")?;
    let filter = value_in(STATUSES, filter);
    let (waiting, sent, failed) = outbox::counts(&state.pool, org).await?;
    let rows = outbox::list(&state.pool, org, filter, 200).await?.into_iter().map(row).collect();
    let page = MailPage {
        layout: Layout::for_user(user, "E-mail", "/beheer/e-mail")
            .with_errors(!errors.is_empty() || test_failed.is_some()),
        server: state.config.mail.as_ref().map(|m| (m.server(), m.from.clone())),
        waiting,
        sent,
        failed,
        filter: filter.unwrap_or("").to_string(),
        statuses: STATUSES,
        rows,
        test_to,
        errors,
        test_failed,
    };
    render_status(code, &page)
}

#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser, Query(f): Query<Filter>) -> AppResult<Response> {
    let to = user.email.clone();
    page_response(&state, &user, StatusCode::OK, &f.status, to, FormErrors::new(), None).await
}

/// "Opnieuw proberen".
#[tracing::instrument(skip_all)]
pub async fn retry(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "mail_retry")?;
    if !outbox::retry(&state.pool, org, id).await? {
        return Err(AppError::Conflict("Dit bericht is al verzonden of bestaat niet (meer).".into()));
    }
    tracing::info!(event = "mail_retry", actor = %user.user_id, message_id = %id, "mail queued again");
    session::flash_redirect(&state.pool, &user, "Het bericht staat weer in de wachtrij.", "/beheer/e-mail").await
}

/// "Testbericht sturen": sent at once, so a wrong configuration shows its answer here.
#[tracing::instrument(skip_all)]
pub async fn test(State(state): State<AppState>, user: CurrentUser, Form(form): Form<TestForm>) -> AppResult<Response> {
    user.require(Role::Beheerder, "mail_test")?;
    let mut errors = FormErrors::new();
    let to = errors.email("aan", "het e-mailadres", &form.aan);
    let bad = StatusCode::UNPROCESSABLE_ENTITY;
    if !errors.is_empty() {
        return page_response(&state, &user, bad, "", form.aan, errors, None).await;
    }
    let Some(settings) = state.config.mail.as_ref() else {
        errors.add("aan", "E-mail staat uit: er is geen SMTP-server ingesteld (AIREGISTER_SMTP_URL).");
        return page_response(&state, &user, bad, "", form.aan, errors, None).await;
    };
    let base = state.config.public_url.clone().unwrap_or_default();
    let sent = match Mailer::new(settings, &base) {
        Ok(mailer) => mailer.send_test(&to, &user.name).await.map_err(|e| e.text),
        Err(e) => Err(e),
    };
    match sent {
        Ok(()) => {
            tracing::info!(event = "mail_test_sent", actor = %user.user_id, "test message sent");
            let message = format!("Het testbericht is verstuurd naar {to}.");
            session::flash_redirect(&state.pool, &user, &message, "/beheer/e-mail").await
        }
        Err(answer) => {
            tracing::warn!(event = "mail_test_failed", actor = %user.user_id, error = %answer, "test message not sent");
            page_response(&state, &user, StatusCode::BAD_GATEWAY, "", form.aan, errors, Some(answer)).await
        }
    }
}
