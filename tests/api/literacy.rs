//! AI-literacy through HTTP: the administrator adds a training and requirements (per role, per tool), the
//! employee records a completion that counts once confirmed, the allowed-tools page and the own page say what
//! is required and whether one has it, coverage figures and their lists, who may do and see what, bad input
//! named per field, and an audit event for every change.

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, page};

const ADMIN: &str = "beheer@leerdam.example";
const MW: &str = "mw@leerdam.example";
const CISO: &str = "ciso@leerdam.example";
const DIR: &str = "dir@leerdam.example";

/// A training's id by its title (also for the other literacy tests).
pub(crate) async fn training_id(app: &TestApp, title: &str) -> Uuid {
    sqlx::query_scalar("select training_id from training where title = $1")
        .bind(title)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn trainings_requirements_completions_and_coverage() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Leerdam", "gm0303").await;
    app.user(ADMIN, org, &[Role::Medewerker, Role::Beheerder]).await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    app.user(DIR, org, &[Role::Directie]).await;
    let admin = app.logged_in(ADMIN).await;
    let emp = app.logged_in(MW).await;

    // Bad input names the field and keeps the form.
    let r = app.post(&admin, "/ai-geletterdheid/trainingen", &[("provider", "Leerhuis"), ("level", "expert")]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Vul de titel in.") && body.contains("Kies het niveau") && body.contains("value=\"Leerhuis\"")
    );
    // An employee manages nothing.
    let r = app.post(&emp, "/ai-geletterdheid/trainingen", &[("title", "X"), ("level", "basis")]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.get(&emp, "/ai-geletterdheid/beheer").await.status(), 403);

    let fields =
        [("title", "Basistraining AI"), ("level", "basis"), ("validity_months", "24"), ("duration_minutes", "90")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/trainingen", &fields).await.status(), 303);
    let twice = app.post(&admin, "/ai-geletterdheid/trainingen", &fields).await;
    assert_eq!(twice.status(), 422, "a second training with the same title is refused");
    let basis = training_id(&app, "Basistraining AI").await.to_string();
    let req = [("requirement_training", basis.as_str()), ("role", "medewerker")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    // The same again is refused, saying which requirement is there already.
    let again = app.post(&admin, "/ai-geletterdheid/eisen", &req).await;
    assert_eq!(again.status(), 422);
    let body = again.text().await.unwrap();
    assert!(body.contains("„Basistraining AI” is al vereist voor iedereen met de rol Medewerker."), "{body}");

    // A tool that requires a training of its users (here: the RASCI person).
    let ciso = app.logged_in(CISO).await;
    let tool = crate::requests::registration(&app, &ciso, "Copilot", mw, "goedgekeurd", "").await;
    app.rasci(tool, mw, "R").await;
    let adv = [("title", "Copilot gevorderd"), ("level", "gevorderd")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/trainingen", &adv).await.status(), 303);
    let copilot = training_id(&app, "Copilot gevorderd").await.to_string();
    let tool_s = tool.to_string();
    let req = [("requirement_training", copilot.as_str()), ("application_id", tool_s.as_str())];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    let again = app.post(&admin, "/ai-geletterdheid/eisen", &req).await.text().await.unwrap();
    assert!(again.contains("„Copilot gevorderd” is al vereist voor de gebruikers van Copilot."), "{again}");
    // A training deleted meanwhile (another administrator) is named as gone.
    let gone = uuid::Uuid::now_v7().to_string();
    let req = [("requirement_training", gone.as_str()), ("application_id", tool_s.as_str())];
    let r = app.post(&admin, "/ai-geletterdheid/eisen", &req).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("De gekozen training bestaat niet (meer)."));

    let mine = page(&app, &emp, "/ai-geletterdheid").await;
    assert!(mine.contains("Basistraining AI") && mine.contains("rol Medewerker") && mine.contains("tool Copilot"));
    assert_eq!(mine.matches("Nog niet gevolgd").count(), 2, "{mine}");

    // The employee records one: a date in the future is refused on the field, a good one waits for confirmation.
    let r = app.post(&emp, "/ai-geletterdheid", &[("training_id", &basis), ("completed_on", "2199-01-01")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("De datum van afronding ligt in de toekomst."));
    let r = app
        .post(
            &emp,
            "/ai-geletterdheid",
            &[
                ("training_id", &basis),
                ("completed_on", "2026-01-15"),
                ("evidence_link", "https://leren.example.nl/cert/1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(page(&app, &emp, "/ai-geletterdheid").await.contains("Wacht op bevestiging"));
    let completion: Uuid =
        sqlx::query_scalar("select completion_id from training_completion").fetch_one(&app.pool).await.unwrap();
    let confirm = format!("/ai-geletterdheid/afrondingen/{completion}/bevestigen");
    assert_eq!(app.post(&emp, &confirm, &[]).await.status(), 403, "nobody confirms their own");
    assert_eq!(app.post(&admin, &confirm, &[]).await.status(), 303);
    let mine = page(&app, &emp, "/ai-geletterdheid").await;
    assert!(mine.contains("Gevolgd en geldig") && mine.matches("Nog niet gevolgd").count() == 1, "{mine}");

    // The allowed-tools page's answer names what Copilot requires and that the employee lacks it.
    let allowed = page(&app, &emp, &format!("/toegestane-tools?tool={tool}&gegevens=dc_openbaar")).await;
    assert!(
        allowed.contains("Voor Copilot is de training „Copilot gevorderd” vereist: nog niet gevolgd."),
        "{allowed}"
    );

    // Coverage: directie sees figures without names; CISO opens the lists behind them.
    let dir = app.logged_in(DIR).await;
    let figures = page(&app, &dir, "/ai-geletterdheid/dekking").await;
    assert!(figures.contains("Medewerker") && !figures.contains("/ai-geletterdheid/dekking/lijst"));
    assert_eq!(app.get(&dir, "/ai-geletterdheid/dekking/lijst?rol=medewerker&stand=gedaan").await.status(), 403);
    assert_eq!(app.get(&emp, "/ai-geletterdheid/dekking").await.status(), 403);
    let cov = page(&app, &ciso, "/ai-geletterdheid/dekking").await;
    assert!(cov.contains("/ai-geletterdheid/dekking/lijst?rol=medewerker&#38;stand=gedaan"), "{cov}");
    let done = page(&app, &ciso, "/ai-geletterdheid/dekking/lijst?rol=medewerker&stand=gedaan").await;
    // A person in a list reads "name (e-mail)" (the header names the CISO looking at it).
    let listed = |html: &str, email: &str| html.contains(&format!("({email})"));
    assert!(listed(&done, MW) && !listed(&done, CISO) && !listed(&done, ADMIN), "{done}");
    let missing = page(&app, &ciso, "/ai-geletterdheid/dekking/lijst?rol=medewerker&stand=ontbreekt").await;
    assert!(listed(&missing, CISO) && listed(&missing, ADMIN) && !listed(&missing, MW), "{missing}");
    let by_tool = page(&app, &ciso, &format!("/ai-geletterdheid/dekking/lijst?tool={tool}&stand=ontbreekt")).await;
    assert!(listed(&by_tool, MW) && by_tool.contains("Copilot gevorderd"), "{by_tool}");

    // Every change is in the audit trail.
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_event where action like 'literacy.%' order by audit_id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "literacy.training_created",
            "literacy.requirement_added",
            "literacy.training_created",
            "literacy.requirement_added",
            "literacy.completion_recorded",
            "literacy.completion_confirmed"
        ]
    );
}

/// The SQL twin of the validity rule (migration 0053), which counts a tool's users with a valid training,
/// gives the Rust rule's last valid day on every day of four years (leap years and month ends included) for
/// every validity from 1 to 60 months, and none without a validity.
#[tokio::test]
async fn the_database_validity_rule_agrees_with_the_rust_rule() {
    use airegister::literacy::rules::valid_until;
    let app = TestApp::spawn().await;
    let rows: Vec<(time::Date, i32, Option<time::Date>)> = sqlx::query_as(
        "select d::date, m, training_valid_until(d::date, m)
           from generate_series(date '2023-01-01', date '2026-12-31', interval '1 day') d,
                generate_series(1, 60) m",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 1461 * 60);
    let wrong: Vec<_> = rows.iter().filter(|(d, m, sql)| *sql != valid_until(*d, Some(*m))).take(5).collect();
    assert!(wrong.is_empty(), "SQL and Rust differ: {wrong:?}");
    // Month ends clamp: 31 January + 1 month ends on the day before 29 February 2024.
    assert!(rows.contains(&(time::macros::date!(2024 - 01 - 31), 1, Some(time::macros::date!(2024 - 02 - 28)))));
    let none: Option<time::Date> =
        sqlx::query_scalar("select training_valid_until(current_date, null)").fetch_one(&app.pool).await.unwrap();
    assert_eq!(none, None, "without a validity a completion does not expire");
}

/// The SQL twin of the standing rule (migration 0055), which the dashboard counts with, gives the Rust rule's
/// standing on days around leap days and month ends, for completions from five days ahead to over five years
/// back (both boundaries: the last valid day and the start of the warning period), with and without a validity
/// and an entry waiting for confirmation, and without any completion.
#[tokio::test]
async fn the_database_standing_rule_agrees_with_the_rust_rule() {
    use airegister::literacy::rules::{EXPIRY_WARNING_DAYS, Standing, standing};
    let app = TestApp::spawn().await;
    // (completed on, validity in months, waiting, today, the SQL standing)
    type Case = (Option<time::Date>, Option<i32>, bool, time::Date, String);
    let rows: Vec<Case> = sqlx::query_as(
        "select d.done, m.months, w.waiting, t.today,
                training_standing(d.done, m.months, w.waiting, t.today, $1)
           from unnest(array[date '2024-02-28', date '2024-02-29', date '2024-03-01', date '2024-12-31',
                             date '2025-01-31', date '2025-02-28', date '2025-03-01', date '2025-06-15',
                             date '2026-01-01', date '2026-12-04']) t(today)
           cross join lateral (select (t.today - k)::date as done from generate_series(-5, 1900) k
                               union all select null) d
           cross join unnest(array[null, 1, 2, 3, 6, 12, 18, 24, 36, 60]::int[]) m(months)
           cross join unnest(array[false, true]) w(waiting)",
    )
    .bind(EXPIRY_WARNING_DAYS as i32)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 10 * 1907 * 10 * 2);
    let wrong: Vec<_> = rows
        .iter()
        .filter(|(done, months, waiting, today, sql)| standing(*done, *months, *waiting, *today).as_str() != sql)
        .take(5)
        .collect();
    assert!(wrong.is_empty(), "SQL and Rust differ: {wrong:?}");
    // Every standing occurs on the grid, so the comparison covers each branch of the rule.
    for s in Standing::ALL {
        assert!(rows.iter().any(|r| r.4 == s.as_str()), "{} occurs", s.as_str());
    }
}

/// Who must have a required training (the view `training_need_detail`, which the lists, the figures, one's own
/// page and a tool's figure read). For a tool: whoever's request for it was accepted or linked to it and the
/// people its RASCI names, each once, active members of the tool's organisation only. For a role: the active
/// members who hold it.
#[tokio::test]
async fn who_must_have_a_required_training() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Leerdam", "gm0303").await;
    let other = app.org("Gemeente Elders", "gm0304").await;
    let ciso = app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    let mut people = std::collections::BTreeMap::new();
    for name in ["accepted", "linked", "rejected", "asked", "both", "rasci", "second", "gone", "outsider"] {
        let email = format!("{name}@leerdam.example");
        let id = app.user(&email, if name == "outsider" { other } else { org }, &[Role::Medewerker]).await;
        people.insert(name, id);
    }
    let c = app.logged_in(CISO).await;
    let copilot = crate::requests::registration(&app, &c, "Copilot", ciso, "in_gebruik", "").await;
    let gemini = crate::requests::registration(&app, &c, "Gemini", ciso, "in_gebruik", "").await;
    let unrequired = crate::requests::registration(&app, &c, "Notulist", ciso, "in_gebruik", "").await;
    sqlx::query("delete from rasci_assignment").execute(&app.pool).await.unwrap();
    for (who, status) in
        [("accepted", "geaccepteerd"), ("linked", "gekoppeld"), ("rejected", "afgewezen"), ("asked", "ingediend")]
            .into_iter()
            .chain([("both", "geaccepteerd"), ("gone", "geaccepteerd")])
    {
        sqlx::query(
            "insert into tool_request (request_id, organisation_id, requested_by, tool_name, purpose, data_classes,
                 department, user_count, usage, citizens, status, application_id, owner_id, reason, submitted_at)
             values ($1, $2, $3, 'Copilot', 'Samenvatten', '{dc_intern}', 'Burgerzaken', '2-10', 'in_gebruik', 'nee',
                     $4, $5, $6, 'Past niet in het beleid', now())",
        )
        .bind(Uuid::now_v7())
        .bind(org)
        .bind(people[who])
        .bind(status)
        .bind((status != "ingediend").then_some(copilot))
        .bind(ciso)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    for (who, tool, letter) in [
        ("both", copilot, "R"),
        ("rasci", copilot, "C"),
        ("gone", copilot, "I"),
        ("outsider", copilot, "S"),
        ("second", gemini, "A"),
        ("rasci", unrequired, "R"),
    ] {
        app.rasci(tool, people[who], letter).await;
    }
    // A RASCI row that names a function, not a person, has no user.
    sqlx::query(
        "insert into rasci_assignment (rasci_id, application_id, letter, function_name)
         values ($1, $2, 'I', 'Teamleider Burgerzaken')",
    )
    .bind(Uuid::now_v7())
    .bind(gemini)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("update app_user set active = false where user_id = $1")
        .bind(people["gone"])
        .execute(&app.pool)
        .await
        .unwrap();

    // A requirement of Copilot and Gemini: one need per user and tool, with the tool's name, for the accepted and
    // linked requesters and the RASCI people, each once, active members of the organisation only; none for the
    // Notulist, which requires nothing.
    app.user(ADMIN, org, &[Role::Medewerker, Role::Beheerder]).await;
    let a = app.logged_in(ADMIN).await;
    assert_eq!(
        app.post(&a, "/ai-geletterdheid/trainingen", &[("title", "AI-tools"), ("level", "basis")]).await.status(),
        303
    );
    let training = training_id(&app, "AI-tools").await.to_string();
    for tool in [copilot, gemini] {
        let tool = tool.to_string();
        let req = [("requirement_training", training.as_str()), ("application_id", tool.as_str())];
        assert_eq!(app.post(&a, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    }
    let needs: Vec<(Uuid, Option<String>)> = sqlx::query_as(
        "select user_id, tool from training_need_detail where organisation_id = $1 and application_id is not null
          order by tool, user_id",
    )
    .bind(org)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut want: Vec<(Uuid, Option<String>)> = ["accepted", "linked", "both", "rasci"]
        .iter()
        .map(|w| (people[w], Some("Copilot".to_string())))
        .chain([(people["second"], Some("Gemini".to_string()))])
        .collect();
    want.sort_by(|x, y| (&x.1, x.0).cmp(&(&y.1, y.0)));
    assert_eq!(needs, want);
    let projected: i64 = sqlx::query_scalar(
        "select count(*) from training_need where organisation_id = $1 and application_id is not null",
    )
    .bind(org)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(projected, 5, "training_need is training_need_detail's rows");
    // One person's own page reads the same needs: Copilot's training once for the requester who is also in its
    // RASCI, nothing for the one whose request was rejected.
    let both = app.logged_in("both@leerdam.example").await;
    assert_eq!(page(&app, &both, "/ai-geletterdheid").await.matches("tool Copilot").count(), 1);
    let rejected = app.logged_in("rejected@leerdam.example").await;
    assert!(!page(&app, &rejected, "/ai-geletterdheid").await.contains("tool Copilot"));

    // A requirement of a role: the organisation's active members in that role, not the deactivated one, not the
    // other organisation's.
    assert_eq!(
        app.post(&a, "/ai-geletterdheid/trainingen", &[("title", "Basis"), ("level", "basis")]).await.status(),
        303
    );
    let basis = training_id(&app, "Basis").await.to_string();
    let req = [("requirement_training", basis.as_str()), ("role", "medewerker")];
    assert_eq!(app.post(&a, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    let by_role: Vec<Uuid> = sqlx::query_scalar(
        "select user_id from training_need_detail where organisation_id = $1 and role = 'medewerker' order by user_id",
    )
    .bind(org)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let admin: Uuid = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind(ADMIN)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut want: Vec<Uuid> = ["accepted", "linked", "rejected", "asked", "both", "rasci", "second"]
        .iter()
        .map(|w| people[w])
        .chain([ciso, admin])
        .collect();
    want.sort();
    assert_eq!(by_role, want, "active members in the role");
}
