//! The registration form: raw input (kept as typed, so a form with errors comes back filled in), validation
//! into the stored JSON shape (per field, in Dutch), and what is still needed before submission.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::fields::{FIELDS, FieldDef, Kind, Opt, Section, field, label_of};
use super::rasci::{LETTERS, RasciEntry};
use super::richtext;
pub use crate::web::forms::FormData;
use crate::web::forms::{FormErrors, is_email};

/// A member of the organisation who can be owner or RASCI person.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Deserialize)]
pub struct Member {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    /// Deactivated users stay selectable where they are already assigned, so saving does not drop them.
    pub active: bool,
}

fn too_long(label: &str, max: usize, n: usize, note: &str) -> String {
    format!("{label} mag hoogstens {max} tekens lang zijn{note} (nu {n}).")
}

pub fn is_https_link(v: &str) -> bool {
    v.len() <= 500
        && v.strip_prefix("https://").is_some_and(|rest| {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && host.contains('.')
        })
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub fn is_month(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && matches!((b[5], b[6]), (b'0', b'1'..=b'9') | (b'1', b'0'..=b'2'))
}

fn choice(options: &[Opt], v: &str) -> bool {
    options.iter().any(|o| o.value == v)
}

/// Validate one field; the value is what is stored (JSON null for "not filled in").
fn validate_field(f: &FieldDef, form: &FormData, members: &[Member], errors: &mut FormErrors) -> Value {
    let raw = form.get(f.key).trim();
    let label = f.label;
    match f.kind {
        Kind::Text { max } => {
            if raw.is_empty() {
                return Value::Null;
            }
            let n = raw.chars().count();
            if n > max {
                errors.add(f.key, too_long(label, max, n, ""));
            }
            if raw.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                errors.add(f.key, format!("{label} bevat tekens die niet zijn toegestaan."));
            }
            json!(raw)
        }
        Kind::RichText { max } => match richtext::to_html(raw) {
            None => Value::Null,
            Some(html) => {
                let n = richtext::text_length(&html);
                if n > max {
                    errors.add(f.key, too_long(label, max, n, " (opmaak niet meegeteld)"));
                }
                json!(html)
            }
        },
        Kind::Month => {
            if raw.is_empty() {
                return Value::Null;
            }
            if !is_month(raw) {
                errors.add(f.key, format!("Vul {label} in als jaar en maand (jjjj-mm), bijvoorbeeld 2024-03."));
            }
            json!(raw)
        }
        Kind::Link => {
            if raw.is_empty() {
                return Value::Null;
            }
            if !is_https_link(raw) {
                errors.add(
                    f.key,
                    format!("{label} moet een volledige link zijn die begint met https://, hoogstens 500 tekens."),
                );
            }
            json!(raw)
        }
        Kind::Contact => contact(f, raw, errors),
        Kind::Choice(options) => {
            if raw.is_empty() {
                return Value::Null;
            }
            if !choice(options, raw) {
                errors.add(f.key, format!("Kies bij {label} een van de mogelijke waarden."));
            }
            json!(raw)
        }
        Kind::Multi(options) => {
            let picked: Vec<&str> = form.all(f.key).into_iter().map(str::trim).filter(|v| !v.is_empty()).collect();
            if picked.iter().any(|v| !choice(options, v)) {
                errors.add(f.key, format!("Kies bij {label} alleen uit de mogelijke waarden."));
            }
            // Stored in the catalogue's order, without duplicates.
            json!(options.iter().filter(|o| picked.contains(&o.value)).map(|o| o.value).collect::<Vec<_>>())
        }
        Kind::YesNo => match raw {
            "" => Value::Null,
            "ja" => json!(true),
            "nee" => json!(false),
            _ => {
                errors.add(f.key, format!("Kies bij {label} ja of nee."));
                Value::Null
            }
        },
        Kind::Date => date(f, raw, errors),
        Kind::User => member(f, raw, members, errors),
        Kind::References { title_max, link_required, .. } => references(f, form, title_max, link_required, errors),
    }
}

/// A contact: an e-mail address or an https link to a contact form.
fn contact(f: &FieldDef, raw: &str, errors: &mut FormErrors) -> Value {
    let label = f.label;
    if raw.is_empty() {
        return Value::Null;
    }
    if !(is_https_link(raw) || (raw.len() <= 254 && is_email(raw))) {
        errors.add(
            f.key,
            format!(
                "Vul bij {label} een e-mailadres in (bij voorkeur een algemeen adres, zoals \
                 algoritmes@gemeente.nl) of een link naar een contactformulier die begint met https://."
            ),
        );
    }
    json!(raw)
}

/// A date as jjjj-mm-dd, within reason (1900–2200).
fn date(f: &FieldDef, raw: &str, errors: &mut FormErrors) -> Value {
    let label = f.label;
    if raw.is_empty() {
        return Value::Null;
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(raw, format) {
        Ok(d) if (1900..=2200).contains(&d.year()) => json!(d.format(format).unwrap_or_default()),
        _ => {
            errors.add(f.key, format!("Vul bij {label} een geldige datum in (jjjj-mm-dd)."));
            json!(raw)
        }
    }
}

/// A member of the organisation, by id.
fn member(f: &FieldDef, raw: &str, members: &[Member], errors: &mut FormErrors) -> Value {
    match super::people::resolve(raw, members) {
        Ok(Some(m)) => json!(m.user_id),
        Ok(None) => Value::Null,
        Err(why) => {
            errors.add(f.key, why.message(f.label, raw));
            Value::Null
        }
    }
}

/// A list of references (title and link per row); empty rows are skipped, each bad row is named.
fn references(f: &FieldDef, form: &FormData, title_max: usize, link_required: bool, errors: &mut FormErrors) -> Value {
    let label = f.label;
    let titles = form.all(&format!("{}_title", f.key));
    let links = form.all(&format!("{}_link", f.key));
    let mut items = Vec::new();
    for i in 0..titles.len().max(links.len()) {
        let title = titles.get(i).map(|s| s.trim()).unwrap_or("");
        let link = links.get(i).map(|s| s.trim()).unwrap_or("");
        if title.is_empty() && link.is_empty() {
            continue;
        }
        let row = i + 1;
        if title.is_empty() {
            errors.add(f.key, format!("{label}, regel {row}: vul de titel in."));
        } else if title.chars().count() > title_max {
            errors.add(f.key, format!("{label}, regel {row}: de titel mag hoogstens {title_max} tekens lang zijn."));
        }
        if link.is_empty() && link_required {
            errors.add(f.key, format!("{label}, regel {row}: vul de link in (begint met https://)."));
        } else if !link.is_empty() && !is_https_link(link) {
            errors.add(f.key, format!("{label}, regel {row}: de link moet beginnen met https://."));
        }
        let mut item = Map::new();
        item.insert("title".into(), json!(title));
        if !link.is_empty() {
            item.insert("link".into(), json!(link));
        }
        items.push(Value::Object(item));
    }
    Value::Array(items)
}

/// Validate the whole form into the stored shape. Field errors go into `errors`; the input itself is kept
/// by the caller for re-rendering.
pub fn validate(form: &FormData, members: &[Member], errors: &mut FormErrors) -> Map<String, Value> {
    let mut values = Map::new();
    for f in FIELDS.iter() {
        let v = validate_field(f, form, members, errors);
        values.insert(f.key.to_string(), v);
    }
    // A draft needs at least a name and a short description.
    for key in ["name", "description_short"] {
        if values.get(key).is_none_or(Value::is_null) {
            let f = field(key).expect("catalogue field");
            errors.add(f.key, format!("Vul {} in; ook een concept heeft die nodig.", f.label.to_lowercase()));
        }
    }
    if let (Some(Value::String(b)), Some(Value::String(e))) = (values.get("begin_date"), values.get("end_date"))
        && is_month(b)
        && is_month(e)
        && e < b
    {
        errors.add("end_date", "De einddatum ligt vóór de begindatum.");
    }
    if values.get("special_categories") == Some(&json!(true)) && values.get("personal_data") == Some(&json!(false)) {
        errors.add(
            "personal_data",
            "Bijzondere persoonsgegevens zijn ook persoonsgegevens: kies bij Persoonsgegevens 'ja'.",
        );
    }
    values
}

/// A stored value that counts as "not filled in".
pub fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// One thing a registration still needs before submission: the Dutch line and the form element it is about
/// (an id on the form, so the list can link to it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub anchor: &'static str,
    pub text: String,
}

impl Missing {
    pub fn new(anchor: &'static str, text: impl Into<String>) -> Self {
        Self { anchor, text: text.into() }
    }

    /// The slug of the form step where this is filled in.
    pub fn step(&self) -> &'static str {
        super::steps::step_of_missing(self).slug()
    }

    /// The lines as one sentence part, for a flash message.
    pub fn join(items: &[Missing]) -> String {
        items.iter().map(|m| m.text.as_str()).collect::<Vec<_>>().join("; ")
    }
}

/// What a registration still needs before it can be submitted, as Dutch lines naming the field.
pub fn missing_for_submission(values: &Map<String, Value>, rasci: &[RasciEntry]) -> Vec<Missing> {
    let empty = |v: Option<&Value>| v.is_none_or(is_blank);
    // Publication fields are only asked (and so only required) when the tool is published or citizen-facing.
    let publication = super::steps::publication_relevant(values);
    let mut missing: Vec<Missing> = FIELDS
        .iter()
        .filter(|f| f.required && (publication || f.section != Section::Publicatie) && empty(values.get(f.key)))
        .map(|f| Missing::new(f.key, super::fields::label(f.key)))
        .collect();
    if values.get("personal_data") == Some(&json!(true)) && empty(values.get("special_categories")) {
        missing.push(Missing::new("special_categories", super::fields::label("special_categories")));
    }
    let accountable = rasci.iter().filter(|r| r.letter == 'A').count();
    if accountable != 1 {
        missing.push(Missing::new("sectie-rasci", "Precies één Accountable (A) bij de verantwoordelijken (RASCI)"));
    }
    missing
}

/// The stored values (and RASCI) as form input, for editing.
pub fn to_form(values: &Map<String, Value>, rasci: &[RasciEntry]) -> FormData {
    let mut form = FormData::default();
    for f in FIELDS.iter() {
        let v = values.get(f.key).unwrap_or(&Value::Null);
        match (f.kind, v) {
            (_, Value::Null) => {}
            (Kind::RichText { .. }, Value::String(html)) => form.push(f.key, richtext::to_text(html)),
            (Kind::YesNo, Value::Bool(b)) => form.push(f.key, if *b { "ja" } else { "nee" }),
            (Kind::Multi(_), Value::Array(items)) => {
                for i in items.iter().filter_map(Value::as_str) {
                    form.push(f.key, i);
                }
            }
            (Kind::References { .. }, Value::Array(items)) => {
                for item in items {
                    form.push(&format!("{}_title", f.key), item.get("title").and_then(Value::as_str).unwrap_or(""));
                    form.push(&format!("{}_link", f.key), item.get("link").and_then(Value::as_str).unwrap_or(""));
                }
            }
            (_, Value::String(s)) => form.push(f.key, s.as_str()),
            (_, other) => form.push(f.key, other.to_string()),
        }
    }
    for letter in LETTERS {
        for entry in rasci.iter().filter(|r| r.letter == letter) {
            match (&entry.user_id, &entry.function_name) {
                (Some(id), _) => form.push(&format!("rasci_{letter}_user"), id.to_string()),
                (None, Some(name)) => form.push(&format!("rasci_{letter}_function"), name.as_str()),
                _ => {}
            }
        }
    }
    form
}

/// A value as people read it (for the history and the conflict message).
pub fn display_value(key: &str, v: &Value, members: &[Member]) -> String {
    if key == "workflow_status"
        && let Value::String(s) = v
    {
        return label_of(super::fields::WORKFLOW_STATUS, s);
    }
    let Some(f) = field(key) else {
        return match v {
            Value::Null => "(leeg)".to_string(),
            Value::String(s) => s.clone(),
            Value::Array(a) => {
                a.iter().map(|i| i.as_str().map(str::to_string).unwrap_or(i.to_string())).collect::<Vec<_>>().join("; ")
            }
            other => other.to_string(),
        };
    };
    match (f.kind, v) {
        (_, Value::Null) => "(leeg)".to_string(),
        (Kind::RichText { .. }, Value::String(html)) => richtext::plain_text(html),
        (Kind::YesNo, Value::Bool(b)) => if *b { "ja" } else { "nee" }.to_string(),
        (Kind::Choice(options), Value::String(s)) => label_of(options, s),
        (Kind::Multi(options), Value::Array(items)) => {
            if items.is_empty() {
                "(leeg)".to_string()
            } else {
                items.iter().filter_map(Value::as_str).map(|s| label_of(options, s)).collect::<Vec<_>>().join(", ")
            }
        }
        (Kind::References { .. }, Value::Array(items)) => {
            if items.is_empty() {
                "(leeg)".to_string()
            } else {
                items
                    .iter()
                    .map(|i| {
                        let t = i.get("title").and_then(Value::as_str).unwrap_or("");
                        match i.get("link").and_then(Value::as_str) {
                            Some(l) => format!("{t} ({l})"),
                            None => t.to_string(),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        }
        (Kind::Date, Value::String(d)) => match d.split('-').collect::<Vec<_>>().as_slice() {
            [y, m, day] => format!("{day}-{m}-{y}"),
            _ => d.clone(),
        },
        (Kind::User, Value::String(id)) => members
            .iter()
            .find(|m| m.user_id.to_string() == *id)
            .map(|m| m.name.clone())
            .unwrap_or_else(|| "(onbekende gebruiker)".to_string()),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn draft_needs_name_and_description() {
        let mut e = FormErrors::new();
        let v = validate(&form(&[("name", "ChatGPT"), ("description_short", "Chatbot")]), &[], &mut e);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(v["name"], json!("ChatGPT"));
        assert_eq!(v["category"], json!([]));
        let mut e = FormErrors::new();
        validate(&form(&[]), &[], &mut e);
        assert!(e.get("name").is_some() && e.get("description_short").is_some());
    }

    #[test]
    fn field_rules() {
        let mut e = FormErrors::new();
        let long = "x".repeat(101);
        validate(
            &form(&[
                ("name", &long),
                ("description_short", "ok"),
                ("begin_date", "03-2021"),
                ("website", "http://gemeente.nl"),
                ("contact_email", "bel ons"),
                ("status", "in gebruik"),
                ("category", "Verkeer"),
                ("category", "Bestuur"),
                ("generative", "misschien"),
                ("lawful_basis_grouping_title", "Wet"),
                ("lawful_basis_grouping_link", ""),
            ]),
            &[],
            &mut e,
        );
        for key in [
            "name",
            "begin_date",
            "website",
            "contact_email",
            "status",
            "category",
            "generative",
            "lawful_basis_grouping",
        ] {
            assert!(e.get(key).is_some(), "no error for {key}");
        }
        assert!(e.get("name").unwrap().contains("hoogstens 100"));
    }

    #[test]
    fn contact_can_be_email_or_https() {
        for ok in ["algoritmes@gemeente.nl", "https://gemeente.nl/contact"] {
            let mut e = FormErrors::new();
            validate(&form(&[("name", "a"), ("description_short", "b"), ("contact_email", ok)]), &[], &mut e);
            assert!(e.is_empty(), "{ok}");
        }
    }

    #[test]
    fn months() {
        assert!(is_month("2024-03") && is_month("1999-12"));
        assert!(!is_month("2024-13") && !is_month("2024-00") && !is_month("2024") && !is_month("03-2021"));
    }

    #[test]
    fn round_trip_through_the_form() {
        let mut e = FormErrors::new();
        let input = form(&[
            ("name", "Copilot"),
            ("description_short", "Assistent"),
            ("goal", "Doel\n\n- a\n- b"),
            ("personal_data", "nee"),
            ("publish", "ja"),
            ("category", "Werk"),
            ("impacttoetsen_grouping_title", "Pre-scan DPIA"),
            ("impacttoetsen_grouping_link", ""),
        ]);
        let v = validate(&input, &[], &mut e);
        assert!(e.is_empty());
        let back = to_form(&v, &[]);
        assert_eq!(back.get("goal"), "Doel\n\n- a\n- b");
        assert_eq!(back.get("personal_data"), "nee");
        assert_eq!(back.all("category"), vec!["Werk"]);
        assert_eq!(back.get("impacttoetsen_grouping_title"), "Pre-scan DPIA");
        let missing = missing_for_submission(&v, &[]);
        assert!(missing.iter().any(|m| m.text == "Contactgegevens" && m.anchor == "contact_email"));
        assert!(missing.iter().any(|m| m.text.contains("Accountable") && m.anchor == "sectie-rasci"));
        // Not published and not citizen-facing: the publication fields are not asked, so not needed.
        let mut internal = v.clone();
        internal.insert("publish".into(), json!(false));
        assert!(!missing_for_submission(&internal, &[]).iter().any(|m| m.anchor == "contact_email"));
    }
}
