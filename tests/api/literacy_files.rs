//! AI-literacy, issue 22 continued: a completion's certificate uploaded through the checks of assessment
//! reports (by the person on their own page and by the administrator), listed with the completion, downloaded
//! by the person and by those who see others' records, refused for anyone else; and the coverage exported as
//! CSV and Excel (a row per person and required training, or the figures only for the directie), with
//! formula cells neutralised in the CSV.

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, page};

const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

const ADMIN: &str = "beheer@leerdam.example";
const MW: &str = "mw@leerdam.example";
const MW2: &str = "mw2@leerdam.example";
const CISO: &str = "ciso@leerdam.example";
const DIR: &str = "dir@leerdam.example";

struct Setup {
    app: TestApp,
    org: Uuid,
    mw2: Uuid,
    admin: reqwest::Client,
    basis: String,
}

/// An organisation with a basic training required of every employee.
async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Leerdam", "gm0303").await;
    app.user(ADMIN, org, &[Role::Medewerker, Role::Beheerder]).await;
    app.user(MW, org, &[Role::Medewerker]).await;
    let mw2 = app.user(MW2, org, &[Role::Medewerker]).await;
    app.user(CISO, org, &[Role::Ciso]).await;
    app.user(DIR, org, &[Role::Directie]).await;
    let admin = app.logged_in(ADMIN).await;
    let fields = [("title", "Basistraining AI"), ("level", "basis"), ("validity_months", "24")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/trainingen", &fields).await.status(), 303);
    let basis: Uuid = sqlx::query_scalar("select training_id from training").fetch_one(&app.pool).await.unwrap();
    let basis = basis.to_string();
    let req = [("requirement_training", basis.as_str()), ("role", "medewerker")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    Setup { app, org, mw2, admin, basis }
}

async fn completion_of(app: &TestApp, email: &str) -> Uuid {
    sqlx::query_scalar(
        "select c.completion_id from training_completion c join app_user u using (user_id) where u.email = $1",
    )
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn uploads(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from audit_event where action = 'literacy.certificate_uploaded'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_certificate_is_uploaded_listed_and_downloaded_by_who_may_see_it() {
    let s = setup().await;
    let app = &s.app;
    let mw = app.logged_in(MW).await;
    let docs = "select count(*) from assessment_document where organisation_id = $1";

    // A file that is not a certificate: refused on the field, naming it; the rest of the form comes back.
    let fields = [
        ("training_id", s.basis.as_str()),
        ("completed_on", "2026-01-15"),
        ("evidence_link", "https://leren.example.nl/c/1"),
    ];
    let bad = Some(("document", "certificaat.pdf", &b"<html><script>x</script></html>"[..]));
    let r = app.post_multipart(&mw, "/ai-geletterdheid", &fields, bad, true).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"document-error\"") && html.contains("Certificaat: Dit bestand is geen PDF"), "{html}");
    assert!(html.contains("href=\"#document\""), "the summary links to the field");
    assert!(html.contains("value=\"2026-01-15\"") && html.contains("value=\"https://leren.example.nl/c/1\""));
    assert!(html.contains(&format!("<option value=\"{}\" selected>", s.basis)), "the training stays chosen");
    // A bad date and a bad file: both named at once.
    let r = app
        .post_multipart(
            &mw,
            "/ai-geletterdheid",
            &[("training_id", &s.basis), ("completed_on", "2199-01-01")],
            bad,
            true,
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("De datum van afronding ligt in de toekomst.") && html.contains("Certificaat: Dit bestand"));
    assert_eq!(app.count("select count(*) from training_completion where organisation_id = $1", s.org).await, 0);
    assert_eq!(app.count(docs, s.org).await, 0);
    // Without the CSRF token nothing passes.
    let good = Some(("document", "Certificaat Basis.pdf", PDF));
    assert_eq!(app.post_multipart(&mw, "/ai-geletterdheid", &fields, good, false).await.status(), 403);

    // The employee records the training with the link and the certificate.
    let r = app.post_multipart(&mw, "/ai-geletterdheid", &fields, good, true).await;
    assert_eq!(r.status(), 303);
    assert_eq!(uploads(app).await, 1);
    let own = completion_of(app, MW).await;
    let href = format!("/ai-geletterdheid/afrondingen/{own}/certificaat");
    let mine = page(app, &mw, "/ai-geletterdheid").await;
    assert!(mine.contains(&format!("href=\"{href}\"")) && mine.contains("certificaat Certificaat Basis.pdf"), "{mine}");
    assert!(mine.contains("Wacht op bevestiging"));
    let after: serde_json::Value =
        sqlx::query_scalar("select after from audit_event where action = 'literacy.certificate_uploaded'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(after["file_name"], "Certificaat Basis.pdf");
    // The administrator sees it on the list to confirm.
    let manage = page(app, &s.admin, "/ai-geletterdheid/beheer").await;
    assert!(manage.contains(&format!("href=\"{href}\"")) && manage.contains("certificaat Certificaat Basis.pdf"));

    // The person and those who see others' records download it; another employee and the directie do not.
    for who in [&mw, &s.admin, &app.logged_in(CISO).await] {
        let r = app.get(who, &href).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    }
    let mw2 = app.logged_in(MW2).await;
    assert_eq!(app.get(&mw2, &href).await.status(), 403);
    assert_eq!(app.get(&app.logged_in(DIR).await, &href).await.status(), 403);
    assert_eq!(
        app.get(&mw, &format!("/ai-geletterdheid/afrondingen/{}/certificaat", Uuid::now_v7())).await.status(),
        404
    );
    let other = app.org("Gemeente Elders", "gm0404").await;
    app.user("beheer@elders.example", other, &[Role::Beheerder]).await;
    assert_eq!(app.get(&app.logged_in("beheer@elders.example").await, &href).await.status(), 404);

    // The administrator records a completion for someone with a certificate only; a bad one is refused the same
    // way, with the person still chosen.
    let mw2_id = s.mw2.to_string();
    let for_mw2 = [("user_id", mw2_id.as_str()), ("training_id", s.basis.as_str()), ("completed_on", "2026-02-01")];
    let r = app.post_multipart(&s.admin, "/ai-geletterdheid/afrondingen", &for_mw2, bad, true).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Certificaat: Dit bestand is geen PDF"), "{html}");
    assert!(html.contains("name=\"user_id\" value=\"Naam mw2@leerdam.example (mw2@leerdam.example)\""), "{html}");
    assert!(html.contains("value=\"2026-02-01\""));
    // A screenshot is a certificate too (an image: never an assessment report).
    let r = app
        .post_multipart(&s.admin, "/ai-geletterdheid/afrondingen", &for_mw2, Some(("document", "mw2.png", PNG)), true)
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(uploads(app).await, 2);
    let theirs = format!("/ai-geletterdheid/afrondingen/{}/certificaat", completion_of(app, MW2).await);
    let r = app.get(&mw2, &theirs).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);
    assert_eq!(app.get(&mw, &theirs).await.status(), 403);
    assert!(page(app, &mw2, "/ai-geletterdheid").await.contains("certificaat mw2.png"));
    assert_eq!(app.count(docs, s.org).await, 2);

    // Only for an active member of the organisation: a deactivated account is refused on the person's field.
    sqlx::query("update app_user set active = false where user_id = $1").bind(s.mw2).execute(&app.pool).await.unwrap();
    let r = app
        .post(
            &s.admin,
            "/ai-geletterdheid/afrondingen",
            &[("user_id", &mw2_id), ("training_id", &s.basis), ("completed_on", "2025-01-11")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Kies bij Medewerker een actieve medewerker van de organisatie."));
    sqlx::query("update app_user set active = true where user_id = $1").bind(s.mw2).execute(&app.pool).await.unwrap();

    // A completion with a link only has no file to download.
    let r = app
        .post(
            &s.admin,
            "/ai-geletterdheid/afrondingen",
            &[("user_id", &mw2_id), ("training_id", &s.basis), ("completed_on", "2025-01-10")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let plain: Uuid =
        sqlx::query_scalar("select completion_id from training_completion where completed_on = '2025-01-10'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(app.get(&s.admin, &format!("/ai-geletterdheid/afrondingen/{plain}/certificaat")).await.status(), 404);

    // A deleted person's certificates do not stay behind.
    sqlx::query("delete from app_user where user_id = $1").bind(s.mw2).execute(&app.pool).await.unwrap();
    assert_eq!(app.count(docs, s.org).await, 1, "only the other employee's certificate is left");
}

#[tokio::test]
async fn the_coverage_is_exported_per_person_or_as_figures() {
    let s = setup().await;
    let app = &s.app;
    // A name a spreadsheet would run as a formula, and a department.
    sqlx::query("update app_user set name = '=HYPERLINK(\"http://x.example\")' where email = $1")
        .bind(MW2)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("update app_user set department = 'Burgerzaken' where email = $1")
        .bind(MW)
        .execute(&app.pool)
        .await
        .unwrap();
    let mw_id: Uuid = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind(MW)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mw_s = mw_id.to_string();
    let done = [("user_id", mw_s.as_str()), ("training_id", s.basis.as_str()), ("completed_on", "2026-01-15")];
    assert_eq!(app.post(&s.admin, "/ai-geletterdheid/afrondingen", &done).await.status(), 303);
    let mw2 = app.logged_in(MW2).await;
    let own = [("training_id", s.basis.as_str()), ("completed_on", "2026-02-01")];
    assert_eq!(app.post(&mw2, "/ai-geletterdheid", &own).await.status(), 303);

    // The CISO: the coverage page links both exports; the CSV has a row per person and required training.
    let ciso = app.logged_in(CISO).await;
    let cov = page(app, &ciso, "/ai-geletterdheid/dekking").await;
    assert!(cov.contains("href=\"/ai-geletterdheid/dekking/export?inhoud=personen&amp;formaat=csv\""), "{cov}");
    assert!(cov.contains("href=\"/ai-geletterdheid/dekking/export?inhoud=cijfers&amp;formaat=xlsx\""));
    let r = app.get(&ciso, "/ai-geletterdheid/dekking/export?formaat=csv").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment") && disposition.contains("ai-geletterdheid-gm0303-dekking-"));
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}\"Naam\",\"E-mailadres\",\"Afdeling\",\"Training\",\"Reden\",\"Stand\",\"Afgerond op\",\"Geldig tot\""
    );
    // Three employees (the administrator, mw, mw2) must have the basic training for their role.
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        csv.contains("\"Naam mw@leerdam.example\",\"mw@leerdam.example\",\"Burgerzaken\",\"Basistraining AI\",\"rol Medewerker\",\"geldig\",\"15-01-2026\",\"14-01-2028\""),
        "{csv}"
    );
    assert!(csv.contains("\"Naam beheer@leerdam.example\",\"beheer@leerdam.example\",\"Geen afdeling\",\"Basistraining AI\",\"rol Medewerker\",\"nog niet gevolgd\",\"\",\"\""));
    // The formula is neutralised with a leading apostrophe; the standing is the one waiting.
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x.example\"\")\",\"mw2@leerdam.example\",\"Geen afdeling\",\"Basistraining AI\",\"rol Medewerker\",\"wacht op bevestiging\""),
        "{csv}"
    );

    // Excel: a valid workbook as independent readers see it, the same rows, the name kept as text.
    let r = app.get(&ciso, "/ai-geletterdheid/dekking/export?inhoud=personen&formaat=xlsx").await;
    assert_eq!(r.status(), 200);
    let sheets = crate::xlsx_check::read(&r.bytes().await.unwrap());
    let rows = sheets["Per persoon"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0][0], "Naam");
    assert_eq!(rows[0][7], "Geldig tot");
    assert!(
        rows.iter().any(|r| r[0] == "=HYPERLINK(\"http://x.example\")" && r[5] == "wacht op bevestiging"),
        "{rows:?}"
    );

    // The figures: per department, role and tool.
    let figures = app.get(&ciso, "/ai-geletterdheid/dekking/export?inhoud=cijfers").await.text().await.unwrap();
    assert!(figures.contains("\"Afdeling\",\"Burgerzaken\",\"1\",\"1\",\"0\",\"0\",\"0\""), "{figures}");
    assert!(figures.contains("\"Afdeling\",\"Geen afdeling\",\"2\",\"0\",\"0\",\"0\",\"2\""), "{figures}");
    assert!(figures.contains("\"Rol\",\"Medewerker\",\"3\",\"1\",\"0\",\"0\",\"2\""), "{figures}");

    // The directie sees figures only: the default export is the figures, without names; the list is refused.
    let dir = app.logged_in(DIR).await;
    let cov = page(app, &dir, "/ai-geletterdheid/dekking").await;
    assert!(cov.contains("inhoud=cijfers") && !cov.contains("inhoud=personen"));
    let r = app.get(&dir, "/ai-geletterdheid/dekking/export").await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(
        text.starts_with("\u{feff}\"Indeling\",\"Naam\",\"Vereist\"") && !text.contains("@leerdam.example"),
        "{text}"
    );
    let r = app.get(&dir, "/ai-geletterdheid/dekking/export?inhoud=cijfers&formaat=xlsx").await;
    assert_eq!(r.status(), 200);
    let sheets = crate::xlsx_check::read(&r.bytes().await.unwrap());
    assert_eq!(sheets["Cijfers"][0][0], "Indeling");
    assert_eq!(app.get(&dir, "/ai-geletterdheid/dekking/export?inhoud=personen").await.status(), 403);
    // An employee gets neither; an unknown format or content does not exist.
    assert_eq!(app.get(&mw2, "/ai-geletterdheid/dekking/export?inhoud=cijfers").await.status(), 403);
    assert_eq!(app.get(&ciso, "/ai-geletterdheid/dekking/export?formaat=pdf").await.status(), 404);
    assert_eq!(app.get(&ciso, "/ai-geletterdheid/dekking/export?inhoud=alles").await.status(), 404);
    // The dashboard's literacy section points to the export.
    assert!(page(app, &dir, "/overzicht").await.contains("/ai-geletterdheid/dekking#kop-export"));
}
