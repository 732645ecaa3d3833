//! The Algoritmekader per registration (issue 23): a high-risk registration gets its requirements, a measure
//! is completed only with evidence, a requirement is set aside only with a reason, a changed AI Act outcome
//! shows its difference, and the reports name the audit frameworks. Every change is in the history.

use airegister::auth::roles::Role;
use sqlx::Row;
use uuid::Uuid;

use crate::helpers::{TestApp, location, page};
use crate::register::complete;

const PL: &str = "pl@kader.example";
const CISO: &str = "ciso@kader.example";

/// A finished run of the decision aid with this outcome (the AI Act tab writes the same columns).
async fn outcome(app: &TestApp, id: Uuid, group: &str, roles: &[&str], transparency: &str, at: &str) {
    let roles: Vec<String> = roles.iter().map(|s| s.to_string()).collect();
    sqlx::query(
        "insert into ai_act_run (run_id, application_id, tree_name, tree_version, labels, roles, system_type,
                                 risk_group, transparency, conclusion_id, conclusion, completed_at)
         values ($1, $2, 'beslisboom', '1.0.0', $3, $3, 'AI-systeem', $4, $5, '12.0.0', 'test', $6::timestamptz)",
    )
    .bind(Uuid::now_v7())
    .bind(id)
    .bind(&roles)
    .bind(group)
    .bind(transparency)
    .bind(at)
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn events(app: &TestApp, id: Uuid, action: &str) -> i64 {
    sqlx::query("select count(*) from audit_event where object_id = $1 and action = $2")
        .bind(id)
        .bind(action)
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_high_risk_registration_gets_its_requirements_and_measures_need_evidence() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Kaderdam", "gm0505").await;
    let pl = app.user(PL, org, &[Role::Medewerker, Role::Projectleider]).await;
    app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    let c = app.logged_in(PL).await;
    let r = app.post(&c, "/register", &complete("Beoordelingshulp", &pl.to_string(), &[])).await;
    assert_eq!(r.status(), 303);
    let id: Uuid = location(&r).rsplit('/').next().unwrap().parse().unwrap();
    let tab = format!("/register/{id}/vereisten");

    let html = page(&app, &c, &tab).await;
    assert!(html.contains("geen uitkomst van de beslishulp"), "{html}");

    outcome(&app, id, "hoog-risico AI", &["gebruiksverantwoordelijke"], "geen transparantieverplichting", "2026-01-01")
        .await;
    let html = page(&app, &c, &tab).await;
    assert!(html.contains("nog niet overgenomen"));
    assert!(html.contains("aia-27 – "), "the FRIA of a high-risk deployer is among the new ones");
    let r = app.post(&c, &format!("{tab}/overnemen"), &[]).await;
    assert_eq!(r.status(), 303);
    let taken: i64 = sqlx::query("select count(*) from kader_requirement where application_id = $1 and applicable")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(taken, 34, "the hand-checked set of a high-risk deployer (src/kader/rule/tests.rs)");
    assert_eq!(events(&app, id, "application.requirements_updated").await, 1);
    let html = page(&app, &c, &tab).await;
    assert!(!html.contains("nog niet overgenomen"));
    assert!(html.contains("34 vereisten van toepassing"), "{html}");

    // Done without evidence is refused, naming the field; the input comes back.
    let measure = format!("/register/{id}/maatregelen/owp-06");
    let fields =
        [("version", "0"), ("status", "gereed"), ("owner", ""), ("evidence", ""), ("review_date", "2027-03-31")];
    let r = app.post(&c, &measure, &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Vul bij Bewijs een toelichting of een link"), "{html}");
    assert!(html.contains("value=\"2027-03-31\""));
    let bad_owner = [("version", "0"), ("status", "in_uitvoering"), ("owner", &Uuid::now_v7().to_string())];
    assert_eq!(app.post(&c, &measure, &bad_owner).await.status(), 422);
    let pl_s = pl.to_string();
    let done = [
        ("version", "0"),
        ("status", "gereed"),
        ("owner", pl_s.as_str()),
        ("evidence", "Impactanalyse vastgesteld in het MT van 12 maart."),
        ("evidence_url", "https://intranet.kaderdam.nl/impact"),
        ("review_date", "2027-03-31"),
    ];
    assert_eq!(app.post(&c, &measure, &done).await.status(), 303);
    assert_eq!(events(&app, id, "application.measure_updated").await, 1);
    // A second save from the same (now stale) form is a conflict, not an overwrite.
    assert_eq!(app.post(&c, &measure, &done).await.status(), 409);

    // Not applicable only with a reason.
    let na = format!("{tab}/bzk-01/niet-van-toepassing");
    assert_eq!(app.post(&c, &na, &[("reason", "")]).await.status(), 422);
    assert_eq!(app.post(&c, &na, &[("reason", "Intern hulpmiddel zonder gevolgen voor burgers.")]).await.status(), 303);
    assert_eq!(events(&app, id, "application.requirement_excluded").await, 1);
    let html = page(&app, &c, &tab).await;
    assert!(html.contains("Niet van toepassing: Intern hulpmiddel"));

    // The outcome changes: the difference is shown until it is taken over.
    outcome(
        &app,
        id,
        "geen hoog-risico AI",
        &["gebruiksverantwoordelijke"],
        "geen transparantieverplichting",
        "2026-02-01",
    )
    .await;
    let html = page(&app, &c, &tab).await;
    assert!(html.contains("De uitkomst van de beslishulp is veranderd"), "{html}");
    assert!(html.contains("Vervallen"));
    assert!(html.contains("aia-27 – "));

    // Reports: print view and Excel with the audit frameworks; the CISO's overview of the register.
    let html = page(&app, &c, &format!("{tab}/rapport")).await;
    assert!(html.contains("owp-06 – "));
    assert!(html.contains("ADR SV.4"), "each measure names its ADR criteria");
    assert!(html.contains("Impactanalyse vastgesteld"));
    let r = app.get(&c, &format!("{tab}/rapport.xlsx")).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(app.get(&c, "/vereisten").await.status(), 403, "a project leader does not see the whole register");
    let ciso = app.logged_in(CISO).await;
    let html = page(&app, &ciso, "/vereisten").await;
    assert!(html.contains("Beoordelingshulp"));
    let html = page(&app, &ciso, "/vereisten/rapport").await;
    assert!(html.contains("Beoordelingshulp"));
}

/// The tab carries the forms of one requirement at a time: a high-risk deployer's 34 requirements hold 294
/// measure entries, and a form for each made the page 1.3 MB. The others show their measures' state and a link
/// that opens them; a refused or saved measure comes back in the requirement its form was in.
#[tokio::test]
async fn the_tab_holds_the_forms_of_the_requirement_worked_on() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Kaderdam", "gm0505").await;
    let pl = app.user(PL, org, &[Role::Medewerker, Role::Projectleider]).await;
    let c = app.logged_in(PL).await;
    let r = app.post(&c, "/register", &complete("Toewijzer", &pl.to_string(), &[])).await;
    let id: Uuid = location(&r).rsplit('/').next().unwrap().parse().unwrap();
    outcome(&app, id, "hoog-risico AI", &["gebruiksverantwoordelijke"], "geen transparantieverplichting", "2026-01-01")
        .await;
    let tab = format!("/register/{id}/vereisten");
    assert_eq!(app.post(&c, &format!("{tab}/overnemen"), &[]).await.status(), 303);
    let forms = |html: &str| html.matches("Maatregel opslaan").count();

    let all = page(&app, &c, &format!("{tab}?fase=alle")).await;
    assert_eq!(forms(&all), 0, "no requirement is worked on yet");
    assert!(all.len() < 400_000, "{} bytes", all.len());
    let link = format!(
        r#"href="/register/{id}/vereisten?fase=alle&#38;vereiste=aia-27#vereiste-aia-27">Maatregelen van aia-27 bijwerken"#
    );
    assert!(all.contains(&link), "{all}");
    assert!(all.contains("Status: <span"), "every measure's state is shown");

    let open = page(&app, &c, &format!("{tab}?fase=alle&vereiste=aia-27")).await;
    let at = open.find(r#"id="vereiste-aia-27" open>"#).expect("aia-27 is open");
    let end = at + open[at..].find("</details>").unwrap();
    let within = forms(&open[at..end]);
    assert!(within >= 2, "{within}");
    assert_eq!(forms(&open), within, "only aia-27 has forms");
    assert!(open[at..end].contains(r#"<input type="hidden" name="vereiste" value="aia-27">"#));
    assert_eq!(open.matches(" open>").count(), 1);
    // An unknown requirement opens nothing.
    assert_eq!(forms(&page(&app, &c, &format!("{tab}?fase=alle&vereiste=xyz")).await), 0);

    // A measure of aia-27 that an earlier requirement has too, refused: the page comes back with aia-27 open,
    // not the measure's first requirement.
    let measure = "owp-15";
    assert!(open[at..end].contains(&format!("/maatregelen/{measure}\"")));
    assert!(
        open[..at].contains(&format!("<h3 class=\"utrecht-heading-3\">{measure} – ")),
        "shared with an earlier one"
    );
    let fields = [("version", "0"), ("status", "gereed"), ("vereiste", "aia-27"), ("fase", "alle")];
    let r = app.post(&c, &format!("/register/{id}/maatregelen/{measure}"), &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="vereiste-aia-27" open>"#) && html.contains("Vul bij Bewijs een toelichting"));
    // Saved: back to the filter, aia-27 still open, at the measure.
    let done = [("evidence", "Vastgelegd in het dossier.")];
    let fields: Vec<(&str, &str)> = fields.iter().chain(done.iter()).copied().collect();
    let r = app.post(&c, &format!("/register/{id}/maatregelen/{measure}"), &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/register/{id}/vereisten?fase=alle&vereiste=aia-27#maatregel-{measure}"));
    let back = page(&app, &c, &location(&r)).await;
    let at = back.find(r#"id="vereiste-aia-27" open>"#).expect("still open");
    let end = at + back[at..].find("</details>").unwrap();
    assert!(back[at..end].contains(&format!(r#"id="maatregel-{measure}""#)), "the anchor is in the open requirement");
    assert_eq!(back.matches(&format!(r#"id="maatregel-{measure}""#)).count(), 1);
    // A made-up requirement in the form is not put in the address.
    let fields = [("version", "1"), ("status", "in_uitvoering"), ("vereiste", "x#y"), ("fase", "alle")];
    let r = app.post(&c, &format!("/register/{id}/maatregelen/{measure}"), &fields).await;
    assert_eq!(location(&r), format!("/register/{id}/vereisten?fase=alle#maatregel-{measure}"));
}
