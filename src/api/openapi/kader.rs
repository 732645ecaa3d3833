//! The Algoritmekader in the document (issue 23): `/applications/{id}/requirements` (and taking over, setting
//! one aside), `/applications/{id}/measures/{measure}` (change, evidence file) and `/requirements/open`, and
//! their schemas (src/api/kader.rs builds what they describe).

use serde_json::{Value, json};

use super::paths::{common, id_parameter, json_response, problem_response, responses};
use crate::kader::store::STATUSES;

fn path_parameter(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "string" } })
}

fn body(schema: &str) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

/// The refusals of a write with a JSON body, and `extra`.
fn write_responses(extra: &[(&str, Value)]) -> Value {
    let mut all = vec![
        ("400", problem_response("Geen geldige JSON, of geen JSON-object.")),
        ("415", problem_response("De body is geen application/json.")),
        ("422", problem_response("Velden kloppen niet; `errors` noemt ze per veld. Er is niets opgeslagen.")),
    ];
    all.extend(extra.iter().cloned());
    common(responses(&all))
}

pub(super) fn take_over_path() -> Value {
    json!({
        "post": {
            "operationId": "takeOverRequirements",
            "summary": "Vereisten overnemen: de vereisten die uit de laatste uitkomst van de beslishulp volgen, gaan gelden",
            "description": "Zoals de knop „Vereisten overnemen” op het tabblad „Vereisten”, voor wie de registratie beheert; het token heeft schrijfrechten nodig. Redenen en de stand van maatregelen blijven. In de geschiedenis staat wat erbij kwam en wat verviel.",
            "parameters": [ id_parameter() ],
            "responses": common(responses(&[
                ("200", json_response("De vereisten zoals ze nu gelden.", "Requirements")),
                ("404", problem_response("Bestaat niet in de organisatie van het token."))
            ]))
        }
    })
}

pub(super) fn requirement_path() -> Value {
    json!({
        "put": {
            "operationId": "updateRequirement",
            "summary": "Een vereiste niet van toepassing verklaren (met een reden) of weer van toepassing maken",
            "description": "Voor wie de registratie beheert, zoals op het tabblad „Vereisten”; het token heeft schrijfrechten nodig. Alleen een overgenomen vereiste die van toepassing is.",
            "parameters": [ id_parameter(), path_parameter("requirement", "De code van de vereiste in het Algoritmekader, zoals aia-27.") ],
            "requestBody": body("RequirementUpdate"),
            "responses": write_responses(&[
                ("200", json_response("De vereiste met haar maatregelen.", "Requirement")),
                ("404", problem_response("De registratie of de vereiste bestaat niet, of de vereiste is niet overgenomen."))
            ])
        }
    })
}

pub(super) fn measure_path() -> Value {
    json!({
        "put": {
            "operationId": "updateMeasure",
            "summary": "Een maatregel bijwerken: status, reden, eigenaar, bewijs en herbeoordelingsdatum",
            "description": "Alle velden opnieuw, met de `version` die u las (0 voor een maatregel die nog nooit is opgeslagen). Dezelfde controles als het tabblad „Vereisten”: gereed alleen met bewijs (tekst, link of een eerder geüpload bestand, dat blijft staan), niet van toepassing alleen met een reden van minstens 10 tekens, een eigenaar uit de RASCI van de registratie. Voor wie de registratie beheert en haar RASCI-personen; het token heeft schrijfrechten nodig.",
            "parameters": [ id_parameter(), path_parameter("measure", "De code van de maatregel in het Algoritmekader, zoals owp-06.") ],
            "requestBody": body("MeasureUpdate"),
            "responses": write_responses(&[
                ("200", json_response("De maatregel zoals opgeslagen.", "Measure")),
                ("404", problem_response("De registratie of de maatregel bestaat niet.")),
                ("409", problem_response("Intussen gewijzigd: de version klopt niet meer."))
            ])
        }
    })
}

pub(super) fn evidence_path() -> Value {
    json!({
        "get": {
            "operationId": "getMeasureEvidence",
            "summary": "Het bewijsbestand van een maatregel (als download)",
            "parameters": [ id_parameter(), path_parameter("measure", "De code van de maatregel.") ],
            "responses": common(responses(&[
                ("200", super::suppliers::file_response()),
                ("404", problem_response("Geen bewijsbestand, of de registratie bestaat niet of is niet zichtbaar voor de gebruiker."))
            ]))
        }
    })
}

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

/// At least one character that is neither white space nor a control character (dropped from input).
const VISIBLE: &str = "[^\\s\\u0000-\\u001f\\u007f-\\u009f]";

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
            "evidence_file": { "anyOf": [{ "type": "null" }, { "type": "object", "additionalProperties": false, "required": ["name", "url", "api_url"],
                "properties": { "name": { "type": "string" }, "url": { "type": "string", "description": "Het adres in de webapplicatie." },
                    "api_url": { "type": "string", "description": "Het adres in de API (getMeasureEvidence)." } } }] },
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
                "requirements": { "type": "array", "items": { "$ref": "#/components/schemas/Requirement" } }
            }
        },
        "Requirement": {
            "type": "object", "additionalProperties": false,
            "required": ["id", "title", "lifecycle", "not_applicable_reason", "open_measures", "measures"],
            "properties": {
                "id": { "type": "string" }, "title": { "type": "string" }, "lifecycle": strings,
                "not_applicable_reason": nullable("string"), "open_measures": { "type": "integer", "minimum": 0 },
                "measures": { "type": "array", "items": { "$ref": "#/components/schemas/Measure" } }
            }
        },
        "Measure": measure,
        "RequirementUpdate": {
            "type": "object", "additionalProperties": false, "required": ["not_applicable_reason"],
            "properties": { "not_applicable_reason": { "anyOf": [
                { "type": "string", "minLength": 10, "maxLength": 2000, "pattern": VISIBLE,
                  "description": "Waarom de vereiste niet van toepassing is (minstens 10 tekens zonder spaties en regeleinden eromheen)." },
                { "type": "null", "description": "De vereiste is weer van toepassing." }
            ] } }
        },
        "MeasureUpdate": {
            "type": "object", "additionalProperties": false, "required": ["status", "version"],
            "properties": {
                "status": { "type": "string", "enum": statuses },
                "reason": { "anyOf": [{ "type": "string", "maxLength": 2000 }, { "type": "null" }],
                    "description": "Verplicht (minstens 10 tekens) bij niet_van_toepassing; anders genegeerd." },
                "owner_id": { "anyOf": [{ "type": "string", "format": "uuid" }, { "type": "null" }],
                    "description": "Een gebruiker uit de RASCI van de registratie." },
                "evidence": { "anyOf": [{ "type": "string", "maxLength": 5000 }, { "type": "null" }] },
                "evidence_url": { "anyOf": [{ "type": "string", "maxLength": 500, "pattern": "^https://[^\\s/?#]*\\.[^\\s]*$" }, { "type": "null" }] },
                "review_date": { "anyOf": [{ "type": "string", "format": "date" }, { "type": "null" }] },
                "version": { "type": "integer", "minimum": 0, "maximum": 2147483647, "description": "De version die u las (0 voor een maatregel die nog nooit is opgeslagen)." }
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
