//! Reading a posted part into the answers: only the questions the page showed, each checked against its
//! control (a known option, a text within its length, a real date); problems per question id.

use serde_json::Value as J;

use super::form_value;
use super::items::{control, instances, key};
use crate::questionnaires::definition::{Answers, Definition, Opt, Task};
use crate::register::form::FormData;

/// Read one section's fields into the answers; problems per question id.
pub(super) fn apply(
    def: &Definition,
    section: &Task,
    before: &Answers,
    input: &FormData,
    answers: &mut Answers,
) -> Vec<(String, String)> {
    let mut reader = Reader { def, before, input, answers, errors: Vec::new() };
    reader.task(section, &[]);
    reader.errors
}

struct Reader<'a> {
    def: &'a Definition,
    /// The answers the page was rendered from: they decide what was shown.
    before: &'a Answers,
    input: &'a FormData,
    answers: &'a mut Answers,
    errors: Vec<(String, String)>,
}

impl Reader<'_> {
    fn task(&mut self, t: &Task, suffix: &[usize]) {
        // Only what the page showed (visible with the answers it was rendered from) is read.
        if !self.def.visible(&t.id, self.before) {
            return;
        }
        if t.repeatable && !suffix.ends_with(&[0]) {
            for n in 1..=instances(self.before, &key(&t.id, suffix)) {
                // A trailing 0 marks "this instance, do not expand again".
                let inner = [suffix, &[n, 0]].concat();
                self.task(t, &inner);
            }
            return;
        }
        let suffix: Vec<usize> = suffix.iter().copied().filter(|n| *n != 0).collect();
        let suffix = suffix.as_slice();
        let k = key(&t.id, suffix);
        if !t.is_group() {
            // Text without a field (an explanation) is not read, nor anything under it.
            let Some(value) = self.value(t, &k) else { return };
            match value {
                Some(v) => {
                    self.answers.insert(k.clone(), v);
                }
                None => {
                    self.answers.remove(&k);
                }
            }
        }
        for c in &t.tasks {
            self.task(c, suffix);
        }
    }

    /// The posted answer to a question as it is stored (`Some(None)`: no answer), or `None` when the
    /// question has no field.
    fn value(&mut self, t: &Task, k: &str) -> Option<Option<J>> {
        let posted: Vec<&str> = self.input.all(&format!("q.{k}"));
        let options = t.options_with(self.before);
        let errors = &mut self.errors;
        let value = match control(t) {
            "radio" | "select" => one_option(&options, posted.first().copied(), k, errors),
            "checkbox" => Some(options_of(&options, &posted, k, errors)),
            "textarea" | "text" => {
                let s = posted.first().map(|s| s.trim()).unwrap_or("");
                let max = if control(t) == "text" { 500 } else { 10_000 };
                if s.chars().count() > max {
                    errors.push((
                        t.id.clone(),
                        format!("Dit antwoord mag hoogstens {max} tekens lang zijn (nu {}).", s.chars().count()),
                    ));
                }
                (!s.is_empty()).then(|| J::String(s.to_string()))
            }
            "date" => {
                let s = posted.first().map(|s| s.trim()).unwrap_or("");
                let format = time::macros::format_description!("[year]-[month]-[day]");
                if !s.is_empty() && time::Date::parse(s, format).is_err() {
                    errors.push((k.to_string(), "Vul een geldige datum in, zoals 2027-03-31.".into()));
                }
                (!s.is_empty()).then(|| J::String(s.to_string()))
            }
            _ => return None,
        };
        Some(value)
    }
}

/// The option a form value stands for.
fn pick(options: &[Opt], posted: &str) -> Option<J> {
    options.iter().find(|o| form_value(&o.value) == posted).map(|o| o.value.clone())
}

/// A single choice: nothing chosen is no answer, an unknown value a problem.
fn one_option(options: &[Opt], posted: Option<&str>, k: &str, errors: &mut Vec<(String, String)>) -> Option<J> {
    let s = posted.filter(|s| !s.is_empty())?;
    let v = pick(options, s);
    if v.is_none() {
        errors.push((k.to_string(), "Kies een van de opties.".into()));
    }
    v
}

/// Several choices (possibly none): each must be one of the options.
fn options_of(options: &[Opt], posted: &[&str], k: &str, errors: &mut Vec<(String, String)>) -> J {
    let mut vals = Vec::new();
    for s in posted {
        match pick(options, s) {
            Some(v) => vals.push(v),
            None => errors.push((k.to_string(), "Kies alleen uit de opties.".into())),
        }
    }
    J::Array(vals)
}
