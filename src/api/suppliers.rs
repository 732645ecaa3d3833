//! Supplier records through the API: list and read them (everyone in the token's organisation), make one
//! (`POST /suppliers`) and change one (`PUT /suppliers/{id}` with the version read) as CISO or beheerder, with the
//! web form's own checks (422 naming each field) and the same audit events. Its uploaded documents (processor
//! agreement, certificates) are listed and downloaded by everyone in the organisation, as on its page.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
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
use crate::register::suppliers::{self as store, Refused, Supplier, SupplierInput};
use crate::suppliers::forms::FIELDS;

/// Fields whose value the document describes exactly (a format, pattern or list): no blanks to be trimmed.
const STRICT: [&str; 7] = [
    "registration_number",
    "data_location",
    "dpa_signed_on",
    "dpa_expires_on",
    "dpa_link",
    "iso27001_expires_on",
    "iso42001_expires_on",
];

fn time(t: OffsetDateTime) -> Value {
    t.format(&time::format_description::well_known::Rfc3339).map(Value::String).unwrap_or(Value::Null)
}

/// A supplier as the API shows it.
pub fn representation(s: &Supplier) -> Value {
    let mut v = s.input.to_json();
    v["id"] = json!(s.id);
    v["version"] = json!(s.version);
    v["applications"] = json!(s.applications);
    v["created_at"] = time(s.created_at);
    v["updated_at"] = time(s.updated_at);
    v
}

fn org(api: &ApiUser) -> Result<Uuid, Problem> {
    api.user.organisation_id().ok_or_else(|| Problem::forbidden("Het token hoort bij geen organisatie."))
}

fn editor(api: &ApiUser) -> Result<Uuid, Problem> {
    api.require_write()?;
    if !(api.user.has_role(Role::Ciso) || api.user.has_role(Role::Beheerder)) {
        tracing::warn!(event = "authz_denied", user_id = %api.user.user_id, action = "api_supplier_write", "supplier change refused");
        return Err(Problem::forbidden("Alleen de CISO en de beheerder leggen leveranciers vast."));
    }
    org(api)
}

/// The JSON body as the form's pairs (and the version for a change); what does not fit its JSON type is named.
fn form_from_json(headers: &HeaderMap, body: &[u8], with_version: bool) -> Result<(FormData, i32), Problem> {
    super::require_json(headers, "de leverancier")?;
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Problem::bad_request(format!("De body is geen geldige JSON (regel {}, kolom {}).", e.line(), e.column()))
    })?;
    let Some(obj) = value.as_object() else {
        return Err(Problem::bad_request("De body moet een JSON-object zijn met de gegevens van de leverancier."));
    };
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    let mut version = None;
    for (key, value) in obj {
        let mut err = |message: String| errors.push(FieldError { field: key.clone(), message });
        match (key.as_str(), value) {
            ("version", Value::Number(n)) if with_version => {
                version = n.as_i64().and_then(|n| i32::try_from(n).ok());
                if version.is_none() {
                    err("`version` moet een geheel getal zijn.".into());
                }
            }
            ("version", _) if with_version => err("`version` moet een geheel getal zijn.".into()),
            (_, Value::Null) if FIELDS.contains(&key.as_str()) => {}
            // A date, number, choice or link has no "empty" value here: that is null.
            (k, Value::String(s))
                if STRICT.contains(&k)
                    && (s.is_empty()
                        || s.contains(char::is_whitespace)
                        || (k == "registration_number" && s.contains('.'))) =>
            {
                err(format!("`{k}` moet een waarde zonder spaties zijn (of null)."))
            }
            ("training_opt_out", Value::Bool(b)) => pairs.push((key.clone(), if *b { "ja" } else { "nee" }.into())),
            ("training_opt_out", _) => err("`training_opt_out` moet true, false of null zijn.".into()),
            (k, Value::String(s)) if FIELDS.contains(&k) => pairs.push((key.clone(), s.clone())),
            (k, _) if FIELDS.contains(&k) => err(format!("`{k}` moet tekst zijn (of null).")),
            (k, _) => err(format!("Onbekend veld `{k}`.")),
        }
    }
    if with_version && version.is_none() && !errors.iter().any(|e| e.field == "version") {
        errors.push(FieldError { field: "version".into(), message: "Geef de `version` mee die u las.".into() });
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok((FormData::from_pairs(pairs), version.unwrap_or(0)))
}

fn validated(form: &FormData) -> Result<SupplierInput, Problem> {
    SupplierInput::try_from(form).map_err(|errors| {
        Problem::invalid(errors.iter().map(|(f, m)| FieldError { field: f.to_string(), message: m.clone() }).collect())
    })
}

fn refused(r: Refused) -> Problem {
    match r {
        Refused::SameName(other) => Problem::invalid(vec![FieldError {
            field: "name".into(),
            message: format!("Er is al een leverancier met deze naam: „{other}”."),
        }]),
        Refused::Stale => Problem::new(
            StatusCode::CONFLICT,
            "Intussen gewijzigd",
            "Deze leverancier is gewijzigd sinds u hem las (de version klopt niet). Lees hem opnieuw.",
        ),
        Refused::NotFound => Problem::not_found(),
    }
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, api: ApiUser) -> ApiResult<Json<Value>> {
    let org = org(&api)?;
    let mut conn = state.pool.acquire().await?;
    let all = store::list(&mut conn, org, None).await?;
    Ok(Json(json!({ "suppliers": all.iter().map(representation).collect::<Vec<_>>() })))
}

#[tracing::instrument(skip_all)]
pub async fn read(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let id = path.map(|Path(id)| id).map_err(|_| Problem::not_found())?;
    let org = org(&api)?;
    let mut conn = state.pool.acquire().await?;
    let s = store::get(&mut conn, org, id).await?.ok_or_else(Problem::not_found)?;
    Ok(Json(representation(&s)))
}

#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    api: ApiUser,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let org = editor(&api)?;
    let (form, _) = form_from_json(&headers, &body, false)?;
    let input = validated(&form)?;
    let mut tx = state.pool.begin().await?;
    let id = store::create(&mut tx, org, &Actor::from(&api.user), &input).await?.map_err(refused)?;
    let created = store::get(&mut tx, org, id).await?.ok_or_else(Problem::not_found)?;
    tx.commit().await?;
    tracing::info!(event = "supplier_created", actor = %api.user.user_id, supplier_id = %id, via = "api", "supplier record");
    Ok(super::created(&format!("/api/v1/suppliers/{id}"), representation(&created)))
}

#[tracing::instrument(skip_all)]
pub async fn update(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let id = path.map(|Path(id)| id).map_err(|_| Problem::not_found())?;
    let org = editor(&api)?;
    let (form, version) = form_from_json(&headers, &body, true)?;
    let input = validated(&form)?;
    let mut tx = state.pool.begin().await?;
    store::update(&mut tx, org, &Actor::from(&api.user), id, version, &input).await?.map_err(refused)?;
    let saved = store::get(&mut tx, org, id).await?.ok_or_else(Problem::not_found)?;
    tx.commit().await?;
    tracing::info!(event = "supplier_updated", actor = %api.user.user_id, supplier_id = %id, via = "api", "supplier record");
    Ok(Json(representation(&saved)))
}

/// The supplier's uploaded documents (uploading stays on its page).
#[tracing::instrument(skip_all)]
pub async fn documents(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let id = path.map(|Path(id)| id).map_err(|_| Problem::not_found())?;
    let org = org(&api)?;
    let mut conn = state.pool.acquire().await?;
    store::get(&mut conn, org, id).await?.ok_or_else(Problem::not_found)?;
    let docs = crate::suppliers::documents::of_supplier(&mut conn, org, id).await?;
    let list: Vec<Value> = docs
        .iter()
        .map(|d| {
            json!({
                "kind": d.slot,
                "label": d.label,
                "file_name": d.file_name,
                "size_bytes": d.size_bytes,
                "uploaded_at": time(d.uploaded_at),
                "url": format!("/api/v1/suppliers/{id}/documents/{}", d.slot),
            })
        })
        .collect();
    Ok(Json(json!({ "documents": list })))
}

/// One document of the supplier as a download.
#[tracing::instrument(skip_all)]
pub async fn document(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<(Uuid, String)>, PathRejection>,
) -> ApiResult<Response> {
    let (id, kind) = path.map(|Path(p)| p).map_err(|_| Problem::not_found())?;
    let org = org(&api)?;
    Ok(crate::suppliers::documents::serve_file(&state, org, id, &kind).await?)
}
