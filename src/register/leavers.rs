//! Leavers (issue 19, item 6): deactivating an account ends the person's sessions and revokes their API
//! tokens at once, in one transaction with its audit event, whether a beheerder does it on the Gebruikers
//! page or the identity provider through SCIM. Their registrations and history stay; a registration whose
//! owner has left says so, and the CISO gets a task to assign a new owner (tasks::leavers).

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};

/// What a deactivation ended.
#[derive(Debug, Clone, Copy)]
pub struct Departure {
    pub sessions_ended: u64,
    pub api_tokens_revoked: u64,
    pub registrations_owned: i64,
}

/// Deactivate the account (in the caller's transaction) with its audit event; None when it already was.
/// `organisation_id` is where the event is recorded (the organisation that did it).
pub async fn deactivate(
    conn: &mut PgConnection,
    user_id: Uuid,
    organisation_id: Option<Uuid>,
    actor: &Actor,
) -> sqlx::Result<Option<Departure>> {
    let done = sqlx::query!(
        "update app_user set active = false, deactivated_at = now(), version = version + 1 where user_id = $1 and active",
        user_id
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    let sessions = sqlx::query!("delete from session where user_id = $1", user_id).execute(&mut *conn).await?;
    // Revoked for good: a reactivated account starts without them.
    let tokens =
        sqlx::query!("update api_token set revoked_at = now() where user_id = $1 and revoked_at is null", user_id)
            .execute(&mut *conn)
            .await?;
    sqlx::query!("delete from account_token where user_id = $1", user_id).execute(&mut *conn).await?;
    let owned = sqlx::query_scalar!(r#"select count(*) as "n!" from application where owner_id = $1"#, user_id)
        .fetch_one(&mut *conn)
        .await?;
    let departure = Departure {
        sessions_ended: sessions.rows_affected(),
        api_tokens_revoked: tokens.rows_affected(),
        registrations_owned: owned,
    };
    let after = json!({
        "active": false,
        "sessions_ended": departure.sessions_ended,
        "api_tokens_revoked": departure.api_tokens_revoked,
        "registrations_owned": owned,
        "via": actor.origin,
    });
    record(conn, organisation_id, actor, "user.deactivated", user_id, after).await?;
    tracing::info!(event = "user_deactivated", user_id = %user_id, sessions_ended = departure.sessions_ended, api_tokens_revoked = departure.api_tokens_revoked, "user deactivated");
    Ok(Some(departure))
}

/// Make the account active again (a lock is lifted too), with its audit event; false when it already was.
pub async fn reactivate(
    conn: &mut PgConnection,
    user_id: Uuid,
    organisation_id: Option<Uuid>,
    actor: &Actor,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update app_user set active = true, deactivated_at = null, failed_logins = 0, locked_until = null, lock_count = 0,
                version = version + 1 where user_id = $1 and not active",
        user_id
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    record(conn, organisation_id, actor, "user.reactivated", user_id, json!({ "active": true, "via": actor.origin }))
        .await?;
    tracing::info!(event = "user_reactivated", user_id = %user_id, "user reactivated");
    Ok(true)
}

async fn record(
    conn: &mut PgConnection,
    organisation_id: Option<Uuid>,
    actor: &Actor,
    action: &str,
    user_id: Uuid,
    after: serde_json::Value,
) -> sqlx::Result<()> {
    let event = Event::about(organisation_id, actor, action, ("user", user_id)).change(None, Some(after));
    audit::record(conn, event).await.map(|_| ())
}
