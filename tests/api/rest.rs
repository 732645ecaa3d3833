//! The REST API under /api/v1: personal tokens (web and command line), the same search and guards as the web,
//! creating drafts, the workflow status, exports, problem+json errors, and the OpenAPI document, against which
//! real answers are validated with an independent JSON Schema library.

use std::collections::BTreeSet;

use airegister::auth::roles::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, location};
use crate::register::complete;

const DEMO_PW: &str = "demo-wachtwoord-2026";

/// A token made the way the web and the command line make them.
pub async fn token(app: &TestApp, user: Uuid, org: Uuid, write: bool) -> String {
    airegister::api::tokens::issue(&app.pool, user, org, "test", write, 30).await.unwrap()
}

pub async fn api_get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new().get(app.url(&format!("/api/v1{path}"))).bearer_auth(token).send().await.unwrap()
}

async fn api_post(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    reqwest::Client::new().post(app.url("/api/v1/applications")).bearer_auth(token).json(body).send().await.unwrap()
}

/// The body of a problem+json answer with the expected status.
async fn problem(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.expect("problem+json is JSON");
    assert_eq!(p["status"], status);
    assert!(p["title"].is_string() && p["detail"].as_str().is_some_and(|d| !d.is_empty()), "{p}");
    p
}

fn error_fields(p: &Value) -> BTreeSet<String> {
    p["errors"].as_array().into_iter().flatten().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

async fn user_id(app: &TestApp, email: &str) -> Uuid {
    sqlx::query_scalar("select user_id from app_user where email = $1").bind(email).fetch_one(&app.pool).await.unwrap()
}

/// The registrations listed on a register page, in order.
pub fn listed_ids(html: &str) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for part in html.split("href=\"/register/").skip(1) {
        if let Some(id) = part.get(..36).and_then(|s| Uuid::parse_str(s).ok())
            && part[36..].starts_with('"')
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// The OpenAPI document and a validator for one of its component schemas (its `$ref`s resolved in it).
fn schema_validator(doc: &Value, component: &str) -> jsonschema::Validator {
    const BASE: &str = "https://airegister.test/api/v1/openapi.json";
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_resource(BASE, jsonschema::Resource::from_contents(doc.clone()))
        .build(&json!({ "$ref": format!("{BASE}#/components/schemas/{component}") }))
        .unwrap_or_else(|e| panic!("schema {component}: {e}"))
}

pub fn assert_valid(doc: &Value, component: &str, body: &Value) {
    let v = schema_validator(doc, component);
    let errors: Vec<String> = v.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{component}: {errors:#?}\n{body:#}");
}

pub async fn openapi(app: &TestApp) -> Value {
    let r = reqwest::Client::new().get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    serde_json::from_str(&r.text().await.unwrap()).expect("the OpenAPI document is JSON")
}

struct Org {
    app: TestApp,
    org: Uuid,
    mw: Uuid,
    pl: Uuid,
    ciso: Uuid,
}

async fn org() -> Org {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let mw = app.user("mw@testdam.example", org, &[Role::Medewerker]).await;
    let pl = app.user("pl@testdam.example", org, &[Role::Medewerker, Role::Projectleider]).await;
    let ciso = app.user("ciso@testdam.example", org, &[Role::Medewerker, Role::Ciso]).await;
    Org { app, org, mw, pl, ciso }
}

#[tokio::test]
async fn a_token_made_under_mijn_account_is_shown_once_stored_hashed_and_can_be_revoked() {
    let o = org().await;
    let app = &o.app;
    let c = app.logged_in("pl@testdam.example").await;
    let page = app.get(&c, "/account/api-tokens").await.text().await.unwrap();
    assert!(page.contains("U heeft nog geen tokens."));

    let r = app.post(&c, "/account/api-tokens", &[("name", ""), ("validity", "7")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Kies hoe lang het token geldig is."));
    assert_eq!(app.count("select count(*) from api_token where user_id = $1", o.pl).await, 0);

    let r = app
        .post(&c, "/account/api-tokens", &[("name", "Koppeling zaaksysteem"), ("validity", "90"), ("can_write", "ja")])
        .await;
    assert_eq!(r.status(), 422, "a token outlives the session: only with the password");
    assert!(r.text().await.unwrap().contains("Vul uw wachtwoord in."));
    assert_eq!(app.count("select count(*) from api_token where user_id = $1", o.pl).await, 0);
    let r = app
        .post(
            &c,
            "/account/api-tokens",
            &[("name", "Koppeling zaaksysteem"), ("validity", "90"), ("can_write", "ja"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let marker = "id=\"nieuw-token\" type=\"text\" readonly value=\"";
    let start = html.find(marker).expect("the new token is shown") + marker.len();
    let secret = html[start..start + html[start..].find('"').unwrap()].to_string();
    assert!(secret.starts_with("air_") && secret.len() >= 40, "{secret}");
    assert!(html.contains("u ziet het maar één keer"));

    // Only its SHA-256 is stored; the token itself is nowhere in the table.
    let (hash, prefix, days): (Vec<u8>, String, f64) = sqlx::query_as(
        "select token_hash, prefix, (extract(epoch from expires_at - created_at) / 86400)::float8 from api_token
          where user_id = $1",
    )
    .bind(o.pl)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    use sha2::Digest;
    assert_eq!(hash, sha2::Sha256::digest(secret.as_bytes()).to_vec());
    assert!(secret.starts_with(&prefix) && prefix.len() < 16, "{prefix}");
    assert!((days - 90.0).abs() < 0.01, "{days}");
    let plain: i64 = sqlx::query_scalar("select count(*) from api_token t where strpos(t::text, $1) > 0")
        .bind(&secret)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(plain, 0);

    // The list shows it by its prefix, never whole again.
    let page = app.get(&c, "/account/api-tokens").await.text().await.unwrap();
    assert!(page.contains("Koppeling zaaksysteem") && page.contains(&format!("{prefix}…")));
    assert!(page.contains("Lezen en concepten aanmaken") && page.contains("Actief") && page.contains("nog niet"));
    assert!(!page.contains(&secret));

    let r = api_get(app, &secret, "/me").await;
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["email"], "pl@testdam.example");
    assert_eq!(me["can_write"], true);
    assert_eq!(me["organisation"]["code"], "gm0101");
    assert_eq!(me["roles"], json!(["medewerker", "projectleider"]));
    assert!(app.get(&c, "/account/api-tokens").await.text().await.unwrap().contains("Actief"));
    let used: Option<time::OffsetDateTime> =
        sqlx::query_scalar("select last_used_at from api_token where user_id = $1")
            .bind(o.pl)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(used.is_some(), "last use is recorded");

    // Revoked: the token stops working at once.
    let id: Uuid = sqlx::query_scalar("select api_token_id from api_token where user_id = $1")
        .bind(o.pl)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let other = app.logged_in("mw@testdam.example").await;
    let r = app.post(&other, &format!("/account/api-tokens/{id}/intrekken"), &[]).await;
    assert_eq!(r.status(), 404, "someone else's token cannot be revoked");
    assert_eq!(api_get(app, &secret, "/me").await.status(), 200);
    let r = app.post(&c, &format!("/account/api-tokens/{id}/intrekken"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account/api-tokens");
    let page = app.get(&c, "/account/api-tokens").await.text().await.unwrap();
    assert!(
        page.contains("Het token &#34;Koppeling zaaksysteem&#34; is ingetrokken; het werkt niet meer.")
            && page.contains("Ingetrokken")
    );
    let p = problem(api_get(app, &secret, "/me").await, 401).await;
    assert!(p["detail"].as_str().unwrap().contains("ingetrokken"));

    // No token, a malformed header, an unknown token: 401.
    let r = reqwest::Client::new().get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"AI-register\"");
    problem(r, 401).await;
    let r =
        reqwest::Client::new().get(app.url("/api/v1/me")).header("authorization", "Basic YTpi").send().await.unwrap();
    problem(r, 401).await;
    problem(api_get(app, &format!("air_{}", "0".repeat(64)), "/me").await, 401).await;
    // A session cookie is no way into the API.
    let r = c.get(app.url("/api/v1/me")).send().await.unwrap();
    problem(r, 401).await;

    // At most ten active tokens.
    for _ in 0..10 {
        token(app, o.pl, o.org, false).await;
    }
    let r = app.post(&c, "/account/api-tokens", &[("name", "Nog een"), ("validity", "30")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("U heeft al 10 actieve tokens. Trek er eerst een in."));
}

#[tokio::test]
async fn expired_tokens_deactivated_users_and_lost_roles_are_refused() {
    let o = org().await;
    let app = &o.app;
    app.user("beheer@testdam.example", o.org, &[Role::Beheerder]).await;
    let expiring = token(app, o.mw, o.org, false).await;
    let ciso = token(app, o.ciso, o.org, false).await;
    let pl = token(app, o.pl, o.org, false).await;
    for t in [&expiring, &ciso, &pl] {
        assert_eq!(api_get(app, t, "/me").await.status(), 200);
    }

    // Expired.
    sqlx::query(
        "update api_token set created_at = now() - interval '31 days', expires_at = now() - interval '1 second'
          where user_id = $1",
    )
    .bind(o.mw)
    .execute(&app.pool)
    .await
    .unwrap();
    problem(api_get(app, &expiring, "/me").await, 401).await;
    let c = app.logged_in("mw@testdam.example").await;
    assert!(app.get(&c, "/account/api-tokens").await.text().await.unwrap().contains("Verlopen"));

    // A role taken away is gone from the token at once: the CISO may export, without the role not.
    assert_eq!(api_get(app, &ciso, "/export?format=csv").await.status(), 200);
    sqlx::query("delete from membership where user_id = $1 and role = 'ciso'")
        .bind(o.ciso)
        .execute(&app.pool)
        .await
        .unwrap();
    problem(api_get(app, &ciso, "/export?format=csv").await, 403).await;
    assert_eq!(api_get(app, &ciso, "/me").await.json::<Value>().await.unwrap()["roles"], json!(["medewerker"]));
    // No role at all in the organisation: 403.
    sqlx::query("delete from membership where user_id = $1").bind(o.ciso).execute(&app.pool).await.unwrap();
    let p = problem(api_get(app, &ciso, "/me").await, 403).await;
    assert!(p["detail"].as_str().unwrap().contains("geen lid meer"));
    problem(api_get(app, &ciso, "/applications").await, 403).await;

    // Deactivated by the administrator: 401.
    let admin = app.logged_in("beheer@testdam.example").await;
    let r = app.post(&admin, &format!("/beheer/gebruikers/{}/deactiveren", o.pl), &[]).await;
    assert_eq!(r.status(), 303);
    problem(api_get(app, &pl, "/me").await, 401).await;
    problem(api_get(app, &pl, "/applications").await, 401).await;
    // Reactivated: the account is back, its old tokens are not (deactivation revoked them).
    let r = app.post(&admin, &format!("/beheer/gebruikers/{}/heractiveren", o.pl), &[]).await;
    assert_eq!(r.status(), 303);
    problem(api_get(app, &pl, "/me").await, 401).await;
    let revoked: i64 =
        sqlx::query_scalar("select count(*) from api_token where user_id = $1 and revoked_at is not null")
            .bind(o.pl)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(revoked >= 1);
}

#[tokio::test]
async fn the_command_line_makes_a_token() {
    let o = org().await;
    let app = &o.app;
    let run = |args: &[&str], url: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
            .args(args)
            .env("DATABASE_URL", url)
            .output()
            .unwrap()
    };
    let url = app.database_url().await;
    let out = run(&["api-token", "add", "--email", "PL@testdam.example", "--name", "Zaaksysteem", "--write"], &url);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let secret = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(secret.starts_with("air_"), "{secret}");
    let me: Value = api_get(app, &secret, "/me").await.json().await.unwrap();
    assert_eq!(me["user_id"], o.pl.to_string());
    assert_eq!(me["can_write"], true);
    let (name, days): (String, f64) = sqlx::query_as(
        "select name, (extract(epoch from expires_at - created_at) / 86400)::float8 from api_token where user_id = $1",
    )
    .bind(o.pl)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(name, "Zaaksysteem");
    assert!((days - 90.0).abs() < 0.01, "90 days by default, got {days}");

    // Read only unless --write.
    let out = run(&["api-token", "add", "--email", "mw@testdam.example", "--name", "Lezen", "--days", "7"], &url);
    assert!(out.status.success());
    let read_only = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(api_get(app, &read_only, "/me").await.json::<Value>().await.unwrap()["can_write"], false);

    // Mistakes are named, and nothing is made.
    let out = run(&["api-token", "add", "--email", "niemand@testdam.example", "--name", "X"], &url);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("geen actief account met e-mailadres niemand@testdam.example")
    );
    let out = run(&["api-token", "add", "--email", "mw@testdam.example", "--name", "X", "--days", "400"], &url);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--days moet tussen 1 en 365 liggen"));
    let tokens: i64 = sqlx::query_scalar("select count(*) from api_token").fetch_one(&app.pool).await.unwrap();
    assert_eq!(tokens, 2);
}

#[tokio::test]
async fn the_list_gives_the_same_registrations_as_the_register_page() {
    let app = TestApp::spawn().await;
    let demo = airegister::demo::load(&app.pool, DEMO_PW).await.unwrap();
    let ciso = user_id(&app, "ciso@demo.example").await;
    let t = token(&app, ciso, demo.organisation_id, false).await;
    let c = app.client();
    assert_eq!(app.login(&c, "ciso@demo.example", DEMO_PW).await.status(), 303);
    let doc = openapi(&app).await;
    let department: String =
        sqlx::query_scalar("select department from application where department is not null limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let this_month = {
        let d = airegister::web::today();
        format!("{:04}-{:02}", d.year(), u8::from(d.month()))
    };
    let queries: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("q", "chatbot")],
        vec![("q", "vertaal")],
        vec![("q", "tekst"), ("status", "in_gebruik")],
        vec![("status", "in_gebruik")],
        vec![("status", "concept")],
        vec![("risico", "hoog")],
        vec![("risico", "onbekend")],
        vec![("ai_act", "onbekend")],
        vec![("ai_act", "hoog-risico AI")],
        vec![("afdeling", department.as_str())],
        vec![("gebruik", "interne_productiviteit")],
        vec![("persoonsgegevens", "ja")],
        vec![("persoonsgegevens", "nee")],
        vec![("evaluatie", "verlopen")],
        vec![("evaluatie", "binnenkort")],
        vec![("evaluatie", "later")],
        vec![("evaluatie", "geen")],
        vec![("toets", "dpia_ontbreekt")],
        vec![("toets", "dpia_gedaan")],
        vec![("toets", "iama_ontbreekt")],
        vec![("incident", "open")],
        vec![("incident", "middel")],
        vec![("maand", this_month.as_str())],
        vec![("sorteer", "naam")],
        vec![("sorteer", "risico"), ("persoonsgegevens", "ja")],
        vec![("sorteer", "evaluatie")],
        vec![("pagina", "2")],
    ];
    let mut sizes = BTreeSet::new();
    for q in &queries {
        let qs: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(q.iter()).finish();
        let r = api_get(&app, &t, &format!("/applications?{qs}")).await;
        assert_eq!(r.status(), 200, "{qs}");
        let body: Value = r.json().await.unwrap();
        assert_valid(&doc, "ApplicationList", &body);
        let api_ids: Vec<Uuid> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| Uuid::parse_str(i["id"].as_str().unwrap()).unwrap())
            .collect();
        let html = app.get(&c, &format!("/register?{qs}")).await.text().await.unwrap();
        assert_eq!(api_ids, listed_ids(&html), "API and web differ for ?{qs}");
        let total = body["total"].as_i64().unwrap();
        let shown =
            if total == 1 { "1 toepassing gevonden".to_string() } else { format!("{total} toepassingen gevonden") };
        assert!(html.contains(&shown), "?{qs}: {shown}");
        sizes.insert(total);
    }
    assert!(sizes.len() >= 5, "the filters select different sets: {sizes:?}");
    assert!(sizes.contains(&16), "everything unfiltered");
}

#[tokio::test]
async fn wrong_list_parameters_and_ids_are_answered_as_problems() {
    let o = org().await;
    let app = &o.app;
    let t = token(app, o.mw, o.org, false).await;
    for (qs, field) in [
        ("status=onzin", "status"),
        ("risico=", "risico"),
        ("ai_act=hoog", "ai_act"),
        ("evaluatie=morgen", "evaluatie"),
        ("toets=dpia", "toets"),
        ("incident=ernstig", "incident"),
        ("maand=2026-13", "maand"),
        ("maand=november", "maand"),
        ("sorteer=prijs", "sorteer"),
        ("pagina=0", "pagina"),
        ("persoonsgegevens=misschien", "persoonsgegevens"),
    ] {
        let p = problem(api_get(app, &t, &format!("/applications?{qs}")).await, 400).await;
        assert_eq!(error_fields(&p), BTreeSet::from([field.to_string()]), "{qs}: {p}");
    }
    let p = problem(api_get(app, &t, "/applications?status=onzin&risico=heel").await, 400).await;
    assert_eq!(error_fields(&p), BTreeSet::from(["status".to_string(), "risico".to_string()]));
    assert!(p["errors"].to_string().contains("toegestaan: laag, middel, hoog, onbekend"), "the values are named: {p}");
    // Parameters that do not exist, or are not a number.
    let p = problem(api_get(app, &t, "/applications?kleur=rood").await, 400).await;
    assert!(p["detail"].as_str().unwrap().contains("kleur"), "{p}");
    problem(api_get(app, &t, "/applications?pagina=twee").await, 400).await;

    // Another organisation's registration does not exist for this token; nor does a malformed id.
    let other_org = app.org("Gemeente Anderdam", "gm0202").await;
    let other = app.user("mw@anderdam.example", other_org, &[Role::Medewerker, Role::Projectleider]).await;
    let other_token = token(app, other, other_org, true).await;
    let r =
        api_post(app, &other_token, &json!({ "fields": { "name": "Geheim", "description_short": "Van Anderdam." } }))
            .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(api_get(app, &other_token, &format!("/applications/{id}")).await.status(), 200);
    for path in [
        format!("/applications/{id}"),
        format!("/applications/{id}/workflow"),
        format!("/applications/{id}/export"),
        "/applications/niet-een-id".to_string(),
        "/applications/niet-een-id/workflow".to_string(),
        format!("/applications/{}", Uuid::new_v4()),
        "/bestaat-niet".to_string(),
    ] {
        let p = problem(api_get(app, &t, &path).await, 404).await;
        assert_eq!(p["title"], "Niet gevonden", "{path}");
    }
    let listed: Value = api_get(app, &t, "/applications").await.json().await.unwrap();
    assert_eq!(listed["total"], 0, "nothing of the other organisation in the list");
    // A wrong method is a problem too, not an English text.
    let r = reqwest::Client::new().delete(app.url("/api/v1/applications")).bearer_auth(&t).send().await.unwrap();
    problem(r, 405).await;
}

#[tokio::test]
async fn creating_a_draft_checks_it_like_the_form_and_records_it() {
    let o = org().await;
    let app = &o.app;
    let doc = openapi(app).await;
    let write = token(app, o.pl, o.org, true).await;
    let read_only = token(app, o.pl, o.org, false).await;
    let body = json!({
        "fields": {
            "name": "Vertaalhulp Burgerzaken",
            "description_short": "Vertaalt brieven naar eenvoudige taal.",
            "begin_date": "2025-03",
            "generative": true,
            "provider": null,
            "department": "Burgerzaken"
        },
        "rasci": [ { "letter": "A", "user_id": o.pl }, { "letter": "R", "function": "Teamleider Burgerzaken" } ]
    });
    let apps = || app.count("select count(*) from application where organisation_id = $1", o.org);

    // A read-only token cannot write.
    let p = problem(api_post(app, &read_only, &body).await, 403).await;
    assert!(p["detail"].as_str().unwrap().contains("alleen lezen"));
    assert_eq!(apps().await, 0);

    let r = api_post(app, &write, &body).await;
    assert_eq!(r.status(), 201);
    let loc = location(&r);
    let mut created: Value = r.json().await.unwrap();
    assert_valid(&doc, "ApplicationCreated", &created);
    assert_eq!(created["similar"], json!([]), "nothing like it yet");
    created.as_object_mut().unwrap().remove("similar");
    let id = Uuid::parse_str(created["id"].as_str().unwrap()).unwrap();
    assert_eq!(loc, format!("/api/v1/applications/{id}"));
    assert_eq!(created["workflow_status"], "concept");
    assert_eq!(created["fields"]["name"], "Vertaalhulp Burgerzaken");
    assert_eq!(created["fields"]["begin_date"], "2025-03");
    assert_eq!(created["fields"]["generative"], true);
    assert_eq!(created["fields"]["owner_id"], o.pl.to_string(), "the token's user owns it");
    let (status, owner, created_by): (String, Uuid, Uuid) =
        sqlx::query_as("select workflow_status, owner_id, created_by from application where application_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), owner, created_by), ("concept", o.pl, o.pl));
    let rasci: i64 = app.count("select count(*) from rasci_assignment where application_id = $1", id).await;
    assert_eq!(rasci, 2);
    let (action, origin, actor): (String, String, Uuid) = sqlx::query_as(
        "select action, origin, actor_id from audit_event where object_id = $1 order by audit_id limit 1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(action, "application.created");
    assert!(origin.starts_with("api "), "{origin}");
    assert_eq!(actor, o.pl);
    // It reads back the same, and the web shows it.
    let read: Value = api_get(app, &write, &loc.replace("/api/v1", "")).await.json().await.unwrap();
    assert_valid(&doc, "Application", &read);
    assert_eq!(read, created);
    let c = app.logged_in("pl@testdam.example").await;
    let detail = app.get(&c, &format!("/register/{id}")).await.text().await.unwrap();
    assert!(detail.contains("Vertaalhulp Burgerzaken") && detail.contains("Concept"));

    // Invalid input: 422 per field, nothing written.
    let long = "n".repeat(101);
    let cases = [
        (
            json!({ "fields": { "name": "X", "description_short": "Y", "begin_date": "2025-13" } }),
            vec!["begin_date"],
            "jjjj-mm",
        ),
        (json!({ "fields": { "description_short": "Zonder naam" } }), vec!["name"], "ook een concept heeft die nodig"),
        (json!({ "fields": { "name": long, "description_short": "Y" } }), vec!["name"], "hoogstens 100 tekens"),
        (
            json!({ "fields": { "name": "X", "description_short": "Y", "kleur": "rood" } }),
            vec!["kleur"],
            "Onbekend veld",
        ),
        (json!({ "fields": { "name": "X", "description_short": "Y" }, "extra": 1 }), vec!["extra"], "Onbekend veld"),
        (
            json!({ "fields": { "name": "X", "description_short": "Y", "generative": "ja" } }),
            vec!["generative"],
            "true of false",
        ),
        (
            // A wrong type does not hide the other fields' problems.
            json!({ "fields": { "description_short": "Y", "generative": "ja", "status": "Misschien" } }),
            vec!["generative", "name", "status"],
            "true of false",
        ),
        (
            json!({ "fields": { "name": "X", "description_short": "Y", "website": "http://x.example" } }),
            vec!["website"],
            "https://",
        ),
        (
            json!({ "fields": { "name": "X", "description_short": "Y", "owner_id": Uuid::new_v4() } }),
            vec!["owner_id"],
            "medewerker",
        ),
        (
            json!({ "fields": { "name": "X", "description_short": "Y" }, "rasci": [ { "letter": "A", "user_id": o.pl }, { "letter": "A", "user_id": o.mw } ] }),
            vec!["rasci"],
            "precies één Accountable",
        ),
        (
            json!({ "fields": { "name": "X", "description_short": "Y", "status": "Misschien" } }),
            vec!["status"],
            "mogelijke waarden. Toegestaan: In ontwikkeling, In gebruik, Buiten gebruik.",
        ),
    ];
    for (bad, fields, message) in cases {
        let p = problem(api_post(app, &write, &bad).await, 422).await;
        assert_valid(&doc, "Problem", &p);
        let expected: BTreeSet<String> = fields.iter().map(|f| f.to_string()).collect();
        assert_eq!(error_fields(&p), expected, "{bad}: {p}");
        assert!(p["errors"].to_string().contains(message), "{bad}: expected '{message}' in {p}");
    }
    // Not JSON at all, or not an object.
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/applications"))
        .bearer_auth(&write)
        .header("content-type", "application/json")
        .body("{\"fields\": {")
        .send()
        .await
        .unwrap();
    problem(r, 400).await;
    problem(api_post(app, &write, &json!(["Vertaalhulp"])).await, 422).await;
    let huge = json!({ "fields": { "name": "X", "description_short": "x".repeat(3 * 1024 * 1024) } });
    problem(api_post(app, &write, &huge).await, 413).await;
    assert_eq!(apps().await, 1, "nothing written by the refused requests");

    // A medewerker's token may register a draft, as the web form allows.
    let mw = token(app, o.mw, o.org, true).await;
    let r =
        api_post(app, &mw, &json!({ "fields": { "name": "Notulist", "description_short": "Maakt notulen." } })).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<Value>().await.unwrap()["fields"]["owner_id"], o.mw.to_string());
    assert_eq!(apps().await, 2);

    // A second registration of much the same tool is made (as the form allows), and the answer names the first
    // one, as the form's duplicate check shows it.
    let r = api_post(app, &mw, &json!({ "fields": { "name": "Vertaalhulp", "description_short": "Nog een." } })).await;
    assert_eq!(r.status(), 201);
    let again: Value = r.json().await.unwrap();
    assert_valid(&doc, "ApplicationCreated", &again);
    assert_eq!(again["similar"].as_array().unwrap().len(), 1, "{again}");
    assert_eq!(again["similar"][0]["id"], id.to_string());
    assert_eq!(again["similar"][0]["name"], "Vertaalhulp Burgerzaken");
    assert_eq!(again["similar"][0]["workflow_status"], "concept");
    assert_eq!(apps().await, 3);
}

#[tokio::test]
async fn the_workflow_status_follows_the_web() {
    let o = org().await;
    let app = &o.app;
    let doc = openapi(app).await;
    let t = token(app, o.pl, o.org, true).await;
    let r = api_post(app, &t, &json!({ "fields": { "name": "Notion AI", "description_short": "Samenvatten." } })).await;
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();

    let w: Value = api_get(app, &t, &format!("/applications/{id}/workflow")).await.json().await.unwrap();
    assert_valid(&doc, "Workflow", &w);
    assert_eq!(w["workflow_status"], "concept");
    assert_eq!(w["submitted_at"], Value::Null);
    let open: Vec<&Value> =
        w["gates"]["submission"].as_array().unwrap().iter().filter(|g| g["satisfied"] == false).collect();
    assert!(!open.is_empty(), "a bare draft misses things: {w:#}");
    assert!(open.iter().all(|g| g["missing"].as_str().is_some_and(|m| !m.is_empty())));

    // Completed and submitted in the web.
    let c = app.logged_in("pl@testdam.example").await;
    let pl = o.pl.to_string();
    let fields = complete("Notion AI", &pl, &[("version", "0"), ("actie", "indienen")]);
    let r = app.post(&c, &format!("/register/{id}"), &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());

    let w: Value = api_get(app, &t, &format!("/applications/{id}/workflow")).await.json().await.unwrap();
    assert_valid(&doc, "Workflow", &w);
    assert_eq!(w["workflow_status"], "ingediend");
    assert_eq!(w["workflow_status_label"], "Ingediend");
    assert!(w["submitted_at"].is_string());
    assert!(w["gates"]["submission"].as_array().unwrap().iter().all(|g| g["satisfied"] == true), "{w:#}");
    assert_eq!(w["risk_level"], "middel");
    let a: Value = api_get(app, &t, &format!("/applications/{id}")).await.json().await.unwrap();
    assert_valid(&doc, "Application", &a);
    assert_eq!(a["workflow_status"], "ingediend");

    // The CISO sends it back with a question: the API shows the decision.
    let ciso = app.logged_in("ciso@testdam.example").await;
    let version: i32 = sqlx::query_scalar("select version from application where application_id = $1::uuid")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let r = app
        .post(
            &ciso,
            &format!("/register/{id}/besluit"),
            &[
                ("beslissing", "teruggestuurd"),
                ("toelichting", "Welke teksten gaan erin?"),
                ("version", &version.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let w: Value = api_get(app, &t, &format!("/applications/{id}/workflow")).await.json().await.unwrap();
    assert_valid(&doc, "Workflow", &w);
    assert_eq!(w["workflow_status"], "teruggestuurd");
    assert_eq!(w["decisions"][0]["value"], "teruggestuurd");
    assert_eq!(w["decisions"][0]["note"], "Welke teksten gaan erin?");
    assert_eq!(w["decisions"][0]["by"], "Naam ciso@testdam.example");
}

#[tokio::test]
async fn exports_follow_the_publication_rules() {
    let o = org().await;
    let app = &o.app;
    let ciso = token(app, o.ciso, o.org, false).await;
    let mw = token(app, o.mw, o.org, true).await;

    let r = api_get(app, &ciso, "/export?format=csv").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    let csv = r.text().await.unwrap();
    assert!(csv.lines().next().is_some_and(|header| header.contains("name")), "{csv}");
    let r = api_get(app, &ciso, "/export").await;
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.unwrap().is_array(), "algoritmeregister-json by default");
    problem(api_get(app, &ciso, "/export?format=pdf").await, 400).await;

    // A medewerker may not export the register: not in the web, not through the API.
    let web = app.logged_in("mw@testdam.example").await;
    assert_eq!(app.get(&web, "/publicatie/export/csv").await.status(), 403);
    problem(api_get(app, &mw, "/export?format=csv").await, 403).await;

    // One registration that is not approved: the register would refuse it.
    let r =
        api_post(app, &mw, &json!({ "fields": { "name": "Notulist", "description_short": "Maakt notulen." } })).await;
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let p = problem(api_get(app, &ciso, &format!("/applications/{id}/export")).await, 422).await;
    assert_eq!(p["title"], "Niet publiceerbaar");
    assert!(!p["errors"].as_array().unwrap().is_empty(), "{p}");
}

/// The routes `src/api/mod.rs` registers, with their methods (read from the router's source, so a route added
/// later is checked too).
fn served_routes() -> Vec<(String, Vec<&'static str>)> {
    include_str!("../../src/api/mod.rs")
        .lines()
        .filter_map(|l| l.trim().strip_prefix(".route(\""))
        .map(|rest| {
            let (path, handlers) = rest.split_once('"').unwrap();
            let methods = ["get", "post", "put", "patch", "delete"]
                .into_iter()
                .filter(|m| handlers.contains(&format!("{m}(")) || handlers.contains(&format!(".{m}(")))
                .collect();
            (path.to_string(), methods)
        })
        .collect()
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_real_answers_match_it() {
    let o = org().await;
    let app = &o.app;
    let doc = openapi(app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let paths = doc["paths"].as_object().unwrap();

    // Every route the router serves is described, with the same methods; the documentation itself aside.
    let served = served_routes();
    assert!(served.len() >= 8, "{served:?}");
    for (path, methods) in &served {
        if matches!(path.as_str(), "/openapi.json" | "/docs") {
            continue;
        }
        let ops = paths.get(path).unwrap_or_else(|| panic!("{path} is not in the OpenAPI document"));
        let documented: BTreeSet<&str> = ops.as_object().unwrap().keys().map(String::as_str).collect();
        let served: BTreeSet<&str> = methods.iter().copied().collect();
        assert_eq!(documented, served, "{path}");
    }
    // And everything described is served (not a 404 or 405).
    let t = token(app, o.ciso, o.org, true).await;
    let r =
        api_post(app, &t, &json!({ "fields": { "name": "Notulist", "description_short": "Maakt notulen." } })).await;
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    // A tool request too, for the paths of requests.
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/requests"))
        .bearer_auth(&t)
        .json(&json!({ "tool_name": "Notulist", "data_classes": ["dc_intern"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let request: Value = r.json().await.unwrap();
    assert_valid(&doc, "Request", &request);
    let request_id = request["id"].as_str().unwrap();
    // A supplier and a published policy version (number 1), for theirs.
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/suppliers"))
        .bearer_auth(&t)
        .json(&json!({ "name": "Notulist B.V." }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let supplier: Value = r.json().await.unwrap();
    let supplier_id = supplier["id"].as_str().unwrap();
    sqlx::query(
        "insert into policy_version (policy_version_id, organisation_id, number, title, body, status, published_on, published_at)
         values (gen_random_uuid(), $1, 1, 'AI-beleid', '<p>Tekst.</p>', 'gepubliceerd', current_date, now())",
    )
    .bind(o.org)
    .execute(&app.pool)
    .await
    .unwrap();
    // An evidence file of a measure and a processor agreement of the supplier, for their downloads.
    let document = Uuid::now_v7();
    sqlx::query(
        "insert into assessment_document (document_id, organisation_id, file_name, media_type, size_bytes, sha256, content)
         values ($1, $2, 'bewijs.pdf', 'application/pdf', 5, $3, $4)",
    )
    .bind(document)
    .bind(o.org)
    .bind(vec![0u8; 32])
    .bind(b"%PDF-".to_vec())
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into kader_measure (application_id, measure, status, evidence, version, document_id)
         values ($1, 'owp-06', 'gereed', 'Zie bijlage.', 1, $2)",
    )
    .bind(Uuid::parse_str(id).unwrap())
    .bind(document)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("update supplier set dpa_document_id = $1 where supplier_id = $2")
        .bind(document)
        .bind(Uuid::parse_str(supplier_id).unwrap())
        .execute(&app.pool)
        .await
        .unwrap();
    // A training, for its path (the CISO's token reads it; changing and removing it are the administrator's: 403).
    let training_id = Uuid::now_v7().to_string();
    sqlx::query(
        "insert into training (training_id, organisation_id, title, level) values ($1::uuid, $2, 'Basis', 'basis')",
    )
    .bind(&training_id)
    .bind(o.org)
    .execute(&app.pool)
    .await
    .unwrap();
    for (path, ops) in paths {
        assert!(served.iter().any(|(p, _)| p == path), "{path} is described but not routed");
        for method in ops.as_object().unwrap().keys() {
            let id = if path.starts_with("/requests") {
                request_id
            } else if path.starts_with("/suppliers") {
                supplier_id
            } else if path.starts_with("/literacy/trainings") {
                &training_id
            } else {
                id
            };
            let path = path
                .replace("{id}", id)
                .replace("{number}", "1")
                .replace("{requirement}", "aia-27")
                .replace("{measure}", "owp-06")
                .replace("{kind}", "verwerkersovereenkomst");
            let url = app.url(&format!("/api/v1{path}"));
            let r = match method.as_str() {
                "get" => reqwest::Client::new().get(&url).bearer_auth(&t).send().await.unwrap(),
                "post" => reqwest::Client::new().post(&url).bearer_auth(&t).body("{}").send().await.unwrap(),
                "put" => reqwest::Client::new().put(&url).bearer_auth(&t).body("{}").send().await.unwrap(),
                "delete" => reqwest::Client::new().delete(&url).bearer_auth(&t).send().await.unwrap(),
                m => panic!("unexpected method {m}"),
            };
            assert!(![404, 405].contains(&r.status().as_u16()), "{method} {path}: {}", r.status());
        }
    }

    // Every value the document offers for a parameter is accepted.
    for (path, op) in [("/applications", &paths["/applications"]["get"]), ("/export", &paths["/export"]["get"])] {
        for param in op["parameters"].as_array().unwrap() {
            let name = param["name"].as_str().unwrap();
            for value in param["schema"]["enum"].as_array().into_iter().flatten() {
                let qs: String =
                    form_urlencoded::Serializer::new(String::new()).append_pair(name, value.as_str().unwrap()).finish();
                let r = api_get(app, &t, &format!("{path}?{qs}")).await;
                assert_eq!(r.status(), 200, "{path}?{qs}");
            }
        }
    }

    // Real answers against the document's schemas.
    assert_valid(&doc, "ApplicationCreated", &created);
    let me: Value = api_get(app, &t, "/me").await.json().await.unwrap();
    assert_valid(&doc, "Me", &me);
    let list: Value = api_get(app, &t, "/applications").await.json().await.unwrap();
    assert_valid(&doc, "ApplicationList", &list);
    let read: Value = api_get(app, &t, &format!("/applications/{id}")).await.json().await.unwrap();
    assert_valid(&doc, "Application", &read);
    // A complete registration with every kind of field filled in, made in the web.
    let c = app.logged_in("ciso@testdam.example").await;
    let ciso = o.ciso.to_string();
    let mut fields = complete(
        "Chatbot Burgerzaken",
        &ciso,
        &[
            ("begin_date", "2024-03"),
            ("website", "https://chatbot.testdam.example"),
            ("lawful_basis_grouping_title", "Gemeentewet"),
            ("lawful_basis_grouping_link", "https://wetten.overheid.nl/BWBR0005416"),
            ("next_evaluation", "2027-05-01"),
        ],
    );
    fields.push(("rasci_R_function", "Teamleider Burgerzaken"));
    let r = app.post(&c, "/register", &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let web_id = location(&r).trim_start_matches("/register/").to_string();
    let full: Value = api_get(app, &t, &format!("/applications/{web_id}")).await.json().await.unwrap();
    assert_valid(&doc, "Application", &full);
    assert_eq!(full["fields"]["lawful_basis_grouping"][0]["title"], "Gemeentewet");
    let workflow: Value = api_get(app, &t, &format!("/applications/{web_id}/workflow")).await.json().await.unwrap();
    assert_valid(&doc, "Workflow", &workflow);
    let requests: Value = api_get(app, &t, "/requests").await.json().await.unwrap();
    assert_valid(&doc, "RequestList", &requests);
    let p: Value = api_get(app, &t, "/applications/kapot").await.json().await.unwrap();
    assert_valid(&doc, "Problem", &p);
    // The schema is not a formality: a wrong answer fails it.
    let mut wrong = read.clone();
    wrong["workflow_status"] = json!("bijna klaar");
    assert!(!schema_validator(&doc, "Application").is_valid(&wrong));
    let mut wrong = read.clone();
    wrong["fields"]["onbekend"] = json!(1);
    assert!(!schema_validator(&doc, "Application").is_valid(&wrong));
    // What the API accepts, the input schema accepts.
    let input = json!({ "fields": { "name": "Notulist", "description_short": "Maakt notulen." } });
    assert_valid(&doc, "ApplicationIn", &input);

    // No token needed for the document and the readable page.
    let page = reqwest::Client::new().get(app.url("/api/v1/docs")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("/api/v1/applications/{id}/workflow") && html.contains("lang=\"nl\""));
}

#[tokio::test]
async fn a_password_change_or_an_administrator_stops_the_tokens() {
    let o = org().await;
    let app = &o.app;
    app.user("beheer@testdam.example", o.org, &[Role::Medewerker, Role::Beheerder]).await;
    let a = token(app, o.pl, o.org, false).await;
    let b = token(app, o.pl, o.org, true).await;
    assert_eq!(api_get(app, &a, "/me").await.status(), 200);

    // The administrator sees how many work and stops them; a medewerker may not.
    let mw = app.logged_in("mw@testdam.example").await;
    let r = app.post(&mw, &format!("/beheer/gebruikers/{}/api-tokens-intrekken", o.pl), &[]).await;
    assert_eq!(r.status(), 403);
    let beheer = app.logged_in("beheer@testdam.example").await;
    let page = app.get(&beheer, &format!("/beheer/gebruikers/{}", o.pl)).await.text().await.unwrap();
    assert!(page.contains("Actieve API-tokens") && page.contains("API-tokens intrekken"));
    let r = app.post(&beheer, &format!("/beheer/gebruikers/{}/api-tokens-intrekken", o.pl), &[]).await;
    assert_eq!(r.status(), 303);
    problem(api_get(app, &a, "/me").await, 401).await;
    problem(api_get(app, &b, "/me").await, 401).await;
    assert!(
        app.get(&beheer, &format!("/beheer/gebruikers/{}", o.pl))
            .await
            .text()
            .await
            .unwrap()
            .contains("De 2 API-tokens van")
    );

    // A password change stops the tokens as well (whoever knew the old password may have made one).
    let c = app.logged_in("pl@testdam.example").await;
    let t = token(app, o.pl, o.org, false).await;
    let new = "een heel ander wachtwoord 42";
    let r = app
        .post(&c, "/account/wachtwoord", &[("current_password", PASSWORD), ("password", new), ("password_repeat", new)])
        .await;
    assert_eq!(r.status(), 303);
    problem(api_get(app, &t, "/me").await, 401).await;
    assert!(app.get(&c, "/account").await.text().await.unwrap().contains("uw API-tokens zijn ingetrokken"));
}
