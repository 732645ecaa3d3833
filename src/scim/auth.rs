//! Who calls SCIM: an organisation's token in `Authorization: Bearer scim_…`, checked against its SHA-256
//! (only the hash is stored) and not revoked. The token gives no person's rights: only provisioning of its
//! own organisation.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use uuid::Uuid;

use super::ScimError;
use crate::AppState;
use crate::audit::Actor;
use crate::util::token_hash;
use crate::web::client::ClientIp;

/// Tokens start with this, so secret scanners and people recognise them.
pub const TOKEN_PREFIX: &str = "scim_";

/// The organisation the token provisions, and the actor its changes are recorded under.
pub struct ScimClient {
    pub organisation_id: Uuid,
    pub actor: Actor,
}

fn unauthorized(detail: &str) -> ScimError {
    ScimError::new(StatusCode::UNAUTHORIZED, None, detail)
}

impl FromRequestParts<AppState> for ScimClient {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| t.starts_with(TOKEN_PREFIX) && t.len() <= 100)
            .ok_or_else(|| unauthorized("Stuur het SCIM-token van de organisatie mee: Authorization: Bearer scim_…"))?;
        let row = sqlx::query!(
            r#"select scim_token_id, organisation_id, prefix,
                      coalesce(last_used_at > now() - interval '60 seconds', false) as "used_recently!"
                 from scim_token where token_hash = $1 and revoked_at is null"#,
            token_hash(token)
        )
        .fetch_optional(&state.pool)
        .await?;
        let ip = parts.extensions.get::<ClientIp>().map(|c| c.0.to_string()).unwrap_or_default();
        let Some(row) = row else {
            tracing::warn!(event = "scim_auth_failed", ip = %ip, "unknown or revoked SCIM token");
            return Err(unauthorized("Dit SCIM-token is onbekend of ingetrokken."));
        };
        // Written at most once a minute: a provider's sync cycle makes many requests.
        if !row.used_recently {
            sqlx::query!("update scim_token set last_used_at = now() where scim_token_id = $1", row.scim_token_id)
                .execute(&state.pool)
                .await?;
        }
        let actor =
            Actor { id: None, name: "SCIM-koppeling".into(), origin: format!("scim {ip} token {}", row.prefix) };
        Ok(ScimClient { organisation_id: row.organisation_id, actor })
    }
}
