//! The governance workflow through HTTP: submission and the gates, the CISO's queue and decision, FG advice,
//! management consent, four-eyes, wrong roles, a race of two approvals, uploads checked by content,
//! evaluations, incidents with suspension, and notifications.

use airegister::auth::roles::Role;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::helpers::{TestApp, act, location, page, status, tick_ciso_items};
use crate::register::complete;

struct World {
    app: TestApp,
    org: Uuid,
    mw: Uuid,
    pl: Uuid,
    ciso: Uuid,
}

const MW: &str = "mw@testdam.example";
const PL: &str = "pl@testdam.example";
const CISO: &str = "ciso@testdam.example";
const CISO2: &str = "ciso2@testdam.example";
const FG: &str = "fg@testdam.example";
const DIR: &str = "dir@testdam.example";

async fn world() -> World {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    let pl = app.user(PL, org, &[Role::Medewerker, Role::Projectleider]).await;
    let ciso = app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    app.user(CISO2, org, &[Role::Medewerker, Role::Ciso]).await;
    app.user(FG, org, &[Role::Medewerker, Role::Fg]).await;
    app.user(DIR, org, &[Role::Medewerker, Role::Directie]).await;
    World { app, org, mw, pl, ciso }
}

fn id_from(r: &reqwest::Response) -> Uuid {
    let loc = location(r);
    Uuid::parse_str(loc.trim_start_matches("/register/")).unwrap_or_else(|_| panic!("a registration, got {loc}"))
}

/// Register through the form and submit at once (asserts that it worked).
async fn submitted(app: &TestApp, c: &reqwest::Client, fields: &[(&str, &str)]) -> Uuid {
    let mut f = fields.to_vec();
    f.push(("actie", "indienen"));
    let r = app.post(c, "/register", &f).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    id_from(&r)
}

const EVENTS: &str = "select count(*) from audit_event where object_id = $1";

#[tokio::test]
async fn an_employee_registers_the_ciso_approves_under_conditions_and_the_employee_is_told() {
    let w = world().await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let mw_s = w.mw.to_string();
    let name = "Chatbot Burgerzaken";
    // Personal data: the own risk level is high, so a DPIA, FG advice and management consent are needed.
    let fields = complete(
        name,
        &mw_s,
        &[("personal_data", "ja"), ("special_categories", "nee"), ("dc_persoonsgegevens", "onder_voorwaarden")],
    );
    let r = app.post(&mw, "/register", &fields).await;
    assert_eq!(r.status(), 303);
    let id = id_from(&r);

    // Submitting without the DPIA is blocked, with the reason.
    let r = app.post(&mw, &format!("/register/{id}/indienen"), &[]).await;
    assert_eq!(location(&r), format!("/register/{id}/bewerken/overzicht"));
    let form = page(app, &mw, &format!("/register/{id}/bewerken/overzicht")).await;
    assert!(
        form.contains(
            "een afgeronde DPIA (verplicht omdat er persoonsgegevens worden verwerkt en het eigen risiconiveau hoog is)"
        ),
        "{form}"
    );

    // The registrant adds the completed DPIA with its report, then submits.
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
    let r = app
        .post_multipart(
            &mw,
            &format!("/register/{id}/assessments"),
            &[
                ("version", "0"),
                ("kind", "dpia"),
                ("status", "afgerond"),
                ("completed_on", "2026-01-15"),
                ("performed_by", "Privacyteam"),
                ("outcome", "Risico's beperkt met pseudonimisering."),
                ("residual_risk", "middel"),
            ],
            Some(("document", "DPIA chatbot.pdf", pdf)),
            true,
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    // The employee's DPIA counts once the FG has confirmed it (issue 18, item 4; tests/api/confirmations.rs).
    let (aid, v): (Uuid, i32) =
        sqlx::query_as("select assessment_id, version from assessment where application_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let fg = app.logged_in(FG).await;
    let r =
        app.post(&fg, &format!("/register/{id}/assessments/{aid}/bevestigen"), &[("version", &v.to_string())]).await;
    assert_eq!(r.status(), 303);
    // The employee has read that the DPIA was confirmed (the decision's notification is the one checked below).
    sqlx::query("update notification set read_at = now() where user_id = $1 and kind = 'assessment_bevestigd'")
        .bind(w.mw)
        .execute(&app.pool)
        .await
        .unwrap();
    let r = app.post(&mw, &format!("/register/{id}/indienen"), &[]).await;
    assert_eq!(location(&r), format!("/register/{id}"));
    assert_eq!(status(app, id).await.0, "ingediend");

    // The CISO sees it in the queue, with a count in the navigation and what is still open.
    let ciso = app.logged_in(CISO).await;
    let queue = page(app, &ciso, "/te-beoordelen").await;
    assert!(queue.contains("Te beoordelen (1)") && queue.contains(name));
    assert!(queue.contains("Advies van de FG") && queue.contains("Toestemming van de directie"));
    assert!(page(app, &ciso, "/meldingen").await.contains(&format!("{name} is ingediend en wacht op beoordeling.")));

    // Approving now is refused with exactly what is missing; nothing changes.
    tick_ciso_items(app, &ciso, id).await;
    let before = status(app, id).await;
    let r = act(app, &ciso, id, "besluit", &[("beslissing", "goedgekeurd")]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Goedkeuren kan nog niet."), "{body}");
    assert!(body.contains("Het advies van de Functionaris Gegevensbescherming ontbreekt"));
    assert!(body.contains("Toestemming van de directie ontbreekt (eigen risiconiveau hoog)."));
    assert!(body.contains("Te beoordelen (1)"), "a form answered with its errors keeps the navigation's counts");
    assert_eq!(status(app, id).await, before);

    // The FG has an advice request and gives advice.
    let requests = page(app, &fg, "/adviesaanvragen").await;
    assert!(requests.contains("Adviesaanvragen (1)") && requests.contains(name));
    let r = act(
        app,
        &fg,
        id,
        "advies",
        &[("advies", "positief"), ("advies_toelichting", "Verwerkersovereenkomst is in orde.")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let requests = page(app, &fg, "/adviesaanvragen").await;
    assert!(!requests.contains("Adviesaanvragen (1)"), "the count is what still waits for advice");
    assert!(requests.contains("Geadviseerd, wacht op het besluit van de CISO") && requests.contains(name));

    // Management consents.
    let dir = app.logged_in(DIR).await;
    assert!(page(app, &dir, "/toestemming").await.contains("Toestemming (1)"));
    let r = act(app, &dir, id, "toestemming", &[("toestemming", "ja")]).await;
    assert_eq!(r.status(), 303);

    // The CISO takes it up and approves under conditions (which are required).
    let r = app.post(&ciso, &format!("/register/{id}/oppakken"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(app, id).await.0, "in_beoordeling");
    let r = act(app, &ciso, id, "besluit", &[("beslissing", "goedgekeurd_onder_voorwaarden")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Vul de voorwaarden in."));
    let r = act(
        app,
        &ciso,
        id,
        "besluit",
        &[
            ("beslissing", "goedgekeurd_onder_voorwaarden"),
            ("toelichting", "- Alleen met gepseudonimiseerde dossiers\n- na drie maanden evalueren"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(app, id).await.0, "goedgekeurd_onder_voorwaarden");
    let next: time::Date = sqlx::query_scalar("select next_evaluation from application where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        next,
        airegister::workflow::review::a_year_after(airegister::web::today()),
        "approval plans the evaluation a year ahead"
    );
    assert!(!page(app, &ciso, "/te-beoordelen").await.contains(&format!("/register/{id}/beoordeling\"")));

    // The employee is told, with the conditions typed as a list shown as a list (issue 18, item 8); opening
    // the notification marks it read.
    let home = page(app, &mw, "/").await;
    assert!(home.contains("Meldingen (1)"), "{home}");
    let list = page(app, &mw, "/meldingen").await;
    assert!(list.contains(&format!("{name} is goedgekeurd onder voorwaarden:</span>")), "{list}");
    assert!(
        list.contains("<li>Alleen met gepseudonimiseerde dossiers</li><li>na drie maanden evalueren</li></ul>"),
        "{list}"
    );
    let message: String =
        sqlx::query_scalar("select message from notification where user_id = $1 and kind = 'besluit'")
            .bind(w.mw)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(message.ends_with("voorwaarden:\n- Alleen met gepseudonimiseerde dossiers\n- na drie maanden evalueren"));
    let nid: Uuid =
        sqlx::query_scalar("select notification_id from notification where user_id = $1 and kind = 'besluit'")
            .bind(w.mw)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let r = app.post(&mw, &format!("/meldingen/{nid}"), &[]).await;
    assert_eq!(location(&r), format!("/register/{id}/beoordeling"));
    assert!(!page(app, &mw, "/").await.contains("Meldingen (1)"));
    let review = page(app, &mw, &format!("/register/{id}/beoordeling")).await;
    assert!(review.contains("Goedgekeurd onder voorwaarden") && review.contains("Verwerkersovereenkomst is in orde."));

    // Every step is in the audit trail, and the chain holds.
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_event where object_id = $1 order by audit_id")
            .bind(id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    for a in ["application.assessment_added", "application.submitted", "application.fg_advice", "application.consent"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    assert_eq!(actions.last().map(String::as_str), Some("application.decided"));
    let v = airegister::audit::verify(&app.pool).await.unwrap();
    assert!(v.broken.is_none());
}

#[tokio::test]
async fn every_submission_gate_blocks_with_its_message_and_writes_nothing() {
    let w = world().await;
    let app = &w.app;
    let c = app.logged_in(PL).await;
    let pl = w.pl.to_string();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("checklist", "doel")],
            "Nog niet afgevinkt: Transparantie voor burgers geregeld; Uitlegbaarheid van AI-uitvoer gegarandeerd;",
        ),
        (&[("agreement_retention", "nee")], "Niet vastgelegd: afspraken over bewaartermijn (retentie)."),
        (&[("risk_analysis_reason", "")], "een toelichting waarom geen DPIA of IAMA nodig is"),
        (&[("interaction", "extern")], "een afgeronde IAMA of FRAIA (nodig omdat de toepassing burgers raakt"),
        (
            &[("personal_data", "ja"), ("special_categories", "ja"), ("dc_bijzondere", "onder_voorwaarden")],
            "een afgeronde DPIA (verplicht omdat er bijzondere persoonsgegevens worden verwerkt)",
        ),
        (
            &[("publication_category", "Hoog-risico AI-systeem"), ("ai_act_risk_group", "hoog-risico AI")],
            "nodig omdat de AI-verordening dit een hoog-risico AI-systeem noemt",
        ),
        (&[("rasci_A_user", "")], "Precies één Accountable"),
        (&[("goal", "")], "Doel"),
    ];
    for (i, (extra, message)) in cases.iter().enumerate() {
        let name = format!("Poorttest {i}");
        let mut extra = extra.to_vec();
        extra.push(("actie", "indienen"));
        let fields = complete(&name, &pl, &extra);
        let r = app.post(&c, "/register", &fields).await;
        assert_eq!(r.status(), 422, "case {i}");
        let body = r.text().await.unwrap();
        assert!(body.contains(message), "case {i}: expected «{message}»");
        let rows: i64 = sqlx::query_scalar("select count(*) from application where name = $1")
            .bind(&name)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(rows, 0, "case {i} wrote nothing");
    }
    // The same registration with everything in place goes through.
    submitted(app, &c, &complete("Poorttest compleet", &pl, &[])).await;
}

#[tokio::test]
async fn four_eyes_wrong_roles_and_illegal_transitions_change_nothing() {
    let w = world().await;
    let app = &w.app;
    let ciso = app.logged_in(CISO).await;
    let ciso2 = app.logged_in(CISO2).await;

    // A CISO who registered and submitted a tool cannot decide on it; a colleague can.
    let ciso_s = w.ciso.to_string();
    let own = submitted(app, &ciso, &complete("Eigen tool CISO", &ciso_s, &[])).await;
    let r = act(app, &ciso, own, "besluit", &[("beslissing", "goedgekeurd")]).await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Vier-ogenprincipe"));
    assert_eq!(status(app, own).await.0, "ingediend");
    assert!(
        page(app, &ciso, &format!("/register/{own}/beoordeling"))
            .await
            .contains("Een andere CISO moet erover beslissen")
    );
    let queue = page(app, &ciso, "/te-beoordelen").await;
    assert!(
        queue.contains("U bent betrokken") && !queue.contains("Te beoordelen (1)"),
        "not counted as work for this CISO"
    );
    assert!(page(app, &ciso2, "/").await.contains("Te beoordelen (1)"));
    let r = act(app, &ciso2, own, "besluit", &[("beslissing", "goedgekeurd")]).await;
    assert_eq!(r.status(), 303);

    // An owner who is also CISO cannot decide either.
    let owner_ciso = app.user("eigenaar-ciso@testdam.example", w.org, &[Role::Projectleider, Role::Ciso]).await;
    let oc = owner_ciso.to_string();
    let mw = app.logged_in(MW).await;
    let owned = submitted(app, &mw, &complete("Tool met CISO als eigenaar", &oc, &[])).await;
    let oc_client = app.logged_in("eigenaar-ciso@testdam.example").await;
    let r =
        act(app, &oc_client, owned, "besluit", &[("beslissing", "afgewezen"), ("toelichting", "Niet nodig.")]).await;
    assert_eq!(r.status(), 403);
    // Owner only (an employee registered and submitted it): not this CISO's work to count, but another CISO's.
    assert!(page(app, &oc_client, "/").await.contains(">Te beoordelen</a>"), "not counted for the owner");
    assert!(page(app, &ciso, "/").await.contains("Te beoordelen (1)"), "counted for a CISO who is no party");

    // Wrong roles: every attempt is 403 and changes nothing.
    let pl_s = w.pl.to_string();
    let id = submitted(app, &mw, &complete("Rollentest", &pl_s, &[])).await;
    let r = app
        .post(
            &mw,
            &format!("/register/{id}/incidenten"),
            &[("kind", "onjuiste_uitvoer"), ("severity", "laag"), ("description", "Verkeerde samenvatting gegeven.")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let incident: Uuid = sqlx::query_scalar("select incident_id from incident where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let before = status(app, id).await;
    let events = app.count(EVENTS, id).await;
    let pl = app.logged_in(PL).await;
    let fg = app.logged_in(FG).await;
    let dir = app.logged_in(DIR).await;
    let decide: &[(&str, &str)] = &[("beslissing", "goedgekeurd")];
    let advice: &[(&str, &str)] = &[("advies", "positief"), ("advies_toelichting", "Prima zo.")];
    let consent: &[(&str, &str)] = &[("toestemming", "ja")];
    let suspend: &[(&str, &str)] = &[("suspension_reason", "Datalek onderzoeken.")];
    let handle: &[(&str, &str)] = &[("status", "afgehandeld"), ("handling_note", "Opgelost."), ("version", "0")];
    let incident_path = format!("/incidenten/{incident}");
    type Attempt<'a> = (&'a str, &'a reqwest::Client, String, &'a [(&'a str, &'a str)]);
    let attempts: Vec<Attempt> = vec![
        ("medewerker besluit", &mw, format!("/register/{id}/besluit"), decide),
        ("medewerker oppakken", &mw, format!("/register/{id}/oppakken"), &[]),
        ("medewerker advies", &mw, format!("/register/{id}/advies"), advice),
        ("medewerker toestemming", &mw, format!("/register/{id}/toestemming"), consent),
        ("medewerker opschorten", &mw, format!("/register/{id}/opschorten"), suspend),
        ("medewerker incident afhandelen", &mw, incident_path.clone(), handle),
        ("projectleider besluit", &pl, format!("/register/{id}/besluit"), decide),
        ("FG besluit", &fg, format!("/register/{id}/besluit"), decide),
        ("FG opschorten", &fg, format!("/register/{id}/opschorten"), suspend),
        ("directie besluit", &dir, format!("/register/{id}/besluit"), decide),
        ("CISO advies", &ciso, format!("/register/{id}/advies"), advice),
        ("CISO toestemming", &ciso, format!("/register/{id}/toestemming"), consent),
        ("directie incident afhandelen", &dir, incident_path.clone(), handle),
    ];
    for (what, client, path, fields) in attempts {
        let r = app.post(client, &path, fields).await;
        assert_eq!(r.status(), 403, "{what}");
    }
    assert_eq!(status(app, id).await, before);
    assert_eq!(app.count(EVENTS, id).await, events);
    for table in ["review_decision", "fg_advice", "management_consent"] {
        let n = app.count(&format!("select count(*) from {table} where application_id = $1"), id).await;
        assert_eq!(n, 0, "{table}");
    }
    let incident_status: String = sqlx::query_scalar("select status from incident where incident_id = $1")
        .bind(incident)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(incident_status, "gemeld");

    // An illegal transition is a 409 with a Dutch explanation, and changes nothing.
    let r = app.post(&ciso, &format!("/register/{id}/in-gebruik"), &[]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("„In gebruik nemen” kan niet bij een registratie met status „Ingediend”"));
    let draft = {
        let r = app
            .post(
                &mw,
                "/register",
                &[("name", "Conceptje"), ("description_short", "Nog lang niet klaar."), ("checked_name", "Conceptje")],
            )
            .await;
        id_from(&r)
    };
    let r = act(app, &ciso, draft, "besluit", &[("beslissing", "goedgekeurd")]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("status „Concept”"));
    assert_eq!(status(app, id).await, before);
}

#[tokio::test]
async fn two_approvals_at_the_same_moment_make_exactly_one_decision() {
    let w = world().await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let pl_s = w.pl.to_string();
    let id = submitted(app, &mw, &complete("Racetool", &pl_s, &[])).await;
    let a = app.logged_in(CISO).await;
    let b = app.logged_in(CISO2).await;
    let (ta, tb) = (app.csrf(&a).await, app.csrf(&b).await);
    tick_ciso_items(app, &a, id).await;
    let v = status(app, id).await.1.to_string();
    let url = app.url(&format!("/register/{id}/besluit"));
    let (ra, rb) = tokio::join!(
        a.post(&url).form(&[("beslissing", "goedgekeurd"), ("version", &v), ("csrf_token", &ta)]).send(),
        b.post(&url)
            .form(&[("beslissing", "afgewezen"), ("toelichting", "Dubbel met Copilot."), ("csrf_token", &tb)])
            .send(),
    );
    let mut codes = vec![ra.unwrap().status().as_u16(), rb.unwrap().status().as_u16()];
    codes.sort();
    assert_eq!(codes, [303, 409]);
    assert_eq!(app.count("select count(*) from review_decision where application_id = $1", id).await, 1);
    assert_eq!(
        app.count("select count(*) from audit_event where object_id = $1 and action = 'application.decided'", id).await,
        1
    );
    let decided: String = sqlx::query_scalar("select decision from review_decision where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status(app, id).await.0, decided);
}

#[tokio::test]
async fn uploads_are_judged_by_their_content_and_downloaded_as_attachments() {
    let w = world().await;
    let app = &w.app;
    let pl = app.logged_in(PL).await;
    let pl_s = w.pl.to_string();
    let r = app.post(&pl, "/register", &complete("Uploadtool", &pl_s, &[])).await;
    let id = id_from(&r);
    let path = format!("/register/{id}/assessments");
    let fields: &[(&str, &str)] =
        &[("version", "0"), ("kind", "iama"), ("status", "in_uitvoering"), ("performed_by", "Extern bureau")];
    let docs = "select count(*) from assessment_document where organisation_id = $1";

    // HTML dressed up as a PDF, and a PDF named as a Word file: refused, nothing stored, input kept.
    let r = app
        .post_multipart(&pl, &path, fields, Some(("document", "rapport.pdf", b"<html><script>x</script></html>")), true)
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Dit bestand is geen PDF, Word-document (DOCX) of OpenDocument-tekst (ODT)"));
    assert!(body.contains("value=\"Extern bureau\""), "the form comes back filled in");
    let r = app
        .post_multipart(&pl, &path, fields, Some(("document", "rapport.docx", b"%PDF-1.4 echt een pdf")), true)
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("eindigt op .docx, maar de inhoud is een PDF"));
    assert_eq!(app.count(docs, w.org).await, 0);
    assert_eq!(app.count("select count(*) from assessment where application_id = $1", id).await, 0);

    // Over 25 MB is refused with the size named.
    let big = {
        let mut b = b"%PDF-1.7\n".to_vec();
        b.resize(25 * 1024 * 1024 + 1, b'0');
        b
    };
    let r = app.post_multipart(&pl, &path, fields, Some(("document", "groot.pdf", &big)), true).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("mag hoogstens 25 MB zijn"));

    // Without the CSRF token an upload is refused outright.
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
    let r = app.post_multipart(&pl, &path, fields, Some(("document", "IAMA.pdf", pdf)), false).await;
    assert_eq!(r.status(), 403);

    // A real PDF is stored and comes back as an attachment that the browser may not sniff.
    let r = app.post_multipart(&pl, &path, fields, Some(("document", "IAMA %22concept%22 é.pdf", pdf)), true).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let aid: Uuid = sqlx::query_scalar("select assessment_id from assessment where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let r = app.get(&pl, &format!("{path}/{aid}/document")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
    assert_eq!(
        disposition,
        "attachment; filename=\"IAMA concept _.pdf\"; filename*=UTF-8''IAMA%20concept%20%C3%A9.pdf"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf);

    // A completed assessment needs its date and outcome; a link and a document together are refused.
    let r = app
        .post_multipart(
            &pl,
            &format!("{path}/{aid}"),
            &[("version", "0"), ("kind", "iama"), ("status", "afgerond")],
            None,
            true,
        )
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Vul de datum van afronding in") && body.contains("Vul de uitkomst in"));
    let r = app
        .post_multipart(
            &pl,
            &format!("{path}/{aid}"),
            &[
                ("version", "0"),
                ("kind", "iama"),
                ("status", "in_uitvoering"),
                ("link", "https://dms.testdam.example/iama"),
            ],
            None,
            true,
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Geef een link óf een document, niet allebei."));
    // A stale version is a conflict, not a silent overwrite.
    let ok: &[(&str, &str)] = &[
        ("version", "0"),
        ("kind", "iama"),
        ("status", "afgerond"),
        ("completed_on", "2026-02-01"),
        ("outcome", "Geen hoge risico's."),
    ];
    assert_eq!(app.post_multipart(&pl, &format!("{path}/{aid}"), ok, None, true).await.status(), 303);
    assert_eq!(app.post_multipart(&pl, &format!("{path}/{aid}"), ok, None, true).await.status(), 409);

    // Someone who may not change the registration may not upload to it either.
    let mw = app.logged_in(MW).await;
    let r = app.post_multipart(&mw, &path, fields, Some(("document", "x.pdf", pdf)), true).await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.count(docs, w.org).await, 1);
}

#[tokio::test]
async fn return_evaluate_report_an_incident_and_suspend() {
    let w = world().await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let ciso = app.logged_in(CISO).await;
    let fg = app.logged_in(FG).await;
    let mw_s = w.mw.to_string();
    let name = "Vertaaltool";
    let id = submitted(app, &mw, &complete(name, &mw_s, &[])).await;

    // Returned with questions (required); the submitter edits and submits again.
    let r = act(app, &ciso, id, "besluit", &[("beslissing", "teruggestuurd")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Vul de vragen aan de indiener in."));
    let r = act(
        app,
        &ciso,
        id,
        "besluit",
        &[("beslissing", "teruggestuurd"), ("toelichting", "Welke afdelingen gaan dit gebruiken?")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(app, id).await.0, "teruggestuurd");
    assert!(
        page(app, &mw, "/meldingen")
            .await
            .contains("is teruggestuurd met vragen: Welke afdelingen gaan dit gebruiken?")
    );
    let r = app.post(&mw, &format!("/register/{id}/indienen"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(app, id).await.0, "ingediend");

    // Approved with a chosen evaluation date, then put into use.
    let soon = (OffsetDateTime::now_utc().date() + Duration::days(20)).to_string();
    let r = act(app, &ciso, id, "besluit", &[("beslissing", "goedgekeurd"), ("volgende_evaluatie", &soon)]).await;
    assert_eq!(r.status(), 303);
    let pl = app.logged_in(PL).await;
    assert!(page(app, &pl, "/evaluaties").await.contains(name), "due within 30 days");
    // A suspended tool cannot be put into use until the CISO releases it.
    let suspend = [("suspension_reason", "Eerst de verwerkersovereenkomst tekenen.")];
    assert_eq!(app.post(&ciso, &format!("/register/{id}/opschorten"), &suspend).await.status(), 303);
    let r = app.post(&mw, &format!("/register/{id}/in-gebruik"), &[]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("tijdelijk stilgezet door de CISO"));
    assert_eq!(app.post(&ciso, &format!("/register/{id}/vrijgeven"), &[]).await.status(), 303);
    let r = app.post(&mw, &format!("/register/{id}/in-gebruik"), &[]).await;
    assert_eq!(r.status(), 303, "the owner puts it into use");
    let register_status: String = sqlx::query_scalar("select status from application where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(register_status, "In gebruik");

    // Overdue: listed, reminded once, then evaluated.
    sqlx::query("update application set next_evaluation = current_date - 3 where application_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let overdue = page(app, &pl, "/evaluaties").await;
    assert!(overdue.contains("Evaluatie verlopen") && overdue.contains("3 dagen geleden"));
    assert!(page(app, &pl, "/register?evaluatie=verlopen").await.contains(name));
    airegister::register::reminders::evaluations(&app.pool).await.unwrap();
    airegister::register::reminders::evaluations(&app.pool).await.unwrap();
    let reminders = "select count(*) from notification where user_id = $1 and kind = 'evaluatie'";
    assert_eq!(app.count(reminders, w.mw).await, 1, "one reminder, not one per run");
    let r = app
        .post(
            &mw,
            &format!("/register/{id}/evaluatie"),
            &[("uitkomst", "voortzetten"), ("evaluatie_toelichting", "Werkt naar behoren, geen klachten.")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(!page(app, &pl, "/evaluaties").await.contains(name));

    // An incident reaches CISO and FG at once; the CISO suspends the tool, which every list then says.
    let r = app
        .post(
            &mw,
            &format!("/register/{id}/incidenten"),
            &[("kind", "datalek"), ("severity", "hoog"), ("description", "Klantnamen in een prompt geplakt.")],
        )
        .await;
    assert_eq!(r.status(), 303);
    for c in [&ciso, &fg] {
        assert!(
            page(app, c, "/meldingen").await.contains(&format!("Incident gemeld bij {name}: datalek (ernst hoog)."))
        );
        assert!(page(app, c, "/incidenten").await.contains("Klantnamen in een prompt geplakt."));
    }
    let r = app
        .post(&ciso, &format!("/register/{id}/opschorten"), &[("suspension_reason", "Onderzoek naar datalek loopt.")])
        .await;
    assert_eq!(r.status(), 303);
    assert!(page(app, &mw, "/register").await.contains("Tijdelijk niet gebruiken"));
    assert!(page(app, &mw, "/mijn-toepassingen").await.contains("Tijdelijk niet gebruiken"));
    assert!(page(app, &mw, &format!("/register/{id}")).await.contains("Onderzoek naar datalek loopt."));
    assert!(page(app, &mw, "/meldingen").await.contains("mag tijdelijk niet worden gebruikt"));

    // Handling: closing needs a note; a stale version is refused.
    let incident: Uuid = sqlx::query_scalar("select incident_id from incident where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let path = format!("/incidenten/{incident}");
    let r = app
        .post(
            &fg,
            &path,
            &[("status", "afgehandeld"), ("handling_note", "ok"), ("version", "0"), ("terug", "register")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Beschrijf bij het afhandelen wat er is gedaan") && body.contains("aria-invalid=\"true\""));
    assert!(body.contains(">ok</textarea>"), "what was typed comes back");
    assert_eq!(app.post(&fg, &path, &[("status", "in_behandeling"), ("version", "0")]).await.status(), 303);
    assert_eq!(
        app.post(&ciso, &path, &[("status", "afgehandeld"), ("handling_note", "Gemeld bij AP."), ("version", "0")])
            .await
            .status(),
        409
    );
    assert_eq!(
        app.post(&ciso, &path, &[("status", "afgehandeld"), ("handling_note", "Gemeld bij AP."), ("version", "1")])
            .await
            .status(),
        303
    );
    let r = app.post(&ciso, &path, &[("status", "gemeld"), ("version", "2"), ("terug", "register")]).await;
    assert_eq!(r.status(), 422, "a handled incident does not go back to gemeld");
    assert!(r.text().await.unwrap().contains("Heropen het met status"));
    let r = app.post(&ciso, &format!("/register/{id}/vrijgeven"), &[]).await;
    assert_eq!(r.status(), 303);
    assert!(!page(app, &mw, "/register").await.contains("Tijdelijk niet gebruiken"));
}

#[tokio::test]
async fn a_material_change_after_approval_goes_back_to_the_ciso() {
    let w = world().await;
    let app = &w.app;
    let pl = app.logged_in(PL).await;
    let ciso = app.logged_in(CISO).await;
    let pl_s = w.pl.to_string();
    let id = submitted(app, &pl, &complete("Samenvatter", &pl_s, &[])).await;

    // The CISO decides on the version they saw: a change in between is a conflict, and nothing is decided.
    let seen = status(app, id).await.1.to_string();
    let r = app
        .post(
            &pl,
            &format!("/register/{id}"),
            &complete("Samenvatter", &pl_s, &[("version", &seen), ("tags", "samenvatten")]),
        )
        .await;
    assert_eq!(r.status(), 303);
    let r =
        app.post(&ciso, &format!("/register/{id}/besluit"), &[("beslissing", "goedgekeurd"), ("version", &seen)]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("is gewijzigd sinds u de pagina opende"));
    assert_eq!(status(app, id).await.0, "ingediend");
    assert_eq!(act(app, &ciso, id, "besluit", &[("beslissing", "goedgekeurd")]).await.status(), 303);
    let version = status(app, id).await.1.to_string();

    // A wording change keeps the approval.
    let r = app
        .post(
            &pl,
            &format!("/register/{id}"),
            &complete(
                "Samenvatter",
                &pl_s,
                &[("version", &version), ("description_short", "Vat lange teksten samen.")],
            ),
        )
        .await;
    assert_eq!(r.status(), 303);
    let (st, v) = status(app, id).await;
    assert_eq!(st, "goedgekeurd");

    // Allowing confidential data is material: back to the CISO, who is told.
    let v = v.to_string();
    let r = app
        .post(
            &pl,
            &format!("/register/{id}"),
            &complete(
                "Samenvatter",
                &pl_s,
                &[
                    ("version", &v),
                    ("description_short", "Vat lange teksten samen."),
                    ("dc_vertrouwelijk", "onder_voorwaarden"),
                ],
            ),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(app, id).await.0, "ingediend");
    assert!(page(app, &pl, &format!("/register/{id}")).await.contains("beoordeelt de CISO de toepassing opnieuw"));
    assert!(page(app, &ciso, "/te-beoordelen").await.contains("Samenvatter"));

    // Under review, a material change starts a new round: the FG's earlier advice no longer counts.
    let fg = app.logged_in(FG).await;
    let r = act(
        app,
        &fg,
        id,
        "advies",
        &[("advies", "geen_bezwaar"), ("advies_toelichting", "Geen persoonsgegevens in het spel.")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(!page(app, &fg, "/").await.contains("Adviesaanvragen (1)"));
    let v = status(app, id).await.1.to_string();
    let r = app
        .post(
            &pl,
            &format!("/register/{id}"),
            &complete(
                "Samenvatter",
                &pl_s,
                &[
                    ("version", &v),
                    ("description_short", "Vat lange teksten samen."),
                    ("dc_vertrouwelijk", "onder_voorwaarden"),
                    ("dc_persoonsgegevens", "onder_voorwaarden"),
                ],
            ),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(app, id).await.0, "ingediend");
    assert!(page(app, &fg, "/").await.contains("Adviesaanvragen (1)"), "advice is asked again");
    let r = act(app, &ciso, id, "besluit", &[("beslissing", "goedgekeurd")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Het advies van de Functionaris Gegevensbescherming ontbreekt"));
}

#[tokio::test]
async fn malformed_addresses_get_the_dutch_pages() {
    let w = world().await;
    let app = &w.app;
    let c = app.logged_in(MW).await;
    for path in ["/register/abc", "/register/abc/beoordeling", "/register/abc/assessments"] {
        let r = app.get(&c, path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert!(r.text().await.unwrap().contains("Pagina niet gevonden"));
    }
    let r = app.post(&c, "/meldingen/abc", &[]).await;
    assert_eq!(r.status(), 404);
    let r = app.get(&c, &format!("/meldingen/{}", Uuid::new_v4())).await;
    assert_eq!(r.status(), 405);
    assert!(r.text().await.unwrap().contains("Dit adres kan niet op deze manier worden gebruikt"));
}
