//! Registrations whose owner has left (the account is deactivated, register::leavers), for the CISO: assign
//! a new owner. The task goes away when the owner is changed or the person comes back.

use sqlx::PgConnection;

use super::{Task, Who};
use crate::roles::Role;

pub const KIND: &str = "Nieuwe eigenaar toewijzen";

pub async fn tasks(conn: &mut PgConnection, who: &Who<'_>) -> sqlx::Result<Vec<Task>> {
    if !who.has(Role::Ciso) {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!(
        r#"select a.application_id as "app!", a.name as "name!", u.name as "owner!",
                  coalesce(u.deactivated_at, u.updated_at) as "since!: time::OffsetDateTime"
             from application a join app_user u on u.user_id = a.owner_id
            where a.organisation_id = $1 and not u.active and a.workflow_status <> 'buiten_gebruik'
            order by 4"#,
        who.organisation_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Task {
            kind: KIND,
            title: r.name,
            detail: format!("De eigenaar ({}) is vertrokken", r.owner),
            link: format!("/register/{}/bewerken", r.app),
            since: r.since,
        })
        .collect())
}
