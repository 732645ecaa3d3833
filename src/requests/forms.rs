//! The request's forms, read at the boundary: the request itself (saved at any moment with only the tool's
//! name; submitted with the request's own questions answered), the requester's answer, and the CISO's triage
//! steps (accept with an owner or an invitation, link to a registration, ask, reject). The REST API builds the
//! same `FormData` from its JSON, so both check alike.

use crate::register::fields::DATA_CLASSES;
use crate::register::form::FormData;
use crate::register::options::value_in;
use crate::register::requests::{Answers, CITIZENS, USAGES, USER_COUNTS};
use crate::web::forms::FormErrors;

/// The request form: its answers, whether to submit, and the version the requester saw (when editing).
pub struct RequestInput {
    pub answers: Answers,
    pub submit: bool,
    pub version: i32,
}

/// A choice from one of the request's lists; an unknown value is named on its field.
fn pick(
    errors: &mut FormErrors,
    field: &'static str,
    options: &[(&'static str, &str)],
    raw: &str,
    message: &str,
) -> Option<&'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let v = value_in(options, raw);
    if v.is_none() {
        errors.add(field, message);
    }
    v
}

fn some(v: String) -> Option<String> {
    Some(v).filter(|v| !v.is_empty())
}

impl TryFrom<&FormData> for RequestInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let tool_name = errors.required("tool_name", "de naam van de tool", input.get("tool_name"), 100);
        let purpose = some(errors.optional("purpose", "waarvoor u de tool wilt gebruiken", input.get("purpose"), 2000));
        let mut data_classes = Vec::new();
        for v in input.all("data_classes") {
            match DATA_CLASSES.iter().find(|c| c.value == v.trim()) {
                Some(c) if !data_classes.contains(&c.value) => data_classes.push(c.value),
                Some(_) => {}
                None => errors.add("data_classes", "Kies bij de soorten gegevens alleen uit de lijst."),
            }
        }
        // In the matrix's order, whatever order the browser sent them in.
        data_classes.sort_by_key(|v| DATA_CLASSES.iter().position(|c| c.value == *v));
        let department = some(errors.optional("department", "de afdeling", input.get("department"), 100));
        let user_count = pick(
            &mut errors,
            "user_count",
            USER_COUNTS,
            input.get("user_count"),
            "Kies ongeveer hoeveel mensen de tool gaan gebruiken.",
        );
        let usage = pick(
            &mut errors,
            "usage",
            USAGES,
            input.get("usage"),
            "Kies of de tool al wordt gebruikt of dat u dat wilt.",
        );
        let supplier = some(errors.optional("supplier", "de leverancier of link", input.get("supplier"), 300));
        let citizens = pick(&mut errors, "citizens", CITIZENS, input.get("citizens"), "Kies ja, nee of weet ik niet.");
        let answers = Answers { tool_name, purpose, data_classes, department, user_count, usage, supplier, citizens };
        let submit = input.get("actie") == "indienen";
        if submit {
            for (field, message) in answers.missing_for_submission() {
                errors.add(field, message);
            }
        }
        let version = input.get("version").parse().unwrap_or(-1);
        if errors.is_empty() { Ok(Self { answers, submit, version }) } else { Err(errors) }
    }
}

/// The requester's answer to the CISO's question, or the CISO's question.
pub struct MessageInput {
    pub text: String,
    pub version: i32,
}

impl MessageInput {
    fn read(input: &FormData, field: &'static str, what: &str) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let text = errors.note(field, what, input.get(field), 2, 5000);
        let version = input.get("version").parse().unwrap_or(-1);
        if errors.is_empty() { Ok(Self { text, version }) } else { Err(errors) }
    }

    pub fn question(input: &FormData) -> Result<Self, FormErrors> {
        Self::read(input, "question", "uw vraag aan de aanvrager")
    }

    pub fn answer(input: &FormData) -> Result<Self, FormErrors> {
        Self::read(input, "answer", "uw antwoord")
    }
}

/// Who becomes the owner on acceptance: a member chosen from the list, or a new person invited by name and
/// e-mail address (an account with the roles medewerker and projectleider and an activation link).
pub enum Owner {
    Member(String),
    Invite { name: String, email: String },
}

pub struct AcceptInput {
    pub owner: Owner,
    pub version: i32,
}

impl TryFrom<&FormData> for AcceptInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let version = input.get("version").parse().unwrap_or(-1);
        let chosen = input.get("owner_id").trim();
        let (name, email) = (input.get("invite_name").trim(), input.get("invite_email").trim());
        let owner = match (chosen.is_empty(), name.is_empty() && email.is_empty()) {
            // Typed (a name, e-mail address or "Name (e-mail)" from the suggestions) or an id; the handler
            // resolves it against the organisation's members (register::people).
            (false, true) => Some(Owner::Member(chosen.to_string())),
            (true, false) => {
                let name = errors.required("invite_name", "de naam van de nieuwe eigenaar", name, 200);
                let email = errors.email("invite_email", "het e-mailadres van de nieuwe eigenaar", email);
                Some(Owner::Invite { name, email })
            }
            (false, false) => {
                errors.add("owner_id", "Kies een eigenaar óf nodig iemand uit met naam en e-mailadres, niet allebei.");
                None
            }
            (true, true) => {
                errors.add(
                    "owner_id",
                    "Kies wie de registratie aanvult (meestal een projectleider), of nodig iemand uit met naam en e-mailadres.",
                );
                None
            }
        };
        match owner {
            Some(owner) if errors.is_empty() => Ok(Self { owner, version }),
            _ => Err(errors),
        }
    }
}

/// "Valt onder bestaande registratie": which one (a chosen registration's id, or the search text when it names
/// one: `register::pick::resolve`), and optionally what the CISO adds for the requester.
pub struct LinkInput {
    pub chosen: String,
    pub typed: String,
    pub note: Option<String>,
    pub version: i32,
}

impl TryFrom<&FormData> for LinkInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let (chosen, typed) = crate::register::pick::sent(input, "application_id");
        let (chosen, typed) = (chosen.trim(), typed.trim());
        if chosen.is_empty() && typed.is_empty() {
            errors.add("application_id", "Kies de registratie waar de aanvraag onder valt.");
        }
        let note = some(errors.optional("link_note", "de toelichting voor de aanvrager", input.get("link_note"), 2000));
        let version = input.get("version").parse().unwrap_or(-1);
        if errors.is_empty() {
            Ok(Self { chosen: chosen.to_string(), typed: typed.to_string(), note, version })
        } else {
            Err(errors)
        }
    }
}

/// A rejection and its reason (required: the requester reads it).
pub struct RejectInput {
    pub reason: String,
    pub version: i32,
}

impl TryFrom<&FormData> for RejectInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let reason = errors.note("reason", "de reden van de afwijzing", input.get("reason"), 5, 2000);
        let version = input.get("version").parse().unwrap_or(-1);
        if errors.is_empty() { Ok(Self { reason, version }) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn a_concept_needs_only_the_name_and_a_submission_the_requests_questions() {
        let saved = RequestInput::try_from(&form(&[("tool_name", " Otter.ai ")])).ok().unwrap();
        assert_eq!(saved.answers.tool_name, "Otter.ai");
        assert!(!saved.submit);
        let e = RequestInput::try_from(&form(&[("tool_name", ""), ("actie", "indienen")])).err().unwrap();
        for f in ["tool_name", "purpose", "data_classes", "department", "user_count", "usage", "citizens"] {
            assert!(e.get(f).is_some(), "{f} is named");
        }
        assert!(e.get("supplier").is_none());
        let ok = RequestInput::try_from(&form(&[
            ("tool_name", "Otter.ai"),
            ("purpose", "Notulen van teamoverleg maken"),
            ("data_classes", "dc_persoonsgegevens"),
            ("data_classes", "dc_intern"),
            ("department", "Burgerzaken"),
            ("user_count", "2-10"),
            ("usage", "gepland"),
            ("citizens", "nee"),
            ("actie", "indienen"),
        ]))
        .ok()
        .unwrap();
        assert!(ok.submit);
        assert_eq!(ok.answers.data_classes, ["dc_intern", "dc_persoonsgegevens"]);
    }

    #[test]
    fn unknown_values_are_named_on_their_field() {
        let e = RequestInput::try_from(&form(&[
            ("tool_name", "X"),
            ("data_classes", "dc_geheim"),
            ("user_count", "duizend"),
            ("usage", "misschien"),
            ("citizens", "soms"),
        ]))
        .err()
        .unwrap();
        for f in ["data_classes", "user_count", "usage", "citizens"] {
            assert!(e.get(f).is_some(), "{f} is named");
        }
    }

    #[test]
    fn the_owner_is_chosen_or_invited_not_both() {
        assert!(AcceptInput::try_from(&form(&[])).err().unwrap().get("owner_id").is_some());
        let both = form(&[("owner_id", &Uuid::nil().to_string()), ("invite_name", "Jan"), ("invite_email", "j@x.nl")]);
        assert!(AcceptInput::try_from(&both).is_err());
        let bad = AcceptInput::try_from(&form(&[("invite_name", "Jan"), ("invite_email", "geen")])).err().unwrap();
        assert!(bad.get("invite_email").is_some());
        let invite = AcceptInput::try_from(&form(&[("invite_name", "Jan"), ("invite_email", "Jan@Gemeente.nl")])).ok();
        assert!(matches!(invite.unwrap().owner, Owner::Invite { ref email, .. } if email == "jan@gemeente.nl"));
        assert!(RejectInput::try_from(&form(&[("reason", "nee")])).is_err());
        assert!(LinkInput::try_from(&form(&[])).err().unwrap().get("application_id").is_some());
        // Any text is resolved against the register later (register::pick::resolve).
        assert!(LinkInput::try_from(&form(&[("application_id_zoek", "x")])).is_ok());
    }
}
