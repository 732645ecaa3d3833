//! CSRF: state changes need our own origin and, for logged-in users, the session's token.

use airegister::auth::roles::Role;

use crate::helpers::TestApp;

#[tokio::test]
async fn cross_site_and_tokenless_posts_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("admin@gemeente.nl", org, &[Role::Beheerder]).await;
    let c = app.logged_in("admin@gemeente.nl").await;
    let token = app.csrf(&c).await;
    let form = |t: &str| {
        vec![
            ("email", "nieuw@gemeente.nl".to_string()),
            ("name", "Nieuw".into()),
            ("roles", "medewerker".into()),
            ("csrf_token", t.to_string()),
        ]
    };

    // No token.
    let r = c.post(app.url("/beheer/gebruikers")).form(&form("")[..3]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Verzoek geweigerd"));
    // A wrong token.
    let r = c.post(app.url("/beheer/gebruikers")).form(&form(&"0".repeat(64))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // The right token, but sent by another site.
    let r = c
        .post(app.url("/beheer/gebruikers"))
        .header("origin", "https://evil.example")
        .form(&form(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(app.url("/beheer/gebruikers"))
        .header("sec-fetch-site", "cross-site")
        .form(&form(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A cross-site login attempt (login CSRF) is refused too.
    let r = app
        .client()
        .post(app.url("/inloggen"))
        .header("origin", "https://evil.example")
        .form(&[("email", "a@b.nl"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let n: i64 = sqlx::query_scalar("select count(*) from app_user").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 1, "nothing was created");

    // Same origin with the token: accepted.
    let r = c
        .post(app.url("/beheer/gebruikers"))
        .header("origin", app.base.as_str())
        .header("sec-fetch-site", "same-origin")
        .form(&form(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let n: i64 = sqlx::query_scalar("select count(*) from app_user").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn no_get_changes_state() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("admin@gemeente.nl", org, &[Role::Beheerder]).await;
    let c = app.logged_in("admin@gemeente.nl").await;
    assert_eq!(app.get(&c, "/uitloggen").await.status(), 405);
    assert_eq!(app.get(&c, "/").await.status(), 200, "still logged in");
}
