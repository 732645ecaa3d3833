//! The lifecycle phases (`levenscyclus`) of the Algoritmekader, and which of them a registration is in. The
//! register knows no phase, only its status; it maps to phases as follows:
//! - "In ontwikkeling": probleemanalyse, ontwerp, dataverkenning en datapreparatie, ontwikkelen, verificatie en
//!   validatie (everything before it goes live);
//! - "In gebruik": implementatie, monitoring en beheer;
//! - "Buiten gebruik": uitfaseren.
//!
//! Organisatieverantwoordelijkheden hold in every phase. Without a status every phase is shown.

use serde::Deserialize;

use super::view::RequirementView;

/// The phases in the Algoritmekader's order: the reference data's own list (`levenscyclus` values).
pub use super::reference::LIFECYCLE as PHASES;

/// "monitoring-en-beheer" → "Monitoring en beheer".
pub fn label(p: &str) -> String {
    let s = p.replace('-', " ");
    match s.get(..1) {
        Some(first) => first.to_uppercase() + &s[1..],
        None => s,
    }
}

/// The phases a registration with this register status is in (see the module's comment).
pub fn of_status(status: Option<&str>) -> Vec<&'static str> {
    let own: &[&str] = match status {
        Some("In ontwikkeling") => &PHASES[1..6],
        Some("In gebruik") => &PHASES[6..8],
        Some("Buiten gebruik") => &PHASES[8..],
        _ => return PHASES.to_vec(),
    };
    [&PHASES[..1], own].concat()
}

/// The `?fase=` of the tab and the overview: empty (the registration's own phases), "alle", or one phase.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PhaseQuery {
    pub fase: String,
    /// The tab only: the requirement whose measures are being worked on (their forms are on the page).
    pub vereiste: String,
}

/// What a chosen filter shows for a registration with this status.
pub fn chosen(fase: &str, status: Option<&str>) -> Vec<&'static str> {
    match fase {
        "alle" => PHASES.to_vec(),
        f => match PHASES.iter().find(|p| **p == f) {
            Some(p) => vec![*p],
            None => of_status(status),
        },
    }
}

/// The requirements of (one of) these phases.
pub fn filter(views: Vec<RequirementView>, phases: &[&str]) -> Vec<RequirementView> {
    views.into_iter().filter(|r| r.phases.iter().any(|p| phases.contains(&p.as_str()))).collect()
}

/// A filter value other than the registration's own phases: "alle" or a phase.
pub fn is_known(fase: &str) -> bool {
    fase == "alle" || PHASES.contains(&fase)
}

/// The filter's choices: (value, label, selected); the first is the registration's own phases.
pub fn options(fase: &str, own: &str) -> Vec<(String, String, bool)> {
    let known = is_known(fase);
    let mut out = vec![(String::new(), own.to_string(), !known)];
    out.push(("alle".into(), "Alle fasen".into(), fase == "alle"));
    out.extend(PHASES.iter().map(|p| (p.to_string(), label(p), *p == fase)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_gives_the_phases() {
        assert_eq!(
            of_status(Some("In gebruik")),
            ["organisatieverantwoordelijkheden", "implementatie", "monitoring-en-beheer"]
        );
        assert_eq!(of_status(Some("In ontwikkeling")).len(), 6);
        assert!(of_status(Some("In ontwikkeling")).contains(&"verificatie-en-validatie"));
        assert_eq!(of_status(Some("Buiten gebruik")), ["organisatieverantwoordelijkheden", "uitfaseren"]);
        assert_eq!(of_status(None), PHASES);
        assert_eq!(chosen("ontwerp", Some("In gebruik")), ["ontwerp"]);
        assert_eq!(chosen("alle", Some("In gebruik")), PHASES);
        assert_eq!(chosen("iets", Some("Buiten gebruik")), of_status(Some("Buiten gebruik")));
        assert_eq!(label("dataverkenning-en-datapreparatie"), "Dataverkenning en datapreparatie");
    }

    #[test]
    fn every_phase_of_the_algoritmekader_is_known() {
        let kader = super::super::load().expect("the built-in Algoritmekader");
        let phases = kader.requirements.iter().flat_map(|r| r.lifecycle.iter());
        let measures = kader.measures.iter().flat_map(|m| m.lifecycle.iter());
        for p in phases.chain(measures) {
            assert!(PHASES.contains(&p.as_str()), "{p}");
        }
    }
}
