//! The AI policy in the API: its versions (`/policy/versions`, drafts only for who writes them), one version with
//! its text and the token user's acknowledgement, and the coverage of a published version per department with
//! who has not acknowledged it (the CISO, the directie and the administrator, as on the page).

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::ApiUser;
use super::problem::{ApiResult, Problem};
use crate::AppState;
use crate::policy::coverage::{department_of, per_department};
use crate::policy::store::{self, Version};
use crate::policy::{edits, sees_coverage, text};

fn time(t: Option<OffsetDateTime>) -> Value {
    t.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .map(Value::String)
        .unwrap_or(Value::Null)
}

fn summary(v: &Version) -> Value {
    json!({
        "number": v.number,
        "title": v.title,
        "status": v.status,
        "published_on": v.published_on.map(|d| d.to_string()),
        "published_at": time(v.published_at),
        "superseded_at": time(v.superseded_at),
    })
}

fn organisation(api: &ApiUser) -> ApiResult<uuid::Uuid> {
    api.user.organisation_id().ok_or_else(|| Problem::forbidden("Het token hoort bij geen organisatie."))
}

/// A version the token's user may read (a draft only for who writes the policy).
async fn readable(state: &AppState, api: &ApiUser, path: Result<Path<i32>, PathRejection>) -> ApiResult<Version> {
    let n = path.map(|Path(n)| n).map_err(|_| Problem::not_found())?;
    let org = organisation(api)?;
    let v = store::get(&state.pool, org, n).await?.ok_or_else(Problem::not_found)?;
    if v.is_draft() && !edits(api.user.roles()) {
        return Err(Problem::not_found());
    }
    Ok(v)
}

pub async fn list(State(state): State<AppState>, api: ApiUser) -> ApiResult<Json<Value>> {
    let org = organisation(&api)?;
    let editor = edits(api.user.roles());
    let items: Vec<Value> =
        store::list(&state.pool, org).await?.iter().filter(|v| editor || !v.is_draft()).map(summary).collect();
    Ok(Json(json!({ "items": items })))
}

pub async fn read(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<i32>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let v = readable(&state, &api, path).await?;
    let acknowledged = store::acknowledged_at(&state.pool, v.id, api.user.user_id).await?;
    let mut out = summary(&v);
    out["text"] = Value::String(text::to_text(&v.body));
    out["html"] = Value::String(v.body.clone());
    out["acknowledged_at"] = time(acknowledged);
    Ok(Json(out))
}

pub async fn coverage(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<i32>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let v = readable(&state, &api, path).await?;
    if !sees_coverage(api.user.roles()) {
        return Err(Problem::forbidden(
            "Alleen de CISO, de directie en de beheerder zien wie het beleid gelezen heeft.",
        ));
    }
    if v.is_draft() {
        return Err(Problem::not_found());
    }
    let org = organisation(&api)?;
    let mut conn = state.pool.acquire().await?;
    let readers = store::readers(&mut conn, org, &v).await?;
    let (departments, total) = per_department(&readers);
    let missing: Vec<Value> = readers
        .iter()
        .filter(|r| r.acknowledged_at.is_none())
        .map(|r| {
            json!({ "name": r.name, "email": r.email,
                    "department": department_of(r.department.as_deref()).0, "roles": r.roles })
        })
        .collect();
    Ok(Json(json!({
        "number": v.number,
        "audience": { "roles": v.audience_roles, "departments": v.audience_departments },
        "asked": total.asked,
        "acknowledged": total.acknowledged,
        "percent": total.percent,
        "departments": departments,
        "missing": missing,
    })))
}
