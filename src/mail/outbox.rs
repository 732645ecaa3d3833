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
           returning m.message_id, m.to_address, m.to_name, m.subject, m.body, m.link, m.attempts,
                     o.contact_email as reply_to"#,
        limit,
        LEASE.as_secs_f64()
    )
    .fetch_all(pool)
    .await
}

pub async fn mark_sent(pool: &PgPool, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "update mail_outbox set status = 'verzonden', sent_at = now(), last_error = null where message_id = $1",
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
