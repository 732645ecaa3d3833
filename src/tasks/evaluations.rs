//! Evaluations due within 30 days or overdue (seed 002 §8: tools are evaluated at least yearly): the owner's
//! own registrations, and every one of the organisation for the CISO.

use sqlx::PgConnection;
use time::{Duration, Time};

use super::{Task, Who};
use crate::register::queue::evaluations_due;
use crate::roles::Role;
use crate::web::{format_date, today};

pub const KIND: &str = "Evaluaties uitvoeren";

/// From this many days before the date an evaluation is a task (as the reminders and "Evaluaties" count).
const AHEAD: Duration = Duration::days(30);

pub async fn tasks(conn: &mut PgConnection, who: &Who<'_>) -> sqlx::Result<Vec<Task>> {
    let owner = if who.has(Role::Ciso) { None } else { Some(who.user_id) };
    let rows = evaluations_due(conn, who.organisation_id, owner).await?;
    let today = today();
    Ok(rows
        .into_iter()
        .map(|r| {
            let due = format_date(r.next_evaluation);
            let detail = if r.next_evaluation < today {
                format!("Verlopen: was uiterlijk {due} nodig")
            } else {
                format!("Uiterlijk {due}")
            };
            Task {
                kind: KIND,
                title: r.name,
                detail,
                link: format!("/register/{}/beoordeling#evaluatie", r.application_id),
                // It waits from the moment it came within reach, so the list's order is the order of the dates.
                since: (r.next_evaluation - AHEAD).with_time(Time::MIDNIGHT).assume_utc(),
            }
        })
        .collect())
}
