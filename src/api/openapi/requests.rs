//! The tool requests in the document: `/requests` (make one, list one's own and the CISO's queue) and
//! `/requests/{id}`, and their schemas, from the request's own lists (`register::requests`).

use serde_json::{Value, json};

use super::paths::{common, id_parameter, json_response, problem_response, responses};
use crate::register::fields::DATA_CLASSES;
use crate::register::requests::{CITIZENS, RequestStatus, USAGES, USER_COUNTS};

/// At least one character that is neither white space nor a control character (dropped from input).
const VISIBLE: &str = "[^\\s\\u0000-\\u001f\\u007f-\\u009f]";

fn keys(options: &[(&'static str, &str)]) -> Vec<&'static str> {
    options.iter().map(|(v, _)| *v).collect()
}

pub(super) fn requests_path() -> Value {
    json!({
        "get": {
            "operationId": "listRequests", "summary": "Eigen aanvragen van AI-tools, en voor de CISO de wachtrij",
            "responses": common(responses(&[("200", json_response("De aanvragen.", "RequestList"))]))
        },
        "post": {
            "operationId": "createRequest", "summary": "Een nieuwe AI-tool aanvragen (als concept of meteen ingediend)",
            "description": "Dezelfde controles als het aanvraagformulier; het token heeft schrijfrechten nodig. Opslaan kan met alleen tool_name; met \"submit\": true zijn alle vragen nodig behalve supplier.",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RequestIn" } } } },
            "responses": common(responses(&[
                ("201", json!({
                    "description": "Aangemaakt.",
                    "headers": { "Location": { "schema": { "type": "string" }, "description": "Het adres van de nieuwe aanvraag." } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Request" } } }
                })),
                ("400", problem_response("Geen geldige JSON.")),
                ("415", problem_response("De body is geen application/json.")),
                ("422", problem_response("Velden kloppen niet; `errors` noemt ze per veld. Er is niets opgeslagen."))
            ]))
        }
    })
}

pub(super) fn request_path() -> Value {
    json!({ "get": {
        "operationId": "getRequest", "summary": "Eén aanvraag (de aanvrager, de gekozen eigenaar en de CISO)",
        "parameters": [ id_parameter() ],
        "responses": common(responses(&[
            ("200", json_response("De aanvraag.", "Request")),
            ("404", problem_response("Bestaat niet in de organisatie van het token."))
        ]))
    } })
}

fn data_class_values() -> Vec<&'static str> {
    DATA_CLASSES.iter().map(|c| c.value).collect()
}

fn nullable_enum(values: Vec<&'static str>) -> Value {
    let mut all: Vec<Value> = values.into_iter().map(Value::from).collect();
    all.push(Value::Null);
    json!({ "type": ["string", "null"], "enum": all })
}

fn request_in() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["tool_name"],
        "properties": {
            "tool_name": { "type": "string", "maxLength": 100, "pattern": VISIBLE },
            "purpose": { "type": ["string", "null"], "maxLength": 2000, "description": "Waarvoor de tool is (minstens 10 tekens bij indienen)." },
            "data_classes": { "type": ["array", "null"], "items": { "type": "string", "enum": data_class_values() } },
            "department": { "type": ["string", "null"], "maxLength": 100 },
            "user_count": nullable_enum(keys(USER_COUNTS)),
            "usage": nullable_enum(keys(USAGES)),
            "supplier": { "type": ["string", "null"], "maxLength": 300 },
            "citizens": nullable_enum(keys(CITIZENS)),
            "submit": { "type": ["boolean", "null"], "description": "true: meteen indienen bij de CISO." }
        },
        "if": { "required": ["submit"], "properties": { "submit": { "const": true } } },
        "then": {
            "required": ["purpose", "data_classes", "department", "user_count", "usage", "citizens"],
            "properties": {
                "purpose": { "type": "string", "minLength": 10, "pattern": VISIBLE },
                "data_classes": { "type": "array", "minItems": 1 },
                "department": { "type": "string", "pattern": VISIBLE },
                "user_count": { "type": "string" }, "usage": { "type": "string" }, "citizens": { "type": "string" }
            }
        }
    })
}

fn request() -> Value {
    let text = json!({ "type": ["string", "null"] });
    let uuid = json!({ "type": ["string", "null"], "format": "uuid" });
    let at = json!({ "type": ["string", "null"], "format": "date-time" });
    let statuses: Vec<&str> = RequestStatus::ALL.iter().map(|s| s.as_str()).collect();
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["id", "version", "status", "status_label", "requested_by", "requester", "tool_name", "purpose",
                     "data_classes", "department", "user_count", "usage", "supplier", "citizens", "application_id",
                     "owner_id", "reason", "submitted_at", "decided_at", "created_at", "updated_at"],
        "properties": {
            "id": { "type": "string", "format": "uuid" }, "version": { "type": "integer" },
            "status": { "type": "string", "enum": statuses }, "status_label": { "type": "string" },
            "requested_by": uuid, "requester": { "type": "string" }, "tool_name": { "type": "string" },
            "purpose": text, "data_classes": { "type": "array", "items": { "type": "string", "enum": data_class_values() } },
            "department": text, "user_count": text, "usage": text, "supplier": text, "citizens": text,
            "application_id": uuid, "owner_id": uuid, "reason": text,
            "submitted_at": at, "decided_at": at, "created_at": at, "updated_at": at
        }
    })
}

/// The schemas of this part: what a client sends, a request, and the list.
pub(super) fn schemas() -> Value {
    json!({
        "RequestIn": request_in(),
        "Request": request(),
        "RequestList": {
            "type": "object", "additionalProperties": false, "required": ["mine", "queue"],
            "properties": {
                "mine": { "type": "array", "items": { "$ref": "#/components/schemas/Request" } },
                "queue": { "type": "array", "items": { "$ref": "#/components/schemas/Request" } }
            }
        }
    })
}
