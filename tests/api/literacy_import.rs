//! The import of completions from a learning platform's CSV file: a dry run reports per line and writes
//! nothing; a good file (Dutch or English headers, `;` or `,`, a BOM, both date orders, training by title or
//! id) is written as confirmed completions with one audit event; a file with any bad line is reported line by
//! line (unknown person, unknown training, bad or future date, duplicates, a bad link, an empty line skipped)
//! and nothing of it is written. Only the administrator imports.

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, page};

const ADMIN: &str = "beheer@leerdam.example";
const MW: &str = "mw@leerdam.example";
const CISO: &str = "ciso@leerdam.example";

async fn setup() -> (TestApp, reqwest::Client, Uuid, Uuid) {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Leerdam", "gm0303").await;
    app.user(ADMIN, org, &[Role::Medewerker, Role::Beheerder]).await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    let admin = app.logged_in(ADMIN).await;
    for (title, level) in [("Basistraining AI", "basis"), ("Copilot gevorderd", "gevorderd")] {
        let r = app.post(&admin, "/ai-geletterdheid/trainingen", &[("title", title), ("level", level)]).await;
        assert_eq!(r.status(), 303);
    }
    let copilot: Uuid = sqlx::query_scalar("select training_id from training where title = 'Copilot gevorderd'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (app, admin, mw, copilot)
}

async fn import(app: &TestApp, c: &reqwest::Client, csv: &str, dry_run: bool) -> (u16, String) {
    let fields: Vec<(&str, &str)> = if dry_run { vec![("dry_run", "ja")] } else { vec![] };
    let file = Some(("bestand", "afrondingen.csv", csv.as_bytes()));
    let r = app.post_multipart(c, "/ai-geletterdheid/import", &fields, file, true).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn completions(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from training_completion").fetch_one(&app.pool).await.unwrap()
}

async fn import_events(app: &TestApp) -> Vec<serde_json::Value> {
    sqlx::query_scalar("select after from audit_event where action = 'literacy.completions_imported'")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_good_file_is_checked_first_then_imported_as_confirmed_with_one_audit_event() {
    let (app, admin, mw, copilot) = setup().await;
    let csv = format!(
        "\u{feff}E-mail;Training;Datum;Certificaat\r\n\
         MW@leerdam.example;basistraining ai;15-01-2026;https://leren.example.nl/cert/1\r\n\
         ;;;\r\n\
         ciso@leerdam.example;{copilot};2026-02-01;\r\n"
    );
    let (status, body) = import(&app, &admin, &csv, true).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("2 afgeronde trainingen in orde (proefimport"), "{body}");
    assert!(body.contains("Lege regel, overgeslagen") && body.contains("Wordt vastgelegd en bevestigd"), "{body}");
    assert_eq!(completions(&app).await, 0, "a dry run writes nothing");
    assert!(import_events(&app).await.is_empty());

    let (status, body) = import(&app, &admin, &csv, false).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("2 afgeronde trainingen geïmporteerd en bevestigd."), "{body}");
    let confirmed: i64 = sqlx::query_scalar(
        "select count(*) from training_completion where source = 'import' and confirmed_at is not null
           and confirmed_by is not null",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(confirmed, 2);
    let link: Option<String> = sqlx::query_scalar("select evidence_link from training_completion where user_id = $1")
        .bind(mw)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(link.as_deref(), Some("https://leren.example.nl/cert/1"));
    let events = import_events(&app).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["imported"], 2);
    assert_eq!(events[0]["ignored_empty_lines"], 1);
    assert_eq!(events[0]["completions"].as_array().unwrap().len(), 2);
    let emp = app.logged_in(MW).await;
    assert!(page(&app, &emp, "/ai-geletterdheid").await.contains("Basistraining AI"));

    // An English file with commas, read again: now each line is a duplicate of what is in the register.
    let en = format!(
        "email,title,date\nmw@leerdam.example,Basistraining AI,2026-01-15\nciso@leerdam.example,{copilot},01-02-2026\n"
    );
    let (status, body) = import(&app, &admin, &en, false).await;
    assert_eq!(status, 422);
    assert_eq!(body.matches("dubbel: deze afronding staat al in het register").count(), 2, "{body}");
    assert_eq!(completions(&app).await, 2);
}

#[tokio::test]
async fn every_bad_line_is_reported_and_nothing_is_written() {
    let (app, admin, mw, _) = setup().await;
    sqlx::query(
        "insert into training_completion (completion_id, organisation_id, training_id, user_id, completed_on, source,
                confirmed_at)
         select $1, organisation_id, training_id, $2, date '2025-06-01', 'beheerder', now() from training
         where title = 'Basistraining AI'",
    )
    .bind(Uuid::now_v7())
    .bind(mw)
    .execute(&app.pool)
    .await
    .unwrap();
    let csv = "e-mail;training;datum;certificaat\n\
               ciso@leerdam.example;Basistraining AI;2026-01-10;\n\
               niemand@leerdam.example;Basistraining AI;2026-01-10;\n\
               mw@leerdam.example;Prompt engineering;2026-01-10;\n\
               mw@leerdam.example;Copilot gevorderd;31-02-2026;\n\
               mw@leerdam.example;Copilot gevorderd;01-01-2199;\n\
               mw@leerdam.example;Basistraining AI;01-06-2025;\n\
               ciso@leerdam.example;basistraining ai;10-01-2026;\n\
               \n\
               mw@leerdam.example;Copilot gevorderd;2026-01-02;http://leren.example.nl/x\n";
    let (status, body) = import(&app, &admin, csv, false).await;
    assert_eq!(status, 422, "{body}");
    for reason in [
        "e-mail: onbekende medewerker „niemand@leerdam.example”",
        "training: onbekende training „Prompt engineering”",
        "datum: „31-02-2026” is geen datum",
        "datum: 01-01-2199 ligt in de toekomst",
        "dubbel: deze afronding staat al in het register",
        "dubbel: dezelfde afronding staat al op regel 2",
        "certificaat: geen volledige https-link",
        "Lege regel, overgeslagen",
        "7 van de 8 regels hebben fouten; er is niets opgeslagen.",
    ] {
        assert!(body.contains(reason), "{reason}: {body}");
    }
    assert_eq!(completions(&app).await, 1, "nothing of a bad file is written, not even its good line");
    assert!(import_events(&app).await.is_empty());

    // A file without the columns, an empty form, and someone who does not manage literacy.
    let (status, body) = import(&app, &admin, "naam;cursus\nA;B\n", true).await;
    assert_eq!(status, 422);
    assert!(body.contains("de kopregel moet de kolommen e-mail, training en datum hebben"), "{body}");
    let (status, body) = import(&app, &admin, "e-mail;training;datum\n", true).await;
    assert_eq!(status, 422);
    assert!(body.contains("het bestand bevat geen regels met afgeronde trainingen"), "{body}");
    let ciso = app.logged_in(CISO).await;
    let (status, _) =
        import(&app, &ciso, "e-mail;training;datum\nmw@leerdam.example;Basistraining AI;2026-01-10\n", false).await;
    assert_eq!(status, 403);
    assert_eq!(completions(&app).await, 1);
}
