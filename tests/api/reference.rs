//! Versions of the reference data (issue 16, item 4): `airegister reference` and Beheer → Referentiegegevens
//! list every reference file with its version, content hash and source; a decision-aid run records the tree's
//! hash, and a run made with a tree of other content says so and re-checks its answers against the current one.

use std::process::Command;

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::register::complete;

fn sha256_of(path: &str) -> String {
    let bytes = std::fs::read(format!("{}/reference/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    airegister::aiact::sha256_hex(&bytes)
}

#[test]
fn the_reference_command_lists_name_version_short_hash_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let tree_dir = dir.path().join("ai-act-beslishulp");
    std::fs::create_dir_all(&tree_dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_airegister"))
        .arg("reference")
        .env_remove("AIREGISTER_REFERENCE_DIR")
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 9, "{text}");
    assert!(lines[0].starts_with("Naam") && lines[0].contains("Versie") && lines[0].contains("Hash"));
    let tree = &sha256_of("ai-act-beslishulp/decision-tree.yaml")[..12];
    assert!(lines[1].starts_with("Beslisboom AI-verordening") && lines[1].contains("1.0.0") && lines[1].contains(tree));
    assert!(lines[1].ends_with("MinBZK/ai-verordening-beslishulp @ 3cbdec98fe9a (2026-08-05)"), "{}", lines[1]);
    let prescan = &sha256_of("assessments/prescan.yaml")[..12];
    assert!(text.lines().any(|l| l.starts_with("Pre-scan DPIA") && l.contains("2.0") && l.contains(prescan)));
    let kader = &airegister::kader::load().unwrap().sha256[..12];
    assert!(text.lines().any(|l| l.starts_with("Algoritmekader")
        && l.contains("2.5.1")
        && l.contains(kader)
        && l.ends_with("MinBZK/Algoritmekader @ 450e1befcc97 (2026-05-19)")));

    // A replacement tree with the same version but other content: another hash, from the file given.
    let changed = airegister::aiact::BUILT_IN.replacen("2 augustus 2030", "2 augustus 2031", 1);
    assert_ne!(changed, airegister::aiact::BUILT_IN, "the replacement changes the content");
    std::fs::write(tree_dir.join("decision-tree.yaml"), &changed).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_airegister"))
        .arg("reference")
        .env("AIREGISTER_REFERENCE_DIR", dir.path())
        .output()
        .expect("the binary runs");
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().nth(1).unwrap();
    let new = &airegister::aiact::sha256_hex(changed.as_bytes())[..12];
    assert!(first.contains("1.0.0") && first.contains(new) && !first.contains(tree), "{first}");
    assert!(first.ends_with("onbekend"), "no README beside the replacement: {first}");
}

#[tokio::test]
async fn a_run_made_with_another_tree_says_so_and_is_rechecked() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let pl = app.user("pl@testdam.example", org, &[Role::Medewerker, Role::Projectleider]).await;
    app.user("beheer@testdam.example", org, &[Role::Beheerder]).await;
    let c = app.logged_in("pl@testdam.example").await;
    let r = app.post(&c, "/register", &complete("Fraudescore", &pl.to_string(), &[])).await;
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    assert_eq!(app.post(&c, &format!("/register/{id}/ai-verordening/start"), &[]).await.status(), 303);
    let page = app.get(&c, &format!("/register/{id}/ai-verordening")).await.text().await.unwrap();
    let current = airegister::aiact::tree_sha256().to_string();
    assert!(page.contains(&format!("inhoudscode {}", &current[..12])), "the page names the loaded tree's hash");
    let version: i32 = sqlx::query_scalar("select version from ai_act_run where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // 1.1 "Nee" (the second answer): no algorithm, conclusion 11.0.
    let r = app
        .post(
            &c,
            &format!("/register/{id}/ai-verordening/antwoord"),
            &[("version", &version.to_string()), ("question_id", "1.1"), ("answer", "1"), ("remark", "")],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (sha, conclusion): (Option<String>, Option<String>) =
        sqlx::query_as("select tree_sha256, conclusion_id from ai_act_run where application_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((sha.as_deref(), conclusion.as_deref()), (Some(current.as_str()), Some("11.0")));
    let page = app.get(&c, &format!("/register/{id}/ai-verordening")).await.text().await.unwrap();
    assert!(!page.contains("De beslisboom is sinds deze beoordeling gewijzigd"), "same tree: no note");

    let (risk_group, labels): (Option<String>, Vec<String>) =
        sqlx::query_as("select risk_group, labels from ai_act_run where application_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    // Made with a tree of other content (same version), and another outcome stored then.
    let other = "0".repeat(64);
    sqlx::query(
        "update ai_act_run set tree_sha256 = $2, conclusion_id = '12.0', risk_group = 'hoog-risico AI',
                labels = array['hoog-risico AI'] where application_id = $1",
    )
    .bind(id)
    .bind(&other)
    .execute(&app.pool)
    .await
    .unwrap();
    let page = app.get(&c, &format!("/register/{id}/ai-verordening")).await.text().await.unwrap();
    assert!(page.contains("De beslisboom is sinds deze beoordeling gewijzigd"), "{page}");
    assert!(page.contains("Opnieuw controleren met de huidige beslisboom") && page.contains("name=\"controle\""));
    let page = app.get(&c, &format!("/register/{id}/ai-verordening?controle=1")).await.text().await.unwrap();
    assert!(page.contains("Met de huidige beslisboom geven dezelfde antwoorden een andere uitkomst:"), "{page}");
    assert!(page.contains("Conclusie: was 12.0, nu 11.0"), "{page}");
    assert!(page.contains("Labels: erbij geen algoritme; vervallen hoog-risico AI"), "{page}");
    // The same outcome with another tree: said so, nothing to change.
    sqlx::query("update ai_act_run set conclusion_id = '11.0', risk_group = $2, labels = $3 where application_id = $1")
        .bind(id)
        .bind(&risk_group)
        .bind(&labels)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = app.get(&c, &format!("/register/{id}/ai-verordening?controle=1")).await.text().await.unwrap();
    assert!(page.contains("Met de huidige beslisboom geven dezelfde antwoorden dezelfde uitkomst."), "{page}");

    // Beheer → Referentiegegevens: for the administrator only.
    assert_eq!(app.get(&c, "/beheer/referentiegegevens").await.status(), 403);
    let admin = app.logged_in("beheer@testdam.example").await;
    let page = app.get(&admin, "/beheer/referentiegegevens").await.text().await.unwrap();
    assert!(page.contains(&current[..12]) && page.contains(&current), "{page}");
    assert!(page.contains("MinBZK/par-dpia-form @ 56b7cb89719a (2026-08-22)"));
    assert!(page.contains(&sha256_of("assessments/iama.yaml")[..12]));
}
