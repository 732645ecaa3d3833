//! The literacy forms, read at the boundary: a training, a requirement, a completion. What needs the database
//! (does the training or the person exist in this organisation) is checked by the handler.

use time::Date;
use uuid::Uuid;

use super::rules::LEVELS;
use crate::register::form::is_https_link;
use crate::register::options::value_in;
use crate::roles::Role;
use crate::web::forms::{FormData, FormErrors};

/// A training, as added or changed.
#[derive(Debug)]
pub struct TrainingInput {
    pub title: String,
    pub provider: Option<String>,
    pub level: &'static str,
    pub duration_minutes: Option<i32>,
    pub validity_months: Option<i32>,
    pub link: Option<String>,
}

/// A whole number in `range`, or None when empty; a message naming the field otherwise.
fn number(errors: &mut FormErrors, field: &'static str, what: &str, v: &str, range: (i32, i32)) -> Option<i32> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<i32>() {
        Ok(n) if (range.0..=range.1).contains(&n) => Some(n),
        _ => {
            errors.add(field, format!("Vul bij {what} een heel getal van {} tot en met {} in.", range.0, range.1));
            None
        }
    }
}

fn link(errors: &mut FormErrors, field: &'static str, what: &str, v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    if !is_https_link(v) {
        errors.add(field, format!("Vul bij {what} een volledige https-link in, zoals https://leren.example.nl/ai."));
    }
    Some(v.to_string())
}

impl TrainingInput {
    /// The training as the audit log records it, when added, changed or removed.
    pub fn audit(&self) -> serde_json::Value {
        serde_json::json!({"title": self.title, "provider": self.provider, "level": self.level,
            "duration_minutes": self.duration_minutes, "validity_months": self.validity_months, "link": self.link})
    }
}

impl TryFrom<&FormData> for TrainingInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let title = errors.required("title", "de titel", input.get("title"), 200);
        let provider = errors.optional("provider", "de aanbieder", input.get("provider"), 200);
        let level = value_in(LEVELS, input.get("level"));
        if level.is_none() {
            errors.add("level", "Kies het niveau: basis, gevorderd of specialistisch.");
        }
        let duration_minutes =
            number(&mut errors, "duration_minutes", "de duur", input.get("duration_minutes"), (1, 100_000));
        let validity_months =
            number(&mut errors, "validity_months", "de geldigheid", input.get("validity_months"), (1, 240));
        let link = link(&mut errors, "link", "de link", input.get("link"));
        match level {
            Some(level) if errors.is_empty() => Ok(Self {
                title,
                provider: Some(provider).filter(|p| !p.is_empty()),
                level,
                duration_minutes,
                validity_months,
                link,
            }),
            _ => Err(errors),
        }
    }
}

/// Who a requirement is for: everyone with a role, or every user of a tool.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    Role(Role),
    Tool(Uuid),
}

#[derive(Debug)]
pub struct RequirementInput {
    pub training_id: Uuid,
    pub target: Target,
}

impl TryFrom<&FormData> for RequirementInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let training_id = Uuid::parse_str(input.get("requirement_training")).ok();
        if training_id.is_none() {
            errors.add("requirement_training", "Kies de training die vereist is.");
        }
        let role = Role::parse(input.get("role")).filter(|_| !input.get("role").is_empty());
        let tool = Uuid::parse_str(input.get("application_id")).ok();
        let target = match (role, tool) {
            (Some(r), None) => Some(Target::Role(r)),
            (None, Some(t)) => Some(Target::Tool(t)),
            (Some(_), Some(_)) => {
                errors.add("role", "Kies een rol óf een tool, niet allebei.");
                None
            }
            (None, None) => {
                errors.add("role", "Kies de rol of de tool waarvoor de training vereist is.");
                None
            }
        };
        match (training_id, target) {
            (Some(training_id), Some(target)) if errors.is_empty() => Ok(Self { training_id, target }),
            _ => Err(errors),
        }
    }
}

/// A completion: which training, when, the evidence; for the administrator also whose.
#[derive(Debug)]
pub struct CompletionInput {
    pub training_id: Uuid,
    pub completed_on: Date,
    pub evidence_link: Option<String>,
    /// Only on the administrator's form.
    pub user_id: Option<Uuid>,
}

impl CompletionInput {
    /// `for_someone`: the administrator's form, which names the person; `today` bounds the date.
    pub fn read(input: &FormData, for_someone: bool, today: Date) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let user_id = Uuid::parse_str(input.get("user_id")).ok();
        if for_someone && user_id.is_none() {
            errors.add("user_id", "Kies de medewerker die de training heeft gevolgd.");
        }
        let training_id = Uuid::parse_str(input.get("training_id")).ok();
        if training_id.is_none() {
            errors.add("training_id", "Kies de training die is gevolgd.");
        }
        let completed_on = errors.date("completed_on", "de datum van afronding", input.get("completed_on"));
        match completed_on {
            None if errors.get("completed_on").is_none() => {
                errors.add("completed_on", "Vul de datum van afronding in.");
            }
            Some(d) if d > today => errors.add("completed_on", "De datum van afronding ligt in de toekomst."),
            Some(d) if d.year() < 1990 => {
                errors.add("completed_on", "Vul bij de datum van afronding een datum na 1990 in.")
            }
            _ => {}
        }
        let evidence_link = link(&mut errors, "evidence_link", "het bewijs", input.get("evidence_link"));
        match (training_id, completed_on) {
            (Some(training_id), Some(completed_on)) if errors.is_empty() => {
                Ok(Self { training_id, completed_on, evidence_link, user_id: if for_someone { user_id } else { None } })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn a_training_needs_a_title_and_level_and_sane_numbers() {
        let ok = TrainingInput::try_from(&form(&[
            ("title", " Basistraining AI "),
            ("level", "basis"),
            ("duration_minutes", "90"),
            ("validity_months", "24"),
            ("link", "https://leren.example.nl/ai"),
        ]))
        .unwrap();
        assert_eq!((ok.title.as_str(), ok.level, ok.validity_months), ("Basistraining AI", "basis", Some(24)));
        let bad =
            TrainingInput::try_from(&form(&[("level", "expert"), ("validity_months", "0"), ("link", "http://x")]))
                .unwrap_err();
        for f in ["title", "level", "validity_months", "link"] {
            assert!(bad.get(f).is_some(), "{f}");
        }
    }

    #[test]
    fn a_requirement_is_for_a_role_or_a_tool() {
        let t = Uuid::now_v7().to_string();
        let r = RequirementInput::try_from(&form(&[("requirement_training", &t), ("role", "ciso")])).unwrap();
        assert_eq!(r.target, Target::Role(Role::Ciso));
        let both = form(&[("requirement_training", &t), ("role", "ciso"), ("application_id", &t)]);
        assert!(RequirementInput::try_from(&both).unwrap_err().get("role").is_some());
        assert!(RequirementInput::try_from(&form(&[("requirement_training", &t)])).is_err());
    }

    #[test]
    fn a_completion_has_a_date_not_in_the_future() {
        let t = Uuid::now_v7().to_string();
        let today = date!(2026 - 06 - 01);
        let ok = CompletionInput::read(&form(&[("training_id", &t), ("completed_on", "2026-05-31")]), false, today);
        assert_eq!(ok.unwrap().completed_on, date!(2026 - 05 - 31));
        for d in ["", "2026-06-02", "31-05-2026", "1980-01-01"] {
            let e = CompletionInput::read(&form(&[("training_id", &t), ("completed_on", d)]), false, today);
            assert!(e.unwrap_err().get("completed_on").is_some(), "{d}");
        }
        let e = CompletionInput::read(&form(&[("training_id", &t), ("completed_on", "2026-05-01")]), true, today);
        assert!(e.unwrap_err().get("user_id").is_some());
    }
}
