//! The Pre-scan DPIA evaluated from an answer set: `airegister prescan run --answers FILE` and
//! `POST /api/v1/prescan/evaluate` give the government tool's verdict, name a wrong answer's question, ignore
//! hidden questions and note the known slips of the published instrument.

use std::process::Command;

use airegister::auth::roles::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::rest::token;

fn prescan_run(answers: &Value) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("antwoorden.json");
    std::fs::write(&file, answers.to_string()).unwrap();
    Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["prescan", "run", "--answers", file.to_str().unwrap()])
        .env_remove("AIREGISTER_REFERENCE_DIR")
        .output()
        .expect("the binary runs")
}

fn verdict<'a>(out: &'a Value, assessment: &str) -> &'a Value {
    out["assessments"].as_array().unwrap().iter().find(|a| a["assessment"] == assessment).unwrap()
}

/// Children and vulnerable groups (weights 3 + 3 as published) with ≥ 10,000 subjects, continuous processing
/// and retention of years: the government's tool counts the groups as 0 (the prefix slip), so the sum is 3.
fn slip_set() -> Value {
    json!({
        "0.1": false,
        "1.4.1": ["Categorie betrokkenen: Kinderen jonger dan 16 jaar",
                  "Categorie betrokkenen: Andere kwetsbare groepen (gehandicapten, minderheden, etc.)"],
        "1.5.1": true, "1.5.3": "Continu", "1.5.4": "Aantal jaren",
        "3.1": [], "4.1": ["Lijst EDPB: Koppelen van datasets"],
        "6.1.1": false, "6.1.2": true
    })
}

#[test]
fn prescan_run_prints_the_official_verdict_and_names_a_wrong_answer() {
    let out = prescan_run(&slip_set());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["questionnaire"]["version"], "2.0");
    assert_eq!(verdict(&v, "DPIA")["verdict"], "recommended");
    assert_eq!(verdict(&v, "DPIA")["criteria"][0]["id"], "edpblist1");
    assert_eq!(verdict(&v, "IAMA")["verdict"], "not_needed");
    assert_eq!(v["scores"]["betrokkenen"], 0.0);
    assert_eq!(v["scores"]["frequentie_verwerking"], 1.0);
    // 6.1.2 is only asked after "yes" to 6.1.1: ignored.
    assert_eq!(v["ignored"], json!(["6.1.2"]));
    let slip = &v["slips"][0];
    assert_eq!((slip["id"].as_str(), slip["changes_outcome"].as_bool()), (Some("weging-voorvoegsel"), Some(true)));
    assert!(slip["note"].as_str().unwrap().contains("Vraag 1.4.1"), "{slip}");

    // Wrong answers name their question; exit code 1, nothing on stdout.
    let out = prescan_run(&json!({"0.1": "ja", "1.4.1": "Kinderen", "9.9": true}));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("vraag 0.1: kies een van: true, false"), "{err}");
    assert!(err.contains("vraag 1.4.1: verwacht een lijst met keuzes"), "{err}");
    assert!(err.contains("vraag 9.9: deze vraag bestaat niet"), "{err}");
    assert!(out.stdout.is_empty());
    let out = prescan_run(&json!(["0.1"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("verwacht een JSON-object"));
}

#[tokio::test]
async fn the_api_evaluates_a_prescan_and_answers_422_naming_the_question() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Prescandam", "gm0303").await;
    let user = app.user("mw@prescandam.example", org, &[Role::Medewerker]).await;
    let t = token(&app, user, org, false).await;
    let post = |body: String| {
        let (t, url) = (t.clone(), app.url("/api/v1/prescan/evaluate"));
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(t)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let r = post(slip_set().to_string()).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(verdict(&v, "DPIA")["verdict"], "recommended");
    assert_eq!(v["slips"][0]["questions"], json!(["1.4.1"]));

    let r = post(json!({"0.1": true, "2.1.3": "Op de maan"}).to_string()).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "2.1.3");
    assert!(p["errors"][0]["message"].as_str().unwrap().starts_with("Vraag 2.1.3: kies een van"), "{p}");
    assert_eq!(post("{".into()).await.status(), 400);
    // Without a token: 401.
    let r = reqwest::Client::new().post(app.url("/api/v1/prescan/evaluate")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 401);
    // The document describes the operation.
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/prescan/evaluate"]["post"]["responses"]["422"].is_object());
    assert!(doc["components"]["schemas"]["PrescanAnswers"]["properties"]["1.4.1"].is_object());
}
