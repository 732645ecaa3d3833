//! `/prescan/evaluate` in the document: the answer schema is built from the loaded Pre-scan DPIA (one property
//! per question, with its options), so it cannot drift from what the evaluation accepts.

use serde_json::{Map, Value, json};

use super::paths::{common, json_response, problem_response, responses};
use crate::questionnaires;

pub(super) fn evaluate_path() -> Value {
    json!({ "post": {
        "operationId": "evaluatePrescan",
        "summary": "Een Pre-scan DPIA doorrekenen zoals het instrument van de overheid dat doet",
        "description": "Per vraag-id het antwoord (ja/nee als true/false, een optie, een lijst opties, tekst). Antwoorden op vragen die bij deze antwoorden verborgen zijn tellen niet mee. Geeft per assessment (DPIA, DTIA, KIA, IAMA) verplicht, aanbevolen of niet nodig, met de criteria en de scores, en de bekende fouten in het gepubliceerde instrument die deze antwoorden raken. Er wordt niets opgeslagen.",
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PrescanAnswers" } } } },
        "responses": common(responses(&[
            ("200", json_response("De uitkomst.", "PrescanVerdict")),
            ("400", problem_response("Geen geldige JSON.")),
            ("422", problem_response("Een antwoord past niet bij zijn vraag; `errors` noemt de vraag (`field` is het vraag-id).")),
            ("500", problem_response("De Pre-scan DPIA kon niet worden geladen."))
        ]))
    } })
}

fn answers_schema() -> Value {
    let mut properties = Map::new();
    if let Ok(sets) = questionnaires::load() {
        for q in sets.prescan.questions() {
            let values: Vec<Value> = q.options.iter().map(|o| o.value.clone()).collect();
            let schema = match q.kind() {
                "radio_option" | "select_option" => {
                    let mut all = values;
                    all.push(Value::Null);
                    json!({ "enum": all })
                }
                "checkbox_option" | "multiselect_scrollable" => {
                    json!({ "type": ["array", "null"], "items": { "enum": values } })
                }
                "open_text" | "text_input" | "date" => json!({ "type": ["string", "null"] }),
                _ => continue,
            };
            properties.insert(q.id.clone(), schema);
        }
    }
    json!({ "type": "object", "additionalProperties": false, "properties": properties })
}

fn verdict_schema() -> Value {
    let text = json!({ "type": "string" });
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["questionnaire", "assessments", "scores", "ignored", "slips"],
        "properties": {
            "questionnaire": { "type": "object", "required": ["name", "version"], "properties": { "name": text, "version": text } },
            "assessments": { "type": "array", "items": {
                "type": "object", "additionalProperties": false,
                "required": ["assessment", "verdict", "label", "result", "criteria", "open"],
                "properties": {
                    "assessment": { "type": "string", "enum": ["DPIA", "DTIA", "KIA", "IAMA"] },
                    "verdict": { "type": "string", "enum": ["required", "recommended", "not_needed"] },
                    "label": text, "result": text,
                    "criteria": { "type": "array", "items": { "type": "object", "required": ["id", "explanation"], "properties": { "id": text, "explanation": text } } },
                    "open": { "type": "array", "items": text, "description": "Onbeantwoorde vragen die het oordeel nog kunnen veranderen." }
                }
            } },
            "scores": { "type": "object", "additionalProperties": { "type": ["number", "null"] } },
            "ignored": { "type": "array", "items": text, "description": "Beantwoorde vragen die bij deze antwoorden verborgen zijn." },
            "slips": { "type": "array", "items": {
                "type": "object", "required": ["id", "questions", "changes_outcome", "note"],
                "properties": { "id": text, "questions": { "type": "array", "items": text }, "changes_outcome": { "type": "boolean" }, "note": text }
            } }
        }
    })
}

pub(super) fn schemas() -> Value {
    json!({ "PrescanAnswers": answers_schema(), "PrescanVerdict": verdict_schema() })
}
