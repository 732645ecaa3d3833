//! What a part of a questionnaire shows: its visible questions and (sub)group headings in order, each with
//! its control, options and value, repeatable parts once per instance; and how far a part is answered.

use serde_json::Value as J;

use super::form_value;
use crate::applications::views::OptView;
use crate::questionnaires::definition::{Answers, Definition, Task};
use crate::register::form::FormData;

/// The answer key of a question in an instance of repeatable parts: its id for the first instance of
/// everything (so conditions and the pre-scan read it as usual), `id@2` or `id@1.3` for later ones.
pub(super) fn key(id: &str, suffix: &[usize]) -> String {
    if suffix.iter().all(|n| *n == 1) {
        id.to_string()
    } else {
        format!("{id}@{}", suffix.iter().map(usize::to_string).collect::<Vec<_>>().join("."))
    }
}

/// How many instances a repeatable part has (stored as `key@count`; at least one).
pub(super) fn instances(answers: &Answers, key: &str) -> usize {
    answers.get(&format!("{key}@count")).and_then(J::as_u64).map(|n| n.clamp(1, 50) as usize).unwrap_or(1)
}

/// One thing on a section page: a (sub)group heading or a question.
pub struct Item {
    pub id: String,
    pub depth: usize,
    pub group: bool,
    pub title: String,
    pub description: String,
    /// radio, checkbox, select, textarea, text, date, info
    pub control: &'static str,
    pub name: String,
    pub choices: Vec<OptView>,
    pub value: String,
    pub error: Option<String>,
}

impl Item {
    /// The chosen options' labels, for read-only and print views.
    pub fn chosen(&self) -> String {
        self.choices.iter().filter(|o| o.selected).map(|o| o.label.as_str()).collect::<Vec<_>>().join("; ")
    }

    /// The ids of the hint and error that describe the field.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.description.is_empty() {
            ids.push(format!("v-{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("v-{}-error", self.id));
        }
        ids.join(" ")
    }
}

pub(super) fn control(t: &Task) -> &'static str {
    match t.kind() {
        "radio_option" => "radio",
        "checkbox_option" | "multiselect_scrollable" => "checkbox",
        "select_option" => "select",
        "open_text" => "textarea",
        "text_input" => "text",
        "date" => "date",
        _ => "info",
    }
}

/// The visible items of a section, with values from the form (after a refused save) or the stored answers.
pub(super) fn items(
    def: &Definition,
    section: &Task,
    answers: &Answers,
    input: Option<&FormData>,
    errors: &[(String, String)],
) -> Vec<Item> {
    let mut walk = Walk { def, answers, input, errors, out: Vec::new() };
    for t in &section.tasks {
        walk.task(t, 0, &[]);
    }
    if section.tasks.is_empty() {
        walk.task(section, 0, &[]);
    }
    let mut out = walk.out;
    // A question without its own text (the text is its group's heading) takes the group's, so every field
    // has a meaningful label.
    let mut group_title = section.task.clone();
    for it in &mut out {
        if it.group && !it.title.trim().is_empty() {
            group_title = it.title.clone();
        } else if it.title.trim().is_empty() {
            it.title = group_title.clone();
        }
    }
    out
}

/// The walk over a section's tasks that collects its items.
struct Walk<'a> {
    def: &'a Definition,
    answers: &'a Answers,
    input: Option<&'a FormData>,
    errors: &'a [(String, String)],
    out: Vec<Item>,
}

impl Walk<'_> {
    /// A task and what is under it, if visible; `suffix` numbers the instances of the repeatable parts it is in.
    fn task(&mut self, t: &Task, depth: usize, suffix: &[usize]) {
        if !self.def.visible(&t.id, self.answers) {
            return;
        }
        if t.repeatable {
            // A repeatable part ("add another") is shown once per instance, then a button for one more.
            let count = instances(self.answers, &key(&t.id, suffix));
            for n in 1..=count {
                let inner = [suffix, &[n]].concat();
                self.one(t, depth, &inner, (count > 1).then_some(n));
            }
            self.out.push(add_another(t, depth, suffix));
        } else {
            self.one(t, depth, suffix, None);
        }
    }

    /// One instance of a task: its own item, then its children.
    fn one(&mut self, t: &Task, depth: usize, suffix: &[usize], instance: Option<usize>) {
        let k = key(&t.id, suffix);
        let name = format!("q.{k}");
        let stored: Vec<String> = match self.answers.get(&k) {
            Some(J::Array(a)) => a.iter().map(form_value).collect(),
            Some(J::Null) | None => Vec::new(),
            Some(v) => vec![form_value(v)],
        };
        let given: Vec<String> = match self.input {
            Some(f) => f.all(&name).into_iter().map(str::to_string).collect(),
            None => stored,
        };
        self.out.push(Item {
            id: k.clone(),
            depth,
            group: t.is_group(),
            title: match instance {
                Some(n) => format!("{} ({n})", t.task),
                None => t.task.clone(),
            },
            description: crate::register::richtext::reference_html(t.description.as_deref().unwrap_or("")),
            control: if t.is_group() { "info" } else { control(t) },
            choices: t
                .options_with(self.answers)
                .iter()
                .map(|o| {
                    let value = form_value(&o.value);
                    OptView { selected: given.contains(&value), label: o.text(), value }
                })
                .collect(),
            value: given.first().cloned().unwrap_or_default(),
            error: self.errors.iter().find(|(id, _)| *id == k).map(|(_, m)| m.clone()),
            name,
        });
        for c in &t.tasks {
            self.task(c, depth + 1, suffix);
        }
    }
}

/// The "Nog een toevoegen" button under a repeatable part.
fn add_another(t: &Task, depth: usize, suffix: &[usize]) -> Item {
    Item {
        id: format!("{}-erbij", key(&t.id, suffix)),
        depth,
        group: false,
        title: format!("Nog een toevoegen: {}", if t.task.trim().is_empty() { "item" } else { t.task.as_str() }),
        description: String::new(),
        control: "add",
        name: key(&t.id, suffix),
        choices: Vec::new(),
        value: String::new(),
        error: None,
    }
}

/// The questions (not groups) of a task and everything under it, in order.
fn questions(t: &Task) -> Vec<&Task> {
    fn flat<'a>(t: &'a Task, out: &mut Vec<&'a Task>) {
        if !t.is_group() {
            out.push(t);
        }
        t.tasks.iter().for_each(|c| flat(c, out));
    }
    let mut out = Vec::new();
    flat(t, &mut out);
    out
}

/// Visible single-choice questions (radio, select) without an answer, as (part number, question id): a
/// questionnaire is not complete while they are open, so an empty one cannot count as a risk analysis.
pub(super) fn unanswered_choices(def: &Definition, answers: &Answers) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, section) in def.tasks.iter().enumerate() {
        for t in questions(section) {
            let choice = matches!(control(t), "radio" | "select") && !t.options_with(answers).is_empty();
            if choice && def.visible(&t.id, answers) && answers.get(&t.id).is_none_or(J::is_null) {
                out.push((i + 1, t.id.clone()));
            }
        }
    }
    out
}

/// Visible questions of a section and how many have an answer.
pub(super) fn progress(def: &Definition, section: &Task, answers: &Answers) -> (usize, usize) {
    let qs = questions(section);
    let visible: Vec<&&Task> = qs.iter().filter(|t| control(t) != "info" && def.visible(&t.id, answers)).collect();
    let answered = visible
        .iter()
        .filter(|t| match answers.get(&t.id) {
            None | Some(J::Null) => false,
            Some(J::Array(a)) => !a.is_empty(),
            Some(J::String(s)) => !s.trim().is_empty(),
            Some(_) => true,
        })
        .count();
    (answered, visible.len())
}
