//! The AI policy (issue 22, items 1 and 2): a draft written and published by the administrator or the CISO,
//! sanitised, versioned and compared; each employee acknowledges the version in force once, is asked to by a
//! notification, and the CISO/directie see the coverage per department, export it and send a reminder; the
//! REST API gives the same, with the same role rules.

use airegister::auth::roles::Role;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::rest::{api_get, token};

struct Org {
    id: Uuid,
    beheerder: Uuid,
    medewerker: Uuid,
    other: Uuid,
    directie: Uuid,
}

async fn setup(app: &TestApp) -> Org {
    let id = app.org("Gemeente Beleid", "gm0101").await;
    let beheerder = app.user("beheer@b.example", id, &[Role::Medewerker, Role::Beheerder]).await;
    let medewerker = app.user("mw@b.example", id, &[Role::Medewerker]).await;
    let other = app.user("mw2@b.example", id, &[Role::Medewerker]).await;
    let directie = app.user("dir@b.example", id, &[Role::Medewerker, Role::Directie]).await;
    for (u, d) in [(medewerker, "Burgerzaken"), (other, "Financiën"), (directie, "Directie")] {
        sqlx::query("update app_user set department = $2 where user_id = $1")
            .bind(u)
            .bind(d)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    Org { id, beheerder, medewerker, other, directie }
}

async fn save(app: &TestApp, c: &reqwest::Client, title: &str, text: &str, version: &str) -> reqwest::Response {
    app.post(c, "/beleid/concept", &[("titel", title), ("tekst", text), ("versie", version)]).await
}

async fn publish(app: &TestApp, c: &reqwest::Client, fields: &[(&str, &str)]) -> reqwest::Response {
    app.post(c, "/beleid/concept/publiceren", fields).await
}

async fn text(r: reqwest::Response) -> String {
    r.text().await.unwrap()
}

#[tokio::test]
async fn a_draft_is_sanitised_published_acknowledged_once_and_counted() {
    let app = TestApp::spawn().await;
    let o = setup(&app).await;
    let admin = app.logged_in("beheer@b.example").await;
    let mw = app.logged_in("mw@b.example").await;

    // Nothing published yet; an employee may not write the policy.
    assert!(text(app.get(&mw, "/beleid").await).await.contains("nog geen AI-beleid gepubliceerd"));
    assert_eq!(app.get(&mw, "/beleid/concept").await.status(), 403);
    assert_eq!(save(&app, &mw, "X", "Tekst", "0").await.status(), 403);

    // Bad input names the field and keeps what was typed.
    let r = save(&app, &admin, "", "# Art. 1\n\nBehouden tekst", "0").await;
    assert_eq!(r.status(), 422);
    let page = text(r).await;
    assert!(page.contains("Vul de titel in."), "{page}");
    assert!(page.contains("Behouden tekst"));

    // Pasted HTML goes through the register's sanitiser (the script and its content are gone).
    let typed = "<p># Art. 1 – Doel</p><p>Alleen toegestane tools.</p><script>alert(1)</script><ul><li>Copilot</li><li>Gemini</li></ul>";
    let r = save(&app, &admin, "AI-beleid", typed, "0").await;
    assert_eq!(r.status(), 303);
    let body: String = sqlx::query_scalar("select body from policy_version where organisation_id = $1")
        .bind(o.id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!body.contains("script") && !body.contains("alert"), "{body}");
    // A draft is not for employees.
    assert_eq!(app.get(&mw, "/beleid/versie/1").await.status(), 404);

    // Publication without a date is refused on the field; then published for everyone.
    let r = publish(&app, &admin, &[("ingangsdatum", "")]).await;
    assert_eq!(r.status(), 422);
    assert!(text(r).await.contains("Vul de ingangsdatum in."));
    let r = publish(&app, &admin, &[("ingangsdatum", "2026-02-01"), ("rollen", "hacker")]).await;
    assert_eq!(r.status(), 422);
    let r = publish(&app, &admin, &[("ingangsdatum", "2026-02-01")]).await;
    assert_eq!(r.status(), 303, "{}", text(r).await);
    let audit: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where action in ('policy.draft_saved', 'policy.published')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audit, 2);

    // Everyone but the publisher is notified.
    let notified: Vec<Uuid> =
        sqlx::query_scalar("select user_id from notification where kind = 'beleid' order by user_id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let mut expected = vec![o.medewerker, o.other, o.directie];
    expected.sort();
    assert_eq!(notified, expected);

    // The employee reads it: the start page and the allowed tools link to it and ask; acknowledging is once.
    let home = text(app.get(&mw, "/").await).await;
    assert!(home.contains("AI-beleid versie 1") && home.contains("bevestig dat u het gelezen hebt"), "{home}");
    assert!(text(app.get(&mw, "/toegestane-tools").await).await.contains("href=\"/beleid\""));
    assert!(text(app.get(&mw, "/toegestane-tools/afdrukken").await).await.contains("AI-beleid versie 1"));
    let page = text(app.get(&mw, "/beleid").await).await;
    assert!(page.contains("Ik heb het AI-beleid versie 1 gelezen"));
    assert!(page.contains("<li>Copilot</li>"));
    for _ in 0..2 {
        let r = app.post(&mw, "/beleid/versie/1/gelezen", &[]).await;
        assert_eq!(location(&r), "/beleid");
    }
    let acks: i64 =
        sqlx::query_scalar("select count(*) from policy_acknowledgement").fetch_one(&app.pool).await.unwrap();
    assert_eq!(acks, 1);
    let events: i64 = sqlx::query_scalar("select count(*) from audit_event where action = 'policy.acknowledged'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(events, 1);
    assert!(text(app.get(&mw, "/beleid").await).await.contains("U hebt op "));
    let home = text(app.get(&mw, "/").await).await;
    assert!(
        home.contains("AI-beleid versie 1") && !home.contains("bevestig dat u het gelezen hebt"),
        "read: not asked"
    );

    // Coverage: not for employees; for the directie per department with who has not read it.
    assert_eq!(app.get(&mw, "/beleid/versie/1/dekking").await.status(), 403);
    let dir = app.logged_in("dir@b.example").await;
    let page = text(app.get(&dir, "/beleid/versie/1/dekking").await).await;
    assert!(page.contains("<strong>1 van 4</strong>"), "{page}");
    assert!(page.contains("Burgerzaken") && page.contains("100%"));
    assert!(
        page.contains("Naam mw2@b.example")
            && !page.contains("<th scope=\"row\" class=\"utrecht-table__header-cell\">Naam mw@b.example")
    );

    // The reminder goes to those who have not read it, once a day.
    for _ in 0..2 {
        assert_eq!(app.post(&dir, "/beleid/versie/1/herinneren", &[]).await.status(), 303);
    }
    let reminded: i64 = sqlx::query_scalar("select count(*) from notification where message like 'Herinnering%'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(reminded, 3, "the administrator, the other employee and the directie; once");

    // The export: CSV with a row per person, Excel as a workbook.
    let r = app.get(&dir, "/beleid/versie/1/export?formaat=csv").await;
    assert_eq!(r.status(), 200);
    let csv = text(r).await;
    assert!(csv.starts_with("\u{feff}\"Versie\",\"Ingangsdatum\""), "{csv}");
    assert_eq!(csv.lines().count(), 5);
    assert!(csv.contains("\"Naam mw@b.example\",\"mw@b.example\",\"Burgerzaken\",\"Medewerker\",\"ja\""), "{csv}");
    let r = app.get(&dir, "/beleid/versie/1/export?formaat=xlsx").await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let _ = o.beheerder;
}

#[tokio::test]
async fn a_new_version_supersedes_the_old_one_is_compared_and_asks_only_its_audience() {
    let app = TestApp::spawn().await;
    let o = setup(&app).await;
    let admin = app.logged_in("beheer@b.example").await;
    assert_eq!(
        save(&app, &admin, "AI-beleid", "# Art. 1\n\nOude regel.\n\n# Art. 2\n\nBlijft.", "0").await.status(),
        303
    );
    assert_eq!(publish(&app, &admin, &[("ingangsdatum", "2026-01-01")]).await.status(), 303);
    // The next draft starts from the text in force.
    let form = text(app.get(&admin, "/beleid/concept").await).await;
    assert!(form.contains("Oude regel.") && form.contains("versie 2"));
    assert_eq!(
        save(&app, &admin, "AI-beleid", "# Art. 1\n\nNieuwe regel.\n\n# Art. 2\n\nBlijft.\n\n# Art. 3\n\nErbij.", "0")
            .await
            .status(),
        303
    );
    // Someone else's edit in between is not overwritten: the draft is now at version 1 (saved twice).
    assert_eq!(
        save(&app, &admin, "AI-beleid", "# Art. 1\n\nNieuwe regel.\n\n# Art. 2\n\nBlijft.\n\n# Art. 3\n\nErbij.", "0")
            .await
            .status(),
        303
    );
    let r = save(&app, &admin, "AI-beleid", "Verouderd", "0").await;
    assert_eq!(r.status(), 422);
    assert!(text(r).await.contains("Iemand anders heeft het concept intussen gewijzigd"));
    let r = publish(&app, &admin, &[("ingangsdatum", "2026-03-01"), ("afdelingen", "Burgerzaken")]).await;
    assert_eq!(r.status(), 303);
    let statuses: Vec<String> =
        sqlx::query_scalar("select status from policy_version order by number").fetch_all(&app.pool).await.unwrap();
    assert_eq!(statuses, ["vervangen", "gepubliceerd"]);
    // Only Burgerzaken is asked for version 2.
    let asked: Vec<Uuid> =
        sqlx::query_scalar("select user_id from notification where kind = 'beleid' and message like '%versie 2%'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(asked, [o.medewerker]);
    let other = app.logged_in("mw2@b.example").await;
    assert!(!text(app.get(&other, "/").await).await.contains("bevestig dat u het gelezen hebt"));
    // Acknowledging a superseded version is refused.
    app.post(&other, "/beleid/versie/1/gelezen", &[]).await;
    let acks: i64 =
        sqlx::query_scalar("select count(*) from policy_acknowledgement").fetch_one(&app.pool).await.unwrap();
    assert_eq!(acks, 0);

    // Side by side: the changed paragraph paired, the new article added.
    let page = text(app.get(&other, "/beleid/vergelijken?van=1&naar=2").await).await;
    assert!(
        page.contains("app-diff--gewijzigd") && page.contains("Oude regel.") && page.contains("Nieuwe regel."),
        "{page}"
    );
    assert!(page.contains("app-diff--toegevoegd") && page.contains("Erbij."));
    assert!(page.contains("3 onderdelen zijn gewijzigd"), "{page}");
    assert_eq!(app.get(&other, "/beleid/vergelijken?van=1&naar=9").await.status(), 404);
    let print = text(app.get(&other, "/beleid/versie/1/afdrukken").await).await;
    assert!(print.contains("Oude regel.") && print.contains("Vervangen"));
}

#[tokio::test]
async fn the_api_lists_versions_and_gives_coverage_to_the_roles_that_see_it() {
    let app = TestApp::spawn().await;
    let o = setup(&app).await;
    let admin = app.logged_in("beheer@b.example").await;
    save(&app, &admin, "AI-beleid", "# Art. 1\n\nTekst.", "0").await;
    publish(&app, &admin, &[("ingangsdatum", "2026-02-01")]).await;
    save(&app, &admin, "AI-beleid", "# Art. 1\n\nConcept.", "0").await;
    let mw = app.logged_in("mw@b.example").await;
    app.post(&mw, "/beleid/versie/1/gelezen", &[]).await;

    let employee = token(&app, o.medewerker, o.id, false).await;
    let list: Value = api_get(&app, &employee, "/policy/versions").await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "no draft for an employee: {list}");
    let one: Value = api_get(&app, &employee, "/policy/versions/1").await.json().await.unwrap();
    assert_eq!(one["status"], "gepubliceerd");
    assert_eq!(one["published_on"], "2026-02-01");
    assert!(one["acknowledged_at"].is_string());
    assert_eq!(one["text"], "# Art. 1\n\nTekst.");
    assert_eq!(api_get(&app, &employee, "/policy/versions/2").await.status(), 404);
    assert_eq!(api_get(&app, &employee, "/policy/versions/1/coverage").await.status(), 403);

    let manager = token(&app, o.directie, o.id, false).await;
    let r = api_get(&app, &manager, "/policy/versions/1/coverage").await;
    assert_eq!(r.status(), 200);
    let c: Value = r.json().await.unwrap();
    assert_eq!((c["asked"].as_i64(), c["acknowledged"].as_i64(), c["percent"].as_i64()), (Some(4), Some(1), Some(25)));
    assert_eq!(c["missing"].as_array().unwrap().len(), 3);
    let burgerzaken = c["departments"].as_array().unwrap().iter().find(|d| d["department"] == "Burgerzaken").unwrap();
    assert_eq!(burgerzaken["percent"], 100);
    let editor = token(&app, o.beheerder, o.id, false).await;
    let list: Value = api_get(&app, &editor, "/policy/versions").await.json().await.unwrap();
    assert_eq!(list["items"][0]["status"], "concept");
    assert_eq!(api_get(&app, &editor, "/policy/versions/x").await.status(), 404);
}
