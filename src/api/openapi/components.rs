//! The document's components: the token scheme and the schemas, one function per group (errors and the
//! account, the list, a registration in and out, its workflow). One `json!` for all of them is too deep for
//! the macro, so each group is its own.

use serde_json::{Map, Value, json};

use super::fields::{NON_BLANK, ONE_LINE, fields_schema, nullable, values};
use crate::register::fields::{RISK_LEVELS, WORKFLOW_STATUS};

pub(super) fn components() -> Value {
    json!({
        "securitySchemes": { "token": { "type": "http", "scheme": "bearer", "description": "Persoonlijk API-token (air_…), aan te maken onder Mijn account → API-tokens." } },
        "schemas": schemas()
    })
}

fn schemas() -> Map<String, Value> {
    let mut schemas = Map::new();
    for group in [
        account_schemas(),
        list_schemas(),
        application_schemas(),
        super::requests::schemas(),
        super::suppliers::schemas(),
        super::kader::schemas(),
        super::prescan::schemas(),
        super::policy::schemas(),
        super::literacy::schemas(),
    ] {
        if let Value::Object(group) = group {
            schemas.extend(group);
        }
    }
    let created = application_created(schemas["Application"].clone());
    schemas.insert("ApplicationCreated".into(), created);
    schemas.insert("Workflow".into(), workflow_schema());
    schemas.insert("TaskList".into(), task_list_schema());
    schemas.insert("Assessment".into(), assessment_schema());
    schemas.insert(
        "Confirmations".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["items"], "properties": {
            "items": { "type": "array", "items": { "$ref": "#/components/schemas/Assessment" } } } }),
    );
    schemas
}

/// A date and time that may be absent.
fn timestamp() -> Value {
    json!({ "type": ["string", "null"], "format": "date-time" })
}

/// The error answer (RFC 9457) and who the token belongs to.
fn account_schemas() -> Value {
    json!({
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
        }
    })
}

/// One page of the register list.
fn list_schemas() -> Value {
    json!({
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
            "type": "object", "additionalProperties": false, "required": ["items", "total", "total_capped", "page", "page_size", "pages"],
            "properties": {
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/ApplicationSummary" } },
                "total": { "type": "integer", "minimum": 0, "description":
                    "Matching registrations; with a search at most 1,000 (see total_capped)." },
                "total_capped": { "type": "boolean", "description":
                    "The search matched more than 1,000 registrations: total is 1,000 and only the first 1,000 can be paged through (ranked by relevance among the first 1,001 found); refine the search." },
                "page": { "type": "integer", "minimum": 1 },
                "page_size": { "type": "integer" }, "pages": { "type": "integer", "minimum": 1 }
            }
        }
    })
}

/// A registration as the API returns it and as a client sends a new one: the catalogue's fields and the RASCI.
fn application_schemas() -> Value {
    json!({
        "ApplicationFields": fields_schema(false),
        "ApplicationFieldsIn": fields_schema(true),
        "RasciEntry": rasci_entry(),
        "RasciEntryIn": rasci_entry_in(),
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
            "required": ["id", "version", "workflow_status", "workflow_status_label", "risk_level", "suspension_reason", "created_at", "updated_at", "submitted_at", "fields", "rasci", "approved_version", "change_in_review"],
            "properties": {
                "id": { "type": "string", "format": "uuid" }, "version": { "type": "integer" },
                "workflow_status": { "type": "string", "enum": values(WORKFLOW_STATUS) },
                "workflow_status_label": { "type": "string" },
                "risk_level": { "type": ["string", "null"] }, "suspension_reason": { "type": ["string", "null"] },
                "created_at": timestamp(), "updated_at": timestamp(), "submitted_at": timestamp(),
                "fields": { "$ref": "#/components/schemas/ApplicationFields" },
                "rasci": { "type": "array", "items": { "$ref": "#/components/schemas/RasciEntry" } },
                "approved_version": approved_version(), "change_in_review": change_in_review()
            }
        }
    })
}

/// The approved version of a registration (null if never approved); while a change is in review it governs the
/// allowed-tools list.
fn approved_version() -> Value {
    json!({
        "type": ["object", "null"], "additionalProperties": false,
        "required": ["status", "status_label", "approved_at", "decision_id"],
        "description": "De laatst goedgekeurde versie (null als de registratie nooit is goedgekeurd).",
        "properties": {
            "status": { "type": "string", "enum": ["goedgekeurd", "goedgekeurd_onder_voorwaarden", "in_gebruik"] },
            "status_label": { "type": "string" }, "approved_at": timestamp(),
            "decision_id": { "type": ["string", "null"], "format": "uuid" }
        }
    })
}

fn change_in_review() -> Value {
    json!({
        "type": "boolean",
        "description": "Goedgekeurd; wijziging in beoordeling: tot de CISO beslist, geldt de goedgekeurde versie."
    })
}

fn rasci_entry() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["letter", "user_id", "function"],
        "properties": {
            "letter": { "type": "string", "enum": ["R", "A", "S", "C", "I"] },
            "user_id": { "type": ["string", "null"], "format": "uuid" },
            "function": { "type": ["string", "null"] }
        }
    })
}

fn rasci_entry_in() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["letter"],
        "description": "Óf user_id (een medewerker van de organisatie) óf function (een functienaam, één regel).",
        "properties": {
            "letter": { "type": "string", "enum": ["R", "A", "S", "C", "I"] },
            "user_id": { "type": "string", "format": "uuid" },
            "function": { "type": "string", "minLength": 1, "maxLength": 100, "pattern": ONE_LINE, "allOf": [ { "pattern": NON_BLANK } ] }
        },
        "oneOf": [ { "required": ["user_id"] }, { "required": ["function"] } ]
    })
}

/// The answer to a create is the registration plus what the form's duplicate check would have shown.
fn application_created(mut created: Value) -> Value {
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
    created
}

/// A gate at submission or approval: satisfied, or what is missing.
fn gate() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["gate", "satisfied", "missing"],
        "properties": { "gate": { "type": "string" }, "satisfied": { "type": "boolean" }, "missing": { "type": ["string", "null"] } }
    })
}

/// A decision, advice, consent or evaluation.
fn event() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["value", "note", "by", "at", "current_round"],
        "properties": {
            "value": { "type": "string" }, "note": { "type": ["string", "null"] }, "by": { "type": ["string", "null"] },
            "at": { "type": "string", "format": "date-time" }, "current_round": { "type": "boolean" }
        }
    })
}

/// The workflow status answer.
fn workflow_schema() -> Value {
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["id", "version", "workflow_status", "workflow_status_label", "submitted_at", "suspended", "suspension_reason", "next_evaluation", "risk_level", "gates", "decisions", "fg_advice", "consent", "evaluations", "submission_missing", "approved_version", "change_in_review", "assessments"],
        "properties": {
            "id": { "type": "string", "format": "uuid" }, "version": { "type": "integer" },
            "workflow_status": { "type": "string", "enum": values(WORKFLOW_STATUS) },
            "workflow_status_label": { "type": "string" },
            "submitted_at": timestamp(), "suspended": { "type": "boolean" },
            "suspension_reason": { "type": ["string", "null"] },
            "next_evaluation": { "type": ["string", "null"], "format": "date" },
            "risk_level": { "type": ["string", "null"] },
            "gates": { "type": "object", "additionalProperties": false, "required": ["submission", "approval"], "properties": {
                "submission": { "type": "array", "items": gate() }, "approval": { "type": "array", "items": gate() } } },
            "decisions": { "type": "array", "items": event() },
            "fg_advice": { "type": "array", "items": event() },
            "consent": { "type": "array", "items": event() },
            "evaluations": { "type": "array", "items": event() },
            "approved_version": approved_version(), "change_in_review": change_in_review(),
            "assessments": { "type": "array", "items": { "$ref": "#/components/schemas/Assessment" } },
            "submission_missing": {
                "type": "array",
                "description": "Concept of teruggestuurd: wat nog nodig is voordat de registratie kan worden ingediend (velden en poortwachters), zoals het formulier het noemt.",
                "items": { "type": "object", "additionalProperties": false, "required": ["field", "message"],
                    "properties": { "field": { "type": "string" }, "message": { "type": "string" } } }
            }
        }
    })
}

/// "Mijn taken" (`tasks::Task`).
fn task_list_schema() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["total", "tasks"],
        "properties": {
            "total": { "type": "integer", "minimum": 0 },
            "tasks": { "type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["kind", "title", "detail", "link", "since"],
                "properties": {
                    "kind": { "type": "string", "description": "Het soort werk, zoals de startpagina het groepeert." },
                    "title": { "type": "string", "description": "Waar het over gaat, meestal de naam van de tool." },
                    "detail": { "type": "string" },
                    "link": { "type": "string", "pattern": "^/", "description": "De pagina waar het werk gebeurt." },
                    "since": { "type": "string", "format": "date-time", "description": "Sinds wanneer het wacht." }
                }
            } }
        }
    })
}

/// An assessment with its confirmation (issue 18, item 4): only a confirmed one counts for the gates.
fn assessment_schema() -> Value {
    let text = json!({ "type": ["string", "null"] });
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["id", "application_id", "application_name", "kind", "other_name", "status", "completed_on", "confirmation", "confirmer_role", "recorded_by", "confirmed_by", "confirmed_at", "returned_reason", "returned_by", "returned_at"],
        "properties": {
            "id": { "type": "string", "format": "uuid" }, "application_id": { "type": "string", "format": "uuid" },
            "application_name": { "type": "string" },
            "kind": { "type": "string", "enum": ["prescan_dpia", "dpia", "iama", "fraia", "aiia", "dtia", "kia", "bio_quickscan", "anders"] },
            "other_name": text, "status": { "type": "string", "enum": ["niet_gestart", "in_uitvoering", "afgerond"] },
            "completed_on": { "type": ["string", "null"], "format": "date" },
            "confirmation": { "type": ["string", "null"], "enum": ["ter_bevestiging", "bevestigd", null],
                "description": "Alleen bij een afgerond assessment. bevestigd zonder confirmed_by: bevestigd bij invoering van de bevestiging (migratie 0019)." },
            "confirmer_role": { "type": "string", "enum": ["fg", "ciso"] },
            "recorded_by": text, "confirmed_by": text, "confirmed_at": timestamp(),
            "returned_reason": text, "returned_by": text, "returned_at": timestamp()
        }
    })
}
