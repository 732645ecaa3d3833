//! The Pre-scan DPIA's verdict: scores from the calculations (each raw value mapped to a risk score by its
//! `riskScore` rules), then per assessment (DPIA, DTIA, KIA, IAMA) the first level whose expression holds,
//! with the criteria that fired.

use std::collections::BTreeMap;

use serde::Serialize;

use super::definition::{Answers, AssessmentRule, Definition, Env, Task};
use super::expr::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fired {
    pub id: String,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// "DPIA", "DTIA", "KIA", "IAMA".
    pub assessment: String,
    /// "required", "recommended", or None (not needed).
    pub level: Option<String>,
    pub result: String,
    pub criteria: Vec<Fired>,
    /// The choice questions that decide this verdict and are still unanswered: while there are any, "not needed"
    /// is not known yet (issue 18). Not stored: a completed questionnaire has none.
    #[serde(skip)]
    pub open: Vec<String>,
}

impl Verdict {
    pub fn label(&self) -> &'static str {
        match self.level.as_deref() {
            Some("required") => "verplicht",
            Some("recommended") => "aanbevolen",
            Some(_) => "zie toelichting",
            None if !self.open.is_empty() => "nog niet te bepalen",
            None => "niet nodig",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Risk score per score key (None when no rule applied).
    pub scores: BTreeMap<String, Option<f64>>,
    pub verdicts: Vec<Verdict>,
}

impl Outcome {
    pub fn verdict(&self, assessment: &str) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.assessment == assessment)
    }
}

pub fn evaluate(def: &Definition, answers: &Answers) -> Outcome {
    let mut env = Env { definition: def, answers, vars: BTreeMap::new() };
    let mut scores = BTreeMap::new();
    for q in def.all_tasks() {
        let Some(calc) = &q.calculation else { continue };
        let raw = def.expr(&calc.expression).map(|e| e.eval(&env)).unwrap_or(Value::Null);
        env.vars.insert(calc.score_key.clone(), raw);
        let score =
            calc.risk_score.iter().find(|r| def.expr(&r.when).is_some_and(|e| e.eval(&env).truthy())).map(|r| r.value);
        env.vars.remove(&calc.score_key);
        scores.insert(calc.score_key.clone(), score);
    }
    for (k, v) in &scores {
        env.vars.insert(format!("scores.{k}"), v.map(Value::Num).unwrap_or(Value::Null));
    }
    let verdicts = def
        .assessments
        .iter()
        .map(|a| {
            let mut found = Verdict {
                assessment: a.id.clone(),
                level: None,
                result: String::new(),
                criteria: Vec::new(),
                open: Vec::new(),
            };
            for l in &a.levels {
                // As in the official code: a level sees only its own criteria.
                env.vars.retain(|k, _| !k.starts_with("criteria."));
                let mut fired = Vec::new();
                for c in &l.criteria {
                    let holds = def.expr(&c.expression).is_some_and(|e| e.eval(&env).truthy());
                    env.vars.insert(format!("criteria.{}", c.id), Value::Bool(holds));
                    if holds {
                        fired.push(Fired { id: c.id.clone(), explanation: c.explanation.clone() });
                    }
                }
                let holds = def.expr(&l.expression).is_some_and(|e| e.eval(&env).truthy());
                if holds && found.level.is_none() {
                    found = Verdict {
                        assessment: a.id.clone(),
                        level: Some(l.level.clone()),
                        result: l.result.clone(),
                        criteria: fired,
                        open: Vec::new(),
                    };
                }
            }
            if found.level.is_none() {
                found.open = open_questions(def, a, answers);
            }
            found
        })
        .collect();
    Outcome { scores, verdicts }
}

/// The questions an assessment's rules read (directly, or through the scores they use), in the order of the
/// question set.
fn deciding_questions(def: &Definition, a: &AssessmentRule) -> Vec<String> {
    let exprs = |text: &str| def.expr(text).into_iter();
    let rule_texts =
        a.levels.iter().flat_map(|l| std::iter::once(&l.expression).chain(l.criteria.iter().map(|c| &c.expression)));
    let mut ids = Vec::new();
    for e in rule_texts.flat_map(|t| exprs(t)) {
        ids.extend(e.answer_ids());
        for var in e.var_names() {
            let Some(key) = var.strip_prefix("scores.") else { continue };
            let calcs =
                def.all_tasks().into_iter().filter_map(|t| t.calculation.as_ref()).filter(|c| c.score_key == key);
            for c in calcs {
                let texts = std::iter::once(&c.expression).chain(c.risk_score.iter().map(|r| &r.when));
                ids.extend(texts.flat_map(|t| exprs(t)).flat_map(|e| e.answer_ids()));
            }
        }
    }
    // A question shown only after another answer waits for that answer too (IAMA: "is it an algorithm?").
    let mut i = 0;
    while i < ids.len() {
        for c in shown_after(def, &ids[i]) {
            if !ids.contains(&c) {
                ids.push(c);
            }
        }
        i += 1;
    }
    def.questions().into_iter().map(|q| q.id.clone()).filter(|id| ids.contains(id)).collect()
}

/// The questions whose answers the conditions of a question (and of its groups) read.
fn shown_after(def: &Definition, id: &str) -> Vec<String> {
    fn trail<'a>(tasks: &'a [Task], id: &str, out: &mut Vec<&'a Task>) -> bool {
        for t in tasks {
            out.push(t);
            if t.id == id || trail(&t.tasks, id, out) {
                return true;
            }
            out.pop();
        }
        false
    }
    let mut path = Vec::new();
    trail(&def.tasks, id, &mut path);
    path.iter()
        .flat_map(|t| &t.dependencies)
        .filter(|d| d.kind == "conditional")
        .filter_map(|d| d.condition.as_ref().map(|c| c.id.clone()))
        .collect()
}

/// The deciding single-choice questions (yes/no, one of a list) that are shown and not yet answered. Lists to
/// tick may rightly stay empty, so they never keep a verdict open.
fn open_questions(def: &Definition, a: &AssessmentRule, answers: &Answers) -> Vec<String> {
    deciding_questions(def, a)
        .into_iter()
        .filter(|id| {
            def.find(id).is_some_and(|q| matches!(q.kind(), "radio_option" | "select_option"))
                && def.visible(id, answers)
                && answers.get(id).is_none_or(serde_json::Value::is_null)
        })
        .collect()
}
