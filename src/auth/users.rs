//! Queries on user accounts, memberships and one-time account links.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::auth::roles::Role;
use crate::util::{random_token, token_hash};

/// How long an activation link for a new account stays valid.
pub const ACTIVATION_DAYS: i32 = 7;

#[derive(sqlx::FromRow)]
pub struct LoginRow {
    pub user_id: Uuid,
    pub password_hash: Option<String>,
    pub active: bool,
    pub locked: bool,
    /// Two-factor login is switched on.
    pub totp: bool,
}

pub async fn find_for_login(pool: &PgPool, email: &str) -> Result<Option<LoginRow>, sqlx::Error> {
    sqlx::query_as!(
        LoginRow,
        r#"select user_id as "user_id!: Uuid", password_hash as "password_hash?: String",
                 active as "active!: bool", coalesce(locked_until > now(), false) as "locked!: bool",
                totp_secret is not null as "totp!: bool"
           from app_user where email = $1"#,
        email.trim().to_lowercase()
    )
    .fetch_optional(pool)
    .await
}

/// Count a failed login (password or second factor); the fifth in a row locks the account and starts a new
/// count. Each lock lasts twice as long as the one before (15 minutes, 30, 1 hour … at most 16 hours) until
/// a successful login: someone who knows the password cannot go on guessing codes at a steady pace.
/// Returns whether this failure locked the account.
pub async fn record_failed_login(pool: &PgPool, user_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"update app_user set
            failed_logins = case when failed_logins + 1 >= 5 then 0 else failed_logins + 1 end,
            locked_until = case when failed_logins + 1 >= 5
                then now() + interval '15 minutes' * power(2, least(lock_count, 6)) else locked_until end,
            lock_count = case when failed_logins + 1 >= 5 then lock_count + 1 else lock_count end
          where user_id = $1
          returning coalesce(locked_until > now(), false) as "v!""#,
        user_id
    )
    .fetch_one(pool)
    .await
}

/// Whether the account is locked now (after too many failed passwords or second-factor codes).
pub async fn is_locked(pool: &PgPool, user_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select coalesce(locked_until > now(), false) or not active as "v!" from app_user where user_id = $1"#,
        user_id
    )
    .fetch_one(pool)
    .await
}

/// Whether an active administrator with a password exists (if not, the setup link is offered).
pub async fn administrator_exists(pool: &PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from membership m join app_user u using (user_id)
                        where m.role = 'beheerder' and u.active and u.password_hash is not null) as "v!""#
    )
    .fetch_one(pool)
    .await
}

/// Why a new account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("e-mail address already registered")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub async fn create_user(
    conn: &mut PgConnection,
    email: &str,
    name: &str,
    password_hash: Option<&str>,
) -> Result<Uuid, CreateUserError> {
    // `on conflict do nothing` rather than catching the unique violation: a failed statement would abort the
    // caller's transaction, and callers go on in it (an existing account joins another organisation).
    let id = sqlx::query_scalar!(
        "insert into app_user (user_id, email, name, password_hash) values ($1, $2, $3, $4)
         on conflict (email) do nothing returning user_id",
        Uuid::now_v7(),
        email.trim().to_lowercase(),
        name.trim(),
        password_hash
    )
    .fetch_optional(conn)
    .await?;
    id.ok_or(CreateUserError::EmailTaken)
}

/// Replace a user's roles in one organisation (an empty set removes them from it). A role that stays keeps
/// its source (one from the provider's groups stays 'sso'); a new one is granted by hand.
pub async fn set_roles(
    conn: &mut PgConnection,
    user_id: Uuid,
    organisation_id: Uuid,
    roles: &[Role],
) -> Result<(), sqlx::Error> {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    sqlx::query!(
        "delete from membership where user_id = $1 and organisation_id = $2 and role <> all($3)",
        user_id,
        organisation_id,
        &names as &[&str]
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into membership (user_id, organisation_id, role) select $1, $2, unnest($3::text[])
         on conflict do nothing",
        user_id,
        organisation_id,
        &names as &[&str]
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_password(conn: &mut PgConnection, user_id: Uuid, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update app_user set password_hash = $2, failed_logins = 0, locked_until = null, lock_count = 0, version = version + 1
          where user_id = $1",
        user_id,
        hash
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// End every session of a user, optionally sparing one (the session that changed the password).
pub async fn end_sessions(conn: &mut PgConnection, user_id: Uuid, except: Option<&[u8]>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "delete from session where user_id = $1 and ($2::bytea is null or session_hash <> $2)",
        user_id,
        except
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// A new setup link for the first administrator; earlier unused links stop working.
pub async fn issue_setup_token(pool: &PgPool) -> Result<String, sqlx::Error> {
    let token = random_token();
    let mut tx = pool.begin().await?;
    sqlx::query!("delete from account_token where purpose = 'setup'").execute(&mut *tx).await?;
    sqlx::query!("insert into account_token (token_hash, purpose) values ($1, 'setup')", token_hash(&token))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn setup_token_valid(pool: &PgPool, token: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from account_token where token_hash = $1 and purpose = 'setup') as "v!""#,
        token_hash(token)
    )
    .fetch_one(pool)
    .await
}

/// Use up the setup link inside the transaction that creates the administrator; false when it was already
/// used (by a parallel request, say).
pub async fn consume_setup_token(conn: &mut PgConnection, token: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("delete from account_token where token_hash = $1 and purpose = 'setup'", token_hash(token))
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// An activation link with which a new user chooses their own password (ASVS 6.4.1: random, single use,
/// limited validity).
pub async fn issue_activation_token(conn: &mut PgConnection, user_id: Uuid) -> Result<String, sqlx::Error> {
    let token = random_token();
    sqlx::query!("delete from account_token where user_id = $1 and purpose = 'activation'", user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "insert into account_token (token_hash, purpose, user_id, expires_at)
         values ($1, 'activation', $2, now() + make_interval(days => $3))",
        token_hash(&token),
        user_id,
        ACTIVATION_DAYS
    )
    .execute(conn)
    .await?;
    Ok(token)
}

#[derive(sqlx::FromRow)]
pub struct ActivationTarget {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
}

pub async fn activation_target(pool: &PgPool, token: &str) -> Result<Option<ActivationTarget>, sqlx::Error> {
    sqlx::query_as!(
        ActivationTarget,
        r#"select u.user_id as "user_id!: Uuid", u.name as "name!: String",
                 u.email as "email!: String" from account_token t join app_user u using (user_id)
          where t.token_hash = $1 and t.purpose = 'activation' and t.expires_at > now() and u.active"#,
        token_hash(token)
    )
    .fetch_optional(pool)
    .await
}

pub async fn consume_activation_token(conn: &mut PgConnection, token: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "delete from account_token where token_hash = $1 and purpose = 'activation' and expires_at > now()
         returning user_id",
        token_hash(token)
    )
    .fetch_optional(conn)
    .await
    .map(Option::flatten)
}
