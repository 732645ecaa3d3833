//! The organisation's own theme and logo (issue 21, item 2): chosen by its beheerder, audited, worn by the
//! pages of its users and by its public register; the logo checked or cleaned, and served under its own CSP.

use airegister::auth::roles::Role;

use crate::helpers::{TestApp, location};

/// A valid 1×1 RGBA PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";

async fn audit_count(app: &TestApp, action: &str, org: uuid::Uuid) -> i64 {
    sqlx::query_scalar("select count(*) from audit_event where organisation_id = $1 and action = $2")
        .bind(org)
        .bind(action)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_beheerder_chooses_the_theme_and_every_page_wears_it() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Alfa", "gm0001").await;
    app.user("admin@alfa.nl", org, &[Role::Medewerker, Role::Beheerder]).await;
    app.user("jan@alfa.nl", org, &[Role::Medewerker]).await;
    let c = app.logged_in("admin@alfa.nl").await;
    let jan = app.logged_in("jan@alfa.nl").await;

    let home = app.get(&jan, "/").await.text().await.unwrap();
    assert!(home.contains("<body class=\"voorbeeld-theme "), "example theme by default");
    assert!(home.contains("/static/vendor/voorbeeld-design-tokens-7.4.1/theme.css"));

    // Not a beheerder: refused; an unknown theme: the field is named, nothing saved.
    let path = format!("/beheer/organisaties/{org}/huisstijl");
    assert_eq!(app.post(&jan, &path, &[("theme", "denhaag")]).await.status(), 403);
    let r = app.post(&c, &path, &[("theme", "amsterdam")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Kies bij Thema een van de thema"));

    let r = app.post(&c, &path, &[("theme", "denhaag")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), path);
    let page = app.get(&c, &path).await.text().await.unwrap();
    assert!(page.contains("Het thema van Gemeente Alfa is nu: Gemeente Den Haag."));
    assert!(page.contains("id=\"theme-denhaag\" name=\"theme\" value=\"denhaag\" checked"));
    // The Rijkshuisstijl's licence limits who may use it: said under that choice, and read with it.
    assert!(page.contains("aria-describedby=\"theme-rijkshuisstijl-licence\""), "{page}");
    assert!(
        page.contains("Alleen voor organisaties van de Rijksoverheid en wie in opdracht van de Rijksoverheid werkt")
    );
    assert_eq!(audit_count(&app, "organisation.theme_changed", org).await, 1);

    // Another user's next page, and the public register, wear the theme.
    let home = app.get(&jan, "/").await.text().await.unwrap();
    assert!(home.contains("<body class=\"denhaag-theme "), "{}", &home[..600]);
    assert!(home.contains("/static/vendor/gemeente-denhaag-design-tokens-components-4.1.0/theme.css"));
    let public = app.get(&app.client(), "/openbaar/gm0001").await.text().await.unwrap();
    assert!(public.contains("<body class=\"denhaag-theme "));
    // The vendored stylesheets are served.
    for css in [
        "/static/vendor/gemeente-denhaag-design-tokens-components-4.1.0/theme.css",
        "/static/vendor/rijkshuisstijl-community-design-tokens-11.1.0/theme.css",
        "/static/theme-overrides.css",
    ] {
        assert_eq!(app.get(&app.client(), css).await.status(), 200, "{css}");
    }
}

#[tokio::test]
async fn logos_are_checked_cleaned_served_and_audited() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Alfa", "gm0001").await;
    app.user("admin@alfa.nl", org, &[Role::Medewerker, Role::Beheerder]).await;
    let c = app.logged_in("admin@alfa.nl").await;
    let path = format!("/beheer/organisaties/{org}/logo");

    // Refused: not an image, a malicious SVG (one per kind), no file. Nothing is stored.
    let svg = |inner: &str| {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{inner}</svg>"#
        )
    };
    let bad: Vec<(String, &str)> = vec![
        ("%PDF-1.7 geen afbeelding".into(), "geen PNG- of SVG"),
        (svg("<script>alert(1)</script>"), "een script"),
        (svg(r#"<rect width="1" height="1" onload="alert(1)"/>"#), "onload"),
        (svg("<foreignObject><div xmlns=\"http://www.w3.org/1999/xhtml\">x</div></foreignObject>"), "foreignObject"),
        (svg(r#"<use xlink:href="http://evil.example/a.svg#x"/>"#), "verwijzing naar buiten"),
    ];
    for (body, says) in &bad {
        let r = app.post_multipart(&c, &path, &[], Some(("logo", "logo.svg", body.as_bytes())), true).await;
        assert_eq!(r.status(), 422, "{body}");
        let html = r.text().await.unwrap();
        assert!(html.contains(says), "{body}: {says}");
        assert!(html.contains("id=\"logo-error\""), "the message stands at the field");
    }
    let r = app.post_multipart(&c, &path, &[], None, true).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Kies bij Logo een bestand"));
    assert_eq!(
        app.count("select count(*) from organisation where organisation_id = $1 and logo is not null", org).await,
        0
    );

    // An SVG from an editor is cleaned: metadata and foreign attributes go, the drawing stays.
    let editor = r##"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10" inkscape:version="1"><metadata>m</metadata><rect width="10" height="10" fill="#039"/></svg>"##;
    let r = app.post_multipart(&c, &path, &[], Some(("logo", "logo.svg", editor.as_bytes())), true).await;
    assert_eq!(r.status(), 303);
    let (stored, hash): (Vec<u8>, String) =
        sqlx::query_as("select logo, logo_sha256 from organisation where organisation_id = $1")
            .bind(org)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        String::from_utf8(stored).unwrap(),
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#039"></rect></svg>"##
    );
    let url = format!("/logo/{org}/{hash}");
    let home = app.get(&c, "/").await.text().await.unwrap();
    assert!(home.contains(&format!("<img class=\"app-org__logo\" src=\"{url}\" alt=\"\">")));

    // Served (also without a session) with its own strict policy and cached for good; another hash is 404.
    let r = app.get(&app.client(), &url).await;
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!(h["content-type"], "image/svg+xml");
    assert_eq!(h["content-security-policy"], "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let other = format!("/logo/{org}/{}", "0".repeat(64));
    assert_eq!(app.get(&app.client(), &other).await.status(), 404);

    // A PNG replaces it; the old URL is gone.
    let r = app.post_multipart(&c, &path, &[], Some(("logo", "logo.png", PNG)), true).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get(&app.client(), &url).await.status(), 404);
    let home = app.get(&c, "/").await.text().await.unwrap();
    let start = home.find("src=\"/logo/").unwrap() + 5;
    let png_url = &home[start..home[start..].find('"').unwrap() + start];
    let r = app.get(&app.client(), png_url).await;
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);
    // The public register shows it too.
    let public = app.get(&app.client(), "/openbaar/gm0001").await.text().await.unwrap();
    assert!(public.contains(png_url) && public.contains("Gemeente Alfa"));

    // Removed.
    let r = app.post(&c, &format!("{path}/verwijderen"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get(&app.client(), png_url).await.status(), 404);
    assert!(!app.get(&c, "/").await.text().await.unwrap().contains("app-org__logo"));
    assert_eq!(audit_count(&app, "organisation.logo_changed", org).await, 2);
    assert_eq!(audit_count(&app, "organisation.logo_removed", org).await, 1);
}

#[tokio::test]
async fn another_organisations_branding_is_out_of_reach() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Alfa", "gm0001").await;
    let other = app.org("Gemeente Beta", "gm0002").await;
    app.user("admin@alfa.nl", org, &[Role::Medewerker, Role::Beheerder]).await;
    let c = app.logged_in("admin@alfa.nl").await;
    assert_eq!(app.get(&c, &format!("/beheer/organisaties/{other}/huisstijl")).await.status(), 404);
    let r = app
        .post_multipart(&c, &format!("/beheer/organisaties/{other}/logo"), &[], Some(("logo", "l.png", PNG)), true)
        .await;
    assert_eq!(r.status(), 404);
}
