//! "Nieuwe AI-tool aanvragen" (issue 18, items 1 and 2): the employee's short request with the look-up of
//! tools already in the register (`new`), the list of one's own requests and the CISO's triage queue
//! (`queue`), and the request's page with its thread and the CISO's triage steps (`page`, `triage`). The
//! request's life is the register domain's (`register/requests`); the forms are read in `forms`.

pub mod forms;
mod lookup;
mod new;
mod page;
mod queue;
mod triage;
mod views;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::AppState;
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::form::FormData;
use crate::register::requests::store::{self, By, Request};
use crate::web::forms::FormErrors;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/aanvragen", get(queue::list))
        .route("/aanvragen/nieuw", get(new::form).post(new::create))
        .route("/aanvragen/opzoeken", get(new::look_up))
        .route("/aanvragen/{id}", get(page::show).post(page::save))
        .route("/aanvragen/{id}/antwoord", post(page::answer))
        .route("/aanvragen/{id}/vraag", post(triage::ask))
        .route("/aanvragen/{id}/accepteren", post(triage::accept))
        .route("/aanvragen/{id}/koppelen", post(triage::link))
        .route("/aanvragen/{id}/afwijzen", post(triage::reject))
}

/// The organisation the user works in.
fn organisation(user: &CurrentUser) -> AppResult<Uuid> {
    user.organisation_id().ok_or(AppError::Forbidden)
}

/// One request the user may read: their own, one they became the owner of, or any as the CISO.
async fn load(state: &AppState, user: &CurrentUser, id: Uuid) -> AppResult<(Uuid, Request)> {
    let org = organisation(user)?;
    let mut conn = state.pool.acquire().await?;
    let r = store::get(&mut conn, org, id).await?.ok_or(AppError::NotFound)?;
    if r.readable_by(user.user_id, user.has_role(Role::Ciso)) {
        Ok((org, r))
    } else {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, request_id = %id, action = "read_request", "request of someone else");
        Err(AppError::Forbidden)
    }
}

/// What a step on a request's page ends with: the message shown on the request's page, or the errors to
/// show on the form again (nothing of the step is kept).
type Outcome = Result<String, FormErrors>;

/// After a step: back on the request's page, with what happened.
async fn done(state: &AppState, user: &CurrentUser, id: Uuid, message: &str) -> AppResult<Response> {
    session::flash_redirect(&state.pool, user, message, &format!("/aanvragen/{id}")).await
}

/// One form posted on a request's page (the requester's save and answer, the CISO's triage): read it —
/// refused input shows the page again with the errors and the input as typed —, run the domain step in one
/// transaction, and show the request's page with the step's message.
async fn form_step<T>(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
    id: Uuid,
    body: &Bytes,
    parse: impl FnOnce(&FormData) -> Result<T, FormErrors>,
    run: impl AsyncFnOnce(&mut PgConnection, &By<'_>, T) -> AppResult<Outcome>,
) -> AppResult<Response> {
    let input = FormData::parse(body);
    let again = async |errors: FormErrors, input: FormData| {
        page::request_page(state, user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, Some(input)).await
    };
    let parsed = match parse(&input) {
        Ok(p) => p,
        Err(errors) => return again(errors, input).await,
    };
    let actor = Actor::from(user);
    let by = By { org, user: user.user_id, actor: &actor };
    let mut tx = state.pool.begin().await?;
    match run(&mut tx, &by, parsed).await? {
        Ok(message) => {
            tx.commit().await?;
            done(state, user, id, &message).await
        }
        Err(errors) => {
            drop(tx);
            again(errors, input).await
        }
    }
}
