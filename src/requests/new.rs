//! "Nieuwe AI-tool aanvragen": first the look-up (which tool? what does the register already say about it?),
//! then the request's few questions. Saved as a concept at any moment, or submitted to the CISO.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forms::RequestInput;
use super::lookup::{self, Earlier, Finding};
use super::views::FormOptions;
use super::{done, organisation};
use crate::AppState;
use crate::audit::Actor;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::register::form::FormData;
use crate::register::requests::store::{self, By};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::render_status;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LookupQuery {
    /// The tool's name as typed in the look-up.
    naam: String,
}

#[derive(Template)]
#[template(path = "requests/new.html")]
pub struct NewPage {
    pub layout: Layout,
    pub naam: String,
    /// A look-up was done (the form follows it).
    pub looked_up: bool,
    pub findings: Vec<Finding>,
    /// The reader's own earlier requests for the tool.
    pub earlier: Vec<Earlier>,
    /// One of them is still open: the form for a new one is folded away.
    pub open_earlier: bool,
    pub any_allowed: bool,
    pub input: FormData,
    pub errors: FormErrors,
    pub options: FormOptions,
}

async fn new_page(
    state: &AppState,
    user: &CurrentUser,
    naam: &str,
    status: StatusCode,
    input: FormData,
    errors: FormErrors,
) -> AppResult<Response> {
    let org = organisation(user)?;
    let naam = naam.trim().chars().take(100).collect::<String>();
    let findings = lookup::look_up(state, org, &naam).await?;
    let earlier = lookup::earlier_requests(state, org, user.user_id, &naam).await?;
    let page = NewPage {
        layout: Layout::for_user(user, "Nieuwe AI-tool aanvragen", "/aanvragen/nieuw").with_errors(!errors.is_empty()),
        looked_up: !naam.is_empty() || !input.0.is_empty(),
        any_allowed: findings.iter().any(Finding::allowed),
        findings,
        open_earlier: earlier.iter().any(|e| e.open),
        earlier,
        options: FormOptions::of(&input),
        naam,
        input,
        errors,
    };
    render_status(status, &page)
}

/// The look-up and, once a name is given, the request form with that name filled in.
#[tracing::instrument(skip_all)]
pub async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LookupQuery>,
) -> AppResult<Response> {
    let mut input = FormData::default();
    if !q.naam.trim().is_empty() {
        input.push("tool_name", q.naam.trim());
    }
    new_page(&state, &user, &q.naam, StatusCode::OK, input, FormErrors::new()).await
}

/// Save (a concept) or submit a new request; with errors the form comes back filled in, naming each field.
#[tracing::instrument(skip_all)]
pub async fn create(State(state): State<AppState>, user: CurrentUser, body: Bytes) -> AppResult<Response> {
    let org = organisation(&user)?;
    let input = FormData::parse(&body);
    let parsed = match RequestInput::try_from(&input) {
        Ok(p) => p,
        Err(errors) => {
            let naam = input.get("tool_name").to_string();
            return new_page(&state, &user, &naam, StatusCode::UNPROCESSABLE_ENTITY, input, errors).await;
        }
    };
    let actor = Actor::from(&user);
    let by = By { org, user: user.user_id, actor: &actor };
    let mut tx = state.pool.begin().await?;
    let id = store::create(&mut tx, &by, &parsed.answers, parsed.submit).await?;
    tx.commit().await?;
    tracing::info!(event = "request_created", actor = %user.user_id, request_id = %id, submitted = parsed.submit, "tool request");
    let message = if parsed.submit {
        "Uw aanvraag is ingediend. De CISO bekijkt hem; u krijgt bericht bij elke stap."
    } else {
        "Uw aanvraag is opgeslagen als concept. U kunt hem later aanvullen en indienen."
    };
    done(&state, &user, id, message).await
}

/// The look-up as JSON, for the script that answers while the employee types the tool's name
/// (static/lookup.js); the page's own look-up works without it.
#[tracing::instrument(skip_all)]
pub async fn look_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LookupQuery>,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let naam = q.naam.trim().chars().take(100).collect::<String>();
    let findings = lookup::look_up(&state, org, &naam).await?;
    let earlier = lookup::earlier_requests(&state, org, user.user_id, &naam).await?;
    Ok(Json(serde_json::json!({ "naam": naam, "findings": findings, "earlier": earlier })).into_response())
}
