//! Login, logout, lockout, sessions, password policy, first-run setup.

use airegister::auth::roles::Role;

use crate::helpers::{PASSWORD, TestApp, location};

#[tokio::test]
async fn login_succeeds_sets_a_safe_cookie_and_shows_the_start_page() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Utrecht", "gm0344").await;
    app.user("jan@utrecht.nl", org, &[Role::Medewerker]).await;
    let c = app.client();

    let r = app.get(&c, "/").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/inloggen");

    let r = app.login(&c, "Jan@Utrecht.nl", PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.starts_with("airegister="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain-http installations cannot use Secure cookies");
    let value = cookie.split(';').next().unwrap().split('=').nth(1).unwrap();
    assert_eq!(value.len(), 64, "256-bit session id");

    let html = app.get(&c, "/").await.text().await.unwrap();
    assert!(html.contains("Welkom, Naam jan@utrecht.nl"));
    assert!(html.contains("Gemeente Utrecht"));
    assert!(html.contains("lang=\"nl\""));
    // One organisation: no organisation choice anywhere.
    assert!(!html.contains("organisatie-keuze"));
    // Only the stored hash of the session id is in the database.
    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("select session_hash from session").fetch_all(&app.pool).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], value.as_bytes());
}

#[tokio::test]
async fn https_installations_get_secure_host_prefixed_cookies_and_hsts() {
    let config =
        airegister::config::WebConfig { public_url: Some("https://ai.gemeente.nl".into()), ..Default::default() };
    let app = TestApp::spawn_on(crate::helpers::fresh_database().await, config).await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("a@gemeente.nl", org, &[Role::Medewerker]).await;
    let r = app.login(&app.client(), "a@gemeente.nl", PASSWORD).await;
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with("__Host-airegister=") && cookie.contains("; Secure"), "{cookie}");
    assert!(r.headers().get("strict-transport-security").is_some());
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    let c = app.client();

    let wrong = app.login(&c, "jan@gemeente.nl", "niet het goede wachtwoord").await;
    let unknown = app.login(&c, "niemand@gemeente.nl", "niet het goede wachtwoord").await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(unknown.status(), 422);
    let (a, b) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(a.contains("Het e-mailadres of het wachtwoord klopt niet"));
    // Identical apart from the e-mail address echoed back into the form.
    assert_eq!(a.replace("jan@gemeente.nl", "X"), b.replace("niemand@gemeente.nl", "X"));
    assert!(app.get(&c, "/").await.status() == 303, "still not logged in");
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    let id = app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    let c = app.client();
    for _ in 0..5 {
        assert_eq!(app.login(&c, "jan@gemeente.nl", "fout wachtwoord 123").await.status(), 422);
    }
    // Locked: even the right password is refused, with the same generic message.
    let r = app.login(&c, "jan@gemeente.nl", PASSWORD).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Het e-mailadres of het wachtwoord klopt niet"));
    let minutes: f64 = sqlx::query_scalar(
        "select (extract(epoch from locked_until - now()) / 60)::float8 from app_user where user_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!((14.0..=15.0).contains(&minutes), "locked for 15 minutes, got {minutes}");
    // Fifteen minutes later the right password works again.
    sqlx::query("update app_user set locked_until = now() - interval '1 second' where user_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(app.login(&c, "jan@gemeente.nl", PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn four_failures_then_success_resets_the_count() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    let c = app.client();
    for _ in 0..4 {
        app.login(&c, "jan@gemeente.nl", "fout wachtwoord 123").await;
    }
    assert_eq!(app.login(&c, "jan@gemeente.nl", PASSWORD).await.status(), 303);
    let c2 = app.client();
    for _ in 0..4 {
        app.login(&c2, "jan@gemeente.nl", "fout wachtwoord 123").await;
    }
    assert_eq!(app.login(&c2, "jan@gemeente.nl", PASSWORD).await.status(), 303, "count restarted after the success");
}

#[tokio::test]
async fn login_renews_the_session_id_and_logout_ends_it() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    let c = app.client();
    let first = app.login(&c, "jan@gemeente.nl", PASSWORD).await.headers()["set-cookie"].to_str().unwrap().to_string();
    let second = app.login(&c, "jan@gemeente.nl", PASSWORD).await.headers()["set-cookie"].to_str().unwrap().to_string();
    assert_ne!(first.split(';').next(), second.split(';').next(), "a new id at every login");
    let count: i64 = sqlx::query_scalar("select count(*) from session").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 1, "the old session was ended");

    // The old cookie no longer works.
    let old = first.split(';').next().unwrap().to_string();
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/"))
        .header("cookie", &old)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    let r = app.post(&c, "/uitloggen", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/inloggen?uitgelogd=1");
    assert!(app.get(&c, "/inloggen?uitgelogd=1").await.text().await.unwrap().contains("U bent uitgelogd"));
    assert_eq!(app.get(&c, "/").await.status(), 303);
    let count: i64 = sqlx::query_scalar("select count(*) from session").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn idle_sessions_expire() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    let c = app.logged_in("jan@gemeente.nl").await;
    assert_eq!(app.get(&c, "/").await.status(), 200);
    sqlx::query("update session set last_seen_at = now() - interval '31 minutes'").execute(&app.pool).await.unwrap();
    let r = app.get(&c, "/account").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/inloggen?next=/account");
}

#[tokio::test]
async fn login_form_errors_are_dutch_per_field_and_keep_input() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = c.post(app.url("/inloggen")).form(&[("email", "jan@gemeente.nl"), ("password", "")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("<title>Fout: Inloggen"));
    assert!(html.contains("Vul uw wachtwoord in."));
    assert!(html.contains("aria-describedby=\"password-error\""));
    assert!(html.contains("value=\"jan@gemeente.nl\""), "input kept");
    // Odd input never crashes: missing fields, huge and strange values.
    let long = "é".repeat(5000);
    let r = c
        .post(app.url("/inloggen"))
        .form(&[("email", long.as_str()), ("password", long.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = c.post(app.url("/inloggen")).form(&[("x", "y")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let r = c
        .post(app.url("/inloggen"))
        .form(&[("email", "<script>alert(1)</script>"), ("password", "x\0y")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(!r.text().await.unwrap().contains("<script>alert(1)"), "escaped");
}

#[tokio::test]
async fn login_only_redirects_to_local_paths() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    let c = app.client();
    let r = c
        .post(app.url("/inloggen"))
        .form(&[("email", "jan@gemeente.nl"), ("password", PASSWORD), ("next", "https://evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/");
    let c = app.client();
    let r = c
        .post(app.url("/inloggen"))
        .form(&[("email", "jan@gemeente.nl"), ("password", PASSWORD), ("next", "/account")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/account");
}

/// Found by independent testing: logged in, `/inloggen?next=/%09/evil.example` answered
/// `Location: /<TAB>/evil.example`, which Chromium follows to evil.example; CR, LF or DEL in `next` gave a
/// 500 ("failed to parse header value"), the POST with a session cookie. Each such value now gives `/`.
#[tokio::test]
async fn tricky_return_addresses_fall_back_to_the_start_page() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    // As they stand in the address: the server decodes each once.
    let crafted = [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0ASet-Cookie:%20x=1",
        "/a%7F",
        "%09/%2Fevil.example",
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "//evil.example",
        "/%2509/evil.example",
        "/%252F/evil.example",
        "/%255Cevil.example",
        "/%C2%A0/evil.example",
        "https:/evil.example",
    ];
    let logged_in = app.logged_in("jan@gemeente.nl").await;
    for next in crafted {
        let r = logged_in.get(app.url(&format!("/inloggen?next={next}"))).send().await.unwrap();
        assert_eq!((r.status().as_u16(), location(&r)), (303, "/".to_string()), "GET next={next}");
        let anonymous = app.client();
        let r = anonymous.get(app.url(&format!("/inloggen?next={next}"))).send().await.unwrap();
        assert_eq!(r.status(), 200, "login page with next={next}");
        assert!(r.text().await.unwrap().contains(r#"name="next" value="/""#), "next={next} is not carried");
        let decoded: String = form_urlencoded::parse(format!("n={next}").as_bytes()).next().unwrap().1.into();
        let r = anonymous
            .post(app.url("/inloggen"))
            .form(&[("email", "jan@gemeente.nl"), ("password", PASSWORD), ("next", decoded.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!((r.status().as_u16(), location(&r)), (303, "/".to_string()), "POST next={decoded:?}");
    }
    // An ordinary return address with a query still works.
    let c = app.client();
    let r = c
        .post(app.url("/inloggen"))
        .form(&[
            ("email", "jan@gemeente.nl"),
            ("password", PASSWORD),
            ("next", "/register?zoek=chat%20gpt&status=concept"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/register?zoek=chat%20gpt&status=concept");
}

#[tokio::test]
async fn password_change_checks_policy_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("jan@gemeente.nl", org, &[Role::Medewerker]).await;
    let c = app.logged_in("jan@gemeente.nl").await;
    let other = app.logged_in("jan@gemeente.nl").await;

    let r = app
        .post(
            &c,
            "/account/wachtwoord",
            &[("current_password", PASSWORD), ("password", "te kort"), ("password_repeat", "te kort")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("minstens 12 tekens"));
    let r = app
        .post(
            &c,
            "/account/wachtwoord",
            &[
                ("current_password", "fout fout fout"),
                ("password", "een nieuw lang wachtwoord"),
                ("password_repeat", "een nieuw lang wachtwoord"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Uw wachtwoord klopt niet"));
    let long = "x".repeat(64) + " lange zin";
    let r = app
        .post(
            &c,
            "/account/wachtwoord",
            &[("current_password", PASSWORD), ("password", &long), ("password_repeat", &long)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(app.get(&c, "/account").await.text().await.unwrap().contains("Uw wachtwoord is gewijzigd"));
    assert_eq!(app.get(&other, "/").await.status(), 303, "the other session ended");
    assert_eq!(app.login(&app.client(), "jan@gemeente.nl", PASSWORD).await.status(), 422);
    assert_eq!(app.login(&app.client(), "jan@gemeente.nl", &long).await.status(), 303);
    // No truncation: one character less is a different password.
    assert_eq!(app.login(&app.client(), "jan@gemeente.nl", &long[..long.len() - 1]).await.status(), 422);
}

#[tokio::test]
async fn setup_link_creates_the_first_administrator_once() {
    let app = TestApp::spawn().await;
    let token = airegister::auth::users::issue_setup_token(&app.pool).await.unwrap();
    let c = app.client();
    let path = format!("/inrichten/{token}");
    assert_eq!(app.get(&c, &path).await.status(), 200);
    assert_eq!(app.get(&c, "/inrichten/verzonnen").await.status(), 409);

    let mut form = vec![
        ("org_name", "Gemeente Utrecht"),
        ("org_code", "GM0344"),
        ("org_email", "ai@utrecht.nl"),
        ("name", "Bea Beheer"),
        ("email", "bea@utrecht.nl"),
        ("password", "kort"),
        ("password_repeat", "kort"),
    ];
    let r = c.post(app.url(&path)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("minstens 12 tekens") && html.contains("value=\"Gemeente Utrecht\""));
    form[5] = ("password", "een goed lang wachtwoord");
    form[6] = ("password_repeat", "een goed lang wachtwoord");
    let r = c.post(app.url(&path)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let html = app.get(&c, "/").await.text().await.unwrap();
    assert!(html.contains("AI-register is ingericht") && html.contains("Gebruikers"));
    let code: String = sqlx::query_scalar("select code from organisation").fetch_one(&app.pool).await.unwrap();
    assert_eq!(code, "gm0344");
    // The link was used up.
    assert_eq!(app.get(&app.client(), &path).await.status(), 409);
    assert!(airegister::auth::users::administrator_exists(&app.pool).await.unwrap());
}
