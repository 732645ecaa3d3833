//! The organisation's AI policy (issue 22, items 1 and 2): its text in versions — a draft, published on a date,
//! superseded by the next — with two versions compared side by side and a print view; and each employee's
//! acknowledgement of the published version ("Ik heb het AI-beleid versie N gelezen"), asked for through a
//! notification (and e-mail) at publication and by reminders, with the coverage per department for the CISO,
//! the directie and the administrator, and its export (CSV, Excel).
//!
//! The administrator and the CISO write and publish the policy (the CISO answers for the rules of use, the
//! administrator keeps the application); everyone reads it.

pub mod coverage;
mod pages;
pub mod reminders;
pub mod store;
pub mod text;

use axum::Router;
use axum::routing::{get, post};
use sqlx::PgPool;
use uuid::Uuid;

use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beleid", get(pages::current))
        .route("/beleid/concept", get(pages::draft_form).post(pages::save_draft))
        .route("/beleid/concept/publiceren", post(pages::publish))
        .route("/beleid/vergelijken", get(pages::compare))
        .route("/beleid/versie/{number}", get(pages::version))
        .route("/beleid/versie/{number}/afdrukken", get(pages::print))
        .route("/beleid/versie/{number}/gelezen", post(pages::acknowledge))
        .route("/beleid/versie/{number}/dekking", get(coverage::page))
        .route("/beleid/versie/{number}/herinneren", post(coverage::remind))
        .route("/beleid/versie/{number}/export", get(coverage::export))
}

/// Who writes and publishes the policy.
pub fn edits(roles: &[Role]) -> bool {
    roles.iter().any(|r| matches!(r, Role::Beheerder | Role::Ciso))
}

/// Who sees who has (not) read it: the CISO, the directie and the administrator.
pub fn sees_coverage(roles: &[Role]) -> bool {
    roles.iter().any(|r| matches!(r, Role::Beheerder | Role::Ciso | Role::Directie))
}

/// The published policy as other pages link to it (start page, allowed tools and its print).
pub struct PolicyLink {
    pub number: i32,
    pub title: String,
    /// The date it took effect (dd-mm-jjjj).
    pub since: String,
    /// The version asks the user to read it and they have not acknowledged it yet.
    pub to_acknowledge: bool,
}

/// The link to the published policy, if there is one; `user` to say whether they still need to read it. One
/// statement without the text: the start page and the allowed tools show it on every view, and it took three
/// round trips and the whole policy text before (issue 24).
pub async fn link(pool: &PgPool, org: Uuid, user: Option<Uuid>) -> sqlx::Result<Option<PolicyLink>> {
    let row = sqlx::query!(
        r#"select v.number, v.title, v.published_on,
                  coalesce((select r.acknowledged_at is null
                              from policy_audience(v.organisation_id, v.policy_version_id, v.audience_roles,
                                                   v.audience_departments) r
                             where r.user_id = $2), false) as "to_acknowledge!"
             from policy_version v where v.organisation_id = $1 and v.status = 'gepubliceerd'"#,
        org,
        user
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|v| PolicyLink {
        number: v.number,
        title: v.title,
        since: v.published_on.map(crate::web::format_date).unwrap_or_default(),
        to_acknowledge: v.to_acknowledge,
    }))
}

/// The link for a signed-in user of an organisation (none without one).
pub async fn link_for(pool: &PgPool, user: &CurrentUser) -> sqlx::Result<Option<PolicyLink>> {
    match user.organisation_id() {
        Some(org) => link(pool, org, Some(user.user_id)).await,
        None => Ok(None),
    }
}
