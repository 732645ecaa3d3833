//! SCIM users in the database: an account (app_user) of the organisation, linked by a scim_user row that
//! keeps the externalId and the resource the provider last sent. The account's e-mail address is the primary
//! work e-mail (or userName); its name the displayName or the name parts. A deactivation or reactivation
//! goes through register::leavers, so its effects are the same as on the Gebruikers page.

use serde_json::{Map, Value, json};
use sqlx::PgConnection;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::filter::Filter;
use super::{BASE, ENTERPRISE_SCHEMA, ScimError, ScimResult, USER_SCHEMA, etag};
use crate::audit::{self, Actor, Event};
use crate::register::leavers;

pub struct UserRow {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub active: bool,
    pub version: i32,
    pub external_id: Option<String>,
    pub resource: Value,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// The account's department (set by SCIM or by hand), shown in the enterprise extension.
    pub department: Option<String>,
}

/// The organisation's SCIM users, optionally those matching a filter on userName, externalId or id.
pub async fn list(conn: &mut PgConnection, org: Uuid, filter: Option<&Filter>) -> sqlx::Result<Vec<UserRow>> {
    let value = |a: &str| filter.filter(|f| f.attribute == a).map(|f| f.value.clone());
    let id = value("id").map(|v| Uuid::parse_str(&v).unwrap_or(Uuid::nil()));
    sqlx::query_as!(
        UserRow,
        r#"select s.user_id, u.email, u.name, u.active, u.version, s.external_id, s.resource,
                  s.created_at, greatest(s.updated_at, u.updated_at) as "updated_at!", u.department
             from scim_user s join app_user u using (user_id)
            where s.organisation_id = $1
              and ($2::text is null or lower(s.resource->>'userName') = lower($2))
              and ($3::text is null or s.external_id = $3)
              and ($4::uuid is null or s.user_id = $4)
            order by s.created_at, s.user_id"#,
        org,
        value("username"),
        value("externalid"),
        id
    )
    .fetch_all(conn)
    .await
}

/// One SCIM user; `lock` takes the row lock a change needs.
pub async fn get(conn: &mut PgConnection, org: Uuid, id: Uuid, lock: bool) -> sqlx::Result<Option<UserRow>> {
    if lock {
        sqlx::query!("select 1 as one from app_user where user_id = $1 for update", id)
            .fetch_optional(&mut *conn)
            .await?;
    }
    Ok(list(conn, org, Some(&Filter { attribute: "id".into(), value: id.to_string() })).await?.pop())
}

fn timestamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// The resource as SCIM shows it: what the provider sent, with the server's id, active state and meta.
pub fn to_resource(row: &UserRow) -> Value {
    let mut r = row.resource.as_object().cloned().unwrap_or_default();
    r.insert("schemas".into(), json!([USER_SCHEMA]));
    r.insert("id".into(), json!(row.user_id.to_string()));
    r.entry("userName").or_insert_with(|| json!(row.email));
    // "active" removed by the provider (stored as null) is not said; the account stays active, and a
    // deactivated one always says so.
    if row.active && r.get("active") == Some(&Value::Null) {
        r.remove("active");
    } else {
        r.insert("active".into(), json!(row.active));
    }
    match &row.external_id {
        Some(e) => r.insert("externalId".into(), json!(e)),
        None => r.remove("externalId"),
    };
    show_department(&mut r, row.department.as_deref());
    if r.contains_key(ENTERPRISE_SCHEMA) {
        r.insert("schemas".into(), json!([USER_SCHEMA, ENTERPRISE_SCHEMA]));
    }
    r.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": timestamp(row.created_at),
            "lastModified": timestamp(row.updated_at),
            "location": format!("{BASE}/Users/{}", row.user_id),
            "version": etag(row.version),
        }),
    );
    Value::Object(r)
}

/// The enterprise extension says the account's department as it is now (an administrator may have changed
/// it by hand), under the extension's canonical name.
fn show_department(r: &mut Map<String, Value>, department: Option<&str>) {
    let key = r.keys().find(|k| k.eq_ignore_ascii_case(ENTERPRISE_SCHEMA)).cloned();
    let mut ext = key.and_then(|k| r.remove(&k)).and_then(|v| v.as_object().cloned());
    if ext.is_none() && department.is_some() {
        ext = Some(Map::new());
    }
    let Some(mut ext) = ext else { return };
    ext.retain(|k, _| !k.eq_ignore_ascii_case("department"));
    if let Some(d) = department {
        ext.insert("department".into(), json!(d));
    }
    r.insert(ENTERPRISE_SCHEMA.into(), Value::Object(ext));
}

/// The department in the enterprise extension: None when the body has no extension (the department stays
/// as it is, so a provider that does not send it does not clear one set by hand); Some(None) to clear it.
fn department_of(r: &Map<String, Value>) -> ScimResult<Option<Option<String>>> {
    let ext = r.iter().find(|(k, _)| k.eq_ignore_ascii_case(ENTERPRISE_SCHEMA)).map(|(_, v)| v);
    let ext = match ext {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(ext)) => ext,
        Some(_) => return Err(invalid(format!("{ENTERPRISE_SCHEMA} moet een object zijn."))),
    };
    match ext.iter().find(|(k, _)| k.eq_ignore_ascii_case("department")).map(|(_, v)| v) {
        None | Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) if clean(s).chars().count() <= 100 => Ok(Some(Some(clean(s)).filter(|d| !d.is_empty()))),
        Some(_) => Err(invalid("department moet een tekst van hoogstens 100 tekens zijn.")),
    }
}

/// A user as the provider describes it, checked.
#[derive(Debug)]
pub struct Input {
    pub email: String,
    pub name: String,
    pub active: bool,
    pub external_id: Option<String>,
    pub resource: Value,
    /// Some: set the department to this (None: clear it); None: leave it as it is.
    pub department: Option<Option<String>>,
}

fn invalid(detail: impl Into<String>) -> ScimError {
    ScimError::bad("invalidValue", detail)
}

/// Entra ID sends booleans as the strings "True" and "False".
fn boolean(v: Option<&Value>, name: &str, default: bool) -> ScimResult<bool> {
    match v {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(invalid(format!("{name} moet true of false zijn."))),
    }
}

fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_string()
}

fn valid_email(s: &str) -> Option<String> {
    let e = clean(s).to_lowercase();
    let ok = e.len() <= 254
        && !e.contains(char::is_whitespace)
        && e.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && !d.contains('@') && d.split('.').count() >= 2 && d.split('.').all(|p| !p.is_empty())
        });
    ok.then_some(e)
}

/// The account's address: the primary work e-mail, else the primary, a work or the first one, else userName.
fn email_of(r: &Map<String, Value>, user_name: &str) -> Option<String> {
    let emails: Vec<&Value> = r.get("emails").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    let is = |e: &Value, k: &str, v: &Value| e.get(k) == Some(v);
    let work = json!("work");
    let best = emails
        .iter()
        .copied()
        .find(|e| is(e, "type", &work) && is(e, "primary", &json!(true)))
        .or_else(|| emails.iter().copied().find(|e| is(e, "primary", &json!(true))))
        .or_else(|| emails.iter().copied().find(|e| is(e, "type", &work)))
        .or_else(|| emails.first().copied());
    best.and_then(|e| e.get("value")).and_then(Value::as_str).and_then(valid_email).or_else(|| valid_email(user_name))
}

/// The stand-in address of a SCIM user without one: stable for the userName, unique, undeliverable.
pub fn placeholder_email(user_name: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(user_name.to_lowercase().as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("scim-{hex}@geen-adres.invalid")
}

/// Check a User body (POST or PUT, or the result of a PATCH); `current_email` is kept when the body has none.
pub fn validate(body: &Map<String, Value>, current_email: Option<&str>) -> ScimResult<Input> {
    let mut r = body.clone();
    for k in ["schemas", "id", "meta", "groups", "password"] {
        r.retain(|key, _| !key.eq_ignore_ascii_case(k));
    }
    let user_name = match r.get("userName") {
        Some(Value::String(s)) if !clean(s).is_empty() && s.chars().count() <= 254 => clean(s),
        _ => return Err(invalid("userName is verplicht: een tekst van hoogstens 254 tekens.")),
    };
    r.insert("userName".into(), json!(user_name));
    let active = boolean(r.get("active"), "active", true)?;
    // Kept only as whether it was said: the state itself lives on the account.
    let said = r.get("active").is_some_and(|v| !v.is_null());
    r.insert("active".into(), if said { json!(true) } else { Value::Null });
    let external_id = match r.remove("externalId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= 300 => Some(clean(&s)).filter(|s| !s.is_empty()),
        Some(_) => return Err(invalid("externalId moet een tekst van hoogstens 300 tekens zijn.")),
    };
    if let Some(emails) = r.get_mut("emails") {
        let Some(items) = emails.as_array_mut() else { return Err(invalid("emails moet een lijst zijn.")) };
        for e in items.iter_mut() {
            let Some(obj) = e.as_object_mut() else { return Err(invalid("Elk element van emails is een object.")) };
            if let Some(p) = obj.get("primary") {
                let p = boolean(Some(p), "emails.primary", false)?;
                obj.insert("primary".into(), json!(p));
            }
        }
    }
    if r.get("name").is_some_and(|n| !n.is_object() && !n.is_null()) {
        return Err(invalid("name moet een object zijn (givenName, familyName, formatted)."));
    }
    // RFC 7643 requires only userName. A person provisioned without any address gets one under the reserved
    // top-level domain .invalid (RFC 2606): it can never receive mail (the outbox skips it) and shows as such.
    let email = email_of(&r, &user_name)
        .or_else(|| current_email.map(str::to_string))
        .unwrap_or_else(|| placeholder_email(&user_name));
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(clean).filter(|s| !s.is_empty());
    let name_obj = r.get("name");
    let parts = [text(name_obj.and_then(|n| n.get("givenName"))), text(name_obj.and_then(|n| n.get("familyName")))];
    let joined = Some(parts.into_iter().flatten().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty());
    let name = text(r.get("displayName"))
        .or_else(|| text(name_obj.and_then(|n| n.get("formatted"))))
        .or(joined)
        .unwrap_or_else(|| email.split('@').next().unwrap_or("").to_string());
    let name: String = name.chars().take(200).collect();
    let department = department_of(&r)?;
    Ok(Input { email, name, active, external_id, resource: Value::Object(r), department })
}

/// Another account of this organisation's SCIM users with the same userName or externalId: 409 uniqueness.
async fn check_unique(conn: &mut PgConnection, org: Uuid, input: &Input, except: Option<Uuid>) -> ScimResult<()> {
    let user_name = input.resource.get("userName").and_then(Value::as_str).unwrap_or("");
    let clash = sqlx::query_scalar!(
        r#"select case when lower(resource->>'userName') = lower($2) then 'userName' else 'externalId' end as "what!"
             from scim_user where organisation_id = $1 and user_id <> coalesce($4, '00000000-0000-0000-0000-000000000000'::uuid)
              and (lower(resource->>'userName') = lower($2) or external_id = $3) limit 1"#,
        org,
        user_name,
        input.external_id,
        except
    )
    .fetch_optional(&mut *conn)
    .await?;
    match clash {
        Some(what) => Err(ScimError::uniqueness(format!("Er is al een gebruiker met deze {what}."))),
        None => Ok(()),
    }
}

/// Create the user, or link the organisation's account that has the address already (made by hand, or
/// removed from SCIM earlier). An account of another organisation only is not taken over: 409 uniqueness.
pub async fn create(conn: &mut PgConnection, org: Uuid, input: &Input, actor: &Actor) -> ScimResult<Uuid> {
    check_unique(conn, org, input, None).await?;
    let existing = sqlx::query!(
        r#"select u.user_id,
                  exists(select 1 from scim_user s where s.user_id = u.user_id and s.organisation_id = $2) as "linked!",
                  exists(select 1 from membership m where m.user_id = u.user_id and m.organisation_id = $2) as "member!",
                  exists(select 1 from membership m where m.user_id = u.user_id and m.organisation_id <> $2) as "elsewhere!"
             from app_user u where u.email = $1 for update"#,
        input.email,
        org
    )
    .fetch_optional(&mut *conn)
    .await?;
    let linked = existing.is_some();
    let user_id = match existing {
        Some(e) if e.linked => return Err(ScimError::uniqueness("Er is al een gebruiker met dit e-mailadres.")),
        Some(e) if e.elsewhere && !e.member => {
            return Err(ScimError::uniqueness(
                "Dit e-mailadres hoort bij een account van een andere organisatie in AI-register.",
            ));
        }
        Some(e) => {
            sqlx::query!(
                "update app_user set name = $2, version = version + 1 where user_id = $1",
                e.user_id,
                input.name
            )
            .execute(&mut *conn)
            .await?;
            e.user_id
        }
        None => {
            let id = Uuid::now_v7();
            sqlx::query!(
                "insert into app_user (user_id, email, name) values ($1, $2, $3)",
                id,
                input.email,
                input.name
            )
            .execute(&mut *conn)
            .await?;
            id
        }
    };
    sqlx::query!(
        "insert into membership (user_id, organisation_id, role, source) values ($1, $2, 'medewerker', 'sso') on conflict do nothing",
        user_id,
        org
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into scim_user (organisation_id, user_id, external_id, resource) values ($1, $2, $3, $4)",
        org,
        user_id,
        input.external_id,
        input.resource
    )
    .execute(&mut *conn)
    .await?;
    let after = json!({ "email": input.email, "name": input.name, "externalId": input.external_id, "linked": linked });
    record(conn, org, actor, "user.scim_provisioned", user_id, None, after).await?;
    set_department(conn, org, user_id, input, actor).await?;
    set_active(conn, org, user_id, input.active, actor).await?;
    super::roles::sync(conn, org, user_id, actor).await?;
    Ok(user_id)
}

/// Replace the user with what the provider sent (PUT, or the result of a PATCH).
pub async fn update(conn: &mut PgConnection, org: Uuid, row: &UserRow, input: &Input, actor: &Actor) -> ScimResult<()> {
    check_unique(conn, org, input, Some(row.user_id)).await?;
    if input.email != row.email {
        let taken = sqlx::query_scalar!("select user_id from app_user where email = $1", input.email)
            .fetch_optional(&mut *conn)
            .await?;
        if taken.is_some() {
            return Err(ScimError::uniqueness("Dit e-mailadres hoort al bij een ander account in AI-register."));
        }
    }
    sqlx::query!(
        "update app_user set email = $2, name = $3, version = version + 1 where user_id = $1",
        row.user_id,
        input.email,
        input.name
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update scim_user set external_id = $3, resource = $4, updated_at = now() where organisation_id = $1 and user_id = $2",
        org,
        row.user_id,
        input.external_id,
        input.resource
    )
    .execute(&mut *conn)
    .await?;
    if input.email != row.email || input.name != row.name || input.external_id != row.external_id {
        let before = json!({ "email": row.email, "name": row.name, "externalId": row.external_id });
        let after = json!({ "email": input.email, "name": input.name, "externalId": input.external_id });
        record(conn, org, actor, "user.scim_updated", row.user_id, Some(before), after).await?;
    }
    set_department(conn, org, row.user_id, input, actor).await?;
    set_active(conn, org, row.user_id, input.active, actor).await
}

/// The department the provider sent, with an audit event when it changes.
async fn set_department(
    conn: &mut PgConnection,
    org: Uuid,
    user_id: Uuid,
    input: &Input,
    actor: &Actor,
) -> ScimResult<()> {
    let Some(after) = &input.department else { return Ok(()) };
    let before = sqlx::query_scalar!("select department from app_user where user_id = $1", user_id)
        .fetch_one(&mut *conn)
        .await?;
    if before == *after {
        return Ok(());
    }
    sqlx::query!("update app_user set department = $2 where user_id = $1", user_id, after.as_deref())
        .execute(&mut *conn)
        .await?;
    let before = json!({ "department": before });
    record(conn, org, actor, "user.department_changed", user_id, Some(before), json!({ "department": after })).await?;
    Ok(())
}

/// active=false is a leaver (sessions end, API tokens revoked, audit event); active=true brings them back.
async fn set_active(conn: &mut PgConnection, org: Uuid, user_id: Uuid, active: bool, actor: &Actor) -> ScimResult<()> {
    if active {
        leavers::reactivate(conn, user_id, Some(org), actor).await?;
    } else {
        leavers::deactivate(conn, user_id, Some(org), actor).await?;
    }
    Ok(())
}

/// DELETE: the person leaves (deactivated, as with active=false) and is no longer a SCIM resource; the
/// account, its registrations and history stay. The organisation's groups lose the member.
pub async fn delete(conn: &mut PgConnection, org: Uuid, user_id: Uuid, actor: &Actor) -> ScimResult<()> {
    leavers::deactivate(conn, user_id, Some(org), actor).await?;
    sqlx::query!("delete from scim_user where organisation_id = $1 and user_id = $2", org, user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "delete from scim_group_member m using scim_group g
          where g.scim_group_id = m.scim_group_id and g.organisation_id = $1 and m.user_id = $2",
        org,
        user_id
    )
    .execute(&mut *conn)
    .await?;
    record(conn, org, actor, "user.scim_deleted", user_id, None, json!({ "active": false })).await?;
    Ok(())
}

async fn record(
    conn: &mut PgConnection,
    org: Uuid,
    actor: &Actor,
    action: &str,
    user_id: Uuid,
    before: Option<Value>,
    after: Value,
) -> sqlx::Result<()> {
    let event = Event::about(Some(org), actor, action, ("user", user_id)).change(before, Some(after));
    audit::record(conn, event).await.map(|_| ())
}
