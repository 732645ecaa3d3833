//! The provider settings per organisation (table `sso_provider`), the group → role mappings and the client
//! secret, which is read from a file or the environment and never from the database.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::roles::Role;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Provider {
    pub organisation_id: Uuid,
    pub organisation_code: String,
    pub organisation_name: String,
    pub enabled: bool,
    pub label: String,
    pub issuer: String,
    pub client_id: String,
    pub secret_file: Option<String>,
    pub scopes: String,
    pub email_claim: String,
    pub name_claim: String,
    pub groups_claim: String,
    pub allowed_domains: Vec<String>,
    pub allowed_groups: Vec<String>,
    pub mfa_amr: Vec<String>,
    pub mfa_acr: Vec<String>,
    pub local_login: bool,
    pub version: i32,
}

pub async fn get(pool: &PgPool, organisation_id: Uuid) -> sqlx::Result<Option<Provider>> {
    let mut conn = pool.acquire().await?;
    get_in(&mut conn, organisation_id).await
}

pub async fn get_in(conn: &mut PgConnection, organisation_id: Uuid) -> sqlx::Result<Option<Provider>> {
    sqlx::query_as!(
        Provider,
        r#"select p.organisation_id, o.code as organisation_code, o.name as organisation_name, p.enabled, p.label,
                  p.issuer, p.client_id, p.secret_file, p.scopes, p.email_claim, p.name_claim, p.groups_claim,
                  p.allowed_domains, p.allowed_groups, p.mfa_amr, p.mfa_acr, p.local_login, p.version
             from sso_provider p join organisation o using (organisation_id)
            where p.organisation_id = $1"#,
        organisation_id
    )
    .fetch_optional(conn)
    .await
}

/// The settings as the audit trail keeps them (there is no secret in them to leave out).
pub fn audit_view(p: &Provider) -> serde_json::Value {
    serde_json::json!({
        "enabled": p.enabled, "label": p.label, "issuer": p.issuer, "client_id": p.client_id,
        "secret_file": p.secret_file, "scopes": p.scopes, "email_claim": p.email_claim, "name_claim": p.name_claim,
        "groups_claim": p.groups_claim, "allowed_domains": p.allowed_domains, "allowed_groups": p.allowed_groups,
        "mfa_amr": p.mfa_amr, "mfa_acr": p.mfa_acr, "local_login": p.local_login,
    })
}

/// What the login page offers: the switched-on providers, by organisation name.
#[derive(Debug, Clone)]
pub struct LoginChoice {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub label: String,
}

pub async fn login_choices(pool: &PgPool) -> sqlx::Result<Vec<LoginChoice>> {
    sqlx::query_as!(
        LoginChoice,
        "select p.organisation_id, o.name as organisation_name, p.label
           from sso_provider p join organisation o using (organisation_id)
          where p.enabled order by o.name",
    )
    .fetch_all(pool)
    .await
}

/// The settings as entered on the page (the secret excepted: only where it is).
#[derive(Debug)]
pub struct Input {
    pub enabled: bool,
    pub label: String,
    pub issuer: String,
    pub client_id: String,
    pub secret_file: Option<String>,
    pub scopes: String,
    pub email_claim: String,
    pub name_claim: String,
    pub groups_claim: String,
    pub allowed_domains: Vec<String>,
    pub allowed_groups: Vec<String>,
    pub mfa_amr: Vec<String>,
    pub mfa_acr: Vec<String>,
    pub local_login: bool,
}

/// Insert or update; `version` is the one the form was made from (None: there were no settings yet).
/// Returns false when someone else saved in between.
pub async fn save(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    version: Option<i32>,
    i: &Input,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"insert into sso_provider (organisation_id, enabled, label, issuer, client_id, secret_file, scopes,
                email_claim, name_claim, groups_claim, allowed_domains, allowed_groups, mfa_amr, mfa_acr, local_login)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           on conflict (organisation_id) do update set enabled = excluded.enabled, label = excluded.label,
                issuer = excluded.issuer, client_id = excluded.client_id, secret_file = excluded.secret_file,
                scopes = excluded.scopes, email_claim = excluded.email_claim, name_claim = excluded.name_claim,
                groups_claim = excluded.groups_claim, allowed_domains = excluded.allowed_domains,
                allowed_groups = excluded.allowed_groups, mfa_amr = excluded.mfa_amr, mfa_acr = excluded.mfa_acr,
                local_login = excluded.local_login, version = sso_provider.version + 1, updated_at = now()
              where sso_provider.version = $16
           returning organisation_id"#,
        organisation_id,
        i.enabled,
        i.label,
        i.issuer,
        i.client_id,
        i.secret_file,
        i.scopes,
        i.email_claim,
        i.name_claim,
        i.groups_claim,
        &i.allowed_domains,
        &i.allowed_groups,
        &i.mfa_amr,
        &i.mfa_acr,
        i.local_login,
        version.unwrap_or(-1)
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(done.is_some())
}

/// The group → role mappings of an organisation.
pub async fn group_roles(conn: &mut PgConnection, organisation_id: Uuid) -> sqlx::Result<Vec<(String, Role)>> {
    let rows = sqlx::query!(
        "select group_name, role from sso_group_role where organisation_id = $1 order by group_name, role",
        organisation_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().filter_map(|r| Role::parse(&r.role).map(|role| (r.group_name, role))).collect())
}

pub async fn set_group_roles(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    mappings: &[(String, Role)],
) -> sqlx::Result<()> {
    sqlx::query!("delete from sso_group_role where organisation_id = $1", organisation_id).execute(&mut *conn).await?;
    let groups: Vec<&str> = mappings.iter().map(|(g, _)| g.as_str()).collect();
    let roles: Vec<&str> = mappings.iter().map(|(_, r)| r.as_str()).collect();
    sqlx::query!(
        "insert into sso_group_role (organisation_id, group_name, role)
         select $1, g, r from unnest($2::text[], $3::text[]) as m (g, r) on conflict do nothing",
        organisation_id,
        &groups as &[&str],
        &roles as &[&str]
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Where the client secret comes from, for the settings page (never the secret itself).
pub fn env_name(code: &str) -> String {
    let code: String =
        code.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    format!("AIREGISTER_OIDC_{code}_SECRET")
}

/// The client secret: the file named in the settings, else `AIREGISTER_OIDC_<CODE>_SECRET_FILE`, else
/// `AIREGISTER_OIDC_<CODE>_SECRET`. Trailing newlines of a file are dropped.
pub fn client_secret(p: &Provider) -> Result<String, String> {
    let var = env_name(&p.organisation_code);
    let file = p.secret_file.clone().or_else(|| std::env::var(format!("{var}_FILE")).ok());
    let secret = match file {
        Some(path) => std::fs::read_to_string(&path)
            .map_err(|e| format!("Het bestand met het clientgeheim ({path}) kan niet gelezen worden: {e}."))?
            .trim_end_matches(['\n', '\r'])
            .to_string(),
        None => std::env::var(&var).map_err(|_| {
            format!(
                "Er is geen clientgeheim: zet het in {var}, of het pad van een bestand in {var}_FILE of op deze pagina."
            )
        })?,
    };
    if secret.is_empty() {
        return Err("Het clientgeheim is leeg.".into());
    }
    Ok(secret)
}
