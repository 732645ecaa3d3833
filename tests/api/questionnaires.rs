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

/// The form fields of a part as a browser would post them back, with every unanswered radio and select set
/// to its first option (texts and checked boxes kept as they are).
fn filled(page: &str) -> Vec<(String, String)> {
    let form = &page[page.find("<form method=\"post\" action=\"/register/").unwrap_or(0)..];
    let form = &form[..form.find("</form>").unwrap_or(form.len())];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let m = format!("{name}=\"");
        tag.find(&m).map(|i| tag[i + m.len()..].split('"').next().unwrap_or("").to_string())
    };
    let mut out: Vec<(String, String)> = Vec::new();
    let mut radios: Vec<(String, String, bool)> = Vec::new();
    for tag in form.split('<').skip(1) {
        let Some(name) = attr(tag, "name") else { continue };
        if !name.starts_with("q.") && name != "version" && name != "deel" {
            continue;
        }
        if tag.starts_with("input") {
            match attr(tag, "type").as_deref() {
                Some("radio") => radios.push((name, attr(tag, "value").unwrap_or_default(), tag.contains(" checked"))),
                Some("checkbox") if tag.contains(" checked") => {
                    out.push((name, attr(tag, "value").unwrap_or_default()))
                }
                Some("checkbox") => {}
                _ => out.push((name, attr(tag, "value").unwrap_or_default())),
            }
        } else if tag.starts_with("select") {
            let rest = &form[form.find(&format!("name=\"{name}\"")).unwrap()..];
            let selected =
                rest.split("<option").skip(1).take_while(|o| !o.contains("</select")).find(|o| o.contains(" selected"));
            let first = rest.split("<option value=\"").nth(2).map(|o| o.split('"').next().unwrap_or("").to_string());
            let v = selected.and_then(|o| attr(o, "value")).or(first).unwrap_or_default();
            out.push((name, v));
        } else if tag.starts_with("textarea") {
            let text = tag.split_once('>').map(|(_, t)| t).unwrap_or("");
            out.push((name, text.replace("&#38;", "&")));
        }
    }
    let mut names: Vec<&str> = radios.iter().map(|(n, _, _)| n.as_str()).collect();
    names.dedup();
    for n in names {
        let group: Vec<&(String, String, bool)> = radios.iter().filter(|(m, _, _)| m == n).collect();
        let pick = group.iter().find(|(_, _, c)| *c).unwrap_or(&group[0]);
        out.push((n.to_string(), pick.1.clone()));
    }
    out
}

/// Answer every choice question of every part (twice per part, so follow-up questions are reached).
async fn answer_everything(app: &TestApp, c: &reqwest::Client, path: &str, parts: usize) {
    for part in 0..parts {
        for _ in 0..2 {
            let page = app.get(c, &format!("{path}?deel={part}")).await.text().await.unwrap();
            let mut fields = filled(&page);
            fields.push(("actie".into(), "opslaan".into()));
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let r = app.post(c, path, &refs).await;
            assert_eq!(r.status(), 303, "part {part}: {}", r.text().await.unwrap_or_default());
        }
    }
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
    assert!(page.contains("DPIA: verplicht") && page.contains("<li>er sprake is van nieuwe wet- of regelgeving</li>"));

    // A stale save (the old version) is a conflict; the input comes back.
    let r = app.post(&c, &path, &[("version", &v), ("deel", "0"), ("q.0.2", "Mijn versie")]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains(">Mijn versie</textarea>"));

    // Completing with choice questions open is refused, saying which; the answers are kept.
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
    let page = app.get(&c, &location(&r)).await.text().await.unwrap();
    assert!(
        page.contains("Afronden kan nog niet: beantwoord eerst de keuzevragen") && page.contains("(deel 2)"),
        "listed by part"
    );
    let status: String = sqlx::query_scalar("select status from questionnaire where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "in_uitvoering");

    // Answered throughout, it completes the assessment with the verdict, and the gate now asks for a DPIA.
    let n = parts(&app, &c, &path).await;
    answer_everything(&app, &c, &path, n).await;
    let v = version(&app, &c, &path).await;
    let page = app.get(&c, &format!("{path}?deel=0")).await.text().await.unwrap();
    let mut fields = filled(&page);
    fields.retain(|(k, _)| k != "version");
    fields.push(("version".into(), v));
    fields.push(("actie".into(), "afronden".into()));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.post(&c, &path, &refs).await;
    assert_eq!(r.status(), 303);
    let (status, outcome): (String, String) =
        sqlx::query_as("select status, outcome from assessment where application_id = $1 and kind = 'prescan_dpia'")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "afgerond");
    assert!(
        outcome.starts_with("DPIA: verplicht (criteria: er sprake is van nieuwe wet- of regelgeving")
            && outcome.contains("DTIA: niet nodig"),
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
        .find(|n| {
            n.starts_with("q.")
                && page.contains(&format!(
                    "<textarea class=\"utrecht-textarea utrecht-textarea--html-textarea\" id=\"v-{}\"",
                    &n[2..]
                ))
        })
        .expect("a text question in part 2")
        .to_string();
    let r = app
        .post(&ciso, &dpia, &[("version", &v), ("deel", "1"), (&name, "Door de CISO ingevuld"), ("actie", "opslaan")])
        .await;
    assert_eq!(r.status(), 303);
    // Starting the DPIA again goes to the one in progress instead of a second one.
    let r = app.post(&c, &format!("/register/{id}/vragenlijsten/dpia/start"), &[]).await;
    assert_eq!(location(&r), dpia);
    let n = parts(&app, &ciso, &dpia).await;
    answer_everything(&app, &ciso, &dpia, n).await;
    let v = version(&app, &ciso, &dpia).await;
    let r = app.post(&ciso, &dpia, &[("version", &v), ("deel", "0"), ("actie", "afronden")]).await;
    assert_eq!(r.status(), 303);
    let status: String =
        sqlx::query_scalar("select status from questionnaire where kind = 'dpia'").fetch_one(&app.pool).await.unwrap();
    assert_eq!(status, "afgerond");
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

/// How many parts a questionnaire has (the links in its table of contents, plus the current one).
async fn parts(app: &TestApp, c: &reqwest::Client, path: &str) -> usize {
    let page = app.get(c, path).await.text().await.unwrap();
    page.matches("?deel=").count() + 1
}

#[tokio::test]
async fn repeatable_parts_take_more_than_one_entry() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let pl = app.user("pl@testdam.example", org, &[Role::Medewerker, Role::Projectleider]).await;
    let c = app.logged_in("pl@testdam.example").await;
    let r = app.post(&c, "/register", &complete("Zaaksysteem", &pl.to_string(), &[])).await;
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    let dpia = location(&app.post(&c, &format!("/register/{id}/vragenlijsten/dpia/start"), &[]).await);
    // Part 3 ("Persoonsgegevens", group 2.1 is repeatable): one entry, then "Nog een toevoegen".
    let page = app.get(&c, &format!("{dpia}?deel=2")).await.text().await.unwrap();
    assert!(
        page.contains("name=\"q.2.1.1\"") && page.contains("value=\"toevoegen:2.1\""),
        "repeatable group 2.1 on part 3"
    );
    let v = field(&page, "version");
    let r = app
        .post(&c, &dpia, &[("version", &v), ("deel", "2"), ("q.2.1.1", "NAW-gegevens"), ("actie", "toevoegen:2.1")])
        .await;
    assert_eq!(r.status(), 303);
    let page = app.get(&c, &format!("{dpia}?deel=2")).await.text().await.unwrap();
    assert!(page.contains("name=\"q.2.1.1@2\""), "a second entry");
    let v = field(&page, "version");
    let r = app
        .post(
            &c,
            &dpia,
            &[("version", &v), ("deel", "2"), ("q.2.1.1", "NAW-gegevens"), ("q.2.1.1@2", "BSN"), ("actie", "opslaan")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let answers: serde_json::Value =
        sqlx::query_scalar("select answers from questionnaire").fetch_one(&app.pool).await.unwrap();
    assert_eq!(answers["2.1.1"], "NAW-gegevens");
    assert_eq!(answers["2.1.1@2"], "BSN");
    assert_eq!(answers["2.1@count"], 2);
    let print = app.get(&c, &format!("{dpia}/afdrukken")).await.text().await.unwrap();
    assert!(print.contains("NAW-gegevens") && print.contains("BSN"));
}

/// Two saves of the same part at once (two tabs, or two people), from the same version. Whatever the action — a plain save, or
/// "afronden" while choice questions are still open (that path once dropped the locked transaction and wrote
/// the answers outside it, with no version check) — exactly one wins and the other is told; the stored
/// answers are the winner's.
#[tokio::test]
async fn two_saves_on_the_same_version_cannot_both_win() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let pl = app.user("pl@testdam.example", org, &[Role::Medewerker, Role::Projectleider]).await;
    let a = app.logged_in("pl@testdam.example").await;
    let r = app.post(&a, "/register", &complete("Slimme planner", &pl.to_string(), &[])).await;
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    let path = location(&app.post(&a, &format!("/register/{id}/vragenlijsten/prescan/start"), &[]).await);
    for round in 0..12 {
        let v = version(&app, &a, &path).await;
        let (first, second) = if round % 2 == 0 { ("afronden", "opslaan") } else { ("opslaan", "afronden") };
        let text_a = format!("Planning A{round}");
        let text_b = format!("Planning B{round}");
        let fields_a = [("version", v.as_str()), ("deel", "0"), ("q.0.2", text_a.as_str()), ("actie", first)];
        let fields_b = [("version", v.as_str()), ("deel", "0"), ("q.0.2", text_b.as_str()), ("actie", second)];
        let (ra, rb) = tokio::join!(app.post(&a, &path, &fields_a), app.post(&a, &path, &fields_b));
        let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [303, 409], "round {round}: one save wins, the other is told");
        let winner = if ra.status() == 303 { &text_a } else { &text_b };
        let answers: serde_json::Value =
            sqlx::query_scalar("select answers from questionnaire").fetch_one(&app.pool).await.unwrap();
        assert_eq!(answers["0.2"], winner.as_str(), "round {round}: the stored answer is the winner's");
    }
}

/// Issue 16: the verdict follows the published instrument as the government's tool evaluates it, and the result
/// says where a known slip changes it (children and vulnerable groups weigh 0 there, not 3 + 3).
#[tokio::test]
async fn the_prescan_result_notes_a_slip_of_the_published_instrument_that_changes_the_outcome() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Slipdam", "gm0404").await;
    let pl = app.user("pl@slipdam.example", org, &[Role::Medewerker, Role::Projectleider]).await;
    let c = app.logged_in("pl@slipdam.example").await;
    let r = app.post(&c, "/register", &complete("Jeugdmonitor", &pl.to_string(), &[])).await;
    let id = Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap();
    let path = location(&app.post(&c, &format!("/register/{id}/vragenlijsten/prescan/start"), &[]).await);
    let page = app.get(&c, &format!("{path}?deel=1")).await.text().await.unwrap();
    assert!(page.contains("name=\"q.1.4.1\""), "1.4.1 is in part 1");
    let v = version(&app, &c, &path).await;
    let r = app
        .post(
            &c,
            &path,
            &[
                ("version", v.as_str()),
                ("deel", "1"),
                ("q.1.4.1", "Categorie betrokkenen: Kinderen jonger dan 16 jaar"),
                ("q.1.4.1", "Categorie betrokkenen: Andere kwetsbare groepen (gehandicapten, minderheden, etc.)"),
                ("q.1.5.1", "true"),
                ("q.1.5.3", "Continu"),
                ("q.1.5.4", "Aantal jaren"),
                ("actie", "opslaan"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = app.get(&c, &format!("{path}?deel=1")).await.text().await.unwrap();
    assert!(!page.contains("DPIA: verplicht"), "the official sum is 3, not above four");
    assert!(
        page.contains("<em>Let op:</em> Vraag 1.4.1: de gekozen antwoorden tellen in de officiële Pre-scan niet mee")
    );
    assert!(page.contains("Met de bedoelde weging zou de uitkomst voor de DPIA anders zijn."));
}
