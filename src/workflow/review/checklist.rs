//! The CISO ticks the CISO's items of the checklist "Verantwoorde inzet" (risk analysis, privacy, measures,
//! supplier agreements) during the review; the owner's items are ticked in the registration form.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use super::{ANOTHER_CISO, done, refuse_party};
use crate::AppState;
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::checklist;
use crate::register::form::FormData;
use crate::register::store;

#[tracing::instrument(skip_all)]
pub async fn tick(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = user.require(Role::Ciso, "tick_checklist")?;
    let input = FormData::parse(&body);
    let mut tx = state.pool.begin().await?;
    let before = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    if !before.status.is_in_review() {
        return Err(AppError::Conflict(format!(
            "De checklist van de CISO wordt afgevinkt tijdens de beoordeling; {} is nu „{}”.",
            before.name(),
            before.status.label()
        )));
    }
    refuse_party(&user, &before, "tick_checklist", ANOTHER_CISO)?;
    let seen: i32 = input.get("version").parse().unwrap_or(-1);
    let posted: Vec<String> = input.all("checklist").into_iter().map(str::to_string).collect();
    let actor = Actor::from(&user);
    let after = checklist::set_ciso_items(&mut tx, &actor, &before, seen, &posted).await?;
    tx.commit().await?;
    tracing::info!(event = "checklist_ticked", actor = %user.user_id, application_id = %id, "CISO checklist saved");
    done(&state, &user, id, &format!("De checklist van de CISO voor {} is opgeslagen.", after.name())).await
}
