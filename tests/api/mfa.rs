//! Two-factor login (TOTP with recovery codes): setting it up under Mijn account, the code step of the login
//! (single use, recovery codes, lockout), the organisation's requirement for beheerders and CISOs, and the
//! administrator's reset.

use std::time::{SystemTime, UNIX_EPOCH};

use airegister::auth::roles::Role;
use airegister::auth::totp::{code_at, current_code, secret_text};
use airegister::config::WebConfig;
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, location};

/// A generous address limit: these tests log in often from 127.0.0.1 and are about the per-account rules.
async fn spawn() -> TestApp {
    TestApp::spawn_on(crate::helpers::fresh_database().await, WebConfig { login_rate: 1000, ..Default::default() })
        .await
}

const SETUP: &str = "/account/tweestapsverificatie";

fn now_step() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() / 30
}

#[derive(Debug)]
struct Totp {
    secret: Option<Vec<u8>>,
    pending: Option<Vec<u8>>,
    last_step: Option<i64>,
}

async fn totp(app: &TestApp, user: Uuid) -> Totp {
    let (secret, pending, last_step): (Option<Vec<u8>>, Option<Vec<u8>>, Option<i64>) =
        sqlx::query_as("select totp_secret, totp_pending, totp_last_step from app_user where user_id = $1")
            .bind(user)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    Totp { secret, pending, last_step }
}

fn six(code: u32) -> String {
    format!("{code:06}")
}

/// The code of the earliest step the server accepts now that is later than the last one used (the current
/// step or the next one; the server allows one step either side).
async fn fresh_code(app: &TestApp, user: Uuid) -> (String, u64) {
    let t = totp(app, user).await;
    let secret = t.secret.expect("two-factor login is on");
    let now = now_step();
    let step = [now, now + 1]
        .into_iter()
        .find(|s| t.last_step.is_none_or(|last| *s as i64 > last))
        .expect("a step in the window that was not used yet");
    (six(code_at(&secret, step)), step)
}

/// Six digits that are not the code of any step the server might accept now.
fn wrong_code(secret: &[u8]) -> String {
    let now = now_step();
    let taken: Vec<u32> = (now - 2..=now + 2).map(|s| code_at(secret, s)).collect();
    let mut c = 123_456;
    while taken.contains(&c) {
        c += 1;
    }
    six(c)
}

/// The session cookie a response sets (its value).
fn cookie(r: &reqwest::Response) -> String {
    let h = r.headers().get("set-cookie").expect("a session cookie").to_str().unwrap();
    h.split(';').next().unwrap().split_once('=').unwrap().1.to_string()
}

/// The CSRF token of a page (for users who can only reach some pages).
async fn csrf_of(app: &TestApp, c: &reqwest::Client, path: &str) -> String {
    let html = app.get(c, path).await.text().await.unwrap();
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).unwrap_or_else(|| panic!("{path} has a CSRF field")) + marker.len();
    html[start..start + 64].to_string()
}

async fn post_with(
    app: &TestApp,
    c: &reqwest::Client,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all = fields.to_vec();
    all.push(("csrf_token", token));
    c.post(app.url(path)).form(&all).send().await.unwrap()
}

/// The recovery codes on the page shown after switching two-factor login on.
fn recovery_codes(html: &str) -> Vec<String> {
    let list = &html[html.find("app-codes").expect("the list of recovery codes")..];
    let list = &list[..list.find("</ol>").unwrap()];
    list.split("<code>").skip(1).map(|s| s[..s.find("</code>").unwrap()].to_string()).collect()
}

/// Switch two-factor login on through the set-up page (asserts that it worked); returns the recovery codes.
async fn enable(app: &TestApp, c: &reqwest::Client, user: Uuid) -> Vec<String> {
    let token = csrf_of(app, c, SETUP).await;
    let secret = totp(app, user).await.pending.expect("a secret being set up");
    let code = six(current_code(&secret));
    let r = post_with(app, c, &token, SETUP, &[("code", &code), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 200);
    let codes = recovery_codes(&r.text().await.unwrap());
    assert_eq!(codes.len(), 10);
    codes
}

/// Password step of a login: the answer (303 to the code page for a user with two-factor login).
async fn password_step(app: &TestApp, c: &reqwest::Client, email: &str, next: &str) -> reqwest::Response {
    c.post(app.url("/inloggen")).form(&[("email", email), ("password", PASSWORD), ("next", next)]).send().await.unwrap()
}

async fn code_step(app: &TestApp, c: &reqwest::Client, code: &str, next: &str) -> reqwest::Response {
    c.post(app.url("/inloggen/code")).form(&[("code", code), ("next", next)]).send().await.unwrap()
}

#[tokio::test]
async fn setting_up_shows_a_qr_code_and_needs_the_right_code_and_password() {
    let app = spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let jan = app.user("jan@testdam.example", org, &[Role::Medewerker]).await;
    let c = app.logged_in("jan@testdam.example").await;
    let elsewhere = app.logged_in("jan@testdam.example").await;

    let account = app.get(&c, "/account").await.text().await.unwrap();
    assert!(account.contains("Staat uit.") && account.contains("href=\"/account/tweestapsverificatie\""));

    let r = app.get(&c, SETUP).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let secret = totp(&app, jan).await.pending.expect("the page stored the secret being set up");
    assert_eq!(secret.len(), 20, "160-bit secret");
    assert!(html.contains("<svg") && html.contains("role=\"img\"") && html.contains("<title id=\"qr-titel\">"));
    assert!(html.contains(&secret_text(&secret)), "the secret to type over");
    // A reload shows the same secret (an app that scanned it keeps working).
    let again = app.get(&c, SETUP).await.text().await.unwrap();
    assert_eq!(totp(&app, jan).await.pending, Some(secret.clone()));
    assert!(again.contains(&secret_text(&secret)));

    let token = csrf_of(&app, &c, SETUP).await;
    let code = six(current_code(&secret));
    // Right code, wrong password.
    let r = post_with(&app, &c, &token, SETUP, &[("code", &code), ("password", "niet mijn wachtwoord")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Uw wachtwoord klopt niet."));
    // Right password, wrong code.
    let r = post_with(&app, &c, &token, SETUP, &[("code", &wrong_code(&secret)), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Deze code klopt niet, of de QR-code is ouder dan 30 minuten."));
    // Not six digits.
    let r = post_with(&app, &c, &token, SETUP, &[("code", "12345"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Vul de code van zes cijfers in"));
    let t = totp(&app, jan).await;
    assert!(t.secret.is_none(), "nothing switched on");
    let codes: i64 = app.count("select count(*) from totp_recovery_code where user_id = $1", jan).await;
    assert_eq!(codes, 0);
    assert_eq!(app.get(&elsewhere, "/").await.status(), 200, "the other session still works");

    // Right code and password: on, with ten recovery codes shown once.
    let r = post_with(&app, &c, &token, SETUP, &[("code", &code), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Tweestapsverificatie staat aan. U bent op andere apparaten uitgelogd."));
    let codes = recovery_codes(&html);
    assert_eq!(codes.len(), 10);
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 10, "ten different codes");
    // 25 characters of Crockford base32 (125 bits) in five groups.
    assert!(
        codes.iter().all(
            |c| c.len() == 29 && c.split('-').all(|g| g.len() == 5 && g.bytes().all(|b| b.is_ascii_alphanumeric()))
        ),
        "{codes:?}"
    );
    let t = totp(&app, jan).await;
    assert_eq!(t.secret.as_deref(), Some(&secret[..]), "the secret that was shown");
    assert!(t.pending.is_none());
    // Only hashes of the recovery codes are stored.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("select code_hash from totp_recovery_code where user_id = $1")
        .bind(jan)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let mut expected: Vec<Vec<u8>> = codes
        .iter()
        .map(|c| {
            use sha2::Digest;
            sha2::Sha256::digest(c.replace('-', "").as_bytes()).to_vec()
        })
        .collect();
    let mut stored = stored;
    stored.sort();
    expected.sort();
    assert_eq!(stored, expected, "the SHA-256 of each code, nothing else");

    // The other session (which only needed the password) is ended; this one goes on.
    assert_eq!(app.get(&elsewhere, "/").await.status(), 303);
    assert_eq!(app.get(&c, "/").await.status(), 200);
    let page = app.get(&c, SETUP).await.text().await.unwrap();
    assert!(
        page.contains("Tweestapsverificatie staat aan sinds")
            && page.contains("U heeft nog 10 ongebruikte herstelcodes.")
    );
    assert!(!page.contains(&secret_text(&secret)), "the secret is not shown again");
    assert!(!page.contains(&codes[0]), "the recovery codes are not shown again");
    assert!(app.get(&c, "/account").await.text().await.unwrap().contains("Staat aan"));
}

#[tokio::test]
async fn login_asks_for_the_code_and_gives_a_new_session_after_it() {
    let app = spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let jan = app.user("jan@testdam.example", org, &[Role::Medewerker]).await;
    let setup = app.logged_in("jan@testdam.example").await;
    let recovery = enable(&app, &setup, jan).await;

    let c = app.client();
    let r = password_step(&app, &c, "jan@testdam.example", "/account").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/inloggen/code?next=%2Faccount");
    let pending = cookie(&r);
    let pending_rows: i64 = app.count("select count(*) from session where user_id = $1 and mfa_pending", jan).await;
    assert_eq!(pending_rows, 1);

    // Half logged in reaches nothing but the code page.
    let r = app.get(&c, "/").await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/inloggen".to_string()));
    let r = app.get(&c, "/account").await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/inloggen?next=/account".to_string()));
    let r = app.get(&c, "/register").await;
    assert_eq!(r.status(), 303);
    let form = app.get(&c, "/inloggen/code?next=%2Faccount").await;
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(form.contains("Inloggen: tweestapsverificatie") && form.contains("name=\"next\" value=\"/account\""));
    // Without a half-finished login there is no code page.
    let r = app.get(&app.client(), "/inloggen/code").await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/inloggen".to_string()));

    // An empty code is asked for again.
    let r = code_step(&app, &c, "", "/account").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Vul de code uit uw authenticator-app in, of een herstelcode."));

    let (code, _) = fresh_code(&app, jan).await;
    let r = code_step(&app, &c, &code, "/account").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    let full = cookie(&r);
    assert_ne!(full, pending, "a new session id after the second factor");
    let rows: Vec<bool> = sqlx::query_scalar("select mfa_pending from session where user_id = $1")
        .bind(jan)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(!rows.contains(&true), "the half-finished session is gone: {rows:?}");
    let html = app.get(&c, "/account").await.text().await.unwrap();
    assert!(html.contains("Mijn account") && html.contains("jan@testdam.example"));
    // The pending cookie does not work any more.
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/inloggen/code"))
        .header("cookie", format!("airegister={pending}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    // Only a local page after the code, as after a password (no open redirect).
    let evil = app.client();
    let r = password_step(&app, &evil, "jan@testdam.example", "https://evil.example/").await;
    assert_eq!(location(&r), "/inloggen/code?next=%2F");
    let r = code_step(&app, &evil, &recovery[0], "//evil.example/").await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/".to_string()));
    // A half-finished login expires after ten minutes.
    let late = app.client();
    assert_eq!(password_step(&app, &late, "jan@testdam.example", "/").await.status(), 303);
    sqlx::query("update session set created_at = now() - interval '11 minutes' where mfa_pending")
        .execute(&app.pool)
        .await
        .unwrap();
    let r = app.get(&late, "/inloggen/code").await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/inloggen".to_string()));
}

#[tokio::test]
async fn a_code_works_once_and_a_recovery_code_works_once() {
    let app = spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let jan = app.user("jan@testdam.example", org, &[Role::Medewerker]).await;
    let setup = app.logged_in("jan@testdam.example").await;
    let recovery = enable(&app, &setup, jan).await;

    let c = app.client();
    assert_eq!(password_step(&app, &c, "jan@testdam.example", "/").await.status(), 303);
    // The code that switched it on is used up already.
    let t = totp(&app, jan).await;
    let enabling = six(code_at(&t.secret.unwrap(), t.last_step.unwrap() as u64));
    assert_eq!(code_step(&app, &c, &enabling, "/").await.status(), 422);
    let (code, step) = fresh_code(&app, jan).await;
    assert_eq!(code_step(&app, &c, &code, "/").await.status(), 303);
    assert_eq!(totp(&app, jan).await.last_step, Some(step as i64), "the step used is remembered");
    assert_eq!(app.post(&c, "/uitloggen", &[]).await.status(), 303);

    // The same code again, still inside the window of time it is valid in: refused.
    assert_eq!(password_step(&app, &c, "jan@testdam.example", "/").await.status(), 303);
    assert!(
        now_step() <= step + 1,
        "the step is still inside the server's window; the replay check is what refuses it"
    );
    let r = code_step(&app, &c, &code, "/").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Deze code klopt niet, is al gebruikt of is verlopen."));
    assert_eq!(app.get(&c, "/").await.status(), 303, "not logged in");
    let failed: i32 = sqlx::query_scalar("select failed_logins from app_user where user_id = $1")
        .bind(jan)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(failed, 1, "a refused code counts as a failed login");

    // A recovery code (typed in capitals, as people do) works, and says how many are left.
    let r = code_step(&app, &c, &recovery[3].to_uppercase(), "/").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
    let home = app.get(&c, "/").await.text().await.unwrap();
    assert!(home.contains("U bent ingelogd met een herstelcode; er zijn er nog 9 over."), "{home}");
    let left: i64 =
        app.count("select count(*) from totp_recovery_code where user_id = $1 and used_at is null", jan).await;
    assert_eq!(left, 9);
    assert_eq!(app.post(&c, "/uitloggen", &[]).await.status(), 303);

    // The same recovery code a second time: refused.
    assert_eq!(password_step(&app, &c, "jan@testdam.example", "/").await.status(), 303);
    let r = code_step(&app, &c, &recovery[3], "/").await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.get(&c, "/").await.status(), 303);
    // Another one still works, and the count goes down.
    assert_eq!(code_step(&app, &c, &recovery[7], "/").await.status(), 303);
    assert!(app.get(&c, "/").await.text().await.unwrap().contains("er zijn er nog 8 over"));

    // New recovery codes (with the password and a current code, or a recovery code): the earlier ones stop
    // working.
    let code = recovery[5].clone();
    let r = app
        .post(
            &c,
            "/account/tweestapsverificatie/herstelcodes",
            &[("rc_password", "niet mijn wachtwoord"), ("rc_code", &code)],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Uw wachtwoord klopt niet."));
    let r = app.post(&c, "/account/tweestapsverificatie/herstelcodes", &[("rc_password", PASSWORD)]).await;
    assert_eq!(r.status(), 422, "the password alone is not enough");
    assert!(r.text().await.unwrap().contains("Vul de code uit uw authenticator-app in"));
    let r = app
        .post(&c, "/account/tweestapsverificatie/herstelcodes", &[("rc_password", PASSWORD), ("rc_code", &code)])
        .await;
    assert_eq!(r.status(), 200);
    let renewed = recovery_codes(&r.text().await.unwrap());
    assert_eq!(renewed.len(), 10);
    assert!(renewed.iter().all(|n| !recovery.contains(n)));
    let left: i64 =
        app.count("select count(*) from totp_recovery_code where user_id = $1 and used_at is null", jan).await;
    assert_eq!(left, 10);
    assert_eq!(app.post(&c, "/uitloggen", &[]).await.status(), 303);
    assert_eq!(password_step(&app, &c, "jan@testdam.example", "/").await.status(), 303);
    assert_eq!(code_step(&app, &c, &recovery[0], "/").await.status(), 422, "an earlier code");
    assert_eq!(code_step(&app, &c, &renewed[0], "/").await.status(), 303, "a new code");
}

#[tokio::test]
async fn five_wrong_codes_lock_the_account() {
    let app = spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let jan = app.user("jan@testdam.example", org, &[Role::Medewerker]).await;
    let setup = app.logged_in("jan@testdam.example").await;
    enable(&app, &setup, jan).await;
    let secret = totp(&app, jan).await.secret.unwrap();

    let c = app.client();
    assert_eq!(password_step(&app, &c, "jan@testdam.example", "/").await.status(), 303);
    for attempt in 1..=5 {
        let r = code_step(&app, &c, &wrong_code(&secret), "/").await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        if attempt < 5 {
            assert!(html.contains("Na 5 mislukte pogingen wordt het account tijdelijk geblokkeerd."), "{html}");
        } else {
            assert!(html.contains("Uw account is tijdelijk geblokkeerd"), "the fifth says so: {html}");
        }
    }
    let minutes: Option<f64> = sqlx::query_scalar(
        "select (extract(epoch from locked_until - now()) / 60)::float8 from app_user where user_id = $1",
    )
    .bind(jan)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let minutes = minutes.expect("the account is locked");
    assert!((14.0..=15.0).contains(&minutes), "locked for 15 minutes, got {minutes}");

    // Locked: now even the right code is refused (and the user is told why), and nothing was used up.
    let before = totp(&app, jan).await.last_step;
    let (code, _) = fresh_code(&app, jan).await;
    let r = code_step(&app, &c, &code, "/").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Uw account is tijdelijk geblokkeerd"));
    assert_eq!(app.get(&c, "/").await.status(), 303);
    assert_eq!(totp(&app, jan).await.last_step, before);

    // The next lock lasts twice as long: guessing codes does not go on at a steady pace.
    sqlx::query("update app_user set locked_until = now() - interval '1 second' where user_id = $1")
        .bind(jan)
        .execute(&app.pool)
        .await
        .unwrap();
    for _ in 0..5 {
        assert_eq!(code_step(&app, &c, &wrong_code(&secret), "/").await.status(), 422);
    }
    let minutes: f64 = sqlx::query_scalar(
        "select (extract(epoch from locked_until - now()) / 60)::float8 from app_user where user_id = $1",
    )
    .bind(jan)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!((29.0..=30.0).contains(&minutes), "the second lock lasts 30 minutes, got {minutes}");

    // A new login with the right password gets exactly the answer a wrong password gets.
    let fresh = app.client();
    let right = app.login(&fresh, "jan@testdam.example", PASSWORD).await;
    assert_eq!(right.status(), 422);
    let right = right.text().await.unwrap();
    assert!(right.contains("Het e-mailadres of het wachtwoord klopt niet, of het account is tijdelijk"));
    let wrong = app.login(&fresh, "jan@testdam.example", "een ander wachtwoord").await.text().await.unwrap();
    assert_eq!(right, wrong);
}

#[tokio::test]
async fn an_organisation_can_require_two_factor_login_for_beheerders_and_cisos() {
    let app = spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    app.user("beheer@testdam.example", org, &[Role::Beheerder]).await;
    let ciso = app.user("ciso@testdam.example", org, &[Role::Medewerker, Role::Ciso]).await;
    app.user("mw@testdam.example", org, &[Role::Medewerker]).await;
    let admin = app.logged_in("beheer@testdam.example").await;
    let c = app.logged_in("ciso@testdam.example").await;
    let mw = app.logged_in("mw@testdam.example").await;

    // Only a beheerder may set it.
    let r = app.post(&c, &format!("/beheer/organisaties/{org}/tweestapsverificatie"), &[("require_mfa", "ja")]).await;
    assert_eq!(r.status(), 403);
    let required: bool = sqlx::query_scalar("select require_mfa from organisation where organisation_id = $1")
        .bind(org)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!required);

    // The form on the organisation's edit page names who has not set it up.
    let edit = app.get(&admin, &format!("/beheer/organisaties/{org}")).await.text().await.unwrap();
    assert!(edit.contains(&format!("action=\"/beheer/organisaties/{org}/tweestapsverificatie\"")));
    assert!(edit.contains("name=\"require_mfa\" value=\"ja\"") && !edit.contains("value=\"ja\" checked"));
    assert!(edit.contains("Nog zonder tweestapsverificatie: Naam beheer@testdam.example, Naam ciso@testdam.example."));
    let r =
        app.post(&admin, &format!("/beheer/organisaties/{org}/tweestapsverificatie"), &[("require_mfa", "ja")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/beheer/organisaties/{org}"));

    // The CISO without two-factor login is sent to set it up from every page.
    for path in ["/", "/register", "/overzicht", "/account", "/meldingen", "/te-beoordelen", "/account/api-tokens"] {
        let r = app.get(&c, path).await;
        assert_eq!(r.status(), 303, "GET {path}");
        assert_eq!(location(&r), SETUP, "GET {path}");
    }
    let page = app.get(&c, SETUP).await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text().await.unwrap().contains("Uw organisatie vereist tweestapsverificatie voor uw rol. Stel haar nu in")
    );
    // A form post elsewhere is refused (with a valid CSRF token) and changes nothing.
    let token = csrf_of(&app, &c, SETUP).await;
    let r = post_with(
        &app,
        &c,
        &token,
        "/register",
        &[("name", "Tool"), ("description_short", "Iets"), ("checked_name", "Tool")],
    )
    .await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Eerst tweestapsverificatie instellen"));
    let apps: i64 = app.count("select count(*) from application where organisation_id = $1", org).await;
    assert_eq!(apps, 0);
    // So is the administrator who switched it on, at the next page.
    let r = app.get(&admin, "/beheer/gebruikers").await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, SETUP.to_string()));
    // A medewerker is not affected.
    assert_eq!(app.get(&mw, "/").await.status(), 200);
    assert_eq!(app.get(&mw, "/register").await.status(), 200);
    // Nor can the CISO go round it through the API; a medewerker's token works as before.
    let mw_id: Uuid = sqlx::query_scalar("select user_id from app_user where email = 'mw@testdam.example'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let ciso_token = airegister::api::tokens::issue(&app.pool, ciso, org, "koppeling", false, 30).await.unwrap();
    let mw_token = airegister::api::tokens::issue(&app.pool, mw_id, org, "koppeling", false, 30).await.unwrap();
    let api = |t: &str| reqwest::Client::new().get(app.url("/api/v1/applications")).bearer_auth(t.to_string()).send();
    let r = api(&ciso_token).await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("tweestapsverificatie"));
    assert_eq!(api(&mw_token).await.unwrap().status(), 200);

    // After setting it up, the CISO works as before; the token made with the password alone is revoked, a new
    // one works. Switching it off is refused while it is required.
    enable(&app, &c, ciso).await;
    assert_eq!(app.get(&c, "/").await.status(), 200);
    assert_eq!(api(&ciso_token).await.unwrap().status(), 401, "made before the second factor: revoked");
    let ciso_token = airegister::api::tokens::issue(&app.pool, ciso, org, "koppeling", false, 30).await.unwrap();
    assert_eq!(api(&ciso_token).await.unwrap().status(), 200);
    assert_eq!(app.get(&c, "/te-beoordelen").await.status(), 200);
    let (code, _) = fresh_code(&app, ciso).await;
    let r = app
        .post(&c, "/account/tweestapsverificatie/uitschakelen", &[("off_password", PASSWORD), ("off_code", &code)])
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Uw organisatie vereist tweestapsverificatie voor uw rol; uitschakelen kan niet.")
    );
    assert!(totp(&app, ciso).await.secret.is_some(), "still on");
    let page = app.get(&c, SETUP).await.text().await.unwrap();
    assert!(
        page.contains("u kunt haar niet uitschakelen") && !page.contains("/account/tweestapsverificatie/uitschakelen")
    );

    // Without the requirement, switching off works (with password and code).
    sqlx::query("update organisation set require_mfa = false where organisation_id = $1")
        .bind(org)
        .execute(&app.pool)
        .await
        .unwrap();
    let r = app
        .post(&c, "/account/tweestapsverificatie/uitschakelen", &[("off_password", PASSWORD), ("off_code", &code)])
        .await;
    assert_eq!(r.status(), 303);
    assert!(totp(&app, ciso).await.secret.is_none());
    assert!(app.get(&c, SETUP).await.text().await.unwrap().contains("Tweestapsverificatie is uitgeschakeld."));
}

#[tokio::test]
async fn an_administrator_resets_a_lost_second_factor() {
    let app = spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let admin_id = app.user("beheer@testdam.example", org, &[Role::Beheerder]).await;
    let jan = app.user("jan@testdam.example", org, &[Role::Medewerker, Role::Ciso]).await;
    app.user("ciso2@testdam.example", org, &[Role::Medewerker, Role::Ciso]).await;
    let admin = app.logged_in("beheer@testdam.example").await;
    let j = app.logged_in("jan@testdam.example").await;
    enable(&app, &j, jan).await;
    let token = airegister::api::tokens::issue(&app.pool, jan, org, "koppeling", false, 30).await.unwrap();
    let api = || reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(&token);
    assert_eq!(api().send().await.unwrap().status(), 200);

    let edit = app.get(&admin, &format!("/beheer/gebruikers/{jan}")).await.text().await.unwrap();
    assert!(edit.contains(&format!("action=\"/beheer/gebruikers/{jan}/tweestapsverificatie-resetten\"")));
    let list = app.get(&admin, "/beheer/gebruikers").await.text().await.unwrap();
    assert!(list.contains("Tweestapsverificatie") && list.contains("Aan"));

    // Not for someone who is not a beheerder.
    let other = app.logged_in("ciso2@testdam.example").await;
    let r = app.post(&other, &format!("/beheer/gebruikers/{jan}/tweestapsverificatie-resetten"), &[]).await;
    assert_eq!(r.status(), 403);
    assert!(totp(&app, jan).await.secret.is_some());
    assert_eq!(app.get(&j, "/").await.status(), 200);
    // Not for yourself.
    let r = app.post(&admin, &format!("/beheer/gebruikers/{admin_id}/tweestapsverificatie-resetten"), &[]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("Uw eigen tweestapsverificatie beheert u via Mijn account."));

    let r = app.post(&admin, &format!("/beheer/gebruikers/{jan}/tweestapsverificatie-resetten"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/beheer/gebruikers/{jan}"));
    let page = app.get(&admin, &format!("/beheer/gebruikers/{jan}")).await.text().await.unwrap();
    assert!(page.contains("is uitgeschakeld; de persoon is overal uitgelogd en de API-tokens zijn ingetrokken."));
    let t = totp(&app, jan).await;
    assert!(t.secret.is_none() && t.last_step.is_none());
    assert_eq!(app.count("select count(*) from totp_recovery_code where user_id = $1", jan).await, 0);
    assert_eq!(app.count("select count(*) from session where user_id = $1", jan).await, 0);
    assert_eq!(app.count("select count(*) from api_token where user_id = $1 and revoked_at is null", jan).await, 0);
    assert_eq!(app.get(&j, "/").await.status(), 303, "logged out everywhere");
    assert_eq!(api().send().await.unwrap().status(), 401, "the API token is revoked");
    // The password alone logs in again.
    let again = app.client();
    let r = app.login(&again, "jan@testdam.example", PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
}

#[tokio::test]
async fn the_beheerder_who_requires_it_is_told_that_it_is_now_required() {
    let app = spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    app.user("beheer@testdam.example", org, &[Role::Beheerder]).await;
    let admin = app.logged_in("beheer@testdam.example").await;
    let r =
        app.post(&admin, &format!("/beheer/organisaties/{org}/tweestapsverificatie"), &[("require_mfa", "ja")]).await;
    assert_eq!(r.status(), 303);
    let flash: Option<String> = sqlx::query_scalar("select flash from session").fetch_one(&app.pool).await.unwrap();
    assert_eq!(
        flash.as_deref(),
        Some("Tweestapsverificatie is nu verplicht voor beheerders en CISO's van Gemeente Testdam."),
        "the POST left a confirmation for the next page"
    );
    // The browser follows the redirect; the beheerder (now required to set it up too) is sent on to the set-up
    // page, and should see the confirmation of what they just saved there.
    let mut path = location(&r);
    let mut hops = 0;
    let html = loop {
        let r = app.get(&admin, &path).await;
        if r.status() != 303 {
            break r.text().await.unwrap();
        }
        path = location(&r);
        hops += 1;
        assert!(hops < 5);
    };
    assert!(html.contains("Uw organisatie vereist tweestapsverificatie voor uw rol"), "ends on the set-up page");
    // The confirmation is not used up by the page the beheerder is sent away from: it shows on the set-up page.
    assert!(
        html.contains("Tweestapsverificatie is nu verplicht voor beheerders en CISO&#39;s van Gemeente Testdam.")
            || html.contains("Tweestapsverificatie is nu verplicht voor beheerders en CISO's van Gemeente Testdam."),
        "the confirmation is shown"
    );
}

#[tokio::test]
async fn another_phone_is_linked_with_the_password_and_a_code_of_the_old_one() {
    let app = spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let jan = app.user("jan@testdam.example", org, &[Role::Medewerker]).await;
    let c = app.logged_in("jan@testdam.example").await;
    let recovery = enable(&app, &c, jan).await;
    let old = totp(&app, jan).await.secret.unwrap();
    let page = app.get(&c, SETUP).await.text().await.unwrap();
    assert!(page.contains("Andere telefoon koppelen"));
    // Distinct field names per form: no duplicate ids on the page.
    for id in ["rc_password", "new_password", "off_password"] {
        assert_eq!(page.matches(&format!("id=\"{id}\"")).count(), 1, "{id}");
    }
    let r = app
        .post(&c, "/account/tweestapsverificatie/opnieuw", &[("new_password", PASSWORD), ("new_code", "000000")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(totp(&app, jan).await.pending.is_none(), "a wrong code starts nothing");
    // Step 1: password and a code of the old phone (here a recovery code): a new QR code is shown.
    let r = app
        .post(&c, "/account/tweestapsverificatie/opnieuw", &[("new_password", PASSWORD), ("new_code", &recovery[0])])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), SETUP);
    let page = app.get(&c, SETUP).await.text().await.unwrap();
    assert!(page.contains("Nieuwe telefoon koppelen") && page.contains("Tot dan werkt uw oude telefoon nog"));
    assert!(page.contains("href=\"otpauth://totp/"), "a link for setting up on the phone itself");
    let new = totp(&app, jan).await.pending.unwrap();
    assert_ne!(new, old, "a new secret for the new phone");
    // Until the new phone has given a code, the old phone still logs in.
    assert_eq!(totp(&app, jan).await.secret, Some(old.clone()));
    let r =
        app.post(&c, "/account/tweestapsverificatie/opnieuw/bevestigen", &[("relink_code", &wrong_code(&new))]).await;
    assert_eq!(r.status(), 422);
    assert_eq!(totp(&app, jan).await.secret, Some(old.clone()), "a wrong code keeps the old phone");
    // Step 2: a code of the new phone makes it the one that counts; the recovery codes stay.
    let code = six(current_code(&new));
    let r = app.post(&c, "/account/tweestapsverificatie/opnieuw/bevestigen", &[("relink_code", &code)]).await;
    assert_eq!(r.status(), 303);
    let t = totp(&app, jan).await;
    assert_eq!(t.secret, Some(new), "the new phone counts now");
    assert!(t.pending.is_none());
    assert!(app.get(&c, SETUP).await.text().await.unwrap().contains("Uw nieuwe telefoon is gekoppeld"));
    let left: i64 =
        app.count("select count(*) from totp_recovery_code where user_id = $1 and used_at is null", jan).await;
    assert_eq!(left, 9, "the recovery codes stay (one was used to confirm)");
}

#[tokio::test]
async fn an_administrator_sees_a_lock_and_lifts_it() {
    let app = spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let jan = app.user("jan@testdam.example", org, &[Role::Medewerker]).await;
    app.user("beheer@testdam.example", org, &[Role::Medewerker, Role::Beheerder]).await;
    for _ in 0..5 {
        assert_eq!(password_step_with(&app, "jan@testdam.example", "niet het wachtwoord").await, 422);
    }
    // Locked: even the right password gets the generic answer (which mentions a possible lock).
    assert_eq!(password_step_with(&app, "jan@testdam.example", PASSWORD).await, 422);
    let beheer = app.logged_in("beheer@testdam.example").await;
    let page = app.get(&beheer, &format!("/beheer/gebruikers/{jan}")).await.text().await.unwrap();
    assert!(page.contains("Tijdelijk geblokkeerd tot") && page.contains("Blokkade opheffen"), "{page}");
    let r = app.post(&beheer, &format!("/beheer/gebruikers/{jan}/deblokkeren"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(password_step_with(&app, "jan@testdam.example", PASSWORD).await, 303, "can log in again");
    let lock_count: i32 = sqlx::query_scalar("select lock_count from app_user where user_id = $1")
        .bind(jan)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(lock_count, 0, "the next lock starts at 15 minutes again");
}

async fn password_step_with(app: &TestApp, email: &str, password: &str) -> u16 {
    app.login(&app.client(), email, password).await.status().as_u16()
}
