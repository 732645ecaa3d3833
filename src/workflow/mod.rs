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

pub async fn nav_counts(
    pool: &PgPool,
    organisation_id: Uuid,
    user_id: Uuid,
    roles: &[Role],
) -> sqlx::Result<NavCounts> {
    // Four-eyes: what the user registered, submitted or owns is not theirs to decide.
    let c = sqlx::query!(
        r#"select
            case when $3 then (select count(*) from application a
                where a.organisation_id = $1 and a.workflow_status in ('ingediend', 'in_beoordeling')
                  and a.created_by is distinct from $2 and a.submitted_by is distinct from $2
                  and a.owner_id is distinct from $2)
                else 0 end as "review!",
            case when $4 then (select count(*) from application a
                where a.organisation_id = $1 and a.workflow_status in ('ingediend', 'in_beoordeling')
                  and processes_personal_data(a) and not exists (select 1 from fg_advice v
                      where v.application_id = a.application_id and v.given_at >= a.submitted_at)) else 0 end
                as "advice!",
            case when $5 then (select count(*) from application a
                where a.organisation_id = $1 and a.workflow_status in ('ingediend', 'in_beoordeling')
                  and a.risk_level = 'hoog' and a.created_by is distinct from $2
                  and a.submitted_by is distinct from $2 and a.owner_id is distinct from $2
                  and not exists (select 1 from management_consent c
                      where c.application_id = a.application_id and c.given_at >= a.submitted_at)) else 0 end
                as "consent!",
            (select count(*) from notification where user_id = $2 and organisation_id = $1 and read_at is null)
                as "unread!""#,
        organisation_id,
        user_id,
        roles.contains(&Role::Ciso),
        roles.contains(&Role::Fg),
        roles.contains(&Role::Directie)
    )
    .fetch_one(pool)
    .await?;
    let (review, advice, consent, unread) = (c.review, c.advice, c.consent, c.unread);
    Ok(NavCounts { review, advice, consent, unread, ..NavCounts::default() })
}
