//! The policy's versions and acknowledgements in the database. Who is asked to acknowledge a version (its
//! audience) is worked out when asked, not copied at publication: someone who joins later is asked too.

use sqlx::{PgConnection, PgPool};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::coverage::department_order;

/// One version of the policy.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Version {
    pub id: Uuid,
    pub number: i32,
    pub title: String,
    pub body: String,
    /// `concept`, `gepubliceerd` or `vervangen`.
    pub status: String,
    pub published_on: Option<Date>,
    pub published_at: Option<OffsetDateTime>,
    pub superseded_at: Option<OffsetDateTime>,
    pub audience_roles: Vec<String>,
    pub audience_departments: Vec<String>,
    pub version: i32,
    pub updated_at: OffsetDateTime,
}

impl Version {
    pub fn is_draft(&self) -> bool {
        self.status == "concept"
    }

    pub fn status_label(&self) -> &'static str {
        status_label(&self.status)
    }
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "concept" => "Concept",
        "gepubliceerd" => "Geldend",
        _ => "Vervangen",
    }
}

macro_rules! select_versions {
    ($where:tt, $($arg:expr),*) => {
        sqlx::query_as!(
            Version,
            r#"select policy_version_id as "id!", number as "number!", title as "title!", body as "body!",
                      status as "status!", published_on, published_at, superseded_at,
                      audience_roles as "audience_roles!", audience_departments as "audience_departments!",
                      version as "version!", updated_at as "updated_at!"
                 from policy_version where organisation_id = $1 "# + $where,
            $($arg),*
        )
    };
}

/// Every version, newest first.
pub async fn list(pool: &PgPool, org: Uuid) -> sqlx::Result<Vec<Version>> {
    select_versions!("order by number desc", org).fetch_all(pool).await
}

pub async fn get(pool: &PgPool, org: Uuid, number: i32) -> sqlx::Result<Option<Version>> {
    select_versions!("and number = $2", org, number).fetch_optional(pool).await
}

/// The version in force.
pub async fn published(pool: &PgPool, org: Uuid) -> sqlx::Result<Option<Version>> {
    select_versions!("and status = 'gepubliceerd'", org).fetch_optional(pool).await
}

pub async fn draft(conn: &mut PgConnection, org: Uuid) -> sqlx::Result<Option<Version>> {
    select_versions!("and status = 'concept' for update", org).fetch_optional(conn).await
}

/// A new draft (the next number).
pub async fn create_draft(
    conn: &mut PgConnection,
    org: Uuid,
    title: &str,
    body: &str,
    by: Option<Uuid>,
) -> sqlx::Result<Version> {
    // One writer at a time per organisation, so two first drafts do not take the same number.
    sqlx::query!("select organisation_id from organisation where organisation_id = $1 for update", org)
        .fetch_one(&mut *conn)
        .await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into policy_version (policy_version_id, organisation_id, number, title, body, created_by)
         values ($1, $2, (select coalesce(max(number), 0) + 1 from policy_version where organisation_id = $2), $3, $4, $5)",
        id,
        org,
        title,
        body,
        by
    )
    .execute(&mut *conn)
    .await?;
    Ok(draft(conn, org).await?.expect("the draft just made"))
}

/// Change the draft if nobody else changed it since `expected` (false: somebody did).
pub async fn update_draft(
    conn: &mut PgConnection,
    id: Uuid,
    title: &str,
    body: &str,
    expected: i32,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update policy_version set title = $2, body = $3, version = version + 1, updated_at = now()
          where policy_version_id = $1 and status = 'concept' and version = $4",
        id,
        title,
        body,
        expected
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Who is asked to read a version.
pub struct Audience<'a> {
    pub roles: &'a [String],
    pub departments: &'a [String],
}

/// Publish the draft: the version in force until now is superseded.
pub async fn publish(
    conn: &mut PgConnection,
    org: Uuid,
    id: Uuid,
    on: Date,
    audience: &Audience<'_>,
    by: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update policy_version set status = 'vervangen', superseded_at = now(), updated_at = now(), version = version + 1
          where organisation_id = $1 and status = 'gepubliceerd'",
        org
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update policy_version set status = 'gepubliceerd', published_on = $2, published_at = now(), published_by = $3,
                audience_roles = $4, audience_departments = $5, updated_at = now(), version = version + 1
          where policy_version_id = $1 and status = 'concept'",
        id,
        on,
        by,
        audience.roles,
        audience.departments
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A member of a version's audience and whether (when) they acknowledged it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reader {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub department: Option<String>,
    pub roles: Vec<String>,
    pub acknowledged_at: Option<OffsetDateTime>,
}

/// The active members of the organisation a version asks to read it (its roles and departments; none chosen
/// means everyone: the SQL function `policy_audience`), with their acknowledgement; by department as the figures
/// name it (`coverage::department_order`), then name.
pub async fn readers(conn: &mut PgConnection, org: Uuid, v: &Version) -> sqlx::Result<Vec<Reader>> {
    let mut readers = sqlx::query_as!(
        Reader,
        r#"select r.user_id as "user_id!", u.name as "name!", u.email as "email!", r.department,
                  array(select m.role from membership m where m.user_id = r.user_id and m.organisation_id = $1
                         order by m.role) as "roles!",
                  r.acknowledged_at as "acknowledged_at?"
             from policy_audience($1, $2, $3, $4) r join app_user u on u.user_id = r.user_id
            order by lower(u.name), r.user_id"#,
        org,
        v.id,
        v.audience_roles.as_slice(),
        v.audience_departments.as_slice()
    )
    .fetch_all(&mut *conn)
    .await?;
    // A stable sort: by name within a department, as the database gave them.
    readers.sort_by_cached_key(|r| department_order(r.department.as_deref()));
    Ok(readers)
}

/// How many of a version's readers did or did not acknowledge it, for one department (by name; `role` is
/// None) or for one role (a person counts in each role they hold; `department` is None).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderCount {
    pub department: Option<String>,
    pub role: Option<String>,
    pub acknowledged: bool,
    pub count: usize,
}

/// The dashboard's figures of a version: its readers counted per department and per role in the database
/// (thousands of readers need not travel to be counted).
pub async fn reader_counts(pool: &PgPool, org: Uuid, v: &Version) -> sqlx::Result<Vec<ReaderCount>> {
    let rows = sqlx::query!(
        r#"with r as (select * from policy_audience($1, $2, $3, $4))
           select r.department, null::text as role, r.acknowledged_at is not null as "acknowledged!",
                  count(*) as "count!"
             from r group by r.department, r.acknowledged_at is not null
           union all
           select null, m.role, r.acknowledged_at is not null, count(*)
             from r join membership m on m.user_id = r.user_id and m.organisation_id = $1
            group by m.role, r.acknowledged_at is not null"#,
        org,
        v.id,
        v.audience_roles.as_slice(),
        v.audience_departments.as_slice()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReaderCount {
            department: r.department,
            role: r.role,
            acknowledged: r.acknowledged,
            count: usize::try_from(r.count).unwrap_or(0),
        })
        .collect())
}

/// Whether the version asks this user to read it (`policy_audience`, as the lists).
pub async fn asks(pool: &PgPool, org: Uuid, v: &Version, user_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from policy_audience($1, $2, $3, $4) r where r.user_id = $5) as "v!""#,
        org,
        v.id,
        v.audience_roles.as_slice(),
        v.audience_departments.as_slice(),
        user_id
    )
    .fetch_one(pool)
    .await
}

/// Record that the user read the version; false when they had already.
pub async fn acknowledge(conn: &mut PgConnection, version_id: Uuid, user_id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "insert into policy_acknowledgement (policy_version_id, user_id) values ($1, $2) on conflict do nothing",
        version_id,
        user_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When the user acknowledged the version, if they did.
pub async fn acknowledged_at(pool: &PgPool, version_id: Uuid, user_id: Uuid) -> sqlx::Result<Option<OffsetDateTime>> {
    sqlx::query_scalar!(
        "select acknowledged_at from policy_acknowledgement where policy_version_id = $1 and user_id = $2",
        version_id,
        user_id
    )
    .fetch_optional(pool)
    .await
}

/// The departments the organisation's members have, by name (the SQL function `department_name`, as
/// `policy_audience` matches them), to choose an audience from.
pub async fn departments(pool: &PgPool, org: Uuid) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"select distinct department_name(u.department) as "department!" from app_user u
            where department_name(u.department) is not null
              and exists (select 1 from membership m where m.user_id = u.user_id and m.organisation_id = $1)
            order by 1"#,
        org
    )
    .fetch_all(pool)
    .await
}
