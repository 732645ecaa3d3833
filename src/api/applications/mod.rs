//! The API's endpoints. Each reuses the web's domain code and guards: the register list's search and filters,
//! the registration form's validation (so a draft made through the API is checked exactly like one typed
//! into the form), the workflow's gates, the publication export.
//!
//! Here the account, list, read and create handlers; `filter` reads the list's query string, `json_form` a
//! new draft's body, `workflow` and `export` answer their own endpoints.

mod assessments;
mod export;
mod filter;
mod json_form;
mod workflow;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::ApiUser;
use super::problem::{ApiResult, FieldError, Problem};
use crate::AppState;
use crate::applications::{load, organisation};
use crate::audit::Actor;
use crate::register::approved::{self, Approved, change_in_review};
use crate::register::checklist::{self, Party};
use crate::register::fields::{FIELDS, Kind};
use crate::register::lifecycle::{self, Ctx, Draft};
use crate::register::search::{self, PAGE_SIZE};
use crate::register::store::Stored;
use crate::web::forms::FormErrors;
use filter::{query_problem, to_filter};

pub use assessments::confirmations;
pub use export::{ExportQuery, export_one, export_register};
pub use filter::{EVALUATIE, INCIDENT, ListQuery, RISICO, SORTEER, TOETS};
pub use json_form::form_from_json;
pub use workflow::workflow;

/// Who the token belongs to, and what it may do.
pub async fn me(api: ApiUser) -> Json<Value> {
    let org = api.user.organisation.as_ref();
    Json(json!({
        "user_id": api.user.user_id,
        "name": api.user.name,
        "email": api.user.email,
        "organisation": org.map(|o| json!({ "id": o.id, "name": o.name, "code": o.code })),
        "roles": api.user.roles().iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "can_write": api.can_write,
    }))
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The register list with the web's search, filters and sorting, 25 per page.
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = query.map_err(query_problem)?;
    let f = to_filter(q)?;
    let org = organisation(&api.user)?;
    let listing = search::list(&state.pool, org, &f).await?;
    let page = f.pagina.unwrap_or(1).clamp(1, 100_000);
    let (total, capped, pages) = (listing.total, listing.capped, listing.pages());
    let items: Vec<Value> = listing
        .rows
        .into_iter()
        .map(|r| {
            json!({
                "id": r.application_id,
                "name": r.name,
                "description_short": crate::register::richtext::plain_text(&r.description_short),
                "provider": r.provider,
                "workflow_status": r.workflow_status,
                "risk_level": r.risk_level,
                "ai_act_risk_group": r.ai_act_risk_group,
                "department": r.department,
                "next_evaluation": r.next_evaluation.map(|d| d.to_string()),
                "suspended": r.suspension_reason.is_some(),
                "updated_at": rfc3339(r.updated_at),
            })
        })
        .collect();
    Ok(Json(json!({
        "items": items,
        "total": total,
        "total_capped": capped,
        "page": page,
        "page_size": PAGE_SIZE,
        "pages": pages,
    })))
}

/// The approved version (register::approved): its status and date, null if never approved; and whether a
/// change of the approved tool is in review (then the approved version governs the allowed-tools list).
pub fn approval_state(app: &Stored, approved: Option<&Approved>) -> [(&'static str, Value); 2] {
    let version = approved.map(|v| {
        json!({ "status": v.status.as_str(), "status_label": v.status.label(), "approved_at": rfc3339(v.approved_at),
                "decision_id": v.decision_id })
    });
    [("approved_version", json!(version)), ("change_in_review", json!(change_in_review(app.status, approved)))]
}

/// A registration with its approval state, as `read` answers.
async fn full_representation(state: &AppState, app: &Stored) -> ApiResult<Value> {
    let approved = approved::load(&mut *state.pool.acquire().await?, app.id).await?;
    let mut body = representation(app);
    for (k, v) in approval_state(app, approved.as_ref()) {
        body[k] = v;
    }
    Ok(body)
}

/// A registration as the API shows it: bookkeeping, the catalogue's fields, the RASCI.
pub fn representation(app: &Stored) -> Value {
    let doc = &app.doc;
    let fields: Map<String, Value> =
        FIELDS.iter().map(|f| (f.key.to_string(), doc.get(f.key).cloned().unwrap_or(Value::Null))).collect();
    let rasci: Vec<Value> = app
        .rasci
        .iter()
        .map(|r| json!({ "letter": r.letter.to_string(), "user_id": r.user_id, "function": r.function_name }))
        .collect();
    let get = |k: &str| doc.get(k).cloned().unwrap_or(Value::Null);
    json!({
        "id": app.id,
        "version": app.version,
        "workflow_status": app.status.as_str(),
        "workflow_status_label": app.status.label(),
        "risk_level": get("risk_level"),
        "suspension_reason": get("suspension_reason"),
        "created_at": get("created_at"),
        "updated_at": get("updated_at"),
        "submitted_at": get("submitted_at"),
        "fields": fields,
        "rasci": rasci,
    })
}

fn app_id(path: Result<Path<Uuid>, PathRejection>) -> ApiResult<Uuid> {
    path.map(|Path(id)| id).map_err(|_| Problem::not_found())
}

#[tracing::instrument(skip_all)]
pub async fn read(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let (_, app) = load(&state, &api.user, app_id(path)?).await?;
    Ok(Json(full_representation(&state, &app).await?))
}

/// The checklist follows the same split as the forms: the CISO's items only from a CISO.
fn ciso_items_refused(user: &crate::auth::session::CurrentUser, draft: &Draft) -> Option<FieldError> {
    if user.has_role(crate::auth::roles::Role::Ciso) {
        return None;
    }
    let ticked = checklist::ticked(&draft.values);
    let theirs: Vec<&str> = ticked.iter().map(String::as_str).filter(|i| checklist::party(i) == Party::Ciso).collect();
    (!theirs.is_empty()).then(|| FieldError {
        field: "checklist".into(),
        message: format!(
            "Deze punten van de checklist vinkt de CISO af bij de beoordeling, niet de indiener: {}.",
            theirs.join(", ")
        ),
    })
}

/// Create a draft (concept): the registration form's validation, its audit event, the caller as owner.
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    api: ApiUser,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    api.require_write()?;
    crate::api::require_json(&headers, "de registratie")?;
    let user = &api.user;
    let org = organisation(user)?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        Problem::bad_request(format!("De body is geen geldige JSON (regel {}, kolom {}).", e.line(), e.column()))
    })?;
    let (form, mut list) = form_from_json(&value);
    if list.iter().any(|e| e.field.is_empty()) {
        return Err(Problem::invalid(list));
    }
    let members = crate::register::people::for_forms(&state.pool, org, &[&form]).await?;
    let validated = Draft::validate(&form, &members);
    // A field already named for its JSON type is not named again (e.g. as missing).
    for (f, m) in validated.as_ref().err().into_iter().flat_map(FormErrors::iter) {
        let field = field_name(f);
        if !list.iter().any(|e| e.field == field) {
            list.push(FieldError { field, message: api_message(f, m) });
        }
    }
    if let Ok(draft) = &validated {
        list.extend(ciso_items_refused(user, draft));
    }
    let mut draft = match validated {
        Ok(draft) if list.is_empty() => draft,
        _ => return Err(Problem::invalid(list)),
    };
    draft.owned_by_default(user.user_id);
    // As the web form shows them before saving: a client can warn about a possible duplicate.
    let similar = search::similar(&state.pool, org, draft.name(), None).await?;
    let actor = Actor::from(user);
    let ctx = Ctx { org, actor: &actor };
    let mut tx = state.pool.begin().await?;
    let stored = lifecycle::create(&mut tx, &ctx, Some(user.user_id), &draft, false).await?;
    tx.commit().await?;
    tracing::info!(event = "application_created", actor = %user.user_id, application_id = %stored.id, via = "api", "application registered");
    let mut body = representation(&stored);
    for (k, v) in approval_state(&stored, None) {
        body[k] = v;
    }
    body["similar"] = similar
        .iter()
        .map(|s| json!({ "id": s.application_id, "name": s.name, "workflow_status": s.workflow_status, "provider": s.provider }))
        .collect();
    Ok(crate::api::created(&format!("/api/v1/applications/{}", stored.id), body))
}

/// The form's message, with the values a choice field takes: a client cannot see the form's options.
fn api_message(key: &str, message: &str) -> String {
    let options = FIELDS.iter().find(|f| f.key == key).and_then(|f| match f.kind {
        Kind::Choice(o) | Kind::Multi(o) => Some(o),
        _ => None,
    });
    match options {
        Some(o) if message.starts_with("Kies") => {
            format!("{message} Toegestaan: {}.", o.iter().map(|o| o.value).collect::<Vec<_>>().join(", "))
        }
        _ => message.to_string(),
    }
}

/// The form's error keys, as the API's field names (`rasci_A` → `rasci`).
fn field_name(key: &str) -> String {
    if key.starts_with("rasci_") { "rasci".into() } else { key.to_string() }
}
