//! Small literacy queries for the pages outside this module (issue 22, item 4): what a registration's tool
//! requires and how many of its users have it, and each member's department for the coverage per department.
//! The standing is `rules::standing`, as everywhere else.

use std::collections::HashMap;

use sqlx::PgPool;
use time::Date;
use uuid::Uuid;

use super::rules;

/// One training a tool requires, and how its users stand.
pub struct ToolTraining {
    pub title: String,
    pub level: String,
    /// The tool's users the requirement applies to (the view `training_tool_user`: accepted tool requests and
    /// the people named in the RASCI, active members only).
    pub users: usize,
    /// Of them, those with the training done and valid today (confirmed, not expired).
    pub valid: usize,
}

/// The trainings `app` requires of its users, by title, each with its users and how many have it.
pub async fn for_tool(pool: &PgPool, org: Uuid, app: Uuid, today: Date) -> sqlx::Result<Vec<ToolTraining>> {
    let rows = sqlx::query!(
        r#"select t.training_id as "training_id!", t.title as "title!", t.level as "level!", t.validity_months,
                  u.user_id as "user_id?",
                  (select max(c.completed_on) from training_completion c where c.training_id = t.training_id
                     and c.user_id = u.user_id and c.confirmed_at is not null) as "done?",
                  exists (select 1 from training_completion c where c.training_id = t.training_id
                     and c.user_id = u.user_id and c.confirmed_at is null) as "waiting!"
             from training_requirement r join training t on t.training_id = r.training_id
             left join training_tool_user u on u.application_id = r.application_id and u.organisation_id = $1
            where r.organisation_id = $1 and r.application_id = $2
            order by lower(t.title), t.training_id"#,
        org,
        app
    )
    .fetch_all(pool)
    .await?;
    let mut out: Vec<(Uuid, ToolTraining)> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|(id, _)| *id != r.training_id) {
            let t = ToolTraining { title: r.title, level: r.level, users: 0, valid: 0 };
            out.push((r.training_id, t));
        }
        let Some((_, t)) = out.last_mut() else { continue };
        if r.user_id.is_some() {
            t.users += 1;
            if rules::standing(r.done, r.validity_months, r.waiting, today).has_it() {
                t.valid += 1;
            }
        }
    }
    Ok(out.into_iter().map(|(_, t)| t).collect())
}

/// The department of each member of the organisation who has one (trimmed; empty counts as none).
pub async fn departments(pool: &PgPool, org: Uuid) -> sqlx::Result<HashMap<Uuid, String>> {
    let rows = sqlx::query!(
        r#"select u.user_id as "user_id!", btrim(u.department) as "department!" from app_user u
            where btrim(u.department) <> ''
              and exists (select 1 from membership m where m.user_id = u.user_id and m.organisation_id = $1)"#,
        org
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.user_id, r.department)).collect())
}
