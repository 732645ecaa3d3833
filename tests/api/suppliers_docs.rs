//! Issue 23, items 4 and 5 continued: a supplier's processor agreement and certificates uploaded through the
//! checks of assessment reports, the registration form's choice of known suppliers, and the EU database sheet
//! with the deployer's address, the provider's entry and the deployer role from the decision aid.

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::register::complete;

const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

struct Setup {
    app: TestApp,
    org: Uuid,
    pl: Uuid,
    pl_c: reqwest::Client,
    ciso_c: reqwest::Client,
}

async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Leverdam", "gm0202").await;
    let pl = app.user("pl@leverdam.example", org, &[Role::Medewerker, Role::Projectleider]).await;
    app.user("ciso@leverdam.example", org, &[Role::Ciso]).await;
    let pl_c = app.logged_in("pl@leverdam.example").await;
    let ciso_c = app.logged_in("ciso@leverdam.example").await;
    Setup { app, org, pl, pl_c, ciso_c }
}

async fn supplier(s: &Setup, name: &str) -> Uuid {
    let r = s.app.post(&s.ciso_c, "/leveranciers", &[("name", name)]).await;
    assert_eq!(r.status(), 303);
    location(&r).trim_start_matches("/leveranciers/").parse().unwrap()
}

async fn events(s: &Setup, action: &str) -> i64 {
    sqlx::query_scalar("select count(*) from audit_event where action = $1")
        .bind(action)
        .fetch_one(&s.app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn agreements_and_certificates_are_uploaded_checked_downloaded_and_audited() {
    let s = setup().await;
    let id = supplier(&s, "Acme").await;
    let path = format!("/leveranciers/{id}/documenten");
    let docs = "select count(*) from assessment_document where organisation_id = $1";
    let dpa = &[("slot", "verwerkersovereenkomst")][..];

    // Refused on the field, the kind still chosen; nothing stored.
    let r = s.app.post_multipart(&s.ciso_c, &path, dpa, Some(("document", "vo.pdf", b"<html>x</html>")), true).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"document-error\"") && html.contains("Dit bestand is geen PDF"), "{html}");
    assert!(html.contains("<option value=\"verwerkersovereenkomst\" selected>"), "the form comes back filled in");
    let r = s.app.post_multipart(&s.ciso_c, &path, &[], Some(("document", "vo.pdf", PDF)), true).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Kies bij soort document"));
    let r = s.app.post_multipart(&s.ciso_c, &path, dpa, None, true).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Kies bij bestand"));
    assert_eq!(s.app.count(docs, s.org).await, 0);
    // Only the CISO and the beheerder keep records; without the CSRF token nothing passes.
    let r = s.app.post_multipart(&s.pl_c, &path, dpa, Some(("document", "vo.pdf", PDF)), true).await;
    assert_eq!(r.status(), 403);
    let r = s.app.post_multipart(&s.ciso_c, &path, dpa, Some(("document", "vo.pdf", PDF)), false).await;
    assert_eq!(r.status(), 403);

    let r = s.app.post_multipart(&s.ciso_c, &path, dpa, Some(("document", "VO Acme.pdf", PDF)), true).await;
    assert_eq!(r.status(), 303);
    let page = s.app.get(&s.pl_c, &format!("/leveranciers/{id}")).await.text().await.unwrap();
    assert!(page.contains("Verwerkersovereenkomst: VO Acme.pdf"), "listed on the record");
    assert!(!page.contains("enctype=\"multipart/form-data\""), "a projectleider gets no upload form");
    // Everyone who sees the supplier downloads it, as an attachment.
    let r = s.app.get(&s.pl_c, &format!("{path}/verwerkersovereenkomst")).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    assert_eq!(s.app.get(&s.pl_c, &format!("{path}/iso27001")).await.status(), 404, "none uploaded");
    assert_eq!(s.app.get(&s.pl_c, &format!("{path}/paspoort")).await.status(), 404);

    // A new agreement replaces the old file; a certificate sits beside it.
    let r = s.app.post_multipart(&s.ciso_c, &path, dpa, Some(("document", "VO 2026.pdf", PDF)), true).await;
    assert_eq!(r.status(), 303);
    let iso = &[("slot", "iso27001")][..];
    let r = s.app.post_multipart(&s.ciso_c, &path, iso, Some(("document", "ISO27001.pdf", PDF)), true).await;
    assert_eq!(r.status(), 303);
    assert_eq!(s.app.count(docs, s.org).await, 2, "the replaced agreement is not kept");
    assert_eq!(events(&s, "supplier.document_uploaded").await, 3);
    let before: serde_json::Value = sqlx::query_scalar(
        "select before from audit_event where action = 'supplier.document_uploaded' and object_id = $1
         order by audit_id desc offset 1 limit 1",
    )
    .bind(id)
    .fetch_one(&s.app.pool)
    .await
    .unwrap();
    assert_eq!(before["file_name"], "VO Acme.pdf", "the audit names the file replaced");

    // Removing: only an editor, then gone.
    let remove = format!("{path}/iso27001/verwijderen");
    assert_eq!(s.app.post(&s.pl_c, &remove, &[]).await.status(), 403);
    assert_eq!(s.app.post(&s.ciso_c, &remove, &[]).await.status(), 303);
    assert_eq!(s.app.get(&s.pl_c, &format!("{path}/iso27001")).await.status(), 404);
    assert_eq!(s.app.post(&s.ciso_c, &remove, &[]).await.status(), 404, "nothing left to remove");
    assert_eq!(events(&s, "supplier.document_removed").await, 1);
    assert_eq!(s.app.count(docs, s.org).await, 1);

    // Another organisation sees nothing of it.
    let other = s.app.org("Gemeente Elders", "gm0303").await;
    s.app.user("ciso@elders.example", other, &[Role::Ciso]).await;
    let c = s.app.logged_in("ciso@elders.example").await;
    assert_eq!(s.app.get(&c, &format!("{path}/verwerkersovereenkomst")).await.status(), 404);
    let r = s.app.post_multipart(&c, &path, dpa, Some(("document", "x.pdf", PDF)), true).await;
    assert_eq!(r.status(), 404);
    assert_eq!(s.app.count(docs, other).await, 0);
}

#[tokio::test]
async fn the_registration_form_offers_the_known_suppliers_and_links_a_typed_name() {
    let s = setup().await;
    let id = supplier(&s, "Acme Software B.V.").await;
    supplier(&s, "Zeta").await;
    for path in ["/register/nieuw?naam=Vertaler", "/register/nieuw?naam=Vertaler&alles=1"] {
        let html = s.app.get(&s.pl_c, path).await.text().await.unwrap();
        assert!(html.contains("list=\"provider-keuzes\""), "{path}: the supplier field offers the records");
        assert!(html.contains("<datalist id=\"provider-keuzes\"><option value=\"Acme Software B.V.\"></option><option value=\"Zeta\"></option></datalist>"), "{path}");
        assert!(html.contains("een nieuwe naam blijft tekst tot de CISO of beheerder die leverancier vastlegt"));
    }
    let pl = s.pl.to_string();
    let r = s.app.post(&s.pl_c, "/register", &complete("Vertaler", &pl, &[("provider", "ACME software bv")])).await;
    assert_eq!(r.status(), 303);
    let app: Uuid = location(&r).trim_start_matches("/register/").parse().unwrap();
    let linked: Option<Uuid> = sqlx::query_scalar("select supplier_id from application where application_id = $1")
        .bind(app)
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(linked, Some(id), "a typed spelling of a known supplier is linked to it");
    let page = s.app.get(&s.pl_c, &format!("/register/{app}")).await.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/leveranciers/{id}\"")), "the registration links to the record");
    let html = s.app.get(&s.pl_c, &format!("/register/{app}/bewerken/algemeen")).await.text().await.unwrap();
    assert!(
        html.contains("<option value=\"Zeta\">") || html.contains("<option value=\"Zeta\"></option>"),
        "editing offers them too"
    );
}

#[tokio::test]
async fn the_eu_sheet_takes_the_deployer_address_the_provider_entry_and_the_role() {
    let s = setup().await;
    s.app.user("beheer@leverdam.example", s.org, &[Role::Beheerder]).await;
    let admin = s.app.logged_in("beheer@leverdam.example").await;
    let pl = s.pl.to_string();
    let fields = complete(
        "Cv-rangschikker",
        &pl,
        &[("provider", "HR Select BV"), ("personal_data", "ja"), ("ai_act_risk_group", "hoog-risico AI")],
    );
    let r = s.app.post(&s.pl_c, "/register", &fields).await;
    let id: Uuid = location(&r).trim_start_matches("/register/").parse().unwrap();
    let sheet_path = format!("/register/{id}/eu-databank");
    let sheet = s.app.get(&s.pl_c, &sheet_path).await.text().await.unwrap();
    assert!(sheet.contains("Bij 5 van de 5 velden ontbreekt nog iets."));
    assert!(sheet.contains("De beslishulp AI-verordening is voor dit systeem nog niet afgerond"));

    // The deployer's address: the beheerder's, refused on the field when empty.
    let address = format!("/beheer/organisaties/{}/gebruiksverantwoordelijke", s.org);
    assert_eq!(s.app.get(&s.ciso_c, &address).await.status(), 403);
    assert_eq!(s.app.post(&s.ciso_c, &address, &[("postal_address", "Postbus 1")]).await.status(), 403);
    let r = s.app.post(&admin, &address, &[("postal_address", " "), ("contact", "Team Informatiebeheer")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"postal_address-error\"") && html.contains("value=\"Team Informatiebeheer\""));
    let r = s
        .app
        .post(
            &admin,
            &address,
            &[("postal_address", "Postbus 16200\r\n3500 CE Leverdam"), ("contact", "ai@leverdam.example")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(events(&s, "organisation.deployer_contact").await, 1);
    let form = s.app.get(&admin, &address).await.text().await.unwrap();
    assert!(
        form.contains("Postbus 16200\r\n3500 CE Leverdam</textarea>")
            || form.contains("Postbus 16200\n3500 CE Leverdam</textarea>")
    );

    // The provider's entry: a web address must be https; kept on refusal.
    let r = s.app.post(&s.pl_c, &sheet_path, &[("provider_reference", "http://eudb.example/123")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"provider_reference-error\"") && html.contains("value=\"http://eudb.example/123\""));
    let r = s.app.post(&s.pl_c, &sheet_path, &[("provider_reference", "EUDB-HR-000123")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(events(&s, "application.eu_database_ref").await, 1);
    s.app.post(&s.pl_c, &sheet_path, &[("provider_reference", "EUDB-HR-000123")]).await;
    assert_eq!(events(&s, "application.eu_database_ref").await, 1, "no change, no event");

    let sheet = s.app.get(&s.pl_c, &sheet_path).await.text().await.unwrap();
    assert!(sheet.contains("Gemeente Leverdam, Postbus 16200, 3500 CE Leverdam, ai@leverdam.example"), "{sheet}");
    assert!(sheet.contains("namens Gemeente Leverdam, Postbus 16200, 3500 CE Leverdam"), "the submitter's address");
    assert!(sheet.contains("EUDB-HR-000123 (Aanbieder: HR Select BV)"));
    assert!(!sheet.contains("Het postadres:") && !sheet.contains("De URL of code van de aanbieder"));
    assert!(sheet.contains("Bij 2 van de 5 velden ontbreekt nog iets."), "only the FRIA and the DPIA remain");

    // The role from the decision aid: the latest completed run counts.
    let run = |roles: &'static [&'static str], at: &'static str| {
        sqlx::query(
            "insert into ai_act_run (run_id, application_id, tree_name, tree_version, conclusion_id, roles, completed_at)
             values (gen_random_uuid(), $1, 'beslishulp', '1', '1.0', $2, $3::timestamptz)",
        )
        .bind(id)
        .bind(roles)
        .bind(at)
    };
    run(&["aanbieder"], "2026-01-01T10:00:00Z").execute(&s.app.pool).await.unwrap();
    let sheet = s.app.get(&s.pl_c, &sheet_path).await.text().await.unwrap();
    assert!(sheet.contains("Niet als gebruiksverantwoordelijke.") && sheet.contains("(uitkomst: aanbieder)"));
    run(&["gebruiksverantwoordelijke"], "2026-02-01T10:00:00Z").execute(&s.app.pool).await.unwrap();
    let sheet = s.app.get(&s.pl_c, &sheet_path).await.text().await.unwrap();
    assert!(sheet.contains("is de organisatie gebruiksverantwoordelijke van dit systeem"));
    assert!(!sheet.contains("Niet als gebruiksverantwoordelijke."));
    let r = s.app.get(&s.pl_c, &format!("{sheet_path}.xlsx")).await;
    assert_eq!(r.status(), 200);

    // Cleared again when emptied.
    assert_eq!(s.app.post(&s.pl_c, &sheet_path, &[("provider_reference", "")]).await.status(), 303);
    let sheet = s.app.get(&s.pl_c, &sheet_path).await.text().await.unwrap();
    assert!(sheet.contains("De URL of code van de aanbieder"));
}

#[tokio::test]
async fn certificates_remind_the_ciso_before_and_after_they_expire_once_per_date() {
    let s = setup().await;
    let today = time::OffsetDateTime::now_utc().date();
    let past = (today - time::Duration::days(3)).to_string();
    let soon = (today + time::Duration::days(30)).to_string();
    let fields = [("name", "Certo"), ("iso27001_expires_on", past.as_str()), ("iso42001_expires_on", soon.as_str())];
    assert_eq!(s.app.post(&s.ciso_c, "/leveranciers", &fields).await.status(), 303);
    let policy = airegister::register::reminders::Policy::default();
    let notes = || async {
        sqlx::query_scalar::<_, String>(
            "select message from notification where kind = 'leverancier_verloopt' order by message",
        )
        .fetch_all(&s.app.pool)
        .await
        .unwrap()
    };
    // The periodic job runs again and again: each reminder is sent once.
    for _ in 0..2 {
        airegister::register::reminders::run(&s.app.pool, policy).await.unwrap();
    }
    let sent = notes().await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[0].starts_with("Het ISO 27001-certificaat van Certo is verlopen op"), "{sent:?}");
    assert!(sent[1].starts_with("Het ISO 42001-certificaat van Certo verloopt op"), "{sent:?}");
    // A renewed certificate that expires again within 60 days is a new date: reminded once more.
    let id: Uuid = sqlx::query_scalar("select supplier_id from supplier where name = 'Certo'")
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    let renewed = (today + time::Duration::days(50)).to_string();
    let r = s
        .app
        .post(
            &s.ciso_c,
            &format!("/leveranciers/{id}"),
            &[("version", "0"), ("name", "Certo"), ("iso27001_expires_on", &renewed), ("iso42001_expires_on", &soon)],
        )
        .await;
    assert_eq!(r.status(), 303);
    for _ in 0..2 {
        airegister::register::reminders::run(&s.app.pool, policy).await.unwrap();
    }
    let sent = notes().await;
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent.iter().any(|m| m.starts_with("Het ISO 27001-certificaat van Certo verloopt op")), "{sent:?}");
}
