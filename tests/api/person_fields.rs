//! The registration form's person fields (owner, RASCI) take a typed person — "Name (e-mail)" as suggested,
//! an e-mail address or a full name — instead of listing every member of the organisation; suggestions come
//! from /medewerkers/zoeken while typing. A typed person who is not exactly one member is refused on the field
//! and nothing is written.

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::register::complete;

/// An organisation with a project leader who registers, two namesakes, Anna, someone deactivated, and Eva in
/// another organisation.
struct People {
    app: TestApp,
    c: reqwest::Client,
    org: Uuid,
    pl: Uuid,
    jan: Uuid,
    j_jansen: Uuid,
    anna: Uuid,
}

async fn person(app: &TestApp, email: &str, name: &str, org: Uuid, active: bool) -> Uuid {
    let id = app.user(email, org, &[Role::Medewerker]).await;
    sqlx::query("update app_user set name = $2, active = $3, department = 'Burgerzaken' where user_id = $1")
        .bind(id)
        .bind(name)
        .bind(active)
        .execute(&app.pool)
        .await
        .unwrap();
    id
}

async fn people() -> People {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let elders = app.org("Gemeente Elders", "gm0102").await;
    let pl = app.user("pl@testdam.example", org, &[Role::Medewerker, Role::Projectleider]).await;
    let jan = person(&app, "jan@testdam.example", "Jan Jansen", org, true).await;
    let j_jansen = person(&app, "j.jansen@testdam.example", "Jan  Jansen", org, true).await;
    let anna = person(&app, "anna@testdam.example", "Anna Bakker", org, true).await;
    person(&app, "oud@testdam.example", "Oud Gediende", org, false).await;
    person(&app, "eva@elders.example", "Eva Elders", elders, true).await;
    let c = app.logged_in("pl@testdam.example").await;
    People { app, c, org, pl, jan, j_jansen, anna }
}

async fn rasci(app: &TestApp, id: Uuid) -> Vec<(String, Uuid)> {
    sqlx::query_as(
        "select letter, user_id from rasci_assignment where application_id = $1 and user_id is not null
         order by letter, user_id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_person_is_typed_by_name_or_email_and_saved_as_that_member() {
    let p = people().await;
    let mut fields = complete(
        "Samenvatter",
        "Anna Bakker",
        &[("owner_id", " ANNA@testdam.example "), ("rasci_R_user", "Jan Jansen (j.jansen@testdam.example)")],
    );
    // A second R typed as a name, the first again (once is enough), and an empty add field.
    let jan = p.jan.to_string();
    fields.extend([("rasci_R_user", "anna bakker"), ("rasci_R_user", jan.as_str()), ("rasci_R_user", "")]);
    fields.push(("rasci_R_user", "Jan Jansen (jan@testdam.example)"));
    // The start of an e-mail address or of a name, as the suggestions find people, when it fits one person.
    fields.extend([("rasci_C_user", "j.jans"), ("rasci_I_user", "bakk")]);
    let r = p.app.post(&p.c, "/register", &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    let owner: Uuid = sqlx::query_scalar("select owner_id from application where application_id = $1")
        .bind(id)
        .fetch_one(&p.app.pool)
        .await
        .unwrap();
    assert_eq!(owner, p.anna);
    let mut want = vec![
        ("A".to_string(), p.anna),
        ("C".into(), p.j_jansen),
        ("I".into(), p.anna),
        ("R".into(), p.anna),
        ("R".into(), p.jan),
        ("R".into(), p.j_jansen),
    ];
    want.sort();
    assert_eq!(rasci(&p.app, id).await, want);
    // The history names the owner (read by the id in the stored versions, not from every member).
    let history = p.app.get(&p.c, &format!("/register/{id}/geschiedenis")).await.text().await.unwrap();
    assert!(history.contains("Anna Bakker") && !history.contains("onbekende gebruiker"), "{history}");

    // The step shows each chosen person by name and e-mail address: the Accountable in the text field, the
    // Rs as ticked boxes; the owner is the text field of the first step.
    let step = p.app.get(&p.c, &format!("/register/{id}/bewerken/verantwoordelijken")).await.text().await.unwrap();
    assert!(step.contains(r#"name="rasci_A_user" value="Anna Bakker (anna@testdam.example)""#), "{step}");
    for (uid, shown) in
        [(p.jan, "Jan Jansen (jan@testdam.example)"), (p.j_jansen, "Jan  Jansen (j.jansen@testdam.example)")]
    {
        assert!(step.contains(&format!(r#"name="rasci_R_user" value="{uid}" checked"#)), "{uid}");
        assert!(step.contains(shown), "{shown}");
    }
    assert!(step.contains(r#"<datalist id="medewerkers" data-zoek="/medewerkers/zoeken"></datalist>"#));
    let first = p.app.get(&p.c, &format!("/register/{id}/bewerken/algemeen")).await.text().await.unwrap();
    assert!(first.contains(r#"name="owner_id" value="Anna Bakker (anna@testdam.example)""#), "{first}");

    // Saving the step as shown changes nothing; unticking (leaving out) one R removes only that one.
    let version: i32 = sqlx::query_scalar("select version from application where application_id = $1")
        .bind(id)
        .fetch_one(&p.app.pool)
        .await
        .unwrap();
    let (v, anna, j_jansen) = (version.to_string(), p.anna.to_string(), p.j_jansen.to_string());
    let r = p
        .app
        .post(
            &p.c,
            &format!("/register/{id}/bewerken/verantwoordelijken"),
            &[
                ("version", v.as_str()),
                ("stap", "verantwoordelijken"),
                ("actie", "opslaan"),
                ("rasci_A_user", "Anna Bakker (anna@testdam.example)"),
                ("rasci_R_user", anna.as_str()),
                ("rasci_R_user", j_jansen.as_str()),
                ("rasci_R_user", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let mut want = vec![("A".to_string(), p.anna), ("R".into(), p.anna), ("R".into(), p.j_jansen)];
    want.sort();
    assert_eq!(rasci(&p.app, id).await, want);

    // The audit trail's snapshots name the RASCI people before and after each change (read by their ids).
    let events: Vec<(String, Option<serde_json::Value>, serde_json::Value)> = sqlx::query_as(
        "select action, before->'rasci', after->'rasci' from audit_event where object_id = $1 order by audit_id",
    )
    .bind(id)
    .fetch_all(&p.app.pool)
    .await
    .unwrap();
    let names = |v: &serde_json::Value| {
        v.as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    let (action, before, after) = events.last().unwrap();
    assert_eq!(action, "application.updated");
    assert_eq!(names(after), ["R: Anna Bakker", "R: Jan  Jansen", "A: Anna Bakker"]);
    let before = names(before.as_ref().unwrap());
    assert!(
        before.contains(&"R: Jan Jansen".to_string()) && before.contains(&"C: Jan  Jansen".to_string()),
        "{before:?}"
    );
    assert!(events.iter().all(|(_, _, a)| !a.to_string().contains("onbekende gebruiker")), "{events:?}");
}

/// What saving a form reads to resolve typed people (`people::candidates`: the members a text names by id or
/// e-mail address, or whose name or address holds each of its words) resolves every text as every member would.
#[tokio::test]
async fn typed_people_resolve_among_the_candidates_as_among_every_member() {
    let p = people().await;
    person(&p.app, "ozlem@testdam.example", "Özlem  Çelik", p.org, true).await;
    person(&p.app, "procent@testdam.example", "Jan 100% Zeker", p.org, true).await;
    person(&p.app, "piet.de.vries@testdam.example", "Piet de Vries", p.org, true).await;
    person(&p.app, "ibrahim@testdam.example", "İbrahim Kaya", p.org, true).await;
    person(&p.app, "nikos@testdam.example", "ΝΙΚΟΣ Papas", p.org, true).await;
    let elders = sqlx::query_scalar::<_, Uuid>("select user_id from app_user where email = 'eva@elders.example'")
        .fetch_one(&p.app.pool)
        .await
        .unwrap()
        .to_string();
    let (jan, anna) = (p.jan.to_string(), p.anna.to_string());
    let every = airegister::register::store::members(&p.app.pool, p.org).await.unwrap();
    let typed = [
        jan.as_str(),
        anna.as_str(),
        elders.as_str(),
        "Jan Jansen (jan@testdam.example)",
        "Iemand Anders (anna@testdam.example)",
        "Oud Gediende (oud@testdam.example, inactief)",
        "Oud Gediende (oud@testdam.example)",
        "oud gediende",
        " ANNA@testdam.example ",
        "jan jansen",
        "JAN   JANSEN",
        "jans",
        "j.jans",
        "bakk",
        "de vr",
        "vries",
        "piet de",
        "özlem",
        "ÖZLEM çelik",
        "çel",
        "100%",
        "J_n",
        "%",
        "_",
        "eva@elders.example",
        "Eva Elders",
        "niemand",
        "Jan Jansen (niemand@testdam.example)",
        "an",
        "a",
        "(anna@testdam.example)",
        "jan@testdam.example, inactief)",
        "jansen jan",
        "de  vries",
        "piet vries",
        "jan z",
        "zeker",
        "100% zeker",
        "İbrahim",
        "İbrahim Kaya",
        "kaya",
        "ΝΙΚΟΣ",
        "νικοσ papas",
    ];
    for t in typed {
        let among = airegister::register::people::candidates(&p.app.pool, p.org, &[t]).await.unwrap();
        let id = |r: Result<Option<&airegister::register::form::Member>, _>| r.map(|m| m.map(|m| m.user_id));
        assert_eq!(
            id(airegister::register::people::resolve(t, &among)),
            id(airegister::register::people::resolve(t, &every)),
            "{t:?} among {:?}",
            among.iter().map(|m| &m.email).collect::<Vec<_>>()
        );
        // Every member for a text beyond ASCII (case folds differently in Rust and the database).
        assert!(among.len() < every.len() || t.len() <= 2 || !t.is_ascii(), "{t:?} read every member");
    }
    // A form with many texts at once (beyond the free texts looked up one by one, every member is read).
    for texts in [&typed[..6], &typed[9..13], &typed[..]] {
        let among = airegister::register::people::candidates(&p.app.pool, p.org, texts).await.unwrap();
        for t in texts {
            let id = |r: Result<Option<&airegister::register::form::Member>, _>| r.map(|m| m.map(|m| m.user_id));
            let (a, e) =
                (airegister::register::people::resolve(t, &among), airegister::register::people::resolve(t, &every));
            assert_eq!(id(a), id(e), "{t:?} among {} texts", texts.len());
        }
    }
}

#[tokio::test]
async fn a_typed_person_who_is_not_one_member_is_refused_on_the_field_and_nothing_is_written() {
    let p = people().await;
    let pl = p.pl.to_string();
    let cases = [
        (
            "owner_id",
            "Jan Jansen",
            "past „Jan Jansen” bij meer medewerkers (j.jansen@testdam.example, jan@testdam.example)",
        ),
        ("owner_id", "eva@elders.example", "Bij Eigenaar is geen medewerker „eva@elders.example” gevonden"),
        ("owner_id", "Eva Elders", "Bij Eigenaar is geen medewerker „Eva Elders” gevonden"),
        ("owner_id", "Oud Gediende", "Bij Eigenaar: Oud Gediende is niet meer actief"),
        ("rasci_A_user", "Niemand Bekend", "Bij A (Accountable) is geen medewerker „Niemand Bekend” gevonden"),
        ("rasci_R_user", "oud@testdam.example", "Bij R (Responsible): Oud Gediende is niet meer actief"),
    ];
    for (field, typed, message) in cases {
        let mut fields = complete("Weigeraar", &pl, &[(field, typed)]);
        // Someone chosen before, as the ticked box sends it, comes back ticked beside the refused text.
        if field == "rasci_R_user" {
            fields.push(("rasci_R_user", &pl));
        }
        let r = p.app.post(&p.c, "/register", &fields).await;
        assert_eq!(r.status(), 422, "{field}={typed}");
        let html = r.text().await.unwrap();
        assert!(html.contains(message), "{field}={typed}: expected {message}");
        let at = field.trim_end_matches("_user");
        assert!(html.contains(&format!("href=\"#{at}\"")), "{field}: the summary links to the field");
        assert!(html.contains(&format!(r#"name="{field}" value="{typed}""#)), "{field}: the typed text comes back");
        if field == "rasci_R_user" {
            assert!(html.contains(&format!(r#"name="rasci_R_user" value="{pl}" checked"#)), "the ticked R stays");
        }
    }
    let written: i64 = sqlx::query_scalar("select count(*) from application where name = 'Weigeraar'")
        .fetch_one(&p.app.pool)
        .await
        .unwrap();
    assert_eq!(written, 0);
}

async fn suggestions(p: &People, q: &str) -> Vec<(String, String)> {
    let r = p.app.get(&p.c, &format!("/medewerkers/zoeken?q={}", urlencoding(q))).await;
    assert_eq!(r.status(), 200);
    let found: Vec<serde_json::Value> = r.json().await.unwrap();
    found.iter().map(|f| (f["value"].as_str().unwrap().into(), f["label"].as_str().unwrap().into())).collect()
}

fn urlencoding(q: &str) -> String {
    q.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[tokio::test]
async fn the_suggestions_are_the_organisations_active_members_that_fit_at_most_twenty() {
    let p = people().await;
    let org = p.org;
    for i in 0..25 {
        person(&p.app, &format!("t{i:02}@testdam.example"), &format!("Tess Persoon {i:02}"), org, true).await;
    }
    let mut jans = suggestions(&p, "jans").await;
    jans.sort();
    assert_eq!(
        jans,
        [
            ("Jan  Jansen (j.jansen@testdam.example)".to_string(), "Burgerzaken".to_string()),
            ("Jan Jansen (jan@testdam.example)".into(), "Burgerzaken".into()),
        ],
        "a word of the name, with the department to tell namesakes apart"
    );
    assert_eq!(suggestions(&p, "j.jan").await.len(), 1, "the start of an e-mail address");
    let many = suggestions(&p, " persoon ").await;
    assert_eq!(many.len(), 20, "at most twenty");
    assert_eq!(many[0].0, "Tess Persoon 00 (t00@testdam.example)");
    // Names that begin with what was typed come first.
    assert_eq!(suggestions(&p, "tess").await[0].0, "Tess Persoon 00 (t00@testdam.example)");
    for nobody in ["oud", "eva", "%", "_", "", "zzz"] {
        assert_eq!(
            suggestions(&p, nobody).await,
            [],
            "{nobody:?}: not deactivated, not another organisation's, not a wildcard"
        );
    }
    // Only for someone signed in.
    let anonymous = p.app.client().get(p.app.url("/medewerkers/zoeken?q=jan")).send().await.unwrap();
    assert!(anonymous.status().is_redirection() || anonymous.status() == 401, "{}", anonymous.status());
}

#[tokio::test]
async fn the_person_fields_do_not_list_the_organisations_members() {
    let p = people().await;
    let org = p.org;
    sqlx::query(
        "with u as (insert into app_user (user_id, email, name)
                    select gen_random_uuid(), 'lid' || i || '@testdam.example', 'Lid ' || i from generate_series(1, 300) i
                    returning user_id)
         insert into membership (user_id, organisation_id, role) select user_id, $1, 'medewerker' from u",
    )
    .bind(org)
    .execute(&p.app.pool)
    .await
    .unwrap();
    let pl = p.pl.to_string();
    let r = p.app.post(&p.c, "/register", &complete("Lijstloos", &pl, &[])).await;
    let id = location(&r).trim_start_matches("/register/").to_string();
    for path in [
        format!("/register/{id}/bewerken/verantwoordelijken"),
        format!("/register/{id}/bewerken/algemeen"),
        format!("/register/{id}/bewerken/alles"),
        "/register/nieuw?naam=Lijstloos%20twee&alles=1".to_string(),
    ] {
        let html = p.app.get(&p.c, &path).await.text().await.unwrap();
        assert!(!html.contains("lid1@testdam.example") && !html.contains("anna@testdam.example"), "{path}");
        assert!(html.len() < 200_000, "{path}: {} bytes", html.len());
    }
}

#[tokio::test]
async fn the_ciso_types_the_owner_of_an_accepted_request() {
    use crate::requests::{CISO, FULL, MW, act, state, submitted, world};
    let w = world().await;
    let app = &w.app;
    let elders = app.org("Gemeente Elders", "gm0102").await;
    person(app, "eva@elders.example", "Eva Elders", elders, true).await;
    person(app, "oud@aanvraagdam.example", "Oud Gediende", w.org, false).await;
    let (mw, ciso) = (app.logged_in(MW).await, app.logged_in(CISO).await);
    let id = submitted(app, &mw, FULL).await;

    // The triage form asks for the owner as text with suggestions, not as a list of every member.
    let page = app.get(&ciso, &format!("/aanvragen/{id}")).await.text().await.unwrap();
    assert!(page.contains(r#"name="owner_id" value="" list="medewerkers""#), "{page}");
    assert!(!page.contains("mw2@aanvraagdam.example"), "no member listed");
    for (typed, message) in [
        ("Eva Elders", "Bij Eigenaar is geen medewerker „Eva Elders” gevonden"),
        ("oud@aanvraagdam.example", "Bij Eigenaar: Oud Gediende is niet meer actief"),
    ] {
        let r = act(app, &ciso, id, "accepteren", &[("owner_id", typed)]).await;
        assert_eq!(r.status(), 422, "{typed}");
        let html = r.text().await.unwrap();
        assert!(html.contains(message), "{typed}: {message}");
        assert!(html.contains(&format!(r#"name="owner_id" value="{typed}""#)), "{typed} comes back");
        assert_eq!(state(app, id).await.0, "ingediend", "{typed}: nothing decided");
    }
    let r = act(app, &ciso, id, "accepteren", &[("owner_id", "Naam pl@aanvraagdam.example (pl@aanvraagdam.example)")])
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let owner: Uuid = sqlx::query_scalar("select owner_id from tool_request where request_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(owner, w.pl);
}

#[tokio::test]
async fn the_api_names_people_by_id_only() {
    let p = people().await;
    let org = p.org;
    let token = crate::rest::token(&p.app, p.pl, org, true).await;
    let post = |body: serde_json::Value| {
        reqwest::Client::new().post(p.app.url("/api/v1/applications")).bearer_auth(&token).json(&body).send()
    };
    for body in [
        serde_json::json!({ "fields": { "name": "Via API", "description_short": "x", "owner_id": "anna@testdam.example" } }),
        serde_json::json!({ "fields": { "name": "Via API", "description_short": "x" },
                            "rasci": [{ "letter": "A", "user_id": "Anna Bakker" }] }),
    ] {
        let r = post(body.clone()).await.unwrap();
        assert_eq!(r.status(), 422, "{body}");
        let problem: serde_json::Value = r.json().await.unwrap();
        assert!(problem.to_string().contains("uuid"), "{problem}");
    }
    let anna = p.anna.to_string();
    let r = post(serde_json::json!({ "fields": { "name": "Via API", "description_short": "x", "owner_id": anna },
                                    "rasci": [{ "letter": "A", "user_id": anna }] }))
    .await
    .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn a_completion_is_recorded_for_a_typed_person() {
    let p = people().await;
    let org = p.org;
    p.app.user("fg@testdam.example", org, &[Role::Medewerker, Role::Beheerder]).await;
    let fg = p.app.logged_in("fg@testdam.example").await;
    let fields = [("title", "Basistraining AI"), ("level", "basis"), ("validity_months", "24")];
    assert_eq!(p.app.post(&fg, "/ai-geletterdheid/trainingen", &fields).await.status(), 303);
    let training: Uuid = sqlx::query_scalar("select training_id from training").fetch_one(&p.app.pool).await.unwrap();
    let training = training.to_string();
    let page = p.app.get(&fg, "/ai-geletterdheid/beheer").await.text().await.unwrap();
    assert!(page.contains(r#"name="user_id" value="" list="medewerkers""#), "a typed person");
    assert!(!page.contains("anna@testdam.example"), "no member listed");

    let post = |who: &'static str| {
        let training = training.clone();
        let (app, fg) = (&p.app, &fg);
        async move {
            let fields = [("user_id", who), ("training_id", training.as_str()), ("completed_on", "2026-02-01")];
            app.post_multipart(fg, "/ai-geletterdheid/afrondingen", &fields, None, true).await
        }
    };
    let r = post("Jan Jansen").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Bij Medewerker past „Jan Jansen” bij meer medewerkers"), "{html}");
    assert!(html.contains(r#"name="user_id" value="Jan Jansen""#) && html.contains(r#"value="2026-02-01""#));
    assert!(!html.contains("Kies de medewerker die de training heeft gevolgd"), "one message for the field");
    assert_eq!(post("Anna Bakker (anna@testdam.example)").await.status(), 303);
    let who: Uuid = sqlx::query_scalar("select user_id from training_completion").fetch_one(&p.app.pool).await.unwrap();
    assert_eq!(who, p.anna);
}

#[tokio::test]
async fn someone_deactivated_who_was_chosen_is_shown_so_and_stays_when_the_step_is_saved() {
    let p = people().await;
    let r = p.app.post(&p.c, "/register", &complete("Blijver", "anna@testdam.example", &[])).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    sqlx::query("update app_user set active = false where user_id = $1")
        .bind(p.anna)
        .execute(&p.app.pool)
        .await
        .unwrap();
    let shown = "Anna Bakker (anna@testdam.example, inactief)";
    let step = p.app.get(&p.c, &format!("/register/{id}/bewerken/verantwoordelijken")).await.text().await.unwrap();
    assert!(step.contains(&format!(r#"name="rasci_A_user" value="{shown}""#)), "{step}");
    let first = p.app.get(&p.c, &format!("/register/{id}/bewerken/algemeen")).await.text().await.unwrap();
    assert!(first.contains(&format!(r#"name="owner_id" value="{shown}""#)), "{first}");
    let version: i32 = sqlx::query_scalar("select version from application where application_id = $1")
        .bind(id)
        .fetch_one(&p.app.pool)
        .await
        .unwrap();
    let v = version.to_string();
    let fields =
        [("version", v.as_str()), ("stap", "verantwoordelijken"), ("actie", "opslaan"), ("rasci_A_user", shown)];
    let r = p.app.post(&p.c, &format!("/register/{id}/bewerken/verantwoordelijken"), &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(rasci(&p.app, id).await, [("A".to_string(), p.anna)]);
}
