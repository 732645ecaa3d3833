//! The organisation's own look (issue 21, item 2): Beheer → Organisaties → Huisstijl en logo chooses one of
//! the vendored themes and uploads a logo; `/logo/{id}/{hash}` serves the logo to the header of the
//! organisation's pages and of its public register.

pub mod logo;
pub mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/organisaties/{id}/huisstijl", get(pages::edit).post(pages::save_theme))
        .route("/beheer/organisaties/{id}/logo", post(pages::upload_logo))
        .route("/beheer/organisaties/{id}/logo/verwijderen", post(pages::remove_logo))
        .route("/logo/{id}/{hash}", get(pages::serve_logo))
}
