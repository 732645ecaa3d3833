//! Checks an `AlgorithmIn` body before it leaves the application: against the standard's JSON Schema
//! (`reference/algoritmeregister/algorithm-in-v1_0.schema.json`, read at start, so a newer schema of the same
//! form needs no code change), against the register's rules JSON Schema cannot express (length after
//! stripping HTML, allowed tags), and stricter than the register where its own data goes wrong (`jjjj-mm`,
//! https links, e-mail or https address as contact). Every problem is one Dutch line naming the field.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::register::form::is_https_link;
use crate::register::richtext;
use crate::web::forms::is_email;

static SCHEMA: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../reference/algoritmeregister/algorithm-in-v1_0.schema.json"))
        .expect("the embedded AlgorithmIn schema is valid JSON")
});

/// One problem: the field's key, its Dutch title and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: String,
    pub label: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.label, self.message)
    }
}

/// The Dutch title of a key of the standard, as the schema (a static) holds it.
pub fn schema_title(key: &str) -> Option<&'static str> {
    SCHEMA["properties"][key]["title"].as_str()
}

/// The Dutch title of a key of the standard; the key itself for one the standard does not have.
pub fn title(key: &str) -> String {
    schema_title(key).unwrap_or(key).to_string()
}

/// Whether the public register shows the field even when empty ("Veld niet ingevuld").
pub fn shown_always(key: &str) -> bool {
    SCHEMA["properties"][key]["x-show-always"].as_bool() == Some(true)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_ok(schema: &Value, v: &Value) -> bool {
    let name = type_name(v);
    let fits = |t: &str| t == name || (t == "number" && name == "integer");
    match schema.get("type") {
        None => true,
        Some(Value::String(t)) => fits(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(fits),
        Some(_) => true,
    }
}

fn dutch_type(schema: &Value) -> &'static str {
    let t = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null"),
        _ => "",
    };
    match t {
        "string" => "een tekst",
        "array" => "een lijst",
        "object" => "een object met titel en link",
        "boolean" => "ja of nee",
        _ => "een waarde van het juiste soort",
    }
}

/// The schema keywords the standard's schema uses (type, enum, maxLength, required, properties, items) plus
/// its own `x-max-length-without-html` and `x-allowed-html-tags`.
fn check(schema: &Value, v: &Value, key: &str, label: &str, at: &str, out: &mut Vec<Problem>) {
    let mut problem = |message: String| {
        out.push(Problem { key: key.into(), label: label.into(), message });
    };
    if !type_ok(schema, v) {
        problem(format!("{at}moet {} zijn.", dutch_type(schema)));
        return;
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !v.is_null()
        && !allowed.contains(v)
    {
        let list: Vec<String> = allowed.iter().filter_map(Value::as_str).map(|s| format!("'{s}'")).collect();
        problem(format!("{at}'{}' is geen toegestane waarde; kies uit {}.", v.as_str().unwrap_or(""), list.join(", ")));
    }
    if let Value::String(s) = v {
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
            let n = s.chars().count() as u64;
            if n > max {
                problem(format!("{at}mag hoogstens {max} tekens lang zijn (nu {n})."));
            }
        }
        if let Some(max) = schema.get("x-max-length-without-html").and_then(Value::as_u64) {
            let n = richtext::text_length(s) as u64;
            if n > max {
                problem(format!("{at}mag zonder opmaak hoogstens {max} tekens lang zijn (nu {n})."));
            }
        }
        let allowed: Vec<&str> = match schema.get("x-allowed-html-tags") {
            Some(Value::Array(tags)) => tags.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let tags = html_tags(s);
        if let Some(bad) = tags.iter().find(|t| !allowed.contains(&t.as_str())) {
            if allowed.is_empty() {
                problem(format!("{at}mag geen HTML bevatten (gevonden: <{bad}>)."));
            } else {
                problem(format!("{at}bevat <{bad}>; alleen {} zijn toegestaan.", allowed.join(", ")));
            }
        } else if !allowed.is_empty() && s.contains('<') && has_attributes(s) {
            problem(format!("{at}bevat HTML-attributen; die zijn niet toegestaan."));
        }
    }
    if let (Value::Object(obj), Some(Value::Object(props))) = (v, schema.get("properties")) {
        if let Some(Value::Array(required)) = schema.get("required") {
            for r in required.iter().filter_map(Value::as_str) {
                if obj.get(r).is_none_or(|x| x.is_null() || x.as_str().is_some_and(|s| s.trim().is_empty())) {
                    let t = props.get(r).and_then(|p| p.get("title")).and_then(Value::as_str).unwrap_or(r);
                    problem(format!("{at}{} ontbreekt.", t.to_lowercase()));
                }
            }
        }
        for (k, sub) in props {
            if let Some(x) = obj.get(k) {
                let t = sub.get("title").and_then(Value::as_str).unwrap_or(k);
                check(sub, x, key, label, &format!("{at}{}: ", t.to_lowercase()), out);
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (v, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(item_schema, item, key, label, &format!("{at}regel {}: ", i + 1), out);
        }
    }
}

/// Lower-cased names of the HTML tags in a text (opening and closing), as the register's sanitiser sees them.
fn html_tags(s: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !name.is_empty() && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            tags.push(name);
        }
    }
    tags
}

fn has_attributes(s: &str) -> bool {
    s.split('<').skip(1).any(|part| {
        let tag = part.split('>').next().unwrap_or("");
        let tag = tag.trim_end_matches('/').trim();
        tag.contains(char::is_whitespace)
    })
}

/// Stricter than the register (NOTES.md §3.5).
fn strict(body: &Map<String, Value>, out: &mut Vec<Problem>) {
    let mut problem = |key: &str, message: String| {
        out.push(Problem { key: key.into(), label: title(key), message });
    };
    for key in ["begin_date", "end_date"] {
        if let Some(Value::String(s)) = body.get(key)
            && !crate::register::form::is_month(s)
        {
            problem(key, format!("'{s}' is geen maand in de vorm jjjj-mm (bijvoorbeeld 2024-03)."));
        }
    }
    for key in ["website", "url", "process_index_url", "publiccode"] {
        if let Some(Value::String(s)) = body.get(key)
            && !is_https_link(s)
        {
            problem(key, format!("'{s}' is geen geldige link die begint met https://."));
        }
    }
    if let Some(Value::String(s)) = body.get("contact_email")
        && !is_email(s.trim())
        && !is_https_link(s.trim())
    {
        problem("contact_email", "vul een e-mailadres of een https-link naar een contactformulier in.".into());
    }
    for key in ["lawful_basis_grouping", "impacttoetsen_grouping", "source_data_grouping"] {
        if let Some(Value::Array(items)) = body.get(key) {
            for (i, item) in items.iter().enumerate() {
                if let Some(Value::String(link)) = item.get("link")
                    && !is_https_link(link)
                {
                    problem(key, format!("regel {}: de link '{link}' begint niet met https://.", i + 1));
                }
            }
        }
    }
    if let (Some(Value::String(b)), Some(Value::String(e))) = (body.get("begin_date"), body.get("end_date"))
        && e < b
    {
        problem("end_date", "de einddatum ligt vóór de begindatum.".into());
    }
}

/// Every problem of the body; empty when it can be sent to the register.
pub fn problems(body: &Map<String, Value>) -> Vec<Problem> {
    let mut out = Vec::new();
    let props = SCHEMA["properties"].as_object().cloned().unwrap_or_default();
    if let Some(Value::Array(required)) = SCHEMA.get("required") {
        for key in required.iter().filter_map(Value::as_str) {
            if body.get(key).is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty())) {
                out.push(Problem { key: key.into(), label: title(key), message: "is verplicht en ontbreekt.".into() });
            }
        }
    }
    for (key, value) in body {
        if let Some(schema) = props.get(key) {
            if schema.get("readOnly") == Some(&Value::Bool(true)) {
                continue;
            }
            check(schema, value, key, &title(key), "", &mut out);
        }
    }
    strict(body, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid() -> Map<String, Value> {
        let v: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/algoritmeregister/algorithm-in-v1_0.example.json"))
                .expect("example");
        v.as_object().cloned().expect("object")
    }

    #[test]
    fn the_standards_own_example_passes() {
        assert_eq!(problems(&valid()), vec![]);
    }

    #[test]
    fn each_rule_names_the_field() {
        let cases: Vec<(&str, Value, &str)> = vec![
            ("name", Value::Null, "Naam: is verplicht"),
            ("lang", json!("NLD"), "'NLD' is geen toegestane waarde"),
            ("status", json!("In use"), "kies uit 'In ontwikkeling'"),
            ("name", json!("x".repeat(101)), "hoogstens 100 tekens lang zijn (nu 101)"),
            ("goal", json!(format!("<p>{}</p>", "x".repeat(2501))), "zonder opmaak hoogstens 2500"),
            ("goal", json!("<p>a</p><script>x</script>"), "bevat <script>"),
            ("goal", json!("<p class=\"x\">a</p>"), "HTML-attributen"),
            ("name", json!("<b>Naam</b>"), "mag geen HTML bevatten"),
            ("begin_date", json!("03-2021"), "jjjj-mm"),
            ("website", json!("http://example.nl"), "begint met https://"),
            ("contact_email", json!("Bel ons"), "e-mailadres of een https-link"),
            ("category", json!(["Verkeer", "Transport"]), "regel 2: 'Transport' is geen toegestane waarde"),
            ("lawful_basis_grouping", json!([{"title": "Wet"}]), "regel 1: link naar wettelijke basis ontbreekt"),
            ("impacttoetsen_grouping", json!([{"title": "DPIA", "link": "n.v.t."}]), "begint niet met https://"),
        ];
        for (key, value, expected) in cases {
            let mut body = valid();
            body.insert(key.into(), value.clone());
            let found = problems(&body).iter().map(ToString::to_string).collect::<Vec<_>>().join(" | ");
            assert!(found.contains(expected), "{key} = {value}: expected '{expected}' in '{found}'");
        }
        let mut body = valid();
        body.insert("contact_email".into(), json!("https://example.nl/contact"));
        assert_eq!(problems(&body), vec![]);
    }
}
