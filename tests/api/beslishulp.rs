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

mod web {
    use airegister::auth::roles::Role;
    use uuid::Uuid;

    use crate::helpers::{TestApp, location};
    use crate::register::complete;

    /// Answer the current question by its text (as a person picks a radio button).
    async fn choose(app: &TestApp, c: &reqwest::Client, id: Uuid, answer: &str, remark: &str) -> reqwest::Response {
        let page = app.get(c, &format!("/register/{id}/ai-verordening")).await.text().await.unwrap();
        let field = |name: &str| {
            let marker = format!("name=\"{name}\" value=\"");
            let start = page.find(&marker).unwrap_or_else(|| panic!("{name} on the page")) + marker.len();
            page[start..start + page[start..].find('"').unwrap()].to_string()
        };
        let (version, question) = (field("version"), field("question_id"));
        // The radio whose label is the answer text.
        let label = format!(">{answer}</label>");
        let at = page.find(&label).unwrap_or_else(|| panic!("answer {answer} on question {question}"));
        let id_start = page[..at].rfind("for=\"answer-").unwrap() + "for=\"answer-".len();
        let index = &page[id_start..id_start + page[id_start..].find('"').unwrap()];
        app.post(
            c,
            &format!("/register/{id}/ai-verordening/antwoord"),
            &[("version", &version), ("question_id", &question), ("answer", index), ("remark", remark)],
        )
        .await
    }

    #[tokio::test]
    async fn the_decision_aid_sets_the_ai_act_profile_and_keeps_earlier_outcomes() {
        let app = TestApp::spawn().await;
        let org = app.org("Gemeente Testdam", "gm0101").await;
        let pl = app.user("pl@testdam.example", org, &[Role::Medewerker, Role::Projectleider]).await;
        app.user("mw@testdam.example", org, &[Role::Medewerker]).await;
        let c = app.logged_in("pl@testdam.example").await;
        let pl_s = pl.to_string();
        let r = app.post(&c, "/register", &complete("Fraudescore", &pl_s, &[])).await;
        let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();

        // Someone who may not edit the registration cannot run the aid for it.
        let mw = app.logged_in("mw@testdam.example").await;
        assert_eq!(app.post(&mw, &format!("/register/{id}/ai-verordening/start"), &[]).await.status(), 403);

        assert_eq!(app.post(&c, &format!("/register/{id}/ai-verordening/start"), &[]).await.status(), 303);
        let page = app.get(&c, &format!("/register/{id}/ai-verordening")).await.text().await.unwrap();
        assert!(
            page.contains("Bevat de (beoogde) toepassing een algoritme?")
                && page.contains("Beslishulp AI-verordening, versie 1.0.0")
        );
        assert!(page.contains("aria-current=\"step\"") && page.contains("Bronnen"));

        // No choice: 422 with the message at the question; the remark is kept.
        let r = app
            .post(
                &c,
                &format!("/register/{id}/ai-verordening/antwoord"),
                &[("version", "0"), ("question_id", "1.1"), ("remark", "nagaan")],
            )
            .await;
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("Kies een antwoord.") && body.contains(">nagaan</textarea>"));

        let path = [
            ("Ja", "Rekenregels en een model"),
            ("We gebruiken een extern ontwikkelde toepassing zonder aanpassingen", ""),
            ("In ontwikkeling", ""),
            ("Ja, het is een AI-systeem", ""),
            ("Nee", ""),
            ("Naar risicogroep bepaling", ""),
            ("Nee", ""),
            ("Geen van beide", ""),
        ];
        for (answer, remark) in path {
            assert_eq!(choose(&app, &c, id, answer, remark).await.status(), 303, "{answer}");
        }
        // One back and forward again.
        let page = app.get(&c, &format!("/register/{id}/ai-verordening")).await.text().await.unwrap();
        assert!(page.contains("Valt het AI-systeem onder een van de hoog-risico systemen uit Bijlage III"));
        let v: i32 = sqlx::query_scalar("select version from ai_act_run where application_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let r = app.post(&c, &format!("/register/{id}/ai-verordening/terug"), &[("version", &v.to_string())]).await;
        assert_eq!(location(&r), format!("/register/{id}/ai-verordening?keuze=2"), "the earlier choice comes back");
        assert!(app.get(&c, &location(&r)).await.text().await.unwrap().contains("value=\"2\" checked"));
        assert!(
            app.get(&c, &format!("/register/{id}/ai-verordening"))
                .await
                .text()
                .await
                .unwrap()
                .contains("veiligheidscomponent")
        );
        // A stale form (the old version) is a conflict, and nothing is stored.
        let r = app
            .post(
                &c,
                &format!("/register/{id}/ai-verordening/antwoord"),
                &[("version", &v.to_string()), ("question_id", "2.4"), ("answer", "0")],
            )
            .await;
        assert_eq!(r.status(), 409);
        assert!(
            r.text().await.unwrap().contains(&format!("href=\"/register/{id}/ai-verordening\">Terug naar de pagina"))
        );
        for answer in ["Geen van beide", "Ja", "Nee", "Ja", "Nee"] {
            assert_eq!(choose(&app, &c, id, answer, "").await.status(), 303, "{answer}");
        }

        // Concluded: 13.0.2, a deployer of a high-risk AI system; the profile is set, the category proposed.
        let (group, category): (Option<String>, Option<String>) =
            sqlx::query_as("select ai_act_risk_group, publication_category from application where application_id = $1")
                .bind(id)
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert_eq!(group.as_deref(), Some("hoog-risico AI"));
        assert_eq!(category.as_deref(), Some("Overige algoritmes"));
        let page = app.get(&c, &format!("/register/{id}/ai-verordening")).await.text().await.unwrap();
        assert!(
            page.contains("Conclusie 13.0.2")
                && page.contains("Je bent een gebruiksverantwoordelijke van een hoog-risico AI-systeem.")
        );
        assert!(page.contains("Voorgestelde publicatiecategorie") && page.contains("Hoog-risico AI-systeem"));
        assert!(page.contains("Opmerking: Rekenregels en een model"));
        assert!(page.contains("<strong>Verplichtingen") || page.contains("Verplichtingen"));
        // The government's texts bring no script: the page's only scripts are its own static files.
        assert_eq!(page.matches("<script").count(), page.matches("<script src=\"/static/").count(), "{page}");
        assert_eq!(
            app.post(&c, &format!("/register/{id}/ai-verordening/publicatiecategorie"), &[]).await.status(),
            303
        );
        let category: String =
            sqlx::query_scalar("select publication_category from application where application_id = $1")
                .bind(id)
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert_eq!(category, "Hoog-risico AI-systeem");

        // The gates now ask for an IAMA, because the AI Act says high-risk.
        let review = app.get(&c, &format!("/register/{id}/beoordeling")).await.text().await.unwrap();
        assert!(review.contains("nodig omdat de AI-verordening dit een hoog-risico AI-systeem noemt"));

        // Running it again keeps the earlier outcome as history.
        assert_eq!(app.post(&c, &format!("/register/{id}/ai-verordening/start"), &[]).await.status(), 303);
        assert_eq!(choose(&app, &c, id, "Nee", "").await.status(), 303);
        let page = app.get(&c, &format!("/register/{id}/ai-verordening")).await.text().await.unwrap();
        assert!(
            page.contains("Conclusie 11.0") && page.contains("Eerdere uitkomsten") && page.contains("conclusie 13.0.2")
        );
        let runs: i64 = sqlx::query_scalar("select count(*) from ai_act_run where application_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(runs, 2);
        let history = app.get(&c, &format!("/register/{id}/geschiedenis")).await.text().await.unwrap();
        assert!(history.contains("conclusie 13.0.2, risicogroep hoog-risico AI"));

        // A run in progress is not silently replaced by a second start; "opnieuw beginnen" does replace it.
        assert_eq!(app.post(&c, &format!("/register/{id}/ai-verordening/start"), &[]).await.status(), 303);
        assert_eq!(choose(&app, &c, id, "Ja", "").await.status(), 303);
        let r = app.post(&c, &format!("/register/{id}/ai-verordening/start"), &[]).await;
        assert_eq!(r.status(), 303);
        let page = app.get(&c, &format!("/register/{id}/ai-verordening")).await.text().await.unwrap();
        assert!(page.contains("Er loopt al een beslishulp") && page.contains("Ontwikkelen jullie de toepassing"));
        assert_eq!(
            app.post(&c, &format!("/register/{id}/ai-verordening/start"), &[("opnieuw", "ja")]).await.status(),
            303
        );
        assert!(
            app.get(&c, &format!("/register/{id}/ai-verordening"))
                .await
                .text()
                .await
                .unwrap()
                .contains("Bevat de (beoogde) toepassing een algoritme?")
        );

        // A general-purpose AI model is not one of the register's risk groups: the group stays as it was.
        for answer in [
            "Ja",
            "We ontwikkelen en gebruiken het zelf",
            "In ontwikkeling",
            "Nee, het is geen AI-systeem",
            "AI-model voor algemene doeleinden",
            "Nee",
            "Naar risicogroep bepaling",
            "Ja",
        ] {
            assert_eq!(choose(&app, &c, id, answer, "").await.status(), 303, "{answer}");
        }
        let group: Option<String> =
            sqlx::query_scalar("select ai_act_risk_group from application where application_id = $1")
                .bind(id)
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert_eq!(group.as_deref(), Some("niet van toepassing"), "the 11.0 outcome before stays");
        let page = app.get(&c, &format!("/register/{id}/ai-verordening")).await.text().await.unwrap();
        assert!(
            page.contains("Conclusie 14.2.1")
                && page.contains("valt niet in een risicogroep van het register")
                && page.contains("systeemrisico")
        );
    }
}
