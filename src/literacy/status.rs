//! The literacy queries: what a person needs and how they stand, what the tools on a list require, and the
//! standing of every (person, required training) pair of an organisation for the coverage figures. The
//! standing itself is `rules::standing`, so every view agrees.

use sqlx::PgPool;
use time::Date;
use uuid::Uuid;

use super::rules::{self, Standing};
use crate::roles::Role;

/// One training a person must have, why, and how they stand.
pub struct Need {
    pub training_id: Uuid,
    pub title: String,
    pub level: String,
    /// "Rol Medewerker", "Tool Copilot".
    pub reasons: Vec<String>,
    pub standing: Standing,
    /// The last day the latest confirmed completion counts (None: no completion, or it does not expire).
    pub valid_until: Option<Date>,
}

fn reasons(roles: Vec<String>, tools: Vec<String>) -> Vec<String> {
    let roles = roles.into_iter().filter_map(|r| Role::parse(&r)).map(|r| format!("rol {}", r.label()));
    roles.chain(tools.into_iter().map(|t| format!("tool {t}"))).collect()
}

/// The trainings `user_id` must have in `org` (for a role they hold or a tool they use), by title.
pub async fn needs_of(pool: &PgPool, org: Uuid, user_id: Uuid, today: Date) -> sqlx::Result<Vec<Need>> {
    let rows = sqlx::query!(
        r#"select t.training_id as "training_id!", t.title as "title!", t.level as "level!",
                  t.validity_months,
                  array_remove(array_agg(distinct n.role), null) as "roles!: Vec<String>",
                  array_remove(array_agg(distinct a.name), null) as "tools!: Vec<String>",
                  (select max(c.completed_on) from training_completion c where c.training_id = t.training_id
                     and c.user_id = $2 and c.confirmed_at is not null) as latest,
                  exists (select 1 from training_completion c where c.training_id = t.training_id
                     and c.user_id = $2 and c.confirmed_at is null) as "waiting!"
           from training_need n join training t on t.training_id = n.training_id
           left join application a on a.application_id = n.application_id
           where n.organisation_id = $1 and n.user_id = $2
           group by t.training_id order by lower(t.title)"#,
        org,
        user_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Need {
            training_id: r.training_id,
            standing: rules::standing(r.latest, r.validity_months, r.waiting, today),
            valid_until: r.latest.and_then(|d| rules::valid_until(d, r.validity_months)),
            title: r.title,
            level: r.level,
            reasons: reasons(r.roles, r.tools),
        })
        .collect())
}

/// What one tool requires of whoever uses it, and how the asking person stands.
pub struct ToolNeed {
    pub application_id: Uuid,
    pub tool: String,
    pub training_id: Uuid,
    pub title: String,
    pub standing: Standing,
}

/// The trainings the tools in `tools` require, with `user_id`'s standing for each (by tool name, title).
pub async fn tool_needs(
    pool: &PgPool,
    org: Uuid,
    user_id: Uuid,
    tools: &[Uuid],
    today: Date,
) -> sqlx::Result<Vec<ToolNeed>> {
    let rows = sqlx::query!(
        r#"select r.application_id as "application_id!", a.name as tool, t.training_id, t.title, t.validity_months,
                  (select max(c.completed_on) from training_completion c where c.training_id = t.training_id
                     and c.user_id = $2 and c.confirmed_at is not null) as latest,
                  exists (select 1 from training_completion c where c.training_id = t.training_id
                     and c.user_id = $2 and c.confirmed_at is null) as "waiting!"
           from training_requirement r join training t on t.training_id = r.training_id
           join application a on a.application_id = r.application_id
           where r.organisation_id = $1 and r.application_id = any($3)
           order by lower(a.name), lower(t.title)"#,
        org,
        user_id,
        tools
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ToolNeed {
            application_id: r.application_id,
            tool: r.tool,
            training_id: r.training_id,
            title: r.title,
            standing: rules::standing(r.latest, r.validity_months, r.waiting, today),
        })
        .collect())
}

/// One (person, required training, reason) of an organisation, with the standing: the coverage's raw data.
pub struct Pair {
    pub user_id: Uuid,
    pub user_name: String,
    pub email: String,
    pub training_id: Uuid,
    pub title: String,
    /// The reason: a role, or a tool (id and name).
    pub role: Option<Role>,
    pub tool: Option<(Uuid, String)>,
    pub standing: Standing,
    /// The latest confirmed completion (None: none confirmed yet).
    pub completed_on: Option<Date>,
    pub valid_until: Option<Date>,
}

/// Every need of the organisation with its standing on `today`.
pub async fn pairs(pool: &PgPool, org: Uuid, today: Date) -> sqlx::Result<Vec<Pair>> {
    let rows = sqlx::query!(
        r#"select user_id as "user_id!", user_name as "user_name!", email as "email!", training_id as "training_id!",
                  title as "title!", validity_months, role, application_id, tool as "tool?", done as "done?",
                  waiting as "waiting!"
           from training_need_detail
           where organisation_id = $1
           order by lower(user_name), email, lower(title)"#,
        org
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Pair {
            user_id: r.user_id,
            user_name: r.user_name,
            email: r.email,
            training_id: r.training_id,
            title: r.title,
            role: r.role.as_deref().and_then(Role::parse),
            tool: r.application_id.zip(r.tool),
            standing: rules::standing(r.done, r.validity_months, r.waiting, today),
            completed_on: r.done,
            valid_until: r.done.and_then(|d| rules::valid_until(d, r.validity_months)),
        })
        .collect())
}
