//! One Pre-scan DPIA evaluated from a plain answer set (`airegister prescan run`, `POST /api/v1/prescan/evaluate`):
//! a JSON object question id → answer is checked against the question set (a wrong answer names its question),
//! then evaluated as the government's tool evaluates it, with the known slips of the published instrument that
//! matter for these answers.

use serde_json::{Value, json};

use super::definition::{Answers, Definition};
use super::{prescan, slips};

/// A wrong answer: the question (the key as given) and what is wrong, in Dutch.
#[derive(Debug, Clone, PartialEq)]
pub struct Wrong {
    pub question: String,
    pub message: String,
}

fn option_list(def: &Definition, id: &str) -> String {
    def.find(id)
        .map(|q| q.options.iter().map(|o| o.value.to_string()).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

/// Check one answer against its question: booleans and option values for a choice, a list of option values for
/// a list to tick, text for an open question; `null` is "not answered".
fn check_one(def: &Definition, id: &str, value: &Value) -> Result<(), String> {
    let Some(q) = def.find(id) else { return Err("deze vraag bestaat niet in de Pre-scan DPIA".into()) };
    if q.is_group() {
        return Err("dit is een groep vragen, geen vraag: geef de antwoorden per vraag".into());
    }
    if value.is_null() {
        return Ok(());
    }
    let free = q.dependencies.iter().any(|d| d.kind == "source_options");
    let known = |v: &Value| free || q.options.iter().any(|o| o.value == *v);
    match q.kind() {
        "radio_option" | "select_option" if known(value) => Ok(()),
        "radio_option" | "select_option" => Err(format!("kies een van: {}", option_list(def, id))),
        "checkbox_option" | "multiselect_scrollable" => match value.as_array() {
            Some(items) => match items.iter().find(|v| !known(v)) {
                None => Ok(()),
                Some(v) => Err(format!("{v} is geen keuze van deze vraag; kies uit: {}", option_list(def, id))),
            },
            None => Err("verwacht een lijst met keuzes, zoals [\"…\"]".into()),
        },
        "open_text" | "text_input" | "date" if value.is_string() => Ok(()),
        "open_text" | "text_input" | "date" => Err("verwacht tekst".into()),
        _ => Err("deze vraag heeft geen antwoord (alleen uitleg)".into()),
    }
}

/// The answers as given, checked; all wrong answers are named, in the order of the question set.
pub fn check(def: &Definition, given: &Value) -> Result<Answers, Vec<Wrong>> {
    let Some(obj) = given.as_object() else {
        return Err(vec![Wrong {
            question: String::new(),
            message: "verwacht een JSON-object met per vraag-id het antwoord, zoals {\"0.1\": true}".into(),
        }]);
    };
    let mut wrong: Vec<Wrong> = obj
        .iter()
        .filter_map(|(id, v)| check_one(def, id, v).err().map(|message| Wrong { question: id.clone(), message }))
        .collect();
    let order: Vec<String> = def.questions().iter().map(|q| q.id.clone()).collect();
    wrong.sort_by_key(|w| order.iter().position(|id| *id == w.question).unwrap_or(usize::MAX));
    if wrong.is_empty() {
        Ok(obj.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect())
    } else {
        Err(wrong)
    }
}

/// The verdict as JSON: per assessment required / recommended / not_needed with the criteria that fired, the
/// scores, the answers ignored because their question is hidden, and the slips that touch these answers.
pub fn report(def: &Definition, answers: &Answers) -> Value {
    let outcome = prescan::evaluate(def, answers);
    let assessments: Vec<Value> = outcome
        .verdicts
        .iter()
        .map(|v| {
            json!({
                "assessment": v.assessment,
                "verdict": v.level.as_deref().unwrap_or("not_needed"),
                "label": v.label(),
                "result": v.result,
                "criteria": v.criteria.iter().map(|c| json!({"id": c.id, "explanation": c.explanation})).collect::<Vec<_>>(),
                "open": v.open,
            })
        })
        .collect();
    let ignored: Vec<&String> = answers.keys().filter(|id| !def.visible(id, answers)).collect();
    let notes: Vec<Value> = slips::touching(def, answers, &outcome)
        .iter()
        .map(|s| json!({"id": s.id, "questions": s.questions, "changes_outcome": s.changes_outcome, "note": s.note}))
        .collect();
    json!({
        "questionnaire": {"name": def.name, "version": def.version},
        "assessments": assessments,
        "scores": outcome.scores,
        "ignored": ignored,
        "slips": notes,
    })
}
