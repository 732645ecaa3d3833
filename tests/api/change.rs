//! An approval stays visible during a change (issue 18, item 5): a material change of an approved tool goes
//! back to the CISO while the approved version keeps governing the allowed-tools page, its print view and
//! "Mag ik … gebruiken voor …?"; the review page shows the difference; approving the change replaces the
//! approved version, rejecting it restores it; the dashboard, the SQL functions and the API agree.

use airegister::auth::roles::Role;
use airegister::register::fields::label;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{TestApp, decide, location, page, status};
use crate::register::complete;
use crate::rest::{api_get, assert_valid, openapi, token};

const PL: &str = "pl@wijzigdam.example";
const MW: &str = "mw@wijzigdam.example";
const CISO: &str = "ciso@wijzigdam.example";

struct World {
    app: TestApp,
    org: Uuid,
    pl: Uuid,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Wijzigdam", "gm0202").await;
    let pl = app.user(PL, org, &[Role::Medewerker, Role::Projectleider]).await;
    app.user(MW, org, &[Role::Medewerker]).await;
    app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    World { app, org, pl }
}

/// The owner saves the registration form with these fields changed; returns the page the save leads to.
async fn save(w: &World, c: &reqwest::Client, id: Uuid, extra: &[(&str, &str)]) -> String {
    let version = status(&w.app, id).await.1.to_string();
    let pl = w.pl.to_string();
    let mut f = extra.to_vec();
    f.push(("version", &version));
    let r = w.app.post(c, &format!("/register/{id}"), &complete("Tekstmaatje", &pl, &f)).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    page(&w.app, c, &location(&r)).await
}

/// The permissions in the allowed-tools table's row of the tool, in the order of the data classes.
fn row_cells(html: &str, id: Uuid) -> Vec<String> {
    let start = html.find(&format!("href=\"/register/{id}\"")).unwrap_or_else(|| panic!("tool {id} listed"));
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    row.split("app-permission--").skip(1).map(|p| p[..p.find('"').unwrap()].to_string()).collect()
}

fn row(html: &str, id: Uuid) -> &str {
    let start = html.find(&format!("href=\"/register/{id}\"")).unwrap();
    &html[start..start + html[start..].find("</tr>").unwrap()]
}

async fn scalar(app: &TestApp, sql: &str, org: Uuid) -> i64 {
    sqlx::query_scalar(sql).bind(org).fetch_one(&app.pool).await.unwrap()
}

/// The SQL functions, the allowed list and the dashboard count the same tools.
async fn counts_agree(w: &World, c: &reqwest::Client, ciso: &reqwest::Client, listed: i64) {
    let app = &w.app;
    let in_force = "select count(*) from application a
                     where a.organisation_id = $1 and registration_in_force(a.application_id, a.workflow_status)";
    let on_list = "select count(*) from application a
                    where a.organisation_id = $1 and registration_on_allowed_list(a.application_id, a.workflow_status)";
    assert_eq!(scalar(app, in_force, w.org).await, listed);
    assert_eq!(scalar(app, on_list, w.org).await, listed);
    let html = page(app, c, "/toegestane-tools").await;
    let caption = if listed == 1 { "(1 tool)".to_string() } else { format!("({listed} tools)") };
    assert!(html.contains(&caption), "allowed list counts {caption}");
    // Every tool in force is planned for evaluation (a year ahead): the dashboard's "later" bar and the list it
    // links to count it, under change or not.
    let list = page(app, ciso, "/register?evaluatie=later").await;
    assert!(list.contains("Tekstmaatje"), "the evaluation filter lists the tool in force");
    let dashboard = page(app, ciso, "/overzicht").await;
    let planned: i64 = ["verlopen", "binnenkort", "later", "geen"]
        .iter()
        .map(|k| dashboard_value(&dashboard, &format!("/register?evaluatie={k}")))
        .sum();
    assert_eq!(planned, listed, "the dashboard's evaluations count the approvals in force");
}

/// The number in the dashboard's table row that links to `href`.
fn dashboard_value(html: &str, href: &str) -> i64 {
    let at = html.find(&format!("<a class=\"utrecht-link\" href=\"{href}\">")).unwrap_or_else(|| panic!("{href}"));
    let rest = &html[at..];
    let value = &rest[rest.find("numeric-data\">").unwrap() + "numeric-data\">".len()..];
    value[..value.find('<').unwrap()].trim().parse().unwrap()
}

#[tokio::test]
async fn an_approved_tool_stays_allowed_as_approved_while_its_change_is_reviewed() {
    let w = world().await;
    let app = &w.app;
    let pl = app.logged_in(PL).await;
    let mw = app.logged_in(MW).await;
    let ciso = app.logged_in(CISO).await;
    let pl_s = w.pl.to_string();
    let mut f = complete("Tekstmaatje", &pl_s, &[]);
    f.push(("actie", "indienen"));
    let r = app.post(&pl, "/register", &f).await;
    assert_eq!(r.status(), 303);
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    let conditions = "Alleen teksten zonder namen van inwoners.";
    let r =
        decide(app, &ciso, id, &[("beslissing", "goedgekeurd_onder_voorwaarden"), ("toelichting", conditions)]).await;
    assert_eq!(r.status(), 303);
    let approved_cells = row_cells(&page(app, &mw, "/toegestane-tools").await, id);
    assert_eq!(approved_cells[1], "onder_voorwaarden", "internal data under conditions");

    // A wording change keeps the approval and starts no round.
    let before = status(app, id).await;
    save(&w, &pl, id, &[("description_short", "Vat lange teksten samen voor medewerkers.")]).await;
    let after = status(app, id).await;
    assert_eq!(after.0, "goedgekeurd_onder_voorwaarden");
    assert_eq!(after.1, before.1 + 1, "one save, no new round");
    let rounds = "select count(*) from audit_event where object_id = $1 and action = 'application.resubmitted'";
    assert_eq!(app.count(rounds, id).await, 0);

    // A material change: the purpose and internal data allowed without conditions.
    let saved = save(
        &w,
        &pl,
        id,
        &[
            ("description_short", "Vat lange teksten samen voor medewerkers."),
            ("goal", "Samenvatten en herschrijven."),
            ("dc_intern", "toegestaan"),
        ],
    )
    .await;
    assert_eq!(status(app, id).await.0, "ingediend");
    assert!(saved.contains(label("goal")) && saved.contains(label("dc_intern")), "the message names the fields");
    assert!(!saved.contains("Overig veld"));
    // The registration page says so and links to the difference.
    assert!(saved.contains("Goedgekeurd; wijziging in beoordeling."));
    assert!(saved.contains(&format!("/register/{id}/beoordeling#wijziging")));

    // Employees still see the approved version, with the state.
    let list = page(app, &mw, "/toegestane-tools").await;
    assert_eq!(row_cells(&list, id), approved_cells, "the approved data classes govern");
    // The caption's count takes the tool in review along (counted apart, through its approved version), the
    // same set as the SQL condition of the list.
    let caption = |html: &str| -> i64 {
        let after = html.split("Welke gegevens mogen in welke tool? (").nth(1).expect("caption");
        after.split(' ').next().unwrap().parse().expect("count in the caption")
    };
    let listed = "select count(*) from application a
                   where registration_on_allowed_list(a.application_id, a.workflow_status)
                     and a.organisation_id = (select organisation_id from application where application_id = $1)";
    assert_eq!(caption(&list), app.count(listed, id).await);
    assert!(caption(&list) >= 1);
    assert!(row(&list, id).contains("Goedgekeurd; wijziging in beoordeling"));
    assert!(row(&list, id).contains(conditions), "the approval's conditions still apply");
    let ask = page(app, &mw, &format!("/toegestane-tools?tool={id}&gegevens=dc_intern")).await;
    assert!(ask.contains("Ja, onder voorwaarden: Tekstmaatje mag u gebruiken voor interne informatie"), "{ask}");
    assert!(ask.contains("Goedgekeurd; wijziging in beoordeling"));
    let print = page(app, &mw, "/toegestane-tools/afdrukken").await;
    assert!(print.contains("Goedgekeurd; wijziging in beoordeling"));
    counts_agree(&w, &mw, &ciso, 1).await;

    // The CISO is told it is a change of an approved tool, with the fields by name.
    let told: String = sqlx::query_scalar(
        "select n.message from notification n join app_user u using (user_id)
          where n.application_id = $1 and u.email = $2 and n.kind = 'ingediend' order by n.created_at desc limit 1",
    )
    .bind(id)
    .bind(CISO)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(told.starts_with("Wijziging van de goedgekeurde tool Tekstmaatje"), "{told}");
    assert!(told.contains(label("goal")) && told.contains(label("dc_intern")), "{told}");
    let audit: Value =
        sqlx::query_scalar("select after from audit_event where object_id = $1 and action = 'application.resubmitted'")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(audit["changed_fields"], format!("{}, {}", label("goal"), label("dc_intern")));

    // The review page: only the changed fields, by label, approved beside proposed, material ones marked.
    let review = page(app, &ciso, &format!("/register/{id}/beoordeling")).await;
    let diff = &review[review.find("id=\"wijziging\"").unwrap()..review.find("kop-poorten").unwrap()];
    assert!(diff.contains("Mag in de tool: interne informatie <strong>(wezenlijk)</strong>"), "{diff}");
    assert!(diff.contains("<td class=\"utrecht-table__cell\">Onder voorwaarden</td>"));
    assert!(diff.contains("<td class=\"utrecht-table__cell\">Toegestaan</td>"));
    assert!(diff.contains("Samenvatten en herschrijven."));
    assert!(!diff.contains(label("description_short")), "unchanged since the approval");
    assert!(!diff.contains("Overig veld"));
    assert!(review.contains("Wijziging afwijzen (de goedgekeurde versie blijft gelden)"));

    // The API shows the approved version and the change in review, as the OpenAPI document says.
    let doc = openapi(app).await;
    let t = token(app, w.pl, w.org, false).await;
    let body: Value = api_get(app, &t, &format!("/applications/{id}")).await.json().await.unwrap();
    assert_valid(&doc, "Application", &body);
    assert_eq!(body["change_in_review"], true);
    assert_eq!(body["approved_version"]["status"], "goedgekeurd_onder_voorwaarden");
    let flow: Value = api_get(app, &t, &format!("/applications/{id}/workflow")).await.json().await.unwrap();
    assert_valid(&doc, "Workflow", &flow);
    assert_eq!(flow["change_in_review"], true);

    // Returned with questions, the approval stays visible too.
    let r = decide(app, &ciso, id, &[("beslissing", "teruggestuurd"), ("toelichting", "Welke teksten precies?")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(app, id).await.0, "teruggestuurd");
    assert_eq!(row_cells(&page(app, &mw, "/toegestane-tools").await, id), approved_cells);
    counts_agree(&w, &mw, &ciso, 1).await;
    let r = app.post(&pl, &format!("/register/{id}/indienen"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(app, id).await.0, "ingediend");

    // Approving the change replaces the approved version.
    let r = decide(app, &ciso, id, &[("beslissing", "goedgekeurd")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(app, id).await.0, "goedgekeurd");
    let list = page(app, &mw, "/toegestane-tools").await;
    assert_eq!(row_cells(&list, id)[1], "toegestaan");
    assert!(!row(&list, id).contains("wijziging in beoordeling"));
    assert!(!row(&list, id).contains(conditions), "a plain approval has no conditions");
    assert!(!page(app, &pl, &format!("/register/{id}")).await.contains("wijziging in beoordeling"));
    let body: Value = api_get(app, &t, &format!("/applications/{id}")).await.json().await.unwrap();
    assert_eq!(
        (body["change_in_review"].clone(), body["approved_version"]["status"].clone()),
        (false.into(), "goedgekeurd".into())
    );
}

#[tokio::test]
async fn rejecting_a_change_restores_the_approved_version_and_tells_the_owner() {
    let w = world().await;
    let app = &w.app;
    let pl = app.logged_in(PL).await;
    let mw = app.logged_in(MW).await;
    let ciso = app.logged_in(CISO).await;
    let pl_s = w.pl.to_string();
    let mut f = complete("Tekstmaatje", &pl_s, &[]);
    f.push(("actie", "indienen"));
    let r = app.post(&pl, "/register", &f).await;
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    assert_eq!(decide(app, &ciso, id, &[("beslissing", "goedgekeurd")]).await.status(), 303);
    let r = app.post(&pl, &format!("/register/{id}/in-gebruik"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(app, id).await.0, "in_gebruik");

    save(&w, &pl, id, &[("goal", "Ook brieven aan inwoners schrijven."), ("dc_intern", "toegestaan")]).await;
    assert_eq!(status(app, id).await.0, "ingediend");
    let approved_cells =
        vec!["toegestaan", "onder_voorwaarden", "verboden", "verboden", "verboden", "verboden", "verboden", "verboden"];
    assert_eq!(row_cells(&page(app, &mw, "/toegestane-tools").await, id), approved_cells);

    // "Wijziging afwijzen" needs a reason like any refusal; then fields and status come back.
    let r = decide(app, &ciso, id, &[("beslissing", "afgewezen")]).await;
    assert_eq!(r.status(), 422);
    assert_eq!(status(app, id).await.0, "ingediend");
    let reason = "Brieven aan inwoners vragen eerst een DPIA.";
    let r = decide(app, &ciso, id, &[("beslissing", "afgewezen"), ("toelichting", reason)]).await;
    assert_eq!(r.status(), 303);
    let flash = page(app, &ciso, &location(&r)).await;
    assert!(flash.contains("De wijziging van Tekstmaatje is afgewezen; de goedgekeurde versie geldt weer."));
    assert_eq!(status(app, id).await.0, "in_gebruik", "the approved status is back");
    let (goal, intern): (String, String) =
        sqlx::query_as("select goal, dc_intern from application where application_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((goal.as_str(), intern.as_str()), ("<p>Sneller samenvatten.</p>", "onder_voorwaarden"));
    let list = page(app, &mw, "/toegestane-tools").await;
    assert_eq!(row_cells(&list, id), approved_cells);
    assert!(!row(&list, id).contains("wijziging in beoordeling"));
    let decision: String = sqlx::query_scalar(
        "select decision from review_decision where application_id = $1 order by decided_at desc limit 1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(decision, "wijziging_afgewezen");
    let rejected = "select count(*) from audit_event where object_id = $1 and action = 'application.change_rejected'";
    assert_eq!(app.count(rejected, id).await, 1);
    let history = page(app, &pl, &format!("/register/{id}/geschiedenis")).await;
    assert!(history.contains("Wijziging afgewezen; de goedgekeurde versie geldt weer"));
    assert!(!history.contains("Overig veld"));
    let told: String = sqlx::query_scalar(
        "select message from notification where application_id = $1 and user_id = $2 and kind = 'besluit'
          order by created_at desc limit 1",
    )
    .bind(id)
    .bind(w.pl)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(told.contains("De wijziging van Tekstmaatje is afgewezen: Brieven aan inwoners"), "{told}");
    assert!(told.contains("De goedgekeurde versie blijft gelden"), "{told}");
    assert!(audit_chain_intact(app).await);
    counts_agree(&w, &mw, &ciso, 1).await;
}

async fn audit_chain_intact(app: &TestApp) -> bool {
    airegister::audit::verify(&app.pool).await.is_ok_and(|v| v.broken.is_none() && v.rows > 0)
}

/// Every key of a stored registration has its own label: no list names an "Overig veld".
#[tokio::test]
async fn every_column_of_a_registration_has_a_label() {
    let app = TestApp::spawn().await;
    let columns: Vec<String> = sqlx::query_scalar(
        "select column_name::text from information_schema.columns
          where table_schema = current_schema() and table_name = 'application' and column_name <> 'search'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(columns.len() > 60);
    let unlabelled: Vec<&String> = columns.iter().filter(|c| label(c) == "Overig veld").collect();
    assert!(unlabelled.is_empty(), "columns without a label: {unlabelled:?}");
}
