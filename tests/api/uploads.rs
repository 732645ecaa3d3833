//! Uploaded reports and imported files, as found by independent testing (issue 15 item 9): Word documents
//! with active content under any part name, bidi controls in file names, memory under concurrent large
//! uploads, and parser errors in Dutch.

use airegister::auth::roles::Role;

use crate::helpers::TestApp;

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
