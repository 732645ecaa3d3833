//! The status machine of PRODUCT.md ("Workflow") plus "teruggestuurd": which action may move a registration
//! from which status, and to which. Pure; who may take the action is checked by the handlers.

use crate::applications::fields::{WORKFLOW_STATUS, label_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    TakeUp,
    Approve,
    ApproveWithConditions,
    Reject,
    Return,
    PutInUse,
    Retire,
}

impl Action {
    /// The statuses the action starts from.
    pub fn from_statuses(self) -> &'static [&'static str] {
        match self {
            Action::Submit => &["concept", "teruggestuurd"],
            Action::TakeUp => &["ingediend"],
            Action::Approve | Action::ApproveWithConditions | Action::Reject | Action::Return => {
                &["ingediend", "in_beoordeling"]
            }
            Action::PutInUse => &["goedgekeurd", "goedgekeurd_onder_voorwaarden"],
            Action::Retire => &["goedgekeurd", "goedgekeurd_onder_voorwaarden", "in_gebruik"],
        }
    }

    pub fn target(self) -> &'static str {
        match self {
            Action::Submit => "ingediend",
            Action::TakeUp => "in_beoordeling",
            Action::Approve => "goedgekeurd",
            Action::ApproveWithConditions => "goedgekeurd_onder_voorwaarden",
            Action::Reject => "afgewezen",
            Action::Return => "teruggestuurd",
            Action::PutInUse => "in_gebruik",
            Action::Retire => "buiten_gebruik",
        }
    }

    /// What the action is called on buttons and in messages.
    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "Indienen",
            Action::TakeUp => "In behandeling nemen",
            Action::Approve => "Goedkeuren",
            Action::ApproveWithConditions => "Goedkeuren onder voorwaarden",
            Action::Reject => "Afwijzen",
            Action::Return => "Terugsturen met vragen",
            Action::PutInUse => "In gebruik nemen",
            Action::Retire => "Buiten gebruik stellen",
        }
    }

    /// The CISO's decisions, as the decision form names them.
    pub fn decision(value: &str) -> Option<Action> {
        match value {
            "goedgekeurd" => Some(Action::Approve),
            "goedgekeurd_onder_voorwaarden" => Some(Action::ApproveWithConditions),
            "afgewezen" => Some(Action::Reject),
            "teruggestuurd" => Some(Action::Return),
            _ => None,
        }
    }

    pub fn is_approval(self) -> bool {
        matches!(self, Action::Approve | Action::ApproveWithConditions)
    }
}

/// The status after `action`, or the Dutch explanation why it cannot be taken now.
pub fn transition(from: &str, action: Action) -> Result<&'static str, String> {
    if action.from_statuses().contains(&from) {
        return Ok(action.target());
    }
    let allowed: Vec<String> =
        action.from_statuses().iter().map(|s| format!("„{}”", label_of(WORKFLOW_STATUS, s))).collect();
    Err(format!(
        "„{}” kan niet bij een registratie met status „{}”; dat kan alleen bij status {}. Misschien heeft iemand \
         anders de registratie intussen behandeld: laad de pagina opnieuw.",
        action.label(),
        label_of(WORKFLOW_STATUS, from),
        join_or(&allowed)
    ))
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} of {last}", rest.join(", ")),
    }
}

/// Statuses in which a tool may be used (for "tijdelijk niet gebruiken" and the allowed-tools overview).
pub const APPROVED: &[&str] = &["goedgekeurd", "goedgekeurd_onder_voorwaarden", "in_gebruik"];

/// Statuses waiting for the CISO.
pub const IN_REVIEW: &[&str] = &["ingediend", "in_beoordeling"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_is_allowed() {
        assert_eq!(transition("concept", Action::Submit), Ok("ingediend"));
        assert_eq!(transition("ingediend", Action::TakeUp), Ok("in_beoordeling"));
        assert_eq!(transition("in_beoordeling", Action::ApproveWithConditions), Ok("goedgekeurd_onder_voorwaarden"));
        assert_eq!(transition("ingediend", Action::Approve), Ok("goedgekeurd"));
        assert_eq!(transition("goedgekeurd", Action::PutInUse), Ok("in_gebruik"));
        assert_eq!(transition("in_gebruik", Action::Retire), Ok("buiten_gebruik"));
        assert_eq!(transition("in_beoordeling", Action::Return), Ok("teruggestuurd"));
        assert_eq!(transition("teruggestuurd", Action::Submit), Ok("ingediend"));
        assert_eq!(transition("in_beoordeling", Action::Reject), Ok("afgewezen"));
    }

    #[test]
    fn illegal_transitions_are_explained() {
        let e = transition("concept", Action::Approve).unwrap_err();
        assert!(e.contains("„Goedkeuren” kan niet bij een registratie met status „Concept”"), "{e}");
        assert!(e.contains("„Ingediend” of „In beoordeling”"), "{e}");
        assert!(transition("afgewezen", Action::Approve).is_err());
        assert!(transition("goedgekeurd", Action::Reject).is_err());
        assert!(transition("buiten_gebruik", Action::PutInUse).is_err());
        assert!(transition("in_gebruik", Action::Submit).is_err());
        // Every action has at least one start, and no action starts from its own target.
        for a in [
            Action::Submit,
            Action::TakeUp,
            Action::Approve,
            Action::ApproveWithConditions,
            Action::Reject,
            Action::Return,
            Action::PutInUse,
            Action::Retire,
        ] {
            assert!(!a.from_statuses().is_empty());
            assert!(transition(a.target(), a).is_err(), "{a:?} twice");
        }
    }
}
