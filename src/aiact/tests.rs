//! The built-in tree: it loads, every conclusion is reachable, hand-checked answer paths give the expected
//! conclusion, every condition in the file parses, and broken files are refused with a useful message.

use std::collections::BTreeSet;

use super::engine::{self, Step};
use super::expr;
use super::tree::Tree;

fn tree() -> Tree {
    Tree::parse("decision-tree.yaml", super::BUILT_IN).expect("the built-in tree is valid")
}

fn steps(path: &[(&str, &str)]) -> Vec<Step> {
    path.iter().map(|(q, a)| Step { question_id: q.to_string(), answer: a.to_string(), remark: None }).collect()
}

const AI_SYSTEM: &str = "Ja, het is een AI-systeem";
const ONLY_DEVELOP: &str = "We ontwikkelen enkel";
const DEVELOP_AND_USE: &str = "We ontwikkelen en gebruiken het zelf";
const USE_AS_IS: &str = "We gebruiken een extern ontwikkelde toepassing zonder aanpassingen";
const USE_ADAPTED: &str = "We gebruiken een extern ontwikkelde toepassing met aanpassingen";
const IMPORT: &str = "We importeren van een leverancier buiten de EU";
const DISTRIBUTE: &str = "We kopen van een leverancier binnen de EU en verkopen het";

/// The questions up to the risk group, for a role and a kind of system (answers to 1.4.x).
fn into_risk(role: &'static str, kind: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut p = vec![("1.1", "Ja"), ("1.2", role), ("1.3", "In gebruik")];
    p.extend_from_slice(kind);
    p.extend([("1.5", "Nee"), ("2.0", "Naar risicogroep bepaling")]);
    p
}

fn system(role: &'static str) -> Vec<(&'static str, &'static str)> {
    into_risk(role, &[("1.4.1", AI_SYSTEM)])
}

fn gp_system(role: &'static str) -> Vec<(&'static str, &'static str)> {
    into_risk(role, &[("1.4.1", "Nee, het is geen AI-systeem"), ("1.4.2", "AI-systeem voor algemene doeleinden")])
}

fn gp_model(role: &'static str) -> Vec<(&'static str, &'static str)> {
    into_risk(role, &[("1.4.1", "Nee, het is geen AI-systeem"), ("1.4.2", "AI-model voor algemene doeleinden")])
}

fn with(
    mut p: Vec<(&'static str, &'static str)>,
    rest: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    p.extend_from_slice(rest);
    p
}

/// Annex III high risk without exception (2.4 Ja → 2.7.2 → 2.5 profiling).
const HIGH_RISK: &[(&str, &str)] =
    &[("2.1", "Nee"), ("2.3", "Geen van beide"), ("2.4", "Ja"), ("2.7.2", "Nee"), ("2.5", "Ja")];
/// Not high risk (2.4 Nee), not open source.
const NOT_HIGH_CLOSED: &[(&str, &str)] = &[("2.1", "Nee"), ("2.3", "Geen van beide"), ("2.4", "Nee"), ("2.11", "Nee")];
const PROHIBITED: &[(&str, &str)] = &[("2.1", "Ja"), ("2.2", "Nee")];
const TRANSPARENCY: &[(&str, &str)] = &[("2.9", "Ja"), ("2.10", "Nee")];
const NO_TRANSPARENCY: &[(&str, &str)] = &[("2.9", "Nee")];

struct Case {
    path: Vec<(&'static str, &'static str)>,
    conclusion: &'static str,
    /// A phrase of the conclusion text that says role, system and risk (read in the tree by hand).
    phrase: &'static str,
    risk_group: &'static str,
}

fn cases() -> Vec<Case> {
    let c = |path, conclusion, phrase, risk_group| Case { path, conclusion, phrase, risk_group };
    vec![
        c(vec![("1.1", "Nee")], "11.0", "geen sprake is van een algoritme", "niet van toepassing"),
        c(
            vec![("1.1", "Ja"), ("1.2", "Geen van bovenstaande")],
            "11.3",
            "geen aanbieder, gebruiksverantwoordelijke",
            "niet van toepassing",
        ),
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", USE_AS_IS),
                ("1.3", "In gebruik"),
                ("1.4.1", "Nee, het is geen AI-systeem"),
                ("1.4.2", "Geen van bovenstaande"),
            ],
            "11.1",
            "niet valt onder de definitie van een AI-systeem",
            "niet van toepassing",
        ),
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", USE_AS_IS),
                ("1.3", "In ontwikkeling"),
                ("1.4.1", "Ik weet het niet"),
                ("1.6.1", "Ja"),
            ],
            "11.1",
            "niet valt onder de definitie",
            "niet van toepassing",
        ),
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", USE_AS_IS),
                ("1.3", "In gebruik"),
                ("1.4.1", "Ik weet het niet"),
                ("1.6.1", "Nee"),
                ("1.6.2", "Ja"),
                ("1.6.3", "Nee"),
            ],
            "11.1",
            "niet valt onder de definitie",
            "niet van toepassing",
        ),
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", USE_AS_IS),
                ("1.3", "In gebruik"),
                ("1.4.1", "Ik weet het niet"),
                ("1.6.1", "Nee"),
                ("1.6.2", "Ja"),
                ("1.6.3", "Ja"),
                ("1.5", "Ja"),
            ],
            "11.2",
            "uitzonderingsgrond",
            "uitzondering van toepassing",
        ),
        c(with(system(ONLY_DEVELOP), PROHIBITED), "12.0.0", "aanbieder van een verboden AI-systeem", "verboden AI"),
        c(
            with(system(USE_AS_IS), PROHIBITED),
            "13.0.0",
            "gebruiksverantwoordelijke van een verboden AI-systeem",
            "verboden AI",
        ),
        c(
            with(system(DEVELOP_AND_USE), PROHIBITED),
            "14.0.0",
            "aanbieder en gebruiksverantwoordelijke van een verboden",
            "verboden AI",
        ),
        c(with(system(IMPORT), PROHIBITED), "15.0.0", "importeur van een verboden AI-systeem", "verboden AI"),
        c(with(system(DISTRIBUTE), PROHIBITED), "16.0.0", "distributeur van een verboden AI-systeem", "verboden AI"),
        c(
            with(with(system(USE_AS_IS), HIGH_RISK), TRANSPARENCY),
            "13.0.1",
            "gebruiksverantwoordelijke van een hoog-risico AI-systeem",
            "hoog-risico AI",
        ),
        c(
            with(with(system(USE_AS_IS), HIGH_RISK), NO_TRANSPARENCY),
            "13.0.2",
            "gebruiksverantwoordelijke van een hoog-risico AI-systeem.",
            "hoog-risico AI",
        ),
        c(
            with(with(system(USE_AS_IS), NOT_HIGH_CLOSED), NO_TRANSPARENCY),
            "13.0.4",
            "gebruiksverantwoordelijke van een niet-hoog-risico AI-sys",
            "geen hoog-risico AI",
        ),
        c(
            with(with(system(USE_AS_IS), NOT_HIGH_CLOSED), TRANSPARENCY),
            "13.0.3",
            "gebruiksverantwoordelijke van een niet-hoog-risico AI-sys",
            "geen hoog-risico AI",
        ),
        // Open source, not high risk, no transparency obligation: outside the AI Act (exception).
        c(
            with(
                system(USE_AS_IS),
                &[("2.1", "Nee"), ("2.3", "Geen van beide"), ("2.4", "Nee"), ("2.11", "Ja"), ("2.9", "Nee")],
            ),
            "11.2",
            "uitzonderingsgrond",
            "uitzondering van toepassing",
        ),
        c(
            with(
                system(ONLY_DEVELOP),
                &[
                    ("2.1", "Nee"),
                    ("2.3", "Ja Sectie A van Bijlage I"),
                    ("2.7.1", "Ja"),
                    ("2.9", "Ja"),
                    ("2.10", "Nee"),
                ],
            ),
            "12.0.1",
            "aanbieder van een hoog-risico AI-systeem met transparanti",
            "hoog-risico AI",
        ),
        c(
            with(system(ONLY_DEVELOP), &[("2.1", "Nee"), ("2.3", "Ja Sectie B van Bijlage I"), ("2.9", "Nee")]),
            "12.0.2",
            "aanbieder van een hoog-risico AI-systeem.",
            "hoog-risico AI",
        ),
        c(
            with(
                system(USE_ADAPTED),
                &[
                    ("2.1", "Nee"),
                    ("2.3", "Geen van beide"),
                    ("2.4", "Nee"),
                    ("2.11", "Nee"),
                    ("2.9", "Ja"),
                    ("2.10", "Ja"),
                ],
            ),
            "14.0.4",
            "gebruiksverantwoordelijke en aanbieder van een niet-hoog-",
            "geen hoog-risico AI",
        ),
        // A prohibited practice that falls under an exception continues as an ordinary system.
        c(
            with(
                with(
                    system(ONLY_DEVELOP),
                    &[("2.1", "Ja"), ("2.2", "Ja"), ("2.3", "Geen van beide"), ("2.4", "Nee"), ("2.11", "Nee")],
                ),
                NO_TRANSPARENCY,
            ),
            "12.0.4",
            "aanbieder van een niet-hoog-risico AI-systeem.",
            "geen hoog-risico AI",
        ),
        // An exception to Annex III (2.6 Ja) means not high risk.
        c(
            with(
                system(ONLY_DEVELOP),
                &[
                    ("2.1", "Nee"),
                    ("2.3", "Geen van beide"),
                    ("2.4", "Ja"),
                    ("2.7.2", "Nee"),
                    ("2.5", "Nee"),
                    ("2.6", "Ja"),
                    ("2.11", "Nee"),
                    ("2.9", "Ja"),
                    ("2.10", "Nee"),
                ],
            ),
            "12.0.3",
            "aanbieder van een niet-hoog-risico AI-systeem met transpa",
            "geen hoog-risico AI",
        ),
        c(
            with(
                gp_system(USE_AS_IS),
                &[
                    ("2.1", "Nee"),
                    ("2.3", "Geen van beide"),
                    ("2.4", "Ja"),
                    ("2.7.2", "Ja"),
                    ("2.5", "Nee"),
                    ("2.6", "Nee"),
                    ("2.9", "Ja"),
                    ("2.10", "Nee"),
                ],
            ),
            "13.1.1",
            "gebruiksverantwoordelijke van een hoog-risico AI-systeem",
            "hoog-risico AI",
        ),
        c(
            with(with(gp_system(ONLY_DEVELOP), NOT_HIGH_CLOSED), NO_TRANSPARENCY),
            "12.1.4",
            "aanbieder van een niet-hoog-risico AI-systeem voor algeme",
            "geen hoog-risico AI",
        ),
        c(
            with(gp_system(IMPORT), &[("2.1", "Nee"), ("2.3", "Ja Sectie A van Bijlage I")]),
            "15.1.1",
            "importeur van een hoog risico AI-systeem voor algemene",
            "hoog-risico AI",
        ),
        c(
            with(system(DISTRIBUTE), &[("2.1", "Nee"), ("2.3", "Geen van beide"), ("2.4", "Nee")]),
            "16.0.3",
            "distributeur van een niet-hoog-risico AI-systeem",
            "geen hoog-risico AI",
        ),
        c(
            with(
                system(IMPORT),
                &[("2.1", "Nee"), ("2.3", "Geen van beide"), ("2.4", "Ja"), ("2.7.2", "Nee"), ("2.5", "Ja")],
            ),
            "15.0.1",
            "importeur van een AI-systeem een hoog risico",
            "hoog-risico AI",
        ),
        c(
            with(gp_model(ONLY_DEVELOP), &[("2.8", "Ja")]),
            "12.2.1",
            "aanbieder van een AI-model voor algemene doeleinden met e",
            "",
        ),
        c(
            with(gp_model(ONLY_DEVELOP), &[("2.8", "Nee"), ("2.11", "Ja")]),
            "12.2.2",
            "aanbieder van een open-source AI-model",
            "",
        ),
        c(
            with(gp_model(ONLY_DEVELOP), &[("2.8", "Nee"), ("2.11", "Nee")]),
            "12.2.3",
            "aanbieder van een AI-model voor algemene doeleinden.",
            "",
        ),
        c(
            with(gp_model(USE_AS_IS), &[("2.8", "Nee")]),
            "13.2.1",
            "gebruiksverantwoordelijke van een AI-model voor algemene",
            "",
        ),
        c(
            with(gp_model(DEVELOP_AND_USE), &[("2.8", "Ja")]),
            "14.2.1",
            "aanbieder en gebruiksverantwoordelijke van een AI-model",
            "",
        ),
        // Importers and distributors of a general-purpose model get their conclusion right after 1.4.2.
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", IMPORT),
                ("1.3", "In gebruik"),
                ("1.4.1", "Nee, het is geen AI-systeem"),
                ("1.4.2", "AI-model voor algemene doeleinden"),
            ],
            "15.2.1",
            "importeur van een AI-model voor algemene doeleinden",
            "",
        ),
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", DISTRIBUTE),
                ("1.3", "In gebruik"),
                ("1.4.1", "Nee, het is geen AI-systeem"),
                ("1.4.2", "AI-model voor algemene doeleinden"),
            ],
            "16.2.1",
            "distributeur van een AI-model voor algemene doeleinden",
            "",
        ),
    ]
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
    let cases = cases();
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
