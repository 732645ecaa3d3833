//! The Algoritmekader in the document (issue 23): `/applications/{id}/requirements` and `/requirements/open`,
//! and their schemas (src/api/kader.rs builds what they describe).

use serde_json::{Value, json};

use super::paths::{common, id_parameter, json_response, problem_response, responses};
use crate::kader::store::STATUSES;

pub(super) fn requirements_path() -> Value {
    json!({
        "get": {
            "operationId": "getRequirements",
            "summary": "De vereisten uit het Algoritmekader die voor een registratie gelden, met hun maatregelen",
            "description": "De vereisten zoals overgenomen op het tabblad „Vereisten”, in de volgorde van het Algoritmekader: per maatregel status, eigenaar, bewijs (tekst, link, bestand) en herbeoordelingsdatum. `approval_gate` zegt of de organisatie een hoog-risico-systeem pas goedkeurt als alle vereisten zijn voldaan.",
            "parameters": [ id_parameter() ],
            "responses": common(responses(&[
                ("200", json_response("De vereisten en maatregelen.", "Requirements")),
                ("404", problem_response("Bestaat niet, of de gebruiker mag de registratie niet zien."))
            ]))
        }
    })
}

pub(super) fn open_path() -> Value {
    json!({
        "get": {
            "operationId": "getOpenMeasures",
            "summary": "Wat er in het hele register nog open staat (CISO, FG, directie, beheerder)",
            "responses": common(responses(&[("200", json_response("Per registratie met overgenomen vereisten de open maatregelen.", "OpenMeasures"))]))
        }
    })
}

fn nullable(t: &str) -> Value {
    json!({ "type": [t, "null"] })
}

pub(super) fn schemas() -> Value {
    let statuses: Vec<&str> = STATUSES.iter().map(|(v, _)| *v).collect();
    let date = json!({ "anyOf": [{ "type": "string", "format": "date" }, { "type": "null" }] });
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    let measure = json!({
        "type": "object", "additionalProperties": false,
        "required": ["id", "title", "lifecycle", "status", "reason", "owner_id", "owner_name", "evidence", "evidence_url", "evidence_file", "review_date", "version", "criteria"],
        "properties": {
            "id": { "type": "string" }, "title": { "type": "string" }, "lifecycle": strings,
            "status": { "type": "string", "enum": statuses },
            "reason": nullable("string"),
            "owner_id": { "anyOf": [{ "type": "string", "format": "uuid" }, { "type": "null" }] },
            "owner_name": nullable("string"), "evidence": nullable("string"), "evidence_url": nullable("string"),
            "evidence_file": { "anyOf": [{ "type": "null" }, { "type": "object", "additionalProperties": false, "required": ["name", "url"],
                "properties": { "name": { "type": "string" }, "url": { "type": "string" } } }] },
            "review_date": date.clone(), "version": { "type": "integer" },
            "criteria": { "type": "string", "description": "De criteria van de ADR en de Algemene Rekenkamer, zoals „ADR SV.4; ARK 1.04”." }
        }
    });
    json!({
        "Requirements": {
            "type": "object", "additionalProperties": false, "required": ["algoritmekader", "approval_gate", "requirements"],
            "properties": {
                "algoritmekader": { "type": "object", "additionalProperties": false, "required": ["version", "sha256"],
                    "properties": { "version": { "type": "string" }, "sha256": { "type": "string" } } },
                "approval_gate": { "type": "boolean" },
                "requirements": { "type": "array", "items": {
                    "type": "object", "additionalProperties": false,
                    "required": ["id", "title", "lifecycle", "not_applicable_reason", "open_measures", "measures"],
                    "properties": {
                        "id": { "type": "string" }, "title": { "type": "string" }, "lifecycle": strings,
                        "not_applicable_reason": nullable("string"), "open_measures": { "type": "integer", "minimum": 0 },
                        "measures": { "type": "array", "items": measure }
                    }
                } }
            }
        },
        "OpenMeasures": {
            "type": "object", "additionalProperties": false, "required": ["applications"],
            "properties": { "applications": { "type": "array", "items": {
                "type": "object", "additionalProperties": false,
                "required": ["id", "name", "requirements", "unmet", "open_measures", "open"],
                "properties": {
                    "id": { "type": "string", "format": "uuid" }, "name": { "type": "string" },
                    "requirements": { "type": "integer" }, "unmet": { "type": "integer" }, "open_measures": { "type": "integer" },
                    "open": { "type": "array", "items": { "type": "object", "additionalProperties": false,
                        "required": ["requirement", "measure", "title", "status", "owner_name", "review_date"],
                        "properties": { "requirement": { "type": "string" }, "measure": { "type": "string" }, "title": { "type": "string" },
                            "status": { "type": "string", "enum": statuses }, "owner_name": nullable("string"), "review_date": date } } }
                }
            } } }
        }
    })
}
