//! Tool requests through the API: make one as the token's user (`POST /requests`, the web form's own checks,
//! 422 naming each field), list them (`GET /requests`: one's own, and for a CISO the triage queue), read one
//! (`GET /requests/{id}`: the requester, the chosen owner and the CISOs).

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::ApiUser;
use super::problem::{ApiResult, FieldError, Problem};
use crate::AppState;
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::register::form::FormData;
use crate::register::requests::store::{self, By, Request, Which};
use crate::requests::forms::RequestInput;

/// The fields a request takes, as the API names them (the form's names).
pub const TEXT_FIELDS: [&str; 7] =
    ["tool_name", "purpose", "department", "user_count", "usage", "supplier", "citizens"];

fn time(t: Option<OffsetDateTime>) -> Value {
    t.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .map(Value::String)
        .unwrap_or(Value::Null)
}

/// A request as the API shows it.
pub fn representation(r: &Request) -> Value {
    json!({
        "id": r.id,
        "version": r.version,
        "status": r.status.as_str(),
        "status_label": r.status.label(),
        "requested_by": r.requested_by,
        "requester": r.requester,
        "tool_name": r.tool_name,
        "purpose": r.purpose,
        "data_classes": r.data_classes,
        "department": r.department,
        "user_count": r.user_count,
        "usage": r.usage,
        "supplier": r.supplier,
        "citizens": r.citizens,
        "application_id": r.application_id,
        "owner_id": r.owner_id,
        "reason": r.reason,
        "submitted_at": time(r.submitted_at),
        "decided_at": time(r.decided_at),
        "created_at": time(Some(r.created_at)),
        "updated_at": time(Some(r.updated_at)),
    })
}

/// The JSON body as the request form's pairs; what does not fit its JSON type is named per field.
fn form_from_json(body: &Value) -> (FormData, Vec<FieldError>, bool) {
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    let mut err = |field: &str, message: String| errors.push(FieldError { field: field.to_string(), message });
    let Some(obj) = body.as_object() else {
        err("", "De body moet een JSON-object zijn met de antwoorden van de aanvraag.".into());
        return (FormData::default(), errors, false);
    };
    let mut submit = false;
    for (key, value) in obj {
        match (key.as_str(), value) {
            (_, Value::Null) => {}
            ("submit", Value::Bool(b)) => submit = *b,
            ("submit", _) => err(key, "`submit` moet true of false zijn.".into()),
            ("data_classes", Value::Array(items)) => {
                for item in items {
                    match item.as_str() {
                        Some(s) => pairs.push(("data_classes".to_string(), s.to_string())),
                        None => err(key, "`data_classes` moet een lijst met tekstwaarden zijn.".into()),
                    }
                }
            }
            ("data_classes", _) => err(key, "`data_classes` moet een lijst zijn, zoals [\"dc_intern\"].".into()),
            // The form's "nothing chosen" is an absent value here: an empty string is not one of the choices.
            ("user_count" | "usage" | "citizens", Value::String(s)) if s.is_empty() => {
                err(key, format!("`{key}` moet een van de mogelijke waarden zijn (of null)."))
            }
            (k, Value::String(s)) if TEXT_FIELDS.contains(&k) => pairs.push((k.to_string(), s.clone())),
            (k, _) if TEXT_FIELDS.contains(&k) => err(key, format!("`{k}` moet tekst zijn.")),
            (k, _) => err(key, format!("Onbekend veld `{k}`.")),
        }
    }
    if submit {
        pairs.push(("actie".into(), "indienen".into()));
    }
    (FormData::from_pairs(pairs), errors, submit)
}

/// Make a request (a concept, or submitted with `"submit": true`) as the token's user.
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    api: ApiUser,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    api.require_write()?;
    super::require_json(&headers, "de aanvraag")?;
    let org = api.user.organisation_id().ok_or_else(|| Problem::forbidden("Het token hoort bij geen organisatie."))?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        Problem::bad_request(format!("De body is geen geldige JSON (regel {}, kolom {}).", e.line(), e.column()))
    })?;
    let (form, mut list, _) = form_from_json(&value);
    if list.iter().any(|e| e.field.is_empty()) {
        return Err(Problem::invalid(list));
    }
    let parsed = RequestInput::try_from(&form);
    if let Err(errors) = &parsed {
        for (f, m) in errors.iter() {
            if !list.iter().any(|e| e.field == *f) {
                list.push(FieldError { field: f.to_string(), message: m.clone() });
            }
        }
    }
    let input = match parsed {
        Ok(input) if list.is_empty() => input,
        _ => return Err(Problem::invalid(list)),
    };
    let actor = Actor::from(&api.user);
    let by = By { org, user: api.user.user_id, actor: &actor };
    let mut tx = state.pool.begin().await?;
    let id = store::create(&mut tx, &by, &input.answers, input.submit).await?;
    let created = store::get(&mut tx, org, id).await?.ok_or_else(Problem::not_found)?;
    tx.commit().await?;
    tracing::info!(event = "request_created", actor = %api.user.user_id, request_id = %id, via = "api", "tool request");
    Ok(super::created(&format!("/api/v1/requests/{id}"), representation(&created)))
}

/// The token user's own requests, and for a CISO the queue (submitted or waiting for an answer, oldest first).
#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, api: ApiUser) -> ApiResult<Json<Value>> {
    let org = api.user.organisation_id().ok_or_else(|| Problem::forbidden("Het token hoort bij geen organisatie."))?;
    let mut conn = state.pool.acquire().await?;
    let mine = store::list(&mut conn, org, Which::Mine(api.user.user_id), 1000).await?;
    let queue =
        if api.user.has_role(Role::Ciso) { store::list(&mut conn, org, Which::Open, 1000).await? } else { Vec::new() };
    Ok(Json(json!({
        "mine": mine.iter().map(representation).collect::<Vec<_>>(),
        "queue": queue.iter().map(representation).collect::<Vec<_>>(),
    })))
}

#[tracing::instrument(skip_all)]
pub async fn read(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let id = path.map(|Path(id)| id).map_err(|_| Problem::not_found())?;
    let org = api.user.organisation_id().ok_or_else(|| Problem::forbidden("Het token hoort bij geen organisatie."))?;
    let mut conn = state.pool.acquire().await?;
    let r = store::get(&mut conn, org, id).await?.ok_or_else(Problem::not_found)?;
    if !r.readable_by(api.user.user_id, api.user.has_role(Role::Ciso)) {
        return Err(Problem::forbidden(
            "Alleen de aanvrager, de gekozen eigenaar en de CISO kunnen deze aanvraag lezen.",
        ));
    }
    Ok(Json(representation(&r)))
}
