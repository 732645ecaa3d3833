//! Supplier records (issue 23, item 4): one record per supplier per organisation, with the agreement that serves
//! every tool of that supplier. A registration is linked to a record by its `provider` text (the database links
//! any spelling with the same key, `supplier_name_key`), so the publication's `provider` stays filled and is
//! the record's name. Every change is an audit event in the same transaction.

use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::notices::{self, Kind, Note};
use crate::audit::{self, Actor, Event};
use crate::roles::Role;

/// The audit events of a supplier record (labels in `labels::event`).
pub const CREATED: &str = "supplier.created";
pub const UPDATED: &str = "supplier.updated";

/// What a supplier record holds, as entered (validated by the feature's form or the API).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SupplierInput {
    pub name: String,
    pub registration_number: Option<String>,
    pub contact: Option<String>,
    pub data_location: Option<String>,
    pub dpa_signed_on: Option<Date>,
    pub dpa_expires_on: Option<Date>,
    pub dpa_link: Option<String>,
    pub training_opt_out: Option<bool>,
    pub retention: Option<String>,
    pub iso27001_expires_on: Option<Date>,
    pub iso42001_expires_on: Option<Date>,
    pub other_certifications: Option<String>,
    pub exit_arrangements: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Supplier {
    pub id: Uuid,
    pub version: i32,
    pub input: SupplierInput,
    /// Registrations linked to it.
    pub applications: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

fn date(d: Option<Date>) -> Value {
    d.map(|d| Value::String(d.to_string())).unwrap_or(Value::Null)
}

impl SupplierInput {
    /// The record as JSON (the audit snapshot and the API's representation share it).
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "registration_number": self.registration_number,
            "contact": self.contact,
            "data_location": self.data_location,
            "dpa_signed_on": date(self.dpa_signed_on),
            "dpa_expires_on": date(self.dpa_expires_on),
            "dpa_link": self.dpa_link,
            "training_opt_out": self.training_opt_out,
            "retention": self.retention,
            "iso27001_expires_on": date(self.iso27001_expires_on),
            "iso42001_expires_on": date(self.iso42001_expires_on),
            "other_certifications": self.other_certifications,
            "exit_arrangements": self.exit_arrangements,
        })
    }
}

struct Row {
    supplier_id: Uuid,
    version: i32,
    name: String,
    registration_number: Option<String>,
    contact: Option<String>,
    data_location: Option<String>,
    dpa_signed_on: Option<Date>,
    dpa_expires_on: Option<Date>,
    dpa_link: Option<String>,
    training_opt_out: Option<bool>,
    retention: Option<String>,
    iso27001_expires_on: Option<Date>,
    iso42001_expires_on: Option<Date>,
    other_certifications: Option<String>,
    exit_arrangements: Option<String>,
    applications: i64,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl From<Row> for Supplier {
    fn from(r: Row) -> Self {
        Supplier {
            id: r.supplier_id,
            version: r.version,
            applications: r.applications,
            created_at: r.created_at,
            updated_at: r.updated_at,
            input: SupplierInput {
                name: r.name,
                registration_number: r.registration_number,
                contact: r.contact,
                data_location: r.data_location,
                dpa_signed_on: r.dpa_signed_on,
                dpa_expires_on: r.dpa_expires_on,
                dpa_link: r.dpa_link,
                training_opt_out: r.training_opt_out,
                retention: r.retention,
                iso27001_expires_on: r.iso27001_expires_on,
                iso42001_expires_on: r.iso42001_expires_on,
                other_certifications: r.other_certifications,
                exit_arrangements: r.exit_arrangements,
            },
        }
    }
}

/// The organisation's suppliers by name, or one of them.
pub async fn list(conn: &mut PgConnection, org: Uuid, only: Option<Uuid>) -> sqlx::Result<Vec<Supplier>> {
    let rows = sqlx::query_as!(
        Row,
        r#"select s.supplier_id, s.version, s.name, s.registration_number, s.contact, s.data_location,
                  s.dpa_signed_on, s.dpa_expires_on, s.dpa_link, s.training_opt_out, s.retention,
                  s.iso27001_expires_on, s.iso42001_expires_on, s.other_certifications, s.exit_arrangements,
                  (select count(*) from application a where a.supplier_id = s.supplier_id) as "applications!",
                  s.created_at, s.updated_at
           from supplier s
           where s.organisation_id = $1 and ($2::uuid is null or s.supplier_id = $2)
           order by lower(s.name), s.supplier_id"#,
        org,
        only
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(Supplier::from).collect())
}

pub async fn get(conn: &mut PgConnection, org: Uuid, id: Uuid) -> sqlx::Result<Option<Supplier>> {
    Ok(list(conn, org, Some(id)).await?.into_iter().next())
}

/// Why a save was refused by what is already stored.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Another record of the organisation has the same name (in another spelling).
    SameName(String),
    /// The record changed since it was read (optimistic locking).
    Stale,
    NotFound,
}

async fn same_name(
    conn: &mut PgConnection,
    org: Uuid,
    name: &str,
    except: Option<Uuid>,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "select name from supplier where organisation_id = $1 and name_key = supplier_name_key($2)
         and ($3::uuid is null or supplier_id <> $3)",
        org,
        name,
        except
    )
    .fetch_optional(&mut *conn)
    .await
}

/// A new record; registrations whose supplier text has its name (in any spelling) are linked to it.
pub async fn create(
    conn: &mut PgConnection,
    org: Uuid,
    actor: &Actor,
    s: &SupplierInput,
) -> sqlx::Result<Result<Uuid, Refused>> {
    if let Some(other) = same_name(conn, org, &s.name, None).await? {
        return Ok(Err(Refused::SameName(other)));
    }
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into supplier (supplier_id, organisation_id, name, name_key, registration_number, contact,
             data_location, dpa_signed_on, dpa_expires_on, dpa_link, training_opt_out, retention,
             iso27001_expires_on, iso42001_expires_on, other_certifications, exit_arrangements)
         values ($1, $2, $3, supplier_name_key($3), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        id,
        org,
        &s.name,
        s.registration_number,
        s.contact,
        s.data_location,
        s.dpa_signed_on,
        s.dpa_expires_on,
        s.dpa_link,
        s.training_opt_out,
        s.retention,
        s.iso27001_expires_on,
        s.iso42001_expires_on,
        s.other_certifications,
        s.exit_arrangements
    )
    .execute(&mut *conn)
    .await?;
    let linked = sqlx::query!(
        "update application set supplier_id = $2
         where organisation_id = $1 and supplier_id is null and btrim(coalesce(provider, '')) <> ''
           and not supplier_text_is_ambiguous(provider) and supplier_name_key(provider) = supplier_name_key($3)",
        org,
        id,
        &s.name
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let mut after = s.to_json();
    after["linked_applications"] = json!(linked);
    record(conn, org, actor, CREATED, id, None, Some(after)).await?;
    Ok(Ok(id))
}

/// Saves a changed record at `version`. A new name is carried to the linked registrations' supplier text (each
/// with its own audit event), so they stay linked and publish the record's name.
pub async fn update(
    conn: &mut PgConnection,
    org: Uuid,
    actor: &Actor,
    id: Uuid,
    version: i32,
    s: &SupplierInput,
) -> sqlx::Result<Result<(), Refused>> {
    let Some(before) = get(conn, org, id).await? else { return Ok(Err(Refused::NotFound)) };
    if let Some(other) = same_name(conn, org, &s.name, Some(id)).await? {
        return Ok(Err(Refused::SameName(other)));
    }
    let done = sqlx::query!(
        "update supplier set name = $3, name_key = supplier_name_key($3), registration_number = $4, contact = $5,
             data_location = $6, dpa_signed_on = $7, dpa_expires_on = $8, dpa_link = $9, training_opt_out = $10,
             retention = $11, iso27001_expires_on = $12, iso42001_expires_on = $13, other_certifications = $14,
             exit_arrangements = $15, version = version + 1, updated_at = now()
         where organisation_id = $1 and supplier_id = $2 and version = $16",
        org,
        id,
        &s.name,
        s.registration_number,
        s.contact,
        s.data_location,
        s.dpa_signed_on,
        s.dpa_expires_on,
        s.dpa_link,
        s.training_opt_out,
        s.retention,
        s.iso27001_expires_on,
        s.iso42001_expires_on,
        s.other_certifications,
        s.exit_arrangements,
        version
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(Err(Refused::Stale));
    }
    if before.input.name != s.name {
        rename_applications(conn, org, actor, id, &s.name).await?;
    }
    record(conn, org, actor, UPDATED, id, Some(before.input.to_json()), Some(s.to_json())).await?;
    Ok(Ok(()))
}

async fn rename_applications(
    conn: &mut PgConnection,
    org: Uuid,
    actor: &Actor,
    id: Uuid,
    name: &str,
) -> sqlx::Result<()> {
    // The trigger relinks on a new provider text; the record's new key is already stored, so they stay linked.
    let renamed = sqlx::query!(
        r#"update application a set provider = $3
           from (select application_id, provider from application where organisation_id = $1 and supplier_id = $2
                 for update) old
           where a.application_id = old.application_id and a.provider is distinct from $3
           returning a.application_id, old.provider as "old_provider""#,
        org,
        id,
        name
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in renamed {
        let event = Event {
            organisation_id: Some(org),
            actor,
            action: "application.supplier_renamed",
            object_type: "application",
            object_id: Some(r.application_id),
            before: Some(json!({ "provider": r.old_provider })),
            after: Some(json!({ "provider": name })),
        };
        audit::record(conn, event).await?;
    }
    Ok(())
}

async fn record(
    conn: &mut PgConnection,
    org: Uuid,
    actor: &Actor,
    action: &str,
    id: Uuid,
    before: Option<Value>,
    after: Option<Value>,
) -> sqlx::Result<i64> {
    audit::record(conn, Event::about(Some(org), actor, action, ("supplier", id)).change(before, after)).await
}

/// A registration linked to a supplier.
#[derive(Debug, Clone)]
pub struct Linked {
    pub id: Uuid,
    pub name: String,
    pub workflow_status: String,
}

pub async fn applications(conn: &mut PgConnection, org: Uuid, id: Uuid) -> sqlx::Result<Vec<Linked>> {
    sqlx::query_as!(
        Linked,
        "select application_id as id, name, workflow_status from application
         where organisation_id = $1 and supplier_id = $2 order by lower(name)",
        org,
        id
    )
    .fetch_all(&mut *conn)
    .await
}

/// The names of the organisation's supplier records, to choose from in the registration form.
pub async fn names(pool: &PgPool, org: Uuid) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!("select name from supplier where organisation_id = $1 order by lower(name)", org)
        .fetch_all(pool)
        .await
}

/// One line of the report of matching free-text suppliers to records.
#[derive(Debug, Clone)]
pub struct Match {
    pub free_text: String,
    pub supplier_id: Option<Uuid>,
    pub supplier: Option<String>,
    pub outcome: String,
    pub applications: i32,
    pub matched_at: OffsetDateTime,
}

pub async fn matches(conn: &mut PgConnection, org: Uuid) -> sqlx::Result<Vec<Match>> {
    sqlx::query_as!(
        Match,
        r#"select m.free_text, m.supplier_id, s.name as "supplier?", m.outcome, m.applications, m.matched_at
           from supplier_match m left join supplier s using (supplier_id)
           where m.organisation_id = $1
           order by m.outcome = 'dubbelzinnig' desc, lower(m.free_text)"#,
        org
    )
    .fetch_all(&mut *conn)
    .await
}

/// Registrations whose supplier text has no record (yet), with that text: the list still to be tidied.
pub async fn unlinked(conn: &mut PgConnection, org: Uuid) -> sqlx::Result<Vec<(Uuid, String, String)>> {
    Ok(sqlx::query!(
        r#"select application_id, name, provider as "provider!" from application
           where organisation_id = $1 and supplier_id is null and btrim(coalesce(provider, '')) <> ''
           order by lower(provider), lower(name)"#,
        org
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.application_id, r.name, r.provider))
    .collect())
}

/// Runs the migration's matching again (the demo does after seeding): the number of registrations linked.
pub async fn match_free_text(conn: &mut PgConnection) -> sqlx::Result<i32> {
    sqlx::query_scalar!(r#"select match_free_text_suppliers() as "n!""#).fetch_one(&mut *conn).await
}

/// Reminds the CISOs of a processor agreement or certificate that expires within 60 days, and again once it has
/// expired: once per supplier, item, date and stage (the notification's dedupe key).
pub async fn expiry_reminders(pool: &PgPool) -> sqlx::Result<usize> {
    let rows = sqlx::query!(
        r#"select s.supplier_id as "id!", s.organisation_id as "org!", s.name as "name!", x.what as "what!",
                  x.until as "until!: Date", x.until < current_date as "past!"
             from supplier s
             cross join lateral (values ('De verwerkersovereenkomst', s.dpa_expires_on),
                                        ('Het ISO 27001-certificaat', s.iso27001_expires_on),
                                        ('Het ISO 42001-certificaat', s.iso42001_expires_on)) as x(what, until)
            where x.until is not null and x.until <= current_date + 60"#
    )
    .fetch_all(pool)
    .await?;
    let mut tx = pool.begin().await?;
    for r in &rows {
        let date = crate::web::format_date(r.until);
        let (message, stage) = if r.past {
            (format!("{} van {} is verlopen op {date}. Verleng of vervang de afspraak.", r.what, r.name), "verlopen")
        } else {
            (format!("{} van {} verloopt op {date}.", r.what, r.name), "60")
        };
        let link = format!("/leveranciers/{}", r.id);
        let key = format!("leverancier:{}:{}:{}:{stage}", r.id, r.what, r.until);
        let to = notices::holders(&mut tx, r.org, &[Role::Ciso]).await?;
        let n = Note {
            organisation_id: r.org,
            kind: Kind::SupplierExpiry,
            application_id: None,
            message: &message,
            link: &link,
        };
        notices::send_once(&mut tx, &to, None, &n, Some(&key)).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}
