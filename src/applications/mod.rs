//! The register itself: AI applications with every field of the national standard plus the internal ones,
//! the registration form, search, the detail page and its history.

pub mod edit;
pub mod forms;
pub mod glance;
pub mod list;
pub mod people;
pub mod pick;
pub mod risk;
pub mod show;
pub mod step_page;
pub mod steps;
pub mod summary;
pub mod views;

use axum::Router;
use axum::routing::{get, post};
use uuid::Uuid;

use crate::AppState;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::store::{self, Stored};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", get(list::list).post(edit::create))
        .route("/register/nieuw", get(edit::new_form))
        .route("/register/kiezen", get(pick::suggest))
        .route("/register/{id}", get(show::show).post(edit::update))
        .route("/register/{id}/bewerken", get(steps::start))
        .route("/register/{id}/bewerken/{stap}", get(steps::show).post(steps::save))
        .route("/register/{id}/indienen", post(edit::submit))
        .route("/register/{id}/risico", post(risk::risk_override))
        .route("/register/{id}/geschiedenis", get(show::history))
        .route("/mijn-toepassingen", get(list::mine))
        .route("/medewerkers/zoeken", get(people::suggest))
}

/// Keys that change on every save and say nothing to a reader of the history.
pub const IGNORED_IN_DIFF: &[&str] = &[
    "application_id",
    "organisation_id",
    "created_by",
    "risk_override_by",
    "version",
    "updated_at",
    "created_at",
    "risk_level",
    "submitted_at",
    "submitted_by",
    "suspended_at",
    "suspended_by",
];

/// The organisation the user works in; without one there is no register to show.
pub fn organisation(user: &CurrentUser) -> AppResult<Uuid> {
    user.organisation_id().ok_or(AppError::Forbidden)
}

/// One registration of the user's organisation (404 for another organisation's), with that organisation.
pub async fn load(state: &AppState, user: &CurrentUser, id: Uuid) -> AppResult<(Uuid, Stored)> {
    let org = organisation(user)?;
    let app = store::get(&state.pool, org, id).await?.ok_or(AppError::NotFound)?;
    Ok((org, app))
}
