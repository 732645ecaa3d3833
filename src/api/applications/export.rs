//! The exports for the national Algoritmeregister: the register's published registrations, or one.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::app_id;
use super::filter::query_problem;
use crate::AppState;
use crate::api::ApiUser;
use crate::api::problem::{ApiResult, FieldError, Problem};
use crate::publication::export::Format;

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ExportQuery {
    format: Option<String>,
}

fn export_format(q: Result<Query<ExportQuery>, QueryRejection>) -> ApiResult<Format> {
    let Query(q) = q.map_err(query_problem)?;
    let f = q.format.as_deref().unwrap_or("algoritmeregister-json");
    Format::parse(f).ok_or_else(|| {
        Problem::bad_request("Onbekend formaat: kies algoritmeregister-json, csv of xlsx (parameter `format`).")
    })
}

fn file(name: &str, format: Format, bytes: Vec<u8>) -> ApiResult<Response> {
    crate::web::attachment(name, format.media_type(), bytes).map_err(Problem::from)
}

/// The register export for the national Algoritmeregister (CISO and administrator, as in the web).
#[tracing::instrument(skip_all)]
pub async fn export_register(
    State(state): State<AppState>,
    api: ApiUser,
    q: Result<Query<ExportQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let format = export_format(q)?;
    let (name, body) = crate::publication::files::register_stream(&state, &api.user, format).await?;
    let mut resp = file(&name, format, Vec::new())?;
    *resp.body_mut() = body;
    Ok(resp)
}

/// One registration's export; 422 with the register's objections when it would be refused.
#[tracing::instrument(skip_all)]
pub async fn export_one(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
    q: Result<Query<ExportQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let id = app_id(path)?;
    let format = export_format(q)?;
    match crate::publication::files::one_file(&state, &api.user, id, format).await? {
        Ok((name, bytes)) => file(&name, format, bytes),
        Err((_, problems)) => {
            let mut p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Niet publiceerbaar",
                "Het Algoritmeregister zou deze beschrijving weigeren; los eerst deze punten op.",
            );
            p.errors = problems.into_iter().map(|m| FieldError { field: String::new(), message: m }).collect();
            Err(p)
        }
    }
}
