//! The FG's tasks: submitted registrations with personal data that have no advice in this round yet (the CISO
//! cannot approve them without it), as "Adviesaanvragen" lists them.

use sqlx::PgConnection;

use super::{Task, Who};
use crate::register::queue::{Queue, waiting};
use crate::roles::Role;

pub const KIND: &str = "Advies geven";

pub async fn tasks(conn: &mut PgConnection, who: &Who<'_>) -> sqlx::Result<Vec<Task>> {
    if !who.has(Role::Fg) {
        return Ok(Vec::new());
    }
    let rows = waiting(conn, who.organisation_id, Queue::Advice).await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.advice.is_none())
        .filter_map(|r| {
            let since = r.submitted_at?;
            let by = r.submitter.as_deref().map(|s| format!(" door {s}")).unwrap_or_default();
            Some(Task {
                kind: KIND,
                title: r.name,
                detail: format!("Persoonsgegevens; ingediend{by}"),
                link: format!("/register/{}/beoordeling#kop-advies", r.application_id),
                since,
            })
        })
        .collect())
}
