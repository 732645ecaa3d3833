//! A member's department (issue 22: the coverage of the policy and of AI-literacy per department). The
//! administrator types it or picks one the organisation already uses; it is trimmed, at most 100 characters,
//! empty means none. SCIM may set it too (the enterprise extension). The department belongs to the account, as
//! the provisioning system knows it.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use uuid::Uuid;

use super::{edit_page, field, member};
use crate::AppState;
use crate::audit::{self, Actor};
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::AppResult;
use crate::web::forms::FormErrors;
use crate::web::render_status;

pub const MAX_LEN: usize = 100;

#[tracing::instrument(skip_all)]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "change_department")?;
    let current = member(&state.pool, org, id).await?;
    let mut errors = FormErrors::new();
    let typed = errors.optional("afdeling", "afdeling", field(&pairs, "afdeling"), MAX_LEN);
    if !errors.is_empty() {
        let selected: Vec<Role> = Role::ALL.into_iter().filter(|r| current.has(*r)).collect();
        let mut page = edit_page(&user, current, &selected, errors, None);
        page.department_input = field(&pairs, "afdeling").to_string();
        page.departments = crate::policy::store::departments(&state.pool, org).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let after = Some(typed).filter(|d| !d.is_empty());
    let back = format!("/beheer/gebruikers/{id}");
    if after == current.department {
        return session::flash_redirect(&state.pool, &user, "De afdeling is niet veranderd.", &back).await;
    }
    let mut tx = state.pool.begin().await?;
    // A change of the account: its version moves on (SCIM's ETag, the roles form's check).
    sqlx::query!("update app_user set department = $2, version = version + 1 where user_id = $1", id, after.as_deref())
        .execute(&mut *tx)
        .await?;
    let actor = Actor::from(&user);
    let event = audit::Event::about(Some(org), &actor, "user.department_changed", ("user", id))
        .change(Some(json!({ "department": current.department })), Some(json!({ "department": after })));
    audit::record(&mut tx, event).await?;
    tx.commit().await?;
    tracing::info!(event = "department_changed", actor = %user.user_id, user_id = %id, "department changed");
    let done = match &after {
        Some(d) => format!("De afdeling van {} is nu {d}.", current.name),
        None => format!("{} heeft nu geen afdeling.", current.name),
    };
    session::flash_redirect(&state.pool, &user, &done, &back).await
}
