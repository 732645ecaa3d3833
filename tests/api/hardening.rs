//! Hardening: the login rate limit per client address (with trusted proxies), security.txt, and the security
//! headers on the new pages and on API answers.

use airegister::auth::roles::Role;
use airegister::config::WebConfig;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{PASSWORD, TestApp, fresh_database, location};

async fn spawn(config: WebConfig) -> TestApp {
    TestApp::spawn_on(fresh_database().await, config).await
}

async fn attempt(app: &TestApp, email: &str, password: &str, forwarded: Option<&str>) -> reqwest::Response {
    let mut req = app.client().post(app.url("/inloggen")).form(&[("email", email), ("password", password)]);
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    req.send().await.unwrap()
}

async fn failed_logins(app: &TestApp, email: &str) -> i32 {
    sqlx::query_scalar("select failed_logins from app_user where email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn one_address_gets_a_limited_number_of_login_attempts_whatever_the_account() {
    let app = spawn(WebConfig { login_rate: 3, ..Default::default() }).await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    for who in ["a", "b", "c", "d"] {
        app.user(&format!("{who}@testdam.example"), org, &[Role::Medewerker]).await;
    }
    // Three accounts, one wrong password each: no account comes near its own lockout.
    for who in ["a", "b", "c"] {
        let r = attempt(&app, &format!("{who}@testdam.example"), "fout wachtwoord 123", None).await;
        assert_eq!(r.status(), 422, "{who}");
    }
    // The fourth attempt within the minute is refused, even with the right password of a fourth account.
    let r = attempt(&app, "d@testdam.example", PASSWORD, None).await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().expect("Retry-After in seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(r.headers().get("set-cookie").is_none(), "no session");
    let html = r.text().await.unwrap();
    assert!(html.contains("lang=\"nl\"") && html.contains("Te veel inlogpogingen"));
    assert!(html.contains(&format!("Wacht {wait} seconden en probeer het dan opnieuw.")));
    assert_eq!(failed_logins(&app, "d@testdam.example").await, 0, "the refused attempt was not even tried");
    let sessions: i64 = sqlx::query_scalar("select count(*) from session").fetch_one(&app.pool).await.unwrap();
    assert_eq!(sessions, 0);
    // A forged X-Forwarded-For from an untrusted peer does not buy a new bucket.
    let r = attempt(&app, "d@testdam.example", PASSWORD, Some("198.51.100.77")).await;
    assert_eq!(r.status(), 429);
    // Pages other than the login are not limited.
    assert_eq!(app.get(&app.client(), "/inloggen").await.status(), 200);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let config = WebConfig { login_rate: 3, trusted_proxies: vec!["127.0.0.1".parse().unwrap()], ..Default::default() };
    let app = spawn(config).await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    app.user("a@testdam.example", org, &[Role::Medewerker]).await;
    app.user("b@testdam.example", org, &[Role::Medewerker]).await;
    for _ in 0..3 {
        assert_eq!(attempt(&app, "a@testdam.example", "fout wachtwoord 123", Some("203.0.113.10")).await.status(), 422);
    }
    assert_eq!(attempt(&app, "a@testdam.example", PASSWORD, Some("203.0.113.10")).await.status(), 429);
    // The same client through a second proxy hop (the trusted proxy appended its peer): still the same client.
    assert_eq!(attempt(&app, "a@testdam.example", PASSWORD, Some("203.0.113.10, 127.0.0.1")).await.status(), 429);
    // Another client behind the same proxy has its own attempts.
    let r = attempt(&app, "b@testdam.example", PASSWORD, Some("203.0.113.20")).await;
    assert_eq!(r.status(), 303);
    // The client's address, not the proxy's, is what the audit trail records.
    let c = app.client();
    let r = c
        .post(app.url("/inloggen"))
        .header("x-forwarded-for", "203.0.113.30")
        .form(&[("email", "b@testdam.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let token = app.csrf(&c).await;
    let r = c
        .post(app.url("/register"))
        .header("x-forwarded-for", "203.0.113.30")
        .form(&[
            ("name", "Vertaalhulp"),
            ("description_short", "Vertalen van brieven."),
            ("checked_name", "Vertaalhulp"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", location(&r));
    let origin: String = sqlx::query_scalar("select origin from audit_event where action = 'application.created'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(origin, "web 203.0.113.30");
}

#[tokio::test]
async fn security_txt_names_the_contact_and_expires_within_a_year() {
    let app = spawn(WebConfig::default()).await;
    let r = app.get(&app.client(), "/.well-known/security.txt").await;
    assert_eq!(r.status(), 404, "no contact before there is an organisation");

    app.org("Gemeente Testdam", "gm0101").await;
    app.org("Gemeente Anderdam", "gm0202").await;
    let r = app.get(&app.client(), "/.well-known/security.txt").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let body = r.text().await.unwrap();
    let field = |name: &str| -> Vec<String> {
        body.lines().filter_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_string)).collect()
    };
    assert_eq!(field("Contact"), vec!["mailto:ai@gm0101.example".to_string()], "the first organisation's mailbox");
    let expires = field("Expires");
    assert_eq!(expires.len(), 1, "{body}");
    let expires = OffsetDateTime::parse(&expires[0], &Rfc3339).expect("Expires in RFC 3339");
    let now = OffsetDateTime::now_utc();
    assert!(expires > now + time::Duration::days(30), "{expires}");
    assert!(expires < now + time::Duration::days(365), "less than a year ahead (RFC 9116): {expires}");
    assert!(field("Canonical").is_empty(), "no canonical address without an https public URL");
    assert!(field("Policy").is_empty());
    assert!(body.lines().all(|l| l.contains(": ")), "only fields: {body}");

    // Plain http public URL: still no Canonical.
    let app2 = TestApp::spawn_on(
        app.pool.clone(),
        WebConfig { public_url: Some("http://localhost:8080".into()), ..Default::default() },
    )
    .await;
    let body = app2.get(&app2.client(), "/.well-known/security.txt").await.text().await.unwrap();
    assert!(!body.contains("Canonical"), "{body}");

    // Configured contact and policy, https: Canonical points at this file.
    let app3 = TestApp::spawn_on(
        app.pool.clone(),
        WebConfig {
            public_url: Some("https://ai.testdam.example".into()),
            security_contact: Some("https://testdam.example/kwetsbaarheid-melden".into()),
            security_policy: Some("https://testdam.example/cvd".into()),
            ..Default::default()
        },
    )
    .await;
    let body = app3.get(&app3.client(), "/.well-known/security.txt").await.text().await.unwrap();
    assert!(body.contains("Contact: https://testdam.example/kwetsbaarheid-melden\n"), "{body}");
    assert!(!body.contains("mailto:"), "{body}");
    assert!(body.contains("Policy: https://testdam.example/cvd\n"));
    assert!(body.contains("Canonical: https://ai.testdam.example/.well-known/security.txt\n"), "{body}");
}

/// The headers every answer carries; `no_store` for pages and API answers with data.
pub fn assert_hardened(r: &reqwest::Response, what: &str, no_store: bool) {
    let h = r.headers();
    let get = |name: &str| h.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let csp = get("content-security-policy");
    assert!(csp.contains("default-src 'self'"), "{what}: CSP {csp:?}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{what}: {csp}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "same-origin", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    if no_store {
        assert!(get("cache-control").contains("no-store"), "{what}: cache-control {:?}", get("cache-control"));
    }
}

#[tokio::test]
async fn new_pages_and_api_answers_carry_the_security_headers() {
    let app = spawn(WebConfig { login_rate: 1000, ..Default::default() }).await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let ciso = app.user("ciso@testdam.example", org, &[Role::Medewerker, Role::Ciso]).await;
    app.user("mw@testdam.example", org, &[Role::Medewerker]).await;
    let c = app.logged_in("ciso@testdam.example").await;
    let mw = app.logged_in("mw@testdam.example").await;

    for path in ["/overzicht", "/account/tweestapsverificatie", "/account/api-tokens", "/register?toets=dpia_ontbreekt"]
    {
        let r = app.get(&c, path).await;
        assert_eq!(r.status(), 200, "{path}");
        assert_hardened(&r, path, true);
    }
    let r = app.get(&mw, "/overzicht").await;
    assert_eq!(r.status(), 403);
    assert_hardened(&r, "403 of the dashboard", true);

    // The code page of a half-finished login and the 429 page.
    let secret: Vec<u8> = {
        let _ = app.get(&c, "/account/tweestapsverificatie").await;
        sqlx::query_scalar("select totp_pending from app_user where user_id = $1")
            .bind(ciso)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let r = app
        .post(
            &c,
            "/account/tweestapsverificatie",
            &[("code", &format!("{:06}", airegister::auth::totp::current_code(&secret))), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let p = app.client();
    assert_eq!(app.login(&p, "ciso@testdam.example", PASSWORD).await.status(), 303);
    let r = app.get(&p, "/inloggen/code?next=%2F").await;
    assert_eq!(r.status(), 200);
    assert_hardened(&r, "code page", true);

    // The API: 401 without a token, problem+json, and with a token.
    let api = reqwest::Client::new();
    let r = api.get(app.url("/api/v1/applications")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"AI-register\"");
    assert_hardened(&r, "API 401", true);
    let token = airegister::api::tokens::issue(&app.pool, ciso, org, "test", false, 30).await.unwrap();
    for path in [
        "/api/v1/me",
        "/api/v1/applications",
        "/api/v1/applications/00000000-0000-0000-0000-000000000000",
        "/api/v1/applications/kapot",
        "/api/v1/export?format=csv",
        "/api/v1/bestaat-niet",
    ] {
        let r = api.get(app.url(path)).bearer_auth(&token).send().await.unwrap();
        assert_hardened(&r, path, true);
    }
    for path in ["/api/v1/openapi.json", "/api/v1/docs"] {
        let r = api.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_hardened(&r, path, true);
    }
    let r = api.get(app.url("/.well-known/security.txt")).send().await.unwrap();
    assert_hardened(&r, "security.txt", false);
}

#[tokio::test]
async fn codes_of_the_second_step_count_toward_the_same_limit() {
    let app = spawn(WebConfig { login_rate: 4, ..Default::default() }).await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let jan = app.user("jan@testdam.example", org, &[Role::Medewerker]).await;
    // Successful logins and a right password are not charged: only failures are.
    let c = app.logged_in("jan@testdam.example").await;
    let _ = app.get(&c, "/account/tweestapsverificatie").await;
    let secret: Vec<u8> = sqlx::query_scalar("select totp_pending from app_user where user_id = $1")
        .bind(jan)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let code = |s: &[u8]| format!("{:06}", airegister::auth::totp::current_code(s));
    let r = app.post(&c, "/account/tweestapsverificatie", &[("code", &code(&secret)), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 200, "setting up is not a login attempt");

    let p = app.client();
    for _ in 0..3 {
        assert_eq!(app.login(&p, "jan@testdam.example", PASSWORD).await.status(), 303);
    }
    for _ in 0..4 {
        // Four wrong codes: four failures charged to this address.
        let r = p.post(app.url("/inloggen/code")).form(&[("code", "abc"), ("next", "/")]).send().await.unwrap();
        assert_eq!(r.status(), 422);
    }
    // Even the right code is not looked at now.
    let r = p.post(app.url("/inloggen/code")).form(&[("code", "000000"), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("Te veel inlogpogingen"));
}

#[tokio::test]
async fn a_nul_character_in_an_address_is_bad_input_not_a_server_error() {
    // Found by the wapiti scan (scripts/security-scan.sh): `%00` in a filter reached PostgreSQL, which refuses
    // NUL in text, and the answer was a 500.
    let app = spawn(WebConfig { login_rate: 1000, ..Default::default() }).await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let ciso = app.user("ciso@testdam.example", org, &[Role::Medewerker, Role::Ciso]).await;
    let c = app.logged_in("ciso@testdam.example").await;
    for path in [
        "/register?status=x%00",
        "/register?q=chat%00bot&risico=hoog",
        "/register/nieuw?naam=Chat%00GPT",
        "/toegestane-tools?zoek=%00",
        "/openbaar/gm0101?thema=%00",
        "/register/%00",
    ] {
        let r = app.get(&c, path).await;
        assert_eq!(r.status(), 400, "{path}");
        assert_hardened(&r, path, true);
        let body = r.text().await.unwrap();
        assert!(body.contains("Ongeldige invoer") && body.contains("NUL-teken"), "{path}: {body}");
    }
    let token = airegister::api::tokens::issue(&app.pool, ciso, org, "test", false, 30).await.unwrap();
    let r = reqwest::Client::new().get(app.url("/api/v1/applications?q=%00")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // The same search without the NUL works, and the session survived.
    assert_eq!(app.get(&c, "/register?q=chatbot&status=ingediend").await.status(), 200);

    // Wherever else a NUL could reach the database, PostgreSQL's refusal is bad input (400), not a fault.
    let err = sqlx::query_scalar::<_, String>("select $1::text").bind("a\0b").fetch_one(&app.pool).await.unwrap_err();
    let resp = axum::response::IntoResponse::into_response(airegister::error::AppError::from(err));
    assert_eq!(resp.status(), 400);
}

/// Found by independent testing: a NUL in a new organisation's name gave a 500 (PostgreSQL's refusal), and in
/// four other forms the generic 400 page, with everything typed lost. Every typed form now answers on the
/// field, in Dutch, with the rest of the input kept and nothing written.
#[tokio::test]
async fn a_control_character_in_a_form_field_is_named_on_that_field_and_the_input_kept() {
    let app = spawn(WebConfig::default()).await;
    let org = app.org("Gemeente Nul", "gm0100").await;
    app.user("beheer@nul.example", org, &[Role::Medewerker, Role::Beheerder]).await;
    let c = app.logged_in("beheer@nul.example").await;
    let version: i32 = sqlx::query_scalar("select version from organisation where organisation_id = $1")
        .bind(org)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let version = version.to_string();
    let org_path = format!("/beheer/organisaties/{org}");
    // (form, fields, the field with the character, the start of its message, input that must come back)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            "/beheer/organisaties",
            vec![("org_name", "Gemeente\0Nieuw"), ("org_code", "gm0200"), ("org_email", "ai@nieuw.example")],
            "org_name",
            "De naam van de organisatie bevat een teken dat niet is toegestaan",
            "ai@nieuw.example",
        ),
        (
            &org_path,
            vec![
                ("org_name", "Gemeente Nul\u{7}"),
                ("org_code", "gm0100"),
                ("org_email", "ai@gm0100.example"),
                ("version", &version),
            ],
            "org_name",
            "De naam van de organisatie bevat een teken",
            "Gemeente Nul",
        ),
        (
            "/beheer/gebruikers",
            vec![("email", "piet@nul.example"), ("name", "Piet\0Jansen"), ("roles", "medewerker")],
            "name",
            "De naam bevat een teken dat niet is toegestaan",
            "PietJansen",
        ),
        (
            "/account/api-tokens",
            vec![("name", "Zaak\0systeem"), ("validity", "7"), ("password", PASSWORD)],
            "name",
            "Een naam voor het token bevat een teken",
            "Zaaksysteem",
        ),
    ];
    for (path, fields, field, message, kept) in cases {
        let r = app.post(&c, path, &fields).await;
        assert_eq!(r.status(), 422, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains(message), "{path}: the message on {field}: {html}");
        assert!(
            html.contains(&format!("id=\"{field}-error\"")) || html.contains(&format!("href=\"#{field}\"")),
            "{path}: linked to {field}"
        );
        assert!(html.contains(kept), "{path}: the input comes back ({kept})");
        assert!(!html.contains('\0') && !html.contains('\u{7}'), "{path}: no control character in the page");
    }
    assert_eq!(app.count("select count(*) from organisation where organisation_id <> $1", org).await, 0);
    let name: String = sqlx::query_scalar("select name from organisation where organisation_id = $1")
        .bind(org)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "Gemeente Nul");
    assert_eq!(
        app.count("select count(*) from app_user where email = 'piet@nul.example' and $1 is not null", org).await,
        0
    );
    assert_eq!(app.count("select count(*) from api_token where $1 is not null", org).await, 0);

    // The login form: the e-mail field, not the generic page; no session cookie.
    let anonymous = app.client();
    let r = anonymous
        .post(app.url("/inloggen"))
        .form(&[("email", "beheer\0@nul.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.headers().get("set-cookie").is_none());
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Uw e-mailadres bevat een teken dat niet is toegestaan") && html.contains("beheer@nul.example")
    );
}

/// Found by independent testing: after ten failed logins from one address, a colleague with the right password
/// from the same address got 429, so one person could keep a whole office (or, behind a proxy without trusted
/// proxies, everyone) out; and each instance behind a proxy counted alone. Now a browser that logged in before
/// carries a device cookie and is not held back by the failures of others; unknown browsers from an address
/// that fails a lot are slowed; the count is kept in PostgreSQL, shared by instances.
#[tokio::test]
async fn failures_of_others_do_not_keep_a_known_browser_out_and_instances_share_the_count() {
    let pool = fresh_database().await;
    let config = WebConfig { login_rate: 3, ..Default::default() };
    let one = TestApp::spawn_on(pool.clone(), config.clone()).await;
    let two = TestApp::spawn_on(pool.clone(), config).await;
    let org = one.org("Gemeente Kantoor", "gm0303").await;
    one.user("collega@kantoor.example", org, &[Role::Medewerker]).await;
    one.user("doelwit@kantoor.example", org, &[Role::Medewerker]).await;
    let login = |app: &TestApp, c: &reqwest::Client, email: &str, password: &str| {
        let req = c.post(app.url("/inloggen")).form(&[("email", email), ("password", password)]);
        async move { req.send().await.unwrap().status().as_u16() }
    };

    // The colleague worked here yesterday: logged in (and got a device cookie), logged out.
    let colleague = one.client();
    let r = colleague
        .post(one.url("/inloggen"))
        .form(&[("email", "collega@kantoor.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookies: Vec<String> =
        r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let device = cookies.iter().find(|c| c.starts_with("airegister_apparaat=")).expect("a device cookie");
    assert!(device.contains("HttpOnly") && device.contains("SameSite=Lax") && device.contains("Max-Age=31536000"));
    assert_eq!(one.post(&colleague, "/uitloggen", &[]).await.status(), 303);

    // Someone at the same address guesses on instance one until refused ...
    for _ in 0..3 {
        assert_eq!(login(&one, &one.client(), "doelwit@kantoor.example", "fout wachtwoord 123").await, 422);
    }
    assert_eq!(login(&one, &one.client(), "doelwit@kantoor.example", "fout wachtwoord 123").await, 429);
    // ... and instance two knows: one count for both.
    assert_eq!(login(&two, &two.client(), "doelwit@kantoor.example", PASSWORD).await, 429);
    let row: i64 = sqlx::query_scalar("select count(*) from login_throttle").fetch_one(&pool).await.unwrap();
    assert_eq!(row, 1);

    // The colleague's browser is not held back, on either instance.
    assert_eq!(login(&two, &colleague, "collega@kantoor.example", PASSWORD).await, 303);
    assert_eq!(one.post(&colleague, "/uitloggen", &[]).await.status(), 303);
    assert_eq!(login(&one, &colleague, "collega@kantoor.example", PASSWORD).await, 303);
    // A browser the colleague never used is an unknown device, slowed like any other.
    assert_eq!(login(&one, &one.client(), "collega@kantoor.example", PASSWORD).await, 429);
    // The cookie vouches only for its own user: another account from that browser is still limited.
    assert_eq!(one.post(&colleague, "/uitloggen", &[]).await.status(), 303);
    assert_eq!(login(&one, &colleague, "doelwit@kantoor.example", PASSWORD).await, 429);

    // Failures through the cookie count on the cookie (and on the account): not on the address, not a 429 ...
    for _ in 0..4 {
        assert_eq!(login(&one, &colleague, "collega@kantoor.example", "fout wachtwoord 123").await, 422);
    }
    let failures: i32 = sqlx::query_scalar("select max(failures) from login_device").fetch_one(&pool).await.unwrap();
    assert_eq!(failures, 4);
    // ... the fifth locks the account as always, and the cookie is no longer trusted: from then on this browser
    // is an unknown device, and the address has no attempts left.
    assert_eq!(login(&one, &colleague, "collega@kantoor.example", "fout wachtwoord 123").await, 422);
    assert_eq!(login(&one, &colleague, "collega@kantoor.example", PASSWORD).await, 429);
}
