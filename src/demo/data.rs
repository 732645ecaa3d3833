//! The demo registrations as data (`applications.json`), read into typed structs. Reading checks what the
//! types know (statuses, roles, the matrix, user placeholders, repeated keys); the tests below check the
//! rest against the register itself: every field name is in the field catalogue and every value passes the
//! web form's validation, so a typo in the file fails a test instead of landing in the demo.

use std::fmt;

use anyhow::Context;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use uuid::Uuid;

use crate::auth::roles::Role;
use crate::register::fields::{DATA_CLASSES, RISK_LEVELS};
use crate::register::form::FormData;
use crate::register::machine::WorkflowStatus;

const APPLICATIONS: &str = include_str!("applications.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DemoData {
    /// Fields every complete demo registration shares (owner, contact address, RASCI); they follow its own.
    complete_fields: Fields,
    pub applications: Vec<DemoApp>,
}

/// One demo registration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DemoApp {
    /// The status it is put at, as if its history had happened.
    #[serde(deserialize_with = "workflow_status")]
    pub status: WorkflowStatus,
    /// The demo user who registered it.
    #[serde(deserialize_with = "role")]
    pub creator: Role,
    pub matrix: Matrix,
    /// Takes the shared `complete_fields` too.
    #[serde(default)]
    complete: bool,
    /// The risk level the CISO set by hand, with the motivation.
    #[serde(default)]
    pub risk_override: Option<RiskOverride>,
    /// The web form's fields.
    fields: Fields,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RiskOverride {
    #[serde(deserialize_with = "risk_level")]
    pub level: String,
    pub motivation: String,
}

/// The data-class matrix, one letter per class in `DATA_CLASSES` order: T(oegestaan), O(nder voorwaarden),
/// V(erboden), or - (not answered yet). Held as the form's values.
#[derive(Debug, Deserialize)]
#[serde(try_from = "String")]
pub(super) struct Matrix(Vec<Option<&'static str>>);

/// Form fields in the file's order: a string, or a list for a repeated field (checkboxes, several users of
/// one RASCI letter, references). A value `@<role>` stands for that demo user.
#[derive(Debug)]
struct Fields(Vec<(String, Vec<Value>)>);

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    User(Role),
}

impl DemoData {
    pub fn parse() -> anyhow::Result<Self> {
        Self::from_json(APPLICATIONS).context("src/demo/applications.json")
    }

    fn from_json(text: &str) -> serde_json::Result<Self> {
        serde_json::from_str(text)
    }

    /// What the web form would have sent for `app`: its own fields, the shared ones when it is complete, then
    /// the matrix. `user` gives a demo user's id (a user that is missing leaves the field empty).
    pub fn form(&self, app: &DemoApp, user: impl Fn(Role) -> Option<Uuid>) -> FormData {
        let mut form = FormData::default();
        let shared = if app.complete { &self.complete_fields.0[..] } else { &[] };
        for (key, values) in app.fields.0.iter().chain(shared) {
            for value in values {
                match value {
                    Value::Text(text) => form.push(key, text.as_str()),
                    Value::User(role) => form.push(key, user(*role).map(|id| id.to_string()).unwrap_or_default()),
                }
            }
        }
        for (class, permission) in DATA_CLASSES.iter().zip(&app.matrix.0) {
            if let Some(p) = permission {
                form.push(class.value, *p);
            }
        }
        form
    }
}

impl TryFrom<String> for Matrix {
    type Error = String;

    fn try_from(letters: String) -> Result<Self, String> {
        let cells = letters
            .chars()
            .map(|c| match c {
                'T' => Ok(Some("toegestaan")),
                'O' => Ok(Some("onder_voorwaarden")),
                'V' => Ok(Some("verboden")),
                '-' => Ok(None),
                other => Err(format!("matrix {letters:?}: {other:?} is not one of T, O, V, -")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if cells.len() != DATA_CLASSES.len() {
            return Err(format!("matrix {letters:?}: one letter for each of the {} data classes", DATA_CLASSES.len()));
        }
        Ok(Self(cells))
    }
}

fn workflow_status<'de, D: Deserializer<'de>>(d: D) -> Result<WorkflowStatus, D::Error> {
    let s = String::deserialize(d)?;
    WorkflowStatus::parse(&s).ok_or_else(|| de::Error::custom(format!("unknown workflow status {s:?}")))
}

fn role<'de, D: Deserializer<'de>>(d: D) -> Result<Role, D::Error> {
    let s = String::deserialize(d)?;
    exact_role(&s).ok_or_else(|| de::Error::custom(format!("unknown role {s:?}")))
}

fn risk_level<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if RISK_LEVELS.iter().any(|o| o.value == s) {
        Ok(s)
    } else {
        Err(de::Error::custom(format!("unknown risk level {s:?}")))
    }
}

/// A role by its stored name, spelled exactly so.
fn exact_role(s: &str) -> Option<Role> {
    Role::ALL.into_iter().find(|r| r.as_str() == s)
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.strip_prefix('@') {
            Some(name) => exact_role(name)
                .map(Value::User)
                .ok_or_else(|| de::Error::custom(format!("{s:?} names no demo user (@ and a role)"))),
            None => Ok(Value::Text(s)),
        }
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(FieldsVisitor)
    }
}

/// A JSON object read in order (a map type would sort it), refusing a key that appears twice: JSON readers
/// would otherwise keep only one of the two values.
struct FieldsVisitor;

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMore {
    One(Value),
    More(Vec<Value>),
}

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of form fields, each a string or a list of strings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields: Vec<(String, Vec<Value>)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if fields.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(format!("field {key} appears twice (use a list)")));
            }
            let values = match map.next_value()? {
                OneOrMore::One(v) => vec![v],
                OneOrMore::More(vs) => vs,
            };
            fields.push((key, values));
        }
        Ok(Fields(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::fields::{Kind, field, is_data_class};
    use crate::register::form::Member;
    use crate::register::lifecycle::Draft;

    /// The demo users as members of the organisation, with made-up ids.
    fn members() -> Vec<(Role, Member)> {
        super::super::DEMO_USERS
            .iter()
            .map(|(email, name, role)| {
                let member =
                    Member { user_id: Uuid::now_v7(), name: name.to_string(), email: email.to_string(), active: true };
                (*role, member)
            })
            .collect()
    }

    /// A form field the register reads: a catalogue field (the matrix has its own key in the file), a row of
    /// a list of references, or a RASCI letter's users or functions.
    fn known_key(key: &str) -> bool {
        if field(key).is_some() {
            return !is_data_class(key);
        }
        let reference = |suffix: &str| {
            key.strip_suffix(suffix).and_then(field).is_some_and(|f| matches!(f.kind, Kind::References { .. }))
        };
        let rasci = key.strip_prefix("rasci_").is_some_and(|rest| {
            let mut parts = rest.splitn(2, '_');
            matches!(parts.next(), Some("R" | "A" | "S" | "C" | "I"))
                && matches!(parts.next(), Some("user" | "function"))
        });
        reference("_title") || reference("_link") || rasci
    }

    #[test]
    fn the_file_parses_and_every_value_is_one_the_register_knows() {
        let data = DemoData::parse().unwrap();
        assert_eq!(data.applications.len(), 16, "README.md says 16 applications");
        let members = members();
        let all: Vec<Member> = members.iter().map(|(_, m)| m.clone()).collect();
        let user = |r: Role| members.iter().find(|(role, _)| *role == r).map(|(_, m)| m.user_id);
        for (key, _) in &data.complete_fields.0 {
            assert!(known_key(key), "complete_fields: unknown field {key}");
        }
        for app in &data.applications {
            let form = data.form(app, user);
            let name = form.get("name");
            for (key, _) in &app.fields.0 {
                assert!(known_key(key), "{name}: unknown field {key}");
                if app.complete {
                    assert!(data.complete_fields.0.iter().all(|(k, _)| k != key), "{name}: {key} is also shared");
                }
            }
            // The web form's own checks: option values, yes/no, months, dates, links, users, lengths.
            if let Err(errors) = Draft::validate(&form, &all) {
                let lines: Vec<String> = errors.iter().map(|(f, m)| format!("{f}: {m}")).collect();
                panic!("{name}: {}", lines.join("; "));
            }
        }
    }

    #[test]
    fn a_typo_does_not_parse() {
        let app = |status: &str, creator: &str, matrix: &str, fields: &str| {
            format!(
                r#"{{"complete_fields": {{}}, "applications": [{{"status": "{status}", "creator": "{creator}",
                    "matrix": "{matrix}", "fields": {fields}}}]}}"#
            )
        };
        let good = app("concept", "medewerker", "TT------", r#"{"name": "X", "owner_id": "@medewerker"}"#);
        let data = DemoData::from_json(&good).unwrap();
        let id = Uuid::now_v7();
        let form = data.form(&data.applications[0], |_| Some(id));
        assert_eq!(form.get("owner_id"), id.to_string());
        assert_eq!(form.all("dc_intern"), ["toegestaan"]);
        assert!(form.all("dc_klant").is_empty());
        for bad in [
            app("goedgekeud", "medewerker", "TT------", r#"{"name": "X"}"#),
            app("concept", "medewerkers", "TT------", r#"{"name": "X"}"#),
            app("concept", "medewerker", "TT-----", r#"{"name": "X"}"#),
            app("concept", "medewerker", "TX------", r#"{"name": "X"}"#),
            app("concept", "medewerker", "TT------", r#"{"name": "X", "owner_id": "@ciso2"}"#),
            app("concept", "medewerker", "TT------", r#"{"name": "X", "name": "Y"}"#),
            good.replace(r#""fields""#, r#""risk_override": {"level": "hog", "motivation": "M"}, "fields""#),
            good.replace(r#""matrix""#, r#""statu": "concept", "matrix""#),
        ] {
            assert!(DemoData::from_json(&bad).is_err(), "{bad}");
        }
    }
}
