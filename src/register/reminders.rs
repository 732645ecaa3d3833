//! Reminders and escalation (issue 20, seed 002 §8: yearly evaluations; seed 003 art. 6: incidents): run by the
//! server every hour. Each is a notification (and so an e-mail, as the recipient wants it) sent once per
//! subject and stage, through the notification's dedupe key:
//! - an evaluation due within 30 days, within 7 days, and overdue, to the owner;
//! - a submission waiting for review longer than `review_days` working days, to the CISOs, and after twice
//!   that to the directie;
//! - an open incident past its handling time (by severity), to the CISOs and the FG.

use sqlx::PgPool;
use uuid::Uuid;

use super::notices::{self, Kind, Note};
use crate::roles::Role;

/// How long things may wait.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Working days a submission may wait for a decision before the CISOs are reminded (directie: twice this).
    pub review_days: i32,
}

impl Default for Policy {
    fn default() -> Self {
        Self { review_days: 5 }
    }
}

/// What one run sent (notifications written; a reminder already sent counts as written again only once).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub evaluations: usize,
    pub reviews: usize,
    pub incidents: usize,
}

pub async fn run(pool: &PgPool, policy: Policy) -> sqlx::Result<Sent> {
    Ok(Sent {
        evaluations: evaluations(pool).await?,
        reviews: waiting_reviews(pool, policy).await?,
        incidents: late_incidents(pool).await?,
    })
}

/// Evaluations due within 30 days, within 7, or overdue: one reminder per stage and date.
pub async fn evaluations(pool: &PgPool) -> sqlx::Result<usize> {
    let rows = sqlx::query!(
        r#"select application_id as "app!", organisation_id as "org!", owner_id as "owner!", name as "name!",
                  next_evaluation as "due!",
                  case when next_evaluation < current_date then 'verlopen'
                       when next_evaluation <= current_date + 7 then '7' else '30' end as "stage!"
           from application
           where owner_id is not null and next_evaluation <= current_date + 30
             and registration_approved(workflow_status)"#
    )
    .fetch_all(pool)
    .await?;
    let mut tx = pool.begin().await?;
    for r in &rows {
        let date = crate::web::format_date(r.due);
        let message = if r.stage == "verlopen" {
            format!("De evaluatie van {} is verlopen: die was uiterlijk {date} nodig.", r.name)
        } else {
            format!("De evaluatie van {} is uiterlijk {date} nodig.", r.name)
        };
        let link = format!("/register/{}/beoordeling#evaluatie", r.app);
        let n = Note {
            organisation_id: r.org,
            kind: Kind::EvaluationDue,
            application_id: Some(r.app),
            message: &message,
            link: &link,
        };
        let key = format!("evaluatie:{}:{}:{}", r.app, r.due, r.stage);
        notices::send_once(&mut tx, &[r.owner], None, &n, Some(&key)).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// Submissions waiting for a decision too long: the CISOs after `review_days` working days, the directie
/// after twice that; once per submission.
pub async fn waiting_reviews(pool: &PgPool, policy: Policy) -> sqlx::Result<usize> {
    let rows = sqlx::query!(
        r#"select application_id as "app!", organisation_id as "org!", name as "name!",
                  submitted_at as "submitted!", working_days_since(submitted_at) as "days!"
             from application
            where workflow_status in ('ingediend', 'in_beoordeling') and submitted_at is not null
              and working_days_since(submitted_at) > $1"#,
        policy.review_days
    )
    .fetch_all(pool)
    .await?;
    let mut tx = pool.begin().await?;
    for r in &rows {
        let escalated = r.days > 2 * policy.review_days;
        let (roles, stage): (&[Role], &str) =
            if escalated { (&[Role::Ciso, Role::Directie], "directie") } else { (&[Role::Ciso], "ciso") };
        let message = format!(
            "{} wacht al {} werkdagen op een besluit van de CISO.{}",
            r.name,
            r.days,
            if escalated { " De directie is ook op de hoogte gebracht." } else { "" }
        );
        let link = format!("/register/{}/beoordeling", r.app);
        let n = Note {
            organisation_id: r.org,
            kind: Kind::Waiting,
            application_id: Some(r.app),
            message: &message,
            link: &link,
        };
        let key = format!("wacht:{}:{}:{stage}", r.app, r.submitted.unix_timestamp());
        let to = notices::holders(&mut tx, r.org, roles).await?;
        notices::send_once(&mut tx, &to, None, &n, Some(&key)).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// Open incidents past their handling time (kritiek: 1 working day, hoog: 3, middel: 10, laag: 20): once per
/// incident, to the CISOs and the FG. The message names the tool and the severity, not the incident's content.
pub async fn late_incidents(pool: &PgPool) -> sqlx::Result<usize> {
    let rows = sqlx::query!(
        r#"select i.incident_id as "id!", i.organisation_id as "org!", i.application_id as "app!", a.name as "name!",
                  i.severity as "severity!", working_days_since(i.reported_at) as "days!"
             from incident i join application a using (application_id)
            where i.status <> 'afgehandeld' and working_days_since(i.reported_at) > incident_handling_days(i.severity)"#
    )
    .fetch_all(pool)
    .await?;
    let mut tx = pool.begin().await?;
    for r in &rows {
        let message = format!("Een incident met {} (ernst {}) staat al {} werkdagen open.", r.name, r.severity, r.days);
        let link = format!("/register/{}/incidenten", r.app);
        let n = Note {
            organisation_id: r.org,
            kind: Kind::IncidentOverdue,
            application_id: Some(r.app),
            message: &message,
            link: &link,
        };
        let key = format!("incident:{}:te-laat", r.id);
        let to: Vec<Uuid> = notices::holders(&mut tx, r.org, &[Role::Ciso, Role::Fg]).await?;
        notices::send_once(&mut tx, &to, None, &n, Some(&key)).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}
