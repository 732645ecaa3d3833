//! The demo's assessments (issue 18, item 4): a DPIA confirmed by the demo FG and an IAMA confirmed by the
//! demo CISO on approved registrations that need them, and one DPIA that an employee recorded on a submitted
//! registration, waiting for the FG's confirmation (the FG has the notification and the task).

use sqlx::PgConnection;
use uuid::Uuid;

use super::Users;
use crate::auth::roles::Role;
use crate::register::notices::{Kind, Note, send};

pub(super) async fn seed(conn: &mut PgConnection, org: Uuid, users: &Users) -> sqlx::Result<()> {
    let (ciso, fg, mw) = (users.id(Role::Ciso), users.id(Role::Fg), users.id(Role::Medewerker));
    // Confirmed by the role that answers for the kind, before the registration was approved.
    for (kind, required, confirmer, outcome) in [
        ("dpia", "dpia", fg, "Hoog risico beperkt met pseudonimisering en een bewaartermijn van 30 dagen."),
        ("iama", "iama", ciso, "Grondrechten afgewogen; menselijke tussenkomst bij elk besluit."),
    ] {
        sqlx::query!(
            "insert into assessment (assessment_id, application_id, kind, status, started_on, completed_on,
                    performed_by, outcome, residual_risk, created_by, confirmation, recorded_by, recorded_at,
                    confirmed_by, confirmed_at)
             select gen_random_uuid(), a.application_id, $2, 'afgerond', (a.submitted_at - interval '30 days')::date,
                    (a.submitted_at - interval '2 days')::date, 'Privacy- en informatiebeveiligingsteam', $4, 'laag',
                    $3, 'bevestigd', $3, a.submitted_at - interval '2 days', $3, a.submitted_at - interval '2 days'
               from application a
              where a.organisation_id = $1 and a.workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik')
                and case when $5 = 'dpia' then dpia_required(a) else iama_required(a) end
              order by a.name limit 1",
            org,
            kind,
            confirmer,
            outcome,
            required
        )
        .execute(&mut *conn)
        .await?;
    }
    waiting(conn, org, mw, fg).await
}

/// An employee's DPIA on a submitted registration with personal data, waiting for the FG.
async fn waiting(conn: &mut PgConnection, org: Uuid, mw: Option<Uuid>, fg: Option<Uuid>) -> sqlx::Result<()> {
    let made = sqlx::query!(
        r#"insert into assessment (assessment_id, application_id, kind, status, completed_on, performed_by, outcome,
                created_by, confirmation, recorded_by, recorded_at)
           select gen_random_uuid(), a.application_id, 'dpia', 'afgerond', current_date - 1, 'Projectteam',
                  'Risico''s beperkt: alleen gegevens die de tabel toestaat; verwerkersovereenkomst getekend.',
                  $2, 'ter_bevestiging', $2, now() - interval '1 day'
             from application a
            where a.organisation_id = $1 and registration_in_review(a.workflow_status)
              and processes_personal_data(a)
            order by a.name limit 1
           returning assessment_id, application_id, (select name from application where application_id = assessment.application_id) as "name!""#,
        org,
        mw
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = made else { return Ok(()) };
    let message = format!("{}: de DPIA is afgerond en wacht op uw bevestiging (FG).", row.name);
    let link = format!("/register/{}/assessments#assessment-{}", row.application_id, row.assessment_id);
    let n = Note {
        organisation_id: org,
        kind: Kind::ConfirmationRequested,
        application_id: Some(row.application_id),
        message: &message,
        link: &link,
    };
    send(conn, &fg.into_iter().collect::<Vec<_>>(), None, &n).await
}
