//! In-app notifications ("Meldingen"): written in the same transaction as the event they announce, listed per
//! user with an unread count in the navigation. Opening one marks it read (a POST, as every state change).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::AppState;
use crate::applications::organisation;
use crate::auth::roles::Role;
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

/// What a notification is about (the `kind` column).
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Submitted,
    AdviceRequested,
    Decision,
    ConsentNeeded,
    EvaluationDue,
    Incident,
    Suspended,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Submitted => "ingediend",
            Kind::AdviceRequested => "advies_gevraagd",
            Kind::Decision => "besluit",
            Kind::ConsentNeeded => "toestemming_nodig",
            Kind::EvaluationDue => "evaluatie",
            Kind::Incident => "incident",
            Kind::Suspended => "opgeschort",
        }
    }
}

/// One notification to send.
pub struct Note<'a> {
    pub organisation_id: Uuid,
    pub kind: Kind,
    pub application_id: Option<Uuid>,
    pub message: &'a str,
    pub link: &'a str,
}

/// Active members of the organisation with one of the roles.
pub async fn holders(conn: &mut PgConnection, organisation_id: Uuid, roles: &[Role]) -> sqlx::Result<Vec<Uuid>> {
    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    sqlx::query_scalar(
        "select distinct m.user_id from membership m join app_user u using (user_id)
         where m.organisation_id = $1 and m.role = any($2) and u.active",
    )
    .bind(organisation_id)
    .bind(&roles)
    .fetch_all(&mut *conn)
    .await
}

/// Send to these users, except the one who caused it (nobody needs to be told what they just did).
pub async fn send(conn: &mut PgConnection, to: &[Uuid], except: Option<Uuid>, note: &Note<'_>) -> sqlx::Result<()> {
    send_once(conn, to, except, note, None).await
}

/// Send with a key that makes a repeat a no-op (reminders).
pub async fn send_once(
    conn: &mut PgConnection,
    to: &[Uuid],
    except: Option<Uuid>,
    note: &Note<'_>,
    dedupe_key: Option<&str>,
) -> sqlx::Result<()> {
    let mut to: Vec<Uuid> = to.iter().copied().filter(|u| Some(*u) != except).collect();
    to.sort();
    to.dedup();
    if to.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = to.iter().map(|_| Uuid::now_v7()).collect();
    sqlx::query(
        "insert into notification (notification_id, user_id, organisation_id, kind, application_id, message, link, dedupe_key)
         select id, uid, $3, $4, $5, $6, $7, $8 from unnest($1::uuid[], $2::uuid[]) as t(id, uid)
         on conflict (user_id, dedupe_key) do nothing",
    )
    .bind(&ids)
    .bind(&to)
    .bind(note.organisation_id)
    .bind(note.kind.as_str())
    .bind(note.application_id)
    .bind(note.message)
    .bind(note.link)
    .bind(dedupe_key)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Send to everyone holding one of the roles.
pub async fn send_to_roles(
    conn: &mut PgConnection,
    roles: &[Role],
    except: Option<Uuid>,
    note: &Note<'_>,
) -> sqlx::Result<()> {
    let to = holders(conn, note.organisation_id, roles).await?;
    send(conn, &to, except, note).await
}

/// Remind owners of evaluations due within 30 days (or overdue), once per application and date. Run by the
/// server every hour and at start-up.
pub async fn evaluation_reminders(pool: &PgPool) -> sqlx::Result<u64> {
    let rows: Vec<(Uuid, Uuid, Uuid, String, time::Date)> = sqlx::query_as(
        "select application_id, organisation_id, owner_id, name, next_evaluation from application
         where owner_id is not null and next_evaluation <= current_date + 30
           and workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik')",
    )
    .fetch_all(pool)
    .await?;
    let mut sent = 0;
    let mut tx = pool.begin().await?;
    for (app, org, owner, name, due) in rows {
        let date = crate::web::format_date(due);
        let message = format!("De evaluatie van {name} is uiterlijk {date} nodig.");
        let link = format!("/register/{app}/beoordeling#evaluatie");
        let note = Note {
            organisation_id: org,
            kind: Kind::EvaluationDue,
            application_id: Some(app),
            message: &message,
            link: &link,
        };
        send_once(&mut tx, &[owner], None, &note, Some(&format!("evaluatie:{app}:{due}"))).await?;
        sent += 1;
    }
    tx.commit().await?;
    Ok(sent)
}

pub async fn unread(pool: &PgPool, user_id: Uuid, organisation_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "select count(*) from notification where user_id = $1 and organisation_id = $2 and read_at is null",
    )
    .bind(user_id)
    .bind(organisation_id)
    .fetch_one(pool)
    .await
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
    let rows: Vec<Row> = sqlx::query_as(
        "select notification_id, message, created_at, read_at from notification
         where user_id = $1 and organisation_id = $2 order by created_at desc limit 100",
    )
    .bind(user.user_id)
    .bind(org)
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
    let link: Option<String> = sqlx::query_scalar(
        "update notification set read_at = coalesce(read_at, now())
         where notification_id = $1 and user_id = $2 returning link",
    )
    .bind(id)
    .bind(user.user_id)
    .fetch_optional(&state.pool)
    .await?;
    let link = link.ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&link).into_response())
}

#[tracing::instrument(skip_all)]
pub async fn mark_all_read(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = organisation(&user)?;
    sqlx::query(
        "update notification set read_at = now() where user_id = $1 and organisation_id = $2 and read_at is null",
    )
    .bind(user.user_id)
    .bind(org)
    .execute(&state.pool)
    .await?;
    Ok(Redirect::to("/meldingen").into_response())
}
