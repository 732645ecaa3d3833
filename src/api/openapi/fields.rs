//! The registration's fields as JSON Schema, from the field catalogue the form validates with: what the API
//! accepts (`input`) and what it returns. Also the small helpers the other parts of the document share.

use serde_json::{Map, Value, json};

use crate::register::fields::{AI_ACT_RISK_GROUPS, FIELDS, FieldDef, Kind, Opt};

/// Characters the form refuses in one-line text (control characters except tab and newline).
const NO_CONTROL: &str = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*$";
/// No control characters at all (one line).
pub(super) const ONE_LINE: &str = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$";
/// At least one visible character (patterns are not anchored).
pub(super) const NON_BLANK: &str = "\\S";
const HTTPS: &str = "^https://[^\\s/?#]*\\.[^\\s/?#]*([/?#][^\\s]*)?$";
const EMAIL: &str = "^[^@\\s]+@[^@\\s.][^@\\s]*\\.[^@\\s]*[^@\\s.]$";

pub(super) fn values(options: &[Opt]) -> Vec<&'static str> {
    options.iter().map(|o| o.value).collect()
}

/// The AI Act groups and "onbekend" (not determined yet), as the register's filter takes them.
pub(super) fn ai_act_values() -> Vec<&'static str> {
    let mut v = values(AI_ACT_RISK_GROUPS);
    v.push("onbekend");
    v
}

/// `null` allowed too ("not filled in"). An `anyOf` (the contact field) gets a null branch.
pub(super) fn nullable(mut schema: Value) -> Value {
    if let Some(t) = schema.get("type").cloned() {
        schema["type"] = json!([t, "null"]);
    }
    if let Some(e) = schema.get_mut("enum").and_then(Value::as_array_mut) {
        e.push(Value::Null);
    }
    if let Some(a) = schema.get_mut("anyOf").and_then(Value::as_array_mut) {
        a.push(json!({ "type": "null" }));
    }
    schema
}

/// The schema of one field; `input` for what the API accepts (limits of typed text), else what it returns
/// (rich text comes back as the register's HTML, longer than its text).
fn field_schema(f: &FieldDef, input: bool) -> Value {
    let mut s = match f.kind {
        Kind::Text { max } => {
            let mut s = json!({ "type": "string", "maxLength": max });
            if input {
                s["pattern"] = json!(NO_CONTROL);
            }
            s
        }
        Kind::RichText { max } => {
            let mut s = json!({ "type": "string" });
            if input {
                s["maxLength"] = json!(max);
                s["description"] = json!(
                    "Platte tekst (lege regel = alinea, `- ` = opsomming, `1. ` = genummerd) of HTML met p, br, ul, ol, li, div; wordt opgeslagen als HTML."
                );
            }
            s
        }
        Kind::Month => json!({ "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "examples": ["2024-03"] }),
        Kind::Link => json!({ "type": "string", "maxLength": 500, "pattern": HTTPS }),
        Kind::Contact => json!({ "type": "string", "maxLength": 254, "anyOf": [
            { "pattern": EMAIL },
            { "pattern": HTTPS, "maxLength": 500 }
        ] }),
        Kind::Choice(options) => json!({ "type": "string", "enum": values(options) }),
        Kind::Multi(options) => json!({ "type": "array", "items": { "type": "string", "enum": values(options) } }),
        Kind::YesNo => json!({ "type": "boolean" }),
        Kind::Date => json!({
            "type": "string", "format": "date",
            "pattern": "^(19[0-9]{2}|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
        }),
        Kind::User => {
            json!({ "type": "string", "format": "uuid", "description": "Een medewerker van de organisatie (user_id)." })
        }
        Kind::References { title_max, link_required, .. } => {
            let mut item = json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["title"],
                "properties": {
                    "title": { "type": "string", "minLength": 1, "maxLength": title_max, "pattern": NON_BLANK },
                    "link": { "type": "string", "maxLength": 500, "pattern": HTTPS }
                }
            });
            if link_required {
                item["required"] = json!(["title", "link"]);
            }
            json!({ "type": "array", "items": item })
        }
    };
    if let Some(obj) = s.as_object_mut() {
        obj.insert("title".into(), json!(f.label));
        if f.key == "checklist" {
            // The same split as the forms (src/register/checklist.rs).
            obj.insert(
                "description".into(),
                json!("De eigenaar vinkt doel, transparantie, uitlegbaarheid, verantwoordelijken, algoritmeregister en training af; risicoanalyse, privacy, maatregelen en leveranciersafspraken alleen een CISO (anders 422). Voor indienen zijn de punten van de eigenaar nodig, voor goedkeuren alle tien."),
            );
        }
        if !f.help.is_empty() && !obj.contains_key("description") {
            obj.insert("description".into(), json!(f.help));
        }
    }
    s
}

/// All catalogue fields as one object: on input the name and short description are required and not blank,
/// every other field may be null.
pub(super) fn fields_schema(input: bool) -> Value {
    let mut props = Map::new();
    for f in FIELDS.iter() {
        let mut s = field_schema(f, input);
        let required_in_draft = input && matches!(f.key, "name" | "description_short");
        if required_in_draft {
            s["minLength"] = json!(1);
            s["allOf"] = json!([{ "pattern": NON_BLANK }]);
        } else {
            s = nullable(s);
        }
        props.insert(f.key.to_string(), s);
    }
    let mut schema = json!({ "type": "object", "additionalProperties": false, "properties": props });
    if input {
        schema["required"] = json!(["name", "description_short"]);
    }
    schema
}
