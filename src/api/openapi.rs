//! The OpenAPI 3.1 document of the API, built at start from the same field catalogue the form validates
//! with (types, limits, allowed values), and a readable page listing the endpoints. CI runs schemathesis
//! against a live server with this document: every response must match it.

use std::sync::LazyLock;

use askama::Template;
use axum::Json;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::applications::{EVALUATIE, INCIDENT, RISICO, SORTEER, TOETS};
use crate::error::AppResult;
use crate::register::fields::{
    AI_ACT_RISK_GROUPS, FIELDS, FieldDef, Kind, Opt, RISK_LEVELS, USE_CATEGORIES, WORKFLOW_STATUS,
};
use crate::web::layout::Layout;
use crate::web::render;

/// Characters the form refuses in one-line text (control characters except tab and newline).
const NO_CONTROL: &str = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*$";
/// No control characters at all (one line).
const ONE_LINE: &str = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$";
/// At least one visible character (patterns are not anchored).
const NON_BLANK: &str = "\\S";
const HTTPS: &str = "^https://[^\\s/?#]*\\.[^\\s/?#]*([/?#][^\\s]*)?$";
const EMAIL: &str = "^[^@\\s]+@[^@\\s.][^@\\s]*\\.[^@\\s]*[^@\\s.]$";

fn values(options: &[Opt]) -> Vec<&'static str> {
    options.iter().map(|o| o.value).collect()
}

/// `null` allowed too ("not filled in"). An `anyOf` (the contact field) gets a null branch.
/// The AI Act groups and "onbekend" (not determined yet), as the register's filter takes them.
fn ai_act_values() -> Vec<&'static str> {
    let mut v = values(AI_ACT_RISK_GROUPS);
    v.push("onbekend");
    v
}

fn nullable(mut schema: Value) -> Value {
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
        if !f.help.is_empty() && !obj.contains_key("description") {
            obj.insert("description".into(), json!(f.help));
        }
    }
    s
}

fn fields_schema(input: bool) -> Value {
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

fn problem_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } })
}

fn json_response(description: &str, schema: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

/// Responses every authenticated operation can give.
fn common(mut responses: Map<String, Value>) -> Value {
    responses.insert("401".into(), problem_response("Geen, een onbekend, ingetrokken of verlopen token."));
    responses.insert(
        "403".into(),
        problem_response("De rol van de gebruiker in de organisatie van het token staat dit niet toe."),
    );
    responses.insert("503".into(), problem_response("De database is tijdelijk niet bereikbaar."));
    Value::Object(responses)
}

fn responses(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn id_parameter() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } })
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

fn export_files() -> Value {
    json!({
        "description": "Het bestand (als download).",
        "content": {
            "application/json": { "schema": { "oneOf": [
                { "type": "array", "items": { "type": "object" } },
                { "type": "object" }
            ] } },
            "text/csv; charset=utf-8": { "schema": { "type": "string" } },
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "contentMediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } }
        }
    })
}

fn format_parameter() -> Value {
    query(
        "format",
        "algoritmeregister-json (standaard; AlgorithmIn v1.0), csv (kolommen van het Algoritmeregister) of xlsx.",
        json!({ "type": "string", "enum": ["algoritmeregister-json", "json", "csv", "xlsx"] }),
    )
}

pub static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut doc = build();
    // The answer to a create is the registration plus what the form's duplicate check would have shown.
    let mut created = doc["components"]["schemas"]["Application"].clone();
    created["properties"]["similar"] = json!({
        "type": "array",
        "description": "Andere registraties met een vergelijkbare naam (hoogstens 5, zoals het registratieformulier ze toont): controleer of dit geen dubbele registratie is.",
        "items": {
            "type": "object", "additionalProperties": false, "required": ["id", "name", "workflow_status", "provider"],
            "properties": {
                "id": { "type": "string", "format": "uuid" },
                "name": { "type": "string" },
                "workflow_status": { "type": "string", "enum": values(WORKFLOW_STATUS) },
                "provider": { "type": ["string", "null"] }
            }
        }
    });
    if let Some(required) = created["required"].as_array_mut() {
        required.push(json!("similar"));
    }
    doc["components"]["schemas"]["ApplicationCreated"] = created;
    doc
});

fn build() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "AI-register API",
            "version": "1.0.0",
            "description": "Het register van AI-toepassingen en algoritmes: zoeken en lezen, concepten aanmaken, de workflowstatus en de export voor het Algoritmeregister. Authenticatie met een persoonlijk API-token (Mijn account → API-tokens); dezelfde rolregels als de webapplicatie. Fouten als application/problem+json (RFC 9457).",
            "license": { "name": "EUPL-1.2", "identifier": "EUPL-1.2" }
        },
        "servers": [ { "url": "/api/v1" } ],
        "security": [ { "token": [] } ],
        "paths": paths(),
        "components": components(),

    })
}

fn paths() -> Value {
    json!({
        "/me": { "get": {
            "operationId": "me", "summary": "De gebruiker en organisatie van het token",
            "responses": common(responses(&[("200", json_response("De gebruiker.", "Me"))]))
        } },
        "/applications": {
            "get": {
                "operationId": "listApplications", "summary": "Toepassingen zoeken en filteren (25 per pagina)",
                "parameters": [
                    query("q", "Zoekwoorden (voorvoegsels, Nederlandse stamvormen).", json!({ "type": "string", "maxLength": 200 })),
                    query("status", "Workflowstatus.", json!({ "type": "string", "enum": values(WORKFLOW_STATUS) })),
                    query("risico", "Eigen risiconiveau (onbekend: nog niet bepaald).", json!({ "type": "string", "enum": RISICO })),
                    query("ai_act", "Risicogroep AI-verordening (onbekend: nog niet bepaald).", json!({ "type": "string", "enum": ai_act_values() })),
                    query("afdeling", "Afdeling (exact).", json!({ "type": "string", "maxLength": 200 })),
                    query("gebruik", "Gebruikscategorie.", json!({ "type": "string", "enum": values(USE_CATEGORIES) })),
                    query("persoonsgegevens", "Verwerkt persoonsgegevens.", json!({ "type": "string", "enum": ["ja", "nee"] })),
                    query("evaluatie", "Volgende evaluatie van lopende toepassingen: verlopen, binnenkort (30 dagen), later of geen.", json!({ "type": "string", "enum": EVALUATIE })),
                    query("toets", "Verplichte DPIA of IAMA van lopende toepassingen: gedaan of ontbreekt.", json!({ "type": "string", "enum": TOETS })),
                    query("incident", "Een open incident (open), of de ernst van het zwaarste open incident.", json!({ "type": "string", "enum": INCIDENT })),
                    query("maand", "Aangemeld in deze maand (jjjj-mm).", json!({ "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$" })),
                    query("sorteer", "Sortering (standaard: relevantie bij zoeken, anders laatst gewijzigd).", json!({ "type": "string", "enum": SORTEER })),
                    query("pagina", "Paginanummer.", json!({ "type": "integer", "minimum": 1, "maximum": 100000 }))
                ],
                "responses": common(responses(&[
                    ("200", json_response("Eén pagina resultaten.", "ApplicationList")),
                    ("400", problem_response("Een zoekparameter klopt niet."))
                ]))
            },
            "post": {
                "operationId": "createApplication", "summary": "Een nieuwe toepassing registreren als concept",
                "description": "Dezelfde controles als het registratieformulier; het token heeft schrijfrechten nodig. De aanmaker wordt eigenaar tenzij owner_id is gegeven.",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApplicationIn" } } } },
                "responses": common(responses(&[
                    ("201", json!({
                        "description": "Aangemaakt.",
                        "headers": { "Location": { "schema": { "type": "string" }, "description": "Het adres van de nieuwe toepassing." } },
                        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApplicationCreated" } } }
                    })),
                    ("400", problem_response("Geen geldige JSON.")),
                    ("415", problem_response("De body is geen application/json.")),
                    ("422", problem_response("Velden kloppen niet; `errors` noemt ze per veld. Er is niets opgeslagen."))
                ]))
            }
        },
        "/applications/{id}": { "get": {
            "operationId": "getApplication", "summary": "Eén toepassing",
            "parameters": [ id_parameter() ],
            "responses": common(responses(&[
                ("200", json_response("De toepassing.", "Application")),
                ("404", problem_response("Bestaat niet in de organisatie van het token."))
            ]))
        } },
        "/applications/{id}/workflow": { "get": {
            "operationId": "getWorkflow", "summary": "Workflowstatus, poortwachters, besluiten, adviezen, toestemming en evaluaties",
            "parameters": [ id_parameter() ],
            "responses": common(responses(&[
                ("200", json_response("De workflowstatus.", "Workflow")),
                ("404", problem_response("Bestaat niet in de organisatie van het token."))
            ]))
        } },
        "/applications/{id}/export": { "get": {
            "operationId": "exportApplication", "summary": "Eén toepassing in het formaat van het Algoritmeregister",
            "parameters": [ id_parameter(), format_parameter() ],
            "responses": common(responses(&[
                ("200", export_files()),
                ("400", problem_response("Onbekend formaat.")),
                ("404", problem_response("Bestaat niet in de organisatie van het token.")),
                ("422", problem_response("Het Algoritmeregister zou deze beschrijving weigeren."))
            ]))
        } },
        "/export": { "get": {
            "operationId": "exportRegister", "summary": "De gepubliceerde toepassingen voor het Algoritmeregister (CISO en beheerder)",
            "parameters": [ format_parameter() ],
            "responses": common(responses(&[
                ("200", export_files()),
                ("400", problem_response("Onbekend formaat."))
            ]))
        } }
    })
}

fn components() -> Value {
    let gate = json!({
        "type": "object", "additionalProperties": false, "required": ["gate", "satisfied", "missing"],
        "properties": { "gate": { "type": "string" }, "satisfied": { "type": "boolean" }, "missing": { "type": ["string", "null"] } }
    });
    let event = json!({
        "type": "object", "additionalProperties": false, "required": ["value", "note", "by", "at", "current_round"],
        "properties": {
            "value": { "type": "string" }, "note": { "type": ["string", "null"] }, "by": { "type": ["string", "null"] },
            "at": { "type": "string", "format": "date-time" }, "current_round": { "type": "boolean" }
        }
    });
    let rasci_out = json!({
        "type": "object", "additionalProperties": false, "required": ["letter", "user_id", "function"],
        "properties": {
            "letter": { "type": "string", "enum": ["R", "A", "S", "C", "I"] },
            "user_id": { "type": ["string", "null"], "format": "uuid" },
            "function": { "type": ["string", "null"] }
        }
    });
    let rasci_in = json!({
        "type": "object", "additionalProperties": false, "required": ["letter"],
        "description": "Óf user_id (een medewerker van de organisatie) óf function (een functienaam, één regel).",
        "properties": {
            "letter": { "type": "string", "enum": ["R", "A", "S", "C", "I"] },
            "user_id": { "type": "string", "format": "uuid" },
            "function": { "type": "string", "minLength": 1, "maxLength": 100, "pattern": ONE_LINE, "allOf": [ { "pattern": NON_BLANK } ] }
        },
        "oneOf": [ { "required": ["user_id"] }, { "required": ["function"] } ]
    });
    let ts = json!({ "type": ["string", "null"], "format": "date-time" });
    json!({
        "securitySchemes": { "token": { "type": "http", "scheme": "bearer", "description": "Persoonlijk API-token (air_…), aan te maken onder Mijn account → API-tokens." } },
        "schemas": {
            "Problem": {
                "type": "object", "required": ["type", "title", "status", "detail"],
                "properties": {
                    "type": { "type": "string" }, "title": { "type": "string" }, "status": { "type": "integer" },
                    "detail": { "type": "string" },
                    "errors": { "type": "array", "items": { "type": "object", "required": ["field", "message"],
                        "properties": { "field": { "type": "string" }, "message": { "type": "string" } } } }
                }
            },
            "Me": {
                "type": "object", "additionalProperties": false,
                "required": ["user_id", "name", "email", "organisation", "roles", "can_write"],
                "properties": {
                    "user_id": { "type": "string", "format": "uuid" }, "name": { "type": "string" }, "email": { "type": "string" },
                    "organisation": { "type": "object", "required": ["id", "name", "code"], "properties": {
                        "id": { "type": "string", "format": "uuid" }, "name": { "type": "string" }, "code": { "type": "string" } } },
                    "roles": { "type": "array", "items": { "type": "string", "enum": ["medewerker", "projectleider", "ciso", "fg", "directie", "beheerder"] } },
                    "can_write": { "type": "boolean" }
                }
            },
            "ApplicationSummary": {
                "type": "object", "additionalProperties": false,
                "required": ["id", "name", "description_short", "provider", "workflow_status", "risk_level", "ai_act_risk_group", "department", "next_evaluation", "suspended", "updated_at"],
                "properties": {
                    "id": { "type": "string", "format": "uuid" }, "name": { "type": "string" },
                    "description_short": { "type": "string" }, "provider": { "type": ["string", "null"] },
                    "workflow_status": { "type": "string", "enum": values(WORKFLOW_STATUS) },
                    "risk_level": nullable(json!({ "type": "string", "enum": values(RISK_LEVELS) })),
                    "ai_act_risk_group": { "type": ["string", "null"] }, "department": { "type": ["string", "null"] },
                    "next_evaluation": { "type": ["string", "null"], "format": "date" },
                    "suspended": { "type": "boolean" }, "updated_at": { "type": "string", "format": "date-time" }
                }
            },
            "ApplicationList": {
                "type": "object", "additionalProperties": false, "required": ["items", "total", "page", "page_size", "pages"],
                "properties": {
                    "items": { "type": "array", "items": { "$ref": "#/components/schemas/ApplicationSummary" } },
                    "total": { "type": "integer", "minimum": 0 }, "page": { "type": "integer", "minimum": 1 },
                    "page_size": { "type": "integer" }, "pages": { "type": "integer", "minimum": 1 }
                }
            },
            "ApplicationFields": fields_schema(false),
            "ApplicationFieldsIn": fields_schema(true),
            "RasciEntry": rasci_out,
            "RasciEntryIn": rasci_in,
            "ApplicationIn": {
                "type": "object", "additionalProperties": false, "required": ["fields"],
                "properties": {
                    "fields": { "$ref": "#/components/schemas/ApplicationFieldsIn" },
                    "rasci": {
                        "type": "array", "items": { "$ref": "#/components/schemas/RasciEntryIn" },
                        "description": "Precies één Accountable (A) voor indienen; hoogstens één.",
                        "contains": { "type": "object", "required": ["letter"], "properties": { "letter": { "const": "A" } } },
                        "minContains": 0, "maxContains": 1
                    }
                }
            },
            "Application": {
                "type": "object", "additionalProperties": false,
                "required": ["id", "version", "workflow_status", "workflow_status_label", "risk_level", "suspension_reason", "created_at", "updated_at", "submitted_at", "fields", "rasci"],
                "properties": {
                    "id": { "type": "string", "format": "uuid" }, "version": { "type": "integer" },
                    "workflow_status": { "type": "string", "enum": values(WORKFLOW_STATUS) },
                    "workflow_status_label": { "type": "string" },
                    "risk_level": { "type": ["string", "null"] }, "suspension_reason": { "type": ["string", "null"] },
                    "created_at": ts, "updated_at": ts, "submitted_at": ts,
                    "fields": { "$ref": "#/components/schemas/ApplicationFields" },
                    "rasci": { "type": "array", "items": { "$ref": "#/components/schemas/RasciEntry" } }
                }
            },
            "Workflow": workflow_schema(gate, event, ts)
        }
    })
}

/// The workflow status answer (its own function: one `json!` for all schemas is too deep for the macro).
fn workflow_schema(gate: Value, event: Value, ts: Value) -> Value {
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["id", "version", "workflow_status", "workflow_status_label", "submitted_at", "suspended", "suspension_reason", "next_evaluation", "risk_level", "gates", "decisions", "fg_advice", "consent", "evaluations", "submission_missing"],
        "properties": {
            "id": { "type": "string", "format": "uuid" }, "version": { "type": "integer" },
            "workflow_status": { "type": "string", "enum": values(WORKFLOW_STATUS) },
            "workflow_status_label": { "type": "string" },
            "submitted_at": ts, "suspended": { "type": "boolean" },
            "suspension_reason": { "type": ["string", "null"] },
            "next_evaluation": { "type": ["string", "null"], "format": "date" },
            "risk_level": { "type": ["string", "null"] },
            "gates": { "type": "object", "additionalProperties": false, "required": ["submission", "approval"], "properties": {
                "submission": { "type": "array", "items": gate.clone() }, "approval": { "type": "array", "items": gate } } },
            "decisions": { "type": "array", "items": event.clone() },
            "fg_advice": { "type": "array", "items": event.clone() },
            "consent": { "type": "array", "items": event.clone() },
            "evaluations": { "type": "array", "items": event },
            "submission_missing": {
                "type": "array",
                "description": "Concept of teruggestuurd: wat nog nodig is voordat de registratie kan worden ingediend (velden en poortwachters), zoals het formulier het noemt.",
                "items": { "type": "object", "additionalProperties": false, "required": ["field", "message"],
                    "properties": { "field": { "type": "string" }, "message": { "type": "string" } } }
            }
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(DOCUMENT.clone())
}

pub struct Endpoint {
    pub method: String,
    pub path: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "api/docs.html")]
pub struct DocsPage {
    pub layout: Layout,
    pub endpoints: Vec<Endpoint>,
    pub fields: Vec<(&'static str, &'static str, String)>,
}

/// A readable overview of the API for people (the machine-readable one is openapi.json).
pub async fn docs_page() -> AppResult<Response> {
    let mut endpoints = Vec::new();
    if let Some(paths) = DOCUMENT["paths"].as_object() {
        for (path, ops) in paths {
            for (method, op) in ops.as_object().into_iter().flatten() {
                endpoints.push(Endpoint {
                    method: method.to_uppercase(),
                    path: format!("/api/v1{path}"),
                    summary: op["summary"].as_str().unwrap_or_default().to_string(),
                });
            }
        }
    }
    let fields = FIELDS
        .iter()
        .map(|f| {
            let kind = match f.kind {
                Kind::Text { max } => format!("tekst, hoogstens {max} tekens"),
                Kind::RichText { max } => format!("opgemaakte tekst, hoogstens {max} tekens"),
                Kind::Month => "maand, jjjj-mm".into(),
                Kind::Link => "link (https://)".into(),
                Kind::Contact => "e-mailadres of link (https://)".into(),
                Kind::Choice(o) => format!("een van: {}", values(o).join(", ")),
                Kind::Multi(o) => format!("lijst uit: {}", values(o).join(", ")),
                Kind::YesNo => "true of false".into(),
                Kind::Date => "datum, jjjj-mm-dd".into(),
                Kind::User => "user_id van een medewerker".into(),
                Kind::References { .. } => "lijst van {title, link}".into(),
            };
            (f.key, f.label, kind)
        })
        .collect();
    render(&DocsPage { layout: Layout::bare("REST API"), endpoints, fields })
}
