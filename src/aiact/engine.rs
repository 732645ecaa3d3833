//! Walking the decision tree: answers in order → labels, sub-results and the conclusion with its
//! obligations. The same engine serves the web pages and `airegister beslishulp run`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::tree::{Next, Tree};

/// One given answer (as `beslishulp run --answers` reads them and as stored with an application).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    #[serde(deserialize_with = "string_or_number")]
    pub question_id: String,
    pub answer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!("questionId moet tekst zijn, niet {other}"))),
    }
}

/// Where a walk ended up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// Labels in the order they were collected, each once.
    pub labels: Vec<String>,
    pub subresults: Vec<String>,
    pub conclusion_id: Option<String>,
    pub conclusion: Option<String>,
    pub obligation: Option<String>,
    /// The question to answer next when no conclusion was reached yet.
    pub next_question_id: Option<String>,
    pub roles: Vec<String>,
    pub system_type: Option<String>,
    pub risk_group: Option<String>,
    pub transparency: Option<String>,
}

/// An answer that does not fit the tree, naming the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunError(pub String);

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RunError {}

pub const ROLES: [&str; 4] = ["aanbieder", "gebruiksverantwoordelijke", "importeur", "distributeur"];
pub const SYSTEM_TYPES: [&str; 3] =
    ["AI-systeem", "AI-systeem voor algemene doeleinden", "AI-model voor algemene doeleinden"];

/// The risk group as the register records it (the values of `ai_act_risk_group`).
fn risk_group(labels: &BTreeSet<String>, conclusion: Option<&str>) -> Option<String> {
    let has = |l: &str| labels.contains(l);
    let group = match conclusion {
        // 11.x: the AI Act does not apply; 11.2 because of an exception (including the open-source one).
        Some("11.2") => "uitzondering van toepassing",
        Some(c) if c.starts_with("11.") => "niet van toepassing",
        _ if has("verboden AI") => "verboden AI",
        _ if has("hoog-risico AI") => "hoog-risico AI",
        _ if has("geen hoog-risico AI") => "geen hoog-risico AI",
        _ if has("uitzondering van toepassing") => "uitzondering van toepassing",
        _ => return None,
    };
    Some(group.to_string())
}

fn outcome(tree: &Tree, labels: &[String], subresults: Vec<String>, end: Option<Next>) -> Outcome {
    let set: BTreeSet<String> = labels.iter().cloned().collect();
    let (conclusion, next_question_id) = match end {
        Some(Next::Conclusion(c)) => (tree.conclusion(&c), None),
        Some(Next::Question(q)) => (None, Some(q)),
        None => (None, Some(tree.first_question().question_id.clone())),
    };
    let conclusion_id = conclusion.map(|c| c.conclusion_id.clone());
    Outcome {
        labels: labels.to_vec(),
        subresults,
        risk_group: if conclusion.is_some() { risk_group(&set, conclusion_id.as_deref()) } else { None },
        conclusion_id,
        conclusion: conclusion.map(|c| c.conclusion.clone()),
        obligation: conclusion.map(|c| c.obligation.clone()),
        next_question_id,
        roles: ROLES.iter().filter(|r| set.contains(**r)).map(|r| r.to_string()).collect(),
        system_type: SYSTEM_TYPES.iter().find(|s| set.contains(**s)).map(|s| s.to_string()),
        transparency: ["transparantieverplichting", "geen transparantieverplichting"]
            .iter()
            .find(|t| set.contains(**t))
            .map(|t| t.to_string()),
    }
}

/// Walk the tree with the given answers, from the first question. Fewer answers than needed give an outcome
/// without conclusion (and the next question); an answer that does not fit is an error naming the question.
pub fn run(tree: &Tree, steps: &[Step]) -> Result<Outcome, RunError> {
    let mut labels: Vec<String> = Vec::new();
    let mut subresults = Vec::new();
    let mut current = Some(Next::Question(tree.first_question().question_id.clone()));
    for (n, step) in steps.iter().enumerate() {
        let expected = match &current {
            Some(Next::Question(q)) => q.clone(),
            _ => {
                return Err(RunError(format!(
                    "antwoord {} (vraag {}) komt na de conclusie; de beslishulp was al klaar",
                    n + 1,
                    step.question_id
                )));
            }
        };
        if step.question_id != expected {
            return Err(RunError(format!(
                "antwoord {} is voor vraag {}, maar de beslishulp stelt hier vraag {expected}",
                n + 1,
                step.question_id
            )));
        }
        let q = tree.question(&expected).ok_or_else(|| RunError(format!("vraag {expected} bestaat niet")))?;
        let Some(ai) = q.answers.iter().position(|a| a.answer == step.answer) else {
            let allowed: Vec<String> = q.answers.iter().map(|a| format!("„{}”", a.answer)).collect();
            return Err(RunError(format!(
                "vraag {expected}: „{}” is geen antwoord op deze vraag; mogelijk zijn: {}",
                step.answer,
                allowed.join(", ")
            )));
        };
        let a = &q.answers[ai];
        for l in &a.labels {
            if !labels.contains(l) {
                labels.push(l.clone());
            }
        }
        if let Some(s) = &a.subresult {
            subresults.push(s.clone());
        }
        let set: BTreeSet<String> = labels.iter().cloned().collect();
        current = Some(tree.next(&expected, ai, &set).ok_or_else(|| {
            RunError(format!(
                "vraag {expected}: na antwoord „{}” past geen enkele vervolgstap bij de gegeven antwoorden",
                a.answer
            ))
        })?);
    }
    Ok(outcome(tree, &labels, subresults, current))
}

/// What a tree can reach: for every reachable conclusion one answer path that leads there, and the answers
/// after which no redirect applies (dead ends). Explores every (question, labels) state once.
pub struct Reach {
    pub conclusions: BTreeMap<String, Vec<Step>>,
    pub dead_ends: Vec<String>,
}

pub fn explore(tree: &Tree) -> Reach {
    let mut seen: BTreeSet<(String, BTreeSet<String>)> = BTreeSet::new();
    let mut queue: VecDeque<(String, Vec<String>, Vec<Step>)> = VecDeque::new();
    queue.push_back((tree.first_question().question_id.clone(), Vec::new(), Vec::new()));
    let mut conclusions = BTreeMap::new();
    let mut dead_ends = Vec::new();
    while let Some((qid, labels, path)) = queue.pop_front() {
        let key: BTreeSet<String> = labels.iter().cloned().collect();
        if !seen.insert((qid.clone(), key)) {
            continue;
        }
        let Some(q) = tree.question(&qid) else { continue };
        for (ai, a) in q.answers.iter().enumerate() {
            let mut l = labels.clone();
            for x in &a.labels {
                if !l.contains(x) {
                    l.push(x.clone());
                }
            }
            let mut p = path.clone();
            p.push(Step { question_id: qid.clone(), answer: a.answer.clone(), remark: None });
            let set: BTreeSet<String> = l.iter().cloned().collect();
            match tree.next(&qid, ai, &set) {
                Some(Next::Question(nq)) => queue.push_back((nq, l, p)),
                Some(Next::Conclusion(c)) => {
                    conclusions.entry(c).or_insert(p);
                }
                None => dead_ends.push(format!("vraag {qid}, antwoord „{}” met labels {:?}", a.answer, l)),
            }
        }
    }
    Reach { conclusions, dead_ends }
}
