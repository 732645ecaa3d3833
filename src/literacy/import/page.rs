//! The import form on the administrator's literacy page: a file and "Proefimport" (on by default), answered
//! with the page and the report per line.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::{MAX_FILE, Report, run};
use crate::AppState;
use crate::audit::Actor;
use crate::error::{AppError, AppResult};
use crate::literacy::manage::{Forms, guard, render};
use crate::web::multipart;
use crate::web::today;
use crate::web::user::CurrentUser;

#[tracing::instrument(skip_all)]
pub async fn import_file(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<Response> {
    let org = guard(&user)?;
    let Ok(body) = body else { return Ok(multipart::too_large()) };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let parts = multipart::boundary(content_type)
        .and_then(|b| multipart::parse(&body, &b))
        .ok_or_else(|| AppError::Conflict("Het formulier kwam niet goed door. Probeer het opnieuw.".into()))?;
    let dry_run = multipart::field(&parts, "dry_run").as_deref() == Some("ja");
    let file = parts.iter().find(|p| p.name == "bestand" && p.file_name.is_some());
    let report = match file {
        Some(f) if f.data.len() > MAX_FILE => {
            Report::failed(format!("het bestand is groter dan {} MB", MAX_FILE / (1024 * 1024)), dry_run)
        }
        Some(f) if !f.data.is_empty() => {
            let actor = Actor { origin: format!("{} (import)", user.origin), ..Actor::from(&user) };
            run(&state.pool, org, &actor, Some(user.user_id), f.data, dry_run, today()).await?
        }
        _ => Report::failed("kies een CSV-bestand", dry_run),
    };
    let status = if report.ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(&state, &user, status, Forms { import: Some(report), ..Forms::default() }).await
}
