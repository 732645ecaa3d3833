//! Small literacy queries for the pages outside this module (issue 22, item 4): what a registration's tool
//! requires and how many of its users have it, how the organisation's required trainings stand per department
//! and role, and each member's department for the coverage per department. The standing is `rules::standing`, as
//! everywhere else; where the database counts, its SQL twins `training_valid_until` and `training_standing`.

use std::collections::HashMap;

use sqlx::PgPool;
use time::Date;
use uuid::Uuid;

use super::rules::{Standing, expiry_warning_days_sql};
use super::status::Pair;
use crate::roles::Role;

/// One training a tool requires, and how its users stand.
pub struct ToolTraining {
    pub title: String,
    pub level: String,
    /// The tool's users the requirement applies to: its needs (the view `training_need_detail`: accepted or
    /// linked tool requests and the people named in the RASCI, active members only).
    pub users: usize,
    /// Of them, those with the training done and valid today (confirmed, not expired).
    pub valid: usize,
}

/// The trainings `app` requires of its users, by title, each with its users and how many have it. Counted in
/// the database (a tool can have thousands of users) from the tool's needs, so its users are the people the
/// literacy lists and figures count; "has it" is `rules::standing(..).has_it()`: a confirmed completion still valid
/// today, with the validity rule as the SQL function `training_valid_until`.
pub async fn for_tool(pool: &PgPool, org: Uuid, app: Uuid, today: Date) -> sqlx::Result<Vec<ToolTraining>> {
    let rows = sqlx::query!(
        r#"select t.title as "title!", t.level as "level!", count(n.user_id) as "users!",
                  count(n.user_id) filter (where n.done is not null
                      and (t.validity_months is null or training_valid_until(n.done, t.validity_months) >= $3))
                      as "valid!"
             from training_requirement r join training t on t.training_id = r.training_id
             left join training_need_detail n
                    on n.organisation_id = $1 and n.application_id = r.application_id and n.training_id = r.training_id
            where r.organisation_id = $1 and r.application_id = $2
            group by t.training_id
            order by lower(t.title), t.training_id"#,
        org,
        app,
        today
    )
    .fetch_all(pool)
    .await?;
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|r| ToolTraining { title: r.title, level: r.level, users: count(r.users), valid: count(r.valid) })
        .collect())
}

/// The department of each member of the organisation who has one, by name (the SQL function `department_name`:
/// trimmed; only white space counts as none).
pub async fn departments(pool: &PgPool, org: Uuid) -> sqlx::Result<HashMap<Uuid, String>> {
    let rows = sqlx::query!(
        r#"select u.user_id as "user_id!", department_name(u.department) as "department!" from app_user u
            where department_name(u.department) is not null
              and exists (select 1 from membership m where m.user_id = u.user_id and m.organisation_id = $1)"#,
        org
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.user_id, r.department)).collect())
}

/// How many (person, required training, reason) of the organisation stand one way, for one department and one
/// reason: what the dashboard's and the coverage page's figures add up.
pub struct StandingCount {
    /// The person's department, trimmed (None: none).
    pub department: Option<String>,
    /// The reason: the role that requires the training, or the tool (id and name).
    pub role: Option<Role>,
    pub tool: Option<(Uuid, String)>,
    pub standing: Standing,
    pub count: usize,
}

impl StandingCount {
    /// One pair read with `status::pairs`, as a count of one without its department (where the pairs are read
    /// anyway: the REST API's figures beside the names).
    pub fn of(p: &Pair) -> StandingCount {
        StandingCount { department: None, role: p.role, tool: p.tool.clone(), standing: p.standing, count: 1 }
    }
}

/// The standings of every need of the organisation on `today`, counted per department, reason and standing in
/// the database: the same pairs as `status::pairs` (an organisation with thousands of people has thousands of
/// them), with `rules::standing` as the SQL function `training_standing`.
pub async fn standing_counts(pool: &PgPool, org: Uuid, today: Date) -> sqlx::Result<Vec<StandingCount>> {
    let rows = sqlx::query!(
        r#"select department_name(department) as department, role, application_id, tool as "tool?",
                  training_standing(done, validity_months, waiting, $2, $3) as "standing!", count(*) as "count!"
             from training_need_detail
            where organisation_id = $1
            group by 1, 2, 3, 4, 5"#,
        org,
        today,
        expiry_warning_days_sql()
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            // Never silently fewer: a standing the Rust rule does not know is an error, not a row left out.
            let standing = Standing::parse(&r.standing)
                .ok_or_else(|| sqlx::Error::Decode(format!("training_standing gaf '{}'", r.standing).into()))?;
            Ok(StandingCount {
                standing,
                department: r.department,
                role: r.role.as_deref().and_then(Role::parse),
                tool: r.application_id.zip(r.tool),
                count: usize::try_from(r.count).unwrap_or(0),
            })
        })
        .collect()
}
