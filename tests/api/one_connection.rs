//! A request never holds two pooled connections at once (issue 24). The home page read its tasks on one
//! connection and, still holding it, asked the pool for another to read the user's own registrations; the
//! application page did the same before. With 32 people at once and a pool of 16, every connection was held
//! by a request waiting for a second one: 3 s (the acquire timeout), then an error. With a pool of one
//! connection such a page cannot answer at all, so every page of every role of the demo is opened here on a
//! pool of one.

use std::time::{Duration, Instant};

use airegister::config::WebConfig;
use airegister::demo::DEMO_USERS;
use uuid::Uuid;

use crate::helpers::{TestApp, database_url, fresh_database};

const DEMO_PASSWORD: &str = "demo-wachtwoord-2026";

#[tokio::test]
async fn every_page_answers_on_a_pool_of_one_connection() {
    let pool = fresh_database().await;
    airegister::demo::load(&pool, DEMO_PASSWORD).await.unwrap();
    let one = airegister::db::pool_options(1).connect(&database_url(&pool).await).await.unwrap();
    let app = TestApp::spawn_on(one, WebConfig::default()).await;
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "select distinct on (workflow_status) application_id from application order by workflow_status, name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(ids.len() >= 4, "the demo has registrations in several states");
    let mut paths: Vec<String> = [
        "/",
        "/register",
        "/mijn-toepassingen",
        "/toegestane-tools",
        "/aanvragen",
        "/te-beoordelen",
        "/adviesaanvragen",
        "/toestemming",
        "/evaluaties",
        "/incidenten",
        "/meldingen",
        "/account",
        "/beleid",
        "/overzicht",
        "/ai-geletterdheid",
        "/ai-geletterdheid/dekking",
        "/leveranciers",
        "/vereisten",
        "/publicatie",
        "/beheer/gebruikers",
        "/beheer/organisaties",
        "/openbaar/gm9999",
    ]
    .map(String::from)
    .to_vec();
    for id in &ids {
        for tab in ["", "/beoordeling", "/geschiedenis", "/assessments", "/incidenten", "/vereisten", "/bewerken"] {
            paths.push(format!("/register/{id}{tab}"));
        }
    }
    let mut failed = Vec::new();
    for (email, _, _) in DEMO_USERS {
        let c = app.client();
        let r = app.login(&c, email, DEMO_PASSWORD).await;
        assert_eq!(r.status(), 303, "{email} logs in");
        for path in &paths {
            let started = Instant::now();
            let status = app.get(&c, path).await.status();
            // Refused or redirected is fine (not every role may see every page); failing or waiting is not.
            if status.is_server_error() || started.elapsed() > Duration::from_secs(2) {
                failed.push(format!("{email} {path}: {status} in {:?}", started.elapsed()));
            }
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
