//! The registration in steps: one section per page with progress, save per step (forward, back, stay) with
//! the version check, only what matters for this tool (hidden steps not required and not wiped), a draft that
//! saves what is valid, and the checklist answered by whoever can (owner items in the form, CISO items on the
//! review page), each tick with who and when; the gates per stage; the same split through the API.

use airegister::auth::roles::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::register::complete;

const OWNER: &str = "eigenaar@testdam.example";
const CISO: &str = "ciso@testdam.example";

struct World {
    app: TestApp,
    org: Uuid,
    owner: Uuid,
    ciso: Uuid,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let owner = app.user(OWNER, org, &[Role::Medewerker]).await;
    let ciso = app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    World { app, org, owner, ciso }
}

async fn row(app: &TestApp, id: Uuid) -> Value {
    sqlx::query_scalar("select to_jsonb(a.*) - 'search' from application a where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn version(app: &TestApp, id: Uuid) -> String {
    row(app, id).await["version"].to_string()
}

/// Post one step as the page does, with the version it showed.
async fn step(app: &TestApp, c: &reqwest::Client, id: Uuid, slug: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let v = version(app, id).await;
    let mut f = fields.to_vec();
    f.push(("version", &v));
    f.push(("stap", slug));
    app.post(c, &format!("/register/{id}/bewerken/{slug}"), &f).await
}

/// The first step of a new registration, as /register/nieuw posts it.
async fn start(app: &TestApp, c: &reqwest::Client, name: &str, owner: &str) -> Uuid {
    let r = app
        .post(
            c,
            "/register",
            &[
                ("stap", "algemeen"),
                ("checked_name", name),
                ("name", name),
                ("description_short", "Vat vergaderverslagen samen."),
                ("department", "Communicatie"),
                ("owner_id", owner),
                ("use_category", "interne_productiviteit"),
                ("deployment", "openbare_webdienst"),
                ("licence_type", "organisatie"),
                ("generative", "ja"),
                ("agentic", "nee"),
                ("status", "In gebruik"),
                ("actie", "verder"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let loc = location(&r);
    let id = Uuid::parse_str(&loc["/register/".len().."/register/".len() + 36]).unwrap();
    assert_eq!(loc, format!("/register/{id}/bewerken/gebruik"), "on to the next step");
    id
}

#[tokio::test]
async fn the_owner_completes_the_registration_step_by_step_and_submits() {
    let w = world().await;
    let app = &w.app;
    let c = app.logged_in(OWNER).await;
    let me = w.owner.to_string();
    let id = start(app, &c, "Samenvatter", &me).await;

    // Progress: where I am, which steps are done and which still need something.
    let page = app.get(&c, &format!("/register/{id}/bewerken/gebruik")).await.text().await.unwrap();
    assert!(page.contains("aria-current=\"step\">Gebruik en doel</a>"), "{page}");
    assert!(page.contains("Stap 2 van 6"), "internal tool: no Werking or Publicatie step");
    assert!(page.contains("Algemeen</a>") && page.contains("(klaar)"));
    assert!(page.contains("Nog nodig in deze stap") && page.contains("#goal\">Doel en impact"));
    assert!(!page.contains("name=\"category\""), "the register's themes are not asked of an internal tool");

    // "Opslaan en verder", "Vorige" and "Opslaan" save and go where asked.
    let r = step(
        app,
        &c,
        id,
        "gebruik",
        &[("goal", "Verslagen sneller samenvatten."), ("interaction", "intern"), ("actie", "verder")],
    )
    .await;
    assert_eq!(location(&r), format!("/register/{id}/bewerken/gegevens"));
    assert_eq!(row(app, id).await["interaction"], "intern");
    let mut data = vec![("personal_data", "nee"), ("data_location", "eu"), ("actie", "vorige")];
    for dc in ["dc_openbaar", "dc_intern"] {
        data.push((dc, "toegestaan"));
    }
    for dc in
        ["dc_vertrouwelijk", "dc_persoonsgegevens", "dc_bijzondere", "dc_beveiliging", "dc_klant", "dc_financieel"]
    {
        data.push((dc, "verboden"));
    }
    let r = step(app, &c, id, "gegevens", &data).await;
    assert_eq!(location(&r), format!("/register/{id}/bewerken/gebruik"));
    assert_eq!(row(app, id).await["dc_financieel"], "verboden");
    let r = step(app, &c, id, "verantwoordelijken", &[("rasci_A_user", &me), ("actie", "opslaan")]).await;
    assert_eq!(location(&r), format!("/register/{id}/bewerken/verantwoordelijken"));
    // The goal saved in step 2 is still there after the later steps.
    assert_eq!(row(app, id).await["goal"], "<p>Verslagen sneller samenvatten.</p>");

    // The step "Verantwoord gebruik": the owner's checklist items only; a CISO item sent anyway is ignored.
    let page = app.get(&c, &format!("/register/{id}/bewerken/verantwoord")).await.text().await.unwrap();
    assert!(page.contains("value=\"transparantie\"") && !page.contains("value=\"privacy\""));
    assert!(page.contains("Toelichting risicoanalyse"), "no DPIA or IAMA called for: the reason is asked");
    assert!(!page.contains("name=\"impacttoetsen_grouping_title\""));
    let mut f = vec![
        ("agreement_data_use", "ja"),
        ("agreement_retention", "ja"),
        ("agreement_training", "ja"),
        ("risk_analysis_reason", "Alleen openbare en interne teksten."),
        ("checklist", "privacy"),
        ("actie", "verder"),
    ];
    f.extend(
        ["doel", "transparantie", "uitlegbaarheid", "verantwoordelijken", "algoritmeregister", "training"]
            .map(|i| ("checklist", i)),
    );
    let r = step(app, &c, id, "verantwoord", &f).await;
    assert_eq!(location(&r), format!("/register/{id}/bewerken/overzicht"));
    let doc = row(app, id).await;
    assert_eq!(doc["checklist"].as_array().unwrap().len(), 6, "{doc}");
    assert!(!doc["checklist"].as_array().unwrap().contains(&json!("privacy")));
    let ticks: Vec<(String, Option<Uuid>)> =
        sqlx::query_as("select item, ticked_by from checklist_tick where application_id = $1 order by item")
            .bind(id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(ticks.len(), 6);
    assert!(ticks.iter().all(|(_, by)| *by == Some(w.owner)));

    // The overview: nothing missing, the checklist with who ticked, the submit button.
    let page = app.get(&c, &format!("/register/{id}/bewerken/overzicht")).await.text().await.unwrap();
    assert!(page.contains("Niets meer: de registratie is compleet."), "{page}");
    assert!(page.contains("Afgevinkt door Naam eigenaar@testdam.example op "));
    assert!(page.contains("Nog niet afgevinkt:</strong> Privacyaspecten beoordeeld"));
    assert!(page.contains(&format!("action=\"/register/{id}/indienen\"")));
    let r = app.post(&c, &format!("/register/{id}/indienen"), &[]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(location(&r), format!("/register/{id}"), "at submission the owner's items suffice");
    assert_eq!(row(app, id).await["workflow_status"], "ingediend");
}

#[tokio::test]
async fn a_draft_with_a_bad_month_saves_the_rest_and_names_the_field() {
    let w = world().await;
    let app = &w.app;
    let c = app.logged_in(OWNER).await;
    let id = start(app, &c, "Vertaaltool", &w.owner.to_string()).await;
    let r = step(
        app,
        &c,
        id,
        "algemeen",
        &[
            ("name", "Vertaaltool"),
            ("description_short", "Vertaalt brieven."),
            ("provider", "DeepL"),
            ("begin_date", "maart 2025"),
            ("actie", "verder"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Niet opgeslagen: Begindatum"), "{body}");
    assert!(body.contains("Vul Begindatum in als jaar en maand (jjjj-mm), bijvoorbeeld 2024-03."));
    assert!(body.contains("value=\"maart 2025\""), "the typed value comes back");
    let doc = row(app, id).await;
    assert_eq!(doc["provider"], "DeepL", "the valid field is saved");
    assert_eq!(doc["begin_date"], Value::Null, "the invalid one is not");

    // Emptying the name (needed even for a draft) keeps the stored name and says so.
    let r = step(
        app,
        &c,
        id,
        "algemeen",
        &[("name", ""), ("description_short", "Vertaalt brieven."), ("actie", "opslaan")],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Niet opgeslagen: Naam"));
    assert_eq!(row(app, id).await["name"], "Vertaaltool");

    // A stale step is a conflict: nothing saved, the input comes back with what changed.
    let r = app
        .post(
            &c,
            &format!("/register/{id}/bewerken/algemeen"),
            &[("version", "0"), ("name", "Oud"), ("description_short", "x")],
        )
        .await;
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    assert!(body.contains("De registratie is intussen gewijzigd") && body.contains("value=\"Oud\""));
    assert_eq!(row(app, id).await["name"], "Vertaaltool");

    // Submission stays strict: the one-page form with a bad month saves nothing.
    let me = w.owner.to_string();
    let v = version(app, id).await;
    let fields = complete("Vertaaltool", &me, &[("begin_date", "maart 2025"), ("version", &v), ("actie", "indienen")]);
    let r = app.post(&c, &format!("/register/{id}"), &fields).await;
    assert_eq!(r.status(), 422);
    assert_eq!(row(app, id).await["workflow_status"], "concept");
}

#[tokio::test]
async fn hidden_steps_are_not_required_and_their_values_are_kept() {
    let w = world().await;
    let app = &w.app;
    let c = app.logged_in(OWNER).await;
    let me = w.owner.to_string();
    // Registered on one page with a contact address but not for publication, and not citizen-facing.
    let fields = complete("Notulist", &me, &[("publication_category", ""), ("publish", "nee")]);
    let r = app.post(&c, "/register", &fields).await;
    assert_eq!(r.status(), 303);
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    assert_eq!(row(app, id).await["contact_email"], "algoritmes@gemeente.example");

    // No publication step: its address leads to the overview, which needs nothing.
    let r = app.get(&c, &format!("/register/{id}/bewerken/publicatie")).await;
    assert_eq!(location(&r), format!("/register/{id}/bewerken/overzicht"));
    let page = app.get(&c, &format!("/register/{id}/bewerken/overzicht")).await.text().await.unwrap();
    assert!(
        page.contains("Niets meer: de registratie is compleet.") && !page.contains("Publicatiecategorie"),
        "{page}"
    );
    // Saving a step keeps the hidden value.
    let r =
        step(app, &c, id, "gebruik", &[("goal", "Notulen maken."), ("interaction", "intern"), ("actie", "opslaan")])
            .await;
    assert_eq!(r.status(), 303);
    assert_eq!(row(app, id).await["contact_email"], "algoritmes@gemeente.example");

    // Marked for publication: the step comes, and what it asks becomes necessary.
    let r = step(
        app,
        &c,
        id,
        "gebruik",
        &[("goal", "Notulen maken."), ("interaction", "intern"), ("publish", "ja"), ("actie", "verder")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = app.get(&c, &format!("/register/{id}/bewerken/publicatie")).await.text().await.unwrap();
    assert!(page.contains("aria-current=\"step\">Publicatie</a>") && page.contains("Stap 7 van 8"));
    assert!(page.contains("#publication_category\">Publicatiecategorie"), "{page}");
    let r = app.post(&c, &format!("/register/{id}/indienen"), &[]).await;
    assert_eq!(location(&r), format!("/register/{id}/bewerken/overzicht"), "not submitted: a field is missing");
}

#[tokio::test]
async fn the_ciso_ticks_the_ciso_items_on_the_review_page_before_approving() {
    let w = world().await;
    let app = &w.app;
    let c = app.logged_in(OWNER).await;
    let me = w.owner.to_string();
    let mut fields = complete("Beeldbank AI", &me, &[("actie", "indienen")]);
    fields.retain(|(k, v)| *k != "checklist" || !["privacy", "risicoanalyse"].contains(v));
    let r = app.post(&c, "/register", &fields).await;
    assert_eq!(r.status(), 303, "submission needs only the owner's items");
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    let doc = row(app, id).await;
    assert_eq!(doc["workflow_status"], "ingediend");
    assert!(
        !doc["checklist"].as_array().unwrap().contains(&json!("maatregelen")),
        "the owner's form cannot tick CISO items"
    );

    // The owner cannot tick the CISO's items on the review page.
    let v = version(app, id).await;
    let r = app.post(&c, &format!("/register/{id}/checklist"), &[("version", &v), ("checklist", "privacy")]).await;
    assert_eq!(r.status(), 403);

    // Approval needs all ten: the CISO's four are named.
    let ciso = app.logged_in(CISO).await;
    let review = app.get(&ciso, &format!("/register/{id}/beoordeling")).await.text().await.unwrap();
    assert!(
        review.contains(
            "Nog niet afgevinkt door de CISO: Risicoanalyse uitgevoerd (DPIA en/of IAMA); Privacyaspecten beoordeeld;"
        ),
        "{review}"
    );
    assert!(review.contains(&format!("action=\"/register/{id}/checklist\"")));
    assert!(review.contains("Afgevinkt door Naam eigenaar@testdam.example"));
    let r =
        app.post(&ciso, &format!("/register/{id}/besluit"), &[("beslissing", "goedgekeurd"), ("version", &v)]).await;
    assert_eq!(r.status(), 422);

    // A stale version is refused and records nothing.
    let r = app.post(&ciso, &format!("/register/{id}/checklist"), &[("version", "0"), ("checklist", "privacy")]).await;
    assert_eq!(r.status(), 409);
    // The CISO ticks; an owner item in the post does not change the owner's items.
    let mut f = vec![("version", v.as_str()), ("checklist", "transparantie")];
    f.extend(["risicoanalyse", "privacy", "maatregelen", "leveranciersafspraken"].map(|i| ("checklist", i)));
    let r = app.post(&ciso, &format!("/register/{id}/checklist"), &f).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(row(app, id).await["checklist"].as_array().unwrap().len(), 10);
    let by: Vec<(String, Option<Uuid>)> =
        sqlx::query_as("select item, ticked_by from checklist_tick where application_id = $1 and item = any($2)")
            .bind(id)
            .bind(["risicoanalyse", "privacy", "maatregelen", "leveranciersafspraken"].map(String::from).to_vec())
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(by.len(), 4);
    assert!(by.iter().all(|(_, b)| *b == Some(w.ciso)));
    let events: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where object_id = $1 and action = 'application.checklist'",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(events, 1);
    let detail = app.get(&c, &format!("/register/{id}")).await.text().await.unwrap();
    assert!(detail.contains("Afgevinkt door Naam ciso@testdam.example op "), "the registration page shows who ticked");

    let v = version(app, id).await;
    let r =
        app.post(&ciso, &format!("/register/{id}/besluit"), &[("beslissing", "goedgekeurd"), ("version", &v)]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(row(app, id).await["workflow_status"], "goedgekeurd");
}

#[tokio::test]
async fn through_the_api_only_a_ciso_ticks_the_ciso_items() {
    let w = world().await;
    let app = &w.app;
    let body = json!({ "fields": { "name": "Api-tool", "description_short": "Via de API.", "checklist": ["doel", "privacy"] } });
    let post = |token: String| {
        let body = body.clone();
        let url = app.url("/api/v1/applications");
        async move { reqwest::Client::new().post(url).bearer_auth(token).json(&body).send().await.unwrap() }
    };
    let owner_token = crate::rest::token(app, w.owner, w.org, true).await;
    let r = post(owner_token).await;
    assert_eq!(r.status(), 422);
    let p: Value = r.json().await.unwrap();
    assert!(
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "checklist" && e["message"].as_str().unwrap().contains("privacy")),
        "{p}"
    );
    let ciso_token = crate::rest::token(app, w.ciso, w.org, true).await;
    let r = post(ciso_token).await;
    assert_eq!(r.status(), 201);
    let id: Uuid = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().parse().unwrap();
    let n: i64 = sqlx::query_scalar("select count(*) from checklist_tick where application_id = $1 and ticked_by = $2")
        .bind(id)
        .bind(w.ciso)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 2, "the ticks record who made them through the API too");
}
