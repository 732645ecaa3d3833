//! The REST API under `/api/v1`: read and search the register, create a draft, read the workflow status and
//! export, for other systems. Authentication with a personal API token (`Authorization: Bearer air_…`),
//! created and revoked by the user under Mijn account; a request acts as that user with the roles they hold
//! in the token's organisation at that moment, through the same guards as the web pages. Errors are
//! `application/problem+json` (RFC 9457) with Dutch texts. The OpenAPI document at `/api/v1/openapi.json`
//! is built from the same field catalogue as the form, so it cannot drift from what the API accepts.

pub mod applications;
pub mod auth;
pub mod kader;
pub mod literacy;
pub mod openapi;
pub mod policy;
pub mod policy_ack;
pub mod prescan;
pub mod requests;
pub mod suppliers;
pub mod tasks;
pub mod tokens;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

use crate::AppState;

pub use crate::web::problem::{self, Problem};
pub use auth::ApiUser;

/// The routes under `/api/v1` (nested by `build_router`, outside the session middleware: no cookies).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/docs", get(openapi::docs_page))
        .route("/me", get(applications::me))
        .route("/applications", get(applications::list).post(applications::create))
        .route("/applications/{id}", get(applications::read))
        .route("/applications/{id}/workflow", get(applications::workflow))
        .route("/applications/{id}/export", get(applications::export_one))
        .route("/applications/{id}/requirements", get(kader::requirements))
        .route("/applications/{id}/requirements/take-over", axum::routing::post(kader::take_over))
        .route("/applications/{id}/requirements/{requirement}", axum::routing::put(kader::update_requirement))
        .route("/applications/{id}/measures/{measure}", axum::routing::put(kader::update_measure))
        .route("/applications/{id}/measures/{measure}/evidence", get(kader::evidence))
        .route("/requirements/open", get(kader::open))
        .route("/export", get(applications::export_register))
        .route("/tasks", get(tasks::list))
        .route("/confirmations", get(applications::confirmations))
        .route("/requests", get(requests::list).post(requests::create))
        .route("/requests/{id}", get(requests::read))
        .route("/policy/versions", get(policy::list))
        .route("/policy/versions/{number}", get(policy::read))
        .route("/policy/versions/{number}/coverage", get(policy::coverage))
        .route("/policy/versions/{number}/acknowledgement", axum::routing::post(policy_ack::acknowledge))
        .route("/suppliers", get(suppliers::list).post(suppliers::create))
        .route("/literacy/trainings", get(literacy::list_trainings).post(literacy::create_training))
        .route("/literacy/trainings/{id}", get(literacy::training).put(literacy::change).delete(literacy::remove))
        .route("/literacy/completions", get(literacy::list_completions).post(literacy::create_completion))
        .route("/literacy/completions/{id}/confirm", axum::routing::post(literacy::confirm))
        .route("/literacy/coverage", get(literacy::coverage))
        .route("/suppliers/{id}", get(suppliers::read).put(suppliers::update))
        .route("/suppliers/{id}/documents", get(suppliers::documents))
        .route("/suppliers/{id}/documents/{kind}", get(suppliers::document))
        .route("/prescan/evaluate", axum::routing::post(prescan::evaluate))
        .fallback(|| async { Problem::not_found() })
}

/// A write's body must be JSON: otherwise 415, saying what to send (`what`: "de registratie", …).
pub(crate) fn require_json(headers: &HeaderMap, what: &str) -> Result<(), Problem> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if json {
        return Ok(());
    }
    Err(Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Verkeerd soort body",
        format!("Stuur {what} als JSON, met Content-Type: application/json."),
    ))
}

/// 201 Created with the new resource and where it lives.
pub(crate) fn created(location: &str, body: Value) -> Response {
    let mut resp = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}
