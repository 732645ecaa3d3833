//! Beheer → Referentiegegevens: every reference file with its version, content hash and source.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use super::{Entry, list};
use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::web::layout::Layout;
use crate::web::render;

pub fn router() -> Router<AppState> {
    Router::new().route("/beheer/referentiegegevens", get(page))
}

#[derive(Template)]
#[template(path = "reference/list.html")]
struct ListPage {
    layout: Layout,
    entries: Vec<Entry>,
}

async fn page(State(_state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    user.require(Role::Beheerder, "reference_data")?;
    render(&ListPage {
        layout: Layout::for_user(&user, "Referentiegegevens", "/beheer/referentiegegevens"),
        entries: list(),
    })
}
