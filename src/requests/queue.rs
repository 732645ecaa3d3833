//! `/aanvragen`: everyone's own requests with their state; for a CISO first the triage queue (oldest first,
//! with how long each waits) and what was handled lately.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::organisation;
use super::views::RequestView;
use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::register::requests::store::{self, Which};
use crate::web::layout::Layout;
use crate::web::render;

/// How many handled requests the CISO's page lists.
const HANDLED: i64 = 50;

#[derive(Template)]
#[template(path = "requests/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub is_ciso: bool,
    pub queue: Vec<RequestView>,
    pub handled: Vec<RequestView>,
    pub mine: Vec<RequestView>,
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = organisation(&user)?;
    let is_ciso = user.has_role(Role::Ciso);
    let mut conn = state.pool.acquire().await?;
    let views = |rows: Vec<store::Request>| rows.iter().map(|r| RequestView::of(r, user.user_id)).collect::<Vec<_>>();
    let (queue, handled) = if is_ciso {
        (
            views(store::list(&mut conn, org, Which::Open, 1000).await?),
            views(store::list(&mut conn, org, Which::Handled, HANDLED).await?),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mine = views(store::list(&mut conn, org, Which::Mine(user.user_id), 1000).await?);
    let title = if is_ciso { "Aanvragen" } else { "Mijn aanvragen" };
    render(&ListPage { layout: Layout::for_user(&user, title, "/aanvragen"), is_ciso, queue, handled, mine })
}
