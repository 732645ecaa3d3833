//! The AI policy in the document: its versions, one version, and the coverage of a published one
//! (`api::policy`).

use serde_json::{Value, json};

use super::paths::{common, json_response, problem_response, responses};

fn number_parameter() -> Value {
    json!({ "name": "number", "in": "path", "required": true, "description": "Het versienummer (1, 2, …).",
            "schema": { "type": "integer", "minimum": 1, "maximum": 2147483647 } })
}

pub(super) fn versions_path() -> Value {
    json!({ "get": {
        "operationId": "listPolicyVersions", "summary": "De versies van het AI-beleid, de nieuwste eerst",
        "description": "Concepten alleen voor de beheerder en de CISO.",
        "responses": common(responses(&[("200", json_response("De versies.", "PolicyVersionList"))]))
    } })
}

pub(super) fn version_path() -> Value {
    json!({ "get": {
        "operationId": "getPolicyVersion", "summary": "Eén versie van het AI-beleid met de tekst en of de gebruiker van het token die gelezen heeft",
        "parameters": [ number_parameter() ],
        "responses": common(responses(&[
            ("200", json_response("De versie.", "PolicyVersion")),
            ("404", problem_response("Bestaat niet in de organisatie van het token (of is een concept dat de gebruiker niet mag zien)."))
        ]))
    } })
}

pub(super) fn coverage_path() -> Value {
    json!({ "get": {
        "operationId": "getPolicyCoverage", "summary": "Wie een gepubliceerde versie gelezen heeft: per afdeling, en wie nog niet",
        "description": "Voor de CISO, de directie en de beheerder.",
        "parameters": [ number_parameter() ],
        "responses": common(responses(&[
            ("200", json_response("De dekking.", "PolicyCoverage")),
            ("404", problem_response("Bestaat niet in de organisatie van het token, of is een concept."))
        ]))
    } })
}

pub(super) fn acknowledgement_path() -> Value {
    json!({ "post": {
        "operationId": "acknowledgePolicyVersion", "summary": "Bevestigen dat de gebruiker van het token de geldende versie gelezen heeft",
        "description": "Zoals de knop \"Ik heb het AI-beleid versie N gelezen\". Zonder body; herhalen verandert niets (200 met het eerste moment). Het token heeft schrijfrechten nodig.",
        "parameters": [ number_parameter() ],
        "responses": common(responses(&[
            ("201", json_response("Bevestigd.", "PolicyAcknowledgement")),
            ("200", json_response("Was al bevestigd; het moment van toen.", "PolicyAcknowledgement")),
            ("404", problem_response("Bestaat niet in de organisatie van het token, is een concept of geldt niet meer."))
        ]))
    } })
}

fn time() -> Value {
    json!({ "type": ["string", "null"], "format": "date-time" })
}

fn summary_properties() -> serde_json::Map<String, Value> {
    let v = json!({
        "number": { "type": "integer", "minimum": 1 },
        "title": { "type": "string" },
        "status": { "type": "string", "enum": ["concept", "gepubliceerd", "vervangen"] },
        "published_on": { "type": ["string", "null"], "format": "date" },
        "published_at": time(),
        "superseded_at": time(),
    });
    v.as_object().cloned().unwrap_or_default()
}

const SUMMARY: [&str; 6] = ["number", "title", "status", "published_on", "published_at", "superseded_at"];

fn figures() -> Value {
    json!({ "type": "object", "additionalProperties": false,
            "required": ["department", "asked", "acknowledged", "percent"],
            "properties": { "department": { "type": "string" }, "asked": { "type": "integer", "minimum": 0 },
                            "acknowledged": { "type": "integer", "minimum": 0 },
                            "percent": { "type": "integer", "minimum": 0, "maximum": 100 } } })
}

pub(super) fn schemas() -> Value {
    let mut version = summary_properties();
    version
        .insert("text".into(), json!({ "type": "string", "description": "De tekst zoals getypt (# kop, - lijst)." }));
    version
        .insert("html".into(), json!({ "type": "string", "description": "De opgeschoonde HTML (p, br, ul, ol, li)." }));
    version.insert("acknowledged_at".into(), time());
    let mut version_required: Vec<&str> = SUMMARY.to_vec();
    version_required.extend(["text", "html", "acknowledged_at"]);
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    json!({
        "PolicyVersionSummary": { "type": "object", "additionalProperties": false, "required": SUMMARY, "properties": summary_properties() },
        "PolicyVersionList": { "type": "object", "additionalProperties": false, "required": ["items"], "properties": {
            "items": { "type": "array", "items": { "$ref": "#/components/schemas/PolicyVersionSummary" } } } },
        "PolicyAcknowledgement": { "type": "object", "additionalProperties": false, "required": ["number", "acknowledged_at"],
            "properties": { "number": { "type": "integer", "minimum": 1 }, "acknowledged_at": { "type": "string", "format": "date-time" } } },
        "PolicyVersion": { "type": "object", "additionalProperties": false, "required": version_required, "properties": version },
        "PolicyCoverage": { "type": "object", "additionalProperties": false,
            "required": ["number", "audience", "asked", "acknowledged", "percent", "departments", "missing"],
            "properties": {
                "number": { "type": "integer", "minimum": 1 },
                "audience": { "type": "object", "additionalProperties": false, "required": ["roles", "departments"],
                              "properties": { "roles": strings, "departments": strings } },
                "asked": { "type": "integer", "minimum": 0 },
                "acknowledged": { "type": "integer", "minimum": 0 },
                "percent": { "type": "integer", "minimum": 0, "maximum": 100 },
                "departments": { "type": "array", "items": figures() },
                "missing": { "type": "array", "items": { "type": "object", "additionalProperties": false,
                    "required": ["name", "email", "department", "roles"],
                    "properties": { "name": { "type": "string" }, "email": { "type": "string" },
                                    "department": { "type": "string" }, "roles": strings } } }
            } }
    })
}
