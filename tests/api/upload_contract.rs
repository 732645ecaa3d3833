//! The upload client follows the register's published contract (issue 16, item 3), against the stand-in
//! (tests/api/standin.rs), which enforces each rule: the token endpoint refuses the wrong grant or secret, an
//! unchanged update is answered NO_CHANGES, and retract takes a published algorithm out of publication.

use std::time::Duration;

use uuid::Uuid;

use crate::helpers::TestApp;
use crate::publication::{as_demo, demo_app};
use crate::standin::{self, StandIn};
use airegister::config::WebConfig;

async fn connect(app: &TestApp, c: &reqwest::Client, standin: &StandIn, client_id: &str, grant: &str) {
    let r = app
        .post(
            c,
            "/publicatie/koppeling",
            &[
                ("api_url", &standin.api_url()),
                ("token_url", &standin.token_url()),
                ("client_id", client_id),
                ("grant_type", grant),
                ("username", if grant == "password" { "ciso@demo.example" } else { "" }),
                ("register_org_id", "gm9999"),
                ("version", "-1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
}

async fn app_id(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("select application_id from application where name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn sync_state(app: &TestApp, id: Uuid) -> String {
    sqlx::query_scalar("select state from register_sync where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn events(app: &TestApp, id: Uuid, action: &str) -> i64 {
    sqlx::query_scalar("select count(*) from audit_event where object_id = $1 and action = $2")
        .bind(id)
        .bind(action)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Send (optionally releasing) and follow the redirect to the tab, whose flash says what happened.
async fn send(app: &TestApp, c: &reqwest::Client, id: Uuid, release: bool) -> String {
    let fields: &[(&str, &str)] = if release { &[("vrijgeven", "ja")] } else { &[] };
    let r = app.post(c, &format!("/register/{id}/publicatie/versturen"), fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    app.get(c, &format!("/register/{id}/publicatie")).await.text().await.unwrap()
}

fn published(standin: &StandIn, lars: &str) -> bool {
    standin.register.lock().unwrap().algorithms.iter().find(|a| a.lars == lars).unwrap().published
}

#[tokio::test]
async fn client_credentials_no_changes_and_retract_follow_the_contract() {
    let window = Duration::from_secs(2);
    let config = WebConfig {
        register_rate_window: window,
        register_client_secret: Some(standin::SECRET.into()),
        ..Default::default()
    };
    let app = demo_app(config.clone()).await;
    let standin = StandIn::start("gm9999", window).await;
    let c = as_demo(&app, "ciso").await;
    connect(&app, &c, &standin, standin::CLIENT, "client_credentials").await;
    let page = app.get(&c, "/publicatie/koppeling").await.text().await.unwrap();
    assert!(page.contains("het clientgeheim staat in de omgeving van de server"), "{page}");
    assert!(!page.contains(standin::SECRET), "the secret is never shown");
    let woz = app_id(&app, "Waarderen WOZ-objecten").await;

    // The confidential client may not use the password grant: Keycloak's refusal, in Dutch, nothing sent.
    sqlx::query("update register_connection set grant_type = 'password', username = 'ciso@demo.example'")
        .execute(&app.pool)
        .await
        .unwrap();
    let r = app.post(&c, &format!("/register/{woz}/publicatie/versturen"), &[("password", standin::PASSWORD)]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Inloggen bij het Algoritmeregister lukte niet: Client not allowed for direct access grants")
    );
    sqlx::query("update register_connection set grant_type = 'client_credentials', username = ''")
        .execute(&app.pool)
        .await
        .unwrap();

    // Client credentials: no password asked for, the token comes with the secret.
    let tab = app.get(&c, &format!("/register/{woz}/publicatie")).await.text().await.unwrap();
    assert!(!tab.contains("name=\"password\""), "no password field for client credentials");
    let tab = send(&app, &c, woz, false).await;
    assert!(tab.contains("Aangemaakt in het Algoritmeregister"), "{tab}");
    let lars: String = sqlx::query_scalar("select lars from application where application_id = $1")
        .bind(woz)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        standin.register.lock().unwrap().grants,
        vec![(standin::CLIENT.to_string(), "client_credentials".to_string())]
    );

    // Sent again unchanged: the register answers NO_CHANGES; reported as such, not logged as an upload.
    let tab = send(&app, &c, woz, false).await;
    assert!(tab.contains("Geen wijzigingen: het Algoritmeregister had deze beschrijving al"), "{tab}");
    assert!(tab.contains("Geen wijzigingen (het register had deze beschrijving al)"), "{tab}");
    assert_eq!(sync_state(&app, woz).await, "geen_wijzigingen");
    assert_eq!(events(&app, woz, "application.register_upload").await, 1);
    assert_eq!(events(&app, woz, "application.register_no_changes").await, 1);
    assert_eq!(standin.register.lock().unwrap().algorithms[0].versions, 1);

    // Released, then published in the register.
    send(&app, &c, woz, true).await;
    assert_eq!(sync_state(&app, woz).await, "vrijgegeven");
    standin.publish(&lars);

    // The register fails: a Dutch message with its answer, nothing changed here but the error kept.
    standin.register.lock().unwrap().fail_next = Some((503, "Onderhoud aan het register".into()));
    let r = app.post(&c, &format!("/register/{woz}/publicatie/intrekken"), &[]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Intrekken mislukt. Het Algoritmeregister antwoordde met status 503: Onderhoud aan het register"),
        "{html}"
    );
    assert_eq!(sync_state(&app, woz).await, "vrijgegeven");
    assert!(published(&standin, &lars));
    assert_eq!(events(&app, woz, "application.register_retract").await, 0);
    let overview = app.get(&c, "/publicatie").await.text().await.unwrap();
    assert!(overview.contains("Fout: Het Algoritmeregister antwoordde met status 503"), "{overview}");

    // Retract on demand.
    let r = app.post(&c, &format!("/register/{woz}/publicatie/intrekken"), &[]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert!(!published(&standin, &lars));
    assert_eq!(sync_state(&app, woz).await, "ingetrokken");
    assert_eq!(events(&app, woz, "application.register_retract").await, 1);
    let overview = app.get(&c, "/publicatie").await.text().await.unwrap();
    assert!(overview.contains("Ingetrokken uit het register") && !overview.contains("Fout:"), "{overview}");
    // Nothing is published any more: retracting again is the register's 404, shown, and the state stays.
    let r = app.post(&c, &format!("/register/{woz}/publicatie/intrekken"), &[]).await;
    assert_eq!(r.status(), 422, "the tab offers no retract any more, a stale form gets the register's answer");
    assert!(r.text().await.unwrap().contains("status 404"));
    assert_eq!(sync_state(&app, woz).await, "ingetrokken");

    // Published again, then no longer public here: the server's round retracts it by itself.
    sqlx::query("update application set risks = '<p>Bijgewerkte risico-omschrijving.</p>' where application_id = $1")
        .bind(woz)
        .execute(&app.pool)
        .await
        .unwrap();
    let tab = send(&app, &c, woz, true).await;
    assert!(tab.contains("Bijgewerkt in het Algoritmeregister"), "{tab}");
    standin.publish(&lars);
    let done = airegister::publication::retract::retract_withdrawn(&app.pool, &config).await.unwrap();
    assert_eq!(done, (0, 0), "still public here: nothing to retract");
    sqlx::query("update application set publish = false where application_id = $1")
        .bind(woz)
        .execute(&app.pool)
        .await
        .unwrap();
    let overview = app.get(&c, "/publicatie").await.text().await.unwrap();
    assert!(overview.contains("Niet meer openbaar hier: wordt ingetrokken"), "{overview}");
    // The register refuses the server's round: not asked again every ten minutes, but after six hours.
    standin.register.lock().unwrap().fail_next = Some((503, "Onderhoud aan het register".into()));
    let done = airegister::publication::retract::retract_withdrawn(&app.pool, &config).await.unwrap();
    assert_eq!(done, (0, 1));
    let done = airegister::publication::retract::retract_withdrawn(&app.pool, &config).await.unwrap();
    assert_eq!(done, (0, 0), "a refusal of the last six hours is not retried by the server");
    let overview = app.get(&c, "/publicatie").await.text().await.unwrap();
    assert!(overview.contains("Niet meer openbaar hier: wordt ingetrokken"), "still listed: {overview}");
    sqlx::query("update register_sync set last_error_at = now() - interval '7 hours' where application_id = $1")
        .bind(woz)
        .execute(&app.pool)
        .await
        .unwrap();
    let done = airegister::publication::retract::retract_withdrawn(&app.pool, &config).await.unwrap();
    assert_eq!(done, (1, 0));
    assert!(!published(&standin, &lars));
    assert_eq!(sync_state(&app, woz).await, "ingetrokken");
    let by: String = sqlx::query_scalar(
        "select actor_name from audit_event where object_id = $1 and action = 'application.register_retract'
          order by audit_id desc limit 1",
    )
    .bind(woz)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(by, "Systeem");
    assert_eq!(airegister::publication::retract::retract_withdrawn(&app.pool, &config).await.unwrap(), (0, 0));
    // A reconciliation finds it unpublished in the register: the retraction stays what the tab says.
    let html = app.post(&c, "/publicatie/afstemmen", &[]).await.text().await.unwrap();
    assert!(html.contains("Afgestemd met het Algoritmeregister"), "{html}");
    assert_eq!(sync_state(&app, woz).await, "ingetrokken");

    let reg = standin.register.lock().unwrap();
    assert!(
        reg.log.iter().any(|(m, p)| m == "DELETE" && p.ends_with(&format!("/published-algorithms/{lars}/retract")))
    );
    assert_eq!(reg.violations, Vec::<String>::new(), "every request followed the OpenAPI contract");
}

#[tokio::test]
async fn the_token_endpoint_refuses_a_wrong_secret_or_grant_and_a_missing_secret_sends_nothing() {
    let window = Duration::from_secs(2);
    let config = WebConfig {
        register_rate_window: window,
        register_client_secret: Some("niet-het-geheim".into()),
        ..Default::default()
    };
    let app = demo_app(config).await;
    let standin = StandIn::start("gm9999", window).await;
    let c = as_demo(&app, "ciso").await;
    let woz = app_id(&app, "Waarderen WOZ-objecten").await;
    connect(&app, &c, &standin, standin::CLIENT, "client_credentials").await;
    let r = app.post(&c, &format!("/register/{woz}/publicatie/versturen"), &[]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Inloggen bij het Algoritmeregister lukte niet: Invalid client or Invalid client credentials"),
        "{html}"
    );
    // The public client has no service account: client credentials are refused.
    sqlx::query("update register_connection set client_id = $1")
        .bind(standin::PUBLIC_CLIENT)
        .execute(&app.pool)
        .await
        .unwrap();
    let r = app.post(&c, &format!("/register/{woz}/publicatie/versturen"), &[]).await;
    assert!(r.text().await.unwrap().contains("Client not enabled to retrieve service account"));
    {
        let reg = standin.register.lock().unwrap();
        assert!(reg.grants.is_empty() && reg.algorithms.is_empty());
        assert!(reg.log.iter().all(|(_, p)| p.ends_with("/token")), "only token requests: {:?}", reg.log);
    }
    let state = sync_state(&app, woz).await;
    assert_eq!(state, "fout", "the refusal is kept as the sync state's error");

    // No secret on the server: said so, and nothing leaves this machine.
    let bare = demo_app(WebConfig { register_rate_window: window, ..Default::default() }).await;
    let other = StandIn::start("gm9999", window).await;
    let c = as_demo(&bare, "ciso").await;
    connect(&bare, &c, &other, standin::CLIENT, "client_credentials").await;
    let page = bare.get(&c, "/publicatie/koppeling").await.text().await.unwrap();
    assert!(page.contains("het staat er nu nog niet"));
    let woz = app_id(&bare, "Waarderen WOZ-objecten").await;
    let r = bare.post(&c, &format!("/register/{woz}/publicatie/versturen"), &[]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Er is geen clientgeheim voor het Algoritmeregister"));
    assert!(other.register.lock().unwrap().log.is_empty());
}
