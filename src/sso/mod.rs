//! Inloggen met organisatie-account (issue 19): OpenID Connect login per organisation, accounts made at
//! first login, roles from the provider's groups. `oidc` is the protocol client, `settings` and `accounts`
//! the storage, `flow` the login's two requests.

pub mod accounts;
pub mod flow;
pub mod forms;
pub mod logout;
pub mod oidc;
pub mod pages;
pub mod rules;
pub mod settings;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inloggen/organisatie", post(flow::start))
        .route(flow::CALLBACK_PATH, get(flow::callback))
        .route(logout::BACKCHANNEL_PATH, post(logout::backchannel))
        .route("/beheer/organisaties/{id}/inloggen", get(pages::edit_form).post(pages::save))
}
