//! Changing and removing a training: the form comes filled in, bad input comes back with the field named, a
//! change saved in between is never overwritten silently, and a training someone completed is not removed.

use airegister::auth::roles::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, location, page};
use crate::literacy::training_id as training;
use crate::rest::{api_get, assert_valid, openapi, token};

const ADMIN: &str = "beheer@zaltbommel.example";
const ADMIN2: &str = "beheer2@zaltbommel.example";
const MW: &str = "mw@zaltbommel.example";
const OTHER: &str = "beheer@tiel.example";
const CISO: &str = "ciso@zaltbommel.example";
const DIR: &str = "dir@zaltbommel.example";

#[tokio::test]
async fn a_training_is_changed_and_removed() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Zaltbommel", "gm0297").await;
    app.user(ADMIN, org, &[Role::Medewerker, Role::Beheerder]).await;
    app.user(ADMIN2, org, &[Role::Medewerker, Role::Beheerder]).await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    app.user(CISO, org, &[Role::Ciso]).await;
    app.user(DIR, org, &[Role::Directie]).await;
    let tiel = app.org("Gemeente Tiel", "gm0281").await;
    app.user(OTHER, tiel, &[Role::Medewerker, Role::Beheerder]).await;
    let ciso = app.logged_in(CISO).await;
    let dir = app.logged_in(DIR).await;
    let admin = app.logged_in(ADMIN).await;
    let admin2 = app.logged_in(ADMIN2).await;
    let emp = app.logged_in(MW).await;
    let other = app.logged_in(OTHER).await;

    let add = [("title", "AI basis"), ("level", "basis"), ("validity_months", "24"), ("provider", "Leerhuis")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/trainingen", &add).await.status(), 303);
    let add = [("title", "Prompten"), ("level", "gevorderd")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/trainingen", &add).await.status(), 303);
    let id = training(&app, "AI basis").await;
    let href = format!("/ai-geletterdheid/trainingen/{id}");
    let edit = format!("{href}/wijzigen");

    // The training's page leads to both; the form comes filled in with what is stored, at version 1.
    let one = page(&app, &admin, &href).await;
    assert!(one.contains(&format!("href=\"{edit}\">Training wijzigen")), "{one}");
    assert!(one.contains(&format!("href=\"{href}/verwijderen\">Training verwijderen")));
    let form = page(&app, &admin, &edit).await;
    for filled in [
        "name=\"title\" value=\"AI basis\"",
        "name=\"provider\" value=\"Leerhuis\"",
        "<option value=\"basis\" selected",
        "name=\"validity_months\" value=\"24\"",
        "name=\"version\" value=\"1\"",
    ] {
        assert!(form.contains(filled), "{filled}: {form}");
    }

    // Bad input: the form comes back with it, each field named in Dutch; nothing is saved.
    let bad = [("version", "1"), ("title", " "), ("level", "expert"), ("validity_months", "drie"), ("link", "ftp://x")];
    let r = app.post(&admin, &edit, &bad).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    for message in [
        "Vul de titel in",
        "Kies het niveau",
        "Vul bij de geldigheid een heel getal van 1 tot en met 240 in.",
        "Vul bij de link een volledige https-link in",
        "name=\"validity_months\" value=\"drie\"",
        "name=\"link\" value=\"ftp://x\"",
    ] {
        assert!(body.contains(message), "{message}: {body}");
    }
    let same_title = [("version", "1"), ("title", " prompten "), ("level", "basis")];
    let r = app.post(&admin, &edit, &same_title).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Er is al een andere training met deze titel."));
    assert_eq!(app.count("select version::bigint from training where training_id = $1", id).await, 1);

    // Saved: back on the training's page, with its audit event (before and after).
    let change = [("version", "1"), ("title", "AI basis 2027"), ("level", "basis"), ("validity_months", "12")];
    let r = app.post(&admin, &edit, &change).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, href.clone()));
    let shown = page(&app, &admin, &href).await;
    assert!(
        shown.contains("De training „AI basis 2027” is gewijzigd.") && shown.contains("geldig: 12 maanden"),
        "{shown}"
    );
    let (provider, version): (Option<String>, i32) =
        sqlx::query_as("select provider, version from training where training_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((provider, version), (None, 2), "an emptied field is emptied");
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "select before, after from audit_event where object_id = $1 and action = 'literacy.training_changed'",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((before["title"].as_str(), before["validity_months"].as_i64()), (Some("AI basis"), Some(24)));
    assert_eq!((after["title"].as_str(), after["validity_months"].as_i64()), (Some("AI basis 2027"), Some(12)));

    // A second administrator with the form of version 1: their input comes back beside what is stored now.
    let late = [("version", "1"), ("title", "AI voor iedereen"), ("level", "basis"), ("validity_months", "36")];
    let r = app.post(&admin2, &edit, &late).await;
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    assert!(body.contains("Deze training is intussen gewijzigd"), "{body}");
    let now =
        "titel „AI basis 2027”; aanbieder: geen; niveau: basis; duur: onbekend; geldigheid: 12 maanden; link: geen";
    assert!(body.contains(now), "{body}");
    assert!(
        body.contains("name=\"title\" value=\"AI voor iedereen\"") && body.contains("name=\"version\" value=\"2\"")
    );
    assert_eq!(app.count("select version::bigint from training where training_id = $1", id).await, 2);
    // Saving again, knowing: it is saved.
    let knowing = [("version", "2"), ("title", "AI voor iedereen"), ("level", "basis"), ("validity_months", "36")];
    assert_eq!(location(&app.post(&admin2, &edit, &knowing).await), href);
    // Saved without a change: said so, no audit event, no new version.
    assert_eq!(location(&app.post(&admin2, &edit, &knowing).await), href);
    assert!(page(&app, &admin2, &href).await.contains("Er was niets gewijzigd."));
    let changed = "select count(*) from audit_event where object_id = $1 and action = 'literacy.training_changed'";
    assert_eq!(app.count(changed, id).await, 2);
    assert_eq!(app.count("select version::bigint from training where training_id = $1", id).await, 3);

    // Only the organisation's administrator.
    assert_eq!(app.get(&emp, &edit).await.status(), 403);
    assert_eq!(app.post(&emp, &edit, &knowing).await.status(), 403);
    assert_eq!(app.get(&other, &edit).await.status(), 404);
    assert_eq!(app.get(&other, &format!("{href}/verwijderen")).await.status(), 404);
    assert_eq!(
        app.post(&other, &format!("{href}/verwijderen"), &[]).await.status(),
        303,
        "as if gone, back to their own"
    );
    assert_eq!(location(&app.post(&other, &edit, &knowing).await), "/ai-geletterdheid/beheer");
    assert_eq!(app.count("select version::bigint from training where training_id = $1", id).await, 3, "nothing saved");
    assert_eq!(app.count("select count(*) from training where training_id = $1", id).await, 1);

    // Someone completed it: it stays, and the page says why and what to do instead.
    sqlx::query(
        "insert into training_completion (completion_id, organisation_id, training_id, user_id, completed_on, source,
                confirmed_at) values ($1, $2, $3, $4, current_date, 'beheerder', now())",
    )
    .bind(Uuid::now_v7())
    .bind(org)
    .bind(id)
    .bind(mw)
    .execute(&app.pool)
    .await
    .unwrap();
    let remove = format!("{href}/verwijderen");
    let ask = page(&app, &admin, &remove).await;
    assert!(ask.contains("„AI voor iedereen” kan niet worden verwijderd:</strong> 1 medewerker heeft"), "{ask}");
    assert!(!ask.contains(&format!("action=\"{remove}\"")), "no form that removes it: {ask}");
    assert!(page(&app, &admin, &edit).await.contains("1 medewerker heeft deze training gevolgd of ingevoerd."));
    let r = app.post(&admin, &remove, &[]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, href.clone()));
    assert!(page(&app, &admin, &href).await.contains("is niet verwijderd: 1 medewerker heeft haar gevolgd"));
    // Two people: the plural.
    sqlx::query(
        "insert into training_completion (completion_id, organisation_id, training_id, user_id, completed_on, source)
         select $1, $2, $3, user_id, current_date, 'zelf' from app_user where email = $4",
    )
    .bind(Uuid::now_v7())
    .bind(org)
    .bind(id)
    .bind(ADMIN2)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(app.post(&admin, &remove, &[]).await.status(), 303);
    assert!(page(&app, &admin, &href).await.contains("is niet verwijderd: 2 medewerkers hebben haar gevolgd"));
    sqlx::query("delete from training_completion where source = 'zelf'").execute(&app.pool).await.unwrap();
    assert_eq!(app.count("select count(*) from training where training_id = $1", id).await, 1);

    // Who must follow it, per person as the coverage counts, each figure a list of its people; someone who needs
    // it for two roles is one person with both reasons.
    let none = page(&app, &admin, &href).await;
    assert!(none.contains("Nu niemand: geen actieve medewerker heeft een rol"), "{none}");
    let t = id.to_string();
    for role in ["medewerker", "beheerder"] {
        let req = [("requirement_training", t.as_str()), ("role", role)];
        assert_eq!(app.post(&admin, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    }
    let one = page(&app, &admin, &href).await;
    let list = format!("/ai-geletterdheid/dekking/lijst?training={id}&amp;stand=");
    assert!(
        one.contains(&format!("Vereist voor <a class=\"utrecht-link\" href=\"{list}vereist\">3 medewerkers</a>")),
        "{one}"
    );
    assert!(one.contains(&format!("<li><a class=\"utrecht-link\" href=\"{list}gedaan\">Gedaan: 1<span")), "{one}");
    assert!(one.contains(&format!("<li><a class=\"utrecht-link\" href=\"{list}ontbreekt\">Ontbreekt: 2<span")));
    assert!(one.contains("<li>Verlopen: 0</li>"));
    let missing = page(&app, &admin, &format!("/ai-geletterdheid/dekking/lijst?training={id}&stand=ontbreekt")).await;
    assert!(
        missing.contains("Ontbreekt – training „AI voor iedereen”") && missing.contains(">2 medewerkers</caption>")
    );
    assert!(missing.contains(&format!("href=\"{href}\">Terug naar „AI voor iedereen”")), "{missing}");
    assert!(missing.contains(ADMIN2) && !missing.contains(MW), "{missing}");
    assert_eq!(
        missing.matches(">rol Medewerker, rol Beheerder<").count(),
        2,
        "one row per person, every reason: {missing}"
    );
    // CISO and FG see the list too, with the way back to the coverage (the training's page is the administrator's).
    let seen = page(&app, &ciso, &format!("/ai-geletterdheid/dekking/lijst?training={id}&stand=ontbreekt")).await;
    assert!(
        seen.contains(ADMIN2) && seen.contains("href=\"/ai-geletterdheid/dekking\">Terug naar de dekking"),
        "{seen}"
    );
    assert_eq!(
        app.get(&dir, &format!("/ai-geletterdheid/dekking/lijst?training={id}&stand=ontbreekt")).await.status(),
        403
    );
    let other_list = format!("/ai-geletterdheid/dekking/lijst?training={id}&stand=vereist");
    assert_eq!(app.get(&other, &other_list).await.status(), 404, "another organisation's training");
    assert_eq!(app.get(&emp, &other_list).await.status(), 403);
    let both = format!("/ai-geletterdheid/dekking/lijst?training={id}&rol=medewerker&stand=vereist");
    assert_eq!(app.get(&admin, &both).await.status(), 404, "one of role, tool or training");

    // Nobody completed it: asked, then removed with its requirements and an audit event.
    let prompt = training(&app, "Prompten").await;
    let p = prompt.to_string();
    for role in ["medewerker", "ciso"] {
        let req = [("requirement_training", p.as_str()), ("role", role)];
        assert_eq!(app.post(&admin, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    }
    let tool = crate::requests::registration(&app, &admin, "Zoekhulp", mw, "in_gebruik", "").await;
    sqlx::query(
        "insert into training_requirement (requirement_id, organisation_id, training_id, application_id)
         values ($1, $2, $3, $4)",
    )
    .bind(Uuid::now_v7())
    .bind(org)
    .bind(prompt)
    .bind(tool)
    .execute(&app.pool)
    .await
    .unwrap();
    let remove = format!("/ai-geletterdheid/trainingen/{prompt}/verwijderen");
    let ask = page(&app, &admin, &remove).await;
    assert!(ask.contains("Wilt u de training „Prompten” verwijderen?") && ask.contains("De 3 eisen die erbij horen"));
    assert_eq!(
        app.count("select count(*) from training where training_id = $1", prompt).await,
        1,
        "asking removes nothing"
    );
    assert_eq!(app.post(&emp, &remove, &[]).await.status(), 403);
    let r = app.post(&admin, &remove, &[]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/ai-geletterdheid/beheer".to_string()));
    let manage = page(&app, &admin, "/ai-geletterdheid/beheer").await;
    assert!(manage.contains("De training „Prompten” is verwijderd met de 3 eisen die erbij hoorden."), "{manage}");
    assert_eq!(app.count("select count(*) from training_requirement where training_id = $1", prompt).await, 0);
    let removed: serde_json::Value = sqlx::query_scalar(
        "select before from audit_event where object_id = $1 and action = 'literacy.training_removed' and after is null",
    )
    .bind(prompt)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(removed["title"].as_str(), Some("Prompten"));
    let whom: Vec<String> = removed["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().or(r["tool"].as_str()).unwrap().to_string())
        .collect();
    assert_eq!(whom, ["ciso", "medewerker", "Zoekhulp"], "whom it was required of, for the audit: {removed}");
    // Gone: its forms say so instead of failing.
    assert_eq!(app.get(&admin, &format!("/ai-geletterdheid/trainingen/{prompt}/wijzigen")).await.status(), 404);
    let r = app.post(&admin, &format!("/ai-geletterdheid/trainingen/{prompt}/wijzigen"), &knowing).await;
    assert_eq!(location(&r), "/ai-geletterdheid/beheer");
    assert!(page(&app, &admin, "/ai-geletterdheid/beheer").await.contains("Deze training is intussen verwijderd."));
    assert_eq!(location(&app.post(&admin, &remove, &[]).await), "/ai-geletterdheid/beheer");
}

async fn send(app: &TestApp, method: reqwest::Method, t: &str, path: &str, body: Option<Value>) -> reqwest::Response {
    let r = reqwest::Client::new().request(method, app.url(&format!("/api/v1{path}"))).bearer_auth(t);
    let r = match body {
        Some(b) => r.json(&b),
        None => r,
    };
    r.send().await.unwrap()
}

/// The same through the API: a training is read at its address (the one `POST` answers with), changed with the
/// version read (409 after another change) and removed unless someone completed it.
#[tokio::test]
async fn a_training_through_the_api() {
    use reqwest::Method;
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Zaltbommel", "gm0297").await;
    let admin = app.user(ADMIN, org, &[Role::Medewerker, Role::Beheerder]).await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    let tiel = app.org("Gemeente Tiel", "gm0281").await;
    let other = app.user(OTHER, tiel, &[Role::Medewerker, Role::Beheerder]).await;
    let doc = openapi(&app).await;
    let (a, m, o) =
        (token(&app, admin, org, true).await, token(&app, mw, org, true).await, token(&app, other, tiel, true).await);
    let a_read = token(&app, admin, org, false).await;

    let r = send(&app, Method::POST, &a, "/literacy/trainings", Some(json!({ "title": "AI basis", "level": "basis" })))
        .await;
    assert_eq!(r.status(), 201);
    let at = r.headers()["location"].to_str().unwrap().trim_start_matches("/api/v1").to_string();
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["version"], 1);
    let read: Value = api_get(&app, &m, &at).await.json().await.unwrap();
    assert_valid(&doc, "LiteracyTraining", &read);
    assert_eq!(read, created, "the address POST answers with reads it");
    assert_eq!(api_get(&app, &o, &at).await.status(), 404, "another organisation's");
    assert_eq!(api_get(&app, &m, "/literacy/trainings/geen-id").await.status(), 404);

    // Changed with the version read; bad input named per field; only the administrator with a write token.
    let change = json!({ "title": "AI basis 2027", "level": "basis", "validity_months": 12, "version": 1 });
    assert_eq!(send(&app, Method::PUT, &m, &at, Some(change.clone())).await.status(), 403);
    assert_eq!(send(&app, Method::PUT, &a_read, &at, Some(change.clone())).await.status(), 403);
    assert_eq!(send(&app, Method::PUT, &o, &at, Some(change.clone())).await.status(), 404);
    let r = send(&app, Method::PUT, &a, &at, Some(json!({ "title": "", "level": "basis" }))).await;
    assert_eq!(r.status(), 422);
    let p: Value = r.json().await.unwrap();
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "version"], "{p}");
    let r = send(&app, Method::PUT, &a, &at, Some(change.clone())).await;
    assert_eq!(r.status(), 200);
    let changed: Value = r.json().await.unwrap();
    assert_valid(&doc, "LiteracyTraining", &changed);
    assert_eq!(
        (changed["title"].as_str(), changed["validity_months"].as_i64(), changed["version"].as_i64()),
        (Some("AI basis 2027"), Some(12), Some(2))
    );
    // With the version read before that change: refused, nothing saved.
    let late = json!({ "title": "AI voor iedereen", "level": "basis", "version": 1 });
    let r = send(&app, Method::PUT, &a, &at, Some(late)).await;
    assert_eq!(r.status(), 409);
    let p: Value = r.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("nu 2"), "{p}");
    assert_eq!(api_get(&app, &m, &at).await.json::<Value>().await.unwrap()["title"], "AI basis 2027");
    let r =
        send(&app, Method::POST, &a, "/literacy/trainings", Some(json!({ "title": "Prompten", "level": "gevorderd" })))
            .await;
    let prompt = r.headers()["location"].to_str().unwrap().trim_start_matches("/api/v1").to_string();
    let same = json!({ "title": "prompten", "level": "basis", "version": 2 });
    let r = send(&app, Method::PUT, &a, &at, Some(same)).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["errors"][0]["field"], "title");

    // Removed unless someone completed it.
    let id: uuid::Uuid = changed["id"].as_str().unwrap().parse().unwrap();
    let done = json!({ "training_id": id, "completed_on": "2026-01-15", "user_id": mw });
    assert_eq!(send(&app, Method::POST, &a, "/literacy/completions", Some(done)).await.status(), 201);
    assert_eq!(send(&app, Method::DELETE, &m, &at, None).await.status(), 403);
    assert_eq!(send(&app, Method::DELETE, &o, &at, None).await.status(), 404);
    let r = send(&app, Method::DELETE, &a, &at, None).await;
    assert_eq!(r.status(), 409);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("1 medewerker"));
    assert_eq!(send(&app, Method::DELETE, &a, &prompt, None).await.status(), 204);
    assert_eq!(api_get(&app, &m, &prompt).await.status(), 404);
    assert_eq!(send(&app, Method::DELETE, &a, &prompt, None).await.status(), 404, "already gone");
    // A completion recorded while its training is being removed (the removal holds the row; the completion's
    // check saw the training): 409 saying so, not a server error, and nothing half written.
    let r =
        send(&app, Method::POST, &a, "/literacy/trainings", Some(json!({ "title": "Kort", "level": "basis" }))).await;
    let short: Value = r.json().await.unwrap();
    let short_id: uuid::Uuid = short["id"].as_str().unwrap().parse().unwrap();
    let mut removing = app.pool.begin().await.unwrap();
    sqlx::query("delete from training where training_id = $1").bind(short_id).execute(&mut *removing).await.unwrap();
    let entry = json!({ "training_id": short_id, "completed_on": "2026-01-15", "user_id": mw });
    let (a2, app_url) = (a.clone(), app.url("/api/v1/literacy/completions"));
    let recording =
        tokio::spawn(
            async move { reqwest::Client::new().post(app_url).bearer_auth(a2).json(&entry).send().await.unwrap() },
        );
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    removing.commit().await.unwrap();
    let r = recording.await.unwrap();
    assert_eq!(r.status(), 409);
    let p: Value = r.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("intussen verwijderd"), "{p}");
    assert_eq!(app.count("select count(*) from training_completion where training_id = $1", short_id).await, 0);

    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_event where action like 'literacy.training%' order by audit_id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "literacy.training_created",
            "literacy.training_changed",
            "literacy.training_created",
            "literacy.training_removed",
            "literacy.training_created"
        ]
    );
}
