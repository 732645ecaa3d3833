//! Reminders and escalation (issue 20, seed 002 §8: yearly evaluations; seed 003 art. 6: incidents): run by the
//! server every hour. Each is a notification (and so an e-mail, as the recipient wants it) sent once per
//! subject and stage, through the notification's dedupe key:
//! - an evaluation due within 30 days, within 7 days, and overdue, to the owner;
//! - the deadline of an approval's conditions within 7 days, and past, to the owner (past: also the CISOs);
//! - a submission waiting for review longer than `review_days` working days, to the CISOs, and after twice
//!   that to the directie;
//! - an open incident past its handling time (by severity), to the CISOs and the FG;
//! - a supplier's processor agreement or certificate expiring within 60 days, and expired, to the CISOs
//!   (`suppliers::expiry_reminders`).

use sqlx::{PgConnection, PgPool};
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
    pub conditions: usize,
    pub reviews: usize,
    pub incidents: usize,
    pub suppliers: usize,
}

/// The registration a reminder is about, and its kind.
struct About {
    org: Uuid,
    app: Uuid,
    kind: Kind,
}

/// One reminder, once per `key` and recipient; it links to the registration's page for its kind.
async fn remind(conn: &mut PgConnection, about: About, to: &[Uuid], message: &str, key: &str) -> sqlx::Result<()> {
    let page = match about.kind {
        Kind::EvaluationDue => "beoordeling#evaluatie",
        Kind::IncidentOverdue => "incidenten",
        _ => "beoordeling",
    };
    let link = format!("/register/{}/{page}", about.app);
    let n =
        Note { organisation_id: about.org, kind: about.kind, application_id: Some(about.app), message, link: &link };
    notices::send_once(conn, to, None, &n, Some(key)).await
}

pub async fn run(pool: &PgPool, policy: Policy) -> sqlx::Result<Sent> {
    Ok(Sent {
        evaluations: evaluations(pool).await?,
        conditions: conditions(pool).await?,
        reviews: waiting_reviews(pool, policy).await?,
        incidents: late_incidents(pool).await?,
        suppliers: super::suppliers::expiry_reminders(pool).await?,
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
             and registration_in_force(application_id, workflow_status)"#
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
        let key = format!("evaluatie:{}:{}:{}", r.app, r.due, r.stage);
        let about = About { org: r.org, app: r.app, kind: Kind::EvaluationDue };
        remind(&mut tx, about, &[r.owner], &message, &key).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// The deadline of the conditions of the decision in force (the approval kept with the approved version, also
/// while a change is in review, register::approved) within 7 days or past: once per stage and date.
pub async fn conditions(pool: &PgPool) -> sqlx::Result<usize> {
    let rows = sqlx::query!(
        r#"select a.application_id as "app!", a.organisation_id as "org!", a.owner_id as "owner!", a.name as "name!",
                  d.conditions_due as "due!", d.conditions_due < current_date as "past!"
             from application a
             join approved_version v on v.application_id = a.application_id
             join review_decision d on d.decision_id = v.decision_id
            where a.owner_id is not null and registration_in_force(a.application_id, a.workflow_status)
              and d.decision = 'goedgekeurd_onder_voorwaarden' and d.conditions_due <= current_date + 7"#
    )
    .fetch_all(pool)
    .await?;
    let mut tx = pool.begin().await?;
    for r in &rows {
        let date = crate::web::format_date(r.due);
        let (message, stage) = if r.past {
            (
                format!(
                    "De termijn voor de voorwaarden van {} is verstreken ({date}). Laat de CISO weten of eraan is voldaan.",
                    r.name
                ),
                "verlopen",
            )
        } else {
            (format!("Aan de voorwaarden van {} moet uiterlijk {date} zijn voldaan.", r.name), "7")
        };
        let mut to = vec![r.owner];
        if r.past {
            to.extend(notices::holders(&mut tx, r.org, &[Role::Ciso]).await?);
        }
        let key = format!("voorwaarden:{}:{}:{stage}", r.app, r.due);
        let about = About { org: r.org, app: r.app, kind: Kind::ConditionsDue };
        remind(&mut tx, about, &to, &message, &key).await?;
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
            where registration_in_review(workflow_status) and submitted_at is not null
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
        let key = format!("wacht:{}:{}:{stage}", r.app, r.submitted.unix_timestamp());
        let to = notices::holders(&mut tx, r.org, roles).await?;
        remind(&mut tx, About { org: r.org, app: r.app, kind: Kind::Waiting }, &to, &message, &key).await?;
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
        let key = format!("incident:{}:te-laat", r.id);
        let to: Vec<Uuid> = notices::holders(&mut tx, r.org, &[Role::Ciso, Role::Fg]).await?;
        remind(&mut tx, About { org: r.org, app: r.app, kind: Kind::IncidentOverdue }, &to, &message, &key).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}
