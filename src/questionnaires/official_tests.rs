//! The Pre-scan DPIA's verdicts against the government's own implementation: every answer set in
//! tests/fixtures/prescan-official.json (written by scripts/prescan-fixtures/generate.mjs, which runs the code of
//! MinBZK/par-dpia-form on them) must give the same verdict, the same criteria and the same scores here.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::definition::Answers;
use super::prescan;

#[derive(Deserialize)]
struct Fixture {
    source: Source,
    sets: Vec<Set>,
}

#[derive(Deserialize)]
struct Source {
    commit: String,
}

#[derive(Deserialize)]
struct Set {
    name: String,
    answers: Answers,
    official: Official,
}

#[derive(Deserialize)]
struct Official {
    scores: BTreeMap<String, f64>,
    verdicts: Vec<OfficialVerdict>,
}

#[derive(Deserialize)]
struct OfficialVerdict {
    assessment: String,
    level: String,
    criteria: Vec<String>,
}

#[test]
fn every_answer_set_gets_the_official_verdict_criteria_and_scores() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/prescan-official.json");
    let fixture: Fixture = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("fixture");
    let def = super::built_in_prescan();
    let (mut levels, mut criteria, mut scores, mut whole) = (BTreeMap::new(), 0, 0, 0);
    let mut differences = Vec::new();
    for set in &fixture.sets {
        let ours = prescan::evaluate(&def, &set.answers);
        let mut same = true;
        for a in ["DPIA", "DTIA", "KIA", "IAMA"] {
            let theirs = set.official.verdicts.iter().find(|v| v.assessment == a);
            let mine = ours.verdict(a).expect("assessment");
            let level_same = mine.level.as_deref() == theirs.map(|v| v.level.as_str());
            *levels.entry(a).or_insert(0) += usize::from(level_same);
            let mine_criteria: Vec<&str> = mine.criteria.iter().map(|c| c.id.as_str()).collect();
            let their_criteria: Vec<&str> =
                theirs.map(|v| v.criteria.iter().map(String::as_str).collect()).unwrap_or_default();
            criteria += usize::from(mine_criteria == their_criteria);
            if !level_same || mine_criteria != their_criteria {
                same = false;
                differences.push(format!(
                    "{}: {a} {:?} {mine_criteria:?} / officieel {:?} {their_criteria:?}",
                    set.name,
                    mine.level,
                    theirs.map(|v| &v.level)
                ));
            }
        }
        let mine_scores: BTreeMap<String, f64> =
            ours.scores.iter().filter_map(|(k, v)| v.map(|v| (k.clone(), v))).collect();
        if mine_scores == set.official.scores {
            scores += 1;
        } else {
            same = false;
            differences.push(format!("{}: scores {mine_scores:?} / officieel {:?}", set.name, set.official.scores));
        }
        whole += usize::from(same);
    }
    let n = fixture.sets.len();
    println!("par-dpia-form {}: {whole} van {n} antwoordsets geheel gelijk", fixture.source.commit);
    for (a, k) in &levels {
        println!("  {a}: oordeel {k}/{n}");
    }
    println!("  criteria {criteria}/{}, scores {scores}/{n}", 4 * n);
    assert!(n >= 500, "{n} answer sets");
    assert!(
        differences.is_empty(),
        "{} verschillen, o.a.:\n{}",
        differences.len(),
        differences[..differences.len().min(15)].join("\n")
    );
}
