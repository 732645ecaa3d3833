//! The government's assessment definitions (format v2 of MinBZK/par-dpia-form): nested tasks with
//! questions, options, conditions that show or hide them, score calculations, and (in the Pre-scan DPIA) the
//! assessments block that says which instruments are required or recommended. Read as data and checked as a
//! whole, so a newer file of the same format is a drop-in replacement.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::expr::{self, Expr, Value};

#[derive(Debug, Clone, Deserialize)]
pub struct Opt {
    pub value: serde_json::Value,
    #[serde(default)]
    pub label: Option<String>,
}

impl Opt {
    /// What a person reads: the label, or the value itself.
    pub fn text(&self) -> String {
        match (&self.label, &self.value) {
            (Some(l), _) => l.clone(),
            (None, serde_json::Value::String(s)) => s.clone(),
            (None, v) => v.to_string(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Condition {
    #[serde(deserialize_with = "crate::aiact::tree::id_of")]
    pub id: String,
    pub operator: String,
    #[serde(default)]
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Dependency {
    /// `conditional` (show/hide), `source_options` (options taken from another answer), `instance_mapping`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub condition: Option<Condition>,
    #[serde(default = "show")]
    pub action: String,
}

fn show() -> String {
    "show".into()
}

#[derive(Debug, Clone, Deserialize)]
pub struct RiskScore {
    pub when: String,
    pub value: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Calculation {
    pub score_key: String,
    pub expression: String,
    #[serde(default)]
    pub risk_score: Vec<RiskScore>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub task: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(deserialize_with = "crate::aiact::tree::id_of")]
    pub id: String,
    #[serde(rename = "type", default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub value_type: Option<String>,
    #[serde(default)]
    pub options: Vec<Opt>,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    #[serde(default)]
    pub calculation: Option<Calculation>,
    #[serde(default)]
    pub repeatable: bool,
    #[serde(default)]
    pub tasks: Vec<Task>,
}

impl Task {
    pub fn is_group(&self) -> bool {
        self.kinds.iter().any(|k| k == "task_group") || !self.tasks.is_empty()
    }

    /// The options a person chooses from: the listed ones, or — for `source_options` — the answers given to
    /// another question (e.g. the personal data named earlier in a DPIA).
    pub fn options_with(&self, answers: &Answers) -> Vec<Opt> {
        let source = self.dependencies.iter().find(|d| d.kind == "source_options").and_then(|d| d.condition.as_ref());
        let Some(c) = source else { return self.options.clone() };
        let given: Vec<String> = match answers.get(&c.id) {
            Some(serde_json::Value::String(s)) => {
                s.split([';', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
            }
            Some(serde_json::Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        };
        given.into_iter().map(|s| Opt { value: serde_json::Value::String(s), label: None }).collect()
    }

    pub fn kind(&self) -> &str {
        self.kinds.iter().map(String::as_str).find(|k| *k != "task_group").unwrap_or("task_group")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Criterion {
    pub id: String,
    pub expression: String,
    #[serde(default)]
    pub explanation: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Level {
    pub level: String,
    pub expression: String,
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub criteria: Vec<Criterion>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AssessmentRule {
    pub id: String,
    pub levels: Vec<Level>,
}

#[derive(Debug, Clone, Deserialize)]
struct Raw {
    name: String,
    #[serde(default)]
    urn: String,
    #[serde(deserialize_with = "crate::aiact::tree::id_of")]
    version: String,
    #[serde(default)]
    description: String,
    tasks: Vec<Task>,
    #[serde(default)]
    assessments: Vec<AssessmentRule>,
}

pub const KINDS: [&str; 11] = [
    "task_group",
    "radio_option",
    "checkbox_option",
    "select_option",
    "multiselect_scrollable",
    "open_text",
    "text_input",
    "date",
    "image",
    "informational",
    "signature",
];

/// A checked definition with every expression parsed.
#[derive(Debug, Clone)]
pub struct Definition {
    pub name: String,
    pub urn: String,
    pub version: String,
    pub description: String,
    pub tasks: Vec<Task>,
    pub assessments: Vec<AssessmentRule>,
    /// Parsed expressions by their text.
    parsed: BTreeMap<String, Expr>,
}

/// The checks a definition passes before it is used, collecting the parsed expressions on the way.
struct Checker<'a> {
    file: &'a str,
    ids: BTreeSet<String>,
    parsed: BTreeMap<String, Expr>,
}

impl Checker<'_> {
    /// Parse one expression; the error names the file, the place and the expression on one line.
    fn expression(&mut self, text: &str, at: &str) -> Result<(), String> {
        let e = expr::parse(text).map_err(|e| {
            let file = self.file;
            format!("{file}: {at}: uitdrukking „{}”: {e}", text.split_whitespace().collect::<Vec<_>>().join(" "))
        })?;
        self.parsed.insert(text.to_string(), e);
        Ok(())
    }

    /// Every task: a unique id, a known type, options for a choice, well-formed conditions and calculations.
    fn tasks(&mut self, tasks: &[Task]) -> Result<(), String> {
        let file = self.file;
        for t in tasks {
            let at = format!("vraag {}", t.id);
            if !self.ids.insert(t.id.clone()) {
                return Err(format!("{file}: {at}: deze id komt twee keer voor"));
            }
            if let Some(k) = t.kinds.iter().find(|k| !KINDS.contains(&k.as_str())) {
                return Err(format!("{file}: {at}: onbekend vraagtype „{k}”"));
            }
            let takes_options = t.dependencies.iter().any(|d| d.kind == "source_options");
            if matches!(t.kind(), "radio_option" | "select_option") && t.options.is_empty() && !takes_options {
                return Err(format!("{file}: {at}: een keuzevraag zonder opties"));
            }
            for d in t.dependencies.iter().filter(|d| d.kind == "conditional") {
                let Some(c) = &d.condition else {
                    return Err(format!("{file}: {at}: een voorwaarde zonder condition"));
                };
                if !matches!(c.operator.as_str(), "equals" | "contains" | "not_equals") {
                    return Err(format!("{file}: {at}: onbekende operator „{}” in een voorwaarde", c.operator));
                }
            }
            if let Some(c) = &t.calculation {
                self.expression(&c.expression, &at)?;
                for r in &c.risk_score {
                    self.expression(&r.when, &at)?;
                }
            }
            self.tasks(&t.tasks)?;
        }
        Ok(())
    }

    /// The assessments block: every level's expression and its criteria.
    fn assessments(&mut self, assessments: &[AssessmentRule]) -> Result<(), String> {
        for a in assessments {
            for l in &a.levels {
                let at = format!("assessment {}, niveau {}", a.id, l.level);
                self.expression(&l.expression, &at)?;
                for c in &l.criteria {
                    self.expression(&c.expression, &format!("{at}, criterium {}", c.id))?;
                }
            }
        }
        Ok(())
    }

    /// Conditions must point at questions that exist (so after every id is known).
    fn references(&self, tasks: &[Task]) -> Result<(), String> {
        for t in tasks {
            for c in t.dependencies.iter().filter_map(|d| d.condition.as_ref()) {
                if !self.ids.contains(&c.id) {
                    return Err(format!(
                        "{}: vraag {}: de voorwaarde verwijst naar vraag {}, die niet bestaat",
                        self.file, t.id, c.id
                    ));
                }
            }
            self.references(&t.tasks)?;
        }
        Ok(())
    }
}

impl Definition {
    pub fn parse(file: &str, yaml: &str) -> Result<Definition, String> {
        let raw: Raw = yaml_serde::from_str(yaml).map_err(|e| format!("{file}: geen geldige vragenlijst: {e}"))?;
        let mut checker = Checker { file, ids: BTreeSet::new(), parsed: BTreeMap::new() };
        checker.tasks(&raw.tasks)?;
        checker.assessments(&raw.assessments)?;
        checker.references(&raw.tasks)?;
        Ok(Definition {
            name: raw.name,
            urn: raw.urn,
            version: raw.version,
            description: raw.description,
            tasks: raw.tasks,
            assessments: raw.assessments,
            parsed: checker.parsed,
        })
    }

    pub fn expr(&self, text: &str) -> Option<&Expr> {
        self.parsed.get(text)
    }

    pub fn expression_texts(&self) -> Vec<&str> {
        self.parsed.keys().map(String::as_str).collect()
    }

    /// Every question (not group) in order.
    pub fn questions(&self) -> Vec<&Task> {
        fn flat<'a>(tasks: &'a [Task], out: &mut Vec<&'a Task>) {
            for t in tasks {
                if !t.is_group() {
                    out.push(t);
                }
                flat(&t.tasks, out);
            }
        }
        let mut out = Vec::new();
        flat(&self.tasks, &mut out);
        out
    }

    /// Every task, groups included, in order.
    pub fn all_tasks(&self) -> Vec<&Task> {
        fn flat<'a>(tasks: &'a [Task], out: &mut Vec<&'a Task>) {
            for t in tasks {
                out.push(t);
                flat(&t.tasks, out);
            }
        }
        let mut out = Vec::new();
        flat(&self.tasks, &mut out);
        out
    }

    pub fn find(&self, id: &str) -> Option<&Task> {
        fn find<'a>(tasks: &'a [Task], id: &str) -> Option<&'a Task> {
            tasks.iter().find_map(|t| if t.id == id { Some(t) } else { find(&t.tasks, id) })
        }
        find(&self.tasks, id)
    }
}

/// The answers of one filled-in questionnaire: question id → JSON value (bool, text, list of texts).
pub type Answers = BTreeMap<String, serde_json::Value>;

fn condition_holds(c: &Condition, answers: &Answers) -> bool {
    let want = match &c.value {
        // The files quote some string values twice ("'Categorie …: Overige'").
        serde_json::Value::String(s) => serde_json::Value::String(s.trim_matches('\'').to_string()),
        v => v.clone(),
    };
    let got = answers.get(&c.id).unwrap_or(&serde_json::Value::Null);
    match c.operator.as_str() {
        "equals" => *got == want,
        "not_equals" => *got != want,
        "contains" => got.as_array().is_some_and(|a| a.contains(&want)),
        _ => false,
    }
}

impl Definition {
    /// Whether a question is shown with these answers: its own conditions and those of its groups all hold.
    pub fn visible(&self, id: &str, answers: &Answers) -> bool {
        fn path<'a>(tasks: &'a [Task], id: &str, trail: &mut Vec<&'a Task>) -> bool {
            for t in tasks {
                trail.push(t);
                if t.id == id || path(&t.tasks, id, trail) {
                    return true;
                }
                trail.pop();
            }
            false
        }
        let mut trail = Vec::new();
        if !path(&self.tasks, id, &mut trail) {
            return false;
        }
        trail.iter().all(|t| {
            t.dependencies.iter().filter(|d| d.kind == "conditional").all(|d| match (&d.condition, d.action.as_str()) {
                (Some(c), "show") => condition_holds(c, answers),
                (Some(c), "hide") => !condition_holds(c, answers),
                _ => true,
            })
        })
    }
}

/// Expression environment over answers (hidden questions count as unanswered), scores and criteria.
pub struct Env<'a> {
    pub definition: &'a Definition,
    pub answers: &'a Answers,
    pub vars: BTreeMap<String, Value>,
}

impl expr::Env for Env<'_> {
    fn answer(&self, id: &str) -> Value {
        match self.answers.get(id) {
            // The official form stores a radio button's value as text ("true" / "false"), and its `answers()`
            // hands that text to the expressions, so `answers('x') == true` is false there: read them the same way.
            Some(serde_json::Value::Bool(b)) if self.definition.visible(id, self.answers) => Value::Str(b.to_string()),
            Some(v) if self.definition.visible(id, self.answers) => Value::from_json(v),
            _ => Value::Null,
        }
    }

    fn var(&self, name: &str) -> Value {
        self.vars.get(name).cloned().unwrap_or(Value::Null)
    }
}
