//! Open incidents past their handling time (by severity, as the reminders reckon it), for the CISO.

use sqlx::PgConnection;

use super::{Task, Who};
use crate::roles::Role;

pub const KIND: &str = "Incidenten afhandelen";

pub async fn tasks(conn: &mut PgConnection, who: &Who<'_>) -> sqlx::Result<Vec<Task>> {
    if !who.has(Role::Ciso) {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!(
        r#"select i.application_id as "app!", a.name as "name!", i.severity as "severity!",
                  i.reported_at as "reported_at!: time::OffsetDateTime", working_days_since(i.reported_at) as "days!"
             from incident i join application a using (application_id)
            where i.organisation_id = $1 and i.status <> 'afgehandeld'
              and working_days_since(i.reported_at) > incident_handling_days(i.severity)
            order by i.reported_at"#,
        who.organisation_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Task {
            kind: KIND,
            title: r.name,
            detail: format!("Ernst {}; staat al {} werkdagen open", r.severity, r.days),
            link: format!("/register/{}/incidenten", r.app),
            since: r.reported_at,
        })
        .collect())
}
