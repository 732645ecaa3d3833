//! Account-wide actions on a member: deactivate and reactivate, reset two-factor login, lift a lock, revoke
//! API tokens. Those that reach beyond this organisation need the beheerder role in every organisation the
//! member belongs to.

use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use super::{MemberRow, member, other_admins};
use crate::AppState;
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::auth::users;
use crate::error::{AppError, AppResult};
use crate::register::leavers;

/// Deactivation is account-wide, so it needs the beheerder role in every organisation the user belongs to.
#[tracing::instrument(skip_all)]
pub async fn deactivate(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "deactivate_user")?;
    let target = member(&state.pool, org, id).await?;
    if id == user.user_id {
        return Err(AppError::Conflict("U kunt uw eigen account niet deactiveren. Vraag een andere beheerder.".into()));
    }
    let target_orgs = administers_all(&state, &user, &target, "deactivate_user", "het account te deactiveren").await?;
    let mut tx = state.pool.begin().await?;
    for o in &target_orgs {
        if o.roles.contains(&Role::Beheerder) && other_admins(&mut tx, o.id, id).await? == 0 {
            return Err(AppError::Conflict(format!(
                "{} is de laatste beheerder van {}. Geef eerst iemand anders de rol beheerder.",
                target.name, o.name
            )));
        }
    }
    // Sessions end now, API tokens stop for good, with the audit event: the leavers rule of the domain.
    let gone = leavers::deactivate(&mut tx, id, Some(org), &Actor::from(&user)).await?;
    let ended = gone.map_or(0, |d| d.sessions_ended);
    tx.commit().await?;
    tracing::info!(event = "user_deactivated", actor = %user.user_id, user_id = %id, sessions_ended = ended, "user deactivated");
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("{} is gedeactiveerd en overal uitgelogd.", target.name),
        &format!("/beheer/gebruikers/{id}"),
    )
    .await
}

/// Account-wide actions need the beheerder role in every organisation the target belongs to.
async fn administers_all(
    state: &AppState,
    user: &CurrentUser,
    target: &MemberRow,
    action: &str,
    what: &str,
) -> AppResult<Vec<session::OrgRef>> {
    let target_orgs = session::memberships(&state.pool, target.user_id).await?;
    if target_orgs.iter().any(|o| !user.has_role_in(o.id, Role::Beheerder)) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, target = %target.user_id, action, "target belongs to an organisation the actor does not administer");
        return Err(AppError::Conflict(format!(
            "{} is ook lid van een organisatie waar u geen beheerder bent. Haal de persoon uit deze organisatie (alle rollen uitvinken), \
             of vraag een beheerder van alle organisaties om {what}.",
            target.name
        )));
    }
    Ok(target_orgs)
}

/// For a lost phone: two-factor login is switched off (and recovery codes removed); the user's sessions end.
/// When the organisation requires it, the user sets it up again at the next login.
#[tracing::instrument(skip_all)]
pub async fn reset_mfa(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "reset_mfa")?;
    let target = member(&state.pool, org, id).await?;
    if id == user.user_id {
        return Err(AppError::Conflict(
            "Uw eigen tweestapsverificatie beheert u via Mijn account. Kwijt? Log in met een herstelcode of vraag een andere beheerder."
                .into(),
        ));
    }
    administers_all(&state, &user, &target, "reset_mfa", "de tweestapsverificatie opnieuw in te stellen").await?;
    let mut tx = state.pool.begin().await?;
    crate::auth::totp::disable(&mut tx, id).await?;
    let ended = users::end_sessions(&mut tx, id, None).await?;
    sqlx::query!("update api_token set revoked_at = now() where user_id = $1 and revoked_at is null", id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::warn!(event = "mfa_reset", actor = %user.user_id, user_id = %id, sessions_ended = ended, "two-factor login reset by an administrator");
    session::flash_redirect(
        &state.pool,
        &user,
        &format!(
            "De tweestapsverificatie van {} is uitgeschakeld; de persoon is overal uitgelogd en de API-tokens zijn ingetrokken.",
            target.name
        ),
        &format!("/beheer/gebruikers/{id}"),
    )
    .await
}

/// Lift a lock after failed attempts (the person called: it was them). The next lock starts at 15 minutes again.
#[tracing::instrument(skip_all)]
pub async fn unlock(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "unlock_user")?;
    let target = member(&state.pool, org, id).await?;
    sqlx::query!("update app_user set failed_logins = 0, locked_until = null, lock_count = 0 where user_id = $1", id)
        .execute(&state.pool)
        .await?;
    tracing::warn!(event = "user_unlocked", actor = %user.user_id, user_id = %id, "lock lifted by an administrator");
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("De blokkade van {} is opgeheven; de persoon kan weer inloggen.", target.name),
        &format!("/beheer/gebruikers/{id}"),
    )
    .await
}

/// Stop a member's API tokens for this organisation (a lost laptop, a left colleague's integration).
#[tracing::instrument(skip_all)]
pub async fn revoke_tokens(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "revoke_api_tokens")?;
    let target = member(&state.pool, org, id).await?;
    let done = sqlx::query!(
        "update api_token set revoked_at = now() where user_id = $1 and organisation_id = $2 and revoked_at is null",
        id,
        org
    )
    .execute(&state.pool)
    .await?;
    tracing::warn!(event = "api_tokens_revoked", actor = %user.user_id, user_id = %id, organisation_id = %org, count = done.rows_affected(), "API tokens revoked by an administrator");
    session::flash_redirect(
        &state.pool,
        &user,
        &match done.rows_affected() {
            1 => format!("Het API-token van {} is ingetrokken.", target.name),
            n => format!("De {n} API-tokens van {} zijn ingetrokken.", target.name),
        },
        &format!("/beheer/gebruikers/{id}"),
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn reactivate(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "reactivate_user")?;
    let target = member(&state.pool, org, id).await?;
    let mut tx = state.pool.begin().await?;
    leavers::reactivate(&mut tx, id, Some(org), &Actor::from(&user)).await?;
    tx.commit().await?;
    tracing::info!(event = "user_reactivated", actor = %user.user_id, user_id = %id, "user reactivated");
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("{} is weer actief.", target.name),
        &format!("/beheer/gebruikers/{id}"),
    )
    .await
}
