//! "Mijn taken" on the start page and in the API: each role sees what waits for it, oldest first, with the
//! link where the work is done; what is done leaves the list; four-eyes holds; a user without tasks is told so.

use airegister::auth::roles::Role;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{self, TestApp, location};
use crate::register::complete;
use crate::rest::{api_get, token};

const MW: &str = "mw@takendam.example";
const CISO: &str = "ciso@takendam.example";
const CISO2: &str = "ciso2@takendam.example";
const FG: &str = "fg@takendam.example";
const DIR: &str = "dir@takendam.example";
const NIEMAND: &str = "niemand@takendam.example";

struct World {
    app: TestApp,
    org: Uuid,
    mw: Uuid,
    ciso: Uuid,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Takendam", "gm0202").await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    let ciso = app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    app.user(CISO2, org, &[Role::Medewerker, Role::Ciso]).await;
    app.user(FG, org, &[Role::Medewerker, Role::Fg]).await;
    app.user(DIR, org, &[Role::Medewerker, Role::Directie]).await;
    app.user(NIEMAND, org, &[Role::Medewerker]).await;
    World { app, org, mw, ciso }
}

/// Register through the form (and submit unless `submit` is false).
async fn register(app: &TestApp, c: &reqwest::Client, fields: &[(&str, &str)], submit: bool) -> Uuid {
    let mut f = fields.to_vec();
    if submit {
        f.push(("actie", "indienen"));
    }
    let r = app.post(c, "/register", &f).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap()
}

/// Moves a moment into the past, so the order of the list is known.
async fn days_ago(app: &TestApp, sql: &str, id: Uuid, days: i32) {
    sqlx::query(sql).bind(id).bind(days).execute(&app.pool).await.unwrap();
}

const SUBMITTED: &str =
    "update application set submitted_at = now() - make_interval(days => $2) where application_id = $1";

/// The "Mijn taken" section of the start page.
async fn my_tasks(app: &TestApp, c: &reqwest::Client) -> String {
    let r = app.get(c, "/").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let start = html.find("id=\"kop-taken\"").expect("a Mijn taken section");
    let end = html[start..].find("</section>").unwrap() + start;
    html[start..end].to_string()
}

/// The position of each needle in the text (panics when one is missing), to compare orders.
fn positions(text: &str, needles: &[&str]) -> Vec<usize> {
    needles.iter().map(|n| text.find(n).unwrap_or_else(|| panic!("{n} in {text}"))).collect()
}

/// A review action's answer status (`helpers::act`).
async fn act(app: &TestApp, c: &reqwest::Client, id: Uuid, action: &str, fields: &[(&str, &str)]) -> u16 {
    helpers::act(app, c, id, action, fields).await.status().as_u16()
}

#[tokio::test]
async fn each_role_sees_its_tasks_oldest_first_and_done_work_leaves_the_list() {
    let w = world().await;
    let app = &w.app;
    let (mw_s, ciso_s) = (w.mw.to_string(), w.ciso.to_string());
    let mw = app.logged_in(MW).await;
    let ciso = app.logged_in(CISO).await;

    // Three submissions of the employee (the newest submitted first, to prove the list sorts), one of the CISO's
    // own, and a draft.
    let newer = register(app, &mw, &complete("Samenvatter", &mw_s, &[]), true).await;
    let older = register(app, &mw, &complete("Vertaaltool", &mw_s, &[]), true).await;
    let middle = register(app, &mw, &complete("Notulist", &mw_s, &[]), true).await;
    let own = register(app, &ciso, &complete("Beveiligingsscanner", &ciso_s, &[]), true).await;
    let draft =
        register(app, &mw, &[("name", "Halve registratie"), ("description_short", "Nog niet af.")], false).await;
    days_ago(app, SUBMITTED, older, 9).await;
    days_ago(app, SUBMITTED, middle, 5).await;
    days_ago(app, SUBMITTED, newer, 2).await;
    // "Notulist" turns out to process personal data (so the own risk level is high): the FG and the directie have
    // work.
    sqlx::query("update application set personal_data = true, risk_level_derived = 'hoog' where application_id = $1")
        .bind(middle)
        .execute(&app.pool)
        .await
        .unwrap();

    // The CISO: the three to review, oldest first, each a link to its review page; not the own one (four-eyes).
    let list = my_tasks(app, &ciso).await;
    assert!(list.contains("Registraties beoordelen (3)"), "{list}");
    let links: Vec<String> =
        [older, middle, newer].iter().map(|id| format!("href=\"/register/{id}/beoordeling\"")).collect();
    let p = positions(&list, &links.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(p[0] < p[1] && p[1] < p[2], "oldest first: {list}");
    assert!(list.contains("Vertaaltool") && !list.contains("Beveiligingsscanner"), "{list}");
    // The other CISO decides the own one.
    let list2 = my_tasks(app, &app.logged_in(CISO2).await).await;
    assert!(list2.contains("Registraties beoordelen (4)") && list2.contains(&format!("/register/{own}/beoordeling")));

    // The FG: advice asked for the one with personal data, until it is given.
    let fg = app.logged_in(FG).await;
    let list = my_tasks(app, &fg).await;
    assert!(list.contains("Advies geven (1)") && list.contains(&format!("/register/{middle}/beoordeling#kop-advies")));
    let advice = [("advies", "positief"), ("advies_toelichting", "Verwerkersovereenkomst is in orde.")];
    assert_eq!(act(app, &fg, middle, "advies", &advice).await, 303);
    assert!(my_tasks(app, &fg).await.contains("Er wacht nu niets op u."));

    // The directie: consent for the high-risk one, until it is given.
    let dir = app.logged_in(DIR).await;
    let list = my_tasks(app, &dir).await;
    assert!(
        list.contains("Toestemming geven (1)")
            && list.contains(&format!("/register/{middle}/beoordeling#kop-toestemming"))
    );
    assert_eq!(act(app, &dir, middle, "toestemming", &[("toestemming", "ja")]).await, 303);
    assert!(my_tasks(app, &dir).await.contains("Er wacht nu niets op u."));

    // The employee: the draft to complete; after the CISO sends one back with questions, that one too.
    let list = my_tasks(app, &mw).await;
    assert!(
        list.contains("Registraties aanvullen (1)") && list.contains(&format!("/register/{draft}/bewerken")),
        "{list}"
    );
    let back = [("beslissing", "teruggestuurd"), ("toelichting", "Welke afdelingen gaan dit gebruiken?")];
    assert_eq!(act(app, &ciso, older, "besluit", &back).await, 303);
    let list = my_tasks(app, &mw).await;
    assert!(
        list.contains("Registraties aanvullen (2)") && list.contains("Teruggestuurd met vragen van de CISO"),
        "{list}"
    );
    assert!(list.contains(&format!("/register/{older}/beoordeling#kop-besluiten")));
    assert!(!my_tasks(app, &ciso).await.contains("Vertaaltool"), "returned: no longer the CISO's");
    // Each of the three is enough: who created it, who submitted it, who owns it.
    for (by, other) in [("created_by", "submitted_by, owner_id"), ("submitted_by", "created_by, owner_id")] {
        let keep = format!("select {other}, {by} from application where application_id = $1");
        let kept: (Option<Uuid>, Option<Uuid>, Option<Uuid>) =
            sqlx::query_as(&keep).bind(older).fetch_one(&app.pool).await.unwrap();
        let only = format!("update application set ({other}) = (null, null), {by} = $2 where application_id = $1");
        let mw_id = kept.2.or(kept.0).or(kept.1).expect("someone registered it");
        sqlx::query(&only).bind(older).bind(mw_id).execute(&app.pool).await.unwrap();
        let list = my_tasks(app, &mw).await;
        assert!(list.contains(&format!("/register/{older}/beoordeling#kop-besluiten")), "{by}: {list}");
        let back = format!("update application set ({other}) = ($2, $3) where application_id = $1");
        sqlx::query(&back).bind(older).bind(kept.0).bind(kept.1).execute(&app.pool).await.unwrap();
    }

    // Approved under conditions due in 20 days, with the evaluation overdue: the owner and the CISO see the
    // evaluation, the owner the conditions.
    let due = (airegister::web::today() + time::Duration::days(20)).to_string();
    let approve = [
        ("beslissing", "goedgekeurd_onder_voorwaarden"),
        ("toelichting", "- Alleen openbare teksten\n- Na drie maanden evalueren"),
        ("voorwaarden_termijn", due.as_str()),
    ];
    assert_eq!(act(app, &ciso, newer, "besluit", &approve).await, 303);
    // Conditions typed as "- " lines are a bulleted list wherever they are shown (issue 18).
    for path in [format!("/register/{newer}/beoordeling"), "/toegestane-tools".to_string()] {
        let html = app.get(&mw, &path).await.text().await.unwrap();
        assert!(html.contains("<li>Alleen openbare teksten</li><li>Na drie maanden evalueren</li>"), "{path}: {html}");
    }
    sqlx::query("update application set next_evaluation = current_date - 3 where application_id = $1")
        .bind(newer)
        .execute(&app.pool)
        .await
        .unwrap();
    let list = my_tasks(app, &mw).await;
    assert!(list.contains("Voorwaarden nakomen (1)") && list.contains("Evaluaties uitvoeren (1)"), "{list}");
    assert!(
        list.contains("Verlopen: was uiterlijk") && list.contains(&format!("/register/{newer}/beoordeling#evaluatie"))
    );
    let list = my_tasks(app, &ciso).await;
    assert!(list.contains("Evaluaties uitvoeren (1)") && !list.contains("Voorwaarden nakomen"), "{list}");

    // Someone with nothing to do is told so, and still gets the button to ask for a tool.
    let home = app.get(&app.logged_in(NIEMAND).await, "/").await.text().await.unwrap();
    assert!(home.contains("Er wacht nu niets op u.") && home.contains("href=\"/aanvragen/nieuw\""));
}

#[tokio::test]
async fn the_api_lists_the_tokens_users_tasks() {
    let w = world().await;
    let app = &w.app;
    let mw_s = w.mw.to_string();
    let mw = app.logged_in(MW).await;
    let first = register(app, &mw, &complete("Vertaaltool", &mw_s, &[]), true).await;
    let second = register(app, &mw, &complete("Samenvatter", &mw_s, &[]), true).await;
    days_ago(app, SUBMITTED, first, 4).await;
    days_ago(app, SUBMITTED, second, 1).await;

    let t = token(app, w.ciso, w.org, false).await;
    let r = api_get(app, &t, "/tasks").await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["total"], 2, "{body}");
    let tasks = body["tasks"].as_array().unwrap();
    assert_eq!(tasks[0]["link"], format!("/register/{first}/beoordeling"));
    assert_eq!(tasks[1]["title"], "Samenvatter");
    assert_eq!(tasks[0]["kind"], "Registraties beoordelen");
    assert!(tasks[0]["since"].as_str().unwrap() < tasks[1]["since"].as_str().unwrap());

    // The employee has none of these; without a token, 401.
    let t = token(app, w.mw, w.org, false).await;
    let body: Value = api_get(app, &t, "/tasks").await.json().await.unwrap();
    assert_eq!(body["total"], 0, "{body}");
    assert_eq!(api_get(app, "air_onzin", "/tasks").await.status(), 401);
}

#[tokio::test]
async fn the_login_page_links_the_public_register() {
    let app = TestApp::spawn().await;
    let html = app.get(&app.client(), "/inloggen").await.text().await.unwrap();
    assert!(html.contains("<a class=\"utrecht-link\" href=\"/openbaar\">Openbaar algoritmeregister</a>"), "{html}");
}
