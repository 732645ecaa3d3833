//! The organisation's own risk level, derived from the data-class matrix and the licence (seed 001, "Risico's
//! classificeren"):
//! - laag: no confidential or personal data is shared (brainstorming, general research);
//! - middel: internal data in a tool with contractual agreements (e.g. Copilot within Microsoft 365);
//! - hoog: client/citizen data or sensitive information is processed.
//!
//! Seeds 002 and 003 add that confidential data never goes into public (consumer-licence) tools, so internal
//! data in a tool without a contract counts as high. A pure function: the form shows the outcome and the
//! reasons at once, and the CISO can override it with a motivation.

use super::fields::{DATA_CLASSES, RISK_LEVELS, label_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Toegestaan,
    OnderVoorwaarden,
    Verboden,
}

impl Permission {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "toegestaan" => Some(Self::Toegestaan),
            "onder_voorwaarden" => Some(Self::OnderVoorwaarden),
            "verboden" => Some(Self::Verboden),
            _ => None,
        }
    }

    fn allows_use(self) -> bool {
        self != Self::Verboden
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RiskLevel {
    Laag,
    Middel,
    Hoog,
}

impl RiskLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Laag => "laag",
            Self::Middel => "middel",
            Self::Hoog => "hoog",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "laag" => Some(Self::Laag),
            "middel" => Some(Self::Middel),
            "hoog" => Some(Self::Hoog),
            _ => None,
        }
    }

    pub fn label(self) -> String {
        label_of(RISK_LEVELS, self.as_str())
    }
}

/// What the derivation looks at. Matrix entries are (column, permission); a missing entry is unanswered.
#[derive(Debug, Clone, Default)]
pub struct RiskInput {
    pub matrix: Vec<(&'static str, Option<Permission>)>,
    /// Some(true) for an organisation licence with contractual agreements, Some(false) for consumer terms.
    pub organisation_licence: Option<bool>,
    pub personal_data: Option<bool>,
    pub special_categories: Option<bool>,
}

/// The outcome: a level (None while the answers do not yet decide it) and the reasons, in Dutch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    pub level: Option<RiskLevel>,
    pub reasons: Vec<String>,
}

/// Classes whose use makes the level high: client/citizen data and sensitive information.
const SENSITIVE: [&str; 6] =
    ["dc_vertrouwelijk", "dc_persoonsgegevens", "dc_bijzondere", "dc_beveiliging", "dc_klant", "dc_financieel"];

fn class_label(column: &str) -> String {
    label_of(DATA_CLASSES, column).to_lowercase()
}

pub fn derive(input: &RiskInput) -> Derivation {
    let get = |col: &str| input.matrix.iter().find(|(c, _)| *c == col).and_then(|(_, p)| *p);
    let mut reasons = Vec::new();

    let sensitive: Vec<String> =
        SENSITIVE.iter().filter(|c| get(c).is_some_and(Permission::allows_use)).map(|c| class_label(c)).collect();
    if !sensitive.is_empty() {
        reasons.push(format!("Hoog: {} mag in de tool worden gebruikt.", join_dutch(&sensitive)));
    }
    if input.personal_data == Some(true) {
        reasons.push("Hoog: de tool verwerkt persoonsgegevens.".to_string());
    }
    if input.special_categories == Some(true) {
        reasons.push("Hoog: de tool verwerkt bijzondere persoonsgegevens.".to_string());
    }
    let internal = get("dc_intern").is_some_and(Permission::allows_use);
    if internal {
        match input.organisation_licence {
            Some(true) => reasons.push(
                "Middel: interne informatie in een tool met contractuele afspraken (organisatielicentie).".to_string(),
            ),
            Some(false) => reasons.push(
                "Hoog: interne informatie in een tool met consumentenvoorwaarden, zonder contractuele afspraken."
                    .to_string(),
            ),
            None => reasons.push("Hoog: interne informatie, en de licentie is nog niet bekend.".to_string()),
        }
    }
    // The highest level among the reasons wins; a high reason is final even when answers are missing.
    let highest = if reasons.iter().any(|r| r.starts_with("Hoog")) {
        Some(RiskLevel::Hoog)
    } else if internal {
        Some(RiskLevel::Middel)
    } else {
        None
    };
    let complete = DATA_CLASSES.iter().all(|dc| get(dc.value).is_some());
    let level = match highest {
        Some(RiskLevel::Hoog) => Some(RiskLevel::Hoog),
        _ if !complete => {
            reasons.push("Nog niet te bepalen: vul voor elke soort gegevens in of die is toegestaan.".to_string());
            None
        }
        Some(level) => Some(level),
        None => {
            reasons.push("Laag: er worden geen vertrouwelijke, interne of persoonlijke gegevens gedeeld.".to_string());
            Some(RiskLevel::Laag)
        }
    };
    Derivation { level, reasons }
}

/// "a", "a en b", "a, b en c".
pub fn join_dutch(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} en {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    /// A complete matrix: everything forbidden except the given classes.
    fn input(allowed: &[(&'static str, Permission)], licence: Option<bool>) -> RiskInput {
        RiskInput {
            matrix: DATA_CLASSES
                .iter()
                .map(|dc| {
                    let p = allowed.iter().find(|(c, _)| *c == dc.value).map(|(_, p)| *p).unwrap_or(Verboden);
                    (dc.value, Some(p))
                })
                .collect(),
            organisation_licence: licence,
            personal_data: Some(false),
            special_categories: Some(false),
        }
    }

    #[test]
    fn public_information_only_is_low() {
        let d = derive(&input(&[("dc_openbaar", Toegestaan)], Some(false)));
        assert_eq!(d.level, Some(RiskLevel::Laag));
        // Nothing at all allowed (e.g. DeepSeek, forbidden) is low too: nothing is shared.
        assert_eq!(derive(&input(&[], Some(false))).level, Some(RiskLevel::Laag));
    }

    #[test]
    fn internal_information_with_organisation_licence_is_medium() {
        let d = derive(&input(&[("dc_openbaar", Toegestaan), ("dc_intern", OnderVoorwaarden)], Some(true)));
        assert_eq!(d.level, Some(RiskLevel::Middel));
        assert!(d.reasons[0].contains("organisatielicentie"));
    }

    #[test]
    fn internal_information_under_consumer_terms_is_high() {
        let d = derive(&input(&[("dc_intern", Toegestaan)], Some(false)));
        assert_eq!(d.level, Some(RiskLevel::Hoog));
        assert!(d.reasons[0].contains("consumentenvoorwaarden"));
        assert_eq!(derive(&input(&[("dc_intern", Toegestaan)], None)).level, Some(RiskLevel::Hoog));
    }

    #[test]
    fn every_sensitive_class_makes_it_high() {
        for class in SENSITIVE {
            for p in [Toegestaan, OnderVoorwaarden] {
                let d = derive(&input(&[(class, p)], Some(true)));
                assert_eq!(d.level, Some(RiskLevel::Hoog), "{class}");
                assert!(d.reasons[0].contains(&class_label(class)));
            }
        }
    }

    #[test]
    fn personal_data_flags_make_it_high() {
        let mut i = input(&[("dc_openbaar", Toegestaan)], Some(true));
        i.personal_data = Some(true);
        assert_eq!(derive(&i).level, Some(RiskLevel::Hoog));
        let mut i = input(&[], Some(true));
        i.special_categories = Some(true);
        assert_eq!(derive(&i).level, Some(RiskLevel::Hoog));
    }

    #[test]
    fn incomplete_matrix_is_undecided_unless_already_high() {
        let mut i = input(&[("dc_openbaar", Toegestaan)], Some(true));
        i.matrix[2].1 = None;
        let d = derive(&i);
        assert_eq!(d.level, None);
        assert!(d.reasons.last().unwrap().starts_with("Nog niet te bepalen"));
        i.matrix[6] = ("dc_klant", Some(Toegestaan));
        assert_eq!(derive(&i).level, Some(RiskLevel::Hoog));
        assert_eq!(derive(&RiskInput::default()).level, None);
    }

    #[test]
    fn dutch_lists() {
        assert_eq!(join_dutch(&["a".into(), "b".into(), "c".into()]), "a, b en c");
        assert_eq!(join_dutch(&["a".into()]), "a");
    }
}
