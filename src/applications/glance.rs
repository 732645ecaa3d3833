//! "In het kort": what a reader of a registration looks for first (phase, risk, owner, which data may go in,
//! the next evaluation), above the sections of the detail page.

use serde_json::{Map, Value};

use crate::register::fields::{DATA_CLASSES, REGISTER_STATUS, label_of};
use crate::register::form::{Member, display_value};
use crate::register::risk::RiskLevel;

pub struct Glance {
    /// The standard's status ("In gebruik"); empty when not filled in.
    pub phase: String,
    pub risk: String,
    /// Who set the risk level when the CISO overrode the derived one.
    pub risk_note: &'static str,
    pub owner: String,
    pub allowed: Vec<&'static str>,
    pub conditional: Vec<&'static str>,
    pub forbidden: Vec<&'static str>,
    /// Data classes not answered yet.
    pub open: Vec<&'static str>,
    pub next_evaluation: String,
}

pub fn glance(doc: &Map<String, Value>, members: &[Member]) -> Glance {
    let text = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or("");
    let mut g = Glance {
        phase: if text("status").is_empty() { String::new() } else { label_of(REGISTER_STATUS, text("status")) },
        risk: RiskLevel::parse(text("risk_level")).map(RiskLevel::label).unwrap_or_default(),
        risk_note: if RiskLevel::parse(text("risk_level_override")).is_some() {
            "vastgesteld door de CISO"
        } else {
            "afgeleid uit de gegevens en de licentie"
        },
        owner: doc
            .get("owner_id")
            .filter(|v| v.is_string())
            .map(|v| display_value("owner_id", v, members))
            .unwrap_or_default(),
        allowed: Vec::new(),
        conditional: Vec::new(),
        forbidden: Vec::new(),
        open: Vec::new(),
        next_evaluation: doc
            .get("next_evaluation")
            .filter(|v| v.is_string())
            .map(|v| display_value("next_evaluation", v, members))
            .unwrap_or_default(),
    };
    for dc in DATA_CLASSES {
        match text(dc.value) {
            "toegestaan" => g.allowed.push(dc.label),
            "onder_voorwaarden" => g.conditional.push(dc.label),
            "verboden" => g.forbidden.push(dc.label),
            _ => g.open.push(dc.label),
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_the_data_classes_by_permission_and_names_the_override() {
        let doc = json!({"status": "In gebruik", "risk_level": "hoog", "risk_level_override": "hoog",
            "dc_openbaar": "toegestaan", "dc_intern": "onder_voorwaarden", "dc_bijzondere": "verboden",
            "next_evaluation": "2027-03-01", "owner_id": null});
        let g = glance(doc.as_object().unwrap(), &[]);
        assert_eq!(g.phase, "In gebruik");
        assert_eq!((g.risk.as_str(), g.risk_note), ("Hoog", "vastgesteld door de CISO"));
        assert_eq!(g.allowed, ["Openbare informatie"]);
        assert_eq!(g.conditional, ["Interne informatie"]);
        assert_eq!(g.forbidden, ["Bijzondere persoonsgegevens"]);
        assert_eq!(g.open.len(), DATA_CLASSES.len() - 3);
        assert_eq!(g.next_evaluation, "01-03-2027");
        assert!(g.owner.is_empty());
        let g = glance(&Map::new(), &[]);
        assert!(g.phase.is_empty() && g.risk.is_empty() && g.next_evaluation.is_empty());
        assert_eq!(g.risk_note, "afgeleid uit de gegevens en de licentie");
    }
}
