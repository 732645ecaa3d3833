//! Roles from SCIM groups: a person's groups (by displayName, id or externalId) are looked up in the
//! organisation's group-to-role mapping of the OpenID Connect settings (sso_group_role), so members get their
//! roles before they ever log in. As at an OpenID Connect login, only roles from groups (source 'sso') change;
//! roles granted by hand in the application stay. Every change is in the audit trail.

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::roles::Role;
use crate::sso::{accounts, settings};

/// Bring the user's roles from groups in line with their SCIM groups in the organisation.
pub async fn sync(conn: &mut PgConnection, org: Uuid, user_id: Uuid, actor: &Actor) -> sqlx::Result<()> {
    let names = sqlx::query_scalar!(
        r#"select n as "name!"
             from scim_group g join scim_group_member m using (scim_group_id),
                  unnest(array[g.display_name, g.scim_group_id::text, g.external_id]) as n
            where g.organisation_id = $1 and m.user_id = $2 and n is not null"#,
        org,
        user_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let wanted = accounts::roles_from_groups(&settings::group_roles(conn, org).await?, &names);
    let rows = sqlx::query!(
        "select role, source from membership where user_id = $1 and organisation_id = $2 for update",
        user_id,
        org
    )
    .fetch_all(&mut *conn)
    .await?;
    let has = |r: Role, src: &str| rows.iter().any(|m| m.role == r.as_str() && m.source == src);
    let before: Vec<&str> = rows.iter().filter(|m| m.source == "sso").map(|m| m.role.as_str()).collect();
    let remove: Vec<&str> =
        before.iter().copied().filter(|r| Role::parse(r).is_none_or(|r| !wanted.contains(&r))).collect();
    let add: Vec<&str> = wanted.iter().filter(|r| !has(**r, "sso") && !has(**r, "hand")).map(|r| r.as_str()).collect();
    if remove.is_empty() && add.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "delete from membership where user_id = $1 and organisation_id = $2 and source = 'sso' and role = any($3)",
        user_id,
        org,
        &remove as &[&str]
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into membership (user_id, organisation_id, role, source) select $1, $2, unnest($3::text[]), 'sso'",
        user_id,
        org,
        &add as &[&str]
    )
    .execute(&mut *conn)
    .await?;
    let after: Vec<&str> = before.iter().copied().filter(|r| !remove.contains(r)).chain(add.iter().copied()).collect();
    let event = Event {
        organisation_id: Some(org),
        actor,
        action: "user.roles_from_groups",
        object_type: "user",
        object_id: Some(user_id),
        before: Some(json!({ "roles_from_groups": before })),
        after: Some(json!({ "roles_from_groups": after, "groups": names, "via": "scim" })),
    };
    audit::record(conn, event).await?;
    tracing::info!(event = "scim_roles_changed", user_id = %user_id, added = ?add, removed = ?remove, "roles follow the SCIM groups");
    Ok(())
}
