//! The Algoritmekader through the API (issue 23): per registration the applicable requirements with their
//! measures (`GET /applications/{id}/requirements`, for whoever may see the registration), and what is open
//! across the register (`GET /requirements/open`, for those who see the whole register, as `/vereisten`).
//! Writes do what the tab "Vereisten" does, through the same functions (`kader::pages`, `kader::measure`), so
//! the same roles, checks and audit events apply: take over the recomputed set, set a requirement aside with a
//! reason (or not), and change a measure with the `version` read (409 when stale). Evidence files are uploaded
//! on the tab; the API reads them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};
use uuid::Uuid;

use super::ApiUser;
use super::problem::{ApiResult, FieldError, Problem};
use crate::AppState;
use crate::applications::{load, organisation};
use crate::error::AppError;
use crate::kader::actions::{can_work, check_reason, set_reason, take_over_set};
use crate::kader::measure::{check_measure, record};
use crate::kader::reference::Kader;
use crate::kader::store::{self, MeasureRow};
use crate::kader::view::{self, MeasureView, RequirementView};
use crate::register::form::FormData;
use crate::register::store as apps;
use crate::web::forms::FormErrors;

fn kader() -> Result<&'static Kader, Problem> {
    crate::kader::load().map_err(|e| Problem::from(AppError::Internal(anyhow::anyhow!(e))))
}

fn text(s: &str) -> Value {
    if s.is_empty() { Value::Null } else { json!(s) }
}

/// One measure of a registration as the API shows it (raw values: status codes, ISO dates).
fn measure(kader: &Kader, id: Uuid, m: &MeasureView, rows: &[MeasureRow]) -> Value {
    let row = rows.iter().find(|x| x.application_id == id && x.measure == m.id);
    let file = row.and_then(|x| x.file_name.as_deref());
    json!({
        "id": m.id,
        "title": m.title,
        "lifecycle": kader.measure(&m.id).map(|x| x.lifecycle.clone()).unwrap_or_default(),
        "status": m.status_value,
        "reason": text(&m.reason),
        "owner_id": row.and_then(|x| x.owner_id),
        "owner_name": row.and_then(|x| x.owner.clone()),
        "evidence": text(&m.evidence),
        "evidence_url": text(&m.evidence_url),
        "evidence_file": file.map(|n| json!({
            "name": n,
            "url": format!("/register/{id}/maatregelen/{}/bewijs", m.id),
            "api_url": format!("/api/v1/applications/{id}/measures/{}/evidence", m.id),
        })),
        "review_date": row.and_then(|x| x.review_date).map(|d| d.to_string()),
        "version": m.version,
        "criteria": m.criteria,
    })
}

/// One requirement with its measures as the API shows them.
fn requirement(kader: &Kader, id: Uuid, r: &RequirementView, rows: &[MeasureRow]) -> Value {
    json!({
        "id": r.id,
        "title": r.title,
        "lifecycle": r.phases,
        "not_applicable_reason": r.reason,
        "open_measures": r.open,
        "measures": r.measures.iter().map(|m| measure(kader, id, m, rows)).collect::<Vec<_>>(),
    })
}

/// The requirements taken over for a registration (of `org`), as `GET …/requirements` answers.
async fn requirements_body(state: &AppState, org: Uuid, id: Uuid) -> ApiResult<Value> {
    let kader = kader()?;
    let reqs = store::requirements(&state.pool, org, Some(id)).await?;
    let rows = store::measures(&state.pool, org, Some(id)).await?;
    let views = view::requirements(kader, id, &reqs, &rows);
    let mut conn = state.pool.acquire().await?;
    let gate = crate::register::facts::kader_gate_enabled(&mut conn, id).await?;
    Ok(json!({
        "algoritmekader": { "version": kader.version, "sha256": kader.sha256 },
        "approval_gate": gate,
        "requirements": views.iter().map(|r| requirement(kader, id, r, &rows)).collect::<Vec<_>>(),
    }))
}

#[tracing::instrument(skip_all)]
pub async fn requirements(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let id = path.map(|Path(id)| id).map_err(|_| Problem::not_found())?;
    let (org, _) = load(&state, &api.user, id).await?;
    Ok(Json(requirements_body(&state, org, id).await?))
}

#[tracing::instrument(skip_all)]
pub async fn open(State(state): State<AppState>, api: ApiUser) -> ApiResult<Json<Value>> {
    let org = crate::kader::report::sees_register(&api.user)?;
    let kader = kader()?;
    let reqs = store::requirements(&state.pool, org, None).await?;
    let rows = store::measures(&state.pool, org, None).await?;
    let (lines, _) = crate::kader::report::lines(&state, org, "alle").await?;
    let applications: Vec<Value> = lines
        .iter()
        .map(|l| {
            let views = view::requirements(kader, l.id, &reqs, &rows);
            let open: Vec<Value> = views
                .iter()
                .filter(|r| r.reason.is_none())
                .flat_map(|r| r.measures.iter().filter(|m| !m.done).map(move |m| (r, m)))
                .map(|(r, m)| {
                    json!({ "requirement": r.id, "measure": m.id, "title": m.title, "status": m.status_value,
                            "owner_name": text(&m.owner), "review_date": rows.iter()
                                .find(|x| x.application_id == l.id && x.measure == m.id)
                                .and_then(|x| x.review_date).map(|d| d.to_string()) })
                })
                .collect();
            json!({ "id": l.id, "name": l.name, "requirements": l.applicable, "unmet": l.unmet,
                    "open_measures": l.open, "open": open })
        })
        .collect();
    Ok(Json(json!({ "applications": applications })))
}

/// The form's messages as the API names them: per field of the JSON body.
fn invalid(errors: &FormErrors, rename: &[(&str, &str)]) -> Problem {
    Problem::invalid(
        errors
            .iter()
            .map(|(f, m)| FieldError {
                field: rename.iter().find(|(from, _)| from == f).map_or(*f, |(_, to)| *to).to_string(),
                message: m.clone(),
            })
            .collect(),
    )
}

/// The JSON body as an object (415 without JSON, 400 when it is not an object).
fn object(headers: &HeaderMap, body: &[u8], what: &str) -> Result<serde_json::Map<String, Value>, Problem> {
    super::require_json(headers, what)?;
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Problem::bad_request(format!("De body is geen geldige JSON (regel {}, kolom {}).", e.line(), e.column()))
    })?;
    match value {
        Value::Object(o) => Ok(o),
        _ => Err(Problem::bad_request(format!("De body moet een JSON-object zijn met {what}."))),
    }
}

/// "Vereisten overnemen": the set the decision aid's latest outcome gives becomes the registration's
/// requirements (whoever manages the registration; audit event `application.requirements_updated`).
#[tracing::instrument(skip_all)]
pub async fn take_over(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let id = path.map(|Path(id)| id).map_err(|_| Problem::not_found())?;
    api.require_write()?;
    take_over_set(&state, &api.user, id).await?;
    let org = organisation(&api.user)?;
    tracing::info!(event = "requirements_taken_over", actor = %api.user.user_id, application_id = %id, via = "api", "algoritmekader");
    Ok(Json(requirements_body(&state, org, id).await?))
}

/// A requirement set aside (`not_applicable_reason`: why, 10 to 2000 characters) or applicable again (null),
/// by whoever manages the registration, as on the tab.
#[tracing::instrument(skip_all)]
pub async fn update_requirement(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<(Uuid, String)>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let (id, req) = path.map(|Path(p)| p).map_err(|_| Problem::not_found())?;
    api.require_write()?;
    let kader = kader()?;
    kader.requirement(&req).ok_or_else(Problem::not_found)?;
    let obj = object(&headers, &body, "de `not_applicable_reason`")?;
    let mut errors = Vec::new();
    let mut reason = None;
    for (key, value) in &obj {
        match (key.as_str(), value) {
            ("not_applicable_reason", Value::Null) => {}
            ("not_applicable_reason", Value::String(s)) => match check_reason(s) {
                Ok(r) => reason = Some(r),
                Err(e) => return Err(invalid(&e, &[("reason", "not_applicable_reason")])),
            },
            ("not_applicable_reason", _) => errors.push(FieldError {
                field: key.clone(),
                message: "`not_applicable_reason` moet tekst zijn (of null: weer van toepassing).".into(),
            }),
            (k, _) => errors.push(FieldError { field: k.to_string(), message: format!("Onbekend veld `{k}`.") }),
        }
    }
    if !obj.contains_key("not_applicable_reason") {
        errors.push(FieldError {
            field: "not_applicable_reason".into(),
            message: "Geef `not_applicable_reason`: de reden, of null als de vereiste weer van toepassing is.".into(),
        });
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    // Only a requirement the tab lists (taken over and applicable): the others are not offered there either.
    let org = organisation(&api.user)?;
    let listed =
        store::requirements(&state.pool, org, Some(id)).await?.iter().any(|r| r.requirement == req && r.applicable);
    if !listed {
        return Err(Problem::not_found());
    }
    set_reason(&state, &api.user, id, &req, reason.as_deref()).await?;
    let body = requirements_body(&state, org, id).await?;
    let found = body["requirements"].as_array().and_then(|a| a.iter().find(|r| r["id"] == req.as_str()).cloned());
    Ok(Json(found.ok_or_else(Problem::not_found)?))
}

/// The fields of a measure's JSON body as the tab's form sends them, and the fields whose value has a format
/// (no blank strings: null is "none").
const MEASURE_TEXT: [(&str, &str); 5] = [
    ("status", "status"),
    ("reason", "reason"),
    ("owner_id", "owner"),
    ("evidence", "evidence"),
    ("evidence_url", "evidence_url"),
];
const MEASURE_STRICT: [&str; 4] = ["status", "owner_id", "evidence_url", "review_date"];

fn measure_form(headers: &HeaderMap, body: &[u8]) -> Result<FormData, Problem> {
    let obj = object(headers, body, "de maatregel")?;
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    let mut version = None;
    for (key, value) in &obj {
        let mut err = |message: String| errors.push(FieldError { field: key.clone(), message });
        let form_key = MEASURE_TEXT.iter().find(|(k, _)| *k == key.as_str()).map(|(_, f)| *f);
        match (key.as_str(), value) {
            ("version", Value::Number(n)) => match n.as_i64().and_then(|n| i32::try_from(n).ok()).filter(|n| *n >= 0) {
                Some(v) => version = Some(v),
                None => err("`version` moet een geheel getal van 0 of meer zijn (0 voor een maatregel die nog nooit is opgeslagen).".into()),
            },
            ("version", _) => err("`version` moet een geheel getal zijn.".into()),
            (k, Value::String(s))
                if MEASURE_STRICT.contains(&k) && (s.is_empty() || s.contains(char::is_whitespace)) =>
            {
                err(format!("`{k}` moet een waarde zonder spaties zijn (of null)."))
            }
            ("review_date", Value::String(s)) => pairs.push(("review_date".to_string(), s.clone())),
            ("review_date", Value::Null) => {}
            (_, Value::String(s)) if form_key.is_some() => {
                pairs.push((form_key.unwrap_or_default().to_string(), s.clone()))
            }
            (_, Value::Null) if form_key.is_some() => {}
            (k, _) if form_key.is_some() || k == "review_date" => err(format!("`{k}` moet tekst zijn (of null).")),
            (k, _) => err(format!("Onbekend veld `{k}`.")),
        }
    }
    match version {
        Some(v) => pairs.push(("version".into(), v.to_string())),
        None if !errors.iter().any(|e| e.field == "version") => errors.push(FieldError {
            field: "version".into(),
            message: "Geef de `version` mee die u las (0 voor een maatregel die nog nooit is opgeslagen).".into(),
        }),
        None => {}
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(FormData::from_pairs(pairs))
}

/// A measure's status, reason, owner, evidence (text and link; an uploaded file stays) and review date, with
/// the `version` read: the tab's checks (gereed only with evidence, niet van toepassing only with a reason, an
/// owner from the RASCI), its roles (who looks after the registration and its RASCI people) and its audit event
/// `application.measure_updated`.
#[tracing::instrument(skip_all)]
pub async fn update_measure(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<(Uuid, String)>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let (id, mtr) = path.map(|Path(p)| p).map_err(|_| Problem::not_found())?;
    api.require_write()?;
    let org = organisation(&api.user)?;
    let kader = kader()?;
    let m = kader.measure(&mtr).ok_or_else(Problem::not_found)?;
    let form = measure_form(&headers, &body)?;
    let mut tx = state.pool.begin().await?;
    let app = apps::lock(&mut tx, org, id).await?.ok_or_else(Problem::not_found)?;
    if !can_work(&api.user, &app) {
        tracing::warn!(event = "authz_denied", user_id = %api.user.user_id, action = "api_measure_write", "measure change refused");
        return Err(AppError::Forbidden.into());
    }
    let (old_doc, old_name, _) = store::evidence_file(&mut tx, id, &m.id).await?.unwrap_or((None, None, 0));
    let mut update =
        check_measure(&form, &app, old_doc.is_some()).map_err(|e| invalid(&e, &[("owner", "owner_id")]))?;
    update.measure = &m.id;
    record(&mut tx, &api.user, &app, m, &update, (old_doc, old_name.as_deref()), None).await?;
    tx.commit().await?;
    tracing::info!(event = "measure_updated", actor = %api.user.user_id, application_id = %id, measure = %m.id, via = "api", "algoritmekader");
    let rows = store::measures(&state.pool, org, Some(id)).await?;
    let view = view::measure_view(m, rows.iter().find(|r| r.measure == m.id));
    Ok(Json(measure(kader, id, &view, &rows)))
}

/// A measure's evidence file, for whoever may see the registration.
#[tracing::instrument(skip_all)]
pub async fn evidence(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<(Uuid, String)>, PathRejection>,
) -> ApiResult<Response> {
    let (id, mtr) = path.map(|Path(p)| p).map_err(|_| Problem::not_found())?;
    let (org, _) = load(&state, &api.user, id).await?;
    let mut conn = state.pool.acquire().await?;
    let (doc, _, _) = store::evidence_file(&mut conn, id, &mtr).await?.ok_or_else(Problem::not_found)?;
    Ok(crate::assessments::document::serve(&mut *conn, org, doc.ok_or_else(Problem::not_found)?).await?)
}
