//! Tasks from tool requests: for a CISO the submitted requests of others to triage (four-eyes: not their
//! own), for the requester the questions of the CISO to answer. Oldest first.

use sqlx::PgConnection;

use super::{Task, Who};
use crate::roles::Role;

pub async fn tasks(conn: &mut PgConnection, who: &Who<'_>) -> sqlx::Result<Vec<Task>> {
    let rows = sqlx::query!(
        r#"select r.request_id, r.tool_name, r.status, coalesce(u.name, 'Onbekend') as "requester!",
                  coalesce(r.submitted_at, r.updated_at) as "since!",
                  (select m.created_at from tool_request_message m where m.request_id = r.request_id
                    order by m.created_at desc limit 1) as asked_at
             from tool_request r left join app_user u on u.user_id = r.requested_by
            where r.organisation_id = $1
              and (($3 and r.status = 'ingediend' and r.requested_by is distinct from $2)
                   or (r.status = 'vraag_gesteld' and r.requested_by = $2))
            order by 5"#,
        who.organisation_id,
        who.user_id,
        who.has(Role::Ciso)
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let link = format!("/aanvragen/{}", r.request_id);
            if r.status == "vraag_gesteld" {
                Task {
                    kind: "Vragen over uw aanvragen beantwoorden",
                    title: r.tool_name,
                    detail: "De CISO heeft een vraag over uw aanvraag".to_string(),
                    link,
                    since: r.asked_at.unwrap_or(r.since),
                }
            } else {
                Task {
                    kind: "Aanvragen beoordelen",
                    title: r.tool_name,
                    detail: format!("Aangevraagd door {}", r.requester),
                    link,
                    since: r.since,
                }
            }
        })
        .collect())
}
