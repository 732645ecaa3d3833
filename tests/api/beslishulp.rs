//! `airegister beslishulp run`: stored answer paths checked against the tree from the command line, and a
//! broken replacement tree stopping `serve` before it starts.

use std::process::Command;

fn airegister(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_airegister"));
    cmd.args(args).env_remove("AIREGISTER_REFERENCE_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

#[test]
fn run_prints_the_outcome_of_an_answer_path_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("antwoorden.json");
    std::fs::write(
        &answers,
        r#"[{"questionId": "1.1", "answer": "Ja"},
            {"questionId": "1.2", "answer": "We gebruiken een extern ontwikkelde toepassing zonder aanpassingen"},
            {"questionId": "1.3", "answer": "In gebruik"},
            {"questionId": "1.4.1", "answer": "Ja, het is een AI-systeem"},
            {"questionId": "1.5", "answer": "Nee"},
            {"questionId": "2.0", "answer": "Naar risicogroep bepaling"},
            {"questionId": "2.1", "answer": "Ja"},
            {"questionId": "2.2", "answer": "Nee"}]"#,
    )
    .unwrap();
    let out = airegister(&["beslishulp", "run", "--answers", answers.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["conclusionId"], "13.0.0");
    assert_eq!(json["riskGroup"], "verboden AI");
    assert_eq!(
        json["labels"],
        serde_json::json!(["gebruiksverantwoordelijke", "in gebruik", "AI-systeem", "verboden AI"])
    );
    assert_eq!(json["tree"]["version"], "1.0.0");
    assert!(json["conclusion"].as_str().unwrap().contains("gebruiksverantwoordelijke van een verboden AI-systeem"));
    assert!(json["obligation"].as_str().unwrap().len() > 20);

    // An answer that does not fit names the question; exit code 1.
    std::fs::write(
        &answers,
        r#"[{"questionId": "1.1", "answer": "Ja"}, {"questionId": "1.2", "answer": "Weet ik niet"}]"#,
    )
    .unwrap();
    let out = airegister(&["beslishulp", "run", "--answers", answers.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("vraag 1.2: „Weet ik niet” is geen antwoord op deze vraag"));

    // Answers that stop early say where.
    std::fs::write(&answers, r#"[{"questionId": "1.1", "answer": "Ja"}]"#).unwrap();
    let out = airegister(&["beslishulp", "run", "--answers", answers.to_str().unwrap()], &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("houden op bij vraag 1.2 zonder conclusie"));
}

#[test]
fn a_broken_replacement_tree_stops_the_start_with_file_question_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let tree_dir = dir.path().join("ai-act-beslishulp");
    std::fs::create_dir_all(&tree_dir).unwrap();
    let built_in = airegister::aiact::BUILT_IN;
    let broken = built_in.replacen(r#"nextQuestionId: "1.3""#, r#"nextQuestionId: "1.33""#, 1);
    std::fs::write(tree_dir.join("decision-tree.yaml"), &broken).unwrap();
    let reference = dir.path().to_str().unwrap();
    let out = airegister(&["serve", "--bind", "127.0.0.1:0"], &[("AIREGISTER_REFERENCE_DIR", reference)]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ai-act-beslishulp/decision-tree.yaml: vraag 1.2: antwoord „We ontwikkelen enkel” verwijst naar vraag 1.33, die niet bestaat"), "{err}");

    // The same file with a valid newer version is accepted without code changes (the CLI uses it).
    std::fs::write(tree_dir.join("decision-tree.yaml"), built_in.replacen("version: 1.0.0", "version: 1.0.1", 1))
        .unwrap();
    let answers = dir.path().join("a.json");
    std::fs::write(&answers, r#"[{"questionId": "1.1", "answer": "Nee"}]"#).unwrap();
    let out = airegister(
        &["beslishulp", "run", "--answers", answers.to_str().unwrap()],
        &[("AIREGISTER_REFERENCE_DIR", reference)],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((json["tree"]["version"].as_str(), json["conclusionId"].as_str()), (Some("1.0.1"), Some("11.0")));
}
