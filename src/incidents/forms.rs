//! The incident forms, read at the boundary: reporting, handling and suspending a tool. What needs the stored
//! incident (its current status, its version) is checked by the handler; the rest is checked here.

use crate::register::form::FormData;
use crate::register::options::value_in;
use crate::web::forms::FormErrors;

use super::{KINDS, SEVERITIES, STATUSES};

/// A new incident: its kind, severity and what happened.
pub struct ReportInput {
    pub kind: &'static str,
    pub severity: &'static str,
    pub description: String,
}

impl TryFrom<&FormData> for ReportInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let kind = value_in(KINDS, input.get("kind"));
        if kind.is_none() {
            errors.add("kind", "Kies het soort incident.");
        }
        let severity = value_in(SEVERITIES, input.get("severity"));
        if severity.is_none() {
            errors.add("severity", "Kies de ernst: laag, middel, hoog of kritiek.");
        }
        let description = errors.note("description", "wat er is gebeurd", input.get("description"), 10, 5000);
        match (kind, severity) {
            (Some(kind), Some(severity)) if errors.is_empty() => Ok(Self { kind, severity, description }),
            _ => Err(errors),
        }
    }
}

/// A step in handling an incident. The handling form sits at each incident in a list, so a refusal is shown at
/// that incident (one message) rather than as field errors.
pub struct HandleInput {
    /// The status as posted (kept to show it again).
    pub status: String,
    pub note: String,
    /// The note as typed, untrimmed, to show it again.
    pub note_typed: String,
    pub version: i32,
    /// Posted from the registration's incident tab (back there afterwards), not the overview.
    pub from_register: bool,
}

impl From<&FormData> for HandleInput {
    fn from(input: &FormData) -> Self {
        Self {
            status: input.get("status").to_string(),
            note: input.get("handling_note").trim().to_string(),
            note_typed: input.get("handling_note").to_string(),
            version: input.get("version").parse().unwrap_or(-1),
            from_register: input.get("terug") == "register",
        }
    }
}

impl HandleInput {
    /// The new status, or why this step is refused given the incident's `current` status.
    pub fn check(&self, current: &str) -> Result<&'static str, &'static str> {
        let status =
            value_in(STATUSES, &self.status).ok_or("Kies een status: gemeld, in behandeling of afgehandeld.")?;
        if self.note.chars().count() > 5000 {
            Err("De toelichting op de afhandeling mag hoogstens 5000 tekens lang zijn.")
        } else if status == "afgehandeld" && self.note.chars().count() < 5 {
            Err("Beschrijf bij het afhandelen wat er is gedaan (minstens 5 tekens).")
        } else if status == "gemeld" && current != "gemeld" {
            // Forward only; a handled incident can be reopened as "in behandeling".
            Err(
                "Een incident in behandeling of afgehandeld gaat niet terug naar „gemeld”. Heropen het met status „in behandeling”.",
            )
        } else {
            Ok(status)
        }
    }
}

/// "Tijdelijk niet gebruiken": the reason everyone will see.
pub struct SuspendInput {
    pub reason: String,
}

impl TryFrom<&FormData> for SuspendInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let reason = errors.note("suspension_reason", "de reden", input.get("suspension_reason"), 5, 1000);
        if errors.is_empty() { Ok(Self { reason }) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn a_report_needs_a_known_kind_and_severity_and_a_description() {
        let ok = ReportInput::try_from(&form(&[
            ("kind", "datalek"),
            ("severity", "hoog"),
            ("description", "Gegevens gedeeld met derden."),
        ]))
        .expect("valid report");
        assert_eq!((ok.kind, ok.severity), ("datalek", "hoog"));
        let bad = ReportInput::try_from(&form(&[("kind", "x"), ("severity", "y")])).err().unwrap();
        assert!(bad.get("kind").is_some() && bad.get("severity").is_some() && bad.get("description").is_some());
        assert!(SuspendInput::try_from(&form(&[("suspension_reason", "kort")])).is_err());
    }

    #[test]
    fn handling_goes_forward_and_a_closure_says_what_was_done() {
        let step = |status: &str, note: &str| HandleInput::from(&form(&[("status", status), ("handling_note", note)]));
        assert_eq!(step("in_behandeling", "").check("gemeld"), Ok("in_behandeling"));
        assert!(step("afgehandeld", "ok").check("in_behandeling").is_err());
        assert_eq!(step("afgehandeld", "Contract aangepast.").check("in_behandeling"), Ok("afgehandeld"));
        assert!(step("gemeld", "").check("afgehandeld").is_err());
        assert!(step("weg", "").check("gemeld").is_err());
    }
}
