//! SCIM 2.0 provisioning (RFC 7643/7644, issue 19 item 6) at /scim/v2: an identity provider (Entra ID)
//! creates, changes and deactivates the accounts of one organisation and its groups, with a bearer token of
//! that organisation. `auth` checks the token, `users` and `groups` are the resources (stored by `store` and
//! `group_store`), `patch` and `filter` the protocol's small languages, `discovery` the self-description,
//! `tokens` the beheerder's page for the tokens. Errors are the RFC's JSON error format, never HTML.

pub mod auth;
pub mod discovery;
pub mod filter;
pub mod group_store;
pub mod groups;
pub mod patch;
pub mod roles;
pub mod store;
pub mod tokens;
pub mod users;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::AppState;

pub const CONTENT_TYPE: &str = "application/scim+json";
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The enterprise User extension (RFC 7643 §4.3); AI-register reads its department.
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The mount point; resource locations are made from it.
pub const BASE: &str = "/scim/v2";

/// The protocol's routes, mounted outside the session middleware (no cookies, no CSRF: a bearer token).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ServiceProviderConfig", get(discovery::service_provider_config))
        .route("/ResourceTypes", get(discovery::resource_types))
        .route("/ResourceTypes/{name}", get(discovery::resource_type))
        .route("/Schemas", get(discovery::schemas))
        .route("/Schemas/{id}", get(discovery::schema))
        .route("/Users", get(users::list).post(users::create))
        .route("/Users/{id}", get(users::get).put(users::replace).patch(users::modify).delete(users::delete))
        .route("/Groups", get(groups::list).post(groups::create))
        .route("/Groups/{id}", get(groups::get).put(groups::replace).patch(groups::modify).delete(groups::delete))
        .route("/.search", post(not_implemented))
        .route("/Users/.search", post(not_implemented))
        .route("/Groups/.search", post(not_implemented))
        .route("/Bulk", post(not_implemented))
        .fallback(|| async { ScimError::not_found("Dit SCIM-adres bestaat niet.") })
        .method_not_allowed_fallback(|| async {
            ScimError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                None,
                "Deze methode kan niet op dit SCIM-adres worden gebruikt.",
            )
        })
}

async fn not_implemented() -> ScimError {
    ScimError::new(StatusCode::NOT_IMPLEMENTED, None, "Zoeken met POST (.search) en bulk worden niet ondersteund.")
}

/// An error in the RFC 7644 §3.12 format: `status` as a string, `scimType` where the RFC names one.
#[derive(Debug)]
pub struct ScimError {
    pub status: StatusCode,
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimError {
    pub fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        Self { status, scim_type, detail: detail.into() }
    }
    pub fn bad(scim_type: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, None, detail)
    }
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, Some("uniqueness"), detail)
    }
}

impl From<sqlx::Error> for ScimError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "SCIM request failed in the database");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            "Er ging iets mis in AI-register; probeer het later opnieuw.",
        )
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({ "schemas": [ERROR_SCHEMA], "status": self.status.as_str(), "detail": self.detail });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        scim_response(self.status, &body, None)
    }
}

pub type ScimResult<T> = Result<T, ScimError>;

/// A SCIM JSON response, with the resource's version as ETag when it has one.
pub fn scim_response(status: StatusCode, body: &Value, etag: Option<&str>) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Some(v) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
        h.insert(header::ETAG, v);
    }
    resp
}

/// The weak ETag of a version number (also meta.version).
pub fn etag(version: i32) -> String {
    format!("W/\"{version}\"")
}

/// If-Match names the version the client last saw; another version means someone changed it since (412).
pub fn check_if_match(headers: &HeaderMap, version: i32) -> ScimResult<()> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(()) };
    let value = value.to_str().unwrap_or("");
    let current = etag(version);
    let ok = value.split(',').map(str::trim).any(|v| v == "*" || v == current || v == current.trim_start_matches("W/"));
    if ok {
        return Ok(());
    }
    Err(ScimError::new(
        StatusCode::PRECONDITION_FAILED,
        None,
        format!("De resource is intussen gewijzigd (versie nu {current}); haal hem opnieuw op."),
    ))
}

/// The request body as a JSON object.
pub fn json_body(body: &Bytes) -> ScimResult<serde_json::Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ScimError::bad("invalidSyntax", "De body moet een JSON-object zijn.")),
        Err(e) => Err(ScimError::bad("invalidSyntax", format!("De body is geen geldige JSON: {e}."))),
    }
}

/// How a PUT or PATCH makes the new resource from the current one (the same for Users and Groups).
pub type Change = Box<dyn FnOnce(&Value) -> ScimResult<serde_json::Map<String, Value>> + Send>;

/// PUT: the body, which must name the resource's schema, replaces the resource.
pub fn replacement(body: &Bytes, schema: &str) -> ScimResult<Change> {
    let body = json_body(body)?;
    require_schema(&body, schema)?;
    Ok(Box::new(move |_| Ok(body)))
}

/// PATCH: the body's operations applied to the current resource.
pub fn patching(body: &Bytes, schema: &'static str) -> ScimResult<Change> {
    let ops = json_body(body)?;
    Ok(Box::new(move |current| {
        let mut resource = current.as_object().cloned().unwrap_or_default();
        patch::apply(&mut resource, &ops, schema)?;
        Ok(resource)
    }))
}

/// The body's `schemas` must name the resource's schema.
pub fn require_schema(body: &serde_json::Map<String, Value>, schema: &str) -> ScimResult<()> {
    let named = body
        .get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case(schema))));
    if named {
        Ok(())
    } else {
        Err(ScimError::bad("invalidSyntax", format!("Het attribuut schemas moet {schema} bevatten.")))
    }
}

/// Paging parameters of a list (RFC 7644 §3.4.2.4): startIndex is 1-based, below 1 counts as 1; count below
/// 0 as 0; at most 200 per page.
pub fn page_of(start_index: Option<i64>, count: Option<i64>) -> (usize, usize) {
    let start = start_index.unwrap_or(1).max(1) as usize;
    let count = count.unwrap_or(100).clamp(0, 200) as usize;
    (start, count)
}

/// A ListResponse of one page of resources.
pub fn list_response(all: Vec<Value>, start: usize, count: usize) -> Response {
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(start - 1).take(count).collect();
    let body = json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": page.len(),
        "Resources": page,
    });
    scim_response(StatusCode::OK, &body, None)
}

/// `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) on a resource: id, schemas and meta always stay.
pub fn project(mut resource: Value, attributes: Option<&str>, excluded: Option<&str>) -> Value {
    let names = |s: &str| -> Vec<String> {
        s.split(',')
            .map(|a| a.trim().rsplit(':').next().unwrap_or("").split('.').next().unwrap_or("").to_lowercase())
            .filter(|a| !a.is_empty())
            .collect()
    };
    let keep = |k: &str| matches!(k, "id" | "schemas" | "meta");
    if let Some(obj) = resource.as_object_mut() {
        if let Some(a) = attributes.filter(|a| !a.trim().is_empty()) {
            let wanted = names(a);
            obj.retain(|k, _| keep(k) || wanted.contains(&k.to_lowercase()));
        } else if let Some(e) = excluded {
            let unwanted = names(e);
            obj.retain(|k, _| keep(k) || !unwanted.contains(&k.to_lowercase()));
        }
    }
    resource
}

/// The list parameters of a GET on a collection.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    pub filter: Option<String>,
    pub start_index: Option<i64>,
    pub count: Option<i64>,
    pub attributes: Option<String>,
    pub excluded_attributes: Option<String>,
}

/// The parameters of a GET on one resource.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceQuery {
    pub attributes: Option<String>,
    pub excluded_attributes: Option<String>,
}

/// The query string, parsed without the framework's plain-text rejection.
pub fn query<T: serde::de::DeserializeOwned + Default>(uri: &axum::http::Uri) -> ScimResult<T> {
    axum::extract::Query::<T>::try_from_uri(uri).map(|q| q.0).map_err(|_| {
        ScimError::bad("invalidValue", "De parameters in het adres kloppen niet (startIndex en count zijn getallen).")
    })
}

/// A resource id from the address: not a UUID is a resource that does not exist.
pub fn parse_id(id: &str, what: &str) -> ScimResult<uuid::Uuid> {
    uuid::Uuid::parse_str(id).map_err(|_| ScimError::not_found(format!("{what} {id} bestaat niet.")))
}
