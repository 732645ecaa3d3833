//! Policy and literacy where they show (issue 22, item 4, and the department of a person): the administrator
//! and SCIM set a person's department; the dashboard counts the policy's acknowledgements and the required
//! trainings per department and per role, each figure a link to its people; a registration lists the training
//! its tool requires and how many of its users have it; the automatic policy reminder runs twice without
//! sending twice; the REST API acknowledges the version in force.

use airegister::audit::Actor;
use airegister::auth::roles::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, location, page};
use crate::rest::token;

const ADMIN: &str = "beheer@afd.example";
const MW: &str = "mw@afd.example";
const MW2: &str = "mw2@afd.example";
const CISO: &str = "ciso@afd.example";
const DIR: &str = "dir@afd.example";
const FG: &str = "fg@afd.example";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

struct Org {
    id: Uuid,
    admin: Uuid,
    mw: Uuid,
    mw2: Uuid,
}

async fn setup(app: &TestApp) -> Org {
    let id = app.org("Gemeente Afdeling", "gm0404").await;
    let admin = app.user(ADMIN, id, &[Role::Medewerker, Role::Beheerder]).await;
    let mw = app.user(MW, id, &[Role::Medewerker]).await;
    let mw2 = app.user(MW2, id, &[Role::Medewerker]).await;
    app.user(CISO, id, &[Role::Medewerker, Role::Ciso]).await;
    app.user(DIR, id, &[Role::Directie]).await;
    app.user(FG, id, &[Role::Fg]).await;
    Org { id, admin, mw, mw2 }
}

async fn department(app: &TestApp, user: Uuid) -> Option<String> {
    sqlx::query_scalar("select department from app_user where user_id = $1")
        .bind(user)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

/// Version 1 of the policy, published by the administrator for everyone.
async fn publish(app: &TestApp, admin: &reqwest::Client) {
    let r = app
        .post(admin, "/beleid/concept", &[("titel", "AI-beleid"), ("tekst", "# Art. 1\n\nRegels."), ("versie", "0")])
        .await;
    assert_eq!(r.status(), 303);
    let r = app.post(admin, "/beleid/concept/publiceren", &[("ingangsdatum", "2026-02-01")]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn the_administrator_sets_a_department_checked_and_audited() {
    let app = TestApp::spawn().await;
    let o = setup(&app).await;
    let admin = app.logged_in(ADMIN).await;
    let path = format!("/beheer/gebruikers/{}/afdeling", o.mw);

    // Too long: refused on the field, the typed text comes back, nothing stored.
    let long = "x".repeat(101);
    let r = app.post(&admin, &path, &[("afdeling", long.as_str())]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Afdeling mag hoogstens 100 tekens lang zijn (nu 101).") && body.contains(&long), "{body}");
    assert_eq!(department(&app, o.mw).await, None);

    // Trimmed and stored; the change is an audit event of the user with before and after.
    let r = app.post(&admin, &path, &[("afdeling", "  Burgerzaken  ")]).await;
    assert_eq!(location(&r), format!("/beheer/gebruikers/{}", o.mw));
    assert_eq!(department(&app, o.mw).await.as_deref(), Some("Burgerzaken"));
    let (before, after): (Value, Value) = sqlx::query_as(
        "select before, after from audit_event where action = 'user.department_changed' and object_id = $1",
    )
    .bind(o.mw)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((before, after), (json!({ "department": null }), json!({ "department": "Burgerzaken" })));
    // The same again changes nothing and writes no event.
    app.post(&admin, &path, &[("afdeling", "Burgerzaken")]).await;
    assert_eq!(count(&app, "select count(*) from audit_event where action = 'user.department_changed'").await, 1);

    // Another member's page offers the departments in use and shows the person's own.
    let other = page(&app, &admin, &format!("/beheer/gebruikers/{}", o.mw2)).await;
    assert!(other.contains("<option value=\"Burgerzaken\"></option>"), "{other}");
    assert!(page(&app, &admin, &format!("/beheer/gebruikers/{}", o.mw)).await.contains("value=\"Burgerzaken\""));
    // Empty clears it; only the administrator may.
    app.post(&admin, &path, &[("afdeling", " ")]).await;
    assert_eq!(department(&app, o.mw).await, None);
    let mw = app.logged_in(MW).await;
    assert_eq!(app.post(&mw, &path, &[("afdeling", "Hack")]).await.status(), 403);
    assert_eq!(department(&app, o.mw).await, None);
}

async fn scim(app: &TestApp, token: &str, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .request(method, app.url(&format!("/scim/v2{path}")))
        .bearer_auth(token)
        .header("content-type", "application/scim+json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() })
}

#[tokio::test]
async fn scim_sets_the_department_from_the_enterprise_extension() {
    use reqwest::Method;
    let app = TestApp::spawn().await;
    let o = setup(&app).await;
    let mut conn = app.pool.acquire().await.unwrap();
    let t = airegister::scim::tokens::issue(&mut conn, o.id, "test", &Actor::system("test")).await.unwrap();
    drop(conn);
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "userName": "nieuw@afd.example",
        "emails": [{ "value": "nieuw@afd.example", "primary": true }],
        ENTERPRISE: { "department": " ICT ", "employeeNumber": "701" },
    });
    let (status, created) = scim(&app, &t, Method::POST, "/Users", body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created[ENTERPRISE]["department"], json!("ICT"));
    assert_eq!(created[ENTERPRISE]["employeeNumber"], json!("701"), "other attributes come back as sent");
    assert!(created["schemas"].as_array().unwrap().contains(&json!(ENTERPRISE)));
    let id = created["id"].as_str().unwrap().to_string();
    let uid = Uuid::parse_str(&id).unwrap();
    assert_eq!(department(&app, uid).await.as_deref(), Some("ICT"));

    // PATCH in Entra ID's path form, and with the extension as a value.
    let patch = |ops: Value| json!({ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops });
    let ops = json!([{ "op": "Replace", "path": format!("{ENTERPRISE}:department"), "value": "Financiën" }]);
    let (status, got) = scim(&app, &t, Method::PATCH, &format!("/Users/{id}"), patch(ops)).await;
    assert_eq!((status, got[ENTERPRISE]["department"].clone()), (200, json!("Financiën")), "{got}");
    let ops = json!([{ "op": "add", "value": { ENTERPRISE: { "department": "HR" } } }]);
    scim(&app, &t, Method::PATCH, &format!("/Users/{id}"), patch(ops)).await;
    assert_eq!(department(&app, uid).await.as_deref(), Some("HR"));

    // PUT sets it; a PUT without the extension leaves it (a provider that does not send it clears nothing).
    let mut put = created.clone();
    put[ENTERPRISE] = json!({ "department": "Juridisch" });
    let (status, _) = scim(&app, &t, Method::PUT, &format!("/Users/{id}"), put.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(department(&app, uid).await.as_deref(), Some("Juridisch"));
    put.as_object_mut().unwrap().remove(ENTERPRISE);
    let (_, got) = scim(&app, &t, Method::PUT, &format!("/Users/{id}"), put.clone()).await;
    assert_eq!(got[ENTERPRISE]["department"], json!("Juridisch"));
    // Removing the attribute clears it; a bad value is refused in the RFC's form.
    let ops = json!([{ "op": "remove", "path": format!("{ENTERPRISE}:department") }]);
    scim(&app, &t, Method::PATCH, &format!("/Users/{id}"), patch(ops)).await;
    assert_eq!(department(&app, uid).await, None);
    // Removing the whole extension (as scim2-tester does) clears it too, and the resource no longer has it.
    sqlx::query("update app_user set department = 'Tijdelijk' where user_id = $1")
        .bind(uid)
        .execute(&app.pool)
        .await
        .unwrap();
    let ops = json!([{ "op": "remove", "path": ENTERPRISE }]);
    let (status, got) = scim(&app, &t, Method::PATCH, &format!("/Users/{id}"), patch(ops)).await;
    assert_eq!(status, 200, "{got}");
    assert!(got.get(ENTERPRISE).is_none() && !got["schemas"].as_array().unwrap().contains(&json!(ENTERPRISE)), "{got}");
    assert_eq!(department(&app, uid).await, None);
    put[ENTERPRISE] = json!({ "department": "x".repeat(101) });
    let (status, err) = scim(&app, &t, Method::PUT, &format!("/Users/{id}"), put).await;
    assert_eq!((status, err["scimType"].clone()), (400, json!("invalidValue")), "{err}");
    let changes = count(&app, "select count(*) from audit_event where action = 'user.department_changed'").await;
    assert_eq!(changes, 6, "ICT, Financiën, HR, Juridisch, cleared, cleared with the extension");

    // A department set by hand shows in the resource.
    sqlx::query("update app_user set department = 'Directie' where user_id = $1")
        .bind(uid)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, got) = scim(&app, &t, Method::GET, &format!("/Users/{id}"), Value::Null).await;
    assert_eq!(got[ENTERPRISE]["department"], json!("Directie"));

    // Discovery announces the extension.
    let (_, types) = scim(&app, &t, Method::GET, "/ResourceTypes/User", Value::Null).await;
    assert_eq!(types["schemaExtensions"], json!([{ "schema": ENTERPRISE, "required": false }]));
    let (status, schema) = scim(&app, &t, Method::GET, &format!("/Schemas/{ENTERPRISE}"), Value::Null).await;
    assert_eq!((status, schema["attributes"][0]["name"].clone()), (200, json!("department")));
}

async fn api_post(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new().post(app.url(&format!("/api/v1{path}"))).bearer_auth(token).send().await.unwrap()
}

#[tokio::test]
async fn the_api_acknowledges_the_version_in_force_once() {
    let app = TestApp::spawn().await;
    let o = setup(&app).await;
    let admin = app.logged_in(ADMIN).await;
    let write = token(&app, o.mw, o.id, true).await;
    let read = token(&app, o.mw, o.id, false).await;
    assert_eq!(api_post(&app, &write, "/policy/versions/1/acknowledgement").await.status(), 404, "nothing published");
    publish(&app, &admin).await;

    assert_eq!(api_post(&app, &read, "/policy/versions/1/acknowledgement").await.status(), 403, "a read-only token");
    let r = api_post(&app, &write, "/policy/versions/1/acknowledgement").await;
    assert_eq!(r.status(), 201);
    let first: Value = r.json().await.unwrap();
    assert_eq!(first["number"], json!(1));
    let r = api_post(&app, &write, "/policy/versions/1/acknowledgement").await;
    assert_eq!(r.status(), 200, "again: nothing changes");
    let again: Value = r.json().await.unwrap();
    assert_eq!(again["acknowledged_at"], first["acknowledged_at"]);
    assert_eq!(count(&app, "select count(*) from policy_acknowledgement").await, 1);
    assert_eq!(count(&app, "select count(*) from audit_event where action = 'policy.acknowledged'").await, 1);
    // The web page agrees.
    let mw = app.logged_in(MW).await;
    assert!(page(&app, &mw, "/beleid").await.contains("U hebt op "));

    // Unknown, a draft, and a superseded version: 404.
    assert_eq!(api_post(&app, &write, "/policy/versions/9/acknowledgement").await.status(), 404);
    let r =
        app.post(&admin, "/beleid/concept", &[("titel", "AI-beleid 2"), ("tekst", "Nieuw."), ("versie", "0")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(api_post(&app, &write, "/policy/versions/2/acknowledgement").await.status(), 404);
    app.post(&admin, "/beleid/concept/publiceren", &[("ingangsdatum", "2026-03-01")]).await;
    assert_eq!(api_post(&app, &write, "/policy/versions/1/acknowledgement").await.status(), 404);
    assert_eq!(api_post(&app, &write, "/policy/versions/2/acknowledgement").await.status(), 201);
}

#[tokio::test]
async fn the_policy_reminder_runs_twice_and_sends_once_a_week_at_most() {
    let app = TestApp::spawn().await;
    let o = setup(&app).await;
    let admin = app.logged_in(ADMIN).await;
    publish(&app, &admin).await;
    let mw = app.logged_in(MW).await;
    app.post(&mw, "/beleid/versie/1/gelezen", &[]).await;
    let today = time::OffsetDateTime::now_utc().date();
    let run = |day: time::Date| airegister::policy::reminders::run(&app.pool, day);

    // Published today: nobody is reminded yet.
    assert_eq!(run(today).await.unwrap(), 0);
    // A week and a day later: the five who have not read it (the publisher too, who had no notice).
    let back =
        |days: i32| format!("update policy_version set published_at = published_at - make_interval(days => {days})");
    sqlx::query(&back(8)).execute(&app.pool).await.unwrap();
    sqlx::query("update notification set created_at = created_at - interval '8 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(run(today).await.unwrap(), 5);
    assert_eq!(run(today).await.unwrap(), 0, "a second run the same day sends nothing");
    let reminded: Vec<Uuid> = sqlx::query_scalar(
        "select user_id from notification where kind = 'beleid' and dedupe_key like '%-herinnering-%' order by user_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(reminded.len(), 5);
    assert!(reminded.contains(&o.admin) && reminded.contains(&o.mw2) && !reminded.contains(&o.mw));
    // Three days later: still within the week.
    sqlx::query("update notification set created_at = created_at - interval '3 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(run(today + time::Duration::days(3)).await.unwrap(), 0);
    // A week after the reminder, again; who read it in between is left alone.
    sqlx::query("update notification set created_at = created_at - interval '5 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    let mw2 = app.logged_in(MW2).await;
    app.post(&mw2, "/beleid/versie/1/gelezen", &[]).await;
    assert_eq!(run(today + time::Duration::days(8)).await.unwrap(), 4);
    let events: Vec<Value> = sqlx::query_scalar(
        "select after from audit_event where action = 'policy.reminded' and actor_id is null order by audit_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["reminded"], json!(5));
    assert_eq!(events[0]["automatic"], json!(true));
}

async fn set_departments(app: &TestApp, pairs: &[(&str, &str)]) {
    for (email, d) in pairs {
        sqlx::query("update app_user set department = $2 where email = $1")
            .bind(email)
            .bind(d)
            .execute(&app.pool)
            .await
            .unwrap();
    }
}

/// A training required of every medewerker, and one of the users of Copilot (the RASCI person `mw`); `mw` has
/// the first confirmed.
async fn literacy(app: &TestApp, o: &Org) -> Uuid {
    let admin = app.logged_in(ADMIN).await;
    let ciso = app.logged_in(CISO).await;
    let fields = [("title", "Basistraining AI"), ("level", "basis"), ("validity_months", "24")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/trainingen", &fields).await.status(), 303);
    let id = |title: &'static str| async move {
        sqlx::query_scalar::<_, Uuid>("select training_id from training where title = $1")
            .bind(title)
            .fetch_one(&app.pool)
            .await
            .unwrap()
            .to_string()
    };
    let basis = id("Basistraining AI").await;
    let req = [("requirement_training", basis.as_str()), ("role", "medewerker")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    let tool = crate::requests::registration(app, &ciso, "Copilot", o.mw, "goedgekeurd", "").await;
    for user in [o.mw, o.mw2] {
        app.rasci(tool, user, "R").await;
    }
    let tool_s = tool.to_string();
    let req = [("requirement_training", basis.as_str()), ("application_id", tool_s.as_str())];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    let mw = app.logged_in(MW).await;
    let r = app.post(&mw, "/ai-geletterdheid", &[("training_id", &basis), ("completed_on", "2026-01-15")]).await;
    assert_eq!(r.status(), 303);
    let completion: Uuid =
        sqlx::query_scalar("select completion_id from training_completion").fetch_one(&app.pool).await.unwrap();
    let r = app.post(&admin, &format!("/ai-geletterdheid/afrondingen/{completion}/bevestigen"), &[]).await;
    assert_eq!(r.status(), 303);
    tool
}

#[tokio::test]
async fn the_dashboard_counts_per_department_and_role_and_links_to_the_people() {
    let app = TestApp::spawn().await;
    let o = setup(&app).await;
    set_departments(&app, &[(MW, "Burgerzaken"), (MW2, "Financiën"), (CISO, "Burgerzaken")]).await;
    let admin = app.logged_in(ADMIN).await;
    let dir = app.logged_in(DIR).await;
    let fg = app.logged_in(FG).await;
    let ciso = app.logged_in(CISO).await;
    assert!(page(&app, &dir, "/overzicht").await.contains("Er is nog geen AI-beleid gepubliceerd."));
    publish(&app, &admin).await;
    let mw = app.logged_in(MW).await;
    app.post(&mw, "/beleid/versie/1/gelezen", &[]).await;
    literacy(&app, &o).await;

    // The directie sees the policy per department with links, and literacy figures without names.
    let d = page(&app, &dir, "/overzicht").await;
    assert!(
        d.contains("AI-beleid versie 1 gelezen, per afdeling") && d.contains("AI-beleid versie 1 gelezen, per rol"),
        "{d}"
    );
    let burgerzaken_done = "/beleid/versie/1/dekking?afdeling=Burgerzaken&#38;stand=gelezen#kop-selectie";
    assert!(d.contains(&format!("<a class=\"utrecht-link\" href=\"{burgerzaken_done}\">1</a>")), "{d}");
    assert!(d.contains("Vereiste trainingen per afdeling") && !d.contains("/overzicht/ai-geletterdheid?"), "{d}");
    // FG: literacy lists, but not who read the policy.
    let f = page(&app, &fg, "/overzicht").await;
    assert!(
        !f.contains("/beleid/versie/1/dekking")
            && f.contains("/overzicht/ai-geletterdheid?afdeling=Financi%C3%ABn&#38;stand=vereist"),
        "{f}"
    );
    assert!(f.contains("/ai-geletterdheid/dekking/lijst?rol=medewerker&#38;stand=gedaan"), "{f}");

    // Behind the figures: the policy's people of a department, and of a role.
    let sel = page(&app, &dir, "/beleid/versie/1/dekking?afdeling=Burgerzaken&stand=gelezen").await;
    assert!(sel.contains("Afdeling Burgerzaken: bevestigd (1)") && sel.contains(MW) && !sel.contains(MW2), "{sel}");
    let sel = page(&app, &dir, "/beleid/versie/1/dekking?rol=medewerker&stand=niet").await;
    assert!(sel.contains("Rol Medewerker: nog niet bevestigd (3)"), "{sel}");
    let sel = page(&app, &dir, "/beleid/versie/1/dekking?afdeling=&stand=alle").await;
    assert!(sel.contains("Geen afdeling: gevraagd (3)"), "{sel}");
    // Literacy of a department: Financiën's medewerker lacks the role's and the tool's training.
    let list = page(&app, &ciso, "/overzicht/ai-geletterdheid?afdeling=Financi%C3%ABn&stand=vereist").await;
    assert!(list.contains("2 vereiste trainingen") && list.contains(&format!("({MW2})")), "{list}");
    let list = page(&app, &ciso, "/overzicht/ai-geletterdheid?afdeling=Burgerzaken&stand=gedaan").await;
    assert!(list.contains(&format!("({MW})")) && !list.contains(&format!("({CISO})")), "{list}");
    assert_eq!(app.get(&dir, "/overzicht/ai-geletterdheid?afdeling=Burgerzaken&stand=gedaan").await.status(), 403);
    assert_eq!(app.get(&ciso, "/overzicht/ai-geletterdheid?afdeling=Burgerzaken&stand=x").await.status(), 404);
    assert_eq!(app.get(&mw, "/overzicht/ai-geletterdheid?afdeling=Burgerzaken&stand=gedaan").await.status(), 403);
}

/// Every figure of a page that links to a list starting with one of `prefixes`: (the list's address without its
/// anchor, the figure).
fn linked_figures(html: &str, prefixes: &[&str]) -> Vec<(String, usize)> {
    let mut figures = Vec::new();
    for part in html.split("<a class=\"utrecht-link\" href=\"").skip(1) {
        let href = part[..part.find('"').unwrap()].replace("&#38;", "&");
        if prefixes.iter().any(|p| href.starts_with(p)) {
            let n: usize = part[part.find('>').unwrap() + 1..part.find("</a>").unwrap()].parse().unwrap();
            figures.push((href.split('#').next().unwrap().to_string(), n));
        }
    }
    figures
}

/// The policy's figures on the dashboard are counted in the database (migration 0058), the people behind them
/// listed from every reader: every figure is the number of people its list shows, with departments written with
/// white space, people in two roles, someone outside the version's audience and someone deactivated.
#[tokio::test]
async fn every_policy_figure_is_the_number_its_list_shows() {
    let app = TestApp::spawn().await;
    let o = setup(&app).await;
    let departments =
        [(MW, " Burgerzaken "), (MW2, "Financiën\u{a0}"), (CISO, "\tBurgerzaken"), (ADMIN, "  "), (FG, "Burgerzaken")];
    set_departments(&app, &departments).await;
    let gone = app.user("weg@afd.example", o.id, &[Role::Medewerker]).await;
    let admin = app.logged_in(ADMIN).await;
    publish(&app, &admin).await;
    for who in [MW, CISO, "weg@afd.example"] {
        let c = app.logged_in(who).await;
        assert_eq!(app.post(&c, "/beleid/versie/1/gelezen", &[]).await.status(), 303);
    }
    // Asked: medewerkers and the FG, not the directie; the one who left had read it and is no longer asked.
    sqlx::query("update policy_version set audience_roles = '{medewerker,fg}' where organisation_id = $1")
        .bind(o.id)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("update app_user set active = false where user_id = $1").bind(gone).execute(&app.pool).await.unwrap();

    let dir = app.logged_in(DIR).await;
    let html = page(&app, &dir, "/overzicht").await;
    let figures = linked_figures(&html, &["/beleid/versie/1/dekking?"]);
    // Burgerzaken, Financiën and no department; medewerker, CISO, FG and beheerder: three figures each.
    assert_eq!(figures.len(), 7 * 3, "{figures:?}");
    let mut wrong = Vec::new();
    for (href, n) in &figures {
        let list = page(&app, &dir, href).await;
        if !list.contains(&format!(" ({n})</h2>")) {
            let heading = list.split("id=\"kop-selectie\">").nth(1).and_then(|c| c.split('<').next());
            wrong.push(format!("{href}: page {n}, list {heading:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    let value = |href: &str| figures.iter().find(|f| f.0 == href).map(|f| f.1).unwrap_or_else(|| panic!("{href}"));
    assert_eq!(value("/beleid/versie/1/dekking?afdeling=Burgerzaken&stand=alle"), 3);
    assert_eq!(value("/beleid/versie/1/dekking?afdeling=Burgerzaken&stand=gelezen"), 2);
    assert_eq!(value("/beleid/versie/1/dekking?afdeling=Financi%C3%ABn&stand=niet"), 1);
    assert_eq!(value("/beleid/versie/1/dekking?afdeling=&stand=alle"), 1);
    assert_eq!(value("/beleid/versie/1/dekking?rol=medewerker&stand=alle"), 4);
    assert_eq!(value("/beleid/versie/1/dekking?rol=medewerker&stand=gelezen"), 2);
    assert_eq!(value("/beleid/versie/1/dekking?rol=beheerder&stand=niet"), 1);
    assert_eq!(value("/beleid/versie/1/dekking?rol=fg&stand=alle"), 1);
    assert!(!html.contains("dekking?rol=directie"), "{html}");
    // The coverage page names each department once, as the dashboard does.
    let coverage = page(&app, &dir, "/beleid/versie/1/dekking").await;
    let rows = coverage
        .matches("header-cell\">Burgerzaken</th><td class=\"utrecht-table__cell utrecht-table__cell--numeric\">3<")
        .count();
    assert_eq!(rows, 1, "{coverage}");
    assert!(coverage.contains("<strong>2 van 5</strong>"), "{coverage}");
    // Who has not read it, by department as named there (Burgerzaken, Financiën, none), whatever white space.
    let at = |who: &str| coverage.find(&format!(">{who}<")).unwrap_or_else(|| panic!("{who}: {coverage}"));
    assert!(at(FG) < at(MW2) && at(MW2) < at(ADMIN), "{coverage}");
}

/// A department is one however its white space is written (migration 0060): the policy's audience picker offers
/// "Burgerzaken" once, a version for it asks everyone in it, and the SQL function `department_name` trims what
/// Rust's `str::trim` (`coverage::department_of`) trims, no more.
#[tokio::test]
async fn a_department_is_one_however_its_white_space_is_written() {
    let app = TestApp::spawn().await;
    setup(&app).await;
    let departments =
        [(MW, " Burgerzaken "), (MW2, "Financiën\u{a0}"), (CISO, "\tBurgerzaken"), (ADMIN, "  "), (FG, "Burgerzaken")];
    set_departments(&app, &departments).await;
    let admin = app.logged_in(ADMIN).await;
    let r = app
        .post(&admin, "/beleid/concept", &[("titel", "AI-beleid"), ("tekst", "# Art. 1\n\nRegels."), ("versie", "0")])
        .await;
    assert_eq!(r.status(), 303);
    let form = page(&app, &admin, "/beleid/concept").await;
    let offered: Vec<&str> =
        form.split("name=\"afdelingen\" value=\"").skip(1).filter_map(|c| c.split('"').next()).collect();
    assert_eq!(offered, ["Burgerzaken", "Financiën"], "{form}");
    let fields = [("ingangsdatum", "2026-02-01"), ("afdelingen", "Burgerzaken")];
    let r = app.post(&admin, "/beleid/concept/publiceren", &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let coverage = page(&app, &admin, "/beleid/versie/1/dekking").await;
    assert!(coverage.contains("<strong>0 van 3</strong>"), "{coverage}");
    for who in [MW, CISO, FG] {
        assert!(coverage.contains(&format!(">{who}<")), "{who}: {coverage}");
    }
    assert!(!coverage.contains(&format!(">{MW2}<")), "{coverage}");

    // Every white-space character Rust knows, and a few it does not (zero-width space, word joiner, BOM).
    let mut cases: Vec<String> = (0..=0x10FFFF_u32)
        .filter_map(char::from_u32)
        .filter(|c| c.is_whitespace())
        .flat_map(|c| [format!("{c}Afd{c}"), c.to_string()])
        .collect();
    cases.extend(["\u{200b}Afd", "Afd\u{2060}", "\u{feff}Afd", "A f d", "", "Afd"].map(String::from));
    let named: Vec<Option<String>> = sqlx::query_scalar("select department_name(d) from unnest($1::text[]) d")
        .bind(&cases)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    for (case, named) in cases.iter().zip(&named) {
        let expected = Some(case.trim()).filter(|t| !t.is_empty()).map(str::to_string);
        assert_eq!(named, &expected, "{case:?}");
    }
}

/// A completion entered straight into the database: confirmed (by the administrator) or waiting (the person's own).
async fn completion(app: &TestApp, o: &Org, user: &str, training: &str, done: time::Date, confirmed: bool) {
    sqlx::query(
        "insert into training_completion (completion_id, organisation_id, training_id, user_id, completed_on, source,
                                          confirmed_at)
         select $1, $2, t.training_id, u.user_id, $5, case when $6 then 'beheerder' else 'zelf' end,
                case when $6 then now() end
           from training t, app_user u where t.title = $3 and u.email = $4",
    )
    .bind(Uuid::now_v7())
    .bind(o.id)
    .bind(training)
    .bind(user)
    .bind(done)
    .bind(confirmed)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// The literacy figures of the dashboard and the coverage page are counted in the database (migration 0055), the
/// lists behind them from every pair with the Rust rule: every figure is the number of people its list shows, with each standing and
/// reason present (valid, expired, waiting, missing; a role and a tool) and departments with white space or none.
#[tokio::test]
async fn every_literacy_figure_is_the_number_its_list_shows() {
    let app = TestApp::spawn().await;
    let o = setup(&app).await;
    // White space around a department (a tab, a no-break space) does not make another department.
    let departments = [(MW, " Burgerzaken "), (MW2, "Financiën\u{a0}"), (CISO, "\tBurgerzaken"), (ADMIN, "  ")];
    set_departments(&app, &departments).await;
    literacy(&app, &o).await;
    let admin = app.logged_in(ADMIN).await;
    let fields = [("title", "Toezicht op AI"), ("level", "gevorderd"), ("validity_months", "12")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/trainingen", &fields).await.status(), 303);
    let training: Uuid = sqlx::query_scalar("select training_id from training where title = 'Toezicht op AI'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let training = training.to_string();
    let req = [("requirement_training", training.as_str()), ("role", "ciso")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    let today = airegister::web::today();
    // The CISO's supervision training ran out; the second medewerker's basic training waits for confirmation;
    // the administrator's expired one waits for a new confirmation.
    completion(&app, &o, CISO, "Toezicht op AI", today - time::Duration::days(400), true).await;
    completion(&app, &o, MW2, "Basistraining AI", today - time::Duration::days(3), false).await;
    completion(&app, &o, ADMIN, "Basistraining AI", today - time::Duration::days(1000), true).await;
    completion(&app, &o, ADMIN, "Basistraining AI", today - time::Duration::days(2), false).await;

    let ciso = app.logged_in(CISO).await;
    let mut figures = Vec::new();
    // The dashboard per department (Burgerzaken, Financiën, none) and per role (medewerker, CISO), three figures
    // each; the coverage page per role and per tool (Copilot), five each.
    for (path, expected) in [("/overzicht", 5 * 3), ("/ai-geletterdheid/dekking", 3 * 5)] {
        let html = page(&app, &ciso, path).await;
        let before = figures.len();
        figures.extend(linked_figures(&html, &["/overzicht/ai-geletterdheid?", "/ai-geletterdheid/dekking/lijst?"]));
        assert_eq!(figures.len() - before, expected, "{path}: {figures:?}");
    }
    let mut wrong = Vec::new();
    for (href, n) in &figures {
        let list = page(&app, &ciso, href).await;
        let shown = match n {
            0 => "Niemand in deze lijst.".to_string(),
            1 => ">1 vereiste training<".to_string(),
            n => format!(">{n} vereiste trainingen<"),
        };
        if !list.contains(&shown) {
            let caption = list.split("utrecht-table__caption\">").nth(1).and_then(|c| c.split('<').next());
            wrong.push(format!("{href}: page {n}, list {caption:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    let value = |href: &str| figures.iter().find(|f| f.0 == href).map(|f| f.1).unwrap_or_else(|| panic!("{href}"));
    // Burgerzaken: the medewerker's basic training for the role and for Copilot (done), the CISO's basic one
    // (missing) and supervision (expired).
    assert_eq!(value("/overzicht/ai-geletterdheid?afdeling=Burgerzaken&stand=vereist"), 4);
    assert_eq!(value("/overzicht/ai-geletterdheid?afdeling=Burgerzaken&stand=gedaan"), 2);
    assert_eq!(value("/overzicht/ai-geletterdheid?afdeling=Burgerzaken&stand=verlopen"), 1);
    // Financiën (written with a no-break space after it): the second medewerker's two, waiting.
    assert_eq!(value("/overzicht/ai-geletterdheid?afdeling=Financi%C3%ABn&stand=vereist"), 2);
    assert_eq!(value("/overzicht/ai-geletterdheid?afdeling=Financi%C3%ABn&stand=gedaan"), 0);
    // No department: the administrator, whose expired training waits for confirmation (not "verlopen").
    assert_eq!(value("/overzicht/ai-geletterdheid?afdeling=&stand=vereist"), 1);
    assert_eq!(value("/overzicht/ai-geletterdheid?afdeling=&stand=verlopen"), 0);
    assert_eq!(value("/ai-geletterdheid/dekking/lijst?rol=ciso&stand=verlopen"), 1);
    // The coverage page: the Copilot users are the two medewerkers, one done, one waiting (counted as missing).
    let tool: Uuid = sqlx::query_scalar("select application_id from application where name = 'Copilot'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(value(&format!("/ai-geletterdheid/dekking/lijst?tool={tool}&stand=gedaan")), 1);
    assert_eq!(value(&format!("/ai-geletterdheid/dekking/lijst?tool={tool}&stand=ontbreekt")), 1);
    let pairs: i64 = sqlx::query_scalar("select count(*) from training_need where organisation_id = $1")
        .bind(o.id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let required: usize =
        figures.iter().filter(|f| f.0.starts_with("/overzicht") && f.0.ends_with("=vereist")).map(|f| f.1).sum();
    assert_eq!(required as i64, pairs, "every need counts once per department");
}

#[tokio::test]
async fn a_registration_lists_the_training_its_tool_requires_and_who_has_it() {
    let app = TestApp::spawn().await;
    let o = setup(&app).await;
    let tool = literacy(&app, &o).await;
    let ciso = app.logged_in(CISO).await;
    let p = page(&app, &ciso, &format!("/register/{tool}")).await;
    assert!(p.contains("Vereiste training (AI-geletterdheid)"), "{p}");
    let done = format!("/ai-geletterdheid/dekking/lijst?tool={tool}&#38;stand=gedaan");
    let all = format!("/ai-geletterdheid/dekking/lijst?tool={tool}&#38;stand=vereist");
    assert!(
        p.contains(&format!(
            "Basistraining AI (basis): <a class=\"utrecht-link\" href=\"{done}\">1</a> van <a class=\"utrecht-link\" href=\"{all}\">2</a> gebruikers"
        )),
        "{p}"
    );
    // The directie sees the figures without the lists.
    let dir = app.logged_in(DIR).await;
    let p = page(&app, &dir, &format!("/register/{tool}")).await;
    assert!(p.contains("Basistraining AI (basis): 1 van 2 gebruikers"), "{p}");
    // Counted in the database (migration 0053) as rules::standing says: the last valid day still counts, the
    // day after it not (24 months), and a completion waiting for confirmation never.
    let mw2 = app.logged_in(MW2).await;
    let basis: Uuid = sqlx::query_scalar("select training_id from training").fetch_one(&app.pool).await.unwrap();
    let basis = basis.to_string();
    let fields = [("training_id", basis.as_str()), ("completed_on", "2026-02-01")];
    assert_eq!(app.post(&mw2, "/ai-geletterdheid", &fields).await.status(), 303);
    // The completion dates closest to the boundary by the Rust rule: the earliest still valid today, the latest
    // no longer valid (month ends clamp, so not every day is some completion's last valid day).
    let today: time::Date =
        sqlx::query_scalar("select (now() at time zone 'Europe/Amsterdam')::date").fetch_one(&app.pool).await.unwrap();
    let around: Vec<time::Date> = (700..760).map(|d| today - time::Duration::days(d)).collect();
    let until = |d: &time::Date| airegister::literacy::rules::valid_until(*d, Some(24)).unwrap();
    let still = around.iter().filter(|d| until(d) >= today).min().copied().unwrap();
    let expired = around.iter().filter(|d| until(d) < today).max().copied().unwrap();
    for (completed, valid) in [(expired, 0), (still, 1)] {
        sqlx::query("update training_completion set completed_on = $1")
            .bind(completed)
            .execute(&app.pool)
            .await
            .unwrap();
        let p = page(&app, &dir, &format!("/register/{tool}")).await;
        assert!(p.contains(&format!("Basistraining AI (basis): {valid} van 2 gebruikers")), "{completed}: {p}");
    }
    // A registration without a requirement says so.
    let other = crate::requests::registration(&app, &ciso, "Gemini", o.mw, "goedgekeurd", "").await;
    assert!(
        page(&app, &ciso, &format!("/register/{other}")).await.contains("Voor deze tool is geen training vereist.")
    );
}
