//! The status machine of PRODUCT.md ("Workflow") plus "teruggestuurd": which action may move a registration
//! from which status, and to which. Pure; who may take the action is checked by the handlers.

use super::fields::{WORKFLOW_STATUS, label_of};

/// Where a registration stands in its life (the `workflow_status` column). The text forms are the ones
/// PostgreSQL's check constraint, the forms and the API use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum WorkflowStatus {
    Concept,
    Ingediend,
    InBeoordeling,
    Teruggestuurd,
    Goedgekeurd,
    GoedgekeurdOnderVoorwaarden,
    Afgewezen,
    InGebruik,
    BuitenGebruik,
}

impl WorkflowStatus {
    pub const ALL: [WorkflowStatus; 9] = [
        Self::Concept,
        Self::Ingediend,
        Self::InBeoordeling,
        Self::Teruggestuurd,
        Self::Goedgekeurd,
        Self::GoedgekeurdOnderVoorwaarden,
        Self::Afgewezen,
        Self::InGebruik,
        Self::BuitenGebruik,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Concept => "concept",
            Self::Ingediend => "ingediend",
            Self::InBeoordeling => "in_beoordeling",
            Self::Teruggestuurd => "teruggestuurd",
            Self::Goedgekeurd => "goedgekeurd",
            Self::GoedgekeurdOnderVoorwaarden => "goedgekeurd_onder_voorwaarden",
            Self::Afgewezen => "afgewezen",
            Self::InGebruik => "in_gebruik",
            Self::BuitenGebruik => "buiten_gebruik",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.as_str() == s)
    }

    /// As people read it ("Goedgekeurd onder voorwaarden").
    pub fn label(self) -> String {
        label_of(WORKFLOW_STATUS, self.as_str())
    }

    /// The tool may be used (for "tijdelijk niet gebruiken" and the allowed-tools overview).
    pub fn is_approved(self) -> bool {
        APPROVED.contains(&self)
    }

    /// Waiting for the CISO.
    pub fn is_in_review(self) -> bool {
        IN_REVIEW.contains(&self)
    }

    /// The applicant may still edit and submit it.
    pub fn is_submittable(self) -> bool {
        Action::Submit.allows(self)
    }
}

impl std::fmt::Display for WorkflowStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<&str> for WorkflowStatus {
    type Error = String;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s).ok_or_else(|| format!("onbekende status '{s}'"))
    }
}

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
    pub fn from_statuses(self) -> &'static [WorkflowStatus] {
        use WorkflowStatus as W;
        match self {
            Action::Submit => &[W::Concept, W::Teruggestuurd],
            Action::TakeUp => &[W::Ingediend],
            Action::Approve | Action::ApproveWithConditions | Action::Reject | Action::Return => IN_REVIEW,
            Action::PutInUse => &[W::Goedgekeurd, W::GoedgekeurdOnderVoorwaarden],
            Action::Retire => APPROVED,
        }
    }

    /// Whether the action may be taken from `status`.
    pub fn allows(self, status: WorkflowStatus) -> bool {
        self.from_statuses().contains(&status)
    }

    pub fn target(self) -> WorkflowStatus {
        use WorkflowStatus as W;
        match self {
            Action::Submit => W::Ingediend,
            Action::TakeUp => W::InBeoordeling,
            Action::Approve => W::Goedgekeurd,
            Action::ApproveWithConditions => W::GoedgekeurdOnderVoorwaarden,
            Action::Reject => W::Afgewezen,
            Action::Return => W::Teruggestuurd,
            Action::PutInUse => W::InGebruik,
            Action::Retire => W::BuitenGebruik,
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
pub fn transition(from: WorkflowStatus, action: Action) -> Result<WorkflowStatus, String> {
    if action.allows(from) {
        return Ok(action.target());
    }
    let allowed: Vec<String> = action.from_statuses().iter().map(|s| format!("„{}”", s.label())).collect();
    Err(format!(
        "„{}” kan niet bij een registratie met status „{}”; dat kan alleen bij status {}. Misschien heeft iemand \
         anders de registratie intussen behandeld: laad de pagina opnieuw.",
        action.label(),
        from.label(),
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
pub const APPROVED: &[WorkflowStatus] =
    &[WorkflowStatus::Goedgekeurd, WorkflowStatus::GoedgekeurdOnderVoorwaarden, WorkflowStatus::InGebruik];

/// Statuses waiting for the CISO.
pub const IN_REVIEW: &[WorkflowStatus] = &[WorkflowStatus::Ingediend, WorkflowStatus::InBeoordeling];

#[cfg(test)]
mod tests {
    use super::*;
    use WorkflowStatus as W;

    #[test]
    fn the_happy_path_is_allowed() {
        assert_eq!(transition(W::Concept, Action::Submit), Ok(W::Ingediend));
        assert_eq!(transition(W::Ingediend, Action::TakeUp), Ok(W::InBeoordeling));
        assert_eq!(transition(W::InBeoordeling, Action::ApproveWithConditions), Ok(W::GoedgekeurdOnderVoorwaarden));
        assert_eq!(transition(W::Ingediend, Action::Approve), Ok(W::Goedgekeurd));
        assert_eq!(transition(W::Goedgekeurd, Action::PutInUse), Ok(W::InGebruik));
        assert_eq!(transition(W::InGebruik, Action::Retire), Ok(W::BuitenGebruik));
        assert_eq!(transition(W::InBeoordeling, Action::Return), Ok(W::Teruggestuurd));
        assert_eq!(transition(W::Teruggestuurd, Action::Submit), Ok(W::Ingediend));
        assert_eq!(transition(W::InBeoordeling, Action::Reject), Ok(W::Afgewezen));
    }

    #[test]
    fn illegal_transitions_are_explained() {
        let e = transition(W::Concept, Action::Approve).unwrap_err();
        assert!(e.contains("„Goedkeuren” kan niet bij een registratie met status „Concept”"), "{e}");
        assert!(e.contains("„Ingediend” of „In beoordeling”"), "{e}");
        assert!(transition(W::Afgewezen, Action::Approve).is_err());
        assert!(transition(W::Goedgekeurd, Action::Reject).is_err());
        assert!(transition(W::BuitenGebruik, Action::PutInUse).is_err());
        assert!(transition(W::InGebruik, Action::Submit).is_err());
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

    #[test]
    fn statuses_read_back_and_match_the_catalogue() {
        for w in WorkflowStatus::ALL {
            assert_eq!(WorkflowStatus::parse(w.as_str()), Some(w));
            assert_ne!(w.label(), w.as_str(), "{w} has a label in the catalogue");
        }
        assert_eq!(WORKFLOW_STATUS.len(), WorkflowStatus::ALL.len());
        assert_eq!(WorkflowStatus::parse("Concept"), None);
        assert!(W::Teruggestuurd.is_submittable() && !W::Ingediend.is_submittable());
    }
}
