//! Inloggen met organisatie-account against a real OpenID provider: oidc-provider from npm, started by the
//! test on loopback (tests/support/oidc/provider.mjs). The whole flow over HTTP: first login makes the
//! account, groups change roles (hand-granted roles stay), tampered, expired, wrong-audience, wrong-issuer
//! and unsigned tokens, a wrong state or nonce and a login from another browser are refused with a Dutch
//! message, a rotated key is fetched, a misconfigured provider gives a Dutch page, never a 500.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use airegister::auth::roles::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, location, scratch_dir};

const SECRET: &str = "test-geheim-van-de-client-1234567890";
const CALLBACK: &str = "/inloggen/organisatie/terugkeer";

fn oidc_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/oidc")
}

/// Whether Node.js is there; the tests say so and pass without it (CI has it).
pub fn have_node() -> bool {
    let ok = Command::new("node").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
    if !ok {
        eprintln!("SKIPPED: Node.js (node, npm) is not installed; the SSO tests need it for the OpenID provider");
    }
    ok
}

/// oidc-provider's packages, installed once per checkout (several tests may ask at the same time).
fn npm_ci() {
    let dir = oidc_dir();
    let script = "[ -d node_modules/oidc-provider ] && [ node_modules -nt package-lock.json ] || { npm ci --no-audit --no-fund --silent && touch node_modules; }";
    let status = Command::new("flock")
        .arg(std::env::temp_dir().join("airegister-oidc-npm.lock"))
        .args(["sh", "-c", script])
        .current_dir(&dir)
        .status()
        .expect("flock and sh run");
    assert!(status.success(), "npm ci in tests/support/oidc failed");
}

/// The provider process; ends when dropped.
pub struct Provider {
    child: Child,
    pub issuer: String,
}

impl Provider {
    pub fn start(app: &TestApp) -> Provider {
        npm_ci();
        let mut child = Command::new("node")
            .arg(oidc_dir().join("provider.mjs"))
            .args(["--redirect-uri", &app.url(CALLBACK), "--post-logout-uri", &app.url("/inloggen?uitgelogd=1")])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts");
        let mut line = String::new();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        // Keep reading, so that the provider never writes into a closed pipe.
        std::thread::spawn(move || for _ in out.lines() {});
        let v: Value = serde_json::from_str(&line).expect("the provider prints its issuer");
        Provider { child, issuer: v["issuer"].as_str().unwrap().to_string() }
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        let r = reqwest::Client::new().post(format!("{}{path}", self.issuer)).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200, "provider control {path}");
        r.json().await.unwrap()
    }

    pub async fn person(&self, sub: &str, email: &str, groups: &[&str]) {
        self.control(
            "/test/user",
            json!({"sub": sub, "email": email, "name": format!("Naam {sub}"), "groups": groups}),
        )
        .await;
    }

    pub async fn mode(&self, mode: &str) {
        self.control("/test/mode", json!({ "mode": mode })).await;
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An organisation with the provider switched on (the secret in a file, as the settings page stores it).
pub async fn configure(app: &TestApp, p: &Provider, code: &str) -> Uuid {
    let org = app.org("Gemeente Testdam", code).await;
    let secret_file = scratch_dir("oidc-secret").join("secret");
    std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
    sqlx::query(
        "insert into sso_provider (organisation_id, enabled, label, issuer, client_id, secret_file, scopes)
         values ($1, true, 'Gemeente-account', $2, 'airegister', $3, 'openid email profile groups')",
    )
    .bind(org)
    .bind(&p.issuer)
    .bind(secret_file.to_str().unwrap())
    .execute(&app.pool)
    .await
    .unwrap();
    org
}

fn resolve(current: &str, loc: &str) -> String {
    reqwest::Url::parse(current).unwrap().join(loc).unwrap().to_string()
}

/// Start at the login page's button, log in at the provider as `sub`, and return the answer of our callback.
pub async fn sso_login(app: &TestApp, c: &reqwest::Client, org: Uuid, sub: &str) -> reqwest::Response {
    let org = org.to_string();
    let r = c.post(app.url("/inloggen/organisatie")).form(&[("organisation", org.as_str()), ("next", "/account")]);
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), 303, "start: {}", r.text().await.unwrap());
    let mut url = location(&r);
    // The provider's redirects up to its login page.
    loop {
        let r = c.get(&url).send().await.unwrap();
        if r.status() != 303 && r.status() != 302 {
            assert_eq!(r.status(), 200, "provider page {url}");
            break;
        }
        url = resolve(&url, &location(&r));
    }
    let r = c.post(&url).form(&[("login", sub)]).send().await.unwrap();
    let mut next = resolve(&url, &location(&r));
    // Back through the provider's resume step to our callback.
    while !next.starts_with(&app.url(CALLBACK)) {
        let r = c.get(&next).send().await.unwrap();
        assert!(r.status().is_redirection(), "provider answered {} at {next}", r.status());
        next = resolve(&next, &location(&r));
    }
    c.get(&next).send().await.unwrap()
}

pub async fn roles(app: &TestApp, email: &str, org: Uuid) -> Vec<(String, String)> {
    sqlx::query_as(
        "select m.role, m.source from membership m join app_user u using (user_id)
          where u.email = $1 and m.organisation_id = $2 order by m.role",
    )
    .bind(email)
    .bind(org)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

pub fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[tokio::test]
async fn first_login_creates_the_account_and_a_session() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0001").await;
    let c = app.client();
    let page = app.get(&c, "/inloggen").await.text().await.unwrap();
    assert!(page.contains("Inloggen met Gemeente-account"), "{page}");

    let r = sso_login(&app, &c, org, "anna").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    let account = app.get(&c, "/account").await.text().await.unwrap();
    assert!(account.contains("anna@gemeente.example"), "logged in as the new account");
    assert_eq!(roles(&app, "anna@gemeente.example", org).await, pairs(&[("medewerker", "sso")]));
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_event where object_type = 'user' order by audit_id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(actions, ["user.created", "user.roles_from_groups", "user.login_sso"]);

    // Again, from another browser: the same account, no second one.
    let r = sso_login(&app, &app.client(), org, "anna").await;
    assert_eq!(r.status(), 303);
    let n: i64 = sqlx::query_scalar("select count(*) from app_user").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 1);
    let id: i64 = sqlx::query_scalar("select count(*) from sso_identity where subject = 'anna'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(id, 1);
}

#[tokio::test]
async fn roles_follow_the_groups_and_hand_granted_roles_stay() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0002").await;
    sqlx::query("insert into sso_group_role (organisation_id, group_name, role) values ($1, 'informatiebeveiliging', 'ciso'), ($1, 'projecten', 'projectleider')")
        .bind(org)
        .execute(&app.pool)
        .await
        .unwrap();
    // Bob had an account made by hand, with the FG role: it is linked, and FG stays his.
    app.user("bob@gemeente.example", org, &[Role::Fg]).await;
    p.person("bob", "bob@gemeente.example", &["informatiebeveiliging", "projecten"]).await;
    assert_eq!(sso_login(&app, &app.client(), org, "bob").await.status(), 303);
    assert_eq!(
        roles(&app, "bob@gemeente.example", org).await,
        pairs(&[("ciso", "sso"), ("fg", "hand"), ("medewerker", "sso"), ("projectleider", "sso")])
    );

    p.person("bob", "bob@gemeente.example", &["projecten"]).await;
    assert_eq!(sso_login(&app, &app.client(), org, "bob").await.status(), 303);
    assert_eq!(
        roles(&app, "bob@gemeente.example", org).await,
        pairs(&[("fg", "hand"), ("medewerker", "sso"), ("projectleider", "sso")])
    );
    let changes: Vec<Value> =
        sqlx::query_scalar("select after from audit_event where action = 'user.roles_from_groups' order by audit_id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(changes.len(), 2, "every change of roles is in the audit trail");
    assert_eq!(changes[1]["roles_from_groups"], json!(["medewerker", "projectleider"]));
    let users: i64 = sqlx::query_scalar("select count(*) from app_user").fetch_one(&app.pool).await.unwrap();
    assert_eq!(users, 1, "the account made by hand was linked, not doubled");
}

async fn send(app: &TestApp, c: &reqwest::Client, path: &str, f: Vec<(String, String)>) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    app.post(c, path, &pairs).await
}

/// A login whose callback must be refused with `message`, leaving no session and no account.
async fn assert_refused(app: &TestApp, c: &reqwest::Client, r: reqwest::Response, message: &str) {
    let status = r.status();
    let body = r.text().await.unwrap();
    assert!(status == 400 || status == 403 || status == 502, "status {status}");
    assert!(body.contains(message), "expected {message:?} in {body}");
    assert!(body.contains("lang=\"nl\""));
    assert_eq!(app.get(c, "/account").await.status(), 303, "no session");
}

#[tokio::test]
async fn bad_tokens_are_refused_with_a_dutch_message() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0003").await;
    for (mode, message) in [
        ("tamper", "niet door de inlogdienst van uw organisatie ondertekend of is onderweg veranderd"),
        ("alg-none", "niet door de inlogdienst van uw organisatie ondertekend"),
        ("expired", "is verlopen"),
        ("wrong-aud", "niet voor AI-register bedoeld"),
        ("wrong-iss", "komt van een andere inlogdienst"),
        ("wrong-nonce", "nonce klopt niet"),
    ] {
        p.mode(mode).await;
        let c = app.client();
        let r = sso_login(&app, &c, org, "anna").await;
        assert_refused(&app, &c, r, message).await;
    }
    let n: i64 = sqlx::query_scalar("select count(*) from app_user").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 0, "no account from a refused token");
    p.mode("normal").await;
    assert_eq!(sso_login(&app, &app.client(), org, "anna").await.status(), 303, "a good token still works");
}

#[tokio::test]
async fn wrong_state_and_another_browser_are_refused() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0004").await;
    let c = app.client();
    let r = c.post(app.url("/inloggen/organisatie")).form(&[("organisation", org.to_string())]).send().await.unwrap();
    let auth = location(&r);
    assert!(auth.contains("code_challenge_method=S256") && auth.contains("nonce="), "{auth}");
    let r = c.get(app.url(&format!("{CALLBACK}?code=x&state=verkeerd"))).send().await.unwrap();
    assert_refused(&app, &c, r, "state klopt niet").await;
    // The pending login was used up by that attempt; and a browser that did not start one is refused too.
    let r = c.get(app.url(&format!("{CALLBACK}?code=x&state=y"))).send().await.unwrap();
    assert_refused(&app, &c, r, "niet in deze browser begonnen").await;
}

#[tokio::test]
async fn a_rotated_signing_key_is_fetched() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0005").await;
    assert_eq!(sso_login(&app, &app.client(), org, "anna").await.status(), 303);
    let before = p.control("/test/log", json!({})).await["kid"].clone();
    let after = p.control("/test/rotate", json!({})).await["kid"].clone();
    assert_ne!(before, after);
    let c = app.client();
    assert_eq!(sso_login(&app, &c, org, "anna").await.status(), 303, "the new key was fetched");
    assert_eq!(app.get(&c, "/account").await.status(), 200);
}

#[tokio::test]
async fn domain_and_group_not_allowed_are_refused() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0006").await;
    sqlx::query("update sso_provider set allowed_domains = '{andere.example}' where organisation_id = $1")
        .bind(org)
        .execute(&app.pool)
        .await
        .unwrap();
    let c = app.client();
    let r = sso_login(&app, &c, org, "anna").await;
    assert_eq!(r.status(), 403);
    assert_refused(&app, &c, r, "e-mailadres van gemeente.example is bij deze organisatie niet toegestaan").await;
    sqlx::query(
        "update sso_provider set allowed_domains = '{}', allowed_groups = '{ai-gebruikers}' where organisation_id = $1",
    )
    .bind(org)
    .execute(&app.pool)
    .await
    .unwrap();
    let c = app.client();
    let r = sso_login(&app, &c, org, "anna").await;
    assert_refused(&app, &c, r, "geen lid van een groep").await;
    let n: i64 = sqlx::query_scalar("select count(*) from app_user").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_misconfigured_provider_gives_a_dutch_page() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = configure(&app, &p, "gm0007").await;
    // Wrong secret: the provider refuses the code exchange.
    let file = scratch_dir("oidc-secret").join("secret");
    std::fs::write(&file, "niet-het-geheim").unwrap();
    sqlx::query("update sso_provider set secret_file = $2 where organisation_id = $1")
        .bind(org)
        .bind(file.to_str().unwrap())
        .execute(&app.pool)
        .await
        .unwrap();
    let c = app.client();
    let r = sso_login(&app, &c, org, "anna").await;
    assert_eq!(r.status(), 502);
    assert_refused(&app, &c, r, "client-id of het clientgeheim klopt niet").await;
    // Unreachable issuer: refused at the start.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    sqlx::query("update sso_provider set issuer = $2 where organisation_id = $1")
        .bind(org)
        .bind(format!("http://127.0.0.1:{dead}"))
        .execute(&app.pool)
        .await
        .unwrap();
    let r = c.post(app.url("/inloggen/organisatie")).form(&[("organisation", org.to_string())]).send().await.unwrap();
    assert_eq!(r.status(), 502);
    assert!(r.text().await.unwrap().contains("niet bereikbaar"));
}

#[tokio::test]
async fn the_settings_page_saves_tests_and_names_bad_fields() {
    if !have_node() {
        return;
    }
    let app = TestApp::spawn().await;
    let p = Provider::start(&app);
    let org = app.org("Gemeente Instelstad", "gm0008").await;
    app.user("beheer@instelstad.example", org, &[Role::Medewerker, Role::Beheerder]).await;
    app.user("ciso@instelstad.example", org, &[Role::Medewerker, Role::Ciso]).await;
    let path = format!("/beheer/organisaties/{org}/inloggen");
    let ciso = app.logged_in("ciso@instelstad.example").await;
    let r = app.get(&ciso, &path).await;
    assert_eq!(r.status(), 403, "{}", r.text().await.unwrap());

    let c = app.logged_in("beheer@instelstad.example").await;
    let page = app.get(&c, &path).await.text().await.unwrap();
    assert!(page.contains(&app.url(CALLBACK)), "the redirect URI to register is shown");
    assert!(page.contains("AIREGISTER_OIDC_GM0008_SECRET"));

    let secret = scratch_dir("oidc-secret").join("secret");
    std::fs::write(&secret, SECRET).unwrap();
    let secret = secret.to_str().unwrap().to_string();
    let fields = |issuer: &str, actie: &str, roles: &str| {
        vec![
            ("enabled".to_string(), "ja".to_string()),
            ("label".into(), "Instelstad-account".into()),
            ("issuer".into(), issuer.to_string()),
            ("client_id".into(), "airegister".into()),
            ("secret_file".into(), secret.clone()),
            ("scopes".into(), "openid email profile groups".into()),
            ("email_claim".into(), "email".into()),
            ("name_claim".into(), "name".into()),
            ("groups_claim".into(), "groups".into()),
            ("group_roles".into(), roles.to_string()),
            ("local_login".into(), "ja".into()),
            ("version".into(), "".into()),
            ("actie".into(), actie.to_string()),
        ]
    };
    // Bad input: named on the field, the form comes back filled in, nothing saved.
    let r = send(&app, &c, &path, fields("http://idp.gemeente.nl", "opslaan", "beveiliging = baas")).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Uitgever (issuer): Gebruik een https-adres"), "{body}");
    assert!(body.contains("regel 1"));
    assert!(body.contains("Instelstad-account"), "the input is kept");
    // Testen: a dead address and the real provider.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let body =
        send(&app, &c, &path, fields(&format!("http://127.0.0.1:{dead}"), "testen", "")).await.text().await.unwrap();
    assert!(body.contains("Test mislukt.") && body.contains("niet bereikbaar"), "{body}");
    let body = send(&app, &c, &path, fields(&p.issuer, "testen", "")).await.text().await.unwrap();
    assert!(body.contains("Test geslaagd.") && body.contains("1 sleutel(s)"), "{body}");
    assert!(body.contains("gevonden in het bestand"));
    assert!(!body.contains(SECRET), "the secret is never shown");
    let saved: i64 = sqlx::query_scalar("select count(*) from sso_provider").fetch_one(&app.pool).await.unwrap();
    assert_eq!(saved, 0, "testing saves nothing");
    // Save, then a login through it; a stale version is a conflict.
    let r = send(&app, &c, &path, fields(&p.issuer, "opslaan", "informatiebeveiliging = ciso")).await;
    assert_eq!(r.status(), 303);
    p.person("carla", "carla@gemeente.example", &["informatiebeveiliging"]).await;
    assert_eq!(sso_login(&app, &app.client(), org, "carla").await.status(), 303);
    assert_eq!(roles(&app, "carla@gemeente.example", org).await, pairs(&[("ciso", "sso"), ("medewerker", "sso")]));
    let r = send(&app, &c, &path, fields(&p.issuer, "opslaan", "")).await;
    assert_eq!(r.status(), 409, "the form was made from no settings; now there are");
    let audit: i64 = sqlx::query_scalar("select count(*) from audit_event where action = 'organisation.sso_settings'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audit, 1);
}
