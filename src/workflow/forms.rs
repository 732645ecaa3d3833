//! The review tab's fixed forms, read at the boundary: `TryFrom<&FormData>` turns the posted fields into the
//! values the domain takes, or gives every field error in Dutch (the page then comes back filled in). What
//! needs the stored registration (its status, version, four-eyes) is checked by the handler after locking it.

use time::{Date, Duration};

use crate::register::fields::label_in;
use crate::register::form::FormData;
use crate::register::machine::Action;
use crate::register::options::value_in;
use crate::web::forms::FormErrors;
use crate::web::today;

pub const ADVICE: &[(&str, &str)] =
    &[("positief", "Positief"), ("negatief", "Negatief"), ("geen_bezwaar", "Geen bezwaar")];
pub const EVALUATION_OUTCOMES: &[(&str, &str)] =
    &[("voortzetten", "Voortzetten"), ("aanpassen", "Voortzetten met aanpassingen"), ("stoppen", "Stoppen")];

/// One year later (29 February becomes 28 February).
pub fn a_year_after(d: Date) -> Date {
    d.replace_year(d.year() + 1).ok().or_else(|| d.checked_add(Duration::days(365))).unwrap_or(d)
}

/// The CISO's decision as posted. Unlike the other forms it is read with its errors beside it: once the
/// registration is locked the handler adds what the gates still miss (and asks for a reason to depart from a
/// negative FG advice), so the CISO sees every problem at once.
pub struct DecisionInput {
    pub action: Option<Action>,
    pub note: Option<String>,
    pub next_evaluation: Option<Date>,
    /// By when the conditions must be met (only with an approval under conditions).
    pub conditions_due: Option<Date>,
    against_fg_reason: String,
}

impl DecisionInput {
    pub fn read(input: &FormData) -> (Self, FormErrors) {
        let mut errors = FormErrors::new();
        let action = Action::decision(input.get("beslissing"));
        if action.is_none() {
            errors.add(
                "beslissing",
                "Kies een besluit: goedkeuren, goedkeuren onder voorwaarden, afwijzen of terugsturen.",
            );
        }
        let raw = input.get("toelichting");
        let why = match action {
            Some(Action::ApproveWithConditions) => Some("de voorwaarden"),
            Some(Action::Reject) => Some("de reden van afwijzing"),
            Some(Action::Return) => Some("de vragen aan de indiener"),
            _ => None,
        };
        let note = match why {
            Some(why) => Some(errors.note("toelichting", why, raw, 5, 5000)),
            None => Some(raw.trim().to_string()).filter(|n| !n.is_empty()),
        };
        if note.as_ref().is_some_and(|n| n.chars().count() > 5000) {
            errors.add("toelichting", "De toelichting mag hoogstens 5000 tekens lang zijn.");
        }
        let next_evaluation = errors.date("volgende_evaluatie", "volgende evaluatie", input.get("volgende_evaluatie"));
        if next_evaluation.is_some_and(|d| d <= today()) {
            errors.add("volgende_evaluatie", "De volgende evaluatie moet na vandaag liggen.");
        }
        let due = errors.date("voorwaarden_termijn", "de termijn van de voorwaarden", input.get("voorwaarden_termijn"));
        let conditions_due = due.filter(|_| action == Some(Action::ApproveWithConditions));
        if conditions_due.is_some_and(|d| d <= today()) {
            errors.add("voorwaarden_termijn", "De termijn van de voorwaarden moet na vandaag liggen.");
        }
        let against_fg_reason = input.get("tegen_fg_reden").to_string();
        (Self { action, note, next_evaluation, conditions_due, against_fg_reason }, errors)
    }

    /// Approving against a negative FG advice needs a reason (10 to 5000 characters).
    pub fn against_fg(&self, errors: &mut FormErrors) -> String {
        let why = "de reden om af te wijken van het negatieve FG-advies";
        errors.note("tegen_fg_reden", why, &self.against_fg_reason, 10, 5000)
    }
}

/// The FG's advice: one of `ADVICE`, with an explanation.
pub struct AdviceInput {
    pub advice: &'static str,
    pub note: String,
}

impl AdviceInput {
    /// As people read it ("Geen bezwaar").
    pub fn label(&self) -> String {
        label_in(ADVICE, self.advice)
    }
}

impl TryFrom<&FormData> for AdviceInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let advice = value_in(ADVICE, input.get("advies"));
        if advice.is_none() {
            errors.add("advies", "Kies een advies: positief, negatief of geen bezwaar.");
        }
        let note =
            errors.note("advies_toelichting", "de toelichting op het advies", input.get("advies_toelichting"), 5, 5000);
        match advice {
            Some(advice) if errors.is_empty() => Ok(Self { advice, note }),
            _ => Err(errors),
        }
    }
}

/// The directie's consent; a refusal needs a reason, a consent may have a remark.
pub struct ConsentInput {
    pub consent: bool,
    pub note: Option<String>,
}

impl TryFrom<&FormData> for ConsentInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let consent = match input.get("toestemming") {
            "ja" => Some(true),
            "nee" => Some(false),
            _ => {
                errors.add("toestemming", "Kies of de directie toestemming geeft.");
                None
            }
        };
        let raw = input.get("toestemming_toelichting").trim();
        let note = if consent == Some(false) {
            let why = "de reden waarom de directie geen toestemming geeft";
            Some(errors.note("toestemming_toelichting", why, raw, 5, 5000))
        } else {
            if raw.chars().count() > 5000 {
                errors.add("toestemming_toelichting", "De toelichting mag hoogstens 5000 tekens lang zijn.");
            }
            Some(raw.to_string()).filter(|n| !n.is_empty())
        };
        match consent {
            Some(consent) if errors.is_empty() => Ok(Self { consent, note }),
            _ => Err(errors),
        }
    }
}

/// An evaluation: its date (today when left empty, never in the future), outcome, findings, and the next
/// date (a year later when left empty, always after this one).
pub struct EvaluationInput {
    pub on: Date,
    pub outcome: &'static str,
    pub note: String,
    pub next: Date,
}

impl EvaluationInput {
    /// How the audit trail states it: "Voortzetten (12-03-2026): …".
    pub fn line(&self) -> String {
        format!("{} ({}): {}", label_in(EVALUATION_OUTCOMES, self.outcome), crate::web::format_date(self.on), self.note)
    }
}

impl TryFrom<&FormData> for EvaluationInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let today = today();
        let mut errors = FormErrors::new();
        let on =
            errors.date("evaluatie_datum", "de datum van de evaluatie", input.get("evaluatie_datum")).unwrap_or(today);
        if on > today {
            errors.add("evaluatie_datum", "De evaluatie kan niet in de toekomst liggen.");
        }
        let outcome = value_in(EVALUATION_OUTCOMES, input.get("uitkomst"));
        if outcome.is_none() {
            errors.add("uitkomst", "Kies de uitkomst van de evaluatie.");
        }
        let note = errors.note("evaluatie_toelichting", "de bevindingen", input.get("evaluatie_toelichting"), 5, 5000);
        let next = match errors.date("evaluatie_volgende", "de volgende evaluatie", input.get("evaluatie_volgende")) {
            Some(d) if d <= on => {
                errors.add("evaluatie_volgende", "De volgende evaluatie moet na deze evaluatie liggen.");
                d
            }
            Some(d) => d,
            None => a_year_after(on),
        };
        match outcome {
            Some(outcome) if errors.is_empty() => Ok(Self { on, outcome, note, next }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn advice_needs_a_known_value_and_an_explanation() {
        let ok = AdviceInput::try_from(&form(&[("advies", "negatief"), ("advies_toelichting", "Geen DPIA.")]));
        let ok = ok.expect("valid advice");
        assert_eq!((ok.advice, ok.label().as_str(), ok.note.as_str()), ("negatief", "Negatief", "Geen DPIA."));
        let bad = AdviceInput::try_from(&form(&[("advies", "misschien"), ("advies_toelichting", "")])).err().unwrap();
        assert!(bad.get("advies").is_some() && bad.get("advies_toelichting").is_some());
    }

    #[test]
    fn a_refusal_needs_a_reason_and_a_consent_does_not() {
        let yes = ConsentInput::try_from(&form(&[("toestemming", "ja")])).expect("consent without remark");
        assert!(yes.consent && yes.note.is_none());
        let no = ConsentInput::try_from(&form(&[("toestemming", "nee")])).err().expect("refusal without reason");
        assert!(no.get("toestemming_toelichting").is_some());
        assert!(ConsentInput::try_from(&form(&[])).err().unwrap().get("toestemming").is_some());
    }

    #[test]
    fn a_decision_names_what_its_explanation_must_say() {
        let (d, errors) = DecisionInput::read(&form(&[("beslissing", "goedgekeurd")]));
        assert!(errors.is_empty() && d.action == Some(Action::Approve) && d.note.is_none());
        let (d, errors) = DecisionInput::read(&form(&[("beslissing", "afgewezen"), ("toelichting", "nee")]));
        assert_eq!(d.action, Some(Action::Reject));
        assert!(errors.get("toelichting").is_some_and(|m| m.contains("reden van afwijzing")));
        let (d, errors) = DecisionInput::read(&form(&[("beslissing", "?"), ("volgende_evaluatie", "2000-01-01")]));
        assert!(d.action.is_none() && errors.get("beslissing").is_some());
        assert!(errors.get("volgende_evaluatie").is_some());
        let mut errors = FormErrors::new();
        assert_eq!(d.against_fg(&mut errors), "");
        assert!(errors.get("tegen_fg_reden").is_some());
    }

    #[test]
    fn a_deadline_for_conditions_is_kept_only_with_conditions_and_only_in_the_future() {
        let with = |decision: &str, due: &str| {
            DecisionInput::read(&form(&[
                ("beslissing", decision),
                ("toelichting", "Alleen openbare gegevens."),
                ("voorwaarden_termijn", due),
            ]))
        };
        let (d, errors) = with("goedgekeurd_onder_voorwaarden", "2199-01-31");
        assert!(errors.is_empty() && d.conditions_due.is_some());
        let (d, errors) = with("goedgekeurd", "2199-01-31");
        assert!(errors.is_empty() && d.conditions_due.is_none(), "ignored without conditions");
        let (_, errors) = with("goedgekeurd_onder_voorwaarden", "2000-01-31");
        assert!(errors.get("voorwaarden_termijn").is_some());
    }

    #[test]
    fn a_year_later_never_panics() {
        use time::macros::date;
        assert_eq!(a_year_after(date!(2026 - 03 - 31)), date!(2027 - 03 - 31));
        assert_eq!(a_year_after(date!(2028 - 02 - 29)), date!(2029 - 02 - 28));
        assert_eq!(a_year_after(date!(9999 - 06 - 01)), date!(9999 - 06 - 01));
    }

    #[test]
    fn an_evaluation_defaults_to_today_and_a_year_later() {
        let e =
            EvaluationInput::try_from(&form(&[("uitkomst", "voortzetten"), ("evaluatie_toelichting", "Werkt goed.")]))
                .expect("valid evaluation");
        let today = today();
        assert_eq!((e.on, e.next), (today, a_year_after(today)));
        let bad = EvaluationInput::try_from(&form(&[
            ("uitkomst", "voortzetten"),
            ("evaluatie_toelichting", "Werkt goed."),
            ("evaluatie_volgende", "2000-01-01"),
        ]))
        .err()
        .expect("next date before the evaluation");
        assert!(bad.get("evaluatie_volgende").is_some());
    }
}
