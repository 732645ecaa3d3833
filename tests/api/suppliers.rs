//! Supplier records (issue 23, item 4): the matching of free-text suppliers into records with its report, the
//! link of registrations by their supplier text, the pages with their checks and roles, renaming, the audit
//! trail, and the REST API against its OpenAPI document.

use airegister::auth::roles::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::register::complete;
use crate::rest::{api_get, assert_valid, openapi, token};

struct Setup {
    app: TestApp,
    org: Uuid,
    pl: Uuid,
    ciso: Uuid,
    pl_c: reqwest::Client,
    ciso_c: reqwest::Client,
}

async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Leverdam", "gm0202").await;
    let pl = app.user("pl@leverdam.example", org, &[Role::Medewerker, Role::Projectleider]).await;
    let ciso = app.user("ciso@leverdam.example", org, &[Role::Ciso]).await;
    let pl_c = app.logged_in("pl@leverdam.example").await;
    let ciso_c = app.logged_in("ciso@leverdam.example").await;
    Setup { app, org, pl, ciso, pl_c, ciso_c }
}

/// A registration with this supplier text, made through the form.
async fn registration(s: &Setup, name: &str, provider: &str) -> Uuid {
    let pl = s.pl.to_string();
    let r = s.app.post(&s.pl_c, "/register", &complete(name, &pl, &[("provider", provider)])).await;
    assert_eq!(r.status(), 303, "{name}");
    location(&r).trim_start_matches("/register/").parse().unwrap()
}

async fn supplier_of(s: &Setup, app: Uuid) -> Option<Uuid> {
    sqlx::query_scalar("select supplier_id from application where application_id = $1")
        .bind(app)
        .fetch_one(&s.app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn free_text_suppliers_become_one_record_per_supplier_with_a_report() {
    let s = setup().await;
    let a = registration(&s, "Copilot", "Microsoft").await;
    let b = registration(&s, "Copilot Studio", "Microsoft B.V. (Copilot Studio)").await;
    let c = registration(&s, "ChatGPT", "OpenAI").await;
    let d = registration(&s, "Bundel", "Microsoft / OpenAI").await;
    assert_eq!(supplier_of(&s, a).await, None, "no records yet");
    // The migration's own matching (it ran on an empty register when the database was made).
    let linked: i32 = sqlx::query_scalar("select match_free_text_suppliers()").fetch_one(&s.app.pool).await.unwrap();
    assert_eq!(linked, 3);
    let ms = supplier_of(&s, a).await.expect("linked");
    assert_eq!(supplier_of(&s, b).await, Some(ms), "another spelling, the same record");
    assert!(supplier_of(&s, c).await.is_some_and(|o| o != ms));
    assert_eq!(supplier_of(&s, d).await, None, "two suppliers named: left");
    let names: Vec<String> = sqlx::query_scalar("select name from supplier where organisation_id = $1 order by name")
        .bind(s.org)
        .fetch_all(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(names, ["Microsoft", "OpenAI"]);
    let again: i32 = sqlx::query_scalar("select match_free_text_suppliers()").fetch_one(&s.app.pool).await.unwrap();
    assert_eq!(again, 0, "idempotent");

    // The report, for the CISO and the beheerder; not for a projectleider.
    assert_eq!(s.app.get(&s.pl_c, "/leveranciers/koppeling").await.status(), 403);
    let html = s.app.get(&s.ciso_c, "/leveranciers/koppeling").await.text().await.unwrap();
    for text in [
        "Microsoft / OpenAI",
        "Niet gekoppeld: noemt meer dan één leverancier",
        "Microsoft B.V. (Copilot Studio)",
        "Nieuwe leverancier aangemaakt",
    ] {
        assert!(html.contains(text), "report lacks {text}");
    }
    let list = s.app.get(&s.pl_c, "/leveranciers").await.text().await.unwrap();
    assert!(list.contains("Registraties zonder leverancier") && list.contains("Bundel"));
    let page = s.app.get(&s.pl_c, &format!("/register/{a}")).await.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/leveranciers/{ms}\"")), "the registration links to its record");
}

async fn count_events(s: &Setup, action: &str) -> i64 {
    sqlx::query_scalar("select count(*) from audit_event where action = $1")
        .bind(action)
        .fetch_one(&s.app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_ciso_keeps_records_that_registrations_follow_by_name() {
    let s = setup().await;
    let before = registration(&s, "Acme Vertaler", "ACME").await;
    // A projectleider reads but does not keep records.
    assert_eq!(s.app.post(&s.pl_c, "/leveranciers", &[("name", "Acme")]).await.status(), 403);
    assert_eq!(s.app.get(&s.pl_c, "/leveranciers/nieuw").await.status(), 403);
    // Refused input comes back on the field, filled in.
    let r = s
        .app
        .post(
            &s.ciso_c,
            "/leveranciers",
            &[("name", "Acme B.V."), ("registration_number", "123"), ("retention", "30 dagen")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"registration_number-error\"") && html.contains("KvK-nummer van 8 cijfers"));
    assert!(html.contains("value=\"30 dagen\""), "the form comes back filled in");
    let r = s
        .app
        .post(
            &s.ciso_c,
            "/leveranciers",
            &[
                ("name", "Acme B.V."),
                ("registration_number", "1234 5678"),
                ("dpa_signed_on", "2025-01-01"),
                ("dpa_expires_on", "2025-02-01"),
                ("training_opt_out", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let id: Uuid = location(&r).trim_start_matches("/leveranciers/").parse().unwrap();
    assert_eq!(supplier_of(&s, before).await, Some(id), "an existing registration with that name is linked");
    let after = registration(&s, "Acme Samenvatter", "acme bv").await;
    assert_eq!(supplier_of(&s, after).await, Some(id), "a new registration is linked by its text");
    let page = s.app.get(&s.pl_c, &format!("/leveranciers/{id}")).await.text().await.unwrap();
    assert!(page.contains("12345678") && page.contains("Acme Vertaler") && page.contains("Acme Samenvatter"));
    assert!(page.contains("is verlopen op"), "the expired agreement is pointed out");
    // The same supplier twice, in another spelling, is refused on the name.
    let r = s.app.post(&s.ciso_c, "/leveranciers", &[("name", "ACME Ltd")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Er is al een leverancier met deze naam"));

    // Renaming carries the name to the registrations (the publication's provider), each with an audit event.
    let r =
        s.app.post(&s.ciso_c, &format!("/leveranciers/{id}"), &[("name", "Acme Nederland"), ("version", "0")]).await;
    assert_eq!(r.status(), 303);
    let provider: String = sqlx::query_scalar("select provider from application where application_id = $1")
        .bind(before)
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(provider, "Acme Nederland");
    assert_eq!(supplier_of(&s, before).await, Some(id));
    assert_eq!(count_events(&s, "application.supplier_renamed").await, 2);
    assert_eq!(count_events(&s, "supplier.created").await, 1);
    assert_eq!(count_events(&s, "supplier.updated").await, 1);
    let history = s.app.get(&s.pl_c, &format!("/register/{before}/geschiedenis")).await.text().await.unwrap();
    assert!(history.contains("Naam van de leverancier gewijzigd"), "the registration's history names it");
    // An old version is refused: the other change is not overwritten.
    let r = s.app.post(&s.ciso_c, &format!("/leveranciers/{id}"), &[("name", "Acme"), ("version", "0")]).await;
    assert_eq!(r.status(), 409);
}

#[tokio::test]
async fn the_api_lists_reads_makes_and_changes_suppliers_as_documented() {
    let s = setup().await;
    let doc = openapi(&s.app).await;
    let write = token(&s.app, s.ciso, s.org, true).await;
    let reader = token(&s.app, s.pl, s.org, true).await;
    let client = reqwest::Client::new();
    let post = |t: &str, body: Value| client.post(s.app.url("/api/v1/suppliers")).bearer_auth(t).json(&body).send();
    let r = post(&reader, json!({ "name": "Acme" })).await.unwrap();
    assert_eq!(r.status(), 403, "a projectleider does not keep records");
    let r = post(&write, json!({ "name": "Acme", "dpa_link": "http://x.nl", "colour": "rood" })).await.unwrap();
    assert_eq!(r.status(), 422);
    let p: Value = r.json().await.unwrap();
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"colour"), "{p}");
    let r = post(&write, json!({ "name": "Acme", "dpa_link": "http://x.nl" })).await.unwrap();
    assert_eq!(r.status(), 422);
    let r = post(
        &write,
        json!({ "name": "Acme", "registration_number": "NL853876405B01", "training_opt_out": true,
                "dpa_signed_on": "2025-01-01", "dpa_link": "https://dms.example.nl/acme" }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let id = location(&r).trim_start_matches("/api/v1/suppliers/").to_string();
    let created: Value = r.json().await.unwrap();
    assert_valid(&doc, "Supplier", &created);
    assert_eq!(created["training_opt_out"], true);
    let r = api_get(&s.app, &reader, "/suppliers").await;
    assert_eq!(r.status(), 200);
    let list: Value = r.json().await.unwrap();
    assert_valid(&doc, "SupplierList", &list);
    assert_eq!(list["suppliers"].as_array().unwrap().len(), 1);
    let put =
        |body: Value| client.put(s.app.url(&format!("/api/v1/suppliers/{id}"))).bearer_auth(&write).json(&body).send();
    let r = put(json!({ "name": "Acme", "retention": "30 dagen" })).await.unwrap();
    assert_eq!(r.status(), 422, "the version is needed");
    let r = put(json!({ "name": "Acme", "retention": "30 dagen", "version": 0 })).await.unwrap();
    assert_eq!(r.status(), 200);
    let saved: Value = r.json().await.unwrap();
    assert_valid(&doc, "Supplier", &saved);
    assert_eq!((saved["version"].as_i64(), saved["dpa_link"].is_null()), (Some(1), true), "all fields are replaced");
    assert_eq!(put(json!({ "name": "Acme", "version": 0 })).await.unwrap().status(), 409);
    assert_eq!(api_get(&s.app, &reader, &format!("/suppliers/{}", Uuid::now_v7())).await.status(), 404);
    // Another organisation sees none of it.
    let other = s.app.org("Gemeente Elders", "gm0303").await;
    let stranger = s.app.user("ciso@elders.example", other, &[Role::Ciso]).await;
    let t = token(&s.app, stranger, other, false).await;
    assert_eq!(api_get(&s.app, &t, &format!("/suppliers/{id}")).await.status(), 404);
    assert!(doc["paths"]["/suppliers/{id}"]["put"].is_object());
}

#[tokio::test]
async fn the_eu_sheet_of_a_high_risk_system_says_what_is_missing_per_field() {
    let s = setup().await;
    let pl = s.pl.to_string();
    let fields = complete(
        "Cv-rangschikker",
        &pl,
        &[("provider", "HR Select BV"), ("personal_data", "ja"), ("ai_act_risk_group", "hoog-risico AI")],
    );
    let r = s.app.post(&s.pl_c, "/register", &fields).await;
    assert_eq!(r.status(), 303);
    let id: Uuid = location(&r).trim_start_matches("/register/").parse().unwrap();
    let plain = registration(&s, "Samenvatter", "OpenAI").await;

    let show = s.app.get(&s.pl_c, &format!("/register/{id}")).await.text().await.unwrap();
    assert!(show.contains(&format!("href=\"/register/{id}/eu-databank\"")), "the page links to the sheet");
    let sheet = s.app.get(&s.pl_c, &format!("/register/{id}/eu-databank")).await.text().await.unwrap();
    assert!(sheet.contains("Voorbereidingsblad."), "marked as a preparation sheet");
    assert!(sheet.contains("Gemeente Leverdam") && sheet.contains("Aanbieder: HR Select BV"));
    assert!(sheet.contains("Bij 5 van de 5 velden ontbreekt nog iets."));
    assert!(sheet.contains("Een afgeronde IAMA of FRAIA") && sheet.contains("Een afgeronde DPIA"));

    for (kind, outcome) in
        [("iama", "Grondrechten afgewogen; menselijke toets."), ("dpia", "Risico beperkt met pseudonimisering.")]
    {
        sqlx::query(
            "insert into assessment (assessment_id, application_id, kind, status, completed_on, outcome)
             values (gen_random_uuid(), $1, $2, 'afgerond', date '2026-05-01', $3)",
        )
        .bind(id)
        .bind(kind)
        .bind(outcome)
        .execute(&s.app.pool)
        .await
        .unwrap();
    }
    let sheet = s.app.get(&s.pl_c, &format!("/register/{id}/eu-databank")).await.text().await.unwrap();
    assert!(sheet.contains("Grondrechten afgewogen; menselijke toets. (IAMA/FRAIA, afgerond"), "the FRIA summary");
    assert!(sheet.contains("Risico beperkt met pseudonimisering. (DPIA, afgerond"), "the DPIA summary");
    assert!(sheet.contains("Bij 3 van de 5 velden ontbreekt nog iets."), "address and provider entry remain");

    let r = s.app.get(&s.pl_c, &format!("/register/{id}/eu-databank.xlsx")).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert!(r.bytes().await.unwrap().starts_with(b"PK"), "an Office Open XML package");

    // Not high-risk: no sheet to prepare, and no export.
    let page = s.app.get(&s.pl_c, &format!("/register/{plain}/eu-databank")).await.text().await.unwrap();
    assert!(page.contains("geen hoog-risico AI"));
    assert_eq!(s.app.get(&s.pl_c, &format!("/register/{plain}/eu-databank.xlsx")).await.status(), 404);
    // Another organisation's user gets nothing.
    let other = s.app.org("Gemeente Elders", "gm0303").await;
    s.app.user("pl@elders.example", other, &[Role::Projectleider]).await;
    let c = s.app.logged_in("pl@elders.example").await;
    assert_eq!(s.app.get(&c, &format!("/register/{id}/eu-databank")).await.status(), 404);
}

#[tokio::test]
async fn the_ciso_is_reminded_once_of_an_agreement_that_expires() {
    let s = setup().await;
    let soon = (time::OffsetDateTime::now_utc().date() + time::Duration::days(20)).to_string();
    let r = s.app.post(&s.ciso_c, "/leveranciers", &[("name", "Acme"), ("dpa_expires_on", soon.as_str())]).await;
    assert_eq!(r.status(), 303);
    s.app.post(&s.ciso_c, "/leveranciers", &[("name", "Later BV"), ("dpa_expires_on", "2099-01-01")]).await;
    let policy = airegister::register::reminders::Policy::default();
    let sent = airegister::register::reminders::run(&s.app.pool, policy).await.unwrap();
    assert_eq!(sent.suppliers, 1, "only the agreement within 60 days");
    airegister::register::reminders::run(&s.app.pool, policy).await.unwrap();
    let notes: Vec<(Uuid, String, String)> = sqlx::query_as(
        "select user_id, message, link from notification where kind = 'leverancier_verloopt' order by created_at",
    )
    .fetch_all(&s.app.pool)
    .await
    .unwrap();
    assert_eq!(notes.len(), 1, "once: {notes:?}");
    assert_eq!(notes[0].0, s.ciso);
    assert!(notes[0].1.starts_with("De verwerkersovereenkomst van Acme verloopt op"), "{}", notes[0].1);
    assert!(notes[0].2.starts_with("/leveranciers/"));
}
