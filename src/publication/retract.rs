//! Retract from the national register ("Intrekken", `DELETE …/published-algorithms/{lars}/retract`): a
//! registration that is published there but no longer public here (withdrawn, unmarked, or its status no
//! longer one that is published) is taken out, on demand from the publication tab and every ten minutes by the
//! server for organisations whose connection needs nobody to type a password. The register is called first;
//! only when it agreed is the local sync state changed, with its audit event, in one transaction. A refusal or
//! an unreachable register is kept as the sync state's last error and changes nothing else.

use std::time::Duration;

use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::upload::{self, Client, Connection, UploadError};
use crate::audit::Actor;
use crate::config::WebConfig;
use crate::error::{AppError, AppResult};
use crate::register::store;

/// How the client logs in: the rate window and the secrets the server or the user give.
pub struct Access {
    pub window: Duration,
    pub secret: Option<String>,
    pub password: Option<String>,
}

impl Access {
    pub fn from_config(config: &WebConfig, typed_password: Option<String>) -> Access {
        Access {
            window: config.register_rate_window,
            secret: config.register_client_secret.as_ref().map(|s| s.expose().to_string()),
            password: config.register_password.as_ref().map(|s| s.expose().to_string()).or(typed_password),
        }
    }
}

/// One registration that is published in the register: id, name and algorithm ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub id: Uuid,
    pub name: String,
    pub lars: String,
}

/// Registrations of the organisation that are (as far as we know) published in the register — released by us,
/// or published according to the last reconciliation — and not retracted since, but no longer public here.
/// `unattended` (the server's own run every ten minutes) leaves out those the register refused or could not
/// be reached for in the last six hours: the refusal is on the publication tab, and asking again every ten
/// minutes only fills the log and spends the register's rate limit. By hand they can always be retried.
pub async fn due(pool: &PgPool, org: Uuid, unattended: bool) -> sqlx::Result<Vec<Published>> {
    sqlx::query_as!(
        Published,
        r#"select a.application_id as "id!: Uuid", a.name as "name!: String", a.lars as "lars!: String"
             from application a join register_sync s using (application_id)
            where a.organisation_id = $1 and a.lars is not null and s.state <> 'ingetrokken'
              and (s.released_at is not null or s.state = 'gepubliceerd'
                   or coalesce((s.remote ->> 'published')::boolean, false))
              and not (coalesce(a.publish, false) and a.workflow_status in
                       ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'buiten_gebruik'))
              and not ($2 and s.last_error_at is not null and s.last_error_at > now() - interval '6 hours')
            order by lower(a.name)"#,
        org,
        unattended
    )
    .fetch_all(pool)
    .await
}

/// Retract one registration. The outer error is our own (database); the inner one the register's answer.
pub async fn retract(
    pool: &PgPool,
    conn: &Connection,
    access: &Access,
    actor: &Actor,
    id: Uuid,
    lars: &str,
) -> AppResult<Result<(), UploadError>> {
    let result = async {
        let client = Client::new(conn.clone(), access.window)?.with_secret(access.secret.clone());
        client.login(access.password.as_deref()).await?;
        client.retract(lars).await
    }
    .await;
    let org = conn.organisation_id;
    let mut tx = pool.begin().await?;
    let app = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    match &result {
        Ok(()) => {
            sqlx::query!(
                "update register_sync set state = 'ingetrokken', released_at = null, remote = null,
                        retracted_at = now(), last_error = null, last_error_at = null
                  where application_id = $1",
                id
            )
            .execute(&mut *tx)
            .await?;
            let note = format!("Ingetrokken uit het Algoritmeregister (algoritme-ID {lars})");
            store::record_note(&mut tx, actor, "application.register_retract", &app, ("publication", &note)).await?;
        }
        // Nothing was asked of the register: the page asks for the password or names the missing secret.
        Err(UploadError::NoPassword | UploadError::NoSecret) => {}
        Err(e) => record_failure(&mut tx, org, id, e).await?,
    }
    tx.commit().await?;
    Ok(result)
}

/// Keep the register's refusal (or the reason it could not be reached) on the registration's sync state; the
/// state itself stays what it was.
pub async fn record_failure(conn: &mut PgConnection, org: Uuid, id: Uuid, e: &UploadError) -> sqlx::Result<()> {
    let problems: Vec<Value> = match e {
        UploadError::Invalid(items) => items.iter().map(|(f, m)| json!({"field": f, "message": m})).collect(),
        other => vec![json!({"field": "", "message": other.to_string()})],
    };
    sqlx::query!(
        "insert into register_sync (application_id, organisation_id, state, last_error, last_error_at)
                     values ($1, $2, 'fout', $3, now())
                     on conflict (application_id) do update set last_error = excluded.last_error,
                         last_error_at = excluded.last_error_at",
        id,
        org,
        Value::Array(problems)
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Retract everything that is due, for every organisation whose connection logs in without a person (client
/// credentials with the server's secret, or the password grant with the password in the environment).
/// Returns (retracted, failed).
pub async fn retract_withdrawn(pool: &PgPool, config: &WebConfig) -> AppResult<(usize, usize)> {
    let orgs: Vec<Uuid> =
        sqlx::query_scalar!(r#"select organisation_id as "o!: Uuid" from register_connection"#).fetch_all(pool).await?;
    let access = Access::from_config(config, None);
    let actor = Actor::system("algoritmeregister");
    let (mut done, mut failed) = (0, 0);
    for org in orgs {
        let Some(conn) = upload::connection(pool, org).await? else { continue };
        let unattended = if conn.uses_password() { access.password.is_some() } else { access.secret.is_some() };
        if !unattended {
            continue;
        }
        for p in due(pool, org, true).await? {
            match retract(pool, &conn, &access, &actor, p.id, &p.lars).await? {
                Ok(()) => done += 1,
                Err(e) => {
                    failed += 1;
                    tracing::warn!(event = "register_retract_failed", application_id = %p.id, error = %e, "retract failed");
                }
            }
        }
    }
    Ok((done, failed))
}
