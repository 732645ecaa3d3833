//! The CISO's tasks: submitted registrations to take up and decide, as "Te beoordelen" lists them, except
//! those the CISO registered, submitted or owns (four-eyes: another CISO decides those).

use sqlx::PgConnection;

use super::{Task, Who};
use crate::register::queue::{Queue, waiting};
use crate::roles::Role;

pub const KIND: &str = "Registraties beoordelen";

pub async fn tasks(conn: &mut PgConnection, who: &Who<'_>) -> sqlx::Result<Vec<Task>> {
    if !who.has(Role::Ciso) {
        return Ok(Vec::new());
    }
    let rows = waiting(conn, who.organisation_id, Queue::Review).await?;
    Ok(rows
        .into_iter()
        .filter(|r| !r.is_party(who.user_id))
        .filter_map(|r| {
            let since = r.submitted_at?;
            let by = r.submitter.as_deref().map(|s| format!(" door {s}")).unwrap_or_default();
            let detail = if r.workflow_status == "in_beoordeling" {
                format!("In beoordeling; ingediend{by}")
            } else {
                format!("Ingediend{by}, nog niet opgepakt")
            };
            Some(Task {
                kind: KIND,
                title: r.name,
                detail,
                link: format!("/register/{}/beoordeling", r.application_id),
                since,
            })
        })
        .collect())
}
