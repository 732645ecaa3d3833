//! The publication pages' fixed forms, read at the boundary: `TryFrom<&FormData>` turns the posted fields into
//! the values the handlers use, or gives every field error in Dutch (the page then comes back filled in). What
//! needs the stored state (the saved connection, the registration's readiness, the connection's version in the
//! database) is checked by the handler.
//!
//! The upload and the reconciliation forms carry only a password and a checkbox: nothing in them can be wrong
//! (a wrong password is the register's answer), so their `try_from` always succeeds. They are read the same way
//! as every other form all the same, so that a field added later gets its check here.

use super::upload;
use crate::register::form::FormData;
use crate::web::forms::FormErrors;

/// Send a registration to the national register: release it at once or not, and the API account's password
/// when it is not configured on the server (the handler decides which one counts).
pub struct SendInput {
    pub release: bool,
    pub password: String,
}

impl TryFrom<&FormData> for SendInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        Ok(Self { release: input.get("vrijgeven") == "ja", password: input.get("password").to_string() })
    }
}

/// Retract from the national register: the API account's password when it is needed and not configured.
pub struct RetractInput {
    pub password: String,
}

impl TryFrom<&FormData> for RetractInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        Ok(Self { password: input.get("intrek_password").to_string() })
    }
}

/// Reconcile with the national register: the API account's password when it is not configured on the server.
pub struct ReconcileInput {
    pub password: String,
}

impl TryFrom<&FormData> for ReconcileInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        Ok(Self { password: input.get("password").to_string() })
    }
}

/// The connection to the national register: two safe addresses, the API client and account, the organisation's
/// code in the register, and the version of the saved connection the form was loaded with (-1: none yet).
pub struct ConnectionInput {
    pub api_url: String,
    pub token_url: String,
    pub client_id: String,
    /// `client_credentials` or `password` (see `upload::GRANTS`).
    pub grant_type: String,
    /// Empty for client credentials.
    pub username: String,
    pub register_org_id: String,
    pub version: i32,
}

impl ConnectionInput {
    /// The form was loaded when no connection was saved yet.
    pub fn is_new(&self) -> bool {
        self.version == -1
    }
}

impl TryFrom<&FormData> for ConnectionInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        for (key, label) in [("api_url", "Adres van de aanleverapi"), ("token_url", "Adres voor het token (Keycloak)")]
        {
            if !upload::safe_endpoint(input.get(key).trim()) {
                errors.add(
                    key,
                    format!(
                        "Vul bij {label} een volledig https-adres in (https://…), zonder gebruikersnaam of wachtwoord; \
                         http mag alleen naar deze machine zelf (localhost)."
                    ),
                );
            }
        }
        let client_id = errors.required("client_id", "de client-id", input.get("client_id"), 200);
        let grant_type = input.get("grant_type").to_string();
        if !upload::GRANTS.iter().any(|(g, _)| *g == grant_type) {
            errors.add("grant_type", "Kies hoe de koppeling inlogt: met clientgeheim of met een API-account.");
        }
        let username = if grant_type == "password" {
            errors.required(
                "username",
                "het account (e-mailadres) voor het inloggen met wachtwoord",
                input.get("username"),
                200,
            )
        } else {
            input.get("username").trim().chars().take(200).collect()
        };
        let register_org_id = input.get("register_org_id").trim().to_lowercase();
        if !(2..=40).contains(&register_org_id.len())
            || !register_org_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            errors.add("register_org_id", "Vul de organisatiecode van het Algoritmeregister in, bijvoorbeeld gm0344.");
        }
        // Not shown as a field: a tampered version cannot match a saved connection, so the save reports a conflict.
        let version: i32 = input.get("version").parse().unwrap_or(-2);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            api_url: input.get("api_url").trim().to_string(),
            token_url: input.get("token_url").trim().to_string(),
            client_id,
            grant_type,
            username,
            register_org_id,
            version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn send_reads_release_and_password() {
        let s = SendInput::try_from(&form(&[("vrijgeven", "ja"), ("password", "geheim")])).expect("send form");
        assert!(s.release && s.password == "geheim");
        let s = SendInput::try_from(&form(&[("vrijgeven", "nee")])).expect("send form");
        assert!(!s.release && s.password.is_empty());
        let r = ReconcileInput::try_from(&form(&[("password", "geheim")])).expect("reconcile form");
        assert_eq!(r.password, "geheim");
    }

    #[test]
    fn a_connection_is_trimmed_and_lower_cased() {
        let c = ConnectionInput::try_from(&form(&[
            ("api_url", " https://algoritmes.overheid.nl/aanleverapi/v1_0 "),
            ("token_url", "http://localhost:8080/token"),
            ("client_id", " aanlever "),
            ("grant_type", "password"),
            ("username", "ciso@gemeente.example"),
            ("register_org_id", " GM0344 "),
            ("version", "-1"),
        ]))
        .expect("valid connection");
        assert_eq!(c.api_url, "https://algoritmes.overheid.nl/aanleverapi/v1_0");
        assert_eq!((c.client_id.as_str(), c.register_org_id.as_str()), ("aanlever", "gm0344"));
        assert!(c.is_new());
    }

    #[test]
    fn a_connection_names_every_wrong_field() {
        let errors = ConnectionInput::try_from(&form(&[
            ("api_url", "http://register.example/api"),
            ("token_url", "https://user:pw@register.example/token"),
            ("register_org_id", "gemeente 0344"),
        ]))
        .err()
        .expect("invalid connection");
        for field in ["api_url", "token_url", "client_id", "grant_type", "register_org_id"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        // The account is asked for only with the password grant.
        let base = [("api_url", "https://a.example"), ("token_url", "https://b.example"), ("client_id", "c")];
        let with = |grant: &str| {
            let mut pairs = base.to_vec();
            pairs.extend([("grant_type", grant), ("register_org_id", "gm01"), ("version", "-1")]);
            ConnectionInput::try_from(&form(&pairs))
        };
        assert!(with("client_credentials").is_ok());
        assert!(with("password").err().expect("no account").get("username").is_some());
        let version = ConnectionInput::try_from(&form(&[
            ("api_url", "https://a.example"),
            ("token_url", "https://b.example"),
            ("client_id", "c"),
            ("grant_type", "client_credentials"),
            ("register_org_id", "gm01"),
            ("version", "x"),
        ]))
        .expect("valid connection")
        .version;
        assert_eq!(version, -2);
    }
}
