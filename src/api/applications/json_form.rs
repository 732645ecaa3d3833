//! The JSON body of a new draft as the registration form's pairs, so a draft made through the API is checked
//! by exactly the form's validation. What does not fit its field's JSON type is named here, per field.

use serde_json::{Map, Value};

use crate::api::problem::FieldError;
use crate::register::fields::{FIELDS, Kind};
use crate::register::form::FormData;
use crate::register::rasci::LETTERS;

/// The JSON body of a new draft, as form pairs for the form's own validation, and the values that do not fit
/// their field's JSON type (named per field). Those are left out, so the form's own checks can still report
/// the other fields in the same answer.
pub fn form_from_json(body: &Value) -> (FormData, Vec<FieldError>) {
    let mut r = Reading::default();
    let Some(obj) = body.as_object() else {
        r.err("", "De body moet een JSON-object zijn met `fields` (en eventueel `rasci`).".into());
        return (FormData::from_pairs(Vec::new()), r.errors);
    };
    for key in obj.keys().filter(|k| !matches!(k.as_str(), "fields" | "rasci")) {
        r.err(key, format!("Onbekend veld `{key}`: alleen `fields` en `rasci` zijn toegestaan."));
    }
    let empty = Map::new();
    let fields = match obj.get("fields") {
        Some(Value::Object(m)) => m,
        None => &empty,
        Some(_) => {
            r.err("fields", "`fields` moet een JSON-object zijn.".into());
            &empty
        }
    };
    for (key, value) in fields {
        r.field(key, value);
    }
    if let Some(rasci) = obj.get("rasci") {
        r.rasci(rasci);
    }
    (FormData::from_pairs(merge_functions(r.pairs)), r.errors)
}

/// What the body has given so far: the form's pairs, and the values that do not fit.
#[derive(Default)]
struct Reading {
    pairs: Vec<(String, String)>,
    errors: Vec<FieldError>,
}

impl Reading {
    fn err(&mut self, field: &str, message: String) {
        self.errors.push(FieldError { field: field.to_string(), message });
    }

    fn pair(&mut self, key: String, value: String) {
        self.pairs.push((key, value));
    }

    /// One catalogue field: its JSON value as the form would have received it.
    fn field(&mut self, key: &str, value: &Value) {
        let Some(def) = FIELDS.iter().find(|f| f.key == key) else {
            self.err(
                key,
                format!("Onbekend veld `{key}`. De velden staan in het OpenAPI-document (ApplicationFields)."),
            );
            return;
        };
        let label = def.label;
        match (def.kind, value) {
            (_, Value::Null) => {}
            (Kind::YesNo, Value::Bool(b)) => self.pair(key.to_string(), if *b { "ja" } else { "nee" }.into()),
            (Kind::YesNo, _) => self.err(key, format!("{label}: geef true of false.")),
            (Kind::Multi(_), Value::Array(items)) => {
                for item in items {
                    match item.as_str() {
                        Some(s) => self.pair(key.to_string(), s.to_string()),
                        None => self.err(key, format!("{label}: geef een lijst met tekstwaarden.")),
                    }
                }
            }
            (Kind::Multi(_), _) => self.err(key, format!("{label}: geef een lijst met tekstwaarden.")),
            (Kind::References { .. }, Value::Array(items)) => {
                for item in items {
                    self.reference(key, label, item);
                }
            }
            (Kind::References { .. }, _) => self.err(key, format!("{label}: geef een lijst met verwijzingen.")),
            // The form trims what it receives; an API client sends exactly what it means.
            (Kind::Text { .. }, Value::String(s)) if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
                self.err(key, format!("{label} bevat tekens die niet zijn toegestaan (stuurtekens)."))
            }
            (Kind::Text { .. } | Kind::RichText { .. }, Value::String(s)) => self.pair(key.to_string(), s.clone()),
            // The API names people by id only; the form's "Name (e-mail)" is for people typing.
            (Kind::User, Value::String(s)) if uuid::Uuid::parse_str(s).is_err() => {
                self.err(key, format!("{label}: geef de user_id (uuid) van een medewerker."))
            }
            (_, Value::String(s)) if s.trim().is_empty() => {
                self.err(key, format!("{label}: geef een waarde, of null voor een leeg veld."))
            }
            (_, Value::String(s)) => self.pair(key.to_string(), s.clone()),
            (_, _) => self.err(key, format!("{label}: geef een tekst.")),
        }
    }

    /// One reference (`{title, link}`) of a references field: the form's title and link pair.
    fn reference(&mut self, key: &str, label: &str, item: &Value) {
        let title = item.get("title").and_then(Value::as_str).filter(|t| !t.trim().is_empty());
        let link = match item.get("link") {
            None => Some(""),
            Some(Value::String(l)) if !l.is_empty() => Some(l.as_str()),
            Some(_) => None,
        };
        let extra = item.as_object().is_none_or(|o| o.keys().any(|k| k != "title" && k != "link"));
        let (Some(title), Some(link), false) = (title, link, extra) else {
            self.err(
                key,
                format!("{label}: elke verwijzing is een object met `title` (tekst) en eventueel `link` (https://)."),
            );
            return;
        };
        self.pair(format!("{key}_title"), title.to_string());
        self.pair(format!("{key}_link"), link.to_string());
    }

    /// The RASCI list: at most one Accountable, each entry a person or a function.
    fn rasci(&mut self, rasci: &Value) {
        let Value::Array(entries) = rasci else {
            self.err("rasci", "`rasci` moet een lijst zijn.".into());
            return;
        };
        let accountable = entries.iter().filter(|e| e.get("letter").and_then(Value::as_str) == Some("A")).count();
        if accountable > 1 {
            self.err("rasci", "RASCI: er is precies één Accountable (letter A).".into());
        }
        for (i, e) in entries.iter().enumerate() {
            self.rasci_entry(i + 1, e);
        }
    }

    /// One RASCI entry (`line` counts from 1): a letter with either a user or a function name.
    fn rasci_entry(&mut self, line: usize, e: &Value) {
        let letter = e.get("letter").and_then(Value::as_str).unwrap_or("");
        let Some(l) = LETTERS.iter().find(|l| l.to_string() == letter) else {
            self.err("rasci", format!("RASCI, regel {line}: `letter` moet R, A, S, C of I zijn."));
            return;
        };
        let extra =
            e.as_object().is_none_or(|o| o.keys().any(|k| !matches!(k.as_str(), "letter" | "user_id" | "function")));
        match (e.get("user_id"), e.get("function")) {
            (Some(Value::String(u)), None) if !extra && uuid::Uuid::parse_str(u).is_ok() => {
                self.pair(format!("rasci_{l}_user"), u.to_string())
            }
            (None, Some(Value::String(f))) if !extra && is_function_name(f) => {
                self.pair(format!("rasci_{l}_function"), f.to_string())
            }
            _ => self.err(
                "rasci",
                format!(
                    "RASCI, regel {line}: geef óf `user_id` (de uuid van een medewerker) óf `function` (een functienaam van hoogstens 100 tekens, één regel)."
                ),
            ),
        }
    }
}

/// Several functions for one letter are one textarea in the form, a line each.
fn merge_functions(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut merged: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        match merged.iter_mut().find(|(mk, _)| k.ends_with("_function") && *mk == k) {
            Some((_, existing)) => {
                existing.push('\n');
                existing.push_str(&v);
            }
            None => merged.push((k, v)),
        }
    }
    merged
}

/// A RASCI function as one line of visible text of at most 100 characters.
fn is_function_name(f: &str) -> bool {
    !f.trim().is_empty() && f.chars().count() <= 100 && !f.chars().any(char::is_control)
}
