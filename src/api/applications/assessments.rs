//! Assessments as the API shows them, with their confirmation (issue 18, item 4): in a registration's workflow,
//! and the list of those waiting for the token user's confirmation.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::rfc3339;
use crate::AppState;
use crate::api::ApiUser;
use crate::api::problem::ApiResult;
use crate::applications::organisation;

struct Row {
    assessment_id: Uuid,
    application_id: Uuid,
    application_name: String,
    kind: String,
    other_name: Option<String>,
    status: String,
    completed_on: Option<Date>,
    confirmation: Option<String>,
    recorded_by: Option<String>,
    confirmed_by: Option<String>,
    confirmed_at: Option<OffsetDateTime>,
    returned_reason: Option<String>,
    returned_by: Option<String>,
    returned_at: Option<OffsetDateTime>,
}

/// One organisation's assessments: of one registration, or (with `waiting_kinds`) those of these kinds that
/// wait for confirmation and were not recorded by `not_by`.
async fn rows(
    conn: &mut sqlx::PgConnection,
    org: Uuid,
    application: Option<Uuid>,
    waiting_kinds: Option<&[&str]>,
    not_by: Option<Uuid>,
) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as!(
        Row,
        r#"select s.assessment_id, s.application_id, a.name as application_name, s.kind, s.other_name, s.status,
                  s.completed_on, s.confirmation, rec.name as "recorded_by?", con.name as "confirmed_by?",
                  s.confirmed_at, s.returned_reason, ret.name as "returned_by?", s.returned_at
             from assessment s join application a using (application_id)
                  left join app_user rec on rec.user_id = s.recorded_by
                  left join app_user con on con.user_id = s.confirmed_by
                  left join app_user ret on ret.user_id = s.returned_by
            where a.organisation_id = $1 and ($2::uuid is null or s.application_id = $2)
              and ($3::text[] is null or (s.confirmation = 'ter_bevestiging' and s.kind = any($3)
                                          and s.recorded_by is distinct from $4))
            order by s.created_at"#,
        org,
        application,
        waiting_kinds as Option<&[&str]>,
        not_by
    )
    .fetch_all(&mut *conn)
    .await
}

fn to_json(r: Row) -> Value {
    json!({
        "id": r.assessment_id,
        "application_id": r.application_id,
        "application_name": r.application_name,
        "kind": r.kind,
        "other_name": r.other_name,
        "status": r.status,
        "completed_on": r.completed_on.map(|d| d.to_string()),
        "confirmation": r.confirmation,
        "confirmer_role": crate::register::confirmation::confirmer(&r.kind).as_str(),
        "recorded_by": r.recorded_by,
        "confirmed_by": r.confirmed_by,
        "confirmed_at": r.confirmed_at.map(rfc3339),
        "returned_reason": r.returned_reason,
        "returned_by": r.returned_by,
        "returned_at": r.returned_at.map(rfc3339),
    })
}

/// A registration's assessments with their confirmation, for its workflow.
pub async fn of_application(conn: &mut sqlx::PgConnection, org: Uuid, id: Uuid) -> sqlx::Result<Vec<Value>> {
    Ok(rows(conn, org, Some(id), None, None).await?.into_iter().map(to_json).collect())
}

/// The assessments that wait for the token user's confirmation: as FG the DPIAs, Pre-scans and DTIAs, as CISO
/// the other kinds; never those the user recorded.
#[tracing::instrument(skip_all)]
pub async fn confirmations(State(state): State<AppState>, api: ApiUser) -> ApiResult<Json<Value>> {
    let org = organisation(&api.user)?;
    let all = ["prescan_dpia", "dpia", "iama", "fraia", "aiia", "dtia", "kia", "bio_quickscan", "anders"];
    let kinds: Vec<&str> =
        all.into_iter().filter(|k| api.user.has_role(crate::register::confirmation::confirmer(k))).collect();
    let mut conn = state.pool.acquire().await?;
    let items: Vec<Value> = if kinds.is_empty() {
        Vec::new()
    } else {
        rows(&mut conn, org, None, Some(&kinds), Some(api.user.user_id)).await?.into_iter().map(to_json).collect()
    };
    Ok(Json(json!({ "items": items })))
}
