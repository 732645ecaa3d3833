//! The automatic reminder to read the policy (issue 22, item 2): run by the server with the other hourly
//! reminders. Whoever the version in force asks and who has not acknowledged it a week after its publication
//! gets a notification (and e-mail, as they want it), then at most once a week: the publication notice and the
//! CISO's "herinneren" count as the last ask. The day's key is the one the button uses, so the button and the
//! job never send twice on one day, and a second run sends nothing.

use serde_json::json;
use sqlx::PgPool;
use time::Date;
use uuid::Uuid;

use super::pages::record;
use super::store;
use crate::audit::Actor;
use crate::error::AppError;
use crate::register::notices::{self, Kind, Note};

/// Days after publication, and between two asks of one person.
pub const INTERVAL_DAYS: i32 = 7;

/// The day's reminder key of a version (shared with the button on the coverage page).
pub fn key(version_id: Uuid, today: Date) -> String {
    format!("beleid-{version_id}-herinnering-{today}")
}

/// Remind, in every organisation, who has not read the version in force; the number of people reminded.
pub async fn run(pool: &PgPool, today: Date) -> Result<usize, AppError> {
    let orgs = sqlx::query_scalar!(
        "select organisation_id from policy_version
          where status = 'gepubliceerd' and published_at <= now() - make_interval(days => $1)",
        INTERVAL_DAYS
    )
    .fetch_all(pool)
    .await?;
    let mut total = 0;
    for org in orgs {
        total += remind_org(pool, org, today).await?;
    }
    Ok(total)
}

async fn remind_org(pool: &PgPool, org: Uuid, today: Date) -> Result<usize, AppError> {
    let Some(v) = store::published(pool, org).await? else { return Ok(0) };
    let mut tx = pool.begin().await?;
    let readers = store::readers(&mut tx, org, &v).await?;
    // Asked within the interval: the publication notice (`beleid-<id>`) or any reminder of this version.
    let asked: Vec<Uuid> = sqlx::query_scalar!(
        "select distinct user_id from notification
          where organisation_id = $1 and kind = 'beleid' and dedupe_key like $2
            and created_at > now() - make_interval(days => $3)",
        org,
        format!("beleid-{}%", v.id),
        INTERVAL_DAYS
    )
    .fetch_all(&mut *tx)
    .await?;
    let to: Vec<Uuid> = readers
        .iter()
        .filter(|r| r.acknowledged_at.is_none() && !asked.contains(&r.user_id))
        .map(|r| r.user_id)
        .collect();
    if to.is_empty() {
        return Ok(0);
    }
    let message = format!("Herinnering: lees het AI-beleid versie {} en bevestig dat u het gelezen hebt.", v.number);
    let note =
        Note { organisation_id: org, kind: Kind::Policy, application_id: None, message: &message, link: "/beleid" };
    notices::send_once(&mut tx, &to, None, &note, Some(&key(v.id, today))).await?;
    let actor = Actor::system("herinneringen");
    let after = json!({ "number": v.number, "reminded": to.len(), "automatic": true });
    record(&mut tx, &actor, org, "policy.reminded", &v, after).await?;
    tx.commit().await?;
    tracing::info!(event = "policy_reminded", organisation_id = %org, number = v.number, count = to.len(), "policy reminders sent");
    Ok(to.len())
}
