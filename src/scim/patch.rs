//! PATCH (RFC 7644 §3.5.2) on a resource's JSON: add, replace and remove, with or without a path; paths
//! `attr`, `attr.sub`, `attr[sub eq "v"]` and `attr[sub eq "v"].sub`. Entra ID's habits are accepted: the
//! operation name in any case ("Replace"), a value object without path whose keys are paths
//! (`{"name.givenName": "Jan"}`), and a filtered path that matches nothing on add or replace creates the
//! element (`emails[type eq "work"].value` on a user without e-mail addresses). The caller validates the
//! result as it would a PUT.

use serde_json::{Map, Value};

use super::filter::{self, Filter};
use super::{ENTERPRISE_SCHEMA, PATCH_SCHEMA, ScimError, ScimResult, USER_SCHEMA, require_schema};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Add,
    Replace,
    Remove,
}

#[derive(Debug)]
struct Path {
    attr: String,
    filter: Option<Filter>,
    sub: Option<String>,
}

/// Apply a PatchOp body to the resource (`schema` is the resource's core schema URN, allowed as a path prefix).
pub fn apply(resource: &mut Map<String, Value>, body: &Map<String, Value>, schema: &str) -> ScimResult<()> {
    require_schema(body, PATCH_SCHEMA)?;
    let ops = body
        .get("Operations")
        .or_else(|| body.get("operations"))
        .and_then(Value::as_array)
        .filter(|o| !o.is_empty())
        .ok_or_else(|| ScimError::bad("invalidSyntax", "Operations moet een niet-lege lijst zijn."))?;
    for op in ops {
        let kind = match op.get("op").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
            Some("add") => Kind::Add,
            Some("replace") => Kind::Replace,
            Some("remove") => Kind::Remove,
            _ => return Err(ScimError::bad("invalidSyntax", "Elke operatie heeft op add, replace of remove.")),
        };
        let value = op.get("value");
        match op.get("path").and_then(Value::as_str).filter(|p| !p.trim().is_empty()) {
            Some(p) => apply_one(resource, kind, &parse_path(p, schema)?, value)?,
            None if kind == Kind::Remove => {
                return Err(ScimError::bad("noTarget", "Een remove-operatie heeft een path nodig."));
            }
            None => {
                let Some(Value::Object(values)) = value else {
                    return Err(ScimError::bad("invalidValue", "Een operatie zonder path heeft een object als value."));
                };
                for (k, v) in values {
                    apply_one(resource, kind, &parse_path(k, schema)?, Some(v))?;
                }
            }
        }
    }
    Ok(())
}

/// The enterprise extension of a User as a whole, or one of its attributes (the form Entra ID sends:
/// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department").
fn extension_path(p: &str) -> Option<Path> {
    let head = p.get(..ENTERPRISE_SCHEMA.len()).filter(|h| h.eq_ignore_ascii_case(ENTERPRISE_SCHEMA))?;
    let rest = &p[head.len()..];
    let whole = Path { attr: ENTERPRISE_SCHEMA.to_string(), filter: None, sub: None };
    if rest.is_empty() {
        return Some(whole);
    }
    let sub = rest.strip_prefix(':').filter(|s| !s.is_empty())?;
    sub.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '$' || c == '_' || c == '-')
        .then(|| Path { sub: Some(sub.to_string()), ..whole })
}

fn parse_path(text: &str, schema: &str) -> ScimResult<Path> {
    let mut p = text.trim();
    if schema == USER_SCHEMA
        && let Some(path) = extension_path(p)
    {
        return Ok(path);
    }
    if p.len() > schema.len() && p[..schema.len()].eq_ignore_ascii_case(schema) && p[schema.len()..].starts_with(':') {
        p = &p[schema.len() + 1..];
    }
    let invalid = || ScimError::bad("invalidPath", format!("Het path \"{text}\" wordt niet begrepen."));
    if p.starts_with("urn:") {
        return Err(invalid());
    }
    let end = p.find(['[', '.']).unwrap_or(p.len());
    let attr = p[..end].to_string();
    if attr.is_empty() || !attr.chars().all(|c| c.is_ascii_alphanumeric() || c == '$' || c == '_' || c == '-') {
        return Err(invalid());
    }
    if ["id", "meta", "schemas"].iter().any(|a| a.eq_ignore_ascii_case(&attr)) {
        return Err(ScimError::bad("mutability", format!("Het attribuut {attr} kan niet worden gewijzigd.")));
    }
    let mut rest = &p[end..];
    let mut filter = None;
    if let Some(inner) = rest.strip_prefix('[') {
        let close = inner.rfind(']').ok_or_else(invalid)?;
        filter = Some(filter::parse(&inner[..close], &[]).map_err(|e| ScimError::bad("invalidFilter", e.detail))?);
        rest = &inner[close + 1..];
    }
    let sub = match rest.strip_prefix('.') {
        Some(s) if !s.is_empty() && !s.contains(['.', '[']) => Some(s.to_string()),
        None if rest.is_empty() => None,
        _ => return Err(invalid()),
    };
    Ok(Path { attr, filter, sub })
}

/// The existing key that matches a name case-insensitively (attribute names are case-insensitive), or the name.
fn key_of(obj: &Map<String, Value>, name: &str) -> String {
    obj.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned().unwrap_or_else(|| name.to_string())
}

fn matches(element: &Value, f: &Filter) -> bool {
    let Some(obj) = element.as_object() else { return false };
    match obj.get(&key_of(obj, &f.attribute)) {
        Some(Value::String(s)) => s.eq_ignore_ascii_case(&f.value),
        Some(Value::Bool(b)) => b.to_string() == f.value.to_lowercase(),
        Some(Value::Number(n)) => n.to_string() == f.value,
        _ => false,
    }
}

/// Whether two elements of a multi-valued attribute are the same (by their `value` where they have one).
fn same(a: &Value, b: &Value) -> bool {
    match (a.get("value"), b.get("value")) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn apply_one(resource: &mut Map<String, Value>, kind: Kind, path: &Path, value: Option<&Value>) -> ScimResult<()> {
    let key = key_of(resource, &path.attr);
    let need_value = || {
        value
            .cloned()
            .ok_or_else(|| ScimError::bad("invalidValue", format!("Operatie op {} mist een value.", path.attr)))
    };
    match (&path.filter, &path.sub) {
        (None, None) => match kind {
            Kind::Remove => match (resource.get_mut(&key), value) {
                (Some(Value::Array(items)), Some(Value::Array(gone))) => {
                    items.retain(|i| !gone.iter().any(|g| same(i, g)))
                }
                _ => {
                    resource.remove(&key);
                }
            },
            Kind::Add => {
                let v = need_value()?;
                match (resource.get_mut(&key), v) {
                    (Some(Value::Array(items)), Value::Array(new)) => {
                        for n in new {
                            if !items.iter().any(|i| same(i, &n)) {
                                items.push(n);
                            }
                        }
                    }
                    (Some(Value::Object(existing)), Value::Object(new)) => existing.extend(new),
                    (_, v) => {
                        resource.insert(key, v);
                    }
                }
            }
            Kind::Replace => {
                resource.insert(key, need_value()?);
            }
        },
        (None, Some(sub)) => {
            let target = resource.entry(key).or_insert_with(|| Value::Object(Map::new()));
            let Some(obj) = target.as_object_mut() else {
                return Err(ScimError::bad("invalidPath", format!("{} heeft geen onderdeel {sub}.", path.attr)));
            };
            let sub_key = key_of(obj, sub);
            if kind == Kind::Remove {
                obj.remove(&sub_key);
            } else {
                obj.insert(sub_key, need_value()?);
            }
        }
        (Some(f), sub) => {
            let target = resource.entry(key).or_insert_with(|| Value::Array(Vec::new()));
            let Some(items) = target.as_array_mut() else {
                return Err(ScimError::bad(
                    "invalidPath",
                    format!("{} is geen lijst; een filter kan er niet op.", path.attr),
                ));
            };
            apply_filtered(items, kind, f, sub.as_deref(), value)?;
        }
    }
    Ok(())
}

fn apply_filtered(
    items: &mut Vec<Value>,
    kind: Kind,
    f: &Filter,
    sub: Option<&str>,
    value: Option<&Value>,
) -> ScimResult<()> {
    if kind == Kind::Remove {
        match sub {
            None => items.retain(|i| !matches(i, f)),
            Some(sub) => {
                for obj in items.iter_mut().filter(|i| matches(i, f)).filter_map(Value::as_object_mut) {
                    let k = key_of(obj, sub);
                    obj.remove(&k);
                }
            }
        }
        return Ok(());
    }
    let value = value.cloned().ok_or_else(|| ScimError::bad("invalidValue", "De operatie mist een value."))?;
    let set = |obj: &mut Map<String, Value>, value: &Value| match (sub, value) {
        (Some(sub), v) => {
            let k = key_of(obj, sub);
            obj.insert(k, v.clone());
        }
        (None, Value::Object(v)) => obj.extend(v.clone()),
        (None, _) => {}
    };
    if sub.is_none() && !value.is_object() {
        return Err(ScimError::bad("invalidValue", "Een gefilterd path zonder onderdeel vraagt een object als value."));
    }
    let mut hit = false;
    for obj in items.iter_mut().filter(|i| matches(i, f)).filter_map(Value::as_object_mut) {
        set(obj, &value);
        hit = true;
    }
    if !hit {
        // The element the filter describes, created (what Entra ID expects for emails[type eq "work"].value).
        let mut obj = Map::new();
        obj.insert(f.attribute.clone(), Value::String(f.value.clone()));
        set(&mut obj, &value);
        items.push(Value::Object(obj));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

    fn patch(mut resource: Value, ops: Value) -> ScimResult<Value> {
        let body = json!({ "schemas": [PATCH_SCHEMA], "Operations": ops });
        apply(resource.as_object_mut().unwrap(), body.as_object().unwrap(), USER)?;
        Ok(resource)
    }

    #[test]
    fn the_enterprise_department_is_patched_in_both_forms() {
        let ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        let r = patch(
            json!({ "userName": "a" }),
            json!([{ "op": "Add", "path": format!("{ext}:department"), "value": "ICT" }]),
        )
        .unwrap();
        assert_eq!(r[ext]["department"], "ICT");
        let r = patch(r, json!([{ "op": "replace", "value": { ext: { "department": "HR" } } }])).unwrap();
        assert_eq!(r[ext]["department"], "HR");
        let r = patch(r, json!([{ "op": "remove", "path": format!("{ext}:department") }])).unwrap();
        assert!(r[ext].get("department").is_none());
        assert!(patch(r, json!([{ "op": "add", "path": format!("{ext}:manager.value"), "value": "x" }])).is_err());
    }

    #[test]
    fn entra_id_operations() {
        let r = json!({ "userName": "jan@x.nl", "active": true });
        let r = patch(r, json!([
            { "op": "Replace", "path": "active", "value": "False" },
            { "op": "Add", "path": "emails[type eq \"work\"].value", "value": "jan@x.nl" },
            { "op": "replace", "value": { "name.givenName": "Jan", "displayName": "Jan J" } },
            { "op": "add", "path": "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName", "value": "Jansen" },
        ]))
        .unwrap();
        assert_eq!(r["active"], json!("False"));
        assert_eq!(r["emails"], json!([{ "type": "work", "value": "jan@x.nl" }]));
        assert_eq!(r["name"], json!({ "givenName": "Jan", "familyName": "Jansen" }));
        assert_eq!(r["displayName"], json!("Jan J"));
        let r = patch(r, json!([{ "op": "replace", "path": "emails[type eq \"work\"].value", "value": "j@x.nl" }]))
            .unwrap();
        assert_eq!(r["emails"], json!([{ "type": "work", "value": "j@x.nl" }]));
    }

    #[test]
    fn members_added_and_removed() {
        let r = json!({ "displayName": "g", "members": [{ "value": "a" }] });
        let r = patch(r, json!([{ "op": "add", "path": "members", "value": [{ "value": "b" }, { "value": "a" }] }]))
            .unwrap();
        assert_eq!(r["members"], json!([{ "value": "a" }, { "value": "b" }]));
        let r = patch(r, json!([{ "op": "remove", "path": "members[value eq \"a\"]" }])).unwrap();
        assert_eq!(r["members"], json!([{ "value": "b" }]));
        let r = patch(r, json!([{ "op": "Remove", "path": "members", "value": [{ "value": "b" }] }])).unwrap();
        assert_eq!(r["members"], json!([]));
    }

    #[test]
    fn errors_carry_the_rfc_scim_type() {
        let r = json!({});
        let kind = |ops: Value| patch(r.clone(), ops).unwrap_err().scim_type;
        assert_eq!(kind(json!([{ "op": "remove" }])), Some("noTarget"));
        assert_eq!(kind(json!([{ "op": "move", "path": "a" }])), Some("invalidSyntax"));
        assert_eq!(kind(json!([{ "op": "replace", "path": "id", "value": "x" }])), Some("mutability"));
        assert_eq!(
            kind(json!([{ "op": "replace", "path": "emails[type zz \"a\"]", "value": {} }])),
            Some("invalidFilter")
        );
        assert_eq!(kind(json!([{ "op": "replace", "path": "a..b", "value": 1 }])), Some("invalidPath"));
        assert_eq!(kind(json!([])), Some("invalidSyntax"));
    }
}
