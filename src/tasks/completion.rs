//! What the person who registered, submitted or owns a registration still has to do: a draft to complete and
//! submit, a registration the CISO sent back with questions, and (owner) the conditions of an approval whose
//! deadline is within 30 days or past.

use sqlx::PgConnection;

use super::{Task, Who};
use crate::web::format_date;

pub const DRAFTS: &str = "Registraties aanvullen";
pub const CONDITIONS: &str = "Voorwaarden nakomen";

pub async fn tasks(conn: &mut PgConnection, who: &Who<'_>) -> sqlx::Result<Vec<Task>> {
    // The latest decision is the one in force: it says when a registration was sent back, and the conditions.
    // Only the user's own registrations are looked at (the indexes on owner, creator and submitter, migration
    // 0061): the home page asked every registration of the organisation for its latest decision, 64 ms at 10,000.
    let rows = sqlx::query!(
        r#"select a.application_id as "id!", a.name as "name!", a.workflow_status as "status!",
                  d.decision as "decision?", d.conditions_due as "due?",
                  coalesce(case when a.workflow_status = 'concept' then a.created_at else d.decided_at end,
                           a.created_at) as "since!: time::OffsetDateTime"
             from application a
             left join lateral (select r.decision, r.conditions_due, r.decided_at from review_decision r
                                 where r.application_id = a.application_id order by r.decided_at desc limit 1) d on true
            where a.organisation_id = $1
              and $2 in (a.created_by, a.submitted_by, a.owner_id)
              and ((a.workflow_status in ('concept', 'teruggestuurd')
                    and $2 in (a.created_by, a.submitted_by, a.owner_id))
                or (a.owner_id = $2 and registration_approved(a.workflow_status)
                    and d.decision = 'goedgekeurd_onder_voorwaarden' and d.conditions_due <= current_date + 30))
            order by 6, a.application_id"#,
        who.organisation_id,
        who.user_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (kind, detail, page) = match (r.status.as_str(), r.due) {
                ("concept", _) => (DRAFTS, "Concept: nog niet ingediend".to_string(), "bewerken"),
                ("teruggestuurd", _) => {
                    (DRAFTS, "Teruggestuurd met vragen van de CISO".to_string(), "beoordeling#kop-besluiten")
                }
                (_, due) => (
                    CONDITIONS,
                    format!("Aan de voorwaarden voldoen uiterlijk {}", due.map(format_date).unwrap_or_default()),
                    "beoordeling#kop-besluiten",
                ),
            };
            Task { kind, title: r.name, detail, link: format!("/register/{}/{page}", r.id), since: r.since }
        })
        .collect())
}
