//! A register download with some bad rows (issue 16, item 2): a partial import writes the rows that are in
//! order, reports every other row by number, field and reason, and (when asked) keeps what fits of the others as
//! drafts with what was left out in their history; without the choice the import stays all or nothing. The
//! web form and the command line offer the same.

use serde_json::json;

use crate::helpers::TestApp;
use airegister::auth::roles::Role;

fn file() -> String {
    json!([
        {"name": "Goed", "description_short": "Een goede beschrijving.", "status": "In gebruik"},
        // Older standards' statuses, a bare domain and an address in a sentence are taken over and reported.
        {"name": "Parkeerscan", "description_short": "Scanauto's controleren parkeerrechten.", "status": "In werking",
         "website": "www.delft.nl", "contact_email": "Mail naar parkeren@delft.nl of bel 14 015."},
        {"name": "x".repeat(120), "description_short": "Te lange naam.", "status": "Active"},
        {"name": "Lang verhaal", "description_short": "Een tekst over de grens van de standaard.", "status": "Gestopt",
         "website": "http://example.org/a", "goal": "Een doel. ".repeat(300)}
    ])
    .to_string()
}

async fn import(app: &TestApp, c: &reqwest::Client, mode: &str, dry: bool) -> (u16, String) {
    let mut fields = vec![("modus", mode)];
    if dry {
        fields.push(("dry_run", "ja"));
    }
    let r = app
        .post_multipart(c, "/publicatie/import", &fields, Some(("bestand", "lijst.json", file().as_bytes())), true)
        .await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn names(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("select name, status from application order by name").fetch_all(&app.pool).await.unwrap()
}

#[tokio::test]
async fn the_web_import_takes_the_good_rows_or_drafts_of_the_others_when_asked() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Delft", "gm0503").await;
    app.user("ciso@delft.example", org, &[Role::Ciso]).await;
    let c = app.logged_in("ciso@delft.example").await;

    // All or nothing (the default): the report names each bad row, nothing is written.
    let (status, html) = import(&app, &c, "alles", false).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("2 van de 4 rijen hebben fouten") && html.contains("Er is niets opgeslagen"), "{html}");
    assert!(html.contains("0 geïmporteerd, 0 als concept, 4 gemeld"), "{html}");
    assert!(names(&app).await.is_empty());

    // A dry run of the partial import says what would happen and writes nothing.
    let (status, html) = import(&app, &c, "goede", true).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("2 geïmporteerd, 0 als concept, 2 gemeld (proefimport: niets opgeslagen)"), "{html}");
    assert!(names(&app).await.is_empty());

    let (status, html) = import(&app, &c, "goede", false).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("2 geïmporteerd, 0 als concept, 2 gemeld"), "{html}");
    for reported in [
        "Status: &#39;In werking&#39; is &#39;In gebruik&#39; geworden (gelezen als status van een oudere standaard)",
        "is &#39;https://www.delft.nl&#39; geworden (het register vraagt een https-link)",
        "is het adres parkeren@delft.nl overgenomen",
        "Naam mag hoogstens 100 tekens lang zijn",
        "mag hoogstens 2500 tekens",
    ] {
        assert!(html.contains(reported), "{reported} in {html}");
    }
    assert_eq!(
        names(&app).await,
        vec![("Goed".into(), "In gebruik".into()), ("Parkeerscan".into(), "In gebruik".into())]
    );
    let (website, contact): (String, String) =
        sqlx::query_as("select website, contact_email from application where name = 'Parkeerscan'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((website.as_str(), contact.as_str()), ("https://www.delft.nl", "parkeren@delft.nl"));

    // Again with drafts: the good rows are there already (reported, not doubled); of the two bad rows the one
    // with a usable name becomes a draft, with what was left out in its history.
    let (status, html) = import(&app, &c, "concepten", false).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("0 geïmporteerd, 1 als concept, 3 gemeld"), "{html}");
    let draft: (uuid::Uuid, String, String) =
        sqlx::query_as("select application_id, status, workflow_status from application where name = 'Lang verhaal'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((draft.1.as_str(), draft.2.as_str()), ("Buiten gebruik", "concept"));
    let page = app.get(&c, &format!("/register/{}/geschiedenis", draft.0)).await.text().await.unwrap();
    assert!(page.contains("Niet overgenomen bij de import") && page.contains("mag hoogstens 2500 tekens"), "{page}");
    assert!(page.contains("Aangepast bij de import") && !page.contains("Overig veld"), "{page}");
    assert_eq!(names(&app).await.len(), 3);
    // A tampered choice is the safe one: all or nothing.
    let (status, _) = import(&app, &c, "alles-maar-dan-anders", false).await;
    assert_eq!(status, 422);
    assert_eq!(names(&app).await.len(), 3);
    assert!(airegister::audit::verify(&app.pool).await.unwrap().broken.is_none());
}

#[tokio::test]
async fn the_command_line_imports_partially_and_ends_with_the_counts() {
    let app = TestApp::spawn().await;
    app.org("Gemeente Delft", "gm0503").await;
    let dir = crate::helpers::scratch_dir("import-partial");
    let path = dir.join("lijst.json");
    std::fs::write(&path, file()).unwrap();
    let url = app.database_url().await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
            .arg("import")
            .args(args)
            .arg(&path)
            .env("DATABASE_URL", &url)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert!(!out.status.success(), "all or nothing refuses");
    assert!(String::from_utf8_lossy(&out.stderr).contains("met --partial"));
    assert!(names(&app).await.is_empty());

    let out = run(&["--partial", "--drafts"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Rij 3") && stdout.contains("Rij 4 – Lang verhaal: FOUT, als concept"), "{stdout}");
    let counts = stdout.lines().rev().find(|l| l.contains("geïmporteerd")).unwrap();
    assert_eq!(counts, "2 geïmporteerd, 1 als concept, 1 gemeld");
    assert_eq!(names(&app).await.len(), 3);
    let out = run(&["--drafts"]);
    assert!(!out.status.success(), "--drafts needs --partial");
}
