//! /scim/v2/Groups: create, read, list, replace, modify (members add/remove) and delete. Members get the
//! roles their groups map to (scim::roles) at once, before they ever log in.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::auth::ScimClient;
use super::group_store::{self, GroupRow};
use super::{
    Change, GROUP_SCHEMA, ListQuery, ResourceQuery, ScimError, ScimResult, check_if_match, filter, json_body,
    list_response, page_of, parse_id, patching, project, query, replacement, require_schema, scim_response,
};
use crate::AppState;

const FILTERABLE: &[&str] = &["displayname", "externalid", "id"];

fn not_found(id: &str) -> ScimError {
    ScimError::not_found(format!("Groep {id} bestaat niet."))
}

fn answer(status: StatusCode, row: &GroupRow, q: &ResourceQuery) -> Response {
    let resource = group_store::to_resource(row);
    let location = resource["meta"]["location"].as_str().unwrap_or("").to_string();
    let version = super::etag(row.version);
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
    let rows = group_store::list(&mut *state.pool.acquire().await?, client.organisation_id, f.as_ref()).await?;
    let (a, e) = (q.attributes.as_deref(), q.excluded_attributes.as_deref());
    let all = rows.iter().map(|r| project(group_store::to_resource(r), a, e)).collect();
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
    let group_id = parse_id(&id, "Groep")?;
    let row = group_store::get(&mut *state.pool.acquire().await?, client.organisation_id, group_id, false).await?;
    Ok(answer(StatusCode::OK, &row.ok_or_else(|| not_found(&id))?, &q))
}

#[tracing::instrument(skip_all)]
pub async fn create(State(state): State<AppState>, client: ScimClient, body: Bytes) -> ScimResult<Response> {
    let body = json_body(&body)?;
    require_schema(&body, GROUP_SCHEMA)?;
    let org = client.organisation_id;
    let mut tx = state.pool.begin().await?;
    let input = group_store::validate(&mut tx, org, &body).await?;
    let id = group_store::save(&mut tx, org, None, &input, &client.actor).await?;
    let row = group_store::get(&mut tx, org, id, false).await?.ok_or_else(|| not_found(&id.to_string()))?;
    tx.commit().await?;
    tracing::info!(event = "scim_group_created", group_id = %id, organisation_id = %org, "group provisioned through SCIM");
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
    change(&state, &client, &id, &headers, replacement(&body, GROUP_SCHEMA)?).await
}

#[tracing::instrument(skip_all)]
pub async fn modify(
    State(state): State<AppState>,
    client: ScimClient,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ScimResult<Response> {
    change(&state, &client, &id, &headers, patching(&body, GROUP_SCHEMA)?).await
}

async fn change(
    state: &AppState,
    client: &ScimClient,
    id: &str,
    headers: &HeaderMap,
    make: Change,
) -> ScimResult<Response> {
    let group_id = parse_id(id, "Groep")?;
    let org = client.organisation_id;
    let mut tx = state.pool.begin().await?;
    let row = group_store::get(&mut tx, org, group_id, true).await?.ok_or_else(|| not_found(id))?;
    check_if_match(headers, row.version)?;
    let new = make(&group_store::to_resource(&row))?;
    if new.get("id").and_then(Value::as_str).is_some_and(|i| i != id) {
        return Err(ScimError::bad("mutability", "id kan niet worden gewijzigd."));
    }
    let input = group_store::validate(&mut tx, org, &new).await?;
    group_store::save(&mut tx, org, Some(&row), &input, &client.actor).await?;
    let row = group_store::get(&mut tx, org, group_id, false).await?.ok_or_else(|| not_found(id))?;
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
    let group_id = parse_id(&id, "Groep")?;
    let org = client.organisation_id;
    let mut tx = state.pool.begin().await?;
    let row = group_store::get(&mut tx, org, group_id, true).await?.ok_or_else(|| not_found(&id))?;
    check_if_match(&headers, row.version)?;
    group_store::delete(&mut tx, org, &row, &client.actor).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
