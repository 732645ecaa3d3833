//! Where a registration stands, as the API shows it: status, gates, decisions, advice, consent, evaluations.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{app_id, rfc3339};
use crate::AppState;
use crate::api::ApiUser;
use crate::api::problem::ApiResult;
use crate::applications::load;
use crate::register::gates::{self, Stage};

#[derive(sqlx::FromRow)]
struct Event {
    kind: String,
    value: String,
    note: Option<String>,
    by: Option<String>,
    at: OffsetDateTime,
    current: bool,
}

/// Where a registration stands: status, the gates at submission and approval, decisions, advice, consent
/// and evaluations.
#[tracing::instrument(skip_all)]
pub async fn workflow(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let (_, app) = load(&state, &api.user, app_id(path)?).await?;
    let mut conn = state.pool.acquire().await?;
    let facts = crate::register::facts::load(&mut conn, &app).await?;
    let gate_list = |stage| -> Vec<Value> {
        gates::evaluate(&facts, stage)
            .into_iter()
            .map(|(gate, open)| json!({ "gate": gate, "satisfied": open.is_none(), "missing": open }))
            .collect()
    };
    let events: Vec<Event> = sqlx::query_as!(
        Event,
        r#"with round as (select coalesce(submitted_at, '-infinity') as since from application where application_id = $1)
         select 'decision' as "kind!", d.decision as "value!", d.note as "note?", u.name as "by?",
                d.decided_at as "at!", true as "current!"
           from review_decision d left join app_user u on u.user_id = d.decided_by where d.application_id = $1
         union all
         select 'fg_advice', v.advice, v.note, u.name, v.given_at, v.given_at >= (select since from round)
           from fg_advice v left join app_user u on u.user_id = v.given_by where v.application_id = $1
         union all
         select 'consent', case when c.consent then 'ja' else 'nee' end, c.note, u.name, c.given_at,
                c.given_at >= (select since from round)
           from management_consent c left join app_user u on u.user_id = c.given_by where c.application_id = $1
         union all
         select 'evaluation', e.outcome, e.note, u.name, e.created_at, true
           from evaluation e left join app_user u on u.user_id = e.evaluated_by where e.application_id = $1
         order by 5 desc"#,
        app.id
    )
    .fetch_all(&mut *conn)
    .await?;
    let of_kind = |kind: &str| -> Vec<Value> {
        events
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| {
                json!({ "value": e.value, "note": e.note, "by": e.by, "at": rfc3339(e.at), "current_round": e.current })
            })
            .collect()
    };
    let approved = crate::register::approved::load(&mut conn, app.id).await?;
    let status = app.status;
    // What the registration form says is still needed before submitting (fields and gates), as the web shows it.
    let missing: Vec<Value> = if status.is_submittable() {
        crate::register::facts::submission_missing(&mut conn, &app)
            .await?
            .into_iter()
            .map(|m| json!({ "field": m.anchor, "message": m.text }))
            .collect()
    } else {
        Vec::new()
    };
    let assessments = super::assessments::of_application(&mut conn, app.organisation_id, app.id).await?;
    let mut body = json!({
        "submission_missing": missing,
        "assessments": assessments,
        "id": app.id,
        "version": app.version,
        "workflow_status": status.as_str(),
        "workflow_status_label": status.label(),
        "submitted_at": app.doc.get("submitted_at").cloned().unwrap_or(Value::Null),
        "suspended": app.str("suspension_reason").is_some(),
        "suspension_reason": app.str("suspension_reason"),
        "next_evaluation": app.str("next_evaluation"),
        "risk_level": app.str("risk_level"),
        "gates": { "submission": gate_list(Stage::Submission), "approval": gate_list(Stage::Approval) },
        "decisions": of_kind("decision"),
        "fg_advice": of_kind("fg_advice"),
        "consent": of_kind("consent"),
        "evaluations": of_kind("evaluation"),
    });
    for (k, v) in super::approval_state(&app, approved.as_ref()) {
        body[k] = v;
    }
    Ok(Json(body))
}
