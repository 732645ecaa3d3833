//! "Nieuwe AI-tool aanvragen" and the CISO's triage through HTTP: the whole life of a request with its
//! notifications and audit trail, bad input named per field with the form kept, accept with an invited owner,
//! two CISOs at once, who may read and triage, and the REST API. The look-up, link and reject are in
//! request_lookup.rs (which uses this file's world and helpers).

use airegister::auth::roles::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, location, page};
use crate::register::complete;
use crate::rest::{api_get, token};

pub(crate) const MW: &str = "mw@aanvraagdam.example";
const MW2: &str = "mw2@aanvraagdam.example";
const PL: &str = "pl@aanvraagdam.example";
pub(crate) const CISO: &str = "ciso@aanvraagdam.example";
const CISO2: &str = "ciso2@aanvraagdam.example";

pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) org: Uuid,
    pub(crate) mw: Uuid,
    pub(crate) pl: Uuid,
    pub(crate) ciso: Uuid,
}

pub(crate) async fn world() -> World {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Aanvraagdam", "gm0202").await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    app.user(MW2, org, &[Role::Medewerker]).await;
    let pl = app.user(PL, org, &[Role::Medewerker, Role::Projectleider]).await;
    let ciso = app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    app.user(CISO2, org, &[Role::Medewerker, Role::Ciso]).await;
    World { app, org, mw, pl, ciso }
}

/// Every answer a submission needs.
pub(crate) const FULL: &[(&str, &str)] = &[
    ("tool_name", "Otter notulist"),
    ("purpose", "Verslagen maken van het wekelijkse teamoverleg."),
    ("data_classes", "dc_intern"),
    ("data_classes", "dc_persoonsgegevens"),
    ("department", "Burgerzaken"),
    ("user_count", "2-10"),
    ("usage", "gepland"),
    ("supplier", "https://otter.ai"),
    ("citizens", "ja"),
];

pub(crate) fn with<'a>(base: &[(&'a str, &'a str)], extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f: Vec<(&str, &str)> = base.iter().filter(|(k, _)| !extra.iter().any(|(e, _)| e == k)).copied().collect();
    f.extend_from_slice(extra);
    f
}

fn request_id(r: &reqwest::Response) -> Uuid {
    let loc = location(r);
    Uuid::parse_str(loc.trim_start_matches("/aanvragen/")).unwrap_or_else(|_| panic!("a request, got {loc}"))
}

pub(crate) async fn state(app: &TestApp, id: Uuid) -> (String, i32) {
    sqlx::query_as("select status, version from tool_request where request_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A triage step as the request page sends it: with the version the CISO saw.
pub(crate) async fn act(
    app: &TestApp,
    c: &reqwest::Client,
    id: Uuid,
    step: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let version = state(app, id).await.1.to_string();
    let mut f = fields.to_vec();
    f.push(("version", &version));
    app.post(c, &format!("/aanvragen/{id}/{step}"), &f).await
}

pub(crate) async fn notes(app: &TestApp, user: Uuid, kind: &str) -> Vec<String> {
    sqlx::query_scalar("select message from notification where user_id = $1 and kind = $2 order by created_at")
        .bind(user)
        .bind(kind)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

pub(crate) async fn submitted(app: &TestApp, c: &reqwest::Client, fields: &[(&str, &str)]) -> Uuid {
    let r = app.post(c, "/aanvragen/nieuw", &with(fields, &[("actie", "indienen")])).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    request_id(&r)
}

/// A registration made in the web and set to `status` (with a decision's note) as if it had been reviewed.
pub(crate) async fn registration(
    app: &TestApp,
    c: &reqwest::Client,
    name: &str,
    owner: Uuid,
    status: &str,
    note: &str,
) -> Uuid {
    let owner = owner.to_string();
    let r = app.post(c, "/register", &complete(name, &owner, &[])).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    sqlx::query("update application set workflow_status = $2, submitted_at = now() where application_id = $1")
        .bind(id)
        .bind(status)
        .execute(&app.pool)
        .await
        .unwrap();
    if !note.is_empty() {
        sqlx::query(
            "insert into review_decision (decision_id, application_id, decision, note, decided_by)
             select gen_random_uuid(), $1, $2, $3, user_id from app_user where email = $4",
        )
        .bind(id)
        .bind(status)
        .bind(note)
        .bind(CISO2)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    id
}

#[tokio::test]
async fn a_request_is_saved_submitted_questioned_answered_and_accepted_and_everyone_is_told() {
    let w = world().await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let ciso = app.logged_in(CISO).await;

    // Every signed-in user has the request as the first item of the navigation.
    let start = page(app, &mw, "/").await;
    let nav = &start[start.find("Hoofdmenu").unwrap()..];
    let first = nav.find("href=\"/aanvragen/nieuw\"").unwrap();
    assert!(first < nav.find("href=\"/\"").unwrap(), "the request comes before Start");
    // The look-up of a tool the register does not know, then the form with its name filled in.
    let html = page(app, &mw, "/aanvragen/nieuw?naam=Otter").await;
    assert!(html.contains("staat nog niet in het register"), "{html}");
    assert!(html.contains("name=\"tool_name\" value=\"Otter\""));
    assert!(html.contains("Persoonsgegevens") && html.contains("BSN van inwoners"), "data classes with examples");

    // Saved with only the name: a concept, nobody told yet.
    let r = app.post(&mw, "/aanvragen/nieuw", &[("tool_name", "Otter notulist"), ("actie", "opslaan")]).await;
    assert_eq!(r.status(), 303);
    let id = request_id(&r);
    assert_eq!(state(app, id).await.0, "concept");
    assert!(notes(app, w.ciso, "aanvraag_ingediend").await.is_empty());
    assert!(page(app, &mw, "/aanvragen").await.contains("Otter notulist"));

    // Submitting too early: 422, each open question named, what was typed kept.
    let version = state(app, id).await.1.to_string();
    let r = app
        .post(
            &mw,
            &format!("/aanvragen/{id}"),
            &[("tool_name", "Otter notulist"), ("purpose", "Notulen"), ("version", &version), ("actie", "indienen")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for message in [
        "Beschrijf waarvoor u de tool wilt gebruiken (minstens 10 tekens).",
        "Kies welke soorten gegevens u in de tool wilt gebruiken",
        "Vul in voor welke afdeling de tool is.",
        "Kies ongeveer hoeveel mensen de tool gaan gebruiken.",
        "Kies of de tool al wordt gebruikt of dat u dat wilt.",
        "Kies of inwoners of klanten met de tool in aanraking komen",
    ] {
        assert!(html.contains(message), "{message}");
    }
    assert!(html.contains(">Notulen</textarea>") && html.contains("<title>Fout:"));
    assert_eq!(state(app, id).await.0, "concept", "nothing was written");

    // Submitted complete: the CISOs hear of it, the queue and the navigation count it.
    let version = state(app, id).await.1.to_string();
    let r =
        app.post(&mw, &format!("/aanvragen/{id}"), &with(FULL, &[("version", &version), ("actie", "indienen")])).await;
    assert_eq!(r.status(), 303);
    assert_eq!(state(app, id).await.0, "ingediend");
    assert_eq!(notes(app, w.ciso, "aanvraag_ingediend").await.len(), 1);
    let queue = page(app, &ciso, "/aanvragen").await;
    assert!(queue.contains("Aanvragen (1)") && queue.contains("Otter notulist"), "{queue}");

    // A question goes back to the requester, who answers on the request's page; back to the queue.
    let r = act(app, &ciso, id, "vraag", &[("question", "Gaat het ook om opnames van inwoners?")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(state(app, id).await.0, "vraag_gesteld");
    assert_eq!(notes(app, w.mw, "aanvraag_vraag").await.len(), 1);
    let mine = page(app, &mw, &format!("/aanvragen/{id}")).await;
    assert!(mine.contains("Gaat het ook om opnames van inwoners?") && mine.contains("Mijn aanvragen (1)"));
    // The requester is waited for: so it says to them, and to the CISO in the queue and on the request.
    assert!(mine.contains("Stand: Vraag gesteld, wacht op uw antwoord"), "{mine}");
    let waiting = "Vraag gesteld, wacht op het antwoord van de aanvrager";
    for html in [page(app, &ciso, "/aanvragen").await, page(app, &ciso, &format!("/aanvragen/{id}")).await] {
        assert!(html.contains(waiting) && !html.contains("wacht op uw antwoord"), "{html}");
    }
    let r = act(app, &mw, id, "antwoord", &[("answer", "Nee, alleen intern overleg.")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(state(app, id).await.0, "ingediend");
    assert_eq!(notes(app, w.ciso, "aanvraag_ingediend").await.len(), 2);

    // Accepted with the project leader as owner: a concept registration prefilled from the request.
    let pl = w.pl.to_string();
    let r = act(app, &ciso, id, "accepteren", &[("owner_id", &pl)]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(state(app, id).await.0, "geaccepteerd");
    let (app_id, name, owner, status, personal, interaction, dc_intern, dc_klant, dept): (
        Uuid,
        String,
        Uuid,
        String,
        bool,
        String,
        String,
        String,
        String,
    ) = sqlx::query_as(
        "select a.application_id, a.name, a.owner_id, a.workflow_status, a.personal_data, a.interaction, a.dc_intern,
                a.dc_klant, a.department
           from tool_request r join application a using (application_id) where r.request_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((name.as_str(), owner, status.as_str()), ("Otter notulist", w.pl, "concept"));
    assert!(personal && interaction == "extern" && dept == "Burgerzaken");
    assert_eq!((dc_intern.as_str(), dc_klant.as_str()), ("onder_voorwaarden", "verboden"));
    let told = notes(app, w.pl, "registratie_aanvullen").await;
    assert!(told[0].starts_with("Vul de registratie aan: Otter notulist"), "{told:?}");
    assert!(notes(app, w.mw, "aanvraag_besluit").await[0].contains("is geaccepteerd"));
    let pl_client = app.logged_in(PL).await;
    // The owner may complete it: the form opens at its first step.
    let r = app.get(&pl_client, &format!("/register/{app_id}/bewerken")).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get(&pl_client, &location(&r)).await.status(), 200);
    let mine = page(app, &mw, &format!("/aanvragen/{id}")).await;
    assert!(mine.contains("Geaccepteerd") && mine.contains(&format!("/register/{app_id}")));

    // Every step is in the audit trail, in order.
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_event where object_id = $1 order by audit_id")
            .bind(id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "request.created",
            "request.submitted",
            "request.question_asked",
            "request.question_answered",
            "request.accepted"
        ]
    );
    // And a triaged request is not triaged again.
    let r = act(app, &ciso, id, "afwijzen", &[("reason", "Toch maar niet.")]).await;
    assert_eq!(r.status(), 409);
}

#[tokio::test]
async fn an_invited_owner_gets_an_account_with_an_activation_link() {
    let w = world().await;
    let app = &w.app;
    sqlx::query("update mail_setting set enabled = true").execute(&app.pool).await.unwrap();
    let mw = app.logged_in(MW).await;
    let ciso = app.logged_in(CISO).await;
    let id = submitted(app, &mw, FULL).await;
    let r = act(
        app,
        &ciso,
        id,
        "accepteren",
        &[("invite_name", "Petra Projectleider"), ("invite_email", "Petra@Aanvraagdam.example")],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (user, roles): (Uuid, Vec<String>) = sqlx::query_as(
        "select u.user_id, array_agg(m.role order by m.role) from app_user u join membership m using (user_id)
          where u.email = 'petra@aanvraagdam.example' group by u.user_id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(roles, ["medewerker", "projectleider"]);
    let owner: Uuid = sqlx::query_scalar("select owner_id from tool_request where request_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(owner, user);
    let mails: Vec<String> = sqlx::query_scalar("select kind from mail_outbox where user_id = $1 order by kind")
        .bind(user)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(mails, ["activering", "registratie_aanvullen"]);
    // An address that is already a member is to be chosen from the list instead.
    let id = submitted(app, &mw, FULL).await;
    let r = act(app, &ciso, id, "accepteren", &[("invite_name", "Piet"), ("invite_email", PL)]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("kies hem of haar in de lijst"));
    assert_eq!(state(app, id).await.0, "ingediend");
}

#[tokio::test]
async fn two_cisos_triaging_at_once_one_wins_and_the_other_gets_the_conflict_page() {
    let w = world().await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let (c1, c2) = (app.logged_in(CISO).await, app.logged_in(CISO2).await);
    let id = submitted(app, &mw, FULL).await;
    let version = state(app, id).await.1.to_string();
    let pl = w.pl.to_string();
    let accept = [("owner_id", pl.as_str()), ("version", version.as_str())];
    let reject = [("reason", "Niet nodig voor het werk."), ("version", version.as_str())];
    let path_a = format!("/aanvragen/{id}/accepteren");
    let path_r = format!("/aanvragen/{id}/afwijzen");
    let (a, b) = tokio::join!(app.post(&c1, &path_a, &accept), app.post(&c2, &path_r, &reject));
    let mut codes = [a.status().as_u16(), b.status().as_u16()];
    codes.sort();
    assert_eq!(codes, [303, 409]);
    let loser = if a.status() == 409 { a } else { b };
    let html = loser.text().await.unwrap();
    assert!(html.contains("intussen gewijzigd") || html.contains("al behandeld"), "{html}");
    let decisions: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where object_id = $1 and action in ('request.accepted', 'request.rejected')",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(decisions, 1);
    let made: i64 = sqlx::query_scalar("select count(*) from application where name = 'Otter notulist'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(made, i64::from(state(app, id).await.0 == "geaccepteerd"));
}

#[tokio::test]
async fn employees_cannot_triage_or_read_anothers_request_and_a_ciso_does_not_triage_their_own() {
    let w = world().await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let mw2 = app.logged_in(MW2).await;
    let ciso = app.logged_in(CISO).await;
    let id = submitted(app, &mw, FULL).await;
    assert_eq!(app.get(&mw2, &format!("/aanvragen/{id}")).await.status(), 403);
    let pl = w.pl.to_string();
    for (step, fields) in
        [("accepteren", vec![("owner_id", pl.as_str())]), ("afwijzen", vec![("reason", "Mag niet, vind ik.")])]
    {
        assert_eq!(act(app, &mw2, id, step, &fields).await.status(), 403);
        assert_eq!(act(app, &mw, id, step, &fields).await.status(), 403);
    }
    assert_eq!(state(app, id).await.0, "ingediend");
    // Nobody but the requester changes or submits it, nor answers for them.
    assert_eq!(app.post(&mw2, &format!("/aanvragen/{id}"), FULL).await.status(), 403);

    // A CISO's own request: in the list, not counted for them, not theirs to triage.
    let own = submitted(app, &ciso, &with(FULL, &[("tool_name", "Eigen tool")])).await;
    let html = page(app, &ciso, "/aanvragen").await;
    assert!(html.contains("Aanvragen (1)") && html.contains("Uw eigen aanvraag"), "{html}");
    let r = act(app, &ciso, own, "afwijzen", &[("reason", "Zelf afgewezen.")]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("vier-ogenprincipe"));
    assert!(page(app, &ciso, &format!("/aanvragen/{own}")).await.contains("een andere CISO beoordeelt hem"));
    let _ = w.org;
}

#[tokio::test]
async fn the_api_makes_lists_and_reads_requests() {
    let w = world().await;
    let app = &w.app;
    let t = token(app, w.mw, w.org, true).await;
    let post = |body: Value| {
        let t = t.clone();
        let url = app.url("/api/v1/requests");
        async move { reqwest::Client::new().post(url).bearer_auth(t).json(&body).send().await.unwrap() }
    };
    let r = post(json!({ "tool_name": "Otter notulist", "submit": true, "usage": "misschien", "kleur": 1 })).await;
    assert_eq!(r.status(), 422);
    let p: Value = r.json().await.unwrap();
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["kleur", "usage", "purpose", "data_classes", "department", "user_count", "citizens"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let body = json!({
        "tool_name": "Otter notulist", "purpose": "Verslagen maken van teamoverleg.",
        "data_classes": ["dc_intern"], "department": "Burgerzaken", "user_count": "2-10", "usage": "gepland",
        "citizens": "nee", "submit": true
    });
    let r = post(body).await;
    assert_eq!(r.status(), 201);
    let loc = location(&r);
    let made: Value = r.json().await.unwrap();
    assert_eq!(made["status"], "ingediend");
    assert_eq!(loc, format!("/api/v1/requests/{}", made["id"].as_str().unwrap()));
    assert_eq!(notes(app, w.ciso, "aanvraag_ingediend").await.len(), 1);

    let mine: Value = api_get(app, &t, "/requests").await.json().await.unwrap();
    assert_eq!(mine["mine"][0]["tool_name"], "Otter notulist");
    assert_eq!(mine["queue"].as_array().unwrap().len(), 0, "an employee sees no queue");
    let ct = token(app, w.ciso, w.org, false).await;
    let queue: Value = api_get(app, &ct, "/requests").await.json().await.unwrap();
    assert_eq!(queue["queue"][0]["id"], made["id"]);
    let path = format!("/requests/{}", made["id"].as_str().unwrap());
    assert_eq!(api_get(app, &ct, &path).await.status(), 200);
    let mw2 = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind(MW2)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let t2 = token(app, mw2, w.org, false).await;
    assert_eq!(api_get(app, &t2, &path).await.status(), 403);
    // A read-only token makes nothing.
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/requests"))
        .bearer_auth(&t2)
        .json(&json!({ "tool_name": "X" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
