//! SCIM groups in the database (scim_group, scim_group_member). A group's displayName, id and externalId
//! are what the organisation's group-to-role mapping names; after every change the roles of the members who
//! joined or left follow (scim::roles), in the same transaction, with the audit events.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use sqlx::PgConnection;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::filter::Filter;
use super::{BASE, GROUP_SCHEMA, ScimError, ScimResult, etag};
use crate::audit::{self, Actor, Event};

pub struct GroupRow {
    pub scim_group_id: Uuid,
    pub display_name: String,
    pub external_id: Option<String>,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub members: Vec<Uuid>,
}

/// The organisation's groups, optionally those matching a filter on displayName, externalId or id.
pub async fn list(conn: &mut PgConnection, org: Uuid, filter: Option<&Filter>) -> sqlx::Result<Vec<GroupRow>> {
    let value = |a: &str| filter.filter(|f| f.attribute == a).map(|f| f.value.clone());
    let id = value("id").map(|v| Uuid::parse_str(&v).unwrap_or(Uuid::nil()));
    sqlx::query_as!(
        GroupRow,
        r#"select g.scim_group_id, g.display_name, g.external_id, g.version, g.created_at, g.updated_at,
                  array(select m.user_id from scim_group_member m where m.scim_group_id = g.scim_group_id
                         order by m.user_id) as "members!"
             from scim_group g
            where g.organisation_id = $1
              and ($2::text is null or lower(g.display_name) = lower($2))
              and ($3::text is null or g.external_id = $3)
              and ($4::uuid is null or g.scim_group_id = $4)
            order by g.created_at, g.scim_group_id"#,
        org,
        value("displayname"),
        value("externalid"),
        id
    )
    .fetch_all(conn)
    .await
}

pub async fn get(conn: &mut PgConnection, org: Uuid, id: Uuid, lock: bool) -> sqlx::Result<Option<GroupRow>> {
    if lock {
        sqlx::query!("select 1 as one from scim_group where scim_group_id = $1 for update", id)
            .fetch_optional(&mut *conn)
            .await?;
    }
    Ok(list(conn, org, Some(&Filter { attribute: "id".into(), value: id.to_string() })).await?.pop())
}

pub fn to_resource(row: &GroupRow) -> Value {
    let members: Vec<Value> = row
        .members
        .iter()
        .map(|m| json!({ "value": m.to_string(), "$ref": format!("{BASE}/Users/{m}"), "type": "User" }))
        .collect();
    let mut r = json!({
        "schemas": [GROUP_SCHEMA],
        "id": row.scim_group_id.to_string(),
        "displayName": row.display_name,
        "members": members,
        "meta": {
            "resourceType": "Group",
            "created": row.created_at.format(&Rfc3339).unwrap_or_default(),
            "lastModified": row.updated_at.format(&Rfc3339).unwrap_or_default(),
            "location": format!("{BASE}/Groups/{}", row.scim_group_id),
            "version": etag(row.version),
        },
    });
    if let Some(e) = &row.external_id {
        r["externalId"] = json!(e);
    }
    r
}

/// A group as the provider describes it, checked.
pub struct Input {
    pub display_name: String,
    pub external_id: Option<String>,
    pub members: BTreeSet<Uuid>,
}

fn invalid(detail: impl Into<String>) -> ScimError {
    ScimError::bad("invalidValue", detail)
}

/// Check a Group body; members must be users of this organisation.
pub async fn validate(conn: &mut PgConnection, org: Uuid, body: &Map<String, Value>) -> ScimResult<Input> {
    let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_string();
    let display_name = match body.get("displayName") {
        Some(Value::String(s)) if !clean(s).is_empty() && s.chars().count() <= 300 => clean(s),
        _ => return Err(invalid("displayName is verplicht: een tekst van hoogstens 300 tekens.")),
    };
    let external_id = match body.get("externalId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= 300 => Some(clean(s)).filter(|s| !s.is_empty()),
        Some(_) => return Err(invalid("externalId moet een tekst van hoogstens 300 tekens zijn.")),
    };
    let mut members = BTreeSet::new();
    let none = Vec::new();
    let items = match body.get("members") {
        None | Some(Value::Null) => &none,
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid("members moet een lijst zijn.")),
    };
    for m in items {
        if m.get("type").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case("group")) {
            return Err(invalid("Groepen in groepen worden niet ondersteund; alleen gebruikers kunnen lid zijn."));
        }
        let value = m.get("value").and_then(Value::as_str).unwrap_or("");
        let Ok(id) = Uuid::parse_str(value.trim()) else {
            return Err(invalid(format!("Lid \"{value}\" is geen id van een gebruiker.")));
        };
        members.insert(id);
    }
    let ids: Vec<Uuid> = members.iter().copied().collect();
    let known = sqlx::query_scalar!(
        r#"select count(distinct user_id) as "n!" from membership where organisation_id = $1 and user_id = any($2)"#,
        org,
        &ids
    )
    .fetch_one(&mut *conn)
    .await?;
    if known != ids.len() as i64 {
        return Err(invalid("Een of meer leden zijn geen gebruiker van deze organisatie."));
    }
    Ok(Input { display_name, external_id, members })
}

/// Create (`current` None) or replace a group, its members, the roles of those who joined or left.
pub async fn save(
    conn: &mut PgConnection,
    org: Uuid,
    current: Option<&GroupRow>,
    input: &Input,
    actor: &Actor,
) -> ScimResult<Uuid> {
    let id = current.map_or_else(Uuid::now_v7, |c| c.scim_group_id);
    let clash = sqlx::query_scalar!(
        "select scim_group_id from scim_group where organisation_id = $1 and display_name = $2 and scim_group_id <> $3",
        org,
        input.display_name,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if clash.is_some() {
        return Err(ScimError::uniqueness(format!("Er is al een groep met displayName \"{}\".", input.display_name)));
    }
    sqlx::query!(
        "insert into scim_group (scim_group_id, organisation_id, display_name, external_id) values ($1, $2, $3, $4)
         on conflict (scim_group_id) do update set display_name = $3, external_id = $4,
                version = scim_group.version + 1, updated_at = now()",
        id,
        org,
        input.display_name,
        input.external_id
    )
    .execute(&mut *conn)
    .await?;
    let before: BTreeSet<Uuid> = current.map(|c| c.members.iter().copied().collect()).unwrap_or_default();
    let members: Vec<Uuid> = input.members.iter().copied().collect();
    sqlx::query!("delete from scim_group_member where scim_group_id = $1 and user_id <> all($2)", id, &members)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "insert into scim_group_member (scim_group_id, user_id) select $1, unnest($2::uuid[]) on conflict do nothing",
        id,
        &members
    )
    .execute(&mut *conn)
    .await?;
    let before_json =
        current.map(|c| json!({ "displayName": c.display_name, "externalId": c.external_id, "members": c.members }));
    let after = json!({ "displayName": input.display_name, "externalId": input.external_id, "members": members });
    let action = if current.is_some() { "scim_group.updated" } else { "scim_group.created" };
    record(conn, org, actor, action, id, before_json, Some(after)).await?;
    // A renamed group can change the roles of everyone in it; otherwise only of those who joined or left.
    let renamed = current.is_some_and(|c| c.display_name != input.display_name || c.external_id != input.external_id);
    let affected: BTreeSet<Uuid> = if renamed {
        before.union(&input.members).copied().collect()
    } else {
        before.symmetric_difference(&input.members).copied().collect()
    };
    for user_id in affected {
        super::roles::sync(conn, org, user_id, actor).await?;
    }
    Ok(id)
}

/// Delete a group; its former members' roles follow.
pub async fn delete(conn: &mut PgConnection, org: Uuid, row: &GroupRow, actor: &Actor) -> ScimResult<()> {
    sqlx::query!("delete from scim_group where scim_group_id = $1", row.scim_group_id).execute(&mut *conn).await?;
    let before = json!({ "displayName": row.display_name, "externalId": row.external_id, "members": row.members });
    record(conn, org, actor, "scim_group.deleted", row.scim_group_id, Some(before), None).await?;
    for user_id in &row.members {
        super::roles::sync(conn, org, *user_id, actor).await?;
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
) -> sqlx::Result<()> {
    let event = Event::about(Some(org), actor, action, ("scim_group", id)).change(before, after);
    audit::record(conn, event).await.map(|_| ())
}
