//! Queries for applications. The fields travel as one JSON object in the catalogue's keys and are written with
//! `jsonb_populate_record`, so PostgreSQL converts them to the column types and its constraints apply.

use std::sync::LazyLock;

use serde_json::{Map, Value, json};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

use super::fields::{DATA_CLASSES, FIELDS};
use super::form::Member;
use super::machine::WorkflowStatus;
use super::rasci::{self, RasciEntry};
use super::risk::{Derivation, Permission, RiskInput, RiskLevel};
use crate::audit::{self, Actor, Event};

/// The catalogue's columns, as a SQL list (identifiers from our own code, never from input).
static COLUMNS: LazyLock<Vec<&'static str>> = LazyLock::new(|| FIELDS.iter().map(|f| f.key).collect());

/// One application as stored: the fields the workflow decides on, typed; all columns as JSON (minus the search
/// vector, for the catalogue's 60 fields, the audit snapshot and the export); and its RASCI.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub status: WorkflowStatus,
    pub owner_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub submitted_by: Option<Uuid>,
    pub risk_level: Option<RiskLevel>,
    pub version: i32,
    pub doc: Map<String, Value>,
    pub rasci: Vec<RasciEntry>,
}

impl Stored {
    /// From a row as JSON (`to_jsonb(a.*)`); None when it is not an application row. PostgreSQL's constraints
    /// keep the status and risk level to the known values.
    pub fn from_row(doc: Value, rasci: Vec<RasciEntry>) -> Option<Stored> {
        let Value::Object(doc) = doc else { return None };
        let text = |k: &str| doc.get(k).and_then(Value::as_str);
        let uuid = |k: &str| text(k).and_then(|s| Uuid::parse_str(s).ok());
        Some(Stored {
            id: uuid("application_id")?,
            organisation_id: uuid("organisation_id")?,
            status: text("workflow_status").and_then(WorkflowStatus::parse)?,
            owner_id: uuid("owner_id"),
            created_by: uuid("created_by"),
            submitted_by: uuid("submitted_by"),
            risk_level: text("risk_level").and_then(RiskLevel::parse),
            version: doc.get("version").and_then(Value::as_i64).and_then(|v| i32::try_from(v).ok())?,
            doc,
            rasci,
        })
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.doc.get(key).and_then(Value::as_str)
    }

    pub fn uuid(&self, key: &str) -> Option<Uuid> {
        self.str(key).and_then(|s| Uuid::parse_str(s).ok())
    }

    pub fn name(&self) -> &str {
        self.str("name").unwrap_or("")
    }

    /// The state kept in the audit trail: every column plus the RASCI, without bookkeeping.
    pub fn snapshot(&self, members: &[Member]) -> Value {
        let mut doc = self.doc.clone();
        for k in ["updated_at", "created_at"] {
            doc.remove(k);
        }
        let mut rasci: Vec<String> = self.rasci.iter().map(|r| r.describe(members)).collect();
        rasci.sort_by_key(|r| (r.chars().next().map(|c| "RASCI".find(c).unwrap_or(9)), r.clone()));
        doc.insert("rasci".into(), json!(rasci));
        Value::Object(doc)
    }
}

/// The audit event of a change to an application, with before/after snapshots (in the caller's transaction).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    before: Option<&Stored>,
    after: &Stored,
) -> sqlx::Result<i64> {
    record_with(conn, actor, action, before, after, &[]).await
}

/// The same, with what the event adds beyond the columns (a decision's conditions, an advice) in `after`.
/// The snapshots name the RASCI people, read here by id: a state change does not read every member of the
/// organisation (thousands, where SCIM brings every employee) to name the few a registration has.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record_with(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    before: Option<&Stored>,
    after: &Stored,
    extra: &[(&str, Value)],
) -> sqlx::Result<i64> {
    let mut ids: Vec<Uuid> =
        before.into_iter().chain([after]).flat_map(|s| s.rasci.iter().filter_map(|r| r.user_id)).collect();
    ids.sort();
    ids.dedup();
    let members =
        if ids.is_empty() { Vec::new() } else { members_among(&mut *conn, after.organisation_id, &ids).await? };
    let members = members.as_slice();
    let mut after_snapshot = after.snapshot(members);
    if let Value::Object(map) = &mut after_snapshot {
        for (k, v) in extra {
            map.insert((*k).to_string(), v.clone());
        }
    }
    audit::record(
        conn,
        Event {
            organisation_id: after.uuid("organisation_id"),
            actor,
            action,
            object_type: "application",
            object_id: Some(after.id),
            before: before.map(|b| b.snapshot(members)),
            after: Some(after_snapshot),
        },
    )
    .await
}

/// An event about an application that does not change its columns (an assessment, an incident, advice): the
/// snapshot stays, `note` says what happened.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record_note(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    app: &Stored,
    note: (&str, &str),
) -> sqlx::Result<i64> {
    record_with(conn, actor, action, Some(app), app, &[(note.0, json!(note.1))]).await
}

/// The own risk level from the stored or submitted values.
pub fn derive_risk(values: &Map<String, Value>) -> Derivation {
    let flag = |k: &str| values.get(k).and_then(Value::as_bool);
    super::risk::derive(&RiskInput {
        matrix: DATA_CLASSES
            .iter()
            .map(|dc| (dc.value, values.get(dc.value).and_then(Value::as_str).and_then(Permission::parse)))
            .collect(),
        organisation_licence: values.get("licence_type").and_then(Value::as_str).map(|l| l == "organisatie"),
        personal_data: flag("personal_data"),
        special_categories: flag("special_categories"),
    })
}

/// Fill defaults the database requires (the register status) before writing.
fn prepared(values: &Map<String, Value>) -> Value {
    let mut v = values.clone();
    if v.get("status").is_none_or(Value::is_null) {
        v.insert("status".into(), json!("In ontwikkeling"));
    }
    Value::Object(v)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn members(pool: &PgPool, organisation_id: Uuid) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as!(
        Member,
        r#"select distinct u.user_id as "user_id!", u.name as "name!", u.email as "email!", u.active as "active!"
           from app_user u join membership m using (user_id)
           where m.organisation_id = $1 order by u.active desc, u.name, u.email"#,
        organisation_id
    )
    .fetch_all(pool)
    .await
}

/// The members among `ids` (the people a form shows): a page that only shows a registration's people reads
/// those, not every member of the organisation (`register::people::candidates` finds the ones typed text can
/// name).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn members_among<'e>(
    exec: impl PgExecutor<'e>,
    organisation_id: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as!(
        Member,
        r#"select u.user_id as "user_id!", u.name as "name!", u.email as "email!", u.active as "active!"
           from app_user u
           where u.user_id = any($2)
             and exists (select 1 from membership m where m.user_id = u.user_id and m.organisation_id = $1)"#,
        organisation_id,
        ids
    )
    .fetch_all(exec)
    .await
}

/// Which of `emails` (lower case, as stored) are addresses of the organisation's members.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn member_addresses_among(
    pool: &PgPool,
    organisation_id: Uuid,
    emails: &[String],
) -> sqlx::Result<Vec<String>> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_scalar!(
        r#"select u.email as "email!" from app_user u
           where u.email = any($2)
             and exists (select 1 from membership m where m.user_id = u.user_id and m.organisation_id = $1)"#,
        organisation_id,
        emails
    )
    .fetch_all(pool)
    .await
}

/// The members that stored documents (a registration's versions in its history, an approved version) name in
/// their person fields: what those pages show by name, read by id instead of every member of the organisation.
pub async fn members_named_in<'a>(
    pool: &PgPool,
    organisation_id: Uuid,
    docs: impl IntoIterator<Item = &'a Map<String, Value>>,
) -> sqlx::Result<Vec<Member>> {
    let people: Vec<&str> =
        FIELDS.iter().filter(|f| matches!(f.kind, super::fields::Kind::User)).map(|f| f.key).collect();
    let mut ids: Vec<Uuid> = docs
        .into_iter()
        .flat_map(|d| people.iter().filter_map(|k| d.get(*k)?.as_str()?.parse().ok()).collect::<Vec<Uuid>>())
        .collect();
    ids.sort();
    ids.dedup();
    members_among(pool, organisation_id, &ids).await
}

/// Whether `user_id` is an active member of the organisation: one row, where a check against `members` read them
/// all (an organisation's members can number thousands).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn is_active_member(pool: &PgPool, organisation_id: Uuid, user_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from app_user u join membership m using (user_id)
                           where m.organisation_id = $1 and u.user_id = $2 and u.active) as "member!""#,
        organisation_id,
        user_id
    )
    .fetch_one(pool)
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    created_by: Option<Uuid>,
    values: &Map<String, Value>,
    rasci: &[RasciEntry],
) -> sqlx::Result<Stored> {
    let id = Uuid::now_v7();
    let cols = COLUMNS.join(", ");
    let sql = format!(
        "insert into application (application_id, organisation_id, created_by, risk_level_derived, {cols})
         select $1, $2, $3, $4, {cols} from jsonb_populate_record(null::application, $5)"
    );
    let risk = derive_risk(values).level.map(|l| l.as_str());
    sqlx::query(&sql)
        .bind(id)
        .bind(organisation_id)
        .bind(created_by)
        .bind(risk)
        .bind(prepared(values))
        .execute(&mut *conn)
        .await?;
    rasci::save(conn, id, rasci).await?;
    get_in(conn, organisation_id, id).await?.ok_or(sqlx::Error::RowNotFound)
}

/// Insert a new registration and its "created" audit event.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_recorded(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    actor: &Actor,
    created_by: Option<Uuid>,
    values: &Map<String, Value>,
    rasci: &[RasciEntry],
) -> sqlx::Result<Stored> {
    let stored = insert(conn, organisation_id, created_by, values, rasci).await?;
    record(conn, actor, "application.created", None, &stored).await?;
    Ok(stored)
}

/// Write the fields if the row is still at `base_version`; None when someone else saved in between.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn update(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    id: Uuid,
    base_version: i32,
    values: &Map<String, Value>,
    rasci: &[RasciEntry],
) -> sqlx::Result<Option<Stored>> {
    let cols = COLUMNS.join(", ");
    let from = COLUMNS.iter().map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "update application a set ({cols}, risk_level_derived, version) =
             (select {from}, $4::text, a.version + 1 from jsonb_populate_record(null::application, $3) r)
         where a.application_id = $1 and a.organisation_id = $2 and a.version = $5"
    );
    let risk = derive_risk(values).level.map(|l| l.as_str());
    let done = sqlx::query(&sql)
        .bind(id)
        .bind(organisation_id)
        .bind(prepared(values))
        .bind(risk)
        .bind(base_version)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    rasci::save(conn, id, rasci).await?;
    get_in(conn, organisation_id, id).await
}

/// One application of the organisation (None for another organisation's: nothing leaks).
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn get_in(conn: &mut PgConnection, organisation_id: Uuid, id: Uuid) -> sqlx::Result<Option<Stored>> {
    // The RASCI comes along as JSON, in the order it is shown (R, A, S, C, I; people before functions): every
    // page that shows a registration reads it, and one round trip is cheaper than two.
    let row = sqlx::query!(
        r#"select to_jsonb(a.*) - 'search' as "doc!",
                  (select coalesce(jsonb_agg(jsonb_build_object('letter', r.letter, 'user_id', r.user_id,
                                                                'function_name', r.function_name)
                                             order by position('RASCI' in r.letter), r.function_name nulls first,
                                                      r.rasci_id), '[]')
                     from rasci_assignment r where r.application_id = a.application_id)
                    as "rasci!: Json<Vec<rasci::RasciRow>>"
             from application a
            where application_id = $1 and organisation_id = $2"#,
        id,
        organisation_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Stored::from_row(row.doc, row.rasci.0.into_iter().map(RasciEntry::from).collect()))
}

#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn get(pool: &PgPool, organisation_id: Uuid, id: Uuid) -> sqlx::Result<Option<Stored>> {
    let mut conn = pool.acquire().await?;
    get_in(&mut conn, organisation_id, id).await
}

/// Lock the row for a state change in this transaction.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn lock(conn: &mut PgConnection, organisation_id: Uuid, id: Uuid) -> sqlx::Result<Option<Stored>> {
    let found: Option<Uuid> = sqlx::query_scalar!(
        r#"select application_id as "id!" from application
           where application_id = $1 and organisation_id = $2 for update"#,
        id,
        organisation_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    match found {
        Some(_) => get_in(conn, organisation_id, id).await,
        None => Ok(None),
    }
}
