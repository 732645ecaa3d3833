//! The bearer token for the national register's upload API, from the register's Keycloak. The published
//! OpenAPI document declares OAuth2; organisations get a confidential client from the register, so the default
//! grant is client credentials (client id + secret, the secret from the server's environment or a file). The
//! password grant of a personal API account (as MinBZK's AMT uses it) is kept as an explicit choice of the
//! connection. Tokens live in memory only, per (token URL, client, account), until shortly before they expire.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::upload::{Connection, UploadError};

/// (token URL, client id, user) → (bearer token, valid until).
type TokenCache = HashMap<(String, String, String), (String, Instant)>;

static TOKENS: LazyLock<Mutex<TokenCache>> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn key(conn: &Connection) -> (String, String, String) {
    let user = if conn.uses_password() { conn.username.clone() } else { String::new() };
    (conn.token_url.clone(), conn.client_id.clone(), user)
}

/// The cached token of the connection, while it is valid.
pub fn cached(conn: &Connection) -> Option<String> {
    TOKENS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key(conn))
        .filter(|(_, until)| *until > Instant::now())
        .map(|(t, _)| t.clone())
}

/// Forget the token (the register refused it).
pub fn forget(conn: &Connection) {
    TOKENS.lock().unwrap_or_else(|e| e.into_inner()).remove(&key(conn));
}

/// The form posted to the token endpoint for the connection's grant, or what is missing for it. The client
/// secret is sent whenever the server has one: Keycloak asks a confidential client for it on every grant.
pub fn grant_form(
    conn: &Connection,
    password: Option<&str>,
    secret: Option<&str>,
) -> Result<Vec<(&'static str, String)>, UploadError> {
    let secret = secret.filter(|s| !s.is_empty());
    let mut form = vec![("client_id", conn.client_id.clone())];
    if conn.uses_password() {
        let Some(password) = password.filter(|p| !p.is_empty()) else { return Err(UploadError::NoPassword) };
        form.push(("grant_type", "password".into()));
        form.push(("username", conn.username.clone()));
        form.push(("password", password.to_string()));
    } else {
        if secret.is_none() {
            return Err(UploadError::NoSecret);
        }
        form.push(("grant_type", "client_credentials".into()));
    }
    if let Some(s) = secret {
        form.push(("client_secret", s.to_string()));
    }
    Ok(form)
}

/// Ask the token endpoint for a token and keep it.
pub async fn fetch(http: &reqwest::Client, conn: &Connection, form: &[(&str, String)]) -> Result<(), UploadError> {
    let resp = http
        .post(&conn.token_url)
        .form(form)
        .send()
        .await
        .map_err(|e| UploadError::Network(e.without_url().to_string()))?;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let reason = body
            .get("error_description")
            .or_else(|| body.get("error"))
            .and_then(Value::as_str)
            .unwrap_or("onbekende reden");
        return Err(UploadError::Login(format!("{reason} (status {})", status.as_u16())));
    }
    let token = body
        .get("access_token")
        .and_then(Value::as_str)
        .ok_or_else(|| UploadError::Login("het antwoord bevat geen token".into()))?;
    let lifetime = body.get("expires_in").and_then(Value::as_u64).unwrap_or(60);
    let until = Instant::now() + Duration::from_secs(lifetime.saturating_sub(10).max(1));
    TOKENS.lock().unwrap_or_else(|e| e.into_inner()).insert(key(conn), (token.to_string(), until));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(grant: &str) -> Connection {
        Connection {
            organisation_id: uuid::Uuid::nil(),
            api_url: "https://register.example/api".into(),
            token_url: "https://register.example/token".into(),
            client_id: "gm0001-aanlever".into(),
            grant_type: grant.into(),
            username: "ciso@gemeente.example".into(),
            register_org_id: "gm0001".into(),
            version: 0,
        }
    }

    fn value<'a>(form: &'a [(&str, String)], k: &str) -> Option<&'a str> {
        form.iter().find(|(key, _)| *key == k).map(|(_, v)| v.as_str())
    }

    #[test]
    fn client_credentials_need_the_secret_and_send_no_account() {
        let c = conn("client_credentials");
        assert_eq!(grant_form(&c, Some("pw"), None), Err(UploadError::NoSecret));
        assert_eq!(grant_form(&c, None, Some("")), Err(UploadError::NoSecret));
        let form = grant_form(&c, Some("pw"), Some("geheim")).expect("form");
        assert_eq!(value(&form, "grant_type"), Some("client_credentials"));
        assert_eq!(value(&form, "client_secret"), Some("geheim"));
        assert_eq!((value(&form, "username"), value(&form, "password")), (None, None));
    }

    #[test]
    fn the_password_grant_is_only_used_when_chosen() {
        let c = conn("password");
        assert_eq!(grant_form(&c, None, Some("geheim")), Err(UploadError::NoPassword));
        let form = grant_form(&c, Some("pw"), None).expect("form");
        assert_eq!(value(&form, "grant_type"), Some("password"));
        assert_eq!(value(&form, "username"), Some("ciso@gemeente.example"));
        assert_eq!(value(&form, "client_secret"), None);
        // A confidential client sends its secret with the password grant too.
        let form = grant_form(&c, Some("pw"), Some("geheim")).expect("form");
        assert_eq!(value(&form, "client_secret"), Some("geheim"));
    }
}
