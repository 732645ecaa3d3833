//! The Pre-scan DPIA's verdict: scores from the calculations (each raw value mapped to a risk score by its
//! `riskScore` rules), then per assessment (DPIA, DTIA, KIA, IAMA) the first level whose expression holds,
//! with the criteria that fired.

use std::collections::BTreeMap;

use serde::Serialize;

use super::definition::{Answers, Definition, Env};
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
}

impl Verdict {
    pub fn label(&self) -> &'static str {
        match self.level.as_deref() {
            Some("required") => "verplicht",
            Some("recommended") => "aanbevolen",
            Some(_) => "zie toelichting",
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
            let mut found =
                Verdict { assessment: a.id.clone(), level: None, result: String::new(), criteria: Vec::new() };
            for l in &a.levels {
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
                    };
                }
            }
            found
        })
        .collect();
    Outcome { scores, verdicts }
}
