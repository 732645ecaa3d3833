//! The fixed fields of a questionnaire part's form, read at the boundary: which part was posted, the version
//! it was loaded with, and the button pressed. The answers themselves stay a `FormData` (one field per
//! question of a YAML-defined questionnaire) and are read against the definition by `pages::answers`.
//!
//! Nothing here can be refused: a missing part is the first, an unknown button a plain save, and a missing
//! or garbled version a stale form, which the handler answers with 409 after comparing it with the stored
//! row. So the conversion is `From` (and with it the standard `TryFrom` that cannot fail).

use crate::register::form::FormData;

/// What to do after saving the part (the `actie` button).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `opslaan`, or any other value: save and stay on the part.
    Save,
    /// `volgende`: save and go to the next part.
    Next,
    /// `afronden`: save and complete the questionnaire, if every choice is made.
    Complete,
    /// `heropenen`: reopen a completed questionnaire (nothing else is read).
    Reopen,
    /// `toevoegen:<id>`: save and add one more instance of the repeatable part `<id>`.
    Add(String),
}

/// A questionnaire part's form, apart from its answers.
#[derive(Debug)]
pub struct SaveInput {
    /// The part's index (`deel`); the first when missing.
    pub section: usize,
    /// The questionnaire's version the form was loaded with; `None` never matches.
    pub version: Option<i32>,
    pub action: Action,
}

impl From<&FormData> for SaveInput {
    fn from(input: &FormData) -> Self {
        let action = match input.get("actie") {
            "volgende" => Action::Next,
            "afronden" => Action::Complete,
            "heropenen" => Action::Reopen,
            other => match other.strip_prefix("toevoegen:") {
                Some(group) => Action::Add(group.to_string()),
                None => Action::Save,
            },
        };
        Self { section: input.get("deel").parse().unwrap_or(0), version: input.get("version").parse().ok(), action }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn the_buttons_become_actions() {
        let read = |actie: &str| SaveInput::from(&form(&[("actie", actie)])).action;
        assert_eq!(read("opslaan"), Action::Save);
        assert_eq!(read(""), Action::Save);
        assert_eq!(read("volgende"), Action::Next);
        assert_eq!(read("afronden"), Action::Complete);
        assert_eq!(read("heropenen"), Action::Reopen);
        assert_eq!(read("toevoegen:2.1"), Action::Add("2.1".into()));
    }

    #[test]
    fn part_and_version_default_to_the_first_part_and_no_version() {
        let input = SaveInput::from(&form(&[("deel", "3"), ("version", "7")]));
        assert_eq!((input.section, input.version), (3, Some(7)));
        let input = SaveInput::from(&form(&[("deel", "x"), ("version", "")]));
        assert_eq!((input.section, input.version), (0, None));
    }
}
