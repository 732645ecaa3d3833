//! The governance workflow's pages (seed 002 §6, PRODUCT.md "Workflow"): the CISO's review queue and
//! decisions, the FG's advice, management consent, evaluations, and the counts shown in the navigation. The
//! rules they apply (status machine, gates, four-eyes, the status moves) are the register domain's
//! (`register/`).

pub mod forms;
pub mod queues;
pub mod review;

use axum::Router;
use axum::routing::{get, post};
use sqlx::PgPool;
use uuid::Uuid;

use crate::AppState;
use crate::auth::roles::Role;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/te-beoordelen", get(queues::review_queue))
        .route("/adviesaanvragen", get(queues::advice_queue))
        .route("/toestemming", get(queues::consent_queue))
        .route("/evaluaties", get(queues::evaluations))
        .route("/register/{id}/beoordeling", get(review::page))
        .route("/register/{id}/oppakken", post(review::take_up))
        .route("/register/{id}/besluit", post(review::decide))
        .route("/register/{id}/checklist", post(review::tick_checklist))
        .route("/register/{id}/advies", post(review::advise))
        .route("/register/{id}/toestemming", post(review::consent))
        .route("/register/{id}/in-gebruik", post(review::put_in_use))
        .route("/register/{id}/buiten-gebruik", post(review::retire))
        .route("/register/{id}/evaluatie", post(review::evaluate))
}

pub use crate::web::session::NavCounts;

/// The navigation's counts in one statement (it runs before every logged-in page). The role decides which
/// counts are made; that choice is written into the statement rather than passed as a parameter, so each role
/// mix has its own prepared statement that PostgreSQL plans once per connection (with the roles as
/// parameters, the generic plan costs every count and was re-planned on every call: 0.09 ms of planning for
/// 0.007 ms of execution).
pub async fn nav_counts(
    pool: &PgPool,
    organisation_id: Uuid,
    user_id: Uuid,
    roles: &[Role],
) -> sqlx::Result<NavCounts> {
    let count = |role: Role, sql: &'static str| if roles.contains(&role) { sql } else { "0::bigint" };
    let sql = format!(
        "select {} as review, {} as advice, {} as consent, {UNREAD} as unread, {} as requests",
        count(Role::Ciso, REVIEW),
        count(Role::Fg, ADVICE),
        count(Role::Directie, CONSENT),
        requests_waiting(roles.contains(&Role::Ciso)),
    );
    sqlx::query_as(&sql).bind(organisation_id).bind(user_id).fetch_one(pool).await
}

// The counts, with $1 the organisation and $2 the user. The conditions are the review queues' own (migration
// 0050): in review, and four-eyes (what the user registered, submitted or owns is not theirs to decide).
// The CISO's count runs before every page a CISO opens: the registrations in review come from the counter kept
// per status (migration 0051), less the ones the CISO is a party to, found from the creator's, submitter's and
// owner's indexes (registration_party written out, as its coalesce hides them). Counting every registration in
// review took 0.77 ms at 10,000 registrations (issue 24).
const REVIEW: &str = "((select coalesce(sum(c.registrations), 0) from registration_status_count c
      where c.organisation_id = $1 and registration_in_review(c.workflow_status))
    - (select count(*) from application a
      where a.organisation_id = $1 and registration_in_review(a.workflow_status)
        and (a.created_by = $2 or a.submitted_by = $2 or a.owner_id = $2)))::bigint";
const ADVICE: &str = "(select count(*) from application a
    where a.organisation_id = $1 and registration_in_review(a.workflow_status)
      and processes_personal_data(a) and not exists (select 1 from fg_advice v
          where v.application_id = a.application_id and v.given_at >= a.submitted_at))";
const CONSENT: &str = "(select count(*) from application a
    where a.organisation_id = $1 and registration_in_review(a.workflow_status)
      and a.risk_level = 'hoog' and not registration_party(a, $2)
      and not exists (select 1 from management_consent c
          where c.application_id = a.application_id and c.given_at >= a.submitted_at))";
const UNREAD: &str =
    "(select count(*) from notification where user_id = $2 and organisation_id = $1 and read_at is null)";

/// Beside "Aanvragen": for a CISO the submitted requests of others to triage (four-eyes: not their own), and
/// for everyone their own requests with a question waiting for their answer.
fn requests_waiting(ciso: bool) -> &'static str {
    if ciso {
        "(select count(*) from tool_request where organisation_id = $1
            and ((status = 'ingediend' and requested_by is distinct from $2)
                 or (status = 'vraag_gesteld' and requested_by = $2)))"
    } else {
        "(select count(*) from tool_request where organisation_id = $1
            and status = 'vraag_gesteld' and requested_by = $2)"
    }
}
