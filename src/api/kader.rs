//! The Algoritmekader through the API (issue 23), read only: per registration the applicable requirements with
//! their measures (`GET /applications/{id}/requirements`, for whoever may see the registration), and what is
//! open across the register (`GET /requirements/open`, for those who see the whole register, as `/vereisten`).
//! Measures are changed on the registration's tab "Vereisten".

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use uuid::Uuid;

use super::ApiUser;
use super::problem::{ApiResult, Problem};
use crate::AppState;
use crate::applications::load;
use crate::error::AppError;
use crate::kader::reference::Kader;
use crate::kader::store::{self, MeasureRow};
use crate::kader::view::{self, RequirementView};

fn kader() -> Result<&'static Kader, Problem> {
    crate::kader::load().map_err(|e| Problem::from(AppError::Internal(anyhow::anyhow!(e))))
}

fn text(s: &str) -> Value {
    if s.is_empty() { Value::Null } else { json!(s) }
}

/// One requirement with its measures as the API shows them (raw values: status codes, ISO dates).
fn requirement(kader: &Kader, id: Uuid, r: &RequirementView, rows: &[MeasureRow]) -> Value {
    let measures: Vec<Value> = r
        .measures
        .iter()
        .map(|m| {
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
                "evidence_file": file.map(|n| json!({ "name": n, "url": format!("/register/{id}/maatregelen/{}/bewijs", m.id) })),
                "review_date": row.and_then(|x| x.review_date).map(|d| d.to_string()),
                "version": m.version,
                "criteria": m.criteria,
            })
        })
        .collect();
    json!({
        "id": r.id,
        "title": r.title,
        "lifecycle": r.phases,
        "not_applicable_reason": r.reason,
        "open_measures": r.open,
        "measures": measures,
    })
}

#[tracing::instrument(skip_all)]
pub async fn requirements(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let id = path.map(|Path(id)| id).map_err(|_| Problem::not_found())?;
    let (org, _) = load(&state, &api.user, id).await?;
    let kader = kader()?;
    let reqs = store::requirements(&state.pool, org, Some(id)).await?;
    let rows = store::measures(&state.pool, org, Some(id)).await?;
    let views = view::requirements(kader, id, &reqs, &rows);
    let mut conn = state.pool.acquire().await?;
    let gate = crate::register::facts::kader_gate_enabled(&mut conn, id).await?;
    Ok(Json(json!({
        "algoritmekader": { "version": kader.version, "sha256": kader.sha256 },
        "approval_gate": gate,
        "requirements": views.iter().map(|r| requirement(kader, id, r, &rows)).collect::<Vec<_>>(),
    })))
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
