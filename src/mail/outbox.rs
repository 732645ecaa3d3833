//! The outbox as the worker and the administrators' page see it. Messages are written by the register domain
//! (`register::notices`) in the transaction of their event; here they are taken, marked and listed.

use std::time::Duration;

use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

/// After this many attempts a message counts as failed (with back-off from 30 s, about four and a half hours).
pub const MAX_ATTEMPTS: i32 = 10;
/// How long a worker may take to send what it claimed before another may try.
pub const LEASE: Duration = Duration::from_secs(300);

/// A message that is due, as the worker sends it.
pub struct Due {
    pub message_id: Uuid,
    /// The recipient's account (none for a test message); with `kind`, what an unsubscribe link switches off.
    pub user_id: Option<Uuid>,
    pub kind: String,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub body: String,
    pub link: Option<String>,
    pub attempts: i32,
    /// The organisation's functional mailbox, for replies.
    pub reply_to: String,
}

/// Whether e-mail is on (written at start by the server, read where messages are written).
pub async fn set_enabled(pool: &PgPool, on: bool) -> sqlx::Result<()> {
    sqlx::query!("update mail_setting set enabled = $1", on).execute(pool).await?;
    Ok(())
}

/// Take up to `limit` messages that are due, each with a lease: another worker on the same database skips them
/// now (SKIP LOCKED) and until the lease ends, so each message goes out once; a worker that dies mid-way leaves
/// them to be tried again after the lease.
pub async fn claim(pool: &PgPool, limit: i64) -> sqlx::Result<Vec<Due>> {
    sqlx::query_as!(
        Due,
        r#"with due as (
               select message_id from mail_outbox where status = 'wachtrij' and next_attempt_at <= now()
                order by next_attempt_at, created_at limit $1 for update skip locked)
           update mail_outbox m set next_attempt_at = now() + make_interval(secs => $2), attempts = m.attempts + 1
             from due, organisation o
            where m.message_id = due.message_id and o.organisation_id = m.organisation_id
           returning m.message_id, m.user_id, m.kind, m.to_address, m.to_name, m.subject, m.body, m.link, m.attempts,
                     o.contact_email as reply_to"#,
        limit,
        LEASE.as_secs_f64()
    )
    .fetch_all(pool)
    .await
}

pub async fn mark_sent(pool: &PgPool, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        // An activation link is a secret: once sent it is not kept in the outbox.
        "update mail_outbox set status = 'verzonden', sent_at = now(), last_error = null,
                link = case when kind = 'activering' then null else link end
          where message_id = $1",
        id
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The wait before attempt `attempts + 1`: `base`, doubling per attempt, at most an hour.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(16);
    base.saturating_mul(1 << doublings).min(Duration::from_secs(3600))
}

/// A failed attempt: tried again after the back-off, or failed for good (a permanent refusal by the server, or
/// too many attempts). `error` is the server's answer, shown to administrators.
pub async fn mark_failed(
    pool: &PgPool,
    due: &Due,
    error: &str,
    permanent: bool,
    retry_base: Duration,
) -> sqlx::Result<()> {
    let give_up = permanent || due.attempts >= MAX_ATTEMPTS;
    let wait = backoff(retry_base, due.attempts);
    sqlx::query!(
        "update mail_outbox set last_error = $2,
                status = case when $3 then 'mislukt' else status end,
                next_attempt_at = case when $3 then next_attempt_at else now() + make_interval(secs => $4) end
          where message_id = $1",
        due.message_id,
        error,
        give_up,
        wait.as_secs_f64()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// "Opnieuw proberen": a failed (or waiting) message of the organisation goes out at the next round, with a
/// fresh count of attempts. False when there is no such message.
pub async fn retry(pool: &PgPool, organisation_id: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update mail_outbox set status = 'wachtrij', attempts = 0, next_attempt_at = now()
          where message_id = $1 and organisation_id = $2 and status in ('mislukt', 'wachtrij')",
        id,
        organisation_id
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One line of the administrators' list.
pub struct Listed {
    pub message_id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

/// The organisation's latest messages, newest first; `status` filters when given.
pub async fn list(pool: &PgPool, organisation_id: Uuid, status: Option<&str>, limit: i64) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as!(
        Listed,
        "select message_id, to_address, subject, status, attempts, last_error, created_at, sent_at
           from mail_outbox where organisation_id = $1 and ($2::text is null or status = $2)
          order by created_at desc, message_id desc limit $3",
        organisation_id,
        status,
        limit
    )
    .fetch_all(pool)
    .await
}

/// How many of the organisation's messages wait, were sent and failed.
pub async fn counts(pool: &PgPool, organisation_id: Uuid) -> sqlx::Result<(i64, i64, i64)> {
    let c = sqlx::query!(
        r#"select count(*) filter (where status = 'wachtrij') as "waiting!",
                  count(*) filter (where status = 'verzonden') as "sent!",
                  count(*) filter (where status = 'mislukt') as "failed!"
             from mail_outbox where organisation_id = $1"#,
        organisation_id
    )
    .fetch_one(pool)
    .await?;
    Ok((c.waiting, c.sent, c.failed))
}

/// A one-click unsubscribe link's token for this user and kind (only its hash is kept).
pub async fn unsubscribe_token(pool: &PgPool, user_id: Uuid, kind: &str) -> sqlx::Result<String> {
    let token = crate::util::random_token();
    sqlx::query!(
        "insert into mail_unsubscribe (token_hash, user_id, kind) values ($1, $2, $3)",
        crate::util::token_hash(&token),
        user_id,
        kind
    )
    .execute(pool)
    .await?;
    Ok(token)
}

/// What an unsubscribe link is for, without using it (the confirmation page).
pub struct Unsubscribe {
    pub name: String,
    pub kind: String,
    pub used: bool,
}

pub async fn unsubscribe_lookup(pool: &PgPool, token: &str) -> sqlx::Result<Option<Unsubscribe>> {
    sqlx::query_as!(
        Unsubscribe,
        r#"select u.name, s.kind, s.used_at is not null as "used!"
             from mail_unsubscribe s join app_user u using (user_id) where s.token_hash = $1"#,
        crate::util::token_hash(token)
    )
    .fetch_optional(pool)
    .await
}

/// Use an unsubscribe link: that user's e-mail of that kind is switched off (for the daily overview: every
/// kind that went into it), once. `None` for an unknown token, `Some(false)` when it was used before.
pub async fn unsubscribe(pool: &PgPool, token: &str) -> sqlx::Result<Option<bool>> {
    let mut tx = pool.begin().await?;
    let found = sqlx::query!(
        r#"select user_id, kind, used_at is null as "unused!" from mail_unsubscribe where token_hash = $1 for update"#,
        crate::util::token_hash(token)
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(found) = found else { return Ok(None) };
    if !found.unused {
        return Ok(Some(false));
    }
    sqlx::query!("update mail_unsubscribe set used_at = now() where token_hash = $1", crate::util::token_hash(token))
        .execute(&mut *tx)
        .await?;
    if found.kind == OVERVIEW {
        sqlx::query!(
            "update mail_preference set mode = 'uit' where user_id = $1 and mode = 'dagelijks'",
            found.user_id
        )
        .execute(&mut *tx)
        .await?;
    } else {
        set_preference(&mut tx, found.user_id, &found.kind, "uit").await?;
    }
    tx.commit().await?;
    Ok(Some(true))
}

/// How a user wants one kind of message: direct, dagelijks or uit.
pub async fn set_preference(conn: &mut sqlx::PgConnection, user_id: Uuid, kind: &str, mode: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into mail_preference (user_id, kind, mode) values ($1, $2, $3)
         on conflict (user_id, kind) do update set mode = excluded.mode",
        user_id,
        kind,
        mode
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The kind of the daily overview's own message.
pub const OVERVIEW: &str = "overzicht";

/// Bundle the held messages of every user whose overview hour (Dutch time) has come today into one message.
/// Each user's held messages are locked while bundled, so two workers make one overview. Returns how many.
pub async fn make_overviews(pool: &PgPool) -> sqlx::Result<usize> {
    let due: Vec<Uuid> = sqlx::query_scalar!(
        r#"select distinct m.user_id as "user_id!" from mail_outbox m left join mail_digest d using (user_id)
            where m.status = 'dagelijks' and m.user_id is not null
              and extract(hour from now() at time zone 'Europe/Amsterdam') >= coalesce(d.hour, 8)
              and (d.last_sent_on is null or d.last_sent_on < (now() at time zone 'Europe/Amsterdam')::date)"#
    )
    .fetch_all(pool)
    .await?;
    let mut made = 0;
    for user in due {
        made += usize::from(overview(pool, user).await?);
    }
    Ok(made)
}

async fn overview(pool: &PgPool, user: Uuid) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let held = sqlx::query!(
        "select message_id, organisation_id, to_address, to_name, subject, body from mail_outbox
          where user_id = $1 and status = 'dagelijks' order by created_at for update skip locked",
        user
    )
    .fetch_all(&mut *tx)
    .await?;
    let Some(first) = held.first() else { return Ok(false) };
    let lines: Vec<String> = held.iter().map(|m| format!("- {}: {}", m.subject, m.body)).collect();
    let body = format!("Sinds het vorige overzicht:\n\n{}", lines.join("\n"));
    let subject = format!(
        "Dagelijks overzicht van AI-register: {} melding{}",
        held.len(),
        if held.len() == 1 { "" } else { "en" }
    );
    let ids: Vec<Uuid> = held.iter().map(|m| m.message_id).collect();
    sqlx::query!(
        "insert into mail_outbox (message_id, organisation_id, user_id, to_address, to_name, kind, subject, body, link)
         values ($1, $2, $3, $4, $5, $6, $7, $8, '/meldingen')",
        Uuid::now_v7(),
        first.organisation_id,
        user,
        first.to_address,
        first.to_name,
        OVERVIEW,
        subject,
        body
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("update mail_outbox set status = 'gebundeld', sent_at = now() where message_id = any($1)", &ids)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into mail_digest (user_id, last_sent_on) values ($1, (now() at time zone 'Europe/Amsterdam')::date)
         on conflict (user_id) do update set last_sent_on = excluded.last_sent_on",
        user
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_the_base_up_to_an_hour() {
        let base = Duration::from_secs(30);
        let waits: Vec<u64> = (1..=9).map(|a| backoff(base, a).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(base, 0), base);
        assert_eq!(backoff(base, i32::MAX), Duration::from_secs(3600));
    }
}
