//! AI-register: the register of AI tools and algorithms of a public organisation, and the workflow that
//! decides whether a tool may be used. `build_router` assembles the web application; `main.rs` is the CLI.

pub mod admin;
pub mod aiact;
pub mod allowed;
pub mod api;
pub mod applications;
pub mod assessments;
pub mod audit;
pub mod auth;
pub mod branding;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod error;
pub mod health;
pub mod home;
pub mod incidents;
pub mod kader;
pub mod literacy;
pub mod mail;
pub mod notifications;
pub mod organisations;
pub mod policy;
pub mod publication;
pub mod questionnaires;
pub mod reference;
pub mod register;
pub mod requests;
pub mod roles;
pub mod scim;
pub mod server;
pub mod sso;
pub mod suppliers;
pub mod tasks;
pub mod util;
pub mod web;
pub mod workflow;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::error::AppError;
pub use crate::web::state::AppState;

/// The paths that take file uploads, from the features that have them (a hook for the kit's CSRF check).
fn is_upload_path(path: &str) -> bool {
    assessments::is_upload_path(path) || publication::pages::is_upload_path(path)
}

/// The navigation's counts, from the workflow (a hook for the kit's session middleware).
fn nav_counts<'a>(
    pool: &'a sqlx::PgPool,
    organisation_id: uuid::Uuid,
    user_id: uuid::Uuid,
    roles: &'a [roles::Role],
) -> futures_util::future::BoxFuture<'a, sqlx::Result<web::session::NavCounts>> {
    Box::pin(workflow::nav_counts(pool, organisation_id, user_id, roles))
}

/// The whole web application. Tests build the same router.
pub fn build_router(state: AppState) -> Router {
    let state = AppState { upload_paths: is_upload_path, nav_counts, ..state };
    // Pages: the session is resolved (and the CSRF token checked) before any handler runs.
    let pages = Router::new()
        .merge(home::router())
        .merge(dashboard::router())
        .merge(auth::router())
        .merge(api::tokens::router())
        .merge(admin::router())
        .merge(applications::router())
        .merge(workflow::router())
        .merge(aiact::pages::router())
        .merge(questionnaires::pages::router())
        .merge(assessments::router())
        .merge(incidents::router())
        .merge(literacy::router())
        .merge(suppliers::router())
        .merge(kader::pages::router())
        .merge(notifications::router())
        .merge(publication::pages::router())
        .merge(publication::public::router())
        .merge(allowed::router())
        .merge(policy::router())
        .merge(requests::router())
        .merge(mail::router())
        .merge(sso::router())
        .merge(branding::router())
        .merge(reference::pages::router())
        .merge(scim::tokens::router())
        .fallback(|| async { AppError::NotFound })
        .layer(from_fn_with_state(state.clone(), auth::session::session_middleware));
    // Health checks and static files need no session (and must not touch it).
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/.well-known/security.txt", get(web::security_txt::security_txt))
        .nest("/api/v1", api::router())
        .nest(scim::BASE, scim::router())
        .route("/static/{*path}", get(web::assets::serve_asset))
        .merge(pages)
        .layer(axum::middleware::from_fn(web::security::refuse_nul))
        .layer(from_fn_with_state(state.clone(), web::security::check_origin))
        .layer(from_fn_with_state(state.clone(), web::security::security_headers))
        .layer(from_fn_with_state(state.clone(), web::client::client_address))
        .layer(web::compression::layer())
        .layer(from_fn_with_state(state.clone(), web::compression::guard))
        .layer(TraceLayer::new_for_http().make_span_with(web::request_id::span))
        .layer(CatchPanicLayer::custom(|_| {
            AppError::Internal(anyhow::anyhow!("a request handler panicked")).into_response()
        }))
        .layer(axum::middleware::from_fn(web::request_id::assign))
        .with_state(state)
}
