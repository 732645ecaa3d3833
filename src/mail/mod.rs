//! E-mail (issue 20): the worker that sends the outbox over SMTP (and bundles daily overviews), Beheer → E-mail,
//! and each user's choices with the one-click unsubscribe link. Messages are written by
//! the register domain in the transaction of their event (`register::notices`), so a rolled-back change sends
//! nothing and a committed one is never forgotten; this worker takes what is due, sends it, and retries with
//! back-off through SMTP outages and restarts. Several instances on one database send each message once (a
//! claim with SKIP LOCKED and a lease, see `outbox::claim`).

pub mod outbox;
pub mod pages;
pub mod preferences;
pub mod transport;

use axum::Router;
use axum::routing::{get, post};
use sqlx::PgPool;

use crate::AppState;
use crate::config::MailSettings;
use transport::Mailer;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/e-mail", get(pages::page))
        .route("/beheer/e-mail/test", post(pages::test))
        .route("/beheer/e-mail/{id}/opnieuw", post(pages::retry))
        .route("/account/e-mail", get(preferences::preferences).post(preferences::save))
        .route("/e-mail/afmelden/{token}", get(preferences::unsubscribe_page).post(preferences::unsubscribe))
}

/// Messages taken per round.
const BATCH: i64 = 20;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
}

/// Send what is due now, once.
pub async fn round(pool: &PgPool, mailer: &Mailer, settings: &MailSettings) -> sqlx::Result<Round> {
    let mut done = Round::default();
    outbox::make_overviews(pool).await?;
    for due in outbox::claim(pool, BATCH).await? {
        // Every message about the register can switch its own kind off; an activation link cannot.
        let unsubscribe = match due.user_id {
            Some(user) if due.kind != "activering" => Some(outbox::unsubscribe_token(pool, user, &due.kind).await?),
            _ => None,
        };
        let result = match mailer.message(&due, unsubscribe.as_deref()) {
            Ok(message) => mailer.send(message).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                outbox::mark_sent(pool, due.message_id).await?;
                done.sent += 1;
            }
            Err(e) => {
                tracing::warn!(event = "mail_failed", message_id = %due.message_id, attempts = due.attempts,
                               permanent = e.permanent, error = %e.text, "e-mail not sent");
                outbox::mark_failed(pool, &due, &e.text, e.permanent, settings.retry_base).await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// The worker: a round every `poll` (at once again after a full batch). A database or SMTP server that is away
/// is logged and tried again; nothing is lost, since the outbox is in the database.
pub async fn run(pool: PgPool, settings: MailSettings, base_url: String) {
    let mailer = match Mailer::new(&settings, &base_url) {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(event = "mail_off", error = %e, "e-mail cannot start");
            return;
        }
    };
    loop {
        match round(&pool, &mailer, &settings).await {
            Ok(r) if r.sent + r.failed > 0 => {
                tracing::info!(event = "mail_round", sent = r.sent, failed = r.failed, "e-mail round");
                if r.sent + r.failed >= BATCH as usize {
                    continue;
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(event = "mail_round_failed", error = %e, "e-mail round failed; trying again"),
        }
        tokio::time::sleep(settings.poll).await;
    }
}
