//! The service's self-description (RFC 7644 §4, RFC 7643 §5-7): ServiceProviderConfig, ResourceTypes and
//! Schemas with the attribute definitions of what AI-register keeps of a User and a Group.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::auth::ScimClient;
use super::{BASE, ENTERPRISE_SCHEMA, GROUP_SCHEMA, ScimError, ScimResult, USER_SCHEMA, list_response, scim_response};

/// One attribute definition; `sub` for a complex attribute's sub-attributes.
fn attr(name: &str, kind: &str, multi: bool, required: bool, mutability: &str, sub: Vec<Value>) -> Value {
    let mut a = json!({
        "name": name,
        "type": kind,
        "multiValued": multi,
        "description": name,
        "required": required,
        "caseExact": false,
        "mutability": mutability,
        "returned": "default",
        "uniqueness": if name == "userName" { "server" } else { "none" },
    });
    if !sub.is_empty() {
        a["subAttributes"] = json!(sub);
    }
    a
}

fn string(name: &str) -> Value {
    attr(name, "string", false, false, "readWrite", vec![])
}

fn user_schema() -> Value {
    let mut email_type = string("type");
    email_type["canonicalValues"] = json!(["work", "home", "other"]);
    let attributes = vec![
        attr("userName", "string", false, true, "readWrite", vec![]),
        attr(
            "name",
            "complex",
            false,
            false,
            "readWrite",
            vec![string("formatted"), string("familyName"), string("givenName")],
        ),
        string("displayName"),
        attr(
            "emails",
            "complex",
            true,
            false,
            "readWrite",
            vec![string("value"), email_type, attr("primary", "boolean", false, false, "readWrite", vec![])],
        ),
        attr("active", "boolean", false, false, "readWrite", vec![]),
    ];
    schema_of(USER_SCHEMA, "User", "Een account in AI-register", attributes)
}

/// Of the enterprise extension AI-register keeps the department (coverage of the AI policy and literacy per
/// department); other attributes sent are stored and returned as they came.
fn enterprise_schema() -> Value {
    schema_of(ENTERPRISE_SCHEMA, "EnterpriseUser", "De afdeling van een account", vec![string("department")])
}

fn group_schema() -> Value {
    let mut value = attr("value", "string", false, false, "immutable", vec![]);
    value["description"] = json!("id van de gebruiker");
    let mut reference = attr("$ref", "reference", false, false, "immutable", vec![]);
    reference["referenceTypes"] = json!(["User"]);
    let mut kind = attr("type", "string", false, false, "immutable", vec![]);
    kind["canonicalValues"] = json!(["User"]);
    let attributes = vec![
        attr("displayName", "string", false, true, "readWrite", vec![]),
        attr("members", "complex", true, false, "readWrite", vec![value, reference, kind]),
    ];
    schema_of(GROUP_SCHEMA, "Group", "Een groep van de organisatie; de groepsnaam kan een rol geven", attributes)
}

fn schema_of(id: &str, name: &str, description: &str, attributes: Vec<Value>) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attributes,
        "meta": { "resourceType": "Schema", "location": format!("{BASE}/Schemas/{id}") },
    })
}

fn resource_type_of(name: &str) -> Option<Value> {
    let (endpoint, schema, description) = match name {
        "User" => ("/Users", USER_SCHEMA, "Accounts van de organisatie"),
        "Group" => ("/Groups", GROUP_SCHEMA, "Groepen van de organisatie"),
        _ => return None,
    };
    let extensions =
        if name == "User" { json!([{ "schema": ENTERPRISE_SCHEMA, "required": false }]) } else { json!([]) };
    Some(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": name,
        "name": name,
        "endpoint": endpoint,
        "description": description,
        "schema": schema,
        "schemaExtensions": extensions,
        "meta": { "resourceType": "ResourceType", "location": format!("{BASE}/ResourceTypes/{name}") },
    }))
}

pub async fn service_provider_config(_client: ScimClient) -> Response {
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": { "supported": true },
        "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
        "filter": { "supported": true, "maxResults": 200 },
        "changePassword": { "supported": false },
        "sort": { "supported": false },
        "etag": { "supported": true },
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "Bearer-token",
            "description": "Het SCIM-token van de organisatie (Beheer → Organisaties → SCIM-koppeling).",
            "primary": true,
        }],
        "meta": { "resourceType": "ServiceProviderConfig", "location": format!("{BASE}/ServiceProviderConfig") },
    });
    scim_response(StatusCode::OK, &body, None)
}

pub async fn resource_types(_client: ScimClient) -> Response {
    let all = ["User", "Group"].into_iter().filter_map(resource_type_of).collect();
    list_response(all, 1, 200)
}

pub async fn resource_type(_client: ScimClient, Path(name): Path<String>) -> ScimResult<Response> {
    let body =
        resource_type_of(&name).ok_or_else(|| ScimError::not_found(format!("Resourcetype {name} bestaat niet.")))?;
    Ok(scim_response(StatusCode::OK, &body, None))
}

pub async fn schemas(_client: ScimClient) -> Response {
    list_response(vec![user_schema(), enterprise_schema(), group_schema()], 1, 200)
}

fn schema_by_id(id: &str) -> Option<Value> {
    [user_schema(), enterprise_schema(), group_schema()]
        .into_iter()
        .find(|s| s["id"].as_str().is_some_and(|i| i.eq_ignore_ascii_case(id)))
}

pub async fn schema(_client: ScimClient, Path(id): Path<String>) -> ScimResult<Response> {
    let body = schema_by_id(&id).ok_or_else(|| ScimError::not_found(format!("Schema {id} bestaat niet.")))?;
    Ok(scim_response(StatusCode::OK, &body, None))
}
