//! Filling in the government questionnaires: a pre-scan whose verdict drives the DPIA gate, conditional
//! questions, wrong input and stale saves, completion into the assessment record, several contributors,
//! the print view, and access.

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::register::complete;

fn field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("{name} on the page")) + marker.len();
    page[start..start + page[start..].find('"').unwrap()].to_string()
}

async fn version(app: &TestApp, c: &reqwest::Client, path: &str) -> String {
    field(&app.get(c, path).await.text().await.unwrap(), "version")
}

#[tokio::test]
async fn a_prescan_that_requires_a_dpia_is_completed_and_the_dpia_follows() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let pl = app.user("pl@testdam.example", org, &[Role::Medewerker, Role::Projectleider]).await;
    app.user("ciso@testdam.example", org, &[Role::Medewerker, Role::Ciso]).await;
    app.user("mw@testdam.example", org, &[Role::Medewerker]).await;
    let c = app.logged_in("pl@testdam.example").await;
    let pl_s = pl.to_string();
    let r = app.post(&c, "/register", &complete("Slimme planner", &pl_s, &[])).await;
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();

    // Someone without rights on the registration can neither start nor read a questionnaire.
    let mw = app.logged_in("mw@testdam.example").await;
    assert_eq!(app.post(&mw, &format!("/register/{id}/vragenlijsten/prescan/start"), &[]).await.status(), 403);

    let r = app.post(&c, &format!("/register/{id}/vragenlijsten/prescan/start"), &[]).await;
    assert_eq!(r.status(), 303);
    let path = location(&r);
    assert_eq!(app.get(&mw, &path).await.status(), 403);
    let page = app.get(&c, &path).await.text().await.unwrap();
    assert!(
        page.contains("Pre-scan DPIA")
            && page.contains("versie 2.0")
            && page.contains("Betreft de scope nieuwe wet- of regelgeving?")
    );
    assert!(!page.contains("Selecteer een of meer van onderstaande opties"), "0.5.2 is hidden until 0.5.1 is yes");

    // An answer that is not an option: 422, nothing saved.
    let v = version(&app, &c, &path).await;
    let r = app
        .post(
            &c,
            &path,
            &[("version", &v), ("deel", "0"), ("q.0.1", "misschien"), ("q.0.2", "Planning van inspecties")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Kies een van de opties.") && body.contains(">Planning van inspecties</textarea>"));

    // New legislation, and cloud use: saved; the dependent cloud question appears.
    let r = app
        .post(
            &c,
            &path,
            &[
                ("version", &v),
                ("deel", "0"),
                ("q.0.1", "true"),
                ("q.0.2", "Planning van inspecties"),
                ("q.0.5.1", "true"),
                ("actie", "opslaan"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = app.get(&c, &format!("{path}?deel=0")).await.text().await.unwrap();
    assert!(page.contains("Selecteer een of meer van onderstaande opties"));
    assert!(page.contains("DPIA: verplicht") && page.contains("omdat er sprake is van nieuwe wet- of regelgeving"));

    // A stale save (the old version) is a conflict; the input comes back.
    let r = app.post(&c, &path, &[("version", &v), ("deel", "0"), ("q.0.2", "Mijn versie")]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains(">Mijn versie</textarea>"));

    // Completing it completes the assessment with the verdict, and the gate now asks for a DPIA.
    let v = version(&app, &c, &path).await;
    let r = app
        .post(
            &c,
            &path,
            &[
                ("version", &v),
                ("deel", "0"),
                ("q.0.1", "true"),
                ("q.0.2", "Planning van inspecties"),
                ("q.0.5.1", "false"),
                ("actie", "afronden"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (status, outcome): (String, String) =
        sqlx::query_as("select status, outcome from assessment where application_id = $1 and kind = 'prescan_dpia'")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "afgerond");
    assert!(
        outcome.starts_with("DPIA: verplicht (er sprake is van nieuwe wet- of regelgeving). DTIA: niet nodig"),
        "{outcome}"
    );
    let review = app.get(&c, &format!("/register/{id}/beoordeling")).await.text().await.unwrap();
    assert!(
        review.contains("een afgeronde DPIA (verplicht omdat de Pre-scan DPIA uitwijst dat een DPIA verplicht is)")
    );
    let print = app.get(&c, &format!("{path}/afdrukken")).await.text().await.unwrap();
    assert!(print.contains("Status: Afgerond") || print.contains("status: Afgerond"));
    assert!(
        print.contains("Betreft de scope nieuwe wet- of regelgeving?") && print.contains("Planning van inspecties")
    );

    // The DPIA is filled in by two people: the project leader starts, the CISO adds and completes.
    let r = app.post(&c, &format!("/register/{id}/vragenlijsten/dpia/start"), &[]).await;
    let dpia = location(&r);
    let ciso = app.logged_in("ciso@testdam.example").await;
    let page = app.get(&ciso, &format!("{dpia}?deel=1")).await.text().await.unwrap();
    let v = field(&page, "version");
    let name = page
        .split("name=\"")
        .filter_map(|s| s.split('"').next())
        .find(|n| n.starts_with("q."))
        .expect("a question in part 2")
        .to_string();
    let r = app
        .post(&ciso, &dpia, &[("version", &v), ("deel", "1"), (&name, "Door de CISO ingevuld"), ("actie", "afronden")])
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let by: String = sqlx::query_scalar(
        "select u.name from questionnaire q join app_user u on u.user_id = q.updated_by where q.kind = 'dpia'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(by, "Naam ciso@testdam.example");
    let review = app.get(&c, &format!("/register/{id}/beoordeling")).await.text().await.unwrap();
    assert!(!review.contains("een afgeronde DPIA (verplicht"), "the completed DPIA satisfies the gate");
    let list = app.get(&c, &format!("/register/{id}/assessments")).await.text().await.unwrap();
    assert!(list.contains("Vragenlijst bekijken") && list.contains("DPIA"));
}
