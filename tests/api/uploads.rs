//! Uploaded reports and imported files, as found by independent testing (issue 15 item 9): Word documents
//! with active content under any part name, bidi controls in file names, memory under concurrent large
//! uploads, and parser errors in Dutch.

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::register::complete;

const PL: &str = "pl@uploads.example";

/// An application the project leader may add assessments to, and its assessments path.
async fn setup() -> (TestApp, Uuid, reqwest::Client, String) {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Uploaddam", "gm0404").await;
    let pl = app.user(PL, org, &[Role::Medewerker, Role::Projectleider]).await;
    let c = app.logged_in(PL).await;
    let path = registration(&app, &c, pl, "Rapporttool").await;
    (app, org, c, path)
}

async fn registration(app: &TestApp, c: &reqwest::Client, pl: Uuid, name: &str) -> String {
    let pl = pl.to_string();
    let r = app.post(c, "/register", &complete(name, &pl, &[])).await;
    assert_eq!(r.status(), 303);
    format!("{}/assessments", location(&r))
}

const FIELDS: &[(&str, &str)] = &[("version", "0"), ("kind", "dpia"), ("status", "in_uitvoering")];

#[tokio::test]
async fn bidi_controls_never_reach_a_stored_shown_or_sent_file_name() {
    let (app, org, c, path) = setup().await;
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
    // A right-to-left override makes "rapport<RLO>fdp.exe" read as "rapportexe.pdf": the real extension counts.
    let r = app.post_multipart(&c, &path, FIELDS, Some(("document", "rapport\u{202E}fdp.exe", pdf)), true).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("eindigt op .exe"), "{body}");
    assert!(!body.contains('\u{202E}'));

    let r = app
        .post_multipart(
            &c,
            &path,
            FIELDS,
            Some(("document", "DPIA\u{202E}\u{2066}\u{200F} 2026\u{061C}.pdf", pdf)),
            true,
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (aid, stored): (Uuid, String) = sqlx::query_as(
        "select s.assessment_id, d.file_name from assessment s join assessment_document d using (document_id)
         where d.organisation_id = $1",
    )
    .bind(org)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, "DPIA 2026.pdf");

    // A name stored before (or around) the upload check is cleaned where it is shown and sent.
    sqlx::query("update assessment_document set file_name = $2 where organisation_id = $1")
        .bind(org)
        .bind("oud\u{202E}fdp.exe\u{202C}.pdf")
        .execute(&app.pool)
        .await
        .unwrap();
    let list = app.get(&c, &path).await.text().await.unwrap();
    assert!(list.contains("oudfdp.exe.pdf"), "{list}");
    let form = app.get(&c, &format!("{path}/{aid}")).await.text().await.unwrap();
    assert!(!list.contains('\u{202E}') && !form.contains('\u{202E}') && !form.contains('\u{202C}'));
    let r = app.get(&c, &format!("{path}/{aid}/document")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"oudfdp.exe.pdf\"; filename*=UTF-8''oudfdp.exe.pdf"
    );
}

#[tokio::test]
async fn import_parse_errors_are_reported_in_dutch() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Import", "gm0002").await;
    app.user("beheerder@import.example", org, &[Role::Beheerder]).await;
    let c = app.logged_in("beheerder@import.example").await;
    let broken = b"[\n  {\"name\": \"Chatbot\",\n   \"status\": \"In gebruik\"\n";
    let r = app.post_multipart(&c, "/publicatie/import", &[], Some(("bestand", "lijst.json", broken)), true).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(
            "Het bestand kan niet worden ingelezen: geen geldige JSON (regel 4, kolom 0: onverwacht einde van het \
             bestand: een object { … } wordt niet afgesloten). Er is niets opgeslagen."
        ),
        "{html}"
    );
    for english in ["EOF", "while parsing", " at line ", "expected"] {
        assert!(!html.contains(english), "{english}: {html}");
    }
    let r = app.post_multipart(&c, "/publicatie/import", &[], Some(("bestand", "x.json", b"{\"a\": 1,}")), true).await;
    assert!(r.text().await.unwrap().contains("regel 1, kolom 9: overbodige komma voor ] of }"));

    // The command line says the same.
    let dir = crate::helpers::scratch_dir("import-nl");
    let file = dir.join("lijst.json");
    std::fs::write(&file, broken).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["import", file.to_str().unwrap()])
        .env("DATABASE_URL", app.database_url().await)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(all.contains("geen geldige JSON (regel 4, kolom 0: onverwacht einde van het bestand"), "{all}");
    for english in ["EOF", "while parsing", " at line "] {
        assert!(!all.contains(english), "{english}: {all}");
    }
}
