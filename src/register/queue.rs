//! The registrations waiting for review, as the work lists ("Te beoordelen", "Adviesaanvragen", "Toestemming")
//! and "Mijn taken" both read them: one query, so the lists and the tasks cannot disagree on what waits.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Which registrations of those waiting for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// All of them (the CISO).
    Review,
    /// Those with personal data (the FG).
    Advice,
    /// Those with a high own risk level (the directie).
    Consent,
}

/// A registration waiting for review, with the advice and consent of the current round.
#[derive(Debug, sqlx::FromRow)]
pub struct Waiting {
    pub application_id: Uuid,
    pub name: String,
    pub workflow_status: String,
    pub risk_level: Option<String>,
    pub department: Option<String>,
    pub submitted_at: Option<OffsetDateTime>,
    /// Who submitted it (or registered it, for an old row without a submitter).
    pub submitter: Option<String>,
    pub advice: Option<String>,
    pub consent: Option<bool>,
    pub created_by: Option<Uuid>,
    pub submitted_by: Option<Uuid>,
    pub owner_id: Option<Uuid>,
}

impl Waiting {
    /// Four-eyes (seed 002 §6, as `access::is_party` and the database's `registration_party`, migration 0050):
    /// who registered, submitted or owns it does not decide.
    pub fn is_party(&self, user: Uuid) -> bool {
        [self.created_by, self.submitted_by, self.owner_id].contains(&Some(user))
    }
}

/// Registrations waiting for review in the organisation, oldest submission first.
pub async fn waiting(conn: &mut PgConnection, org: Uuid, queue: Queue) -> sqlx::Result<Vec<Waiting>> {
    sqlx::query_as!(
        Waiting,
        r#"select a.application_id, a.name, a.workflow_status, a.risk_level, a.department, a.submitted_at,
                u.name as "submitter?",
                (select v.advice from fg_advice v where v.application_id = a.application_id
                   and v.given_at >= a.submitted_at order by v.given_at desc limit 1) as advice,
                (select c.consent from management_consent c where c.application_id = a.application_id
                   and c.given_at >= a.submitted_at order by c.given_at desc limit 1) as consent,
                a.created_by, a.submitted_by, a.owner_id
         from application a left join app_user u on u.user_id = coalesce(a.submitted_by, a.created_by)
         where a.organisation_id = $1 and registration_in_review(a.workflow_status)
           and ($2::bool is false or processes_personal_data(a)) and ($3::bool is false or a.risk_level = 'hoog')
         order by a.submitted_at nulls first, a.application_id"#,
        org,
        queue == Queue::Advice,
        queue == Queue::Consent
    )
    .fetch_all(conn)
    .await
}

/// An approved registration (or one in use) whose evaluation is due within 30 days or overdue.
#[derive(Debug, sqlx::FromRow)]
pub struct EvaluationDue {
    pub application_id: Uuid,
    pub name: String,
    pub workflow_status: String,
    pub next_evaluation: Date,
    pub owner: Option<String>,
}

/// The statement of `evaluations_due`, with `$condition` added to what it asks (checked by sqlx as one literal).
macro_rules! evaluations_due_query {
    ($condition:literal, $($arg:expr),+) => {
        sqlx::query_as!(
            EvaluationDue,
            r#"select a.application_id as "application_id!: Uuid", a.name as "name!: String",
                 a.workflow_status as "workflow_status!: String", a.next_evaluation as "next_evaluation!: Date",
                 u.name as "owner?: String"
             from application a left join app_user u on u.user_id = a.owner_id
             where a.organisation_id = $1 and a.next_evaluation <= current_date + 30
               and registration_approved(a.workflow_status)"# + $condition + "
             order by a.next_evaluation, lower(a.name)",
            $($arg),+
        )
    };
}

/// Evaluations due within 30 days or overdue in the organisation, the earliest first; with `owner`, only that
/// owner's registrations.
///
/// Two statements, not one with `($2 is null or a.owner_id = $2)`: PostgreSQL's generic plan for that condition
/// cannot use the owner's index (16 ms at 10,000 registrations against 0.04 ms), so it planned the statement
/// again on every call (0.4 ms of planning on every start page; pg_stat_statements, issue 24).
pub async fn evaluations_due(
    conn: &mut PgConnection,
    org: Uuid,
    owner: Option<Uuid>,
) -> sqlx::Result<Vec<EvaluationDue>> {
    match owner {
        Some(owner) => evaluations_due_query!(" and a.owner_id = $2", org, owner).fetch_all(conn).await,
        None => evaluations_due_query!("", org).fetch_all(conn).await,
    }
}
