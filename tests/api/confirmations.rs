//! Assessments are confirmed, not self-declared, and nobody waits for a role nobody holds (issue 18, items 4
//! and 6): an employee's completed DPIA waits for the FG and does not satisfy the gate until confirmed; sending
//! back needs a reason and tells the recorder; the FG's own DPIA is confirmed at once; each role confirms only
//! its kinds; a material edit asks for a new confirmation; the SQL function agrees; a role nobody holds is named
//! in the gate, on the review page and on Beheer; the directie hears when consent is needed.

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, location, page};
use crate::register::complete;

const MW: &str = "mw@bevestig.example";
const CISO: &str = "ciso@bevestig.example";
const FG: &str = "fg@bevestig.example";
const DIR: &str = "dir@bevestig.example";
const ADMIN: &str = "beheer@bevestig.example";

struct World {
    app: TestApp,
    mw: Uuid,
    fg: Uuid,
}

/// An organisation with one user per role; `with` says which of FG and directie exist.
async fn world(fg: bool, directie: bool) -> World {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Bevestig", "gm0202").await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    app.user(ADMIN, org, &[Role::Beheerder]).await;
    let fg = if fg { app.user(FG, org, &[Role::Medewerker, Role::Fg]).await } else { Uuid::nil() };
    if directie {
        app.user(DIR, org, &[Role::Medewerker, Role::Directie]).await;
    }
    World { app, mw, fg }
}

/// A draft with personal data and a high own risk level: a DPIA, FG advice and consent are needed.
async fn high_risk_draft(app: &TestApp, c: &reqwest::Client, owner: Uuid) -> Uuid {
    let owner = owner.to_string();
    let fields = complete(
        "Chatbot Burgerzaken",
        &owner,
        &[("personal_data", "ja"), ("special_categories", "nee"), ("dc_persoonsgegevens", "onder_voorwaarden")],
    );
    let r = app.post(c, "/register", &fields).await;
    assert_eq!(r.status(), 303);
    Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap()
}

/// Record a completed assessment through the form; gives the flash page's redirect status and the id.
async fn record(app: &TestApp, c: &reqwest::Client, id: Uuid, kind: &str, outcome: &str) -> Uuid {
    let fields = [
        ("version", "0"),
        ("kind", kind),
        ("status", "afgerond"),
        ("completed_on", "2026-01-15"),
        ("performed_by", "Privacyteam"),
        ("outcome", outcome),
    ];
    let r = app.post_multipart(c, &format!("/register/{id}/assessments"), &fields, None, true).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    sqlx::query_scalar("select assessment_id from assessment where application_id = $1 and kind = $2")
        .bind(id)
        .bind(kind)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn state(app: &TestApp, aid: Uuid) -> (String, Option<String>, i32) {
    sqlx::query_as("select status, confirmation, version from assessment where assessment_id = $1")
        .bind(aid)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn sql_says_done(app: &TestApp, id: Uuid, kinds: &str) -> bool {
    sqlx::query_scalar("select assessment_completed($1, $2::text[])")
        .bind(id)
        .bind(kinds)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn notes(app: &TestApp, user: Uuid, kind: &str) -> Vec<String> {
    sqlx::query_scalar("select message from notification where user_id = $1 and kind = $2 order by created_at")
        .bind(user)
        .bind(kind)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

async fn user_id(app: &TestApp, email: &str) -> Uuid {
    sqlx::query_scalar("select user_id from app_user where email = $1").bind(email).fetch_one(&app.pool).await.unwrap()
}

/// Confirm or send back as the page does, with the version shown.
async fn decide(
    app: &TestApp,
    c: &reqwest::Client,
    id: Uuid,
    aid: Uuid,
    what: &str,
    reason: &str,
) -> reqwest::Response {
    let version = state(app, aid).await.2.to_string();
    let path = format!("/register/{id}/assessments/{aid}/{what}");
    app.post(c, &path, &[("version", &version), ("reden", reason)]).await
}

#[tokio::test]
async fn an_employees_dpia_waits_for_the_fg_and_counts_once_confirmed() {
    let w = world(true, true).await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let id = high_risk_draft(app, &mw, w.mw).await;
    let aid = record(app, &mw, id, "dpia", "Risico's beperkt met pseudonimisering.").await;
    assert_eq!(state(app, aid).await.1.as_deref(), Some("ter_bevestiging"));
    assert!(page(app, &mw, &format!("/register/{id}/assessments")).await.contains("Ter bevestiging bij de FG"));
    let fg_notes = notes(app, w.fg, "bevestiging_gevraagd").await;
    assert_eq!(fg_notes, ["Chatbot Burgerzaken: de DPIA is afgerond en wacht op uw bevestiging (FG)."]);
    assert!(notes(app, user_id(app, CISO).await, "bevestiging_gevraagd").await.is_empty(), "the DPIA is the FG's");

    // Submitting is still blocked, and the message says why.
    let r = app.post(&mw, &format!("/register/{id}/indienen"), &[]).await;
    assert_eq!(location(&r), format!("/register/{id}/bewerken/overzicht"));
    let form = page(app, &mw, &format!("/register/{id}/bewerken/overzicht")).await;
    assert!(form.contains("de DPIA is afgerond maar nog niet bevestigd door de FG"), "{form}");
    assert!(!sql_says_done(app, id, "{dpia}").await);

    // The recorder, the CISO (not the FG's kind) and a stale page cannot confirm it.
    for (who, status) in [(&mw, 403), (&app.logged_in(CISO).await, 403)] {
        let r = decide(app, who, id, aid, "bevestigen", "").await;
        assert_eq!(r.status(), status);
        assert_eq!(state(app, aid).await.1.as_deref(), Some("ter_bevestiging"));
    }
    let fg = app.logged_in(FG).await;
    let list = page(app, &fg, &format!("/register/{id}/assessments")).await;
    assert!(list.contains("Bevestigen") && list.contains("Reden om terug te sturen"), "{list}");
    let path = format!("/register/{id}/assessments/{aid}/bevestigen");
    assert_eq!(app.post(&fg, &path, &[("version", "99")]).await.status(), 409);

    // The FG confirms: the gate passes, the recorder and owner are told, the SQL function agrees.
    let r = decide(app, &fg, id, aid, "bevestigen", "").await;
    assert_eq!(r.status(), 303);
    assert_eq!(state(app, aid).await.1.as_deref(), Some("bevestigd"));
    assert!(sql_says_done(app, id, "{dpia}").await);
    assert_eq!(
        notes(app, w.mw, "assessment_bevestigd").await,
        ["Chatbot Burgerzaken: de DPIA is bevestigd door de FG."]
    );
    let list = page(app, &mw, &format!("/register/{id}/assessments")).await;
    assert!(list.contains(&format!("Bevestigd door Naam {FG} op")), "{list}");
    let r = app.post(&mw, &format!("/register/{id}/indienen"), &[]).await;
    assert_eq!(location(&r), format!("/register/{id}"), "the confirmed DPIA satisfies the gate");
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_event where object_id = $1 order by audit_id")
            .bind(id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    for a in ["application.assessment_awaiting", "application.assessment_confirmed"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }

    // Changing only whether it may be published keeps the confirmation; changing the outcome does not.
    let edit = |outcome: &'static str, publishable: &'static str| {
        let aid_path = format!("/register/{id}/assessments/{aid}");
        let mw = mw.clone();
        async move {
            let v = state(app, aid).await.2.to_string();
            let f = [
                ("version", v.as_str()),
                ("kind", "dpia"),
                ("status", "afgerond"),
                ("completed_on", "2026-01-15"),
                ("performed_by", "Privacyteam"),
                ("outcome", outcome),
                ("publishable", publishable),
            ];
            let r = app.post_multipart(&mw, &aid_path, &f, None, true).await;
            assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        }
    };
    edit("Risico's beperkt met pseudonimisering.", "ja").await;
    assert_eq!(state(app, aid).await.1.as_deref(), Some("bevestigd"));
    edit("Toch geen pseudonimisering.", "ja").await;
    assert_eq!(state(app, aid).await.1.as_deref(), Some("ter_bevestiging"));
    assert!(!sql_says_done(app, id, "{dpia}").await);
}

#[tokio::test]
async fn sent_back_with_a_reason_and_each_role_confirms_only_its_kinds() {
    let w = world(true, true).await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let id = high_risk_draft(app, &mw, w.mw).await;
    let aid = record(app, &mw, id, "bio_quickscan", "Geen bijzonderheden.").await;
    assert_eq!(state(app, aid).await.1.as_deref(), Some("ter_bevestiging"));

    // The FG cannot confirm a BIO quickscan: that is the CISO's.
    let fg = app.logged_in(FG).await;
    let r = decide(app, &fg, id, aid, "bevestigen", "").await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Alleen de CISO bevestigt een BIO-quickscan"));
    assert!(!page(app, &fg, &format!("/register/{id}/assessments")).await.contains("Reden om terug te sturen"));

    // Sending back needs a reason: the page comes back with the message on the field.
    let ciso = app.logged_in(CISO).await;
    let r = decide(app, &ciso, id, aid, "terugsturen", "   ").await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Vul de reden in: de opsteller leest waarom het assessment wordt teruggestuurd."));
    assert!(body.contains(&format!("id=\"reden-{aid}\"")) && body.contains("aria-invalid=\"true\""));
    assert_eq!(state(app, aid).await.0, "afgerond");

    let r = decide(app, &ciso, id, aid, "terugsturen", "Het rapport ontbreekt.").await;
    assert_eq!(r.status(), 303);
    let (status, confirmation, _) = state(app, aid).await;
    assert_eq!((status.as_str(), confirmation), ("in_uitvoering", None));
    assert_eq!(
        notes(app, w.mw, "assessment_teruggestuurd").await,
        ["Chatbot Burgerzaken: de CISO heeft de BIO-quickscan teruggestuurd. Reden: Het rapport ontbreekt."]
    );
    let list = page(app, &mw, &format!("/register/{id}/assessments")).await;
    assert!(list.contains(&format!("Teruggestuurd door Naam {CISO} op")) && list.contains("Het rapport ontbreekt."));
    let events = app
        .count(
            "select count(*) from audit_event where object_id = $1 and action = 'application.assessment_returned'",
            id,
        )
        .await;
    assert_eq!(events, 1);

    // A second send back of the same state is a conflict, not a second notification.
    assert_eq!(decide(app, &ciso, id, aid, "terugsturen", "Nogmaals.").await.status(), 409);

    // The CISO's own recording of a CISO kind is confirmed at once; the CISO cannot confirm a DPIA.
    let own = record(app, &ciso, id, "iama", "Mensenrechten geborgd.").await;
    assert_eq!(state(app, own).await.1.as_deref(), Some("bevestigd"));
    let dpia = record(app, &mw, id, "dpia", "Klaar.").await;
    assert_eq!(decide(app, &ciso, id, dpia, "bevestigen", "").await.status(), 403);
}

#[tokio::test]
async fn the_fg_recording_a_dpia_confirms_it_at_once() {
    let w = world(true, true).await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let id = high_risk_draft(app, &mw, w.mw).await;
    let fg = app.logged_in(FG).await;
    let aid = record(app, &fg, id, "dpia", "Risico's beperkt.").await;
    let confirmed_by: Option<Uuid> = sqlx::query_scalar("select confirmed_by from assessment where assessment_id = $1")
        .bind(aid)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(state(app, aid).await.1.as_deref(), Some("bevestigd"));
    assert_eq!(confirmed_by, Some(w.fg));
    assert!(notes(app, w.fg, "bevestiging_gevraagd").await.is_empty());
    assert!(sql_says_done(app, id, "{dpia}").await);
    // Mijn taken: nothing for the FG, and an employee's DPIA would be one.
    let mut conn = app.pool.acquire().await.unwrap();
    let org: Uuid = sqlx::query_scalar("select organisation_id from application where application_id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let roles = [Role::Fg];
    let who = airegister::tasks::Who { user_id: w.fg, organisation_id: org, roles: &roles };
    assert!(airegister::tasks::for_user(&mut conn, &who).await.unwrap().is_empty());
    drop(conn);
    record(app, &mw, id, "dtia", "Doorgifte naar de VS afgedekt.").await;
    let mut conn = app.pool.acquire().await.unwrap();
    let tasks = airegister::tasks::for_user(&mut conn, &who).await.unwrap();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0].kind, "Assessments bevestigen");
    assert!(tasks[0].detail.starts_with("DTIA afgerond, vastgelegd door"), "{tasks:?}");
    drop(conn);

    // The API shows the same: the confirmation in the workflow, and what waits for the token's user.
    let token = crate::rest::token(app, w.fg, org, false).await;
    let r = crate::rest::api_get(app, &token, "/confirmations").await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!((items[0]["kind"].as_str(), items[0]["confirmation"].as_str()), (Some("dtia"), Some("ter_bevestiging")));
    assert_eq!(items[0]["recorded_by"].as_str(), Some(format!("Naam {MW}").as_str()));
    let r = crate::rest::api_get(app, &token, &format!("/applications/{id}/workflow")).await;
    let body: serde_json::Value = r.json().await.unwrap();
    let dpia = body["assessments"].as_array().unwrap().iter().find(|a| a["kind"] == "dpia").unwrap().clone();
    assert_eq!(dpia["confirmation"], "bevestigd");
    assert_eq!(dpia["confirmed_by"].as_str(), Some(format!("Naam {FG}").as_str()));
    assert!(dpia["confirmed_at"].is_string() && dpia["confirmer_role"] == "fg");
    let mw_token = crate::rest::token(app, w.mw, org, false).await;
    let body: serde_json::Value = crate::rest::api_get(app, &mw_token, "/confirmations").await.json().await.unwrap();
    assert_eq!(body["items"].as_array().map(Vec::len), Some(0), "an employee confirms nothing");
}

#[tokio::test]
async fn a_role_nobody_holds_is_named_in_the_gate_on_the_review_page_and_on_beheer() {
    let w = world(true, false).await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let id = high_risk_draft(app, &mw, w.mw).await;
    let fg = app.logged_in(FG).await;
    record(app, &fg, id, "dpia", "Risico's beperkt.").await;
    let r = app.post(&mw, &format!("/register/{id}/indienen"), &[]).await;
    assert_eq!(location(&r), format!("/register/{id}"));
    // While the FG is here only the directie is missing (roles_needed::unheld asks each role apart).
    let ciso = app.logged_in(CISO).await;
    let review = page(app, &ciso, &format!("/register/{id}/beoordeling")).await;
    assert!(review.contains("Er is geen actieve gebruiker met de rol directie;"), "{review}");
    assert!(!review.contains("Er is geen actieve gebruiker met de rol FG"), "{review}");
    assert!(!review.contains("Er is geen actieve gebruiker met de rol CISO"), "{review}");
    // The FG leaves: nobody holds the role any more (and the directie never existed here).
    sqlx::query("update app_user set active = false where user_id = $1").bind(w.fg).execute(&app.pool).await.unwrap();

    let review = page(app, &ciso, &format!("/register/{id}/beoordeling")).await;
    assert!(review.contains("Deze registratie wacht op een rol die niemand heeft."), "{review}");
    assert!(review.contains(
        "Er is geen actieve gebruiker met de rol FG; vraag een beheerder deze rol toe te kennen (Beheer → Gebruikers)."
    ));
    assert!(review.contains("Er is geen actieve gebruiker met de rol directie;"));
    let r = app.post(&ciso, &format!("/register/{id}/oppakken"), &[]).await;
    assert_eq!(r.status(), 303);
    let r = crate::helpers::decide(app, &ciso, id, &[("beslissing", "goedgekeurd")]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("ontbreekt (er zijn persoonsgegevens bij betrokken). Er is geen actieve gebruiker met de rol FG")
    );
    assert!(body.contains("(eigen risiconiveau hoog). Er is geen actieve gebruiker met de rol directie"));

    let admin = app.logged_in(ADMIN).await;
    let users = page(app, &admin, "/beheer/gebruikers").await;
    assert!(users.contains("Geen actieve gebruiker heeft de rol Functionaris Gegevensbescherming (FG): 1 ingediende registratie wacht op het advies van de FG."), "{users}");
    assert!(users.contains("Geen actieve gebruiker heeft de rol Directie: 1 ingediende registratie wacht op de toestemming van de directie."));
    assert!(!users.contains("de rol CISO:"), "a CISO exists");
    assert!(users.contains("href=\"/beheer/gebruikers/nieuw\">voeg een gebruiker toe</a>"));
}

#[tokio::test]
async fn the_directie_is_notified_when_consent_is_needed() {
    let w = world(true, true).await;
    let app = &w.app;
    let dir = user_id(app, DIR).await;
    let mw = app.logged_in(MW).await;
    // A low-risk submission asks nothing of the directie.
    let owner = w.mw.to_string();
    let mut f = complete("Samenvatter", &owner, &[]);
    f.push(("actie", "indienen"));
    let r = app.post(&mw, "/register", &f).await;
    assert_eq!(r.status(), 303);
    let low = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    assert!(notes(app, dir, "toestemming_nodig").await.is_empty());

    // A high-risk submission does.
    let id = high_risk_draft(app, &mw, w.mw).await;
    let fg = app.logged_in(FG).await;
    record(app, &fg, id, "dpia", "Risico's beperkt.").await;
    app.post(&mw, &format!("/register/{id}/indienen"), &[]).await;
    assert_eq!(
        notes(app, dir, "toestemming_nodig").await,
        ["Chatbot Burgerzaken heeft een hoog risico en vraagt toestemming van de directie."]
    );

    // The CISO raises the low-risk one to high during review: consent is needed now, and the directie hears it.
    let ciso = app.logged_in(CISO).await;
    let v: i32 = sqlx::query_scalar("select version from application where application_id = $1")
        .bind(low)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let v = v.to_string();
    let r = app
        .post(
            &ciso,
            &format!("/register/{low}/risico"),
            &[
                ("risk_level_override", "hoog"),
                ("risk_override_motivation", "Raakt burgers indirect."),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let got = notes(app, dir, "toestemming_nodig").await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        got[1],
        "Samenvatter heeft nu een hoog risico (vastgesteld door de CISO) en vraagt toestemming van de directie."
    );
}
