//! The directie's tasks: submitted registrations with a high own risk level without consent in this round, as
//! "Toestemming" lists them, except those the person registered, submitted or owns (four-eyes).

use sqlx::PgConnection;

use super::{Task, Who};
use crate::register::queue::{Queue, waiting};
use crate::roles::Role;

pub const KIND: &str = "Toestemming geven";

pub async fn tasks(conn: &mut PgConnection, who: &Who<'_>) -> sqlx::Result<Vec<Task>> {
    if !who.has(Role::Directie) {
        return Ok(Vec::new());
    }
    let rows = waiting(conn, who.organisation_id, Queue::Consent).await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.consent.is_none() && !r.is_party(who.user_id))
        .filter_map(|r| {
            let since = r.submitted_at?;
            let by = r.submitter.as_deref().map(|s| format!(" door {s}")).unwrap_or_default();
            Some(Task {
                kind: KIND,
                title: r.name,
                detail: format!("Hoog risico; ingediend{by}"),
                link: format!("/register/{}/beoordeling#kop-toestemming", r.application_id),
                since,
            })
        })
        .collect())
}
