//! AI-literacy through the REST API, as documented: trainings (everyone lists, the administrator adds), completions
//! (one's own for everyone, everyone's for the administrator; an own entry waits, the administrator's counts;
//! the administrator confirms), coverage (figures for who sees them, names only for administrator, CISO and
//! FG), bad input per field, and an audit event for every write.

use airegister::auth::roles::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::rest::{api_get, assert_valid, openapi, token};

async fn post(app: &TestApp, t: &str, path: &str, body: Value) -> reqwest::Response {
    reqwest::Client::new().post(app.url(&format!("/api/v1{path}"))).bearer_auth(t).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn trainings_completions_and_coverage_with_rights_per_role() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Leerdam", "gm0303").await;
    let admin = app.user("beheer@leerdam.example", org, &[Role::Medewerker, Role::Beheerder]).await;
    let mw = app.user("mw@leerdam.example", org, &[Role::Medewerker]).await;
    let ciso = app.user("ciso@leerdam.example", org, &[Role::Medewerker, Role::Ciso]).await;
    let dir = app.user("dir@leerdam.example", org, &[Role::Directie]).await;
    let doc = openapi(&app).await;
    let (a, m, c, d) = (
        token(&app, admin, org, true).await,
        token(&app, mw, org, true).await,
        token(&app, ciso, org, true).await,
        token(&app, dir, org, true).await,
    );
    let a_read = token(&app, admin, org, false).await;

    // Trainings: only the administrator adds, with a write token; bad input is named per field.
    let training = json!({ "title": "Basistraining AI", "level": "basis", "validity_months": 24 });
    assert_eq!(post(&app, &m, "/literacy/trainings", training.clone()).await.status(), 403);
    assert_eq!(post(&app, &a_read, "/literacy/trainings", training.clone()).await.status(), 403);
    let r = post(&app, &a, "/literacy/trainings", json!({ "title": "X", "level": "expert", "kleur": "rood" })).await;
    assert_eq!(r.status(), 422);
    let p: Value = r.json().await.unwrap();
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["kleur"], "{p}");
    let r = post(&app, &a, "/literacy/trainings", json!({ "title": "X", "level": "expert" })).await;
    assert_eq!(r.status(), 422);
    let r = post(&app, &a, "/literacy/trainings", training.clone()).await;
    assert_eq!(r.status(), 201);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/api/v1/literacy/trainings/"));
    let t: Value = r.json().await.unwrap();
    assert_valid(&doc, "LiteracyTraining", &t);
    assert_eq!(post(&app, &a, "/literacy/trainings", training).await.status(), 422, "the same title twice");
    let list: Value = api_get(&app, &m, "/literacy/trainings").await.json().await.unwrap();
    assert_valid(&doc, "LiteracyTrainingList", &list);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let tid = t["id"].as_str().unwrap();
    let r = post(&app, &a, "/literacy/trainings", json!({ "title": "Copilot", "level": "gevorderd" })).await;
    assert_eq!(r.status(), 201);

    // The requirement (through the web form's table) makes coverage figures.
    sqlx::query(
        "insert into training_requirement (requirement_id, organisation_id, training_id, role)
                 values ($1, $2, $3::uuid, 'medewerker')",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(org)
    .bind(tid)
    .execute(&app.pool)
    .await
    .unwrap();

    // An employee records their own (it waits), not someone else's; a future date is refused on the field.
    let own =
        json!({ "training_id": tid, "completed_on": "2026-01-15", "evidence_link": "https://leren.example.nl/c/1" });
    let r = post(&app, &m, "/literacy/completions", json!({ "training_id": tid, "completed_on": "2199-01-01" })).await;
    assert_eq!(r.status(), 422);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "completed_on", "{p}");
    let other = json!({ "training_id": tid, "completed_on": "2026-01-15", "user_id": ciso });
    assert_eq!(post(&app, &m, "/literacy/completions", other.clone()).await.status(), 403);
    let r = post(&app, &m, "/literacy/completions", own.clone()).await;
    assert_eq!(r.status(), 201);
    let waiting: Value = r.json().await.unwrap();
    assert_valid(&doc, "LiteracyCompletion", &waiting);
    assert_eq!((waiting["confirmed"].as_bool(), waiting["source"].as_str()), (Some(false), Some("zelf")));
    assert_eq!(post(&app, &m, "/literacy/completions", own).await.status(), 409);
    // The administrator records one for the CISO: it counts at once.
    let r = post(&app, &a, "/literacy/completions", other).await;
    assert_eq!(r.status(), 201);
    let counted: Value = r.json().await.unwrap();
    assert_eq!((counted["confirmed"].as_bool(), counted["source"].as_str()), (Some(true), Some("beheerder")));
    let unknown = json!({ "training_id": uuid::Uuid::now_v7(), "completed_on": "2026-01-15" });
    assert_eq!(post(&app, &a, "/literacy/completions", unknown).await.status(), 422);
    // Only for an active member of the organisation: not someone of another one, nor a deactivated account.
    let elsewhere = app.org("Gemeente Elders", "gm0304").await;
    let outsider = app.user("mw@elders.example", elsewhere, &[Role::Medewerker]).await;
    sqlx::query("update app_user set active = false where user_id = $1").bind(dir).execute(&app.pool).await.unwrap();
    for person in [outsider, dir, uuid::Uuid::now_v7()] {
        let body = json!({ "training_id": tid, "completed_on": "2026-01-15", "user_id": person });
        let r = post(&app, &a, "/literacy/completions", body).await;
        assert_eq!(r.status(), 422, "{person}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "user_id", "{p}");
    }
    sqlx::query("update app_user set active = true where user_id = $1").bind(dir).execute(&app.pool).await.unwrap();

    // Lists: one's own, or everyone's for the administrator.
    let mine: Value = api_get(&app, &m, "/literacy/completions").await.json().await.unwrap();
    assert_valid(&doc, "LiteracyCompletionList", &mine);
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let all: Value = api_get(&app, &a, "/literacy/completions").await.json().await.unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);

    // Confirming: the administrator only, once.
    let confirm = format!("/literacy/completions/{}/confirm", waiting["id"].as_str().unwrap());
    assert_eq!(post(&app, &m, &confirm, json!({})).await.status(), 403);
    assert_eq!(post(&app, &c, &confirm, json!({})).await.status(), 403);
    let r = post(&app, &a, &confirm, json!({})).await;
    assert_eq!(r.status(), 200);
    let confirmed: Value = r.json().await.unwrap();
    assert_valid(&doc, "LiteracyCompletion", &confirmed);
    assert_eq!(confirmed["confirmed"], true);
    assert_eq!(post(&app, &a, &confirm, json!({})).await.status(), 409);
    let nowhere = format!("/literacy/completions/{}/confirm", uuid::Uuid::now_v7());
    assert_eq!(post(&app, &a, &nowhere, json!({})).await.status(), 404);

    // Coverage: not for an employee; directie sees figures without names; CISO sees the people too.
    assert_eq!(api_get(&app, &m, "/literacy/coverage").await.status(), 403);
    let figures: Value = api_get(&app, &d, "/literacy/coverage").await.json().await.unwrap();
    assert_valid(&doc, "LiteracyCoverage", &figures);
    assert!(figures["people"].is_null(), "{figures}");
    let role = &figures["roles"][0];
    assert_eq!(
        (role["role"].as_str(), role["vereist"].as_u64(), role["gedaan"].as_u64()),
        (Some("medewerker"), Some(3), Some(2))
    );
    let cov: Value = api_get(&app, &c, "/literacy/coverage").await.json().await.unwrap();
    assert_valid(&doc, "LiteracyCoverage", &cov);
    // The directie's figures (counted in the database) are the people the CISO gets (the Rust rule per pair), per
    // reason and group.
    let people = cov["people"].as_array().unwrap();
    let groups: [(&str, &[&str]); 5] = [
        ("vereist", &["geldig", "verloopt_binnenkort", "verlopen", "wacht_op_bevestiging", "ontbreekt"]),
        ("gedaan", &["geldig", "verloopt_binnenkort"]),
        ("verloopt", &["verloopt_binnenkort"]),
        ("verlopen", &["verlopen"]),
        ("ontbreekt", &["wacht_op_bevestiging", "ontbreekt"]),
    ];
    for (rows, key) in [("roles", "role"), ("tools", "application_id")] {
        assert_eq!(figures[rows].as_array().unwrap().len(), cov[rows].as_array().unwrap().len(), "{rows}");
        for row in figures[rows].as_array().unwrap() {
            for (group, standings) in groups {
                let listed = people
                    .iter()
                    .filter(|p| p[key] == row[key] && standings.contains(&p["standing"].as_str().unwrap()))
                    .count();
                assert_eq!(row[group].as_u64(), Some(listed as u64), "{group} of {row}");
            }
        }
    }
    let missing: Vec<&str> = cov["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["standing"] == "ontbreekt")
        .map(|p| p["email"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["beheer@leerdam.example"]);

    // Every write is in the audit trail.
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_event where action like 'literacy.%' order by audit_id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "literacy.training_created",
            "literacy.training_created",
            "literacy.completion_recorded",
            "literacy.completion_recorded",
            "literacy.completion_confirmed"
        ]
    );
}
