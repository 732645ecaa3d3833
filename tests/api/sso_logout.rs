//! Logout with the organisation's provider (issue 19, item 3) against the real oidc-provider of sso.rs:
//! RP-initiated logout sends the browser to the provider's end_session_endpoint with the right parameters
//! after ending the application session; the provider's back-channel logout (a real one, and tokens made
//! with the provider's own key for the refusals) ends the sessions of that login; a provider that cannot be
//! reached gives a Dutch page and the session is gone anyway.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::sso::{Provider, configure, have_node, sso_login};

const BACKCHANNEL: &str = "/inloggen/organisatie/backchannel-logout";

async fn sessions(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("select count(*) from session s join app_user u using (user_id) where u.email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The provider's sid of each of the person's linked sessions, oldest first.
async fn sids(app: &TestApp, email: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select x.sid from sso_session x join app_user u using (user_id) where u.email = $1 order by x.created_at",
    )
    .bind(email)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn logout_token(p: &Provider, claims: Value) -> String {
    p.control("/test/logout-token", claims).await["token"].as_str().unwrap().to_string()
}

async fn backchannel(app: &TestApp, token: &str) -> reqwest::Response {
    // A server's request: no cookies, no CSRF token.
    reqwest::Client::new().post(app.url(BACKCHANNEL)).form(&[("logout_token", token)]).send().await.unwrap()
}

async fn assert_bad_token(r: reqwest::Response, why: &str) {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 400, "{why}: {text}");
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{why}: {text}"));
    assert_eq!(body["error"], "invalid_request", "{why}: {body}");
}

fn query(url: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(url).unwrap().query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn param(pairs: &[(String, String)], name: &str) -> String {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// Confirm the provider's logout page (its form with the xsrf field), as a person pressing "Ja, uitloggen".
async fn confirm_at_provider(c: &reqwest::Client, p: &Provider, page_url: &str) -> reqwest::Response {
    let html = c.get(page_url).send().await.unwrap().text().await.unwrap();
    let marker = "name=\"xsrf\" value=\"";
    let start = html.find(marker).expect("the provider's logout form") + marker.len();
    let xsrf = &html[start..start + html[start..].find('"').unwrap()];
    let confirm = format!("{}/session/end/confirm", p.issuer);
    c.post(confirm).form(&[("xsrf", xsrf), ("logout", "yes")]).send().await.unwrap()
}

#[tokio::test]
async fn logout_ends_the_session_and_sends_the_browser_to_the_provider() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0101").await;
    let c = app.client();
    assert_eq!(sso_login(&app, &c, org, "anna").await.status(), 303);
    let (id_token, sid): (String, Option<String>) =
        sqlx::query_as("select id_token, sid from sso_session").fetch_one(&app.pool).await.unwrap();
    assert!(sid.is_some(), "the provider's sid is kept for back-channel logout");

    let r = app.post(&c, "/uitloggen", &[]).await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(to.starts_with(&format!("{}/session/end?", p.issuer)), "{to}");
    let q = query(&to);
    assert_eq!(param(&q, "id_token_hint"), id_token);
    assert_eq!(param(&q, "post_logout_redirect_uri"), app.url("/inloggen?uitgelogd=1"));
    assert_eq!(param(&q, "client_id"), "airegister");
    assert!(param(&q, "state").len() >= 32, "a fresh state");
    assert_eq!(sessions(&app, "anna@gemeente.example").await, 0, "the application session ended first");
    let gone = app.get(&c, "/account").await;
    assert_eq!(gone.status(), 303, "logged out here");
    assert!(location(&gone).starts_with("/inloggen"));

    // The provider accepts the request and sends the browser back to our login page, which says so.
    let r = confirm_at_provider(&c, &p, &to).await;
    assert!(r.status().is_redirection(), "provider answered {}", r.status());
    let back = location(&r);
    assert!(back.starts_with(&app.url("/inloggen?uitgelogd=1")), "{back}");
    let page = c.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("U bent uitgelogd"), "{page}");
    let log = p.control("/test/log", json!({})).await;
    let events: Vec<&str> = log["log"].as_array().unwrap().iter().filter_map(|e| e["event"].as_str()).collect();
    assert!(events.contains(&"end_session"), "{log}");
    assert!(!events.contains(&"backchannel_error"), "our back-channel endpoint accepted the real token: {log}");
}

#[tokio::test]
async fn a_logout_at_the_provider_ends_that_session_here() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0102").await;
    let (a, b) = (app.client(), app.client());
    assert_eq!(sso_login(&app, &a, org, "anna").await.status(), 303);
    assert_eq!(sso_login(&app, &b, org, "anna").await.status(), 303);
    assert_eq!(sessions(&app, "anna@gemeente.example").await, 2);

    // Browser a logs out at the provider itself (another application's logout button, say).
    let end = format!("{}/session/end?client_id=airegister", p.issuer);
    let r = confirm_at_provider(&a, &p, &end).await;
    assert!(r.status().is_redirection() || r.status().is_success(), "provider answered {}", r.status());
    let log = p.control("/test/log", json!({})).await;
    assert!(log["log"].as_array().unwrap().iter().any(|e| e["event"] == "backchannel"), "{log}");
    assert_eq!(app.get(&a, "/account").await.status(), 303, "browser a's session ended by back-channel");
    assert_eq!(app.get(&b, "/account").await.status(), 200, "browser b's login at the provider is another sid");
    let audit: i64 = sqlx::query_scalar("select count(*) from audit_event where action = 'user.logout_provider'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn back_channel_tokens_are_checked() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0103").await;
    let (a, b) = (app.client(), app.client());
    assert_eq!(sso_login(&app, &a, org, "anna").await.status(), 303);
    assert_eq!(sso_login(&app, &b, org, "anna").await.status(), 303);
    let all = sids(&app, "anna@gemeente.example").await;
    let sid = all[0].clone();

    assert_bad_token(backchannel(&app, "geen-token").await, "not a JWT").await;
    let r = reqwest::Client::new().post(app.url(BACKCHANNEL)).form(&[("iets", "anders")]).send().await.unwrap();
    assert_bad_token(r, "no logout_token").await;
    let nonce = logout_token(&p, json!({"sub": "anna", "sid": sid, "nonce": "n"})).await;
    assert_bad_token(backchannel(&app, &nonce).await, "a nonce").await;
    let foreign = logout_token(&p, json!({"sub": "anna", "sid": sid, "foreign": true})).await;
    assert_bad_token(backchannel(&app, &foreign).await, "wrong signature").await;
    let no_event = logout_token(&p, json!({"sub": "anna", "sid": sid, "events": {}})).await;
    assert_bad_token(backchannel(&app, &no_event).await, "no logout event").await;
    let wrong_aud = logout_token(&p, json!({"sub": "anna", "sid": sid, "aud": "een-ander"})).await;
    assert_bad_token(backchannel(&app, &wrong_aud).await, "another audience").await;
    assert_eq!(sessions(&app, "anna@gemeente.example").await, 2, "no bad token ended a session");

    // An unknown sid is harmless.
    let unknown = logout_token(&p, json!({"sid": "onbekend"})).await;
    assert_eq!(backchannel(&app, &unknown).await.status(), 200);
    assert_eq!(sessions(&app, "anna@gemeente.example").await, 2);

    let valid = logout_token(&p, json!({"sub": "anna", "sid": sid})).await;
    let r = backchannel(&app, &valid).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(sids(&app, "anna@gemeente.example").await, all[1..].to_vec(), "only that login's session ended");
    assert_bad_token(backchannel(&app, &valid).await, "a replayed jti").await;

    // With only a sub: all of that person's sessions from this provider.
    let everything = logout_token(&p, json!({"sub": "anna"})).await;
    assert_eq!(backchannel(&app, &everything).await.status(), 200);
    assert_eq!(sessions(&app, "anna@gemeente.example").await, 0);
    assert_eq!(app.get(&b, "/account").await.status(), 303);
    let audit: i64 = sqlx::query_scalar("select count(*) from audit_event where action = 'user.logout_provider'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audit, 2);
}

#[tokio::test]
async fn an_unreachable_provider_at_logout_gives_a_dutch_page() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Stildam", "gm0104").await;
    // A provider address where nothing listens (never discovered in this process).
    sqlx::query(
        "insert into sso_provider (organisation_id, enabled, label, issuer, client_id)
         values ($1, true, 'Stildam-account', 'http://127.0.0.1:9', 'airegister')",
    )
    .bind(org)
    .execute(&app.pool)
    .await
    .unwrap();
    let user = app.user("eva@stildam.example", org, &[airegister::auth::roles::Role::Medewerker]).await;
    let c = app.logged_in("eva@stildam.example").await;
    let hash: Vec<u8> = sqlx::query_scalar("select session_hash from session where user_id = $1")
        .bind(user)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    link(&app, &hash, user, org).await;

    let r = app.post(&c, "/uitloggen", &[]).await;
    assert_eq!(r.status(), 502);
    let page = r.text().await.unwrap();
    assert!(page.contains("Uw sessie in AI-register is beëindigd"), "{page}");
    assert!(page.contains("mogelijk nog ingelogd"), "{page}");
    assert_eq!(sessions(&app, "eva@stildam.example").await, 0);
    assert_eq!(app.get(&c, "/account").await.status(), 303);
}

async fn link(app: &TestApp, hash: &[u8], user: Uuid, org: Uuid) {
    sqlx::query(
        "insert into sso_session (session_hash, user_id, organisation_id, issuer, subject, sid, id_token)
         values ($1, $2, $3, 'http://127.0.0.1:9', 'eva', 'sid-1', 'x.y.z')",
    )
    .bind(hash)
    .bind(user)
    .bind(org)
    .execute(&app.pool)
    .await
    .unwrap();
}
