//! Tasks of assessment confirmation (issue 18, item 4): for the FG the completed DPIAs, Pre-scans and DTIAs
//! that wait for confirmation, for the CISO the other kinds; for whoever recorded an assessment, the ones sent
//! back to them. Someone never confirms what they recorded themselves, so those are left out.

use sqlx::PgConnection;

use super::{Task, Who};
use crate::roles::Role;

pub async fn tasks(conn: &mut PgConnection, who: &Who<'_>) -> sqlx::Result<Vec<Task>> {
    // The kinds each role confirms (register::confirmation::confirmer).
    let fg_kinds = ["dpia", "prescan_dpia", "dtia"];
    let rows = sqlx::query!(
        r#"select s.assessment_id, s.application_id, s.kind, s.other_name, a.name as app_name,
                  coalesce(s.confirmation = 'ter_bevestiging', false) as "waiting!", u.name as "recorder?",
                  s.returned_reason, coalesce(s.returned_at, s.recorded_at, s.updated_at) as "since!"
             from assessment s join application a using (application_id)
                  left join app_user u on u.user_id = s.recorded_by
            where a.organisation_id = $1
              and ((s.confirmation = 'ter_bevestiging' and s.recorded_by is distinct from $2
                    and (($3 and s.kind = any($5)) or ($4 and not s.kind = any($5))))
                or (s.status = 'in_uitvoering' and s.returned_reason is not null
                    and s.recorded_by = $2))"#,
        who.organisation_id,
        who.user_id,
        who.has(Role::Fg),
        who.has(Role::Ciso),
        &fg_kinds as &[&str]
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let name = crate::register::confirmation::short_name(&r.kind)
                .map(str::to_string)
                .or(r.other_name)
                .unwrap_or_default();
            let link = format!("/register/{}/assessments#assessment-{}", r.application_id, r.assessment_id);
            if r.waiting {
                let by = r.recorder.map(|n| format!(", vastgelegd door {n}")).unwrap_or_default();
                Task {
                    kind: "Assessments bevestigen",
                    title: r.app_name,
                    detail: format!("{name} afgerond{by}: bevestigen of terugsturen"),
                    link,
                    since: r.since,
                }
            } else {
                Task {
                    kind: "Teruggestuurde assessments",
                    title: r.app_name,
                    detail: format!("{name} teruggestuurd: {}", r.returned_reason.unwrap_or_default()),
                    link,
                    since: r.since,
                }
            }
        })
        .collect())
}
