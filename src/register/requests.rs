//! "Nieuwe AI-tool aanvragen" (issue 18, items 1 and 2): an employee's short request for a tool — at most eight
//! questions in plain Dutch — and the CISO's triage of it. A request is its own record, not a registration:
//! accepting it makes a concept registration (through `lifecycle::create`) for the owner the CISO chose.
//!
//! Here the request's statuses and the pure status machine with its four-eyes rule, the closed lists of its
//! answers (with everyday examples for the data classes); `store` reads and writes requests, each change with
//! its audit event and notifications in the caller's transaction.

pub mod store;
pub mod triage;

use super::fields::DATA_CLASSES;

/// Where a request stands (the `status` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    /// Saved, not yet submitted: only the requester sees it.
    Concept,
    /// Waiting for the CISO's triage.
    Ingediend,
    /// The CISO asked a question; waiting for the requester's answer.
    VraagGesteld,
    /// Accepted: a concept registration was made for the chosen owner.
    Geaccepteerd,
    /// Falls under an existing registration.
    Gekoppeld,
    Afgewezen,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 6] =
        [Self::Concept, Self::Ingediend, Self::VraagGesteld, Self::Geaccepteerd, Self::Gekoppeld, Self::Afgewezen];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Concept => "concept",
            Self::Ingediend => "ingediend",
            Self::VraagGesteld => "vraag_gesteld",
            Self::Geaccepteerd => "geaccepteerd",
            Self::Gekoppeld => "gekoppeld",
            Self::Afgewezen => "afgewezen",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// As anyone but the requester reads it (the API's label): a question waits for the requester's answer.
    pub const fn label(self) -> &'static str {
        self.label_for(false)
    }

    /// The label for the requester (`requester`) or someone else, such as the CISO in the queue.
    pub const fn label_for(self, requester: bool) -> &'static str {
        match self {
            Self::Concept => "Concept (nog niet ingediend)",
            Self::Ingediend => "Ingediend, wacht op de CISO",
            Self::VraagGesteld if requester => "Vraag gesteld, wacht op uw antwoord",
            Self::VraagGesteld => "Vraag gesteld, wacht op het antwoord van de aanvrager",
            Self::Geaccepteerd => "Geaccepteerd, de registratie wordt aangevuld",
            Self::Gekoppeld => "Valt onder een bestaande registratie",
            Self::Afgewezen => "Afgewezen",
        }
    }

    /// Triaged: nothing more happens to the request itself.
    pub const fn is_closed(self) -> bool {
        matches!(self, Self::Geaccepteerd | Self::Gekoppeld | Self::Afgewezen)
    }
}

/// What someone does with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The requester saves the answers (a concept stays a concept).
    Save,
    Submit,
    /// The CISO asks the requester a question.
    Ask,
    /// The requester answers it; the request returns to the queue.
    Answer,
    Accept,
    Link,
    Reject,
}

impl Action {
    /// Whether the CISO takes this step (the triage), rather than the requester.
    pub const fn is_triage(self) -> bool {
        matches!(self, Self::Ask | Self::Accept | Self::Link | Self::Reject)
    }

    pub const fn from_statuses(self) -> &'static [RequestStatus] {
        use RequestStatus::*;
        match self {
            Action::Save | Action::Submit => &[Concept],
            Action::Answer => &[VraagGesteld],
            Action::Ask => &[Ingediend],
            Action::Accept | Action::Link | Action::Reject => &[Ingediend, VraagGesteld],
        }
    }
}

/// The status after `action` by someone who is (or is not) the requester, or why it is refused, in Dutch.
/// Four-eyes (seed 002 §6): nobody triages their own request; only the requester saves, submits or answers.
pub fn transition(from: RequestStatus, action: Action, is_requester: bool) -> Result<RequestStatus, String> {
    use RequestStatus::*;
    if action.is_triage() && is_requester {
        return Err("U kunt uw eigen aanvraag niet beoordelen; een andere CISO doet dat (vier-ogenprincipe).".into());
    }
    if !action.is_triage() && !is_requester {
        return Err("Alleen de aanvrager kan de aanvraag aanpassen, indienen of een vraag beantwoorden.".into());
    }
    if !action.from_statuses().contains(&from) {
        let now = from.label().to_lowercase();
        return Err(match action {
            Action::Save | Action::Submit => {
                format!("Deze aanvraag is al ingediend (nu: {now}); u kunt hem niet meer aanpassen.")
            }
            Action::Answer => format!("Er staat geen vraag open bij deze aanvraag (nu: {now})."),
            Action::Ask => format!("Bij deze aanvraag kan nu geen vraag worden gesteld (nu: {now})."),
            _ => format!("Deze aanvraag is al behandeld (nu: {now})."),
        });
    }
    Ok(match action {
        Action::Save => Concept,
        Action::Submit | Action::Answer => Ingediend,
        Action::Ask => VraagGesteld,
        Action::Accept => Geaccepteerd,
        Action::Link => Gekoppeld,
        Action::Reject => Afgewezen,
    })
}

/// "Ongeveer hoeveel mensen gaan de tool gebruiken?"
pub const USER_COUNTS: &[(&str, &str)] = &[
    ("1", "Alleen ikzelf"),
    ("2-10", "2 tot 10 mensen"),
    ("11-50", "11 tot 50 mensen"),
    ("51-250", "51 tot 250 mensen"),
    ("250+", "Meer dan 250 mensen"),
];

/// "Gebruikt u de tool al, of wilt u dat?"
pub const USAGES: &[(&str, &str)] =
    &[("gepland", "Ik wil de tool gaan gebruiken"), ("in_gebruik", "De tool wordt al gebruikt")];

/// "Komen inwoners of klanten met de tool of de uitkomst in aanraking?"
pub const CITIZENS: &[(&str, &str)] = &[("ja", "Ja"), ("nee", "Nee"), ("weet_niet", "Weet ik niet")];

/// Everyday examples for each data class of the matrix, so that nobody needs the register's words.
pub fn data_class_example(value: &str) -> &'static str {
    match value {
        "dc_openbaar" => "bijvoorbeeld teksten van de website, gepubliceerde besluiten en raadsstukken",
        "dc_intern" => "bijvoorbeeld werkinstructies, interne notities en agenda's van overleggen",
        "dc_vertrouwelijk" => "bijvoorbeeld contracten, beleid in voorbereiding en adviezen aan het bestuur",
        "dc_persoonsgegevens" => "bijvoorbeeld namen, adressen, e-mailadressen of het BSN van inwoners of collega's",
        "dc_bijzondere" => "bijvoorbeeld gegevens over gezondheid, religie, afkomst of strafbare feiten",
        "dc_beveiliging" => "bijvoorbeeld wachtwoorden, netwerktekeningen en gegevens over beveiligingslekken",
        "dc_klant" => "bijvoorbeeld dossiers, aanvragen en brieven van inwoners, bedrijven of klanten",
        "dc_financieel" => "bijvoorbeeld rekeningnummers, betalingen, facturen of creditcardgegevens",
        _ => "",
    }
}

/// The data classes as the request form shows them: column, label and examples.
pub fn data_classes() -> Vec<(&'static str, &'static str, &'static str)> {
    DATA_CLASSES.iter().map(|c| (c.value, c.label, data_class_example(c.value))).collect()
}

/// A request's answers, as checked at the boundary (the form or the API). Saving needs only the tool's name;
/// submitting needs the request's own questions (`missing_for_submission`), never the registration's.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    pub tool_name: String,
    pub purpose: Option<String>,
    pub data_classes: Vec<&'static str>,
    pub department: Option<String>,
    pub user_count: Option<&'static str>,
    pub usage: Option<&'static str>,
    pub supplier: Option<String>,
    pub citizens: Option<&'static str>,
}

impl Answers {
    /// The questions still open before the request can be submitted: (field, message), in the form's order.
    pub fn missing_for_submission(&self) -> Vec<(&'static str, &'static str)> {
        let mut missing = Vec::new();
        if self.purpose.as_deref().is_none_or(|p| p.chars().count() < 10) {
            missing.push(("purpose", "Beschrijf waarvoor u de tool wilt gebruiken (minstens 10 tekens)."));
        }
        if self.data_classes.is_empty() {
            missing.push((
                "data_classes",
                "Kies welke soorten gegevens u in de tool wilt gebruiken (minstens één; alleen openbare informatie kan ook).",
            ));
        }
        if self.department.is_none() {
            missing.push(("department", "Vul in voor welke afdeling de tool is."));
        }
        if self.user_count.is_none() {
            missing.push(("user_count", "Kies ongeveer hoeveel mensen de tool gaan gebruiken."));
        }
        if self.usage.is_none() {
            missing.push(("usage", "Kies of de tool al wordt gebruikt of dat u dat wilt."));
        }
        if self.citizens.is_none() {
            missing.push((
                "citizens",
                "Kies of inwoners of klanten met de tool in aanraking komen (weet ik niet kan ook).",
            ));
        }
        missing
    }
}

/// A label from one of the lists above; the value itself when unknown.
pub fn label(options: &[(&str, &str)], value: &str) -> String {
    super::options::label_in(options, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestStatus::*;

    #[test]
    fn the_life_of_a_request() {
        assert_eq!(transition(Concept, Action::Save, true), Ok(Concept));
        assert_eq!(transition(Concept, Action::Submit, true), Ok(Ingediend));
        assert_eq!(transition(Ingediend, Action::Ask, false), Ok(VraagGesteld));
        assert_eq!(transition(VraagGesteld, Action::Answer, true), Ok(Ingediend));
        assert_eq!(transition(Ingediend, Action::Accept, false), Ok(Geaccepteerd));
        assert_eq!(transition(VraagGesteld, Action::Link, false), Ok(Gekoppeld));
        assert_eq!(transition(Ingediend, Action::Reject, false), Ok(Afgewezen));
    }

    #[test]
    fn refusals_name_the_reason() {
        assert!(transition(Ingediend, Action::Accept, true).unwrap_err().contains("vier-ogen"));
        assert!(transition(Concept, Action::Submit, false).is_err());
        assert!(transition(Concept, Action::Accept, false).is_err());
        assert!(transition(Geaccepteerd, Action::Reject, false).unwrap_err().contains("al behandeld"));
        assert!(transition(Ingediend, Action::Save, true).unwrap_err().contains("al ingediend"));
        assert!(transition(Ingediend, Action::Answer, true).is_err());
        assert!(transition(VraagGesteld, Action::Ask, false).is_err());
        for s in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn submission_needs_only_the_requests_own_questions() {
        let mut a = Answers { tool_name: "Otter.ai".into(), ..Answers::default() };
        let fields: Vec<&str> = a.missing_for_submission().iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["purpose", "data_classes", "department", "user_count", "usage", "citizens"]);
        a.purpose = Some("Notulen maken van teamoverleg".into());
        a.data_classes = vec!["dc_intern"];
        a.department = Some("Burgerzaken".into());
        a.user_count = Some("2-10");
        a.usage = Some("gepland");
        a.citizens = Some("weet_niet");
        assert!(a.missing_for_submission().is_empty(), "the supplier is optional");
        assert!(data_classes().iter().all(|(_, _, example)| example.starts_with("bijvoorbeeld")));
    }
}
