//! The built-in tree: it loads, every conclusion is reachable, hand-checked answer paths give the expected
//! conclusion, every condition in the file parses, and broken files are refused with a useful message.

use std::collections::BTreeSet;

use super::engine::{self, Step};
use super::expr;
use super::tree::Tree;

mod cases;
use cases::*;

fn tree() -> Tree {
    Tree::parse("decision-tree.yaml", super::BUILT_IN).expect("the built-in tree is valid")
}

fn steps(path: &[(&str, &str)]) -> Vec<Step> {
    path.iter().map(|(q, a)| Step { question_id: q.to_string(), answer: a.to_string(), remark: None }).collect()
}

#[test]
fn the_built_in_tree_loads() {
    let t = tree();
    assert_eq!(t.version, "1.0.0");
    assert_eq!(t.name, "Beslishulp AI-verordening");
    assert_eq!((t.questions.len(), t.conclusions.len()), (22, 50));
}

#[test]
fn every_conclusion_is_reachable_and_no_answer_is_a_dead_end() {
    let t = tree();
    let reach = engine::explore(&t);
    let all: BTreeSet<&str> = t.conclusions.iter().map(|c| c.conclusion_id.as_str()).collect();
    let reached: BTreeSet<&str> = reach.conclusions.keys().map(String::as_str).collect();
    assert_eq!(reached, all, "unreachable: {:?}", all.difference(&reached).collect::<Vec<_>>());
    assert!(reach.dead_ends.is_empty(), "{:?}", reach.dead_ends);
    // The witness paths really lead there.
    for (id, path) in &reach.conclusions {
        assert_eq!(engine::run(&t, path).unwrap().conclusion_id.as_deref(), Some(id.as_str()));
    }
}

#[test]
fn hand_checked_paths_give_the_expected_conclusion() {
    let t = tree();
    let cases: Vec<Case> = early_cases().into_iter().chain(system_cases()).collect();
    assert!(cases.len() >= 25);
    let mut roles = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    let mut groups = BTreeSet::new();
    for c in &cases {
        let o = engine::run(&t, &steps(&c.path)).unwrap_or_else(|e| panic!("{}: {e}", c.conclusion));
        assert_eq!(o.conclusion_id.as_deref(), Some(c.conclusion), "{:?}", c.path);
        assert!(o.conclusion.as_deref().unwrap_or("").contains(c.phrase), "{}: {:?}", c.conclusion, o.conclusion);
        assert!(o.obligation.as_deref().is_some_and(|ob| !ob.is_empty()));
        assert_eq!(o.risk_group.as_deref().unwrap_or(""), c.risk_group, "{}", c.conclusion);
        roles.extend(o.roles.clone());
        kinds.extend(o.system_type.clone());
        groups.extend(o.risk_group.clone());
    }
    assert_eq!(roles.len(), 4, "every role: {roles:?}");
    assert_eq!(kinds.len(), 3, "every system type: {kinds:?}");
    assert_eq!(groups.len(), 5, "every risk group: {groups:?}");
}

#[test]
fn answers_that_do_not_fit_name_the_question() {
    let t = tree();
    let e = engine::run(&t, &steps(&[("1.1", "Misschien")])).unwrap_err();
    assert!(e.0.contains("vraag 1.1: „Misschien” is geen antwoord") && e.0.contains("„Ja”, „Nee”"), "{e}");
    let e = engine::run(&t, &steps(&[("1.1", "Ja"), ("1.3", "In gebruik")])).unwrap_err();
    assert!(e.0.contains("antwoord 2 is voor vraag 1.3, maar de beslishulp stelt hier vraag 1.2"), "{e}");
    let e = engine::run(&t, &steps(&[("1.1", "Nee"), ("1.2", ONLY_DEVELOP)])).unwrap_err();
    assert!(e.0.contains("komt na de conclusie"), "{e}");
    // Unfinished: no conclusion yet, the next question is named.
    let o = engine::run(&t, &steps(&[("1.1", "Ja")])).unwrap();
    assert_eq!((o.conclusion_id, o.next_question_id.as_deref()), (None, Some("1.2")));
}

#[test]
fn every_condition_in_the_tree_parses_and_names_known_labels() {
    let t = tree();
    let known: BTreeSet<&str> =
        t.questions.iter().flat_map(|q| q.answers.iter().flat_map(|a| a.labels.iter().map(String::as_str))).collect();
    let texts = t.condition_texts();
    assert_eq!(texts.len(), 111, "conditions in tree 1.0.0");
    for text in texts {
        let e = expr::parse(text).unwrap_or_else(|err| panic!("{text}: {err}"));
        for l in e.labels() {
            assert!(known.contains(l), "{text}: unknown label {l}");
        }
    }
}

fn broken(replace: &str, with: &str) -> String {
    let yaml = super::BUILT_IN.replacen(replace, with, 1);
    assert_ne!(yaml, super::BUILT_IN, "the replacement applies");
    Tree::parse("decision-tree.yaml", &yaml).unwrap_err().0
}

#[test]
fn a_malformed_tree_is_refused_with_file_question_and_problem() {
    let m = broken(
        r#"if: '"aanbieder" in labels || "gebruiksverantwoordelijke" in labels'"#,
        r#"if: '"aanbieder" in labels ||| "gebruiksverantwoordelijke" in labels'"#,
    );
    assert!(
        m.starts_with("decision-tree.yaml: vraag 1.4.2: antwoord „AI-model voor algemene doeleinden”, voorwaarde 1"),
        "{m}"
    );
    assert!(m.contains("hoort dubbel"), "{m}");
    let m = broken(r#"nextQuestionId: "1.2""#, r#"nextQuestionId: "9.9""#);
    assert_eq!(m, "decision-tree.yaml: vraag 1.1: antwoord „Ja” verwijst naar vraag 9.9, die niet bestaat");
    let m = broken(r#"questionId: "1.3""#, r#"questionId: "1.2""#);
    assert!(m.contains("vraag 1.2: deze vraag-id komt twee keer voor"), "{m}");
    let m = broken(r#"nextConclusionId: "11.0""#, r#"nextConclusionId: "99.0""#);
    assert!(m.contains("vraag 1.1: antwoord „Nee” verwijst naar conclusie 99.0"), "{m}");
    let m = broken("questions:", "vragen:");
    assert!(m.starts_with("decision-tree.yaml: geen geldige beslisboom"), "{m}");
}

#[test]
fn steps_and_definitions_come_from_the_reference_files() {
    let e = super::extras::load().unwrap();
    assert_eq!(e.step("1.4.1").map(|c| c.question_id.as_str()), Some("1.4"));
    assert_eq!(e.step("2.7.2").map(|c| c.question_id.as_str()), Some("2.7.2"));
    assert_eq!(e.step("2.3").map(|c| c.category.as_str()), Some("In welke risicogroep valt de toepassing?"));
    assert_eq!(e.steps().len(), 3);
    let used: Vec<&str> = e.used_in("Bent u aanbieder of importeur?").iter().map(|d| d.term.as_str()).collect();
    assert!(used.contains(&"aanbieder") && used.contains(&"importeur"), "{used:?}");
    assert!(!used.contains(&"aanbieders"), "whole words only");
    assert!(e.used_in("omdat dat zo is").iter().all(|d| d.term != "DAT"), "an acronym only as written");
    // Every question of the tree has a step.
    for q in &tree().questions {
        assert!(e.step(&q.question_id).is_some(), "{}", q.question_id);
    }
}

/// Issue 16 part 5: the tree is now read with jexl's grammar; no condition of the built-in tree reads differently
/// from the conventional precedence, so every answer path keeps its conclusion and labels.
#[test]
fn no_condition_of_the_built_in_tree_reads_differently_under_jexl() {
    assert_eq!(tree().jexl_differences(), Vec::<String>::new());
    // A slip of the kind jexl reads differently is named; the tree still loads and follows jexl's reading.
    let yaml = super::BUILT_IN.replacen(r#"if: '"distributeur" in labels'"#, r#"if: '!"distributeur" in labels'"#, 1);
    assert_ne!(yaml, super::BUILT_IN);
    let t = Tree::parse("decision-tree.yaml", &yaml).unwrap();
    let named = t.jexl_differences();
    assert_eq!(named.len(), 1, "{named:?}");
    assert!(named[0].contains(r#"!"distributeur" in labels"#), "{named:?}");
}
