//! The decision tree of the Beslishulp AI-verordening as data: read from YAML, checked as a whole (ids
//! unique, every reference resolves, every `if` parses), so a newer tree is a file replacement and a broken
//! one stops the start with the file, the question and the problem.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::expr::{self, Expr};

#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    pub source: String,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redirect {
    #[serde(default, deserialize_with = "opt_id")]
    pub next_question_id: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    pub next_conclusion_id: Option<String>,
    #[serde(rename = "if")]
    pub condition: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub answer: String,
    #[serde(default, deserialize_with = "opt_id")]
    pub next_question_id: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    pub next_conclusion_id: Option<String>,
    #[serde(default)]
    pub subresult: Option<String>,
    #[serde(default)]
    pub answer_comment: Option<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub redirects: Vec<Redirect>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    #[serde(deserialize_with = "id_of")]
    pub question_id: String,
    pub question: String,
    #[serde(default)]
    pub explanation: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub subcategory: String,
    #[serde(default)]
    pub sources: Vec<Source>,
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conclusion {
    #[serde(deserialize_with = "id_of")]
    pub conclusion_id: String,
    pub conclusion: String,
    #[serde(default)]
    pub obligation: String,
    #[serde(default)]
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Deserialize)]
struct RawTree {
    #[serde(deserialize_with = "id_of")]
    version: String,
    #[serde(default)]
    name: String,
    questions: Vec<Question>,
    conclusions: Vec<Conclusion>,
}

/// Where an answer leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Question(String),
    Conclusion(String),
}

/// A checked tree: the data plus the parsed conditions and indexes.
#[derive(Debug, Clone)]
pub struct Tree {
    pub version: String,
    pub name: String,
    pub questions: Vec<Question>,
    pub conclusions: Vec<Conclusion>,
    question_index: BTreeMap<String, usize>,
    conclusion_index: BTreeMap<String, usize>,
    /// Parsed `if` of every redirect, by (question index, answer index, redirect index).
    conditions: BTreeMap<(usize, usize, usize), Expr>,
}

impl Tree {
    /// The redirect conditions that jexl 2.3.0 (the government's evaluator) reads differently from the
    /// conventional precedence, each with where it is: most likely slips in the published tree.
    pub fn jexl_differences(&self) -> Vec<String> {
        let mut out = Vec::new();
        for q in &self.questions {
            for a in &q.answers {
                for r in a.redirects.iter().filter(|r| expr::reading_differs(&r.condition)) {
                    out.push(format!(
                        "{}, vraag {}, antwoord „{}”: {}",
                        self.name, q.question_id, a.answer, r.condition
                    ));
                }
            }
        }
        out
    }
}

/// Ids are strings in the file ("1.2"), but YAML reads an unquoted `2` as a number: accept both.
pub(crate) fn id_of<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        S(String),
        I(i64),
        F(f64),
    }
    Ok(match Id::deserialize(d)? {
        Id::S(s) => s,
        Id::I(i) => i.to_string(),
        Id::F(f) => f.to_string(),
    })
}

fn opt_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    id_of(d).map(Some)
}

/// A problem in a tree file, said so that whoever replaced the file can find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

impl Tree {
    /// Read and check a tree; `file` names it in messages.
    pub fn parse(file: &str, yaml: &str) -> Result<Tree, LoadError> {
        let raw: RawTree =
            yaml_serde::from_str(yaml).map_err(|e| LoadError(format!("{file}: geen geldige beslisboom: {e}")))?;
        let at = |q: &str, problem: String| LoadError(format!("{file}: vraag {q}: {problem}"));
        if raw.questions.is_empty() || raw.conclusions.is_empty() {
            return Err(LoadError(format!("{file}: de beslisboom heeft geen vragen of geen conclusies")));
        }
        let mut question_index = BTreeMap::new();
        for (i, q) in raw.questions.iter().enumerate() {
            if question_index.insert(q.question_id.clone(), i).is_some() {
                return Err(at(&q.question_id, "deze vraag-id komt twee keer voor".into()));
            }
        }
        let mut conclusion_index = BTreeMap::new();
        for (i, c) in raw.conclusions.iter().enumerate() {
            if conclusion_index.insert(c.conclusion_id.clone(), i).is_some() {
                return Err(LoadError(format!(
                    "{file}: conclusie {}: deze conclusie-id komt twee keer voor",
                    c.conclusion_id
                )));
            }
        }
        let target = |q: &str, a: &str, nq: &Option<String>, nc: &Option<String>| -> Result<(), LoadError> {
            match (nq, nc) {
                (Some(n), None) if question_index.contains_key(n) => Ok(()),
                (Some(n), None) => Err(at(q, format!("antwoord „{a}” verwijst naar vraag {n}, die niet bestaat"))),
                (None, Some(n)) if conclusion_index.contains_key(n) => Ok(()),
                (None, Some(n)) => Err(at(q, format!("antwoord „{a}” verwijst naar conclusie {n}, die niet bestaat"))),
                (Some(_), Some(_)) => {
                    Err(at(q, format!("antwoord „{a}” heeft zowel een vervolgvraag als een conclusie")))
                }
                (None, None) => Err(at(q, format!("antwoord „{a}” heeft geen vervolg"))),
            }
        };
        let mut conditions = BTreeMap::new();
        for (qi, q) in raw.questions.iter().enumerate() {
            let qid = q.question_id.as_str();
            if q.answers.is_empty() {
                return Err(at(qid, "de vraag heeft geen antwoorden".into()));
            }
            let mut texts = BTreeSet::new();
            for (ai, a) in q.answers.iter().enumerate() {
                if !texts.insert(a.answer.as_str()) {
                    return Err(at(qid, format!("antwoord „{}” komt twee keer voor", a.answer)));
                }
                if a.redirects.is_empty() {
                    target(qid, &a.answer, &a.next_question_id, &a.next_conclusion_id)?;
                    continue;
                }
                if a.next_question_id.is_some() || a.next_conclusion_id.is_some() {
                    return Err(at(qid, format!("antwoord „{}” heeft zowel redirects als een vast vervolg", a.answer)));
                }
                for (ri, r) in a.redirects.iter().enumerate() {
                    target(qid, &a.answer, &r.next_question_id, &r.next_conclusion_id)?;
                    let e = expr::parse(&r.condition).map_err(|e| {
                        at(qid, format!("antwoord „{}”, voorwaarde {} ({}): {e}", a.answer, ri + 1, r.condition))
                    })?;
                    conditions.insert((qi, ai, ri), e);
                }
            }
        }
        Ok(Tree {
            version: raw.version,
            name: raw.name,
            questions: raw.questions,
            conclusions: raw.conclusions,
            question_index,
            conclusion_index,
            conditions,
        })
    }

    pub fn first_question(&self) -> &Question {
        &self.questions[0]
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.question_index.get(id).map(|i| &self.questions[*i])
    }

    pub fn conclusion(&self, id: &str) -> Option<&Conclusion> {
        self.conclusion_index.get(id).map(|i| &self.conclusions[*i])
    }

    /// Where an answer leads with these labels (the answer's own labels already added): its fixed next step,
    /// or the first redirect whose condition holds. None when no redirect applies.
    pub fn next(&self, question_id: &str, answer: usize, labels: &BTreeSet<String>) -> Option<Next> {
        let qi = *self.question_index.get(question_id)?;
        let a = self.questions[qi].answers.get(answer)?;
        let fixed = |nq: &Option<String>, nc: &Option<String>| match (nq, nc) {
            (Some(q), _) => Some(Next::Question(q.clone())),
            (_, Some(c)) => Some(Next::Conclusion(c.clone())),
            _ => None,
        };
        if a.redirects.is_empty() {
            return fixed(&a.next_question_id, &a.next_conclusion_id);
        }
        a.redirects.iter().enumerate().find_map(|(ri, r)| {
            let holds = self.conditions.get(&(qi, answer, ri)).is_some_and(|e| e.eval(labels));
            if holds { fixed(&r.next_question_id, &r.next_conclusion_id) } else { None }
        })
    }

    /// Every condition in the tree as written, for tests and diagnostics.
    pub fn condition_texts(&self) -> Vec<&str> {
        self.questions
            .iter()
            .flat_map(|q| q.answers.iter().flat_map(|a| a.redirects.iter().map(|r| r.condition.as_str())))
            .collect()
    }
}
