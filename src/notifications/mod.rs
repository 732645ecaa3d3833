//! In-app notifications ("Meldingen"): written in the same transaction as the event they announce, listed per
//! user with an unread count in the navigation. Opening one marks it read (a POST, as every state change).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::AppState;
use crate::applications::organisation;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::web::layout::Layout;
use crate::web::{format_datetime, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meldingen", get(list))
        .route("/meldingen/alles-gelezen", post(mark_all_read))
        .route("/meldingen/{id}", post(open))
}

#[derive(sqlx::FromRow)]
struct Row {
    notification_id: Uuid,
    message: String,
    created_at: OffsetDateTime,
    read_at: Option<OffsetDateTime>,
}

pub struct Item {
    pub id: Uuid,
    pub message: String,
    pub when: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub items: Vec<Item>,
    pub unread: usize,
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = organisation(&user)?;
    let rows: Vec<Row> = sqlx::query_as!(
        Row,
        r#"select notification_id as "notification_id!: Uuid", message as "message!: String",
                 created_at as "created_at!: OffsetDateTime",
                 read_at as "read_at?: OffsetDateTime" from notification
         where user_id = $1 and organisation_id = $2 order by created_at desc limit 100"#,
        user.user_id,
        org
    )
    .fetch_all(&state.pool)
    .await?;
    let items: Vec<Item> = rows
        .into_iter()
        .map(|r| Item {
            id: r.notification_id,
            message: r.message,
            when: format_datetime(r.created_at),
            unread: r.read_at.is_none(),
        })
        .collect();
    render(&ListPage {
        layout: Layout::for_user(&user, "Meldingen", "/meldingen"),
        unread: items.iter().filter(|i| i.unread).count(),
        items,
    })
}

/// Mark one read and go to what it is about.
#[tracing::instrument(skip_all)]
pub async fn open(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let link: Option<String> = sqlx::query_scalar!(
        "update notification set read_at = coalesce(read_at, now())
         where notification_id = $1 and user_id = $2 returning link",
        id,
        user.user_id
    )
    .fetch_optional(&state.pool)
    .await?;
    let link = link.ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&link).into_response())
}

#[tracing::instrument(skip_all)]
pub async fn mark_all_read(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = organisation(&user)?;
    sqlx::query!(
        "update notification set read_at = now() where user_id = $1 and organisation_id = $2 and read_at is null",
        user.user_id,
        org
    )
    .execute(&state.pool)
    .await?;
    Ok(Redirect::to("/meldingen").into_response())
}
