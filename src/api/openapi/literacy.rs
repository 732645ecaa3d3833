//! AI-literacy in the document (`api::literacy`): trainings (list, add, read, change, remove), completions (list, record, confirm)
//! and the coverage per role and per tool, with the limits of the literacy forms (`literacy::forms`).

use serde_json::{Value, json};

use super::paths::{common, id_parameter, json_response, problem_response, responses};

/// At least one character that is neither white space nor a control character (dropped from input).
const VISIBLE: &str = "[^\\s\\u0000-\\u001f\\u007f-\\u009f]";

fn body(schema: &str) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

fn created(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "headers": { "Location": { "schema": { "type": "string" }, "description": "Het adres van wat is vastgelegd." } },
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

fn writes(ok: (&str, Value), extra: &[(&str, &str)]) -> Value {
    let mut all = responses(&[
        ok,
        ("400", problem_response("Geen geldige JSON, of geen JSON-object.")),
        ("415", problem_response("De body is geen application/json.")),
        ("422", problem_response("Velden kloppen niet; `errors` noemt ze per veld. Er is niets opgeslagen.")),
    ]);
    for (code, text) in extra {
        all.insert(code.to_string(), problem_response(text));
    }
    common(all)
}

pub(super) fn trainings_path() -> Value {
    json!({
        "get": {
            "operationId": "listLiteracyTrainings", "summary": "De trainingen van de organisatie",
            "responses": common(responses(&[("200", json_response("De trainingen.", "LiteracyTrainingList"))]))
        },
        "post": {
            "operationId": "createLiteracyTraining", "summary": "Een training toevoegen (beheerder)",
            "description": "Dezelfde controles als het formulier; de titel is uniek in de organisatie. Het token heeft schrijfrechten nodig.",
            "requestBody": body("LiteracyTrainingIn"),
            "responses": writes(("201", created("Toegevoegd.", "LiteracyTraining")), &[])
        }
    })
}

pub(super) fn training_path() -> Value {
    let absent = ("404", problem_response("Bestaat niet in de organisatie van het token."));
    json!({
        "get": {
            "operationId": "getLiteracyTraining", "summary": "Eén training",
            "parameters": [ id_parameter() ],
            "responses": common(responses(&[("200", json_response("De training.", "LiteracyTraining")), absent.clone()]))
        },
        "put": {
            "operationId": "updateLiteracyTraining", "summary": "Een training wijzigen (beheerder)",
            "description": "Alle velden opnieuw, met de `version` die u las; een leeg veld wordt leeg. Een andere geldigheid geldt meteen voor wie de training volgde.",
            "parameters": [ id_parameter() ],
            "requestBody": body("LiteracyTrainingUpdate"),
            "responses": writes(("200", json_response("Opgeslagen.", "LiteracyTraining")),
                &[("404", "Bestaat niet in de organisatie van het token."), ("409", "Intussen gewijzigd: de version klopt niet meer.")])
        },
        "delete": {
            "operationId": "deleteLiteracyTraining", "summary": "Een training verwijderen (beheerder)",
            "description": "Met haar eisen. Een training die iemand heeft gevolgd of ingevoerd blijft: de afrondingen tonen de AI-geletterdheid aan.",
            "parameters": [ id_parameter() ],
            "responses": common(responses(&[
                ("204", json!({ "description": "Verwijderd." })),
                absent,
                ("409", problem_response("Iemand heeft de training gevolgd of ingevoerd: ze blijft."))
            ]))
        }
    })
}

pub(super) fn completions_path() -> Value {
    json!({
        "get": {
            "operationId": "listLiteracyCompletions", "summary": "Afgeronde trainingen: de eigen, of (beheerder) die van iedereen",
            "responses": common(responses(&[("200", json_response("De afgeronde trainingen.", "LiteracyCompletionList"))]))
        },
        "post": {
            "operationId": "createLiteracyCompletion", "summary": "Een afgeronde training vastleggen",
            "description": "Zonder `user_id` (of met het eigen id) voor de gebruiker van het token: die telt pas mee als de beheerder hem bevestigt. De beheerder legt hem vast voor iedereen, en dan telt hij meteen mee. De datum ligt niet in de toekomst en niet voor 1990; de training en de medewerker horen bij de organisatie.",
            "requestBody": body("LiteracyCompletionIn"),
            "responses": writes(("201", created("Vastgelegd.", "LiteracyCompletion")),
                &[("409", "Deze training stond op die datum al bij deze medewerker.")])
        }
    })
}

pub(super) fn confirm_path() -> Value {
    json!({ "post": {
        "operationId": "confirmLiteracyCompletion", "summary": "Een afgeronde training bevestigen (beheerder)",
        "parameters": [ id_parameter() ],
        "responses": common(responses(&[
            ("200", json_response("Bevestigd: hij telt nu mee.", "LiteracyCompletion")),
            ("404", problem_response("Bestaat niet in de organisatie van het token.")),
            ("409", problem_response("Was al bevestigd."))
        ]))
    } })
}

pub(super) fn coverage_path() -> Value {
    json!({ "get": {
        "operationId": "getLiteracyCoverage", "summary": "De dekking per rol en per tool: vereist, gedaan, verloopt binnenkort, verlopen, ontbreekt",
        "description": "Voor de beheerder, de CISO, de FG en de directie; `people` (wie achter de cijfers zit) alleen voor de beheerder, de CISO en de FG, anders null.",
        "responses": common(responses(&[("200", json_response("De dekking.", "LiteracyCoverage"))]))
    } })
}

fn count() -> Value {
    json!({ "type": "integer", "minimum": 0 })
}

fn figures(key: &str, key_schema: Value, extra: Option<(&str, Value)>) -> Value {
    let mut properties = json!({ "vereist": count(), "gedaan": count(), "verloopt": count(), "verlopen": count(),
                                 "ontbreekt": count() });
    properties[key] = key_schema;
    let mut required = vec![key, "vereist", "gedaan", "verloopt", "verlopen", "ontbreekt"];
    if let Some((k, v)) = extra {
        properties[k] = v;
        required.push(k);
    }
    json!({ "type": "object", "additionalProperties": false, "required": required, "properties": properties })
}

fn training_properties() -> Value {
    let whole = |min: i64, max: i64| json!({ "type": ["integer", "null"], "minimum": min, "maximum": max });
    json!({
        "title": { "type": "string", "minLength": 1, "maxLength": 200, "pattern": VISIBLE },
        "provider": { "type": ["string", "null"], "maxLength": 200 },
        "level": { "type": "string", "enum": ["basis", "gevorderd", "specialistisch"] },
        "duration_minutes": whole(1, 100_000),
        "validity_months": whole(1, 240),
        "link": { "type": ["string", "null"], "maxLength": 500, "pattern": "^https://[^\\s/?#]+\\.[^\\s/?#]+(?:[/?#][^\\s]*)?$" }
    })
}

fn completion_out() -> Value {
    let uuid = json!({ "type": "string", "format": "uuid" });
    json!({ "type": "object", "additionalProperties": false,
        "required": ["id", "user_id", "name", "email", "training_id", "training", "completed_on", "evidence_link", "source", "confirmed", "confirmed_at"],
        "properties": {
            "id": uuid, "user_id": uuid, "name": { "type": "string" }, "email": { "type": "string" },
            "training_id": uuid, "training": { "type": "string" },
            "completed_on": { "type": "string", "format": "date" },
            "evidence_link": { "type": ["string", "null"] },
            "source": { "type": "string", "enum": ["zelf", "beheerder", "import"] },
            "confirmed": { "type": "boolean" },
            "confirmed_at": { "type": ["string", "null"], "format": "date-time" }
        } })
}

fn person() -> Value {
    json!({ "type": "object", "additionalProperties": false,
        "required": ["name", "email", "training_id", "training", "role", "application_id", "standing", "valid_until"],
        "properties": {
            "name": { "type": "string" }, "email": { "type": "string" },
            "training_id": { "type": "string", "format": "uuid" }, "training": { "type": "string" },
            "role": { "type": ["string", "null"] }, "application_id": { "type": ["string", "null"], "format": "uuid" },
            "standing": { "type": "string", "enum": ["geldig", "verloopt_binnenkort", "verlopen", "wacht_op_bevestiging", "ontbreekt"] },
            "valid_until": { "type": ["string", "null"], "format": "date" }
        } })
}

pub(super) fn schemas() -> Value {
    let mut change = training_properties();
    change["version"] =
        json!({ "type": "integer", "minimum": 0, "maximum": 2147483647, "description": "De version die u las." });
    let mut training = training_properties();
    training["id"] = json!({ "type": "string", "format": "uuid" });
    training["version"] = json!({ "type": "integer", "minimum": 1 });
    let training_required: Vec<String> = training.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    let uuid = json!({ "type": "string", "format": "uuid" });
    let list = |schema: &str| {
        json!({ "type": "object", "additionalProperties": false, "required": ["items"], "properties": {
            "items": { "type": "array", "items": { "$ref": format!("#/components/schemas/{schema}") } } } })
    };
    json!({
        "LiteracyTrainingIn": { "type": "object", "additionalProperties": false, "required": ["title", "level"], "properties": training_properties() },
        "LiteracyTrainingUpdate": { "type": "object", "additionalProperties": false, "required": ["title", "level", "version"], "properties": change },
        "LiteracyTraining": { "type": "object", "additionalProperties": false, "required": training_required, "properties": training },
        "LiteracyTrainingList": list("LiteracyTraining"),
        "LiteracyCompletionIn": { "type": "object", "additionalProperties": false, "required": ["training_id", "completed_on"], "properties": {
            "training_id": uuid, "user_id": { "type": ["string", "null"], "format": "uuid" },
            "completed_on": { "type": "string", "format": "date" },
            "evidence_link": { "type": ["string", "null"], "maxLength": 500, "pattern": "^https://[^\\s/?#]+\\.[^\\s/?#]+(?:[/?#][^\\s]*)?$" }
        } },
        "LiteracyCompletion": completion_out(),
        "LiteracyCompletionList": list("LiteracyCompletion"),
        "LiteracyCoverage": { "type": "object", "additionalProperties": false, "required": ["roles", "tools", "people"], "properties": {
            "roles": { "type": "array", "items": figures("role", json!({ "type": "string" }), None) },
            "tools": { "type": "array", "items": figures("application_id", uuid, Some(("name", json!({ "type": "string" })))) },
            "people": { "type": ["array", "null"], "items": person() }
        } }
    })
}
