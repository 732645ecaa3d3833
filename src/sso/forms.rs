//! The settings form of "Inloggen met organisatie-account": as entered (kept on every answer) and checked
//! into [`settings::Input`] and the group → role mappings, each problem named on its field in Dutch.

use serde::Deserialize;

use super::oidc;
use super::settings::{self, Input, Provider};
use crate::roles::Role;
use crate::web::forms::FormErrors;

/// The form as entered: every field text, lists one item a line (or separated by commas).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub enabled: String,
    pub label: String,
    pub issuer: String,
    pub client_id: String,
    pub secret_file: String,
    pub scopes: String,
    pub email_claim: String,
    pub name_claim: String,
    pub groups_claim: String,
    pub allowed_domains: String,
    pub allowed_groups: String,
    pub group_roles: String,
    pub mfa_amr: String,
    pub mfa_acr: String,
    pub local_login: String,
    pub version: String,
}

impl SettingsForm {
    /// A new form: the usual defaults of Entra ID and Keycloak.
    pub fn defaults() -> Self {
        SettingsForm {
            label: "organisatie-account".into(),
            scopes: "openid email profile".into(),
            email_claim: "email".into(),
            name_claim: "name".into(),
            groups_claim: "groups".into(),
            local_login: "ja".into(),
            ..Default::default()
        }
    }

    pub fn of(p: &Provider, mappings: &[(String, Role)]) -> Self {
        SettingsForm {
            enabled: if p.enabled { "ja".into() } else { String::new() },
            label: p.label.clone(),
            issuer: p.issuer.clone(),
            client_id: p.client_id.clone(),
            secret_file: p.secret_file.clone().unwrap_or_default(),
            scopes: p.scopes.clone(),
            email_claim: p.email_claim.clone(),
            name_claim: p.name_claim.clone(),
            groups_claim: p.groups_claim.clone(),
            allowed_domains: p.allowed_domains.join("\n"),
            allowed_groups: p.allowed_groups.join("\n"),
            group_roles: mappings.iter().map(|(g, r)| format!("{g} = {}", r.as_str())).collect::<Vec<_>>().join("\n"),
            mfa_amr: p.mfa_amr.join(" "),
            mfa_acr: p.mfa_acr.join(" "),
            local_login: if p.local_login { "ja".into() } else { String::new() },
            version: p.version.to_string(),
        }
    }
}

fn items(v: &str) -> Vec<String> {
    v.split(['\n', ',']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn tokens(v: &str) -> Vec<String> {
    v.split([' ', ',', '\n', '\t', '\r']).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.len() <= 200 && s.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
}

fn claim(errors: &mut FormErrors, field: &'static str, label: &str, v: &str) -> String {
    let v = errors.required(field, label, v, 100);
    if !v.is_empty() && !is_token(&v) {
        errors.add(field, format!("De naam van de claim voor {label} mag geen spaties of aanhalingstekens bevatten."));
    }
    v
}

/// The issuer: a web address AI-register may contact.
fn issuer(errors: &mut FormErrors, v: &str) -> String {
    let v = errors.required("issuer", "de uitgever (issuer)", v, 500);
    if !v.is_empty()
        && let Err(msg) = oidc::check_issuer(&v)
    {
        errors.add("issuer", format!("Uitgever (issuer): {msg}"));
    }
    v
}

/// Lines "group = role".
fn mappings(errors: &mut FormErrors, v: &str) -> Vec<(String, Role)> {
    let mut out = Vec::new();
    for (n, line) in v.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
        let parsed = line.rsplit_once('=').and_then(|(g, r)| Some((g.trim(), Role::parse(r)?)));
        match parsed {
            Some((g, role)) if !g.is_empty() && g.chars().count() <= 300 => out.push((g.to_string(), role)),
            _ => {
                let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                errors.add(
                    "group_roles",
                    format!(
                        "Groepen en rollen, regel {}: schrijf \"groep = rol\" met als rol een van: {}.",
                        n + 1,
                        roles.join(", ")
                    ),
                );
            }
        }
    }
    out
}

impl SettingsForm {
    pub fn check(&self) -> Result<(Input, Vec<(String, Role)>), FormErrors> {
        let mut e = FormErrors::new();
        let label = e.required("label", "de naam op de knop", &self.label, 60);
        let issuer = issuer(&mut e, &self.issuer);
        let client_id = e.required("client_id", "de client-id", &self.client_id, 300);
        let secret_file =
            e.optional("secret_file", "het pad van het bestand met het clientgeheim", &self.secret_file, 500);
        if !secret_file.is_empty() && !secret_file.starts_with('/') {
            e.add("secret_file", "Het pad van het bestand met het clientgeheim moet volledig zijn (beginnen met /).");
        }
        let scopes = tokens(&e.required("scopes", "de scopes", &self.scopes, 300));
        if !scopes.is_empty() && !scopes.iter().any(|s| s == "openid") {
            e.add("scopes", "De scopes moeten \"openid\" bevatten.");
        }
        let email_claim = claim(&mut e, "email_claim", "het e-mailadres", &self.email_claim);
        let name_claim = claim(&mut e, "name_claim", "de naam", &self.name_claim);
        let groups_claim = claim(&mut e, "groups_claim", "de groepen", &self.groups_claim);
        let domains: Vec<String> =
            items(&e.optional("allowed_domains", "de toegestane domeinen", &self.allowed_domains, 2000))
                .into_iter()
                .map(|d| d.trim_start_matches('@').to_lowercase())
                .collect();
        if let Some(bad) = domains
            .iter()
            .find(|d| !d.contains('.') || !d.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
        {
            e.add(
                "allowed_domains",
                format!("Toegestane domeinen: \"{bad}\" is geen domeinnaam (bijvoorbeeld gemeente.nl)."),
            );
        }
        let groups = items(&e.optional("allowed_groups", "de toegestane groepen", &self.allowed_groups, 5000));
        let group_text = e.optional("group_roles", "de groepen en rollen", &self.group_roles, 10000);
        let maps = mappings(&mut e, &group_text);
        let amr = tokens(&e.optional("mfa_amr", "de amr-waarden", &self.mfa_amr, 500));
        let acr = tokens(&e.optional("mfa_acr", "de acr-waarden", &self.mfa_acr, 500));
        if !e.is_empty() {
            return Err(e);
        }
        let input = Input {
            enabled: self.enabled == "ja",
            label,
            issuer,
            client_id,
            secret_file: Some(secret_file).filter(|s| !s.is_empty()),
            scopes: scopes.join(" "),
            email_claim,
            name_claim,
            groups_claim,
            allowed_domains: domains,
            allowed_groups: groups,
            mfa_amr: amr,
            mfa_acr: acr,
            local_login: self.local_login == "ja",
        };
        Ok((input, maps))
    }
}

/// Where the secret would be found for these settings (for the page; never the secret itself).
pub fn secret_status(code: &str, secret_file: Option<&str>) -> Result<String, String> {
    let var = settings::env_name(code);
    let probe = Provider {
        organisation_id: uuid::Uuid::nil(),
        organisation_code: code.to_string(),
        organisation_name: String::new(),
        enabled: false,
        label: String::new(),
        issuer: String::new(),
        client_id: String::new(),
        secret_file: secret_file.map(str::to_string),
        scopes: String::new(),
        email_claim: String::new(),
        name_claim: String::new(),
        groups_claim: String::new(),
        allowed_domains: Vec::new(),
        allowed_groups: Vec::new(),
        mfa_amr: Vec::new(),
        mfa_acr: Vec::new(),
        local_login: true,
        version: 0,
    };
    settings::client_secret(&probe).map(|_| match secret_file {
        Some(f) => format!("Het clientgeheim is gevonden in het bestand {f}."),
        None if std::env::var(format!("{var}_FILE")).is_ok() => format!("Het clientgeheim is gevonden via {var}_FILE."),
        None => format!("Het clientgeheim is gevonden in {var}."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_is_named_on_its_field() {
        let mut f = SettingsForm::defaults();
        f.issuer = "http://idp.gemeente.nl".into();
        f.scopes = "email".into();
        f.group_roles = "beveiliging = ciso\nprojecten = baas".into();
        f.allowed_domains = "gemeente".into();
        let e = f.check().unwrap_err();
        assert!(e.get("issuer").unwrap().contains("https"));
        assert!(e.get("client_id").is_some());
        assert!(e.get("scopes").unwrap().contains("openid"));
        assert!(e.get("group_roles").unwrap().contains("regel 2"));
        assert!(e.get("allowed_domains").unwrap().contains("gemeente"));
    }

    #[test]
    fn a_good_form_gives_settings_and_mappings() {
        let mut f = SettingsForm::defaults();
        f.issuer = "https://login.microsoftonline.com/t/v2.0".into();
        f.client_id = "abc".into();
        f.group_roles = "Informatiebeveiliging = CISO\n\n0f1e-guid = beheerder".into();
        f.allowed_domains = "@Gemeente.nl, school.nl".into();
        let (i, m) = f.check().unwrap();
        assert_eq!(i.allowed_domains, ["gemeente.nl", "school.nl"]);
        assert_eq!(m, [("Informatiebeveiliging".to_string(), Role::Ciso), ("0f1e-guid".to_string(), Role::Beheerder)]);
        assert!(i.local_login && !i.enabled);
    }
}
