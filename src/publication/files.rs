//! The export files as the pages and the REST API hand them out (one registration, the whole register), and
//! who may have them: the CISO and the administrator.

use uuid::Uuid;

use super::algorithm_in::{self, Links};
use super::export::{self, Format};
use super::validate;
use crate::AppState;
use crate::applications::{load, organisation};
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::store::Stored;

pub fn links(state: &AppState) -> Links {
    Links::new(state.config.public_url.as_deref())
}

/// Export, import and the register connection: the CISO and the administrator.
pub fn may_publish(user: &CurrentUser) -> bool {
    user.has_role(Role::Ciso) || user.has_role(Role::Beheerder)
}

pub fn require_publisher(user: &CurrentUser, action: &str) -> AppResult<Uuid> {
    if may_publish(user) {
        return organisation(user);
    }
    tracing::warn!(event = "authz_denied", user_id = %user.user_id, action, "publication action refused");
    Err(AppError::Forbidden)
}

/// One registration's export file (name and bytes), or what the register would refuse in it.
pub async fn one_file(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    format: Format,
) -> AppResult<Result<(String, Vec<u8>), (Stored, Vec<String>)>> {
    let (org, app) = load(state, user, id).await?;
    let info = algorithm_in::org_info(&state.pool, org).await?;
    let entry = export::one(&state.pool, &info, &app, &links(state)).await?;
    let problems = validate::problems(&entry.body);
    if !problems.is_empty() {
        return Ok(Err((app, problems.into_iter().map(|p| p.to_string()).collect())));
    }
    let bytes = export::encode(format, std::slice::from_ref(&entry), false)?;
    Ok(Ok((export::file_name(&info, Some(app.name()), format), bytes)))
}

/// The register export (the published registrations) as a file: name and bytes. CISO and administrator.
pub async fn register_file(state: &AppState, user: &CurrentUser, format: Format) -> AppResult<(String, Vec<u8>)> {
    let org = require_publisher(user, "register_export")?;
    let info = algorithm_in::org_info(&state.pool, org).await?;
    let (entries, skipped) = export::public_entries(&state.pool, &info, &links(state)).await?;
    if !skipped.is_empty() {
        tracing::info!(skipped = skipped.len(), "register export left out registrations that are not valid");
    }
    let bytes = export::encode(format, &entries, true)?;
    Ok((export::file_name(&info, None, format), bytes))
}
