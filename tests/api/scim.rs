//! SCIM 2.0 provisioning (issue 19, item 6) against the real server and database: users created, found by
//! filter, patched (Entra ID's forms), replaced with If-Match, deleted; groups give roles through the
//! group-to-role mapping; errors in the RFC's format with scimType; tokens refused and revoked; and the
//! leavers rule: deactivation ends a live session and revokes an API token, the owner-left note and the
//! CISO's task, which goes when the CISO assigns a new owner through the pages.

use airegister::audit::Actor;
use airegister::auth::roles::Role;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::register::complete;
use crate::rest::{api_get, token};

const ADMIN: &str = "beheer@scimstad.example";
const CISO: &str = "ciso@scimstad.example";
const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

struct World {
    app: TestApp,
    org: Uuid,
    token: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Scimstad", "gm0303").await;
    app.user(ADMIN, org, &[Role::Medewerker, Role::Beheerder]).await;
    app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    let mut conn = app.pool.acquire().await.unwrap();
    let token = airegister::scim::tokens::issue(&mut conn, org, "test", &Actor::system("test")).await.unwrap();
    World { app, org, token }
}

struct Answer {
    status: u16,
    body: Value,
    etag: Option<String>,
    location: Option<String>,
}

async fn call(w: &World, method: Method, path: &str, body: Option<Value>, if_match: Option<&str>) -> Answer {
    call_with(w, &w.token, method, path, body.map(|b| b.to_string()), if_match).await
}

async fn call_with(
    w: &World,
    token: &str,
    method: Method,
    path: &str,
    body: Option<String>,
    if_match: Option<&str>,
) -> Answer {
    let mut req = reqwest::Client::new().request(method, w.app.url(&format!("/scim/v2{path}"))).bearer_auth(token);
    if let Some(b) = body {
        req = req.header("content-type", "application/scim+json").body(b);
    }
    if let Some(m) = if_match {
        req = req.header("if-match", m);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let header = |n: &str| r.headers().get(n).map(|v| v.to_str().unwrap().to_string());
    let (etag, location) = (header("etag"), header("location"));
    if status != 204 {
        assert_eq!(header("content-type").as_deref(), Some("application/scim+json"), "{path}");
    }
    let text = r.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() };
    Answer { status, body, etag, location }
}

/// An error answer: the RFC's schema, the status as a string, the scimType.
fn assert_error(a: &Answer, status: u16, scim_type: Option<&str>) {
    assert_eq!(a.status, status, "{}", a.body);
    assert_eq!(a.body["schemas"], json!(["urn:ietf:params:scim:api:messages:2.0:Error"]));
    assert_eq!(a.body["status"], json!(status.to_string()));
    assert_eq!(a.body["scimType"].as_str(), scim_type, "{}", a.body);
    assert!(a.body["detail"].as_str().is_some_and(|d| !d.is_empty()));
}

fn user_body(user_name: &str, external_id: &str) -> Value {
    json!({
        "schemas": [USER],
        "userName": user_name,
        "externalId": external_id,
        "name": { "givenName": "Jan", "familyName": "Jansen" },
        "emails": [{ "value": user_name, "type": "work", "primary": true }],
        "active": true,
    })
}

async fn create_user(w: &World, user_name: &str, external_id: &str) -> String {
    let a = call(w, Method::POST, "/Users", Some(user_body(user_name, external_id)), None).await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["id"].as_str().unwrap().to_string()
}

fn patch(ops: Value) -> Value {
    json!({ "schemas": [PATCH], "Operations": ops })
}

async fn roles(w: &World, user: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "select role, source from membership where user_id = $1::uuid and organisation_id = $2 order by role",
    )
    .bind(user)
    .bind(w.org)
    .fetch_all(&w.app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn users_are_created_found_patched_replaced_and_deleted() {
    let w = world().await;
    let a = call(&w, Method::POST, "/Users", Some(user_body("Jan.Jansen@Scimstad.example", "e-1")), None).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let id = a.body["id"].as_str().unwrap().to_string();
    assert_eq!(a.location.as_deref(), Some(format!("/scim/v2/Users/{id}").as_str()));
    assert_eq!(a.etag.as_deref(), a.body["meta"]["version"].as_str());
    assert_eq!(a.body["active"], json!(true));
    let (email, name): (String, String) = sqlx::query_as("select email, name from app_user where user_id = $1::uuid")
        .bind(&id)
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert_eq!((email.as_str(), name.as_str()), ("jan.jansen@scimstad.example", "Jan Jansen"));
    assert_eq!(roles(&w, &id).await, vec![("medewerker".to_string(), "sso".to_string())]);
    let second = create_user(&w, "piet@scimstad.example", "e-2").await;

    // Filters as Entra ID sends them (userName case-insensitively), and paging.
    for filter in [r#"userName eq "jan.jansen@scimstad.example""#, r#"externalId eq "e-1""#, &format!("id eq \"{id}\"")]
    {
        let a = call(&w, Method::GET, &format!("/Users?filter={}", urlencoding(filter)), None, None).await;
        assert_eq!(a.body["totalResults"], json!(1), "{filter}");
        assert_eq!(a.body["Resources"][0]["id"], json!(id));
    }
    let a = call(&w, Method::GET, "/Users?filter=userName%20eq%20%22niemand%40x.nl%22", None, None).await;
    assert_eq!((a.body["totalResults"].clone(), a.body["Resources"].clone()), (json!(0), json!([])));
    let a = call(&w, Method::GET, "/Users?startIndex=2&count=1", None, None).await;
    assert_eq!((a.body["totalResults"].clone(), a.body["itemsPerPage"].clone()), (json!(2), json!(1)));
    assert_eq!(a.body["Resources"][0]["id"], json!(second));
    let a = call(&w, Method::GET, &format!("/Users/{id}?attributes=userName"), None, None).await;
    assert!(a.body.get("emails").is_none() && a.body["userName"].is_string());

    // PATCH in Entra ID's forms: "Replace", a value object with dotted keys, a filtered path, "False" as text.
    let etag = a.etag.unwrap();
    let ops = patch(json!([
        { "op": "Replace", "value": { "name.givenName": "Johannes", "displayName": "Johannes Jansen" } },
        { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "johannes@scimstad.example" },
    ]));
    let a = call(&w, Method::PATCH, &format!("/Users/{id}"), Some(ops), Some(&etag)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["name"]["givenName"], json!("Johannes"));
    let (email, name): (String, String) = sqlx::query_as("select email, name from app_user where user_id = $1::uuid")
        .bind(&id)
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert_eq!((email.as_str(), name.as_str()), ("johannes@scimstad.example", "Johannes Jansen"));

    // The old ETag is stale now: 412, nothing changed.
    let mut body = user_body("jan.jansen@scimstad.example", "e-1");
    body["displayName"] = json!("Overschreven");
    let stale = call(&w, Method::PUT, &format!("/Users/{id}"), Some(body.clone()), Some(&etag)).await;
    assert_error(&stale, 412, None);
    let fresh = a.etag.unwrap();
    let a = call(&w, Method::PUT, &format!("/Users/{id}"), Some(body), Some(&fresh)).await;
    assert_eq!((a.status, a.body["displayName"].clone()), (200, json!("Overschreven")));

    // Removing "active" leaves it unsaid: not shown, and the account stays active.
    let ops = patch(json!([{ "op": "remove", "path": "active" }]));
    let a = call(&w, Method::PATCH, &format!("/Users/{id}"), Some(ops), None).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.get("active").is_none(), "{}", a.body);
    let active: bool = sqlx::query_scalar("select active from app_user where user_id = $1::uuid")
        .bind(&id)
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert!(active);

    // DELETE deactivates: gone for SCIM, the account and its history stay.
    let a = call(&w, Method::DELETE, &format!("/Users/{id}"), None, None).await;
    assert_eq!(a.status, 204);
    assert_error(&call(&w, Method::GET, &format!("/Users/{id}"), None, None).await, 404, None);
    let active: bool = sqlx::query_scalar("select active from app_user where user_id = $1::uuid")
        .bind(&id)
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert!(!active);
    // Provisioned again: the same account comes back, active.
    let again = create_user(&w, "jan.jansen@scimstad.example", "e-1").await;
    assert_eq!(again, id);
    let events: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where object_id = $1::uuid and action in ('user.deactivated', 'user.reactivated', 'user.scim_deleted')",
    )
    .bind(&id)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(events, 3);
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn errors_are_in_the_rfc_format_with_scim_type() {
    let w = world().await;
    let id = create_user(&w, "anna@scimstad.example", "a-1").await;
    let post = |body: Value| call(&w, Method::POST, "/Users", Some(body), None);
    // The same userName or externalId again; an address of another organisation's account.
    assert_error(&post(user_body("anna@scimstad.example", "a-2")).await, 409, Some("uniqueness"));
    assert_error(&post(user_body("anna2@scimstad.example", "a-1")).await, 409, Some("uniqueness"));
    let other = w.app.org("Andere Gemeente", "gm0404").await;
    w.app.user("kees@andere.example", other, &[Role::Medewerker]).await;
    assert_error(&post(user_body("kees@andere.example", "k-1")).await, 409, Some("uniqueness"));
    // Bad values and syntax.
    assert_error(&post(json!({ "schemas": [USER], "emails": [] })).await, 400, Some("invalidValue"));
    // RFC 7643 asks only a userName: a person without an address gets one under the reserved .invalid domain,
    // which is never mailed.
    let bare = post(json!({ "schemas": [USER], "userName": "geen-adres" })).await;
    assert_eq!(bare.status, 201, "{}", bare.body);
    let email: String = sqlx::query_scalar("select email from app_user where user_id = $1")
        .bind(Uuid::parse_str(bare.body["id"].as_str().unwrap()).unwrap())
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert_eq!(email, airegister::scim::store::placeholder_email("geen-adres"));
    assert!(email.ends_with("@geen-adres.invalid"));
    assert_error(&post(json!({ "userName": "x@scimstad.example" })).await, 400, Some("invalidSyntax"));
    let raw = call_with(&w, &w.token, Method::POST, "/Users", Some("{niet json".into()), None).await;
    assert_error(&raw, 400, Some("invalidSyntax"));
    let mut bad_active = user_body("b@scimstad.example", "b-1");
    bad_active["active"] = json!("misschien");
    assert_error(&post(bad_active).await, 400, Some("invalidValue"));
    // Filters it cannot answer exactly.
    for f in ["title%20eq%20%22x%22", "userName%20co%20%22a%22", "userName"] {
        assert_error(
            &call(&w, Method::GET, &format!("/Users?filter={f}"), None, None).await,
            400,
            Some("invalidFilter"),
        );
    }
    // PATCH: no target, read-only attributes, unknown operations.
    let path = format!("/Users/{id}");
    let p = |ops: Value| call(&w, Method::PATCH, &path, Some(patch(ops)), None);
    assert_error(&p(json!([{ "op": "remove" }])).await, 400, Some("noTarget"));
    assert_error(&p(json!([{ "op": "replace", "path": "id", "value": "x" }])).await, 400, Some("mutability"));
    assert_error(&p(json!([{ "op": "verplaats", "path": "displayName" }])).await, 400, Some("invalidSyntax"));
    // Not supported, not found, wrong method: still SCIM JSON, never HTML.
    assert_error(&call(&w, Method::POST, "/.search", Some(json!({})), None).await, 501, None);
    assert_error(&call(&w, Method::POST, "/Bulk", Some(json!({})), None).await, 501, None);
    assert_error(&call(&w, Method::GET, "/Users/geen-uuid", None, None).await, 404, None);
    assert_error(&call(&w, Method::GET, &format!("/Users/{}", Uuid::nil()), None, None).await, 404, None);
    assert_error(&call(&w, Method::GET, "/Onbekend", None, None).await, 404, None);
    assert_error(&call(&w, Method::PUT, "/Users", Some(json!({})), None).await, 405, None);
    let big = format!("{{\"schemas\":[\"{USER}\"],\"userName\":\"{}\"}}", "x".repeat(3_000_000));
    let a = call_with(&w, &w.token, Method::POST, "/Users", Some(big), None).await;
    assert_error(&a, 413, None);
    // No token, a wrong one; another organisation's token does not see this organisation's users.
    assert_error(&call_with(&w, "scim_onzin", Method::GET, "/Users", None, None).await, 401, None);
    let r = reqwest::Client::new().get(w.app.url("/scim/v2/Users")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let mut conn = w.app.pool.acquire().await.unwrap();
    let theirs = airegister::scim::tokens::issue(&mut conn, other, "ander", &Actor::system("test")).await.unwrap();
    assert_error(&call_with(&w, &theirs, Method::GET, &path, None, None).await, 404, None);
    let a = call_with(&w, &theirs, Method::GET, "/Users", None, None).await;
    assert_eq!(a.body["totalResults"], json!(0));
}

#[tokio::test]
async fn discovery_describes_the_service() {
    let w = world().await;
    let a = call(&w, Method::GET, "/ServiceProviderConfig", None, None).await;
    assert_eq!(
        (a.body["patch"]["supported"].clone(), a.body["bulk"]["supported"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(a.body["etag"]["supported"], json!(true));
    let a = call(&w, Method::GET, "/ResourceTypes", None, None).await;
    assert_eq!(a.body["totalResults"], json!(2));
    let a = call(&w, Method::GET, "/Schemas", None, None).await;
    let user = a.body["Resources"].as_array().unwrap().iter().find(|s| s["id"] == USER).unwrap().clone();
    let names: Vec<&str> = user["attributes"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["userName", "name", "displayName", "emails", "active"]);
    let a = call(&w, Method::GET, &format!("/Schemas/{GROUP}"), None, None).await;
    assert_eq!(a.body["attributes"][1]["name"], json!("members"));
    assert_error(&call(&w, Method::GET, "/Schemas/urn:x", None, None).await, 404, None);
}

#[tokio::test]
async fn groups_give_roles_before_the_first_login() {
    let w = world().await;
    sqlx::query("insert into sso_group_role (organisation_id, group_name, role) values ($1, 'AI-CISO', 'ciso'), ($1, 'ext-fg', 'fg')")
        .bind(w.org)
        .execute(&w.app.pool)
        .await
        .unwrap();
    let anna = create_user(&w, "anna@scimstad.example", "a-1").await;
    let bob = create_user(&w, "bob@scimstad.example", "b-1").await;
    // Bob has projectleider by hand: a group never takes that away.
    sqlx::query("insert into membership (user_id, organisation_id, role, source) values ($1::uuid, $2, 'projectleider', 'hand')")
        .bind(&bob)
        .bind(w.org)
        .execute(&w.app.pool)
        .await
        .unwrap();
    let body = json!({ "schemas": [GROUP], "displayName": "AI-CISO", "members": [{ "value": anna }] });
    let a = call(&w, Method::POST, "/Groups", Some(body), None).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let group = a.body["id"].as_str().unwrap().to_string();
    let sso = |r: &str| (r.to_string(), "sso".to_string());
    assert_eq!(roles(&w, &anna).await, vec![sso("ciso"), sso("medewerker")]);

    // Members added and removed as Entra ID does it.
    let path = format!("/Groups/{group}");
    let add = patch(json!([{ "op": "Add", "path": "members", "value": [{ "value": bob }] }]));
    assert_eq!(call(&w, Method::PATCH, &path, Some(add), None).await.status, 200);
    let remove = patch(json!([{ "op": "Remove", "path": "members", "value": [{ "value": anna }] }]));
    let a = call(&w, Method::PATCH, &path, Some(remove), None).await;
    assert_eq!(a.body["members"].as_array().unwrap().len(), 1);
    assert_eq!(roles(&w, &anna).await, vec![sso("medewerker")]);
    assert_eq!(roles(&w, &bob).await, vec![sso("ciso"), sso("medewerker"), ("projectleider".into(), "hand".into())]);
    // A mapping on the externalId works as well; renaming the group away from the mapping takes the role.
    let put = json!({ "schemas": [GROUP], "displayName": "Iets anders", "externalId": "ext-fg", "members": [{ "value": bob }] });
    assert_eq!(call(&w, Method::PUT, &path, Some(put), None).await.status, 200);
    assert_eq!(roles(&w, &bob).await, vec![sso("fg"), sso("medewerker"), ("projectleider".into(), "hand".into())]);
    let filter = call(&w, Method::GET, "/Groups?filter=displayName%20eq%20%22iets%20anders%22", None, None).await;
    assert_eq!(filter.body["totalResults"], json!(1));
    // A member that is not a user of the organisation; a second group of the same name.
    let bad = json!({ "schemas": [GROUP], "displayName": "X", "members": [{ "value": Uuid::nil() }] });
    assert_error(&call(&w, Method::POST, "/Groups", Some(bad), None).await, 400, Some("invalidValue"));
    let dup = json!({ "schemas": [GROUP], "displayName": "Iets anders" });
    assert_error(&call(&w, Method::POST, "/Groups", Some(dup), None).await, 409, Some("uniqueness"));
    // Deleted: the roles from it go; the changes are audited.
    assert_eq!(call(&w, Method::DELETE, &path, None, None).await.status, 204);
    assert_eq!(roles(&w, &bob).await, vec![sso("medewerker"), ("projectleider".into(), "hand".into())]);
    let events: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where object_type = 'scim_group' and object_id = $1::uuid",
    )
    .bind(&group)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(events, 5);
}

#[tokio::test]
async fn deactivation_ends_the_session_and_revokes_api_tokens_at_once() {
    let w = world().await;
    let email = "leaver@scimstad.example";
    let user = w.app.user(email, w.org, &[Role::Medewerker]).await;
    let browser = w.app.logged_in(email).await;
    assert_eq!(w.app.get(&browser, "/account").await.status(), 200);
    let api = token(&w.app, user, w.org, false).await;
    assert_eq!(api_get(&w.app, &api, "/me").await.status(), 200);
    // The account made by hand is linked by its address, not duplicated.
    let id = create_user(&w, email, "l-1").await;
    assert_eq!(id, user.to_string());

    let off = patch(json!([{ "op": "Replace", "path": "active", "value": "False" }]));
    let a = call(&w, Method::PATCH, &format!("/Users/{id}"), Some(off), None).await;
    assert_eq!((a.status, a.body["active"].clone()), (200, json!(false)));
    let r = w.app.get(&browser, "/account").await;
    assert_eq!(r.status(), 303, "the live session has ended");
    assert!(location(&r).starts_with("/inloggen"));
    assert_eq!(api_get(&w.app, &api, "/me").await.status(), 401);
    let (revoked, sessions): (i64, i64) = sqlx::query_as(
        "select (select count(*) from api_token where user_id = $1 and revoked_at is not null),
                (select count(*) from session where user_id = $1)",
    )
    .bind(user)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!((revoked, sessions), (1, 0));
    let after: Value =
        sqlx::query_scalar("select after from audit_event where object_id = $1 and action = 'user.deactivated'")
            .bind(user)
            .fetch_one(&w.app.pool)
            .await
            .unwrap();
    assert_eq!((after["sessions_ended"].clone(), after["api_tokens_revoked"].clone()), (json!(1), json!(1)));
    assert_eq!(w.app.login(&w.app.client(), email, crate::helpers::PASSWORD).await.status(), 422, "login refused");

    // Reactivated (Entra ID's "True"): the person logs in again; the revoked token stays revoked.
    let on = patch(json!([{ "op": "replace", "value": { "active": "True" } }]));
    assert_eq!(call(&w, Method::PATCH, &format!("/Users/{id}"), Some(on), None).await.body["active"], json!(true));
    w.app.logged_in(email).await;
    assert_eq!(api_get(&w.app, &api, "/me").await.status(), 401);
}

/// The "Mijn taken" section of the start page.
async fn my_tasks(app: &TestApp, c: &reqwest::Client) -> String {
    let html = app.get(c, "/").await.text().await.unwrap();
    let start = html.find("id=\"kop-taken\"").expect("a Mijn taken section");
    let end = html[start..].find("</section>").unwrap() + start;
    html[start..end].to_string()
}

#[tokio::test]
async fn a_leaver_s_registrations_stay_and_the_ciso_assigns_a_new_owner() {
    let w = world().await;
    let owner_email = "eigenaar@scimstad.example";
    let owner = w.app.user(owner_email, w.org, &[Role::Medewerker]).await;
    let successor = w.app.user("opvolger@scimstad.example", w.org, &[Role::Medewerker]).await;
    let c = w.app.logged_in(owner_email).await;
    let me = owner.to_string();
    let r = w.app.post(&c, "/register", &complete("Samenvatter", &me, &[])).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let app_id = location(&r).trim_start_matches("/register/").to_string();
    let ciso = w.app.logged_in(CISO).await;
    assert!(!my_tasks(&w.app, &ciso).await.contains("Nieuwe eigenaar toewijzen"));

    // The owner leaves through the Gebruikers page of the beheerder: the same leavers rule, audited.
    let admin = w.app.logged_in(ADMIN).await;
    let r = w.app.post(&admin, &format!("/beheer/gebruikers/{owner}/deactiveren"), &[]).await;
    assert_eq!(r.status(), 303);
    let events: i64 =
        sqlx::query_scalar("select count(*) from audit_event where object_id = $1 and action = 'user.deactivated'")
            .bind(owner)
            .fetch_one(&w.app.pool)
            .await
            .unwrap();
    assert_eq!(events, 1);

    let page = w.app.get(&ciso, &format!("/register/{app_id}")).await.text().await.unwrap();
    assert!(page.contains("De eigenaar is vertrokken"), "the note on the registration");
    let tasks = my_tasks(&w.app, &ciso).await;
    assert!(tasks.contains("Nieuwe eigenaar toewijzen") && tasks.contains("Samenvatter"), "{tasks}");
    assert!(tasks.contains(&format!("/register/{app_id}/bewerken")));
    // Only the CISO gets the task.
    assert!(!my_tasks(&w.app, &admin).await.contains("Nieuwe eigenaar toewijzen"));

    // The CISO assigns the successor on the registration's first step; the task and the note go.
    let version: i32 = sqlx::query_scalar("select version from application where application_id = $1::uuid")
        .bind(&app_id)
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    let (next, v) = (successor.to_string(), version.to_string());
    let fields = complete("Samenvatter", &next, &[("version", &v), ("actie", "opslaan")]);
    let r = w.app.post(&ciso, &format!("/register/{app_id}/bewerken/algemeen"), &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let owner_now: Uuid = sqlx::query_scalar("select owner_id from application where application_id = $1::uuid")
        .bind(&app_id)
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert_eq!(owner_now, successor);
    assert!(!my_tasks(&w.app, &ciso).await.contains("Nieuwe eigenaar toewijzen"));
    let page = w.app.get(&ciso, &format!("/register/{app_id}")).await.text().await.unwrap();
    assert!(!page.contains("De eigenaar is vertrokken"));
    // The history stays: the registration still names its creator.
    let created_by: Uuid = sqlx::query_scalar("select created_by from application where application_id = $1::uuid")
        .bind(&app_id)
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert_eq!(created_by, owner);
}

#[tokio::test]
async fn beheerders_make_and_revoke_tokens_on_the_organisation_page() {
    let w = world().await;
    let admin = w.app.logged_in(ADMIN).await;
    let path = format!("/beheer/organisaties/{}/scim", w.org);
    let r = w.app.post(&admin, &path, &[("name", "")]).await;
    assert_eq!(r.status(), 422);
    let r = w.app.post(&admin, &path, &[("name", "Entra ID")]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let start = html.find("value=\"scim_").expect("the new token is shown") + "value=\"".len();
    let made = &html[start..start + 69];
    assert_eq!(call_with(&w, made, Method::GET, "/Users", None, None).await.status, 200);
    // Shown once: the page afterwards has its prefix and last use, not the token.
    let html = w.app.get(&admin, &path).await.text().await.unwrap();
    assert!(!html.contains(made) && html.contains(&made[..11]) && html.contains("Entra ID"));
    let id: Uuid = sqlx::query_scalar("select scim_token_id from scim_token where name = 'Entra ID'")
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    let r = w.app.post(&admin, &format!("{path}/{id}/intrekken"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_error(&call_with(&w, made, Method::GET, "/Users", None, None).await, 401, None);
    let events: i64 =
        sqlx::query_scalar("select count(*) from audit_event where object_type = 'scim_token' and object_id = $1")
            .bind(id)
            .fetch_one(&w.app.pool)
            .await
            .unwrap();
    assert_eq!(events, 2);
    // Not for a CISO.
    let ciso = w.app.logged_in(CISO).await;
    assert_eq!(w.app.get(&ciso, &path).await.status(), 403);
}
