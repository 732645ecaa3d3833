//! The assessment form, read at the boundary: `TryFrom<&FormData>` turns the posted fields into the values
//! that are written, or gives every field error in Dutch (the page then comes back filled in). The uploaded
//! report and what needs the stored assessment (its version, a kept document) are checked by the handler.

use time::Date;

use super::{KINDS, RESIDUAL, Row, STATUSES};
use crate::register::form::{FormData, is_https_link};
use crate::web::forms::FormErrors;

/// The validated assessment, ready to write.
pub struct AssessmentInput {
    pub kind: String,
    pub other_name: Option<String>,
    pub status: String,
    pub started_on: Option<Date>,
    pub completed_on: Option<Date>,
    pub performed_by: Option<String>,
    pub outcome: Option<String>,
    pub residual_risk: Option<String>,
    pub link: Option<String>,
    pub publishable: bool,
}

/// A trimmed text, None when empty.
fn opt(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|s| !s.is_empty())
}

impl AssessmentInput {
    /// Whether the form gives a link (valid or not): a link and a document exclude each other.
    pub fn gives_link(f: &FormData) -> bool {
        opt(f.get("link")).is_some()
    }
}

impl TryFrom<&FormData> for AssessmentInput {
    type Error = FormErrors;

    fn try_from(f: &FormData) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let kind = f.get("kind").to_string();
        if !KINDS.iter().any(|(k, _)| *k == kind) {
            errors.add("kind", "Kies het soort assessment.");
        }
        let other_name = if kind == "anders" {
            let n = errors.required("other_name", "de naam van het assessment", f.get("other_name"), 100);
            Some(n)
        } else {
            None
        };
        let status = f.get("status").to_string();
        if !STATUSES.iter().any(|(k, _)| *k == status) {
            errors.add("status", "Kies de status: niet gestart, in uitvoering of afgerond.");
        }
        let (started_on, completed_on) = dates(f, &mut errors);
        let outcome = opt(f.get("outcome"));
        if status == "afgerond" {
            if completed_on.is_none() && errors.get("completed_on").is_none() {
                errors.add("completed_on", "Vul de datum van afronding in: het assessment is afgerond.");
            }
            if outcome.is_none() {
                errors.add("outcome", "Vul de uitkomst in: het assessment is afgerond.");
            }
        }
        if outcome.as_ref().is_some_and(|o| o.chars().count() > 5000) {
            errors.add("outcome", "De uitkomst mag hoogstens 5000 tekens lang zijn.");
        }
        let performed_by = opt(f.get("performed_by"));
        if performed_by.as_ref().is_some_and(|p| p.chars().count() > 200) {
            errors.add("performed_by", "Uitgevoerd door mag hoogstens 200 tekens lang zijn.");
        }
        let residual_risk = opt(f.get("residual_risk"));
        if residual_risk.as_deref().is_some_and(|r| !RESIDUAL.iter().any(|(k, _)| *k == r)) {
            errors.add("residual_risk", "Kies laag, middel of hoog als restrisico.");
        }
        let link = opt(f.get("link"));
        if link.as_deref().is_some_and(|l| !is_https_link(l)) {
            errors.add("link", "Vul een volledige https-link in, zoals https://intranet.gemeente.nl/dpia.pdf.");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            kind,
            other_name,
            status,
            started_on,
            completed_on,
            performed_by,
            outcome,
            residual_risk,
            link,
            publishable: f.get("publishable") == "ja",
        })
    }
}

/// The start and completion dates: each a valid date, completion not in the future nor before the start.
fn dates(f: &FormData, errors: &mut FormErrors) -> (Option<Date>, Option<Date>) {
    let started_on = errors.date("started_on", "de startdatum", f.get("started_on"));
    let completed_on = errors.date("completed_on", "de datum van afronding", f.get("completed_on"));
    let today = crate::web::today();
    if completed_on.is_some_and(|c| c > today) {
        errors.add("completed_on", "De datum van afronding kan niet in de toekomst liggen.");
    }
    if let (Some(s), Some(c)) = (started_on, completed_on)
        && c < s
    {
        errors.add("completed_on", "De datum van afronding ligt vóór de startdatum.");
    }
    (started_on, completed_on)
}

/// The stored assessment as the form shows it.
pub(super) fn to_input(r: &Row) -> FormData {
    let mut f = FormData::default();
    f.push("kind", r.kind.as_str());
    f.push("other_name", r.other_name.clone().unwrap_or_default());
    f.push("status", r.status.as_str());
    f.push("started_on", r.started_on.map(|d| d.to_string()).unwrap_or_default());
    f.push("completed_on", r.completed_on.map(|d| d.to_string()).unwrap_or_default());
    f.push("performed_by", r.performed_by.clone().unwrap_or_default());
    f.push("outcome", r.outcome.clone().unwrap_or_default());
    f.push("residual_risk", r.residual_risk.clone().unwrap_or_default());
    f.push("link", r.link.clone().unwrap_or_default());
    if r.publishable {
        f.push("publishable", "ja");
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn a_completed_assessment_needs_its_date_and_outcome() {
        let errors = AssessmentInput::try_from(&form(&[("kind", "dpia"), ("status", "afgerond")])).err().unwrap();
        assert_eq!(errors.get("completed_on"), Some("Vul de datum van afronding in: het assessment is afgerond."));
        assert_eq!(errors.get("outcome"), Some("Vul de uitkomst in: het assessment is afgerond."));
        let ok = AssessmentInput::try_from(&form(&[
            ("kind", "dpia"),
            ("status", "afgerond"),
            ("completed_on", "2024-03-01"),
            ("outcome", " Geen hoog restrisico. "),
            ("publishable", "ja"),
        ]))
        .expect("valid assessment");
        assert_eq!(ok.outcome.as_deref(), Some("Geen hoog restrisico."));
        assert!(ok.publishable && ok.other_name.is_none() && ok.link.is_none());
    }

    #[test]
    fn errors_come_in_the_order_of_the_fields() {
        let errors = AssessmentInput::try_from(&form(&[
            ("kind", "anders"),
            ("status", "klaar"),
            ("started_on", "2024-03-02"),
            ("completed_on", "2024-03-01"),
            ("link", "http://intranet/dpia.pdf"),
        ]))
        .err()
        .unwrap();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["other_name", "status", "completed_on", "link"]);
        assert_eq!(errors.get("completed_on"), Some("De datum van afronding ligt vóór de startdatum."));
        assert!(AssessmentInput::gives_link(&form(&[("link", "http://intranet/dpia.pdf")])));
        assert!(!AssessmentInput::gives_link(&form(&[("link", "  ")])));
    }
}
