//! Role guards and the separation between organisations.

use airegister::auth::roles::Role;

use crate::helpers::{TestApp, location};

#[tokio::test]
async fn a_wrong_role_gets_the_dutch_403_page() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente", "gm0001").await;
    app.user("mw@gemeente.nl", org, &[Role::Medewerker, Role::Ciso]).await;
    let c = app.logged_in("mw@gemeente.nl").await;
    for path in ["/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/organisaties"] {
        let r = app.get(&c, path).await;
        assert_eq!(r.status(), 403, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("Geen toegang") && html.contains("lang=\"nl\""), "{path}");
    }
    let r =
        app.post(&c, "/beheer/gebruikers", &[("email", "x@gemeente.nl"), ("name", "X"), ("roles", "beheerder")]).await;
    assert_eq!(r.status(), 403);
    let n: i64 = sqlx::query_scalar("select count(*) from app_user").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 1, "nothing was created");
    // The navigation only offers what the roles may use.
    let html = app.get(&c, "/").await.text().await.unwrap();
    assert!(!html.contains("/beheer/gebruikers"));
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = app.get(&c, "/beheer/gebruikers").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/inloggen?next=/beheer/gebruikers");
    let r = c.post(app.url("/beheer/gebruikers")).form(&[("email", "x@y.nl")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn organisation_a_cannot_see_or_change_anything_of_organisation_b() {
    let app = TestApp::spawn().await;
    let a = app.org("Gemeente Alfa", "gm0001").await;
    let b = app.org("Gemeente Beta", "gm0002").await;
    app.user("admin@alfa.nl", a, &[Role::Beheerder]).await;
    let admin_b = app.user("admin@beta.nl", b, &[Role::Beheerder]).await;
    let user_b = app.user("jan@beta.nl", b, &[Role::Medewerker]).await;
    let c = app.logged_in("admin@alfa.nl").await;

    let html = app.get(&c, "/beheer/gebruikers").await.text().await.unwrap();
    assert!(html.contains("admin@alfa.nl"));
    assert!(!html.contains("beta.nl"), "no users of B listed");
    let html = app.get(&c, "/beheer/organisaties").await.text().await.unwrap();
    assert!(html.contains("Gemeente Alfa") && !html.contains("Gemeente Beta"));
    // Only one organisation for this user: no choice shown.
    assert!(!html.contains("organisatie-keuze"));

    assert_eq!(app.get(&c, &format!("/beheer/gebruikers/{user_b}")).await.status(), 404);
    assert_eq!(app.get(&c, &format!("/beheer/organisaties/{b}")).await.status(), 404);
    let r =
        app.post(&c, &format!("/beheer/gebruikers/{user_b}/rollen"), &[("roles", "beheerder"), ("version", "0")]).await;
    assert_eq!(r.status(), 404);
    assert_eq!(app.post(&c, &format!("/beheer/gebruikers/{admin_b}/deactiveren"), &[]).await.status(), 404);
    let r = app
        .post(
            &c,
            &format!("/beheer/organisaties/{b}"),
            &[("org_name", "Overgenomen"), ("org_code", "gm0002"), ("org_email", "x@y.nl"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(app.post(&c, "/organisatie", &[("organisation_id", &b.to_string())]).await.status(), 403);
    assert_eq!(app.post(&c, "/organisatie", &[("organisation_id", "geen-uuid")]).await.status(), 403);

    let roles: Vec<String> = sqlx::query_scalar("select role from membership where user_id = $1")
        .bind(user_b)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(roles, vec!["medewerker"]);
    let name: String = sqlx::query_scalar("select name from organisation where organisation_id = $1")
        .bind(b)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "Gemeente Beta");
    let active: bool = sqlx::query_scalar("select active from app_user where user_id = $1")
        .bind(admin_b)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(active);
}

#[tokio::test]
async fn roles_are_per_organisation_and_members_of_several_can_switch() {
    let app = TestApp::spawn().await;
    let a = app.org("Gemeente Alfa", "gm0001").await;
    let b = app.org("Gemeente Beta", "gm0002").await;
    let id = app.user("ssc@alfa.nl", a, &[Role::Beheerder]).await;
    let mut conn = app.pool.acquire().await.unwrap();
    airegister::auth::users::set_roles(&mut conn, id, b, &[Role::Medewerker]).await.unwrap();
    drop(conn);
    let c = app.logged_in("ssc@alfa.nl").await;
    let html = app.get(&c, "/").await.text().await.unwrap();
    assert!(html.contains("organisatie-keuze"), "a member of two organisations can choose");
    assert!(html.contains("U werkt in het AI-register van Gemeente Alfa"));
    assert_eq!(app.get(&c, "/beheer/gebruikers").await.status(), 200);

    let r = app.post(&c, "/organisatie", &[("organisation_id", &b.to_string())]).await;
    assert_eq!(r.status(), 303);
    let html = app.get(&c, "/").await.text().await.unwrap();
    assert!(html.contains("U werkt nu in Gemeente Beta"));
    assert!(html.contains("U werkt in het AI-register van Gemeente Beta"));
    // In Beta this user is only a medewerker.
    assert_eq!(app.get(&c, "/beheer/gebruikers").await.status(), 403);
}

#[tokio::test]
async fn error_pages_are_dutch_and_show_no_internals() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = app.get(&c, "/bestaat/niet").await;
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("Pagina niet gevonden"));
    let r = app.get(&c, "/static/../../etc/passwd").await;
    assert_eq!(r.status(), 404);
    let r = app.get(&c, "/static/app.css").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "public, max-age=86400");
    assert!(r.headers().get("etag").is_some());
    let r = app.get(&c, "/inloggen").await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert!(!r.headers()["content-security-policy"].to_str().unwrap().contains("unsafe-inline"));
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}

/// The fonts the theme names are served from our own origin: every woff2 that app.css points to answers
/// with its content type and a year's immutable cache (the version is in the path), and really is woff2.
#[tokio::test]
async fn the_bundled_fonts_are_served_as_woff2() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let css = app.get(&c, "/static/app.css").await.text().await.unwrap();
    let urls: Vec<&str> =
        css.split("url(").skip(1).filter_map(|rest| rest.split(')').next()).filter(|u| u.ends_with(".woff2")).collect();
    for family in ["'Noto Sans'", "'Noto Serif'", "'Noto Sans Mono'"] {
        assert!(css.contains(&format!("font-family: {family};")), "an @font-face rule for {family}");
    }
    assert!(urls.len() >= 8, "latin and latin-ext of every face: {urls:?}");
    for url in urls {
        let r = app.get(&c, url).await;
        assert_eq!(r.status(), 200, "{url}");
        assert_eq!(r.headers()["content-type"], "font/woff2", "{url}");
        assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable", "{url}");
        let body = r.bytes().await.unwrap();
        assert_eq!(&body[..4], b"wOF2", "{url} is a woff2 file");
    }
}
