//! Who calls the API: the personal token in `Authorization: Bearer …`, checked against its SHA-256 (only
//! the hash is stored), not revoked, not expired, its user active; the user's roles are read afresh on
//! every request, so taking a role away takes effect at once.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use uuid::Uuid;

use super::Problem;
use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::{CurrentUser, OrgRef};
use crate::util::token_hash;
use crate::web::client::ClientIp;

/// Tokens start with this, so secret scanners and people recognise them.
pub const TOKEN_PREFIX: &str = "air_";

/// The caller: the token's user in the token's organisation, and whether the token may write.
pub struct ApiUser {
    pub user: CurrentUser,
    pub can_write: bool,
}

impl ApiUser {
    /// Writing needs a token made for it.
    pub fn require_write(&self) -> Result<(), Problem> {
        if self.can_write {
            return Ok(());
        }
        tracing::warn!(event = "authz_denied", user_id = %self.user.user_id, action = "api_write", "read-only token used to write");
        Err(Problem::forbidden("Dit token mag alleen lezen. Maak onder Mijn account een token met schrijfrechten."))
    }
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    api_token_id: Uuid,
    user_id: Uuid,
    organisation_id: Uuid,
    can_write: bool,
    prefix: String,
    used_recently: bool,
    name: String,
    email: String,
    org_name: String,
    org_code: String,
    roles: Vec<String>,
    must_enroll: bool,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(Problem::unauthorized(
                "Stuur een persoonlijk API-token mee: Authorization: Bearer air_… (aan te maken onder Mijn account → API-tokens).",
            ));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| t.starts_with(TOKEN_PREFIX) && t.len() <= 100)
            .ok_or_else(|| Problem::unauthorized("De Authorization-header moet de vorm Bearer air_… hebben."))?;
        let row: Option<TokenRow> = sqlx::query_as!(
            TokenRow,
            r#"select t.api_token_id as "api_token_id!: Uuid", t.user_id as "user_id!: Uuid",
                     t.organisation_id as "organisation_id!: Uuid", t.can_write as "can_write!: bool",
                     t.prefix as "prefix!: String",
                    coalesce(t.last_used_at > now() - interval '60 seconds', false) as "used_recently!: bool",
                    u.name as "name!: String", u.email as "email!: String", o.name as "org_name!: String",
                     o.code as "org_code!: String",
                    array(select m.role from membership m where m.user_id = t.user_id
                           and m.organisation_id = t.organisation_id order by m.role) as "roles!: Vec<String>",
                    u.totp_secret is null and exists(
                        select 1 from membership m join organisation o2 using (organisation_id)
                         where m.user_id = u.user_id and o2.require_mfa and m.role in ('beheerder', 'ciso')) as "must_enroll!: bool"
               from api_token t join app_user u using (user_id) join organisation o on o.organisation_id = t.organisation_id
              where t.token_hash = $1 and t.revoked_at is null and t.expires_at > now() and u.active"#,
            token_hash(token)
        )
        .fetch_optional(&state.pool)
        .await?;
        let ip = parts.extensions.get::<ClientIp>().map(|c| c.0.to_string()).unwrap_or_default();
        let Some(row) = row else {
            tracing::warn!(event = "api_auth_failed", ip = %ip, "unknown, revoked or expired API token");
            return Err(Problem::unauthorized(
                "Dit API-token is onbekend, ingetrokken of verlopen, of het account is gedeactiveerd.",
            ));
        };
        if row.roles.is_empty() {
            tracing::warn!(event = "authz_denied", user_id = %row.user_id, action = "api", "token user is no longer a member");
            return Err(Problem::forbidden("U bent geen lid meer van de organisatie van dit token."));
        }
        if row.must_enroll {
            return Err(Problem::forbidden(
                "Uw organisatie vereist tweestapsverificatie voor uw rol. Stel die eerst in via Mijn account in de webapplicatie.",
            ));
        }
        if !row.used_recently {
            sqlx::query!("update api_token set last_used_at = now() where api_token_id = $1", row.api_token_id)
                .execute(&state.pool)
                .await?;
        }
        let org = OrgRef {
            id: row.organisation_id,
            name: row.org_name,
            code: row.org_code,
            roles: Role::ALL.into_iter().filter(|r| row.roles.iter().any(|s| s == r.as_str())).collect(),
            // The API renders no pages: the look is not loaded.
            theme: crate::web::theme::Theme::Voorbeeld,
            logo_sha256: None,
        };
        let origin = format!("api {ip} token {}", row.prefix);
        Ok(ApiUser {
            user: CurrentUser::for_api(row.user_id, row.name, row.email, org, origin),
            can_write: row.can_write,
        })
    }
}
