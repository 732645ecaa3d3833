//! /scim/v2/Users: create, read, list with a filter and paging, replace (PUT), modify (PATCH) and delete
//! (= deactivate). Changes are one transaction with their audit events; If-Match guards against a change
//! made in between (412).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::auth::ScimClient;
use super::store::{self, UserRow};
use super::{
    Change, ENTERPRISE_SCHEMA, ListQuery, ResourceQuery, ScimError, ScimResult, USER_SCHEMA, check_if_match, filter,
    json_body, list_response, page_of, parse_id, patching, project, query, replacement, require_schema, scim_response,
};
use crate::AppState;

const FILTERABLE: &[&str] = &["username", "externalid", "id"];

fn not_found(id: &str) -> ScimError {
    ScimError::not_found(format!("Gebruiker {id} bestaat niet."))
}

/// A user resource answer, with its ETag (and Location when just created).
fn answer(status: StatusCode, row: &UserRow, q: &ResourceQuery) -> Response {
    let resource = store::to_resource(row);
    let version = super::etag(row.version);
    let location = resource["meta"]["location"].as_str().unwrap_or("").to_string();
    let mut resp = scim_response(
        status,
        &project(resource, q.attributes.as_deref(), q.excluded_attributes.as_deref()),
        Some(&version),
    );
    if status == StatusCode::CREATED
        && let Ok(v) = HeaderValue::from_str(&location)
    {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

pub async fn list(State(state): State<AppState>, client: ScimClient, uri: Uri) -> ScimResult<Response> {
    let q: ListQuery = query(&uri)?;
    let f = q.filter.as_deref().map(|f| filter::parse(f, FILTERABLE)).transpose()?;
    let rows = store::list(&mut *state.pool.acquire().await?, client.organisation_id, f.as_ref()).await?;
    let (a, e) = (q.attributes.as_deref(), q.excluded_attributes.as_deref());
    let all = rows.iter().map(|r| project(store::to_resource(r), a, e)).collect();
    let (start, count) = page_of(q.start_index, q.count);
    Ok(list_response(all, start, count))
}

pub async fn get(
    State(state): State<AppState>,
    client: ScimClient,
    Path(id): Path<String>,
    uri: Uri,
) -> ScimResult<Response> {
    let q: ResourceQuery = query(&uri)?;
    let user_id = parse_id(&id, "Gebruiker")?;
    let row = store::get(&mut *state.pool.acquire().await?, client.organisation_id, user_id, false).await?;
    let row = row.ok_or_else(|| not_found(&id))?;
    Ok(answer(StatusCode::OK, &row, &q))
}

#[tracing::instrument(skip_all)]
pub async fn create(State(state): State<AppState>, client: ScimClient, body: Bytes) -> ScimResult<Response> {
    let body = json_body(&body)?;
    require_schema(&body, USER_SCHEMA)?;
    let input = store::validate(&body, None)?;
    let org = client.organisation_id;
    let mut tx = state.pool.begin().await?;
    let user_id = store::create(&mut tx, org, &input, &client.actor).await?;
    let row = store::get(&mut tx, org, user_id, false).await?.ok_or_else(|| not_found(&user_id.to_string()))?;
    tx.commit().await?;
    tracing::info!(event = "scim_user_created", user_id = %user_id, organisation_id = %org, "user provisioned through SCIM");
    Ok(answer(StatusCode::CREATED, &row, &ResourceQuery::default()))
}

#[tracing::instrument(skip_all)]
pub async fn replace(
    State(state): State<AppState>,
    client: ScimClient,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ScimResult<Response> {
    change(&state, &client, &id, &headers, replacement(&body, USER_SCHEMA)?, false).await
}

#[tracing::instrument(skip_all)]
pub async fn modify(
    State(state): State<AppState>,
    client: ScimClient,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ScimResult<Response> {
    change(&state, &client, &id, &headers, patching(&body, USER_SCHEMA)?, true).await
}

/// PUT and PATCH: lock the user, check If-Match, make the new resource from the current one, save it.
async fn change(
    state: &AppState,
    client: &ScimClient,
    id: &str,
    headers: &HeaderMap,
    make: Change,
    patch: bool,
) -> ScimResult<Response> {
    let user_id = parse_id(id, "Gebruiker")?;
    let org = client.organisation_id;
    let mut tx = state.pool.begin().await?;
    let row = store::get(&mut tx, org, user_id, true).await?.ok_or_else(|| not_found(id))?;
    check_if_match(headers, row.version)?;
    let new = make(&store::to_resource(&row))?;
    // A PUT or PATCH that names another id is refused rather than silently ignored.
    if new.get("id").and_then(Value::as_str).is_some_and(|i| i != id) {
        return Err(ScimError::bad("mutability", "id kan niet worden gewijzigd."));
    }
    let mut input = store::validate(&new, Some(&row.email))?;
    // A PATCH that removed the whole enterprise extension removes the department with it (a PUT without the
    // extension leaves it: see store::validate).
    if patch && !new.keys().any(|k| k.eq_ignore_ascii_case(ENTERPRISE_SCHEMA)) {
        input.department = Some(None);
    }
    store::update(&mut tx, org, &row, &input, &client.actor).await?;
    let row = store::get(&mut tx, org, user_id, false).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(answer(StatusCode::OK, &row, &ResourceQuery::default()))
}

#[tracing::instrument(skip_all)]
pub async fn delete(
    State(state): State<AppState>,
    client: ScimClient,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ScimResult<Response> {
    let user_id = parse_id(&id, "Gebruiker")?;
    let org = client.organisation_id;
    let mut tx = state.pool.begin().await?;
    let row = store::get(&mut tx, org, user_id, true).await?.ok_or_else(|| not_found(&id))?;
    check_if_match(&headers, row.version)?;
    store::delete(&mut tx, org, user_id, &client.actor).await?;
    tx.commit().await?;
    tracing::info!(event = "scim_user_deleted", user_id = %user_id, organisation_id = %org, "user deprovisioned through SCIM");
    Ok(StatusCode::NO_CONTENT.into_response())
}
