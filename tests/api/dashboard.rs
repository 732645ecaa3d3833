//! Overzicht (the dashboard) and the register filters it links to: every number on the dashboard is the count
//! of the register list its link opens, and the new filters select what they say.

use std::collections::{BTreeMap, BTreeSet};

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::register::complete;
use crate::rest::listed_ids;

const PL: &str = "pl@testdam.example";
const CISO: &str = "ciso@testdam.example";

struct Data {
    app: TestApp,
    ciso: reqwest::Client,
    /// Registration name → id.
    ids: BTreeMap<&'static str, Uuid>,
}

impl Data {
    fn names(&self, ids: &[Uuid]) -> BTreeSet<&'static str> {
        ids.iter()
            .map(|id| *self.ids.iter().find(|(_, v)| *v == id).unwrap_or_else(|| panic!("unknown registration {id}")).0)
            .collect()
    }
}

async fn register(app: &TestApp, c: &reqwest::Client, fields: &[(&str, &str)]) -> Uuid {
    let r = app.post(c, "/register", fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    Uuid::parse_str(location(&r).trim_start_matches("/register/")).unwrap()
}

/// Move a registration along by SQL (the workflow itself is tested in workflow.rs): status, next evaluation
/// (days from today, or none) and the AI Act risk group.
async fn set(app: &TestApp, id: Uuid, status: &str, evaluation_in_days: Option<i32>, ai_act: Option<&str>) {
    sqlx::query(
        "update application set workflow_status = $2, submitted_at = case when $2 = 'concept' then submitted_at
                else coalesce(submitted_at, now()) end,
                next_evaluation = current_date + $3::int, ai_act_risk_group = $4
          where application_id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(evaluation_in_days)
    .bind(ai_act)
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn created_months_ago(app: &TestApp, id: Uuid, months: i32) {
    sqlx::query("update application set created_at = now() - make_interval(months => $2) where application_id = $1")
        .bind(id)
        .bind(months)
        .execute(&app.pool)
        .await
        .unwrap();
}

async fn incident(app: &TestApp, id: Uuid, severity: &str, status: &str) {
    sqlx::query(
        "insert into incident (incident_id, organisation_id, application_id, kind, severity, description, status)
         select gen_random_uuid(), organisation_id, application_id, 'onjuiste_uitvoer', $2,
                'De tool gaf een verkeerd antwoord in een brief.', $3
           from application where application_id = $1",
    )
    .bind(id)
    .bind(severity)
    .bind(status)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// `status` "afgerond" is completed and confirmed; "ter_bevestiging" completed and waiting for confirmation.
async fn assessment(app: &TestApp, id: Uuid, kind: &str, status: &str) {
    sqlx::query(
        "insert into assessment (assessment_id, application_id, kind, status, completed_on, outcome, confirmation,
                                 confirmed_at)
         select gen_random_uuid(), $1, $2, case when done then 'afgerond' else $3 end,
                case when done then current_date end, case when done then 'Risico''s zijn beperkt.' end,
                case when $3 = 'afgerond' then 'bevestigd' when done then 'ter_bevestiging' end,
                case when $3 = 'afgerond' then now() end
           from (select $3 in ('afgerond', 'ter_bevestiging') as done) d",
    )
    .bind(id)
    .bind(kind)
    .bind(status)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// A small register with something in every figure of the dashboard (and an organisation next door whose
/// registrations must not count):
///
/// | name | status | risk | evaluation | AI Act | incidents (open) | assessment | registered |
/// |---|---|---|---|---|---|---|---|
/// | Notulist | concept | | | | | | this month |
/// | Samenvatter | ingediend | middel | none | | | | this month |
/// | Chatbot | in gebruik | hoog (personal data) | yesterday | | hoog (+ kritiek closed) | DPIA needed, none | this month |
/// | Beeldgenerator | goedgekeurd | middel | in 30 days | | | IAMA (extern), done | this month |
/// | Code-assistent | goedgekeurd o.v. | laag | in 31 days | hoog-risico | laag + kritiek | IAMA needed, DPIA not | this month |
/// | Vertaaldienst | afgewezen | middel | none | | | | this month |
/// | Transcriptie | in beoordeling | hoog (special) | none | | | DPIA done (+ IAMA begun) | 3 months ago |
/// | Oude tool | buiten gebruik | middel | 100 days ago | | | | 13 months ago |
/// | Planning | concept | | | geen hoog-risico | | | 1 month ago |
async fn data() -> Data {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let pl = app.user(PL, org, &[Role::Medewerker, Role::Projectleider]).await.to_string();
    app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    let c = app.logged_in(PL).await;
    let mut ids = BTreeMap::new();
    let draft =
        |name: &'static str| vec![("name", name), ("description_short", "Nog in te vullen."), ("checked_name", name)];

    let a = register(&app, &c, &draft("Notulist")).await;
    ids.insert("Notulist", a);

    let mut f = complete("Samenvatter", &pl, &[]);
    f.push(("actie", "indienen"));
    let b = register(&app, &c, &f).await;
    ids.insert("Samenvatter", b);

    let personal =
        [("personal_data", "ja"), ("special_categories", "nee"), ("dc_persoonsgegevens", "onder_voorwaarden")];
    let chatbot = register(&app, &c, &complete("Chatbot", &pl, &personal)).await;
    set(&app, chatbot, "in_gebruik", Some(-1), None).await;
    incident(&app, chatbot, "hoog", "gemeld").await;
    incident(&app, chatbot, "kritiek", "afgehandeld").await;
    ids.insert("Chatbot", chatbot);

    let beeld = register(&app, &c, &complete("Beeldgenerator", &pl, &[("interaction", "extern")])).await;
    set(&app, beeld, "goedgekeurd", Some(30), None).await;
    assessment(&app, beeld, "iama", "afgerond").await;
    ids.insert("Beeldgenerator", beeld);

    let code = register(&app, &c, &complete("Code-assistent", &pl, &[("dc_intern", "verboden")])).await;
    set(&app, code, "goedgekeurd_onder_voorwaarden", Some(31), Some("hoog-risico AI")).await;
    incident(&app, code, "laag", "in_behandeling").await;
    incident(&app, code, "kritiek", "gemeld").await;
    assessment(&app, code, "dpia", "afgerond").await;
    ids.insert("Code-assistent", code);

    let vertaal = register(&app, &c, &complete("Vertaaldienst", &pl, &[])).await;
    set(&app, vertaal, "afgewezen", None, None).await;
    ids.insert("Vertaaldienst", vertaal);

    let special = [
        ("personal_data", "ja"),
        ("special_categories", "ja"),
        ("dc_persoonsgegevens", "onder_voorwaarden"),
        ("dc_bijzondere", "onder_voorwaarden"),
    ];
    let trans = register(&app, &c, &complete("Transcriptie", &pl, &special)).await;
    set(&app, trans, "in_beoordeling", None, None).await;
    assessment(&app, trans, "dpia", "afgerond").await;
    assessment(&app, trans, "iama", "in_uitvoering").await;
    created_months_ago(&app, trans, 3).await;
    ids.insert("Transcriptie", trans);

    let oud = register(&app, &c, &complete("Oude tool", &pl, &[])).await;
    set(&app, oud, "buiten_gebruik", Some(-100), None).await;
    created_months_ago(&app, oud, 13).await;
    ids.insert("Oude tool", oud);

    let plan = register(&app, &c, &draft("Planning")).await;
    set(&app, plan, "concept", None, Some("geen hoog-risico AI")).await;
    created_months_ago(&app, plan, 1).await;
    ids.insert("Planning", plan);

    // Next door: everything that could leak into the counts.
    let other = app.org("Gemeente Anderdam", "gm0202").await;
    let npl = app.user("pl@anderdam.example", other, &[Role::Medewerker, Role::Projectleider]).await.to_string();
    let nc = app.logged_in("pl@anderdam.example").await;
    let n = register(&app, &nc, &complete("Buurtool", &npl, &personal)).await;
    set(&app, n, "in_gebruik", Some(-5), Some("hoog-risico AI")).await;
    incident(&app, n, "kritiek", "gemeld").await;
    let n2 = register(&app, &nc, &complete("Buurtool 2", &npl, &[("interaction", "extern")])).await;
    set(&app, n2, "goedgekeurd", Some(10), None).await;
    assessment(&app, n2, "iama", "afgerond").await;

    let ciso = app.logged_in(CISO).await;
    Data { app, ciso, ids }
}

/// "12 toepassingen gevonden" / "1 toepassing gevonden" on a register page.
fn found(html: &str) -> i64 {
    if html.contains(">1 toepassing gevonden") {
        return 1;
    }
    let end = html.find(" toepassingen gevonden").expect("the register page says how many it found");
    let start = html[..end].rfind('>').unwrap() + 1;
    html[start..end].trim().parse().unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&").replace("&#x2f;", "/").replace("&#43;", "+").replace("&#61;", "=")
}

fn number_after(s: &str, marker: &str) -> i64 {
    let start = s.find(marker).unwrap_or_else(|| panic!("{marker} in {s}")) + marker.len();
    let end = start + s[start..].find('<').unwrap();
    s[start..end].trim().parse().unwrap_or_else(|_| panic!("a number after {marker}: {}", &s[start..end]))
}

/// Every figure on the dashboard with its link: key figures, table rows and the SVG's bars.
fn figures(html: &str) -> Vec<(String, String, i64)> {
    let mut out = Vec::new();
    for part in html.split("<a class=\"app-key-figure__link\" href=\"").skip(1) {
        let href = unescape(&part[..part.find('"').unwrap()]);
        out.push(("kerncijfer".to_string(), href, number_after(part, "<span class=\"app-key-figure__value\">")));
    }
    for part in
        html.split("<th class=\"utrecht-table__header-cell\" scope=\"row\"><a class=\"utrecht-link\" href=\"").skip(1)
    {
        let href = unescape(&part[..part.find('"').unwrap()]);
        out.push(("tabel".to_string(), href, number_after(part, "numeric-data\">")));
    }
    for part in
        html.split("<a href=\"").skip(1).filter(|p| p[..p.find('>').unwrap()].contains("class=\"app-chart__link\""))
    {
        let href = unescape(&part[..part.find('"').unwrap()]);
        let bar = &part[..part.find("</a>").unwrap()];
        out.push(("grafiek".to_string(), href, number_after(bar, "class=\"app-chart__value\">")));
    }
    out
}

async fn dashboard(app: &TestApp, c: &reqwest::Client) -> String {
    let r = app.get(c, "/overzicht").await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

/// The key property: each number on the dashboard is what the register list behind its link counts.
async fn assert_every_figure_matches_its_list(app: &TestApp, c: &reqwest::Client) -> Vec<(String, String, i64)> {
    let html = dashboard(app, c).await;
    let figs = figures(&html);
    assert_eq!(figs.iter().filter(|f| f.0 == "kerncijfer").count(), 7);
    assert_eq!(figs.iter().filter(|f| f.0 == "tabel").count(), figs.iter().filter(|f| f.0 == "grafiek").count());
    assert!(figs.len() > 40, "{figs:?}");
    // No link to the register is left unchecked.
    let links = html.matches("href=\"/register").count()
        - html.matches("href=\"/register\"").count()
        - html.matches("href=\"/register/").count();
    assert_eq!(links, figs.iter().filter(|f| f.1.contains('?')).count());
    let mut checked: BTreeMap<String, i64> = BTreeMap::new();
    let mut wrong = Vec::new();
    for (kind, href, n) in &figs {
        assert!(href.starts_with("/register"), "{kind} links to {href}");
        let listed = match checked.get(href) {
            Some(v) => *v,
            None => {
                let r = app.get(c, href).await;
                assert_eq!(r.status(), 200, "{href}");
                let v = found(&r.text().await.unwrap());
                checked.insert(href.clone(), v);
                v
            }
        };
        if listed != *n {
            wrong.push(format!("{kind} {href}: dashboard {n}, register {listed}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    figs
}

fn value(figs: &[(String, String, i64)], href: &str) -> i64 {
    let v: Vec<i64> = figs.iter().filter(|f| f.1 == href).map(|f| f.2).collect();
    assert!(!v.is_empty(), "{href} is on the dashboard");
    v[0]
}

#[tokio::test]
async fn every_dashboard_figure_is_the_count_of_the_list_it_links_to() {
    let d = data().await;
    let figs = assert_every_figure_matches_its_list(&d.app, &d.ciso).await;

    // And the figures are the ones the data set was built for (the other organisation does not count).
    for (href, n) in [
        ("/register", 9),
        ("/register?status=concept", 2),
        ("/register?status=ingediend", 1),
        ("/register?status=in_gebruik", 1),
        ("/register?status=buiten_gebruik", 1),
        ("/register?risico=hoog", 2),
        ("/register?ai_act=onbekend", 7),
        ("/register?ai_act=hoog-risico+AI", 1),
        ("/register?ai_act=geen+hoog-risico+AI", 1),
        ("/register?evaluatie=verlopen", 1),
        ("/register?evaluatie=binnenkort", 1),
        ("/register?evaluatie=later", 1),
        // Only approved tools and tools in use are evaluated: the submitted ones without a date do not count.
        ("/register?evaluatie=geen", 0),
        ("/register?toets=dpia_ontbreekt", 1),
        ("/register?toets=dpia_gedaan", 1),
        ("/register?toets=iama_ontbreekt", 1),
        ("/register?toets=iama_gedaan", 1),
        ("/register?incident=open", 2),
        ("/register?incident=kritiek", 1),
        ("/register?incident=hoog", 1),
        ("/register?incident=middel", 0),
        ("/register?incident=laag", 0),
    ] {
        assert_eq!(value(&figs, href), n, "{href}");
    }
    let months: i64 = figs.iter().filter(|f| f.0 == "tabel" && f.1.contains("maand=")).map(|f| f.2).sum();
    assert_eq!(months, 8, "the last twelve months: all but the registration of 13 months ago");
    assert_eq!(figs.iter().filter(|f| f.0 == "tabel" && f.1.contains("maand=")).count(), 12);
}

/// The demo organisation, and its CISO signed in.
async fn demo_ciso() -> (TestApp, reqwest::Client) {
    let app = TestApp::spawn().await;
    airegister::demo::load(&app.pool, "demo-wachtwoord-2026").await.unwrap();
    let c = app.client();
    assert_eq!(app.login(&c, "ciso@demo.example", "demo-wachtwoord-2026").await.status(), 303);
    (app, c)
}

#[tokio::test]
async fn the_demo_register_passes_the_same_check() {
    let (app, c) = demo_ciso().await;
    let figs = assert_every_figure_matches_its_list(&app, &c).await;
    assert_eq!(value(&figs, "/register"), 16);
    assert!(value(&figs, "/register?incident=open") >= 1 && value(&figs, "/register?evaluatie=verlopen") >= 1);
}

#[tokio::test]
async fn the_dashboard_draws_accessible_charts_for_the_roles_it_is_for() {
    let d = data().await;
    let app = &d.app;
    let org: uuid::Uuid = sqlx::query_scalar("select organisation_id from organisation where code = 'gm0101'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app.user("mw@testdam.example", org, &[Role::Medewerker]).await;
    app.user("fg@testdam.example", org, &[Role::Medewerker, Role::Fg]).await;
    app.user("dir@testdam.example", org, &[Role::Medewerker, Role::Directie]).await;
    app.user("beheer@testdam.example", org, &[Role::Beheerder]).await;

    let mw = app.logged_in("mw@testdam.example").await;
    let r = app.get(&mw, "/overzicht").await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("lang=\"nl\""));
    assert!(!app.get(&mw, "/").await.text().await.unwrap().contains("href=\"/overzicht\""), "not in the navigation");
    let pl = app.logged_in(PL).await;
    assert_eq!(app.get(&pl, "/overzicht").await.status(), 403, "a projectleider neither");
    for who in ["fg@testdam.example", "dir@testdam.example", "beheer@testdam.example"] {
        let c = app.logged_in(who).await;
        assert_eq!(app.get(&c, "/overzicht").await.status(), 200, "{who}");
    }

    let html = dashboard(app, &d.ciso).await;
    assert!(app.get(&d.ciso, "/").await.text().await.unwrap().contains("href=\"/overzicht\""));
    assert!(html.contains("De stand van het register van Gemeente Testdam."));
    let svgs: Vec<&str> = html.split("<svg").skip(1).map(|s| &s[..s.find("</svg>").unwrap()]).collect();
    assert_eq!(svgs.len(), 7);
    for svg in &svgs {
        // A named group, not an image: an image's children are presentational and would hide the bars' links.
        assert!(svg.contains("role=\"group\""), "{svg}");
        let attr = |name: &str| {
            let start = svg.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            svg[start..start + svg[start..].find('"').unwrap()].to_string()
        };
        let (title_id, desc_id) = (attr("aria-labelledby"), attr("aria-describedby"));
        assert!(
            svg.contains(&format!("<title id=\"{title_id}\">")) && svg.contains(&format!("<desc id=\"{desc_id}\">"))
        );
        // Every bar is a link, out of the tab order (the table's links are the keyboard path).
        assert_eq!(svg.matches("<a href=").count(), svg.matches("tabindex=\"-1\"").count());
        assert!(!svg.contains("style="), "no inline style under the CSP");
    }
    // The description says the numbers in words, for who cannot see the bars.
    assert!(html.contains("Open incidenten") && html.contains("Kritiek: 1; Hoog: 1; Middel: 0; Laag: 0."), "{html}");
    assert_eq!(html.matches("<table").count(), 7);
    assert_eq!(html.matches("<caption").count(), 7);
    assert!(html.contains("Registraties per status in cijfers"));
    // Each table's total is the sum of its rows.
    for table in html.split("<table").skip(1) {
        let table = &table[..table.find("</table>").unwrap()];
        let rows: i64 = table
            .split("<tbody")
            .nth(1)
            .and_then(|b| b.split("</tbody>").next())
            .unwrap()
            .split("numeric-data\">")
            .skip(1)
            .map(|s| s[..s.find('<').unwrap()].trim().parse::<i64>().unwrap())
            .sum();
        // The DPIA/IAMA table has no total: one registration can need both.
        let Some(foot) = table.split("<tfoot").nth(1) else {
            assert!(table.contains("Verplichte DPIA en IAMA"), "only the overlapping table has no total");
            continue;
        };
        assert_eq!(rows, number_after(foot, "numeric-data\">"));
    }
}

#[tokio::test]
async fn the_new_register_filters_select_what_they_say() {
    let d = data().await;
    let app = &d.app;
    let month = |back: i32| async move {
        let m: String = sqlx::query_scalar(
            "select to_char((now() - make_interval(months => $1)) at time zone 'Europe/Amsterdam', 'YYYY-MM')",
        )
        .bind(back)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        m
    };
    let (now, one, three, thirteen) = (month(0).await, month(1).await, month(3).await, month(13).await);
    let this_month = ["Notulist", "Samenvatter", "Chatbot", "Beeldgenerator", "Code-assistent", "Vertaaldienst"];
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("toets=dpia_ontbreekt".into(), vec!["Chatbot"]),
        ("toets=dpia_gedaan".into(), vec!["Transcriptie"]),
        ("toets=iama_ontbreekt".into(), vec!["Code-assistent"]),
        ("toets=iama_gedaan".into(), vec!["Beeldgenerator"]),
        ("incident=open".into(), vec!["Chatbot", "Code-assistent"]),
        ("incident=kritiek".into(), vec!["Code-assistent"]),
        ("incident=hoog".into(), vec!["Chatbot"]),
        ("incident=middel".into(), vec![]),
        ("incident=laag".into(), vec![]),
        (format!("maand={now}"), this_month.to_vec()),
        (format!("maand={one}"), vec!["Planning"]),
        (format!("maand={three}"), vec!["Transcriptie"]),
        (format!("maand={thirteen}"), vec!["Oude tool"]),
        ("evaluatie=verlopen".into(), vec!["Chatbot"]),
        ("evaluatie=binnenkort".into(), vec!["Beeldgenerator"]),
        ("evaluatie=later".into(), vec!["Code-assistent"]),
        ("evaluatie=geen".into(), vec![]),
        (
            "ai_act=onbekend".into(),
            vec!["Notulist", "Samenvatter", "Chatbot", "Beeldgenerator", "Vertaaldienst", "Transcriptie", "Oude tool"],
        ),
        ("ai_act=geen+hoog-risico+AI".into(), vec!["Planning"]),
        ("incident=open&toets=iama_ontbreekt".into(), vec!["Code-assistent"]),
        (format!("maand={now}&evaluatie=later"), vec!["Code-assistent"]),
    ];
    for (qs, expected) in cases {
        let r = app.get(&d.ciso, &format!("/register?{qs}")).await;
        assert_eq!(r.status(), 200, "{qs}");
        let html = r.text().await.unwrap();
        let got = d.names(&listed_ids(&html));
        let expected: BTreeSet<&str> = expected.into_iter().collect();
        assert_eq!(got, expected, "?{qs}");
        assert_eq!(found(&html), expected.len() as i64, "?{qs}");
        // The chosen filter is shown as chosen, and can be cleared.
        let (name, value) = qs.split('&').next().unwrap().split_once('=').unwrap();
        let value = value.replace('+', " ");
        let select = &html[html.find(&format!("name=\"{name}\"")).unwrap()..];
        let select = &select[..select.find("</select>").unwrap()];
        assert!(select.contains(&format!("value=\"{value}\" selected")), "?{qs}: {select}");
        assert!(html.contains(">Alles wissen</a>"));
    }
    // The month filter offers the last 24 months, with Dutch names.
    let html = app.get(&d.ciso, "/register").await.text().await.unwrap();
    let select = &html[html.find("name=\"maand\"").unwrap()..];
    let select = &select[..select.find("</select>").unwrap()];
    assert_eq!(select.matches("<option").count(), 25);
    assert!(select.contains(&format!("value=\"{now}\"")) && select.contains(">Alle maanden<"));
    let months = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let m: usize = now[5..].parse().unwrap();
    assert!(select.contains(&format!(">{} {}<", months[m - 1], &now[..4])), "{select}");
    // Values that do not exist select nothing special: the web ignores them (the API refuses them).
    let html = app.get(&d.ciso, "/register?evaluatie=morgen&maand=2026-13").await.text().await.unwrap();
    assert_eq!(found(&html), 9);
}

/// The database's conditions (migration 0013), used by the dashboard, the work lists and the register's
/// filters, agree with the domain's rules (register::gates) on every demo registration.
#[tokio::test]
async fn the_database_conditions_agree_with_the_domain_rules_on_the_demo() {
    use airegister::register::{facts, store};
    let app = TestApp::spawn().await;
    airegister::demo::load(&app.pool, "demo-wachtwoord-2026").await.unwrap();
    // The demo has no completed DPIA or IAMA: one of each, so "completed" is seen both ways.
    let first: uuid::Uuid = sqlx::query_scalar("select application_id from application order by name limit 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assessment(&app, first, "dpia", "afgerond").await;
    assessment(&app, first, "fraia", "afgerond").await;
    // Completed but not confirmed (issue 18, item 4): counts for neither.
    let second: uuid::Uuid =
        sqlx::query_scalar("select application_id from application order by name offset 1 limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assessment(&app, second, "dpia", "ter_bevestiging").await;
    assessment(&app, second, "iama", "ter_bevestiging").await;
    // Pre-scans (migration 0054's view): the third registration's latest completed one calls for a DPIA (an
    // older one and one still open do not); the fourth's latest does not, though an older one did.
    let ordered = "select application_id from application a
                   where registration_active(workflow_status) and not processes_personal_data(a) order by name";
    let (third, fourth): (uuid::Uuid, uuid::Uuid) = {
        let ids: Vec<uuid::Uuid> = sqlx::query_scalar(ordered).fetch_all(&app.pool).await.unwrap();
        (ids[0], ids[1])
    };
    let required = r#"[{"assessment": "DPIA", "level": "required"}]"#;
    let not_required = r#"[{"assessment": "DPIA", "level": "not_required"}]"#;
    for (id, verdicts, status, days_ago) in [
        (third, not_required, "afgerond", 30),
        (third, required, "afgerond", 2),
        (third, not_required, "in_uitvoering", 1),
        (fourth, required, "afgerond", 30),
        (fourth, not_required, "afgerond", 2),
    ] {
        prescan(&app, id, verdicts, status, days_ago).await;
    }
    type Row = (uuid::Uuid, uuid::Uuid, bool, bool, bool, bool, bool);
    let rows: Vec<Row> = sqlx::query_as(
        "select a.organisation_id, a.application_id, processes_personal_data(a), dpia_required(a), iama_required(a),
                assessment_completed(a.application_id, '{dpia}'), assessment_completed(a.application_id, '{iama,fraia}')
           from application a",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 16);
    let mut conn = app.pool.acquire().await.unwrap();
    let mut both_ways = std::collections::BTreeSet::new();
    for (org, id, personal, dpia, iama, dpia_done, iama_done) in rows {
        let stored = store::get(&app.pool, org, id).await.unwrap().unwrap();
        let f = facts::load(&mut conn, &stored).await.unwrap();
        let done = |kinds: &[&str]| f.completed.iter().any(|k| kinds.contains(&k.as_str()));
        let name = stored.name();
        assert_eq!(personal, f.personal_data, "{name}: personal data");
        assert_eq!(dpia, f.dpia_required().is_some(), "{name}: DPIA required");
        assert_eq!(iama, f.iama_required().is_some(), "{name}: IAMA required");
        assert_eq!(dpia_done, done(&["dpia"]), "{name}: DPIA completed");
        assert_eq!(iama_done, done(&["iama", "fraia"]), "{name}: IAMA completed");
        if id == second {
            assert!(!dpia_done && !iama_done, "{name}: waiting for confirmation does not count");
            assert_eq!(f.awaiting.len(), 2, "{name}: {:?}", f.awaiting);
        }
        both_ways.extend([
            ("personal", personal),
            ("dpia", dpia),
            ("iama", iama),
            ("dpia_done", dpia_done),
            ("iama_done", iama_done),
        ]);
    }
    // Not vacuous: each condition is true for some registration and false for another.
    assert_eq!(both_ways.len(), 10, "{both_ways:?}");
    let by_answers: bool =
        sqlx::query_scalar("select dpia_required_by_answers(a) from application a where application_id = $1")
            .bind(third)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(!by_answers, "the Pre-scan is the only reason");
    let dpia: Vec<bool> = sqlx::query_scalar("select dpia_required(a) from application a where application_id = any($1) order by array_position($1, application_id)")
        .bind(vec![third, fourth])
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(dpia, [true, false], "the latest completed Pre-scan decides");

    // A second organisation with a registration that needs and has a DPIA (by its Pre-scan), so a set that
    // leaked across organisations would differ below.
    let other = app.org("Gemeente Naastdam", "gm0404").await;
    app.user("pl@naastdam.example", other, &[Role::Medewerker, Role::Projectleider]).await;
    let next_door = app.user("ciso@naastdam.example", other, &[Role::Medewerker, Role::Ciso]).await;
    let c = app.logged_in("ciso@naastdam.example").await;
    let theirs = crate::requests::registration(&app, &c, "Naastdam-tool", next_door, "in_gebruik", "").await;
    prescan(&app, theirs, required, "afgerond", 1).await;
    assessment(&app, theirs, "dpia", "afgerond").await;
    // The set the dashboard counts and the register filters on (migration 0054) is the functions' answer for
    // every active registration of each organisation, and nothing else.
    type Set = (uuid::Uuid, uuid::Uuid, bool, bool, bool, bool);
    let expected: Vec<Set> = sqlx::query_as(
        "select organisation_id, application_id, dpia_required(a), assessment_completed(application_id, '{dpia}'),
                iama_required(a), assessment_completed(application_id, '{iama,fraia}')
           from application a where registration_active(workflow_status) order by application_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let set: Vec<Set> = sqlx::query_as(
        "select o.organisation_id, s.* from organisation o, registration_assessments(o.organisation_id) s
          order by application_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(expected.iter().any(|r| r.1 == third && r.2) && expected.iter().any(|r| r.1 == fourth && !r.2));
    assert!(expected.contains(&(other, theirs, true, true, false, false)), "{expected:?}");
    assert_eq!(set, expected);
}

/// A Pre-scan DPIA of `id` with these verdicts, completed `days_ago` (or still open).
async fn prescan(app: &TestApp, id: Uuid, verdicts: &str, status: &str, days_ago: i32) {
    sqlx::query(
        "with s as (insert into assessment (assessment_id, application_id, kind, status)
                    values (gen_random_uuid(), $1, 'prescan_dpia', 'in_uitvoering') returning assessment_id)
         insert into questionnaire (questionnaire_id, assessment_id, application_id, kind, definition_name,
                                    definition_version, verdicts, status, completed_at)
         select gen_random_uuid(), s.assessment_id, $1, 'prescan', 'Pre-scan DPIA', '1', $2::jsonb, $3,
                case when $3 = 'afgerond' then now() - make_interval(days => $4) end
           from s",
    )
    .bind(id)
    .bind(verdicts)
    .bind(status)
    .bind(days_ago)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// The review conditions (migration 0050) agree with the queues' own rules: "in review" on every status, and
/// four-eyes for every way a person can be on a registration in review (creator, submitter, owner: them,
/// someone else or nobody); the navigation's count for a CISO is the queue without their own.
#[tokio::test]
async fn the_review_conditions_agree_with_the_queue_rules() {
    use airegister::register::machine::WorkflowStatus;
    use airegister::register::queue::{self, Queue};
    let app = TestApp::spawn().await;
    for status in WorkflowStatus::ALL {
        let in_review: bool = sqlx::query_scalar("select registration_in_review($1)")
            .bind(status.as_str())
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(in_review, status.is_in_review(), "{status}");
    }
    airegister::demo::load(&app.pool, "demo-wachtwoord-2026").await.unwrap();
    let (org, target): (Uuid, Uuid) = sqlx::query_as(
        "select organisation_id, application_id from application where workflow_status = 'ingediend' limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let people: Vec<Uuid> =
        sqlx::query_scalar("select distinct user_id from membership where organisation_id = $1 limit 2")
            .bind(org)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let (me, other) = (people[0], people[1]);
    let mut conn = app.pool.acquire().await.unwrap();
    let mut seen = BTreeSet::new();
    for created in [Some(me), Some(other), None] {
        for submitted in [Some(me), Some(other), None] {
            for owner in [Some(me), Some(other), None] {
                sqlx::query(
                    "update application set created_by = $2, submitted_by = $3, owner_id = $4 where application_id = $1",
                )
                .bind(target)
                .bind(created)
                .bind(submitted)
                .bind(owner)
                .execute(&mut *conn)
                .await
                .unwrap();
                let waiting = queue::waiting(&mut conn, org, Queue::Review).await.unwrap();
                let w = waiting.iter().find(|w| w.application_id == target).expect("in the queue");
                let party: bool =
                    sqlx::query_scalar("select registration_party(a, $2) from application a where application_id = $1")
                        .bind(target)
                        .bind(me)
                        .fetch_one(&mut *conn)
                        .await
                        .unwrap();
                let case = format!("created {created:?}, submitted {submitted:?}, owner {owner:?}");
                assert_eq!(party, w.is_party(me), "{case}");
                let counts = airegister::workflow::nav_counts(&app.pool, org, me, &[Role::Ciso]).await.unwrap();
                let theirs = waiting.iter().filter(|w| !w.is_party(me)).count();
                assert_eq!(usize::try_from(counts.review).unwrap(), theirs, "{case}");
                seen.insert(party);
            }
        }
    }
    assert_eq!(seen.len(), 2, "a party and not a party");
}

/// The months of "Registraties per maand" begin at midnight Dutch time, as the register's month filter has it: a
/// registration made at the first instant of a month is in that month, one a microsecond earlier in the month
/// before, and the oldest of the twelve months is counted from its first instant.
#[tokio::test]
async fn the_months_begin_at_midnight_dutch_time() {
    let (app, c) = demo_ciso().await;
    // The first instant of this month and of the month eleven months back, in Dutch time.
    let starts = "date_trunc('month', now() at time zone 'Europe/Amsterdam') - make_interval(months => $2)";
    for (months_back, offset) in [(0, "0"), (0, "-1 microsecond"), (11, "0"), (11, "-1 microsecond")] {
        let moved = sqlx::query(&format!(
            "update application set created_at = ({starts}) at time zone 'Europe/Amsterdam' + $3::interval
              where application_id = (select a.application_id from application a join organisation o using (organisation_id)
                                       where o.code = $1 and a.created_at > now() - interval '1 day'
                                       order by a.name limit 1)"
        ))
        .bind(airegister::demo::DEMO_ORG_CODE)
        .bind(months_back)
        .bind(offset)
        .execute(&app.pool)
        .await
        .unwrap();
        assert_eq!(moved.rows_affected(), 1);
    }
    let figs = assert_every_figure_matches_its_list(&app, &c).await;
    let month = |back: i32| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "select to_char(date_trunc('month', now() at time zone 'Europe/Amsterdam')
                                - make_interval(months => $1), 'YYYY-MM')",
            )
            .bind(back)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (oldest, before_oldest) = (month(11).await, month(12).await);
    assert!(value(&figs, &format!("/register?maand={oldest}")) >= 1, "the first instant of the oldest month");
    assert!(!figs.iter().any(|f| f.1.ends_with(&before_oldest)), "twelve months, no more");
    assert!(value(&figs, &format!("/register?maand={}", month(1).await)) >= 1, "a microsecond before this month");
}
