//! The tab "Publicatie" of one registration: whether it is ready, its downloads and its state in the national
//! register. `tab_page` renders it, also again with the field errors of a refused download or upload.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{body_hash, personal_emails, state_label};
use crate::AppState;
use crate::applications::summary::{Summary, summary};
use crate::applications::{load, organisation};
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::publication::algorithm_in;
use crate::publication::export::{self, Format};
use crate::publication::files::{links, may_publish, one_file};
use crate::publication::readiness::{self, Readiness};
use crate::publication::upload::{self, Client};
use crate::publication::validate;
use crate::register::store::Stored;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{attachment, format_datetime, render_status};

#[derive(sqlx::FromRow, Default)]
struct SyncRow {
    state: String,
    payload_hash: Option<Vec<u8>>,
    uploaded_at: Option<OffsetDateTime>,
    released_at: Option<OffsetDateTime>,
    remote: Option<Value>,
    reconciled_at: Option<OffsetDateTime>,
    last_error: Option<Value>,
    last_error_at: Option<OffsetDateTime>,
}

async fn sync_row(state: &AppState, id: Uuid) -> AppResult<Option<SyncRow>> {
    Ok(sqlx::query_as!(
        SyncRow,
        r#"select state as "state!: String", payload_hash as "payload_hash?: Vec<u8>",
                 uploaded_at as "uploaded_at?: OffsetDateTime", released_at as "released_at?: OffsetDateTime",
                 remote as "remote?: Value", reconciled_at as "reconciled_at?: OffsetDateTime",
                 last_error as "last_error?: Value", last_error_at as "last_error_at?: OffsetDateTime"
         from register_sync where application_id = $1"#,
        id
    )
    .fetch_optional(&state.pool)
    .await?)
}

pub struct SyncView {
    pub state: String,
    pub lars: Option<String>,
    pub uploaded_at: Option<String>,
    pub released_at: Option<String>,
    pub changed_since_upload: bool,
    pub remote: Option<String>,
    pub errors: Vec<String>,
    pub error_at: Option<String>,
    /// In the register and not retracted: the tab offers "Intrekken".
    pub retractable: bool,
}

fn remote_text(remote: &Value) -> String {
    let flag = |k: &str| remote.get(k).and_then(Value::as_bool).unwrap_or(false);
    let mut parts = vec![if flag("published") { "gepubliceerd" } else { "niet gepubliceerd" }];
    if flag("current_version_released") {
        parts.push("nieuwste versie vrijgegeven");
    }
    if flag("current_version_published") {
        parts.push("nieuwste versie gepubliceerd");
    }
    parts.join(", ")
}

fn sync_view(row: Option<SyncRow>, lars: Option<String>, current_hash: &[u8]) -> SyncView {
    let row = row.unwrap_or_default();
    let errors = match &row.last_error {
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                let field = i.get("field").and_then(Value::as_str).unwrap_or("");
                let message = i.get("message").and_then(Value::as_str).unwrap_or("");
                let top = field.split('.').next().unwrap_or("");
                if top.is_empty() { message.to_string() } else { format!("{}: {message}", validate::title(top)) }
            })
            .collect(),
        _ => Vec::new(),
    };
    SyncView {
        retractable: lars.is_some() && row.state != "ingetrokken",
        state: state_label(&row.state).to_string(),
        changed_since_upload: row.payload_hash.as_deref().is_some_and(|h| h != current_hash),
        uploaded_at: row.uploaded_at.map(format_datetime),
        released_at: row.released_at.map(format_datetime),
        remote: row.remote.as_ref().map(|r| {
            format!("{} (afgestemd {})", remote_text(r), row.reconciled_at.map(format_datetime).unwrap_or_default())
        }),
        error_at: row.last_error_at.map(format_datetime),
        errors,
        lars,
    }
}

#[derive(Template)]
#[template(path = "publication/tab.html")]
struct TabPage {
    layout: Layout,
    app: Summary,
    tab: &'static str,
    readiness: Readiness,
    sync: SyncView,
    connected: bool,
    may_send: bool,
    needs_password: bool,
    errors: FormErrors,
}

pub(super) async fn tab_page(
    state: &AppState,
    user: &CurrentUser,
    app: &Stored,
    status: StatusCode,
    errors: FormErrors,
) -> AppResult<Response> {
    let org = organisation(user)?;
    let info = algorithm_in::org_info(&state.pool, org).await?;
    let entry = export::one(&state.pool, &info, app, &links(state)).await?;
    let readiness = readiness::check(
        &entry.body,
        app.status.as_str(),
        app.doc.get("publish") == Some(&Value::Bool(true)),
        &personal_emails(state, org, [&entry.body]).await?,
    );
    let conn = upload::connection(&state.pool, org).await?;
    let needs_password = match &conn {
        Some(c) if c.uses_password() && state.config.register_password.is_none() => {
            !Client::new(c.clone(), state.config.register_rate_window).is_ok_and(|cl| cl.has_token())
        }
        _ => false,
    };
    let sync = sync_view(sync_row(state, app.id).await?, entry.lars.clone(), &body_hash(&entry.body));
    let page = TabPage {
        layout: Layout::for_user(user, &format!("Publicatie – {}", app.name()), "/register")
            .with_errors(!errors.is_empty()),
        app: summary(user, app),
        tab: "publicatie",
        readiness,
        sync,
        connected: conn.is_some(),
        may_send: may_publish(user),
        needs_password,
        errors,
    };
    render_status(status, &page)
}

pub(super) async fn tab(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (_, app) = load(&state, &user, id).await?;
    tab_page(&state, &user, &app, StatusCode::OK, FormErrors::new()).await
}

/// The body of one registration as a file; a body the register would refuse is not handed out.
pub(super) async fn one_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, format)): Path<(Uuid, String)>,
) -> AppResult<Response> {
    let format = Format::parse(&format).ok_or(AppError::NotFound)?;
    match one_file(&state, &user, id, format).await? {
        Ok((name, bytes)) => attachment(&name, format.media_type(), bytes),
        Err((app, problems)) => {
            let mut errors = FormErrors::new();
            for p in problems {
                errors.add("export", format!("Export niet mogelijk – {p}"));
            }
            tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
    }
}
