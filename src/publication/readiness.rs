//! "Klaar voor publicatie?": what blocks a registration from the national register and what weakens its
//! entry, in Dutch, with the register's own completeness score (the weights of its editor's progress bar,
//! `frontend-beheer-2024/src/config/score.ts`: 8 for the important fields, 2 for the others).

use crate::register::machine::WorkflowStatus;
use serde_json::{Map, Value};

use super::algorithm_in::{KEYS, PUBLIC_STATES};
use super::validate::{self, Problem};
use crate::register::form::is_blank;

/// The weights of the register's completeness score.
pub const WEIGHTS: &[(&str, u32)] = &[
    ("name", 8),
    ("description_short", 8),
    ("organization", 8),
    ("category", 8),
    ("status", 8),
    ("begin_date", 8),
    ("contact_email", 8),
    ("publication_category", 8),
    ("goal", 8),
    ("proportionality", 8),
    ("human_intervention", 8),
    ("risks", 8),
    ("impacttoetsen", 8),
    ("source_data", 8),
    ("provider", 8),
    ("website", 2),
    ("url", 2),
    ("lawful_basis", 2),
    ("lawful_basis_grouping", 2),
    ("process_index_url", 2),
    ("impacttoetsen_grouping", 2),
    ("source_data_grouping", 2),
    ("methods_and_models", 2),
    ("lang", 2),
    ("tags", 2),
];

#[derive(Debug, Clone)]
pub struct Item {
    /// The form field to fix it in (an anchor on the edit form), when there is one.
    pub key: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Readiness {
    /// Problems that stop publication.
    pub blockers: Vec<Item>,
    /// Publication works, but the entry is weaker for it.
    pub weaknesses: Vec<Item>,
    /// The register's completeness score, 0–100.
    pub score: u32,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.blockers.is_empty()
    }
}

fn filled(body: &Map<String, Value>, key: &str) -> bool {
    body.get(key).is_some_and(|v| !is_blank(v))
}

pub fn score(body: &Map<String, Value>) -> u32 {
    let total: u32 = WEIGHTS.iter().map(|(_, w)| w).sum();
    let got: u32 = WEIGHTS.iter().filter(|(k, _)| filled(body, k)).map(|(_, w)| w).sum();
    (got * 100 + total / 2) / total
}

fn item(key: &str, text: String) -> Item {
    Item { key: key.to_string(), text }
}

/// Check a body (see `algorithm_in::build`) of a registration with the given workflow status and choice.
pub fn check(body: &Map<String, Value>, workflow_status: &str, marked: bool, personal_emails: &[String]) -> Readiness {
    let mut blockers = Vec::new();
    if !marked {
        blockers.push(item(
            "publish",
            "Bij 'Publiceren in het Algoritmeregister' is nog niet 'ja' gekozen (onderdeel Publicatie).".into(),
        ));
    }
    if !WorkflowStatus::parse(workflow_status).is_some_and(|w| PUBLIC_STATES.contains(&w)) {
        blockers.push(item(
            "",
            "De registratie is nog niet goedgekeurd: alleen goedgekeurde tools (ook in of buiten gebruik) worden gepubliceerd."
                .into(),
        ));
    }
    for Problem { key, label, message } in validate::problems(body) {
        blockers.push(item(&key, format!("{label}: {message}")));
    }
    let mut weaknesses = Vec::new();
    // The fields the public register shows even when empty (the schema's x-show-always).
    for key in KEYS.into_iter().filter(|k| validate::shown_always(k)) {
        if !filled(body, key) && !blockers.iter().any(|b| b.key == key) {
            weaknesses.push(item(
                key,
                format!("{} is leeg; het register toont dan 'Veld niet ingevuld'.", validate::title(key)),
            ));
        }
    }
    if !filled(body, "impacttoetsen_grouping") && !filled(body, "impacttoetsen") {
        weaknesses.push(item(
            "impacttoetsen",
            "Er is geen impacttoets genoemd en niet toegelicht waarom die ontbreekt (Toelichting op impacttoetsen)."
                .into(),
        ));
    }
    for (key, weight) in WEIGHTS.iter().filter(|(k, _)| !validate::shown_always(k)) {
        if !filled(body, key) && !weaknesses.iter().any(|w| w.key == *key) {
            weaknesses.push(item(
                key,
                format!("{} is leeg (telt {weight} punten mee in de volledigheid).", validate::title(key)),
            ));
        }
    }
    if let Some(Value::String(contact)) = body.get("contact_email")
        && personal_emails.iter().any(|e| e.eq_ignore_ascii_case(contact.trim()))
    {
        weaknesses.push(item(
            "contact_email",
            "Contactgegevens is een persoonlijk e-mailadres; het register vraagt om een algemeen adres.".into(),
        ));
    }
    Readiness { blockers, weaknesses, score: score(body) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn example() -> Map<String, Value> {
        serde_json::from_str::<Value>(include_str!(
            "../../tests/fixtures/algoritmeregister/algorithm-in-v1_0.example.json"
        ))
        .expect("example")
        .as_object()
        .cloned()
        .expect("object")
    }

    #[test]
    fn a_complete_approved_entry_is_ready_with_full_score() {
        let mut body = example();
        // The standard's example leaves the explanation of the assessments empty (weight 8 of 140).
        assert_eq!(check(&body, "in_gebruik", true, &[]).score, 94);
        body.insert("impacttoetsen".into(), json!("<p>Een IAMA en een DPIA zijn uitgevoerd.</p>"));
        let r = check(&body, "in_gebruik", true, &[]);
        assert!(r.ready(), "{:?}", r.blockers);
        assert_eq!(r.score, 100);
    }

    #[test]
    fn blockers_and_weaknesses_are_named() {
        let mut body = example();
        body.insert("contact_email".into(), json!("j.jansen@example.nl"));
        body.insert("goal".into(), Value::Null);
        body.insert("website".into(), Value::Null);
        body.insert("status".into(), json!("Actief"));
        let r = check(&body, "in_beoordeling", false, &["J.Jansen@example.nl".into()]);
        let blockers: Vec<_> = r.blockers.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(blockers.len(), 3, "{blockers:?}");
        assert!(blockers[2].starts_with("Status: 'Actief' is geen toegestane waarde"));
        let weak: Vec<_> = r.weaknesses.iter().map(|b| b.text.as_str()).collect();
        assert!(weak.iter().any(|w| w.starts_with("Doel en impact is leeg")), "{weak:?}");
        assert!(weak.iter().any(|w| w.contains("Link naar publiekspagina is leeg (telt 2 punten")), "{weak:?}");
        assert!(weak.iter().any(|w| w.contains("persoonlijk e-mailadres")), "{weak:?}");
        // 8 (goal) + 2 (website) + 8 (impacttoetsen, empty in the example) of 140 points missing.
        assert_eq!(r.score, 87);
    }
}
