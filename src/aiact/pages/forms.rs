//! The decision aid's fixed forms, read at the boundary. Which question is open and at which version is known
//! only once the run is locked, so the handlers compare those; here each field is read and checked on its own.

use crate::register::form::FormData;
use crate::web::forms::FormErrors;

/// "Start" and "Opnieuw beginnen": only the latter may replace a run in progress.
pub struct StartInput {
    pub again: bool,
}

impl From<&FormData> for StartInput {
    fn from(input: &FormData) -> Self {
        Self { again: input.get("opnieuw") == "ja" }
    }
}

/// One answer: the question and run version it was given on, the chosen answer's index and a remark.
pub struct AnswerInput {
    pub question_id: String,
    pub version: Option<i32>,
    pub answer: Option<usize>,
    pub remark: Option<String>,
}

impl AnswerInput {
    /// The answer with the remark's error, if any; the handler adds "Kies een antwoord" when the index is not
    /// one of the open question's answers, so both are shown together.
    pub fn read(input: &FormData) -> (Self, FormErrors) {
        let mut errors = FormErrors::new();
        let remark = input.get("remark").trim().to_string();
        if remark.chars().count() > 1000 {
            errors.add("remark", "Een opmerking mag hoogstens 1000 tekens lang zijn.");
        }
        let answer = Self {
            question_id: input.get("question_id").to_string(),
            version: input.get("version").parse().ok(),
            answer: input.get("answer").parse().ok(),
            remark: Some(remark).filter(|r| !r.is_empty()),
        };
        (answer, errors)
    }
}

/// "Vorige vraag": the run version the page showed.
pub struct BackInput {
    pub version: Option<i32>,
}

impl From<&FormData> for BackInput {
    fn from(input: &FormData) -> Self {
        Self { version: input.get("version").parse().ok() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn an_answer_reads_its_index_version_and_remark() {
        let (a, errors) = AnswerInput::read(&form(&[
            ("question_id", "1.2"),
            ("version", "3"),
            ("answer", "1"),
            ("remark", "  zie contract  "),
        ]));
        assert!(errors.is_empty());
        assert_eq!((a.question_id.as_str(), a.version, a.answer), ("1.2", Some(3), Some(1)));
        assert_eq!(a.remark.as_deref(), Some("zie contract"));
        let (a, errors) = AnswerInput::read(&form(&[("answer", "x"), ("remark", &"a".repeat(1001))]));
        assert!(a.answer.is_none() && a.version.is_none() && errors.get("remark").is_some());
        assert!(StartInput::from(&form(&[("opnieuw", "ja")])).again);
        assert!(!StartInput::from(&form(&[])).again && BackInput::from(&form(&[])).version.is_none());
    }
}
