//! Publication: exports valid against the standard (checked with an independent JSON Schema library), the
//! public register without leaks, the allowed-tools page, import with its per-row report, and the upload to
//! the national register through a stand-in that enforces the published OpenAPI contract.

use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::standin::{self, StandIn};
use airegister::auth::roles::Role;
use airegister::config::WebConfig;
use airegister::publication::csv as register_csv;

const DEMO_PW: &str = "demo-wachtwoord-2026";

pub(crate) async fn demo_app(config: WebConfig) -> TestApp {
    let app = TestApp::spawn_on(crate::helpers::fresh_database().await, config).await;
    airegister::demo::load(&app.pool, DEMO_PW).await.unwrap();
    app
}

pub(crate) async fn as_demo(app: &TestApp, role: &str) -> reqwest::Client {
    let c = app.client();
    let r = app.login(&c, &format!("{role}@demo.example"), DEMO_PW).await;
    assert_eq!(r.status(), 303, "{role} logs in");
    c
}

fn schema_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(include_str!("../../reference/algoritmeregister/algorithm-in-v1_0.schema.json")).unwrap();
    jsonschema::options().with_draft(jsonschema::Draft::Draft202012).build(&schema).unwrap()
}

/// The rules JSON Schema cannot express, checked here without the application's own code: rich text only
/// with the register's tags and no attributes, lengths counted without tags, months and https links.
fn register_rules(body: &Value) -> Vec<String> {
    let schema: Value =
        serde_json::from_str(include_str!("../../reference/algoritmeregister/algorithm-in-v1_0.schema.json")).unwrap();
    let mut problems = Vec::new();
    for (key, v) in body.as_object().unwrap() {
        let Some(s) = v.as_str() else { continue };
        let prop = &schema["properties"][key];
        let allowed: Vec<&str> = prop["x-allowed-html-tags"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut text = String::new();
        let mut in_tag = false;
        let mut tag = String::new();
        for c in s.chars() {
            match (in_tag, c) {
                (false, '<') => {
                    in_tag = true;
                    tag.clear();
                }
                (true, '>') => {
                    in_tag = false;
                    let name = tag.trim_start_matches('/').trim_end_matches('/');
                    if !allowed.contains(&name) {
                        problems.push(format!("{key}: tag <{tag}> not allowed"));
                    }
                    text.push(' ');
                }
                (true, c) => tag.push(c),
                (false, c) => text.push(c),
            }
        }
        if let Some(max) = prop["x-max-length-without-html"].as_u64() {
            let n = text.split_whitespace().collect::<Vec<_>>().join(" ").chars().count() as u64;
            if n > max {
                problems.push(format!("{key}: {n} > {max}"));
            }
        }
        if ["begin_date", "end_date"].contains(&key.as_str())
            && !(s.len() == 7 && s.as_bytes()[4] == b'-' && s[5..].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m)))
        {
            problems.push(format!("{key}: {s} is not yyyy-mm"));
        }
        if ["website", "url", "process_index_url", "publiccode"].contains(&key.as_str()) && !s.starts_with("https://") {
            problems.push(format!("{key}: {s} is not https"));
        }
    }
    problems
}

async fn public_ids(app: &TestApp) -> Vec<(Uuid, String)> {
    sqlx::query_as(
        "select application_id, name from application where publish and workflow_status in
         ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'buiten_gebruik') order by lower(name)",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn every_publishable_demo_application_exports_valid_json_csv_and_excel() {
    let app = demo_app(WebConfig { public_url: Some("https://ai.demodam.example".into()), ..Default::default() }).await;
    let expected = public_ids(&app).await;
    assert!(expected.len() >= 5, "{expected:?}");
    let c = as_demo(&app, "beheerder").await;

    let r = app.get(&c, "/publicatie/export/json").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"algoritmeregister-gm9999-")
    );
    let list: Value = r.json().await.unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), expected.len());
    let validator = schema_validator();
    for (body, (id, name)) in list.iter().zip(&expected) {
        let errors: Vec<String> = validator.iter_errors(body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert_eq!(register_rules(body), Vec::<String>::new(), "{name}");
        assert_eq!(body["source_id"], json!(id.to_string()));
        assert_eq!(body["url"], json!(format!("https://ai.demodam.example/openbaar/gm9999/{id}.json")));
        assert_eq!(body["organization"], json!("Gemeente Demodam"));
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 29, "only the standard's input keys: {keys:?}");
    }
    // Each one on its own, from its tab.
    let (id, _) = &expected[0];
    let one: Value = app.get(&c, &format!("/register/{id}/publicatie/export/json")).await.json().await.unwrap();
    assert!(validator.is_valid(&one));

    let r = app.get(&c, "/publicatie/export/csv").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = r.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'), "UTF-8 with BOM");
    let rows = register_csv::parse(&text).unwrap();
    assert_eq!(rows.len(), expected.len() + 1);
    assert_eq!(&rows[0][..5], &["name", "organization", "description_short", "category", "website"]);
    assert_eq!(&rows[0][29..], &["algorithm_id", "publication_dt"]);
    for line in text.trim_start_matches('\u{feff}').lines() {
        assert!(line.starts_with('"') && line.ends_with('"'), "every field quoted: {line}");
    }
    let woz = rows.iter().find(|r| r[0] == "Waarderen WOZ-objecten").unwrap();
    assert_eq!(woz[3], "Overheidsfinanciën, Wonen");
    assert_eq!(woz[26], "1: Wet waardering onroerende zaken, https://wetten.overheid.nl/BWBR0007119");

    let r = app.get(&c, "/publicatie/export/xlsx").await;
    assert_eq!(r.status(), 200);
    let cells = crate::xlsx_check::register_sheet(&r.bytes().await.unwrap());
    assert_eq!(cells[0][0], "Naam");
    assert_eq!(cells[0].len(), expected.len() + 1);
    assert_eq!(cells.len(), 31);

    // The command line gives the same register.
    let dir = crate::helpers::scratch_dir("export");
    let out = dir.join("register.csv");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["export", "--format", "csv", "--out", out.to_str().unwrap()])
        .env("DATABASE_URL", app.database_url().await)
        .env("AIREGISTER_PUBLIC_URL", "https://ai.demodam.example")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["export", "--format", "pdf"])
        .env("DATABASE_URL", app.database_url().await)
        .output()
        .unwrap();
    assert!(!run.status.success() && String::from_utf8_lossy(&run.stderr).contains("onbekend formaat 'pdf'"));

    // A medewerker may not export the register.
    let m = as_demo(&app, "medewerker").await;
    assert_eq!(app.get(&m, "/publicatie/export/json").await.status(), 403);
}

/// The Excel export was once a corrupt ZIP (central-directory records two bytes too long) that only our own
/// reader accepted. Every route that writes one — the register page, one registration's tab, the API and the
/// command line — now goes through independent readers, and every cell must equal the CSV export's value.
#[tokio::test]
async fn every_excel_export_opens_in_independent_readers_with_every_cell() {
    let app = demo_app(WebConfig { public_url: Some("https://ai.demodam.example".into()), ..Default::default() }).await;
    let expected = public_ids(&app).await;
    let c = as_demo(&app, "beheerder").await;
    let csv_text = app.get(&c, "/publicatie/export/csv").await.text().await.unwrap();
    let csv_rows = register_csv::parse(&csv_text).unwrap();
    // The workbook is transposed: a row per field, a column per registration.
    let transposed: Vec<Vec<String>> = (0..csv_rows[0].len())
        .map(|field| {
            let mut cells: Vec<String> = csv_rows[1..].iter().map(|r| r[field].clone()).collect();
            while cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            cells
        })
        .collect();
    let check = |cells: &[Vec<String>], columns: usize| {
        assert_eq!(cells.len(), 31, "29 fields of the standard, the algorithm id and the publication date");
        assert_eq!(cells[0][0], "Naam");
        assert_eq!(cells[0].len(), columns + 1, "the titles and one column per registration");
        for (row, titled) in cells.iter().enumerate() {
            assert!(!titled[0].is_empty(), "row {row} has a title");
        }
    };

    let r = app.get(&c, "/publicatie/export/xlsx").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let web = crate::xlsx_check::register_sheet(&r.bytes().await.unwrap());
    check(&web, expected.len());
    for (row, values) in web.iter().zip(&transposed) {
        assert_eq!(&row[1..], &values[..], "row {:?}: every cell as in the CSV export", row[0]);
    }

    let (id, name) = &expected[0];
    let one = crate::xlsx_check::register_sheet(
        &app.get(&c, &format!("/register/{id}/publicatie/export/xlsx")).await.bytes().await.unwrap(),
    );
    check(&one, 1);
    assert_eq!(one[0][1], *name);

    let (_, user, org) = demo_user(&app, "beheerder").await;
    let token = crate::rest::token(&app, user, org, false).await;
    let api = crate::rest::api_get(&app, &token, "/export?format=xlsx").await;
    assert_eq!(api.status(), 200);
    assert_eq!(crate::xlsx_check::register_sheet(&api.bytes().await.unwrap()), web);

    let dir = crate::helpers::scratch_dir("export-xlsx");
    let out = dir.join("register.xlsx");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["export", "--format", "xlsx", "--out", out.to_str().unwrap()])
        .env("DATABASE_URL", app.database_url().await)
        .env("AIREGISTER_PUBLIC_URL", "https://ai.demodam.example")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(crate::xlsx_check::register_sheet(&std::fs::read(&out).unwrap()), web);
}

/// The demo user of a role: (e-mail, user id, organisation id).
pub(crate) async fn demo_user(app: &TestApp, role: &str) -> (String, Uuid, Uuid) {
    let email = format!("{role}@demo.example");
    let (user, org): (Uuid, Uuid) = sqlx::query_as(
        "select u.user_id, m.organisation_id from app_user u join membership m using (user_id) where u.email = $1 limit 1",
    )
    .bind(&email)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    (email, user, org)
}

/// The readiness check names a member's own address as contact (read by that address, in any case).
#[tokio::test]
async fn a_members_own_address_as_contact_is_named_on_the_publication_tab() {
    let app = demo_app(WebConfig::default()).await;
    let c = as_demo(&app, "beheerder").await;
    let (id, _) = public_ids(&app).await.remove(0);
    let warning = "Contactgegevens is een persoonlijk e-mailadres";
    for (contact, personal) in
        [("FG@Demo.Example", true), ("algoritmes@demo.example", false), ("fg@elders.example", false)]
    {
        sqlx::query("update application set contact_email = $2 where application_id = $1")
            .bind(id)
            .bind(contact)
            .execute(&app.pool)
            .await
            .unwrap();
        let tab = app.get(&c, &format!("/register/{id}/publicatie")).await.text().await.unwrap();
        assert_eq!(tab.contains(warning), personal, "{contact}: {tab}");
    }
}

#[tokio::test]
async fn cells_that_start_a_formula_are_neutralised() {
    let app = demo_app(WebConfig::default()).await;
    sqlx::query("update application set name = '=HYPERLINK(\"https://evil.example\")', provider = '+31 20 123', tags = '@SUM(A1)' where name = 'Waarderen WOZ-objecten'")
        .execute(&app.pool)
        .await
        .unwrap();
    let c = as_demo(&app, "ciso").await;
    let text = app.get(&c, "/publicatie/export/csv").await.text().await.unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"https://evil.example\"\")\""), "{text}");
    assert!(text.contains("\"'+31 20 123\"") && text.contains("\"'@SUM(A1)\""));
    let cells = crate::xlsx_check::register_sheet(&app.get(&c, "/publicatie/export/xlsx").await.bytes().await.unwrap());
    assert!(cells[0].iter().any(|v| v == "'=HYPERLINK(\"https://evil.example\")"));
    // JSON carries the value itself (it is data, not a spreadsheet).
    let list: Value = app.get(&c, "/publicatie/export/json").await.json().await.unwrap();
    assert!(list.as_array().unwrap().iter().any(|b| b["name"] == json!("=HYPERLINK(\"https://evil.example\")")));
}

#[tokio::test]
async fn the_public_register_shows_only_published_fields_of_approved_registrations() {
    let app = demo_app(WebConfig::default()).await;
    let public = public_ids(&app).await;
    // A publishable and an internal assessment on a public registration.
    let (woz, _) = public.iter().find(|(_, n)| n == "Waarderen WOZ-objecten").unwrap().clone();
    for (kind, name, publishable) in [("anders", "Geheime risicotoets", false), ("dpia", "", true)] {
        sqlx::query(
            "insert into assessment (assessment_id, application_id, kind, other_name, status, completed_on, outcome, publishable)
             values ($1, $2, $3, nullif($4, ''), 'afgerond', current_date, 'Interne uitkomst: restrisico aanvaardbaar', $5)",
        )
        .bind(Uuid::now_v7())
        .bind(woz)
        .bind(kind)
        .bind(name)
        .bind(publishable)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let anon = app.client();
    let r = app.get(&anon, "/openbaar").await;
    assert_eq!(r.status(), 303, "one organisation: straight to its register");
    let list = app.get(&anon, "/openbaar/gm9999").await.text().await.unwrap();
    assert!(list.contains(&format!("{} algoritmes gevonden", public.len())), "{list}");

    // Everything internal that must never appear.
    let mut secrets: Vec<String> = sqlx::query_scalar("select name from app_user").fetch_all(&app.pool).await.unwrap();
    secrets.extend(
        sqlx::query_scalar::<_, String>(
            "select x from application a, lateral (values (a.supplier_agreements_note), (a.human_oversight),
            (a.fallback_scenario), (a.risk_override_motivation), (a.suspension_reason), (a.attention_points),
            (a.risk_analysis_reason)) v(x) where x is not null",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap(),
    );
    secrets.extend(
        sqlx::query_scalar::<_, String>("select note from review_decision where note is not null")
            .fetch_all(&app.pool)
            .await
            .unwrap(),
    );
    secrets.extend(
        sqlx::query_scalar::<_, String>("select note from fg_advice where note is not null")
            .fetch_all(&app.pool)
            .await
            .unwrap(),
    );
    secrets.extend([
        "Geheime risicotoets".to_string(),
        "Interne uitkomst".to_string(),
        "Alle medewerkers van de afdeling".to_string(),
    ]);
    let hidden: Vec<(Uuid, String)> = sqlx::query_as(
        "select application_id, name from application where not (publish is true and workflow_status in
         ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'buiten_gebruik'))",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(hidden.iter().any(|(_, n)| n == "Chatbot Gemeentelijke Dienstverlening"), "marked but under review");
    assert!(hidden.iter().any(|(_, n)| n == "CV-screening sollicitaties"), "marked but rejected");
    let mut pages = vec![list];
    for (id, name) in &public {
        let html = app.get(&anon, &format!("/openbaar/gm9999/{id}")).await;
        assert_eq!(html.status(), 200, "{name}");
        let text = html.text().await.unwrap();
        // Read as sections in the standard's order, the empty fields on one line per section at most.
        let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("no {s} on {name}"));
        assert!(at("In het kort") < at(">Algemene informatie<"));
        assert!(
            at(">Algemene informatie<") < at(">Verantwoord gebruik<") && at(">Verantwoord gebruik<") < at(">Werking<")
        );
        assert!(!text.contains(">Niet ingevuld<") && text.matches("Nog niet ingevuld:").count() <= 3, "{text}");
        pages.push(text);
        let r = app.get(&anon, &format!("/openbaar/gm9999/{id}.json")).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert!(schema_validator().is_valid(&body), "{name}");
        for key in body.as_object().unwrap().keys() {
            assert!(
                airegister::publication::algorithm_in::KEYS.contains(&key.as_str()) || key == "lars",
                "{key} is not a field of the standard"
            );
        }
        pages.push(body.to_string());
    }
    let woz_json: Value = app.get(&anon, &format!("/openbaar/gm9999/{woz}.json")).await.json().await.unwrap();
    assert_eq!(
        woz_json["impacttoetsen_grouping"],
        json!([{"title": "Data Protection Impact Assessment (DPIA)"}]),
        "the publishable assessment under the register's filter title, the internal one not"
    );
    for page in &pages {
        for s in &secrets {
            assert!(!page.contains(s.as_str()), "public page leaks '{s}'");
        }
        for (id, name) in &hidden {
            assert!(!page.contains(&id.to_string()), "public page links unpublished '{name}'");
            assert!(!page.contains(&format!(">{name}<")), "public page lists unpublished '{name}'");
        }
    }
    for (id, _) in &hidden {
        assert_eq!(app.get(&anon, &format!("/openbaar/gm9999/{id}")).await.status(), 404);
        assert_eq!(app.get(&anon, &format!("/openbaar/gm9999/{id}.json")).await.status(), 404);
    }
    // Filters and search.
    let f = app.get(&anon, "/openbaar/gm9999?categorie=Impactvolle+algoritmes").await.text().await.unwrap();
    assert!(f.contains("1 algoritme gevonden") && f.contains("Waarderen WOZ-objecten"), "{f}");
    assert!(f.contains("class=\"app-card\"") && f.contains("Alles tonen"), "a card, and a way back to everything");
    let none = app.get(&anon, "/openbaar/gm9999?q=zzzonbekendzzz").await.text().await.unwrap();
    assert!(none.contains("0 algoritmes gevonden") && none.contains("toon alle algoritmes"), "{none}");
    let f = app.get(&anon, "/openbaar/gm9999?q=woz&thema=Wonen&status=In+gebruik").await.text().await.unwrap();
    assert!(f.contains("1 algoritme gevonden"));
    // A search alone reads the narrow copy (migration 0047): the same one, nothing unpublished.
    let f = app.get(&anon, "/openbaar/gm9999?q=woz").await.text().await.unwrap();
    assert!(f.contains("1 algoritme gevonden") && f.contains("Waarderen WOZ-objecten"), "{f}");
    assert_eq!(app.get(&anon, "/openbaar/gm0000").await.status(), 404);
}

/// The public register's total comes from a counter kept by a trigger (migration 0042): it must follow every
/// way a registration becomes or stops being public. So must the search copy's public flag (0047), the
/// allowed-tools list's counter (0048) and the register's counters per status (0051), which the register's
/// page shows as its total.
#[tokio::test]
async fn the_public_total_follows_publishing_status_changes_and_deletes() {
    let app = demo_app(WebConfig::default()).await;
    let ciso = as_demo(&app, "ciso").await;
    let counted = || async {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "select coalesce(c.registrations, 0), (select count(*) from application a
                     where a.organisation_id = o.organisation_id and registration_public(a.publish, a.workflow_status))
               from organisation o left join organisation_public_count c using (organisation_id)",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert!(rows.iter().all(|(kept, real)| kept == real), "counter against count(*): {rows:?}");
        // The search copy's public flag (migration 0047) follows the same changes.
        let stale: i64 = sqlx::query_scalar(
            "select count(*) from application_search s join application a using (application_id)
              where s.public <> coalesce(registration_public(a.publish, a.workflow_status), false)",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(stale, 0, "the search copy's public flag is up to date");
        // The allowed-tools list's counter (migration 0048) follows the status changes and deletes too.
        let listed: Vec<(i64, i64)> = sqlx::query_as(
            "select coalesce(c.registrations, 0), (select count(*) from application a
                     where a.organisation_id = o.organisation_id and registration_listed(a.workflow_status))
               from organisation o left join organisation_listed_count c using (organisation_id)",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert!(listed.iter().all(|(kept, real)| kept == real), "listed counter against count(*): {listed:?}");
        // So do the register's counters per status (migration 0051), which give the list's total.
        let by_status: Vec<(String, i64, i64)> = sqlx::query_as(
            "select workflow_status, coalesce(c.registrations, 0), coalesce(r.n, 0)
               from (select * from registration_status_count
                      where organisation_id = (select organisation_id from organisation where code = 'gm9999')) c
               full join (select workflow_status, count(*) as n from application
                           where organisation_id = (select organisation_id from organisation where code = 'gm9999')
                           group by 1) r
                 using (workflow_status)",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert!(
            by_status.iter().all(|(_, kept, real)| kept == real),
            "status counters against count(*): {by_status:?}"
        );
        for (status, _, real) in &by_status {
            let page = app.get(&ciso, &format!("/register?status={status}")).await.text().await.unwrap();
            let shown = if *real == 1 {
                "\">1 toepassing gevonden".to_string()
            } else {
                format!("\">{real} toepassingen gevonden")
            };
            assert!(page.contains(&shown), "{status}: {shown}");
        }
        let all: i64 = by_status.iter().map(|(_, _, real)| real).sum();
        let page = app.get(&ciso, "/register").await.text().await.unwrap();
        assert!(page.contains(&format!("\">{all} toepassingen gevonden")), "the whole register: {all}");
        rows.iter().map(|(kept, _)| kept).sum::<i64>()
    };
    let start = counted().await;
    assert!(start > 0, "the demo publishes registrations");
    let public = public_ids(&app).await;
    let (first, second, third) = (public[0].0, public[1].0, public[2].0);
    let run = |sql: &'static str, id: Uuid| {
        let pool = app.pool.clone();
        async move { sqlx::query(sql).bind(id).execute(&pool).await.unwrap() }
    };
    run("update application set publish = false where application_id = $1", first).await;
    assert_eq!(counted().await, start - 1);
    run("update application set workflow_status = 'ingediend' where application_id = $1", second).await;
    assert_eq!(counted().await, start - 2);
    run("update application set workflow_status = 'afgewezen', publish = false where application_id = $1", second)
        .await;
    assert_eq!(counted().await, start - 2, "rejected: on the allowed-tools list (as forbidden), not public");
    run("update application set workflow_status = 'ingediend' where application_id = $1", second).await;
    run("update application set publish = true where application_id = $1", first).await;
    run("update application set name = name || ' (2)' where application_id = $1", first).await;
    assert_eq!(counted().await, start - 1, "a change that keeps it public does not count twice");
    run("delete from application where application_id = $1", third).await;
    assert_eq!(counted().await, start - 2);
    let list = app.get(&app.client(), "/openbaar/gm9999").await.text().await.unwrap();
    assert!(list.contains(&format!("{} algoritmes gevonden", start - 2)), "{list}");
}

#[tokio::test]
async fn every_employee_sees_which_tools_are_allowed_with_which_data() {
    let app = demo_app(WebConfig::default()).await;
    let c = as_demo(&app, "medewerker").await;
    let html = app.get(&c, "/toegestane-tools").await.text().await.unwrap();
    for expected in [
        "ChatGPT (gratis)",
        "DeepSeek (gratis)",
        "Verboden",
        "Onder voorwaarden",
        "Indexeert alle gegevens",
        "Plak nooit klantdata",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    assert!(!html.contains("Descript"), "a tool still under review is not on the list");
    let (chatgpt, deepseek): (Uuid, Uuid) = sqlx::query_as(
        "select (select application_id from application where name = 'ChatGPT (gratis)'),
                (select application_id from application where name = 'DeepSeek (gratis)')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let ask = |tool: Uuid, class: &str| format!("/toegestane-tools?tool={tool}&gegevens={class}");
    let a = app.get(&c, &ask(chatgpt, "dc_openbaar")).await.text().await.unwrap();
    assert!(a.contains("Ja, ChatGPT (gratis) mag u gebruiken voor openbare informatie."), "{a}");
    let a = app.get(&c, &ask(chatgpt, "dc_persoonsgegevens")).await.text().await.unwrap();
    assert!(a.contains("Nee, ChatGPT (gratis) mag u niet gebruiken voor persoonsgegevens."));
    let a = app.get(&c, &ask(deepseek, "dc_openbaar")).await.text().await.unwrap();
    assert!(a.contains("Nee. DeepSeek (gratis) is verboden"));
    // A suspended tool is marked and says no.
    sqlx::query("update application set suspended_at = now(), suspension_reason = 'Datalek bij de leverancier', suspended_by = created_by where application_id = $1")
        .bind(chatgpt)
        .execute(&app.pool)
        .await
        .unwrap();
    let a = app.get(&c, &ask(chatgpt, "dc_openbaar")).await.text().await.unwrap();
    assert!(
        a.contains("tijdelijk niet te gebruiken: Datalek bij de leverancier") && a.contains("Tijdelijk niet gebruiken")
    );
    let print = app.get(&c, "/toegestane-tools/afdrukken").await.text().await.unwrap();
    assert!(print.contains("app-sheet") && !print.contains("Hoofdmenu") && print.contains("Wel doen"));
}

/// A large organisation: the list is searched and paged, and the question takes a typed tool name.
#[tokio::test]
async fn a_long_list_of_allowed_tools_is_searched_paged_and_asked_by_name() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Grootdam", "gm0555").await;
    app.user("mila@grootdam.example", org, &[Role::Medewerker]).await;
    // 230 approved tools (Tool 001 … Tool 230, "Vertaler" in every tenth) and one rejected.
    sqlx::query(
        "insert into application (application_id, organisation_id, name, description_short, provider, workflow_status,
             submitted_at, contact_email, publication_category, goal, dc_openbaar, dc_intern)
         select gen_random_uuid(), $1, case when i % 10 = 0 then 'Vertaler ' else 'Tool ' end || lpad(i::text, 3, '0'),
                'Een hulpmiddel.', 'Leverancier ' || (i % 7), case when i = 231 then 'afgewezen' else 'goedgekeurd' end,
                now(), 'ai@grootdam.example', 'Overige algoritmes', '<p>Doel.</p>', 'toegestaan', 'onder_voorwaarden'
           from generate_series(1, 231) as i",
    )
    .bind(org)
    .execute(&app.pool)
    .await
    .unwrap();
    let c = app.logged_in("mila@grootdam.example").await;
    let html = app.get(&c, "/toegestane-tools").await.text().await.unwrap();
    assert!(html.contains("231 tools, pagina 1 van 5"), "{html}");
    assert_eq!(html.matches("<tr class=\"app-tool").count() + html.matches("<tr>\n    <th scope=\"row\">").count(), 50);
    assert!(html.contains("Tool 055") && !html.contains("Tool 056"), "first page, by name");
    assert!(html.contains("href=\"/toegestane-tools?pagina=2\""));
    // Above 200 tools the question takes a typed name instead of a list of all of them.
    assert!(html.contains("name=\"naam\"") && !html.contains("<option value=\"\">Kies een tool</option>"));
    let last = app.get(&c, "/toegestane-tools?pagina=5").await.text().await.unwrap();
    assert!(last.contains("Tool 231"), "the rejected tool comes last");
    assert!(last.contains("Verboden"));
    // Search narrows the table (on name or supplier); % and _ are taken literally.
    let found = app.get(&c, "/toegestane-tools?zoek=vertaler").await.text().await.unwrap();
    assert!(found.contains("23 tools") && found.contains("Vertaler 010") && !found.contains("Tool 001"), "{found}");
    let none = app.get(&c, "/toegestane-tools?zoek=%25").await.text().await.unwrap();
    assert!(none.contains("0 tools") && none.contains("Geen tools gevonden met"), "a literal % matches no name");
    let past = app.get(&c, "/toegestane-tools?zoek=tool&pagina=9").await.text().await.unwrap();
    assert!(
        past.contains("208 tools") && past.contains("Deze pagina is leeg"),
        "a page past the end counts all matches"
    );
    let half = app.get(&c, "/toegestane-tools?naam=Tool+001").await.text().await.unwrap();
    assert!(half.contains("Kies een tool én het soort gegevens"), "half a question is answered with what is missing");
    // Asking by name: an exact name answers, a part of several names asks which one.
    let a = app.get(&c, "/toegestane-tools?naam=vertaler+010&gegevens=dc_intern").await.text().await.unwrap();
    assert!(a.contains("Ja, onder voorwaarden: Vertaler 010 mag u gebruiken voor interne informatie"), "{a}");
    let a = app.get(&c, "/toegestane-tools?naam=vertaler&gegevens=dc_intern").await.text().await.unwrap();
    assert!(a.contains("Er zijn meerdere tools met"), "{a}");
    let a = app.get(&c, "/toegestane-tools?naam=Tool+231&gegevens=dc_openbaar").await.text().await.unwrap();
    assert!(a.contains("Nee. Tool 231 is verboden"), "{a}");
    let a = app.get(&c, "/toegestane-tools?naam=Onbekend&gegevens=dc_openbaar").await.text().await.unwrap();
    assert!(a.contains("Deze tool staat niet op de lijst"));
    // The print view has them all.
    let print = app.get(&c, "/toegestane-tools/afdrukken").await.text().await.unwrap();
    assert!(print.contains("(231 tools)") && print.contains("Tool 231") && print.contains("Tool 061"), "{print}");
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/algoritmeregister/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn import(app: &TestApp, c: &reqwest::Client, name: &str, bytes: &[u8], dry: bool) -> (u16, String) {
    let fields: Vec<(&str, &str)> = if dry { vec![("dry_run", "ja")] } else { vec![] };
    let r = app.post_multipart(c, "/publicatie/import", &fields, Some(("bestand", name, bytes)), true).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn count_apps(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from application").fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn templates_and_register_downloads_import_with_a_report() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Import", "gm0002").await;
    app.user("ciso@import.example", org, &[airegister::auth::roles::Role::Ciso]).await;
    let c = app.logged_in("ciso@import.example").await;
    let dir = format!("{}/tests/fixtures/algoritmeregister/templates-1.0", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 17);
    // Every template reads with a report of what was normalised (dry run: nothing written).
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let (status, html) = import(&app, &c, name, &std::fs::read(path).unwrap(), true).await;
        assert_eq!(status, 200, "{name}: {html}");
        assert!(html.contains("proefimport, niets opgeslagen"), "{name}");
        assert!(
            ["ingevuld", "geworden", "niet overgenomen", "Niet overgenomen", "verwijderd"]
                .iter()
                .any(|w| html.contains(w)),
            "{name}: normalisation reported"
        );
        assert_eq!(count_apps(&app).await, 0, "a dry run writes nothing");
    }
    // Then for real. Vendors ship some templates twice (Octobox and DocDirekt): a file with a description
    // that is already in the register is refused as a whole.
    let mut total = 0;
    let mut refused = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let bytes = std::fs::read(path).unwrap();
        let (status, html) = import(&app, &c, name, &bytes, false).await;
        if status == 422 {
            assert!(
                html.contains("staat al in het register") && html.contains("Er is niets opgeslagen"),
                "{name}: {html}"
            );
            refused += 1;
        } else {
            assert_eq!(status, 200, "{name}: {html}");
            total += serde_json::from_slice::<Value>(&bytes).unwrap().as_array().map(Vec::len).unwrap_or(1) as i64;
        }
        assert_eq!(count_apps(&app).await, total, "{name}");
    }
    assert!(total >= 20 && refused <= 2, "{total} imported, {refused} files refused");

    // The register's CSV downloads: the Dutch single record and the English sample of 1.0, 0.4 and 0.1 rows.
    let (status, html) =
        import(&app, &c, "nld.csv", &fixture("register-exports/nld-export-2024-05-single-record.csv"), false).await;
    assert_eq!(status, 200, "{html}");
    let woz: (String, Vec<String>, String) = sqlx::query_as(
        "select status, category, lawful_basis_grouping::text from application where name = 'Waarderen WOZ-objecten Amsterdam'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(woz.0, "In gebruik");
    assert_eq!(woz.1, vec!["Economie", "Wonen"]);
    let before = count_apps(&app).await;
    let (status, html) =
        import(&app, &c, "eng.csv", &fixture("register-exports/eng-export-2024-05-sample.csv"), false).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(count_apps(&app).await, before + 36);
    for expected in
        ["In use", "is &#39;In gebruik&#39; geworden", "Publicatiestandaard 0.1.0", "Publicatiestandaard 0.4.0"]
    {
        assert!(html.contains(expected), "{expected} in the report");
    }
    // Importing the same download again: every row is already there; nothing is written.
    let (status, html) =
        import(&app, &c, "eng.csv", &fixture("register-exports/eng-export-2024-05-sample.csv"), false).await;
    assert_eq!(status, 422);
    assert!(html.contains("staat al in het register") && html.contains("Er is niets opgeslagen"));
    assert_eq!(count_apps(&app).await, before + 36);
    assert!(airegister::audit::verify(&app.pool).await.unwrap().broken.is_none());
}

#[tokio::test]
async fn a_bad_row_is_reported_by_field_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Import", "gm0002").await;
    app.user("beheerder@import.example", org, &[airegister::auth::roles::Role::Beheerder]).await;
    app.user("medewerker@import.example", org, &[airegister::auth::roles::Role::Medewerker]).await;
    let c = app.logged_in("beheerder@import.example").await;
    let file = json!([
        {"name": "Goed", "description_short": "Een goede beschrijving.", "status": "In gebruik", "lang": "nld"},
        {"name": "x".repeat(120), "description_short": "Te lange naam.", "status": "Actief"},
        {"name": "Slecht", "description_short": "", "status": "Weet niet", "category": ["Verkeer"]},
        "geen object"
    ]);
    let (status, html) = import(&app, &c, "lijst.json", file.to_string().as_bytes(), false).await;
    assert_eq!(status, 422);
    assert!(html.contains("3 van de 4 rijen hebben fouten"), "{html}");
    assert!(html.contains("Naam mag hoogstens 100 tekens lang zijn"), "{html}");
    assert!(html.contains("Status: &#39;Weet niet&#39; is onbekend"), "{html}");
    assert!(html.contains("Vul korte omschrijving in"), "{html}");
    assert!(html.contains("is geen object"));
    assert_eq!(count_apps(&app).await, 0);
    let (status, html) = import(&app, &c, "kapot.json", b"{\"name\": ", false).await;
    assert_eq!(status, 422);
    assert!(html.contains("geen geldige JSON"), "{html}");
    let (status, html) = import(&app, &c, "leeg.csv", b"naam;omschrijving\n", false).await;
    assert_eq!(status, 422);
    assert!(html.contains("kolom &#39;name&#39;"), "{html}");
    let m = app.logged_in("medewerker@import.example").await;
    let (status, _) = import(&app, &m, "lijst.json", file.to_string().as_bytes(), false).await;
    assert_eq!(status, 403);
    // The command line reports the same and exits non-zero.
    let dir = crate::helpers::scratch_dir("import");
    let path = dir.join("lijst.json");
    std::fs::write(&path, file.to_string()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["import", path.to_str().unwrap()])
        .env("DATABASE_URL", app.database_url().await)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Rij 2") && stdout.contains("FOUT"), "{stdout}");
    assert_eq!(count_apps(&app).await, 0);
}

#[tokio::test]
async fn import_then_export_keeps_every_field() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Noorderhaaks", "gm0003").await;
    app.user("ciso@noord.example", org, &[airegister::auth::roles::Role::Ciso]).await;
    let c = app.logged_in("ciso@noord.example").await;
    let original: Value = serde_json::from_slice(&fixture("algorithm-in-v1_0.example.json")).unwrap();
    let dir = crate::helpers::scratch_dir("roundtrip");
    let path = dir.join("example.json");
    std::fs::write(&path, original.to_string()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["import", path.to_str().unwrap(), "--dry-run"])
        .env("DATABASE_URL", app.database_url().await)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(count_apps(&app).await, 0);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["import", path.to_str().unwrap()])
        .env("DATABASE_URL", app.database_url().await)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let id: Uuid = sqlx::query_scalar("select application_id from application").fetch_one(&app.pool).await.unwrap();
    let exported: Value = app.get(&c, &format!("/register/{id}/publicatie/export/json")).await.json().await.unwrap();
    let plain = |v: &Value| -> Value {
        match v {
            Value::String(s) => json!(airegister::register::richtext::plain_text(s)),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| match i {
                        Value::Object(o) => Value::Object(
                            o.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect(),
                        ),
                        other => other.clone(),
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    };
    for (key, value) in original.as_object().unwrap() {
        if key == "source_id" {
            assert_eq!(exported[key], json!(id.to_string()), "the source id is ours");
            continue;
        }
        assert_eq!(plain(&exported[key]), plain(value), "{key}");
    }
}

async fn connect(app: &TestApp, c: &reqwest::Client, standin: &StandIn) {
    let r = app
        .post(
            c,
            "/publicatie/koppeling",
            &[
                ("api_url", &standin.api_url()),
                ("token_url", &standin.token_url()),
                ("client_id", standin::PUBLIC_CLIENT),
                ("grant_type", "password"),
                ("username", "ciso@demo.example"),
                ("register_org_id", "gm9999"),
                ("version", "-1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
}

/// Found by independent testing: the connection could be saved once; every later save answered 409 although
/// nobody else changed it (the upsert's update branch never ran). And "http only to this machine" was a prefix
/// check that let `http://127.0.0.1@evil.example/` through.
#[tokio::test]
async fn the_register_connection_can_be_corrected_and_a_real_conflict_is_still_caught() {
    let app = demo_app(WebConfig::default()).await;
    let c = as_demo(&app, "ciso").await;
    let form = |api: &str, client_id: &str, version: &str| {
        vec![
            ("api_url".to_string(), api.to_string()),
            ("token_url".to_string(), "https://keycloak.register.example/token".to_string()),
            ("client_id".to_string(), client_id.to_string()),
            ("grant_type".to_string(), "password".to_string()),
            ("username".to_string(), "ciso@demo.example".to_string()),
            ("register_org_id".to_string(), "gm9999".to_string()),
            ("version".to_string(), version.to_string()),
        ]
    };
    let save = |fields: Vec<(String, String)>| {
        let (app, c) = (&app, &c);
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post(c, "/publicatie/koppeling", &pairs).await
        }
    };
    let version = || async {
        sqlx::query_scalar::<_, i32>("select version from register_connection").fetch_one(&app.pool).await.unwrap()
    };
    assert_eq!(save(form("https://register.example/api", "eerste", "-1")).await.status(), 303);
    let v1 = version().await;
    // Corrected, and corrected again: each save at the version the form showed.
    assert_eq!(save(form("https://register.example/api/v1_0", "tweede", &v1.to_string())).await.status(), 303);
    let v2 = version().await;
    assert_eq!(v2, v1 + 1);
    let page = app.get(&c, "/publicatie/koppeling").await.text().await.unwrap();
    assert!(page.contains("https://register.example/api/v1_0") && page.contains("tweede"));
    assert_eq!(save(form("https://register.example/api/v1_0", "derde", &v2.to_string())).await.status(), 303);
    // Someone else saved in between: the stale form gets 409 with its input kept, nothing is overwritten.
    let r = save(form("https://other.example/api", "verouderd", &v2.to_string())).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("Iemand anders heeft de koppeling intussen gewijzigd") && html.contains("verouderd"));
    let kept: String =
        sqlx::query_scalar("select client_id from register_connection").fetch_one(&app.pool).await.unwrap();
    assert_eq!(kept, "derde");
    // Two first saves at once: one wins, the other is told.
    sqlx::query("delete from register_connection").execute(&app.pool).await.unwrap();
    let (a, b) = tokio::join!(
        save(form("https://register.example/a", "a", "-1")),
        save(form("https://register.example/b", "b", "-1"))
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [303, 409]);

    // Plain http only when the parsed host is this machine, never with a user name in the address.
    let v = version().await.to_string();
    for bad in
        ["http://127.0.0.1@evil.example/token", "http://localhost.evil.example/api", "http://localhost:80@10.0.0.1/"]
    {
        let r = save(form(bad, "x", &v)).await;
        assert_eq!(r.status(), 422, "{bad}");
        let html = r.text().await.unwrap();
        assert!(html.contains("http mag alleen naar deze machine zelf"), "{bad}");
        assert!(html.contains(&bad.replace('&', "&amp;")), "the input is kept: {bad}");
    }
    assert_eq!(save(form("http://127.0.0.1:8181/api", "lokaal", &v)).await.status(), 303);
}

#[tokio::test]
async fn upload_to_the_register_follows_its_published_contract() {
    let window = Duration::from_secs(2);
    let app = demo_app(WebConfig { register_rate_window: window, ..Default::default() }).await;
    let standin = StandIn::start("gm9999", window).await;
    let c = as_demo(&app, "ciso").await;
    // Settings are checked: no plain http to another machine.
    let r = app
        .post(
            &c,
            "/publicatie/koppeling",
            &[
                ("api_url", "http://register.example/api"),
                ("token_url", ""),
                ("client_id", ""),
                ("username", ""),
                ("register_org_id", "GM 1"),
                ("version", "-1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Adres van de aanleverapi") && html.contains("organisatiecode"), "{html}");
    connect(&app, &c, &standin).await;

    let (woz, gemini): (Uuid, Uuid) = sqlx::query_as(
        "select (select application_id from application where name = 'Waarderen WOZ-objecten'),
                (select application_id from application where name = 'Gemini (gratis)')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // Without the password: asked for, nothing sent.
    let r = app.post(&c, &format!("/register/{woz}/publicatie/versturen"), &[]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Vul het wachtwoord van het API-account"));
    // A wrong password: the register's answer, in Dutch.
    let r = app.post(&c, &format!("/register/{woz}/publicatie/versturen"), &[("password", "fout")]).await;
    assert!(
        r.text().await.unwrap().contains("Inloggen bij het Algoritmeregister lukte niet: Invalid user credentials")
    );
    // Create.
    let r = app.post(&c, &format!("/register/{woz}/publicatie/versturen"), &[("password", standin::PASSWORD)]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let lars: String = sqlx::query_scalar("select lars from application where application_id = $1")
        .bind(woz)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let tab = app.get(&c, &format!("/register/{woz}/publicatie")).await.text().await.unwrap();
    assert!(tab.contains(&lars) && tab.contains("Aangemaakt in het register"), "{tab}");
    // Update and release (the token is kept; no password needed now).
    sqlx::query("update application set risks = '<p>Nieuwe risico-omschrijving.</p>' where application_id = $1")
        .bind(woz)
        .execute(&app.pool)
        .await
        .unwrap();
    let tab = app.get(&c, &format!("/register/{woz}/publicatie")).await.text().await.unwrap();
    assert!(tab.contains("Gewijzigd sinds het laatste versturen"));
    let r = app.post(&c, &format!("/register/{woz}/publicatie/versturen"), &[("vrijgeven", "ja")]).await;
    assert_eq!(r.status(), 303);
    {
        let reg = standin.register.lock().unwrap();
        let a = reg.algorithms.iter().find(|a| a.lars == lars).unwrap();
        assert_eq!((a.versions, a.state.as_str()), (2, "STATE_2"));
        assert_eq!(a.body["source_id"], json!(woz.to_string()));
        assert!(reg.log.iter().any(|(m, p)| m == "PUT" && p.ends_with(&format!("/{lars}/release"))));
    }
    // A 422 from the register is shown per field and stored.
    sqlx::query("update application set website = 'https://kapot.example/pagina' where application_id = $1")
        .bind(gemini)
        .execute(&app.pool)
        .await
        .unwrap();
    let r = app.post(&c, &format!("/register/{gemini}/publicatie/versturen"), &[]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Link naar publiekspagina: BROKEN_LINKS: de link werkt niet"), "{html}");
    let state: String = sqlx::query_scalar("select state from register_sync where application_id = $1")
        .bind(gemini)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(state, "fout");
    // A registration that is not approved is never sent.
    let chatbot: Uuid = sqlx::query_scalar(
        "select application_id from application where name = 'Chatbot Gemeentelijke Dienstverlening'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let r = app.post(&c, &format!("/register/{chatbot}/publicatie/versturen"), &[]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("nog niet goedgekeurd"));

    // Reconciliation by source_id: an entry made earlier in the register's web form, and a foreign one.
    let github: Uuid = sqlx::query_scalar("select application_id from application where name = 'GitHub Copilot'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let earlier = standin.preload("GitHub Copilot", Some(&github.to_string()), true);
    standin.preload("Parkeerhandhaving scanauto", None, true);
    // Many calls in a row stay within 25 per window: the client waits, the register never says 429.
    let started = std::time::Instant::now();
    for _ in 0..30 {
        let r = app.post(&c, "/publicatie/afstemmen", &[]).await;
        assert_eq!(r.status(), 200);
    }
    let html = app.post(&c, "/publicatie/afstemmen", &[]).await.text().await.unwrap();
    assert!(html.contains("Parkeerhandhaving scanauto") && html.contains("niet bij ons"), "{html}");
    let stored: Option<String> = sqlx::query_scalar("select lars from application where application_id = $1")
        .bind(github)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some(earlier.as_str()));
    let reg = standin.register.lock().unwrap();
    assert_eq!(reg.rate_limited, 0, "the client kept to the limit");
    assert!(reg.log.len() > 25 && started.elapsed() >= window, "{} calls in {:?}", reg.log.len(), started.elapsed());
    assert_eq!(reg.violations, Vec::<String>::new(), "every request followed the OpenAPI contract");
}
