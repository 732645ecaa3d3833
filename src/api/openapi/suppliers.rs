//! The supplier records in the document: `/suppliers` (list, make one) and `/suppliers/{id}` (read, change),
//! and their schemas, with the limits of the supplier form (`suppliers::forms`).

use serde_json::{Value, json};

use super::paths::{common, id_parameter, json_response, problem_response, responses};
use crate::register::fields::DATA_LOCATIONS;

/// At least one character that is neither white space nor a control character (dropped from input).
const VISIBLE: &str = "[^\\s\\u0000-\\u001f\\u007f-\\u009f]";

fn body(schema: &str) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

fn refusals(extra: &[(&str, Value)]) -> Vec<(String, Value)> {
    let mut all = vec![
        ("400".to_string(), problem_response("Geen geldige JSON, of geen JSON-object.")),
        ("415".to_string(), problem_response("De body is geen application/json.")),
        (
            "422".to_string(),
            problem_response(
                "Velden kloppen niet (of de naam is al in gebruik); `errors` noemt ze per veld. Er is niets opgeslagen.",
            ),
        ),
    ];
    all.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    all
}

fn with(pairs: Vec<(String, Value)>) -> Value {
    let list: Vec<(&str, Value)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    common(responses(&list))
}

pub(super) fn suppliers_path() -> Value {
    json!({
        "get": {
            "operationId": "listSuppliers", "summary": "De leveranciers van de organisatie, met hun afspraken",
            "responses": common(responses(&[("200", json_response("De leveranciers.", "SupplierList"))]))
        },
        "post": {
            "operationId": "createSupplier", "summary": "Een leverancier vastleggen (CISO of beheerder)",
            "description": "Dezelfde controles als het formulier; het token heeft schrijfrechten nodig. Registraties waarvan de leverancier dezelfde naam heeft (hoofdletters, leestekens en rechtsvormen tellen niet mee), worden eraan gekoppeld.",
            "requestBody": body("SupplierIn"),
            "responses": with(refusals(&[("201", json!({
                "description": "Vastgelegd.",
                "headers": { "Location": { "schema": { "type": "string" }, "description": "Het adres van de nieuwe leverancier." } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Supplier" } } }
            }))]))
        }
    })
}

pub(super) fn supplier_path() -> Value {
    json!({
        "get": {
            "operationId": "getSupplier", "summary": "Eén leverancier",
            "parameters": [ id_parameter() ],
            "responses": common(responses(&[
                ("200", json_response("De leverancier.", "Supplier")),
                ("404", problem_response("Bestaat niet in de organisatie van het token."))
            ]))
        },
        "put": {
            "operationId": "updateSupplier", "summary": "Een leverancier wijzigen (CISO of beheerder)",
            "description": "Alle velden opnieuw, met de `version` die u las. Een nieuwe naam gaat mee naar de registraties van deze leverancier.",
            "parameters": [ id_parameter() ],
            "requestBody": body("SupplierUpdate"),
            "responses": with(refusals(&[
                ("200", json_response("Opgeslagen.", "Supplier")),
                ("404", problem_response("Bestaat niet in de organisatie van het token.")),
                ("409", problem_response("Intussen gewijzigd: de version klopt niet meer."))
            ]))
        }
    })
}

fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

fn properties() -> Value {
    let locations: Vec<&str> = DATA_LOCATIONS.iter().map(|o| o.value).collect();
    let date = json!({ "type": "string", "format": "date" });
    let text = |max: usize| json!({ "type": "string", "maxLength": max });
    json!({
        "name": { "type": "string", "minLength": 1, "maxLength": 200, "pattern": VISIBLE },
        "registration_number": nullable(json!({ "type": "string", "pattern": "^([0-9]{8}|[A-Za-z]{2}[0-9A-Za-z+*]{2,12})$", "description": "KvK-nummer (8 cijfers) of btw-nummer met landcode, zonder spaties of punten." })),
        "contact": nullable(text(300)),
        "data_location": nullable(json!({ "type": "string", "enum": locations })),
        "dpa_signed_on": nullable(date.clone()),
        "dpa_expires_on": nullable(date.clone()),
        "dpa_link": nullable(json!({ "type": "string", "maxLength": 500, "pattern": "^https://" })),
        "training_opt_out": { "type": ["boolean", "null"] },
        "retention": nullable(text(500)),
        "iso27001_expires_on": nullable(date.clone()),
        "iso42001_expires_on": nullable(date),
        "other_certifications": nullable(text(500)),
        "exit_arrangements": nullable(text(2000))
    })
}

/// The schemas of this part: what a client sends, a supplier, and the list.
pub(super) fn schemas() -> Value {
    let input = properties();
    let mut change = properties();
    change["version"] =
        json!({ "type": "integer", "minimum": 0, "maximum": 2147483647, "description": "De version die u las." });
    let mut output = properties();
    output["id"] = json!({ "type": "string", "format": "uuid" });
    output["version"] = json!({ "type": "integer" });
    output["applications"] =
        json!({ "type": "integer", "description": "Het aantal registraties van deze leverancier." });
    output["created_at"] = json!({ "type": "string", "format": "date-time" });
    output["updated_at"] = json!({ "type": "string", "format": "date-time" });
    let required: Vec<String> = output.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    json!({
        "SupplierIn": { "type": "object", "additionalProperties": false, "required": ["name"], "properties": input },
        "SupplierUpdate": { "type": "object", "additionalProperties": false, "required": ["name", "version"], "properties": change },
        "Supplier": { "type": "object", "additionalProperties": false, "required": required, "properties": output },
        "SupplierDocuments": {
            "type": "object", "additionalProperties": false, "required": ["documents"],
            "properties": { "documents": { "type": "array", "items": {
                "type": "object", "additionalProperties": false,
                "required": ["kind", "label", "file_name", "size_bytes", "uploaded_at", "url"],
                "properties": {
                    "kind": { "type": "string", "enum": crate::suppliers::documents::SLOTS.iter().map(|(v, _)| *v).collect::<Vec<_>>() },
                    "label": { "type": "string" }, "file_name": { "type": "string" },
                    "size_bytes": { "type": "integer", "minimum": 1 },
                    "uploaded_at": { "type": "string", "format": "date-time" },
                    "url": { "type": "string", "description": "Het adres van de download in de API." }
                }
            } } }
        },
        "SupplierList": {
            "type": "object", "additionalProperties": false, "required": ["suppliers"],
            "properties": { "suppliers": { "type": "array", "items": { "$ref": "#/components/schemas/Supplier" } } }
        }
    })
}

/// A stored document as a download (the types an upload may have).
pub(super) fn file_response() -> Value {
    let types = [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
    ];
    let content: serde_json::Map<String, Value> = types
        .iter()
        .map(|t| (t.to_string(), json!({ "schema": { "type": "string", "contentMediaType": t } })))
        .collect();
    json!({ "description": "Het bestand (als download).", "content": content })
}

fn kind_parameter() -> Value {
    let kinds: Vec<&str> = crate::suppliers::documents::SLOTS.iter().map(|(v, _)| *v).collect();
    json!({ "name": "kind", "in": "path", "required": true, "schema": { "type": "string", "enum": kinds } })
}

pub(super) fn documents_path() -> Value {
    json!({
        "get": {
            "operationId": "listSupplierDocuments", "summary": "De geüploade documenten van een leverancier (verwerkersovereenkomst, certificaten)",
            "parameters": [ id_parameter() ],
            "responses": common(responses(&[
                ("200", json_response("De documenten.", "SupplierDocuments")),
                ("404", problem_response("Bestaat niet in de organisatie van het token."))
            ]))
        }
    })
}

pub(super) fn document_path() -> Value {
    json!({
        "get": {
            "operationId": "getSupplierDocument", "summary": "Eén document van een leverancier (als download)",
            "parameters": [ id_parameter(), kind_parameter() ],
            "responses": common(responses(&[
                ("200", file_response()),
                ("404", problem_response("De leverancier bestaat niet in de organisatie van het token, of heeft dit document niet."))
            ]))
        }
    })
}
