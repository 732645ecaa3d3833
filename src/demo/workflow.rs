//! The workflow around the demo registrations: the CISO's decisions with conditions and reasons, FG advice
//! where personal data is involved, evaluation dates (one overdue), an incident, and the notifications a
//! CISO and FG would have waiting. One transaction, in this order.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::Users;
use crate::auth::roles::Role;
use crate::register::notices::{Kind, Note, send};

pub(super) async fn seed(pool: &PgPool, org: Uuid, users: &Users) -> anyhow::Result<()> {
    let (ciso, fg) = (users.id(Role::Ciso), users.id(Role::Fg));
    let mut tx = pool.begin().await?;
    decisions(&mut tx, org, ciso).await?;
    fg_advice(&mut tx, org, fg).await?;
    evaluation_dates(&mut tx, org).await?;
    incident(&mut tx, org, users.id(Role::Medewerker), &[ciso, fg]).await?;
    waiting_for_review(&mut tx, org, ciso, fg).await?;
    super::assessments::seed(&mut tx, org, users).await?;
    tx.commit().await?;
    Ok(())
}

/// Who submitted each submitted registration, and the CISO's decision on every decided one: conditions for
/// an approval under conditions, the reason for a refusal.
async fn decisions(conn: &mut PgConnection, org: Uuid, ciso: Option<Uuid>) -> sqlx::Result<()> {
    sqlx::query!(
        "update application set submitted_by = created_by where organisation_id = $1 and submitted_at is not null",
        org
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into review_decision (decision_id, application_id, decision, note, decided_by, decided_at)
         select gen_random_uuid(), application_id,
                case when workflow_status in ('in_gebruik', 'buiten_gebruik') then 'goedgekeurd' else workflow_status end,
                case workflow_status
                    when 'goedgekeurd_onder_voorwaarden' then 'Alleen met de gegevens die de tabel toestaat; geen persoonsgegevens of vertrouwelijke informatie.'
                    when 'afgewezen' then 'Gegevens worden buiten de EER verwerkt en er zijn geen afspraken over training op onze gegevens.'
                end,
                $2, submitted_at + interval '5 days'
         from application where organisation_id = $1
           and workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'afgewezen', 'in_gebruik', 'buiten_gebruik')",
        org,
        ciso
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A positive FG advice on every approved registration that processes personal data.
async fn fg_advice(conn: &mut PgConnection, org: Uuid, fg: Option<Uuid>) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into fg_advice (advice_id, application_id, advice, note, given_by, given_at)
         select gen_random_uuid(), a.application_id, 'positief', 'Verwerkersovereenkomst en DPIA zijn in orde.', $2,
                a.submitted_at + interval '3 days'
         from application a where a.organisation_id = $1 and processes_personal_data(a)
           and a.workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik')",
        org,
        fg
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A year after submission for approved tools without a date of their own; the oldest tool in use is
/// overdue.
async fn evaluation_dates(conn: &mut PgConnection, org: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "update application set next_evaluation = coalesce(next_evaluation, (submitted_at + interval '1 year')::date)
         where organisation_id = $1 and workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik')",
        org
    )
    .execute(&mut *conn)
    .await?;
    // The oldest tool in use is overdue for its evaluation.
    sqlx::query!(
        "update application set next_evaluation = current_date - 14 where application_id = (
             select application_id from application where organisation_id = $1 and workflow_status = 'in_gebruik'
             order by begin_date nulls last, name limit 1)",
        org
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An incident reported by an employee on the first generative tool in use, and the CISO's and FG's
/// notification of it.
async fn incident(
    conn: &mut PgConnection,
    org: Uuid,
    employee: Option<Uuid>,
    ciso_fg: &[Option<Uuid>],
) -> anyhow::Result<()> {
    let incident: Option<(Uuid, String)> = sqlx::query!(
        r#"select application_id as "c0!: Uuid",
                 name as "c1!: String" from application where organisation_id = $1 and workflow_status = 'in_gebruik'
           and generative order by name limit 1"#,
        org
    )
    .map(|r| (r.c0, r.c1))
    .fetch_optional(&mut *conn)
    .await?;
    let Some((app, name)) = incident else {
        return Ok(());
    };
    sqlx::query!(
        "insert into incident (incident_id, organisation_id, application_id, kind, severity, description, reported_by)
             values ($1, $2, $3, 'onjuiste_uitvoer', 'middel',
                     'De tool gaf een verkeerde datum voor de raadsvergadering in een conceptbrief; de fout is vóór verzending gezien.', $4)",
        Uuid::now_v7(),
        org,
        app,
        employee
    )
    .execute(&mut *conn)
    .await?;
    let message = format!("Incident gemeld bij {name}: onjuiste uitvoer (ernst middel).");
    let link = format!("/register/{app}/incidenten");
    let n =
        Note { organisation_id: org, kind: Kind::Incident, application_id: Some(app), message: &message, link: &link };
    let to: Vec<Uuid> = ciso_fg.iter().flatten().copied().collect();
    send(conn, &to, None, &n).await?;
    Ok(())
}

/// The CISO's notification of each registration waiting for review, and the FG's request for advice where
/// it processes personal data.
async fn waiting_for_review(
    conn: &mut PgConnection,
    org: Uuid,
    ciso: Option<Uuid>,
    fg: Option<Uuid>,
) -> anyhow::Result<()> {
    let waiting = sqlx::query!(
        r#"select a.application_id, a.name, processes_personal_data(a) as "personal!" from application a
         where a.organisation_id = $1 and registration_in_review(a.workflow_status) order by a.name"#,
        org
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in waiting {
        let (app, name) = (row.application_id, row.name);
        let link = format!("/register/{app}/beoordeling");
        let message = format!("{name} is ingediend en wacht op beoordeling.");
        let n = Note {
            organisation_id: org,
            kind: Kind::Submitted,
            application_id: Some(app),
            message: &message,
            link: &link,
        };
        send(conn, &ciso.into_iter().collect::<Vec<_>>(), None, &n).await?;
        if row.personal {
            let message = format!("{name} vraagt om advies van de FG (persoonsgegevens).");
            let n = Note {
                organisation_id: org,
                kind: Kind::AdviceRequested,
                application_id: Some(app),
                message: &message,
                link: &link,
            };
            send(conn, &fg.into_iter().collect::<Vec<_>>(), None, &n).await?;
        }
    }
    Ok(())
}
