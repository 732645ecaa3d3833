//! The filters a provider sends to find a resource before it creates one (RFC 7644 §3.4.2.2), as far as
//! provisioning needs them: one comparison `attribute eq "value"` on a supported attribute. Anything else is
//! answered with scimType invalidFilter rather than a wrong result.

use super::{ScimError, ScimResult};

/// One `attribute eq value` comparison; the attribute lower-cased, without a schema URN prefix.
#[derive(Debug, PartialEq, Eq)]
pub struct Filter {
    pub attribute: String,
    pub value: String,
}

fn invalid(detail: impl Into<String>) -> ScimError {
    ScimError::bad("invalidFilter", detail)
}

/// Parse a filter; `supported` lists the attributes (lower-case) that may be compared (empty: any).
pub fn parse(text: &str, supported: &[&str]) -> ScimResult<Filter> {
    let text = text.trim();
    let (attribute, rest) = text
        .split_once(char::is_whitespace)
        .ok_or_else(|| invalid(format!("Filter \"{text}\" heeft niet de vorm attribuut eq \"waarde\".")))?;
    let rest = rest.trim_start();
    let (op, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if !op.eq_ignore_ascii_case("eq") {
        return Err(invalid(format!("Operator \"{op}\" wordt niet ondersteund; alleen eq.")));
    }
    let value = parse_value(value.trim())?;
    // "urn:ietf:params:scim:schemas:core:2.0:User:userName" names the same attribute as "userName".
    let attribute = attribute.rsplit(':').next().unwrap_or(attribute).to_lowercase();
    if !supported.is_empty() && !supported.contains(&attribute.as_str()) {
        return Err(invalid(format!(
            "Filteren op \"{attribute}\" wordt niet ondersteund; wel op {}.",
            supported.join(", ")
        )));
    }
    Ok(Filter { attribute, value })
}

/// A JSON string literal (with its escapes), or a bare true/false/number.
fn parse_value(v: &str) -> ScimResult<String> {
    if v.starts_with('"') {
        return match serde_json::from_str::<serde_json::Value>(v) {
            Ok(serde_json::Value::String(s)) => Ok(s),
            _ => Err(invalid("De waarde in het filter is geen geldige tekst tussen aanhalingstekens.")),
        };
    }
    if !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
        return Ok(v.to_string());
    }
    Err(invalid("Het filter mist een waarde, of bevat meer dan één vergelijking (and/or worden niet ondersteund)."))
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &[&str] = &["username", "externalid", "id"];

    #[test]
    fn parses_the_comparisons_providers_send() {
        let f = parse(r#"userName eq "Jan@Gemeente.nl""#, USER).unwrap();
        assert_eq!(f, Filter { attribute: "username".into(), value: "Jan@Gemeente.nl".into() });
        let f = parse(r#"urn:ietf:params:scim:schemas:core:2.0:User:externalId EQ "a \"b\"""#, USER).unwrap();
        assert_eq!(f, Filter { attribute: "externalid".into(), value: "a \"b\"".into() });
    }

    #[test]
    fn refuses_what_it_cannot_answer_exactly() {
        for bad in
            ["userName", r#"userName co "a""#, r#"title eq "x""#, r#"userName eq "a" and id eq "b""#, "userName eq"]
        {
            let e = parse(bad, USER).unwrap_err();
            assert_eq!(e.scim_type, Some("invalidFilter"), "{bad}");
        }
    }
}
