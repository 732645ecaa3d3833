//! Starting a questionnaire: a new assessment record with the questionnaire attached, or the one already open.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::{KINDS, definition, locked_app};
use crate::AppState;
use crate::applications::organisation;
use crate::audit::Actor;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::store;

/// Start a questionnaire: a new assessment record (in uitvoering) with the questionnaire attached.
#[tracing::instrument(skip_all)]
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(Uuid, String)>,
) -> AppResult<Response> {
    let (_, assessment_kind, _) = *KINDS.iter().find(|(k, _, _)| *k == kind).ok_or(AppError::NotFound)?;
    let def = definition(&kind)?;
    organisation(&user)?;
    let mut tx = state.pool.begin().await?;
    let (_, app) = locked_app(&mut tx, &user, id).await?;
    let open: Option<Uuid> = sqlx::query_scalar!(
        "select questionnaire_id from questionnaire where application_id = $1 and kind = $2 and status = 'in_uitvoering'
         order by created_at limit 1",
        id,
        &kind
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(qid) = open {
        drop(tx);
        let message = format!("Er is al een {} in uitvoering; u gaat daarmee verder.", def.name);
        return session::flash_redirect(&state.pool, &user, &message, &format!("/register/{id}/vragenlijst/{qid}"))
            .await;
    }
    let assessment_id = Uuid::now_v7();
    sqlx::query!(
        "insert into assessment (assessment_id, application_id, kind, status, started_on, performed_by, created_by)
         values ($1, $2, $3, 'in_uitvoering', $4, $5, $6)",
        assessment_id,
        id,
        assessment_kind,
        crate::web::today(),
        &user.name,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    let qid = Uuid::now_v7();
    sqlx::query!(
        "insert into questionnaire (questionnaire_id, assessment_id, application_id, kind, definition_name, definition_version, started_by, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $7)",
        qid,
        assessment_id,
        id,
        &kind,
        &def.name,
        &def.version,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    let line = format!("{} {} gestart (vragenlijst)", def.name, def.version);
    store::record_note(&mut tx, &Actor::from(&user), "application.assessment_added", &app, ("assessment", &line))
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/register/{id}/vragenlijst/{qid}")).into_response())
}
