//! A draft saves what is valid: the fields with an error keep their stored value, the rest is saved, and the
//! errors come back with the input as typed. Submission and later edits stay strict (`form::validate`).

use serde_json::{Map, Value};

use super::form::{FormData, Member};
use super::rasci::RasciEntry;
use crate::web::forms::FormErrors;

/// A draft keeps what is valid: `form` validated, with every field that has an error taken from `base` (the
/// stored input) instead, so the rest is saved. Returns the values to store, the RASCI, and the errors of the
/// input as typed (to show with the typed values); `None` when even the fallback does not validate.
pub fn validate_keeping_valid(
    form: &FormData,
    base: &FormData,
    members: &[Member],
) -> Option<(Map<String, Value>, Vec<RasciEntry>, FormErrors)> {
    let mut typed_errors = FormErrors::new();
    let mut values = super::form::validate(form, members, &mut typed_errors);
    let mut rasci = super::rasci::parse(form, members, &mut typed_errors);
    let mut errors = typed_errors.clone();
    let mut repaired = form.clone();
    // A fallback can bring a cross-field error of its own (an end before the begin): a few rounds settle it.
    for _ in 0..3 {
        if errors.is_empty() {
            return Some((values, rasci, typed_errors));
        }
        let keys: Vec<String> = errors.iter().flat_map(|(k, _)| form_keys_of(k)).collect();
        repaired.0.retain(|(k, _)| !keys.contains(k));
        repaired.0.extend(base.0.iter().filter(|(k, _)| keys.contains(k)).cloned());
        errors = FormErrors::new();
        values = super::form::validate(&repaired, members, &mut errors);
        rasci = super::rasci::parse(&repaired, members, &mut errors);
    }
    errors.is_empty().then_some((values, rasci, typed_errors))
}

/// The form keys behind an error key: the field, its reference rows, or a RASCI letter's two inputs.
fn form_keys_of(key: &str) -> Vec<String> {
    if key.starts_with("rasci_") {
        return vec![format!("{key}_user"), format!("{key}_function")];
    }
    vec![key.to_string(), format!("{key}_title"), format!("{key}_link")]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn a_draft_keeps_what_is_valid() {
        let base = form(&[("name", "Copilot"), ("description_short", "Assistent"), ("begin_date", "2024-01")]);
        let typed = form(&[
            ("name", "Copilot Pro"),
            ("description_short", "Assistent"),
            ("begin_date", "maart 2025"),
            ("provider", "Microsoft"),
        ]);
        let (values, _, errors) = validate_keeping_valid(&typed, &base, &[]).expect("the rest saves");
        assert_eq!(values["name"], json!("Copilot Pro"));
        assert_eq!(values["provider"], json!("Microsoft"));
        assert_eq!(values["begin_date"], json!("2024-01"), "the stored month stays");
        assert!(errors.get("begin_date").unwrap().contains("jjjj-mm"));
    }
}
