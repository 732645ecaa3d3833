//! Roles from SCIM groups: a person's groups (by displayName, id or externalId) are looked up in the
//! organisation's group-to-role mapping of the OpenID Connect settings (sso_group_role), so members get their
//! roles before they ever log in. As at an OpenID Connect login, only roles from groups (source 'sso') change;
//! roles granted by hand in the application stay. Every change is in the audit trail.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::audit::Actor;
use crate::sso::accounts;

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
    accounts::sync_roles(conn, org, user_id, &names, actor, "scim").await
}
