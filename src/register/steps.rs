//! The registration form in steps: one section per page, and only what matters for this tool. Publication
//! fields (and the register's own jargon) only when the tool will be published or is citizen-facing; the
//! DPIA/IAMA references only when the facts call for a DPIA or IAMA (the gates' own rules), the reason why
//! no risk analysis is needed only when they do not; fields the reviewer sets elsewhere not at all. A hidden
//! field is not required and keeps its stored value.

use serde_json::{Map, Value, json};

use super::fields::{FIELDS, Section, field, is_data_class};
use super::form::Missing;
use super::gates::Facts;
use super::rasci::LETTERS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Algemeen,
    Gebruik,
    Gegevens,
    Verantwoordelijken,
    Verantwoord,
    Werking,
    Publicatie,
    Overzicht,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::Algemeen,
        Step::Gebruik,
        Step::Gegevens,
        Step::Verantwoordelijken,
        Step::Verantwoord,
        Step::Werking,
        Step::Publicatie,
        Step::Overzicht,
    ];

    pub fn section(self) -> Option<Section> {
        match self {
            Step::Algemeen => Some(Section::Algemeen),
            Step::Gebruik => Some(Section::Gebruik),
            Step::Gegevens => Some(Section::Gegevens),
            Step::Verantwoord => Some(Section::Verantwoord),
            Step::Werking => Some(Section::Werking),
            Step::Publicatie => Some(Section::Publicatie),
            Step::Verantwoordelijken | Step::Overzicht => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Step::Verantwoordelijken => "verantwoordelijken",
            Step::Overzicht => "overzicht",
            s => s.section().map(Section::slug).unwrap_or(""),
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Verantwoordelijken => "Verantwoordelijken",
            Step::Overzicht => "Overzicht en indienen",
            s => s.section().map(Section::title).unwrap_or(""),
        }
    }

    pub fn intro(self) -> &'static str {
        match self {
            Step::Verantwoordelijken => {
                "Wie doet wat (RASCI)? Kies per rol medewerkers, of vul functies in (één per regel). Er is precies één Accountable: wie eindverantwoordelijk is."
            }
            Step::Overzicht => "Wat de registratie nog nodig heeft voordat u haar kunt indienen.",
            s => s.section().map(Section::intro).unwrap_or(""),
        }
    }

    pub fn parse(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

/// Fields the reviewer sets elsewhere (the AI Act decision aid, the approval): not in the owner's steps.
pub const REVIEWER_FIELDS: &[&str] = &["ai_act_risk_group", "next_evaluation"];
/// Fields of the publication standard only the national register needs.
pub const REGISTER_ONLY: &[&str] = &[
    "category",
    "source_data_grouping",
    "lawful_basis_grouping",
    "process_index_url",
    "methods_and_models",
    "publiccode",
];
/// The references to impact assessments: asked when a DPIA or IAMA is called for (or for publication).
const ASSESSMENT_FIELDS: &[&str] = &["impacttoetsen_grouping", "impacttoetsen"];

/// What this registration calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relevance {
    pub publication: bool,
    pub assessment: bool,
}

/// Publication fields matter when the tool will be published, is used by citizens, or has a publication
/// category.
pub fn publication_relevant(values: &Map<String, Value>) -> bool {
    values.get("publish") == Some(&json!(true))
        || values.get("interaction").and_then(Value::as_str) == Some("extern")
        || values.get("publication_category").is_some_and(|v| !v.is_null())
}

impl Relevance {
    pub fn of(values: &Map<String, Value>, facts: &Facts) -> Relevance {
        Relevance {
            publication: publication_relevant(values),
            assessment: facts.dpia_required().is_some() || facts.iama_required().is_some(),
        }
    }

    /// Whether the owner's steps ask for this field.
    pub fn shows(self, key: &str) -> bool {
        if REVIEWER_FIELDS.contains(&key) {
            return false;
        }
        if key == "publish" {
            return true;
        }
        if ASSESSMENT_FIELDS.contains(&key) {
            return self.assessment || self.publication;
        }
        if key == "risk_analysis_reason" {
            return !self.assessment;
        }
        if REGISTER_ONLY.contains(&key) || field(key).is_some_and(|f| f.section == Section::Publicatie) {
            return self.publication;
        }
        true
    }

    /// The steps this registration goes through.
    pub fn steps(self) -> Vec<Step> {
        Step::ALL
            .into_iter()
            .filter(|s| s.section().is_none() || FIELDS.iter().any(|f| step_of(f.key) == Some(*s) && self.shows(f.key)))
            .collect()
    }
}

/// The step a field is asked in: its section's, except "Publiceren in het Algoritmeregister", which decides
/// whether the publication step comes at all and is therefore asked with the use of the tool.
pub fn step_of(key: &str) -> Option<Step> {
    if key == "publish" {
        return Some(Step::Gebruik);
    }
    if key == "sectie-rasci" || key.starts_with("rasci_") {
        return Some(Step::Verantwoordelijken);
    }
    let sec = field(key)?.section;
    Step::ALL.into_iter().find(|s| s.section() == Some(sec))
}

/// The visible fields of a step, in the catalogue's order (data classes apart: the matrix shows them).
pub fn fields_of(step: Step, rel: Relevance) -> Vec<&'static str> {
    FIELDS
        .iter()
        .filter(|f| step_of(f.key) == Some(step) && rel.shows(f.key) && !is_data_class(f.key))
        .map(|f| f.key)
        .collect()
}

/// The form keys a step posts: its fields (and their reference rows), the matrix, the RASCI rows.
pub fn form_keys(step: Step, rel: Relevance) -> Vec<String> {
    let mut keys = Vec::new();
    for key in fields_of(step, rel) {
        keys.extend([key.to_string(), format!("{key}_title"), format!("{key}_link")]);
    }
    if step == Step::Gegevens {
        keys.extend(FIELDS.iter().filter(|f| is_data_class(f.key)).map(|f| f.key.to_string()));
    }
    if step == Step::Verantwoordelijken {
        for l in LETTERS {
            keys.extend([format!("rasci_{l}_user"), format!("rasci_{l}_function")]);
        }
    }
    keys
}

/// The step where a "nog nodig" line is resolved (the gates' anchors included); the overview otherwise.
pub fn step_of_missing(m: &Missing) -> Step {
    match m.anchor {
        "agreement_data_use" | "risk_analysis_reason" | "checklist" => Step::Verantwoord,
        "" => Step::Overzicht,
        a => step_of(a).unwrap_or(Step::Overzicht),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simple_internal_tool_skips_publication_and_assessment_references() {
        let rel = Relevance::of(&Map::new(), &Facts::default());
        assert!(!rel.publication && !rel.assessment);
        let steps = rel.steps();
        assert!(!steps.contains(&Step::Publicatie) && !steps.contains(&Step::Werking), "{steps:?}");
        assert!(steps.contains(&Step::Verantwoordelijken) && steps.last() == Some(&Step::Overzicht));
        assert!(rel.shows("risk_analysis_reason") && !rel.shows("impacttoetsen_grouping"));
        assert!(!rel.shows("next_evaluation") && !rel.shows("category") && rel.shows("publish"));
        assert_eq!(step_of("publish"), Some(Step::Gebruik));
    }

    #[test]
    fn publishing_or_citizens_bring_the_publication_step() {
        for (k, v) in [("publish", json!(true)), ("interaction", json!("extern"))] {
            let mut doc = Map::new();
            doc.insert(k.into(), v);
            let rel = Relevance::of(&doc, &Facts::default());
            assert!(rel.publication && rel.steps().contains(&Step::Publicatie));
            assert!(rel.shows("contact_email") && rel.shows("methods_and_models"));
        }
    }

    #[test]
    fn a_required_dpia_asks_for_the_references_not_the_reason() {
        let f = Facts { personal_data: true, special_categories: true, ..Facts::default() };
        let rel = Relevance::of(&Map::new(), &f);
        assert!(rel.assessment && rel.shows("impacttoetsen_grouping") && !rel.shows("risk_analysis_reason"));
        assert_eq!(step_of_missing(&Missing::new("sectie-rasci", "A")), Step::Verantwoordelijken);
        assert_eq!(step_of_missing(&Missing::new("checklist", "c")), Step::Verantwoord);
    }
}
