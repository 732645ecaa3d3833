//! The Algoritmekader's writes through the REST API (issue 23): taking over the requirements, setting one aside
//! with a reason, and changing a measure with the version read, under the tab's rules, roles and audit events;
//! the evidence file and a supplier's documents as downloads. Answers are checked against the OpenAPI document.

use airegister::auth::roles::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, location, page};
use crate::register::complete;
use crate::rest::{api_get, assert_valid, openapi, token};

const PL: &str = "pl@kaderapi.example";
const MW: &str = "mw@kaderapi.example";
const CISO: &str = "ciso@kaderapi.example";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = reqwest::Client::new().request(method, app.url(&format!("/api/v1{path}"))).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

async fn put(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    send(app, reqwest::Method::PUT, token, path, Some(body)).await
}

/// A problem+json answer with this status; its fields named in `errors`.
async fn problem(r: reqwest::Response, status: u16) -> (Value, Vec<String>) {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    let fields =
        p["errors"].as_array().into_iter().flatten().map(|e| e["field"].as_str().unwrap().to_string()).collect();
    (p, fields)
}

async fn events(app: &TestApp, id: Uuid, action: &str) -> i64 {
    app.count(&format!("select count(*) from audit_event where object_id = $1 and action = '{action}'"), id).await
}

#[tokio::test]
async fn requirements_and_measures_change_through_the_api_under_the_tabs_rules() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Kaderstad", "gm0808").await;
    let pl = app.user(PL, org, &[Role::Medewerker, Role::Projectleider]).await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    let ciso = app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    let c = app.logged_in(PL).await;
    let pl_s = pl.to_string();
    let r = app.post(&c, "/register", &complete("Risicoscore", &pl_s, &[])).await;
    assert_eq!(r.status(), 303);
    let id: Uuid = location(&r).rsplit('/').next().unwrap().parse().unwrap();
    // A high-risk deployer's outcome of the decision aid (its own tests cover the aid).
    sqlx::query(
        "insert into ai_act_run (run_id, application_id, tree_name, tree_version, labels, roles, system_type,
                                 risk_group, transparency, conclusion_id, conclusion, completed_at)
         values ($1, $2, 'beslisboom', '1.0.0', '{}', '{gebruiksverantwoordelijke}', 'AI-systeem', 'hoog-risico AI',
                 'geen transparantieverplichting', '12.0.0', 'test', now())",
    )
    .bind(Uuid::now_v7())
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    let doc = openapi(&app).await;
    let write = token(&app, pl, org, true).await;
    let read_only = token(&app, pl, org, false).await;
    let outsider = token(&app, mw, org, true).await;
    let base = format!("/applications/{id}");

    // Taking over: a write token of someone who manages the registration; the tab's audit event.
    let take_over = format!("{base}/requirements/take-over");
    problem(send(&app, reqwest::Method::POST, &read_only, &take_over, None).await, 403).await;
    problem(send(&app, reqwest::Method::POST, &outsider, &take_over, None).await, 403).await;
    assert_eq!(events(&app, id, "application.requirements_updated").await, 0);
    let r = send(&app, reqwest::Method::POST, &write, &take_over, None).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_valid(&doc, "Requirements", &body);
    assert_eq!(body["requirements"].as_array().unwrap().len(), 34);
    assert_eq!(events(&app, id, "application.requirements_updated").await, 1);

    // A measure: gereed without evidence is refused on `evidence`, nothing stored.
    let measure = format!("{base}/measures/owp-06");
    let (p, fields) =
        problem(put(&app, &write, &measure, json!({ "status": "gereed", "version": 0 })).await, 422).await;
    assert_eq!(fields, ["evidence"], "{p}");
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("een gerede maatregel heeft bewijs"));
    assert_eq!(app.count("select count(*) from kader_measure where application_id = $1", id).await, 0);
    // Not applicable without a reason, an owner outside the RASCI, a link that is not https, a bad date: each named.
    let r = put(
        &app,
        &write,
        &measure,
        json!({ "status": "niet_van_toepassing", "owner_id": mw, "evidence_url": "http://x.example", "review_date": "2027-02-30", "version": 0 }),
    )
    .await;
    let (_, mut fields) = problem(r, 422).await;
    fields.sort();
    assert_eq!(fields, ["evidence_url", "owner_id", "reason", "review_date"]);
    // What the JSON itself gets wrong: the field named too.
    let (_, fields) =
        problem(put(&app, &write, &measure, json!({ "status": "gereed", "colour": "rood" })).await, 422).await;
    assert_eq!(fields, ["colour", "version"]);
    let (_, fields) = problem(put(&app, &write, &measure, json!({ "status": 3, "version": -1 })).await, 422).await;
    assert_eq!(fields, ["status", "version"]);
    let r = reqwest::Client::new()
        .put(app.url(&format!("/api/v1{measure}")))
        .bearer_auth(&write)
        .body("{}")
        .send()
        .await
        .unwrap();
    problem(r, 415).await;
    // Someone without a part in the registration, and a read-only token, may not.
    let done = json!({
        "status": "gereed", "owner_id": pl, "evidence": "Impactanalyse vastgesteld in het MT.",
        "evidence_url": "https://intranet.kaderstad.nl/impact", "review_date": "2027-03-31", "version": 0
    });
    problem(put(&app, &outsider, &measure, done.clone()).await, 403).await;
    problem(put(&app, &read_only, &measure, done.clone()).await, 403).await;
    problem(put(&app, &write, &format!("{base}/measures/bestaat-niet"), done.clone()).await, 404).await;
    assert_eq!(events(&app, id, "application.measure_updated").await, 0);

    // Saved: the measure as stored, the tab's audit event and history line.
    let r = put(&app, &write, &measure, done.clone()).await;
    assert_eq!(r.status(), 200);
    let saved: Value = r.json().await.unwrap();
    assert_valid(&doc, "Measure", &saved);
    assert_eq!(
        (&saved["status"], &saved["owner_id"], &saved["review_date"], &saved["version"]),
        (&json!("gereed"), &json!(pl), &json!("2027-03-31"), &json!(1))
    );
    assert_eq!(events(&app, id, "application.measure_updated").await, 1);
    let history = page(&app, &c, &format!("/register/{id}/geschiedenis")).await;
    assert!(history.contains("owp-06 – ") && history.contains(": gereed; eigenaar "), "{history}");
    // The same version again is stale: 409, nothing changed.
    let (p, _) = problem(put(&app, &write, &measure, done.clone()).await, 409).await;
    assert!(p["detail"].as_str().unwrap().contains("intussen door iemand anders bijgewerkt"), "{p}");
    assert_eq!(events(&app, id, "application.measure_updated").await, 1);
    // The web's tab sees the API's change (and the form's date is what a date field takes), in the forms of the
    // requirement worked on (grw-01 holds owp-06).
    let tab = page(&app, &c, &format!("/register/{id}/vereisten?fase=alle&vereiste=grw-01")).await;
    assert!(tab.contains(r#"name="review_date" value="2027-03-31""#), "the date field gets jjjj-mm-dd");
    assert!(tab.contains(r#"id="maatregel-owp-06""#), "the anchor a save returns to");
    // Back to te doen with the current version: allowed (RASCI people work on the measures; the owner is in it).
    let mut back = done.clone();
    back["status"] = json!("te_doen");
    back["version"] = json!(1);
    let r = put(&app, &write, &measure, back).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["version"], 2);

    // A requirement set aside: only with a reason, by whoever manages the registration; and applicable again.
    let req = format!("{base}/requirements/bzk-01");
    let (_, fields) = problem(put(&app, &write, &req, json!({ "not_applicable_reason": "te kort" })).await, 422).await;
    assert_eq!(fields, ["not_applicable_reason"]);
    let (_, fields) = problem(put(&app, &write, &req, json!({})).await, 422).await;
    assert_eq!(fields, ["not_applicable_reason"]);
    let why = json!({ "not_applicable_reason": "Geen biometrische gegevens in dit model." });
    problem(put(&app, &outsider, &req, why.clone()).await, 403).await;
    problem(put(&app, &write, &format!("{base}/requirements/bzk-99"), why.clone()).await, 404).await;
    let r = put(&app, &write, &req, why.clone()).await;
    assert_eq!(r.status(), 200);
    let set_aside: Value = r.json().await.unwrap();
    assert_valid(&doc, "Requirement", &set_aside);
    assert_eq!(set_aside["not_applicable_reason"], "Geen biometrische gegevens in dit model.");
    assert_eq!(set_aside["open_measures"], 0);
    assert_eq!(events(&app, id, "application.requirement_excluded").await, 1);
    let r = put(&app, &write, &req, json!({ "not_applicable_reason": null })).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["not_applicable_reason"], Value::Null);
    assert_eq!(events(&app, id, "application.requirement_included").await, 1);

    // The evidence file uploaded on the tab: the API lists and serves it; it stays when the API saves.
    problem(api_get(&app, &write, &format!("{measure}/evidence")).await, 404).await;
    let form = [("version", "2"), ("status", "in_uitvoering"), ("evidence", "")];
    let r = app
        .post_multipart(
            &c,
            &format!("/register/{id}/maatregelen/owp-06"),
            &form,
            Some(("document", "impact.pdf", PDF)),
            true,
        )
        .await;
    assert_eq!(r.status(), 303);
    let mut keep = done.clone();
    keep["evidence"] = Value::Null;
    keep["evidence_url"] = Value::Null;
    keep["version"] = json!(3);
    let r = put(&app, &write, &measure, keep).await;
    assert_eq!(r.status(), 200, "gereed with only the file as evidence");
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["evidence_file"]["name"], "impact.pdf");
    let t = token(&app, ciso, org, false).await;
    let r = api_get(&app, &t, saved["evidence_file"]["api_url"].as_str().unwrap().trim_start_matches("/api/v1")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(&r.bytes().await.unwrap()[..], PDF);
    let elders = app.org("Gemeente Elders", "gm0909").await;
    let other = app.user("ciso@elders.example", elders, &[Role::Medewerker, Role::Ciso]).await;
    let other = token(&app, other, elders, true).await;
    problem(api_get(&app, &other, &format!("{measure}/evidence")).await, 404).await;
    problem(put(&app, &other, &measure, done).await, 404).await;
}

#[tokio::test]
async fn a_suppliers_documents_are_listed_and_downloaded_through_the_api() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Kaderstad", "gm0808").await;
    app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    let c = app.logged_in(CISO).await;
    let r = app.post(&c, "/leveranciers", &[("name", "Modelmakers B.V.")]).await;
    assert_eq!(r.status(), 303);
    let id: Uuid = location(&r).trim_start_matches("/leveranciers/").parse().unwrap();
    let doc = openapi(&app).await;
    let t = token(&app, mw, org, false).await;

    let list: Value = api_get(&app, &t, &format!("/suppliers/{id}/documents")).await.json().await.unwrap();
    assert_valid(&doc, "SupplierDocuments", &list);
    assert_eq!(list["documents"], json!([]));
    problem(api_get(&app, &t, &format!("/suppliers/{id}/documents/verwerkersovereenkomst")).await, 404).await;
    let dpa = [("slot", "verwerkersovereenkomst")];
    let r = app
        .post_multipart(&c, &format!("/leveranciers/{id}/documenten"), &dpa, Some(("document", "vo.pdf", PDF)), true)
        .await;
    assert_eq!(r.status(), 303);
    let list: Value = api_get(&app, &t, &format!("/suppliers/{id}/documents")).await.json().await.unwrap();
    assert_valid(&doc, "SupplierDocuments", &list);
    assert_eq!(list["documents"][0]["file_name"], "vo.pdf");
    assert_eq!(list["documents"][0]["size_bytes"], PDF.len());
    let url = list["documents"][0]["url"].as_str().unwrap().trim_start_matches("/api/v1").to_string();
    let r = api_get(&app, &t, &url).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(&r.bytes().await.unwrap()[..], PDF);
    problem(api_get(&app, &t, &format!("/suppliers/{id}/documents/iso27001")).await, 404).await;
    problem(api_get(&app, &t, &format!("/suppliers/{id}/documents/paspoort")).await, 404).await;
    problem(api_get(&app, &t, &format!("/suppliers/{}/documents", Uuid::now_v7())).await, 404).await;
    // Another organisation sees nothing of it.
    let elders = app.org("Gemeente Elders", "gm0909").await;
    let other = app.user("ciso@elders.example", elders, &[Role::Medewerker, Role::Ciso]).await;
    let other = token(&app, other, elders, false).await;
    problem(api_get(&app, &other, &format!("/suppliers/{id}/documents")).await, 404).await;
    problem(api_get(&app, &other, &url).await, 404).await;
}
