//! The CISO's own risk level instead of the derived one (or back to the derived one), with a motivation.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::forms::RiskOverrideInput;
use crate::AppState;
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::form::FormData;
use crate::register::store;

/// The CISO overrides (or restores) the derived risk level, with a motivation.
#[tracing::instrument(skip_all)]
pub async fn risk_override(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = user.require(Role::Ciso, "override_risk_level")?;
    let form = FormData::parse(&body);
    let input = match RiskOverrideInput::try_from(&form) {
        Ok(input) => input,
        Err(errors) => {
            return super::show::tab_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, &form).await;
        }
    };
    let mut tx = state.pool.begin().await?;
    let before = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    if before.version != input.version {
        return Err(AppError::Conflict(
            "De registratie is intussen gewijzigd. Open haar opnieuw en bekijk de wijzigingen voordat u het risiconiveau aanpast.".into(),
        ));
    }
    let (lvl, mot, by) = match input.level {
        Some(level) => (Some(level.as_str()), Some(input.motivation), Some(user.user_id)),
        None => (None, None, None),
    };
    sqlx::query!(
        "update application set risk_level_override = $3, risk_override_motivation = $4, risk_override_by = $5,
                version = version + 1
         where application_id = $1 and organisation_id = $2",
        id,
        org,
        lvl,
        mot.as_deref(),
        by
    )
    .execute(&mut *tx)
    .await?;
    let after = store::get_in(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    store::record(&mut tx, &Actor::from(&user), "application.risk_override", Some(&before), &after).await?;
    crate::register::roles_needed::announce_raised_risk(&mut tx, &before, &after, user.user_id).await?;
    tx.commit().await?;
    let msg = match input.level {
        Some(l) => format!("Het risiconiveau is vastgesteld op {}.", l.label().to_lowercase()),
        None => "Het afgeleide risiconiveau geldt weer.".to_string(),
    };
    session::flash_redirect(&state.pool, &user, &msg, &format!("/register/{id}")).await
}
