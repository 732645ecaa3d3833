//! The known slips of the published Pre-scan DPIA (2.0), kept as the government's tool evaluates them, and which
//! of them touch a given answer set. Each is found in the loaded question set itself, so a corrected version of
//! the file makes its note disappear. Listed with the answers that trigger them in reference/assessments/README.md.

use serde::Serialize;

use super::definition::{Answers, Definition};
use super::prescan::{self, Outcome};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slip {
    pub id: &'static str,
    /// The questions whose answers meet the slip.
    pub questions: Vec<String>,
    /// True when the intended reading gives (or, where it cannot be computed, could give) another DPIA verdict.
    pub changes_outcome: bool,
    /// For the person reading the result, in Dutch.
    pub note: String,
}

fn dpia_level(o: &Outcome) -> Option<String> {
    o.verdict("DPIA").and_then(|v| v.level.clone())
}

fn answered_true(answers: &Answers, def: &Definition, id: &str) -> bool {
    answers.get(id) == Some(&serde_json::Value::Bool(true)) && def.visible(id, answers)
}

/// Lists weighed by `weightedCountMap` whose answers carry a category prefix ("Categorie betrokkenen: …") that
/// the weight keys lack: the official code finds no weight, so the score is 0. With the prefix removed, the
/// weights apply; if that changes the DPIA verdict, the note says so.
fn prefixed_weights(def: &Definition, answers: &Answers, outcome: &Outcome) -> Vec<Slip> {
    let mut out = Vec::new();
    for t in def.all_tasks() {
        let Some(calc) = t.calculation.as_ref().filter(|c| c.expression.contains("weightedCountMap")) else { continue };
        let Some(e) = def.expr(&calc.expression) else { continue };
        for id in e.answer_ids() {
            let Some(serde_json::Value::Array(items)) = answers.get(&id) else { continue };
            if !def.visible(&id, answers) || !items.iter().any(|v| v.as_str().is_some_and(|s| s.contains(": "))) {
                continue;
            }
            let mut stripped = answers.clone();
            let bare = items
                .iter()
                .map(|v| match v.as_str().and_then(|s| s.split_once(": ")) {
                    Some((_, rest)) => serde_json::Value::String(rest.to_string()),
                    None => v.clone(),
                })
                .collect();
            stripped.insert(id.clone(), serde_json::Value::Array(bare));
            let intended = prescan::evaluate(def, &stripped);
            let (was, would) = (outcome.scores.get(&calc.score_key), intended.scores.get(&calc.score_key));
            if was == would {
                continue;
            }
            let changes = dpia_level(outcome) != dpia_level(&intended);
            let score = |s: Option<&Option<f64>>| s.copied().flatten().unwrap_or(0.0);
            out.push(Slip {
                id: "weging-voorvoegsel",
                questions: vec![id.clone()],
                changes_outcome: changes,
                note: format!(
                    "Vraag {id}: de gekozen antwoorden tellen in de officiële Pre-scan niet mee voor de score „{}” \
                     (0 in plaats van {}), omdat de weging de antwoorden zonder hun categorie-aanduiding noemt.{}",
                    calc.score_key,
                    score(would),
                    if changes { " Met de bedoelde weging zou de uitkomst voor de DPIA anders zijn." } else { "" }
                ),
            });
        }
    }
    out
}

/// A calculation that reads a question the set does not have (2.0: the transfer score reads `0.4.1`): that part
/// is always false. It touches an answer set when another question of the same calculation is answered.
fn dangling_questions(def: &Definition, answers: &Answers, outcome: &Outcome) -> Vec<Slip> {
    let mut out = Vec::new();
    for t in def.all_tasks() {
        let Some(calc) = &t.calculation else { continue };
        let Some(e) = def.expr(&calc.expression) else { continue };
        let ids = e.answer_ids();
        let mut missing: Vec<String> = ids.iter().filter(|id| def.find(id).is_none()).cloned().collect();
        missing.dedup();
        let given: Vec<String> =
            ids.iter().filter(|id| def.find(id).is_some() && answered_true(answers, def, id)).cloned().collect();
        if missing.is_empty() || given.is_empty() {
            continue;
        }
        out.push(Slip {
            id: "ontbrekende-vraag",
            questions: given,
            changes_outcome: dpia_level(outcome).as_deref() != Some("required"),
            note: format!(
                "De score „{}” leest vraag {}, die in de Pre-scan niet bestaat; dat deel telt in de officiële \
                 Pre-scan nooit mee, zodat de score lager kan uitvallen dan bedoeld.",
                calc.score_key,
                missing.join(", ")
            ),
        });
    }
    out
}

/// A score the verdict adds up but no calculation produces (2.0: `digitaledienst_minderjarig`, whose calculation
/// is indented under a condition of 7.1.3): it counts 0. Touches an answer set that offers a digital service.
fn uncalculated_scores(def: &Definition, answers: &Answers, outcome: &Outcome) -> Vec<Slip> {
    // The questions the intended calculation reads, per known score.
    const READS: [(&str, &[&str]); 1] = [("digitaledienst_minderjarig", &["7.1.1", "7.1.2", "7.1.3"])];
    let calculated: Vec<&str> =
        def.all_tasks().into_iter().filter_map(|t| t.calculation.as_ref()).map(|c| c.score_key.as_str()).collect();
    let mut out = Vec::new();
    for (key, reads) in READS {
        let used = def.expression_texts().iter().any(|t| t.contains(&format!("scores.{key}")));
        let given: Vec<String> =
            reads.iter().filter(|id| answered_true(answers, def, id)).map(|s| s.to_string()).collect();
        if !used || calculated.contains(&key) || given.is_empty() {
            continue;
        }
        out.push(Slip {
            id: "score-zonder-berekening",
            questions: given,
            changes_outcome: dpia_level(outcome).as_deref() != Some("required"),
            note: format!(
                "De score „{key}” (digitale dienst voor minderjarigen) telt in de officiële Pre-scan altijd als 0: \
                 de berekening staat in het gepubliceerde bestand op de verkeerde plaats."
            ),
        });
    }
    out
}

/// The slips that touch these answers.
pub fn touching(def: &Definition, answers: &Answers, outcome: &Outcome) -> Vec<Slip> {
    let mut out = prefixed_weights(def, answers, outcome);
    out.extend(dangling_questions(def, answers, outcome));
    out.extend(uncalculated_scores(def, answers, outcome));
    out
}
