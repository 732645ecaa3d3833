//! A training required of the users of many tools: the administrator's page shows the first few per training,
//! the training's own page all of them (paged, searchable by the tool's name), the coverage page pages its
//! tools, and "Eis verwijderen" asks first, removes with an audit event and says what went.

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, location, page};

const ADMIN: &str = "beheer@lingewaard.example";
const MW: &str = "mw@lingewaard.example";
const CISO: &str = "ciso@lingewaard.example";

/// `n` copies of registration `of`, named "Tool 001" … (the original is "Tool 000"), each with `user` as its
/// Responsible and required training `training`.
async fn tools_requiring(app: &TestApp, of: Uuid, n: i32, user: Uuid, training: Uuid) {
    let columns: String = sqlx::query_scalar(
        "select string_agg(column_name, ', ' order by ordinal_position) from information_schema.columns
         where table_name = 'application' and is_generated = 'NEVER' and column_name not in ('application_id', 'name')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let copy = format!(
        "insert into application (application_id, name, {columns})
         select gen_random_uuid(), 'Tool ' || lpad(i::text, 3, '0'), {cols}
         from application a, generate_series(1, $2) i where a.application_id = $1",
        cols = columns.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
    );
    sqlx::query(&copy).bind(of).bind(n).execute(&app.pool).await.unwrap();
    sqlx::query("update application set name = 'Tool 000' where application_id = $1")
        .bind(of)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into rasci_assignment (rasci_id, application_id, letter, user_id)
         select gen_random_uuid(), application_id, 'R', $2 from application
         where name like 'Tool %' and application_id <> $1",
    )
    .bind(of)
    .bind(user)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into training_requirement (requirement_id, organisation_id, training_id, application_id)
         select gen_random_uuid(), organisation_id, $1, application_id from application where name like 'Tool %'",
    )
    .bind(training)
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn requirement_of(app: &TestApp, tool: &str) -> Uuid {
    sqlx::query_scalar(
        "select r.requirement_id from training_requirement r join application a using (application_id) where a.name = $1",
    )
    .bind(tool)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_training_required_by_many_tools() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Lingewaard", "gm1705").await;
    app.user(ADMIN, org, &[Role::Medewerker, Role::Beheerder]).await;
    let mw = app.user(MW, org, &[Role::Medewerker]).await;
    app.user(CISO, org, &[Role::Medewerker, Role::Ciso]).await;
    let admin = app.logged_in(ADMIN).await;
    let ciso = app.logged_in(CISO).await;
    let emp = app.logged_in(MW).await;

    let fields = [("title", "Hoog-risico AI"), ("level", "gevorderd")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/trainingen", &fields).await.status(), 303);
    let training: Uuid = sqlx::query_scalar("select training_id from training").fetch_one(&app.pool).await.unwrap();
    let basis = training.to_string();
    let role = [("requirement_training", basis.as_str()), ("role", "medewerker")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/eisen", &role).await.status(), 303);
    let first = crate::requests::registration(&app, &ciso, "Tool", mw, "in_gebruik", "").await;
    app.rasci(first, mw, "R").await;
    tools_requiring(&app, first, 61, mw, training).await;

    // The administrator's page: the role, the first five tools by name, and the way to all 62.
    let manage = page(&app, &admin, "/ai-geletterdheid/beheer").await;
    assert!(manage.contains("Vereist: Iedereen met de rol Medewerker"), "{manage}");
    for shown in ["Tool 000", "Tool 001", "Tool 004"] {
        assert!(manage.contains(&format!(">{shown}</a> gebruikt")), "{shown} shown");
    }
    assert!(!manage.contains("Tool 005"), "only the first five tools");
    let href = format!("/ai-geletterdheid/trainingen/{training}");
    assert!(manage.contains(&format!("{href}#kop-tools\">Alle 62 tools die „Hoog-risico AI” vereisen")), "{manage}");

    // The training's page: 50 tools a page, by name, with the way on and back.
    let one = page(&app, &admin, &href).await;
    assert!(one.contains("62 tools vereisen deze training") && one.contains("Pagina 1 van 2"), "{one}");
    assert!(one.contains("Tool 049") && !one.contains("Tool 050"));
    assert!(one.contains(&format!("{href}?pagina=2")) && one.contains("Iedereen met de rol Medewerker"));
    let two = page(&app, &admin, &format!("{href}?pagina=2")).await;
    assert!(two.contains("Tool 050") && two.contains("Tool 061") && !two.contains("Tool 049"));
    assert!(two.contains(&format!("{href}?pagina=1")) && !two.contains("pagina=3"));
    let past = page(&app, &admin, &format!("{href}?pagina=9")).await;
    assert!(past.contains("Tool 061"), "a page past the end shows the last");
    // Searched by the tool's name; LIKE's own characters are only themselves.
    let found = page(&app, &admin, &format!("{href}?zoek=tool+05")).await;
    assert!(
        found.contains("10 tools gevonden met „tool 05”") && found.contains("Tool 059") && !found.contains("Tool 060")
    );
    for (typed, shown) in [("%25", "%"), ("Tool_0", "Tool_0"), ("%5C", "\\")] {
        let none = page(&app, &admin, &format!("{href}?zoek={typed}")).await;
        assert!(none.contains(&format!("Geen tool gevonden met „{shown}”")), "{typed}: {none}");
    }
    // The way to add one for this training: the form comes with it chosen.
    let preset = page(&app, &admin, &format!("/ai-geletterdheid/beheer?training={training}")).await;
    assert!(preset.contains(&format!("<option value=\"{training}\" selected")), "{preset}");
    assert_eq!(app.get(&admin, "/ai-geletterdheid/beheer?training=geen-id").await.status(), 200, "ignored, no 400");
    // Only the administrator, only the organisation's own.
    assert_eq!(app.get(&emp, &href).await.status(), 403);
    assert_eq!(app.get(&admin, &format!("/ai-geletterdheid/trainingen/{}", Uuid::now_v7())).await.status(), 404);

    // The coverage pages its tools (62 rows was one page): 50 a page, searchable, the roles in full.
    let cov = page(&app, &ciso, "/ai-geletterdheid/dekking").await;
    assert!(cov.contains(">Tool 049<") && !cov.contains(">Tool 050<") && cov.contains("Pagina 1 van 2"), "{cov}");
    assert!(cov.contains(">Medewerker<"));
    let cov2 = page(&app, &ciso, "/ai-geletterdheid/dekking?pagina=2").await;
    assert!(cov2.contains(">Tool 061<") && !cov2.contains(">Tool 000<"));
    assert!(cov.contains("aria-label=\"1: ontbreekt, Tool 000\""), "each figure says what it counts: {cov}");
    let cov_none = page(&app, &ciso, "/ai-geletterdheid/dekking?zoek=xyz").await;
    assert!(cov_none.contains("Geen tool gevonden met „xyz”") && !cov_none.contains(">Tool 000<"));
    let cov_found = page(&app, &ciso, "/ai-geletterdheid/dekking?zoek=TOOL+06").await;
    assert!(cov_found.contains("2 tools gevonden met „TOOL 06”") && cov_found.contains(">Tool 061<"), "{cov_found}");
    assert!(!cov_found.contains(">Tool 059<") && !cov_found.contains("Pagina 1 van"));

    // "Eis verwijderen" asks first, saying what goes.
    let id = requirement_of(&app, "Tool 003").await;
    let remove = format!("/ai-geletterdheid/eisen/{id}/verwijderen");
    assert!(manage.contains(&format!("href=\"{remove}\"")), "the list links to the question, it removes nothing");
    let ask = page(&app, &admin, &remove).await;
    assert!(ask.contains("„Hoog-risico AI” is dan niet meer vereist voor de gebruikers van Tool 003."), "{ask}");
    assert!(ask.contains(&format!("action=\"{remove}\"")) && ask.contains(&format!("href=\"{href}\"")));
    assert_eq!(app.get(&emp, &remove).await.status(), 403);
    assert_eq!(app.post(&emp, &remove, &[]).await.status(), 403);
    let n = |sql: &'static str| app.count(sql, id);
    assert_eq!(
        n("select count(*) from training_requirement where requirement_id = $1").await,
        1,
        "asking removed nothing"
    );

    // Removed: back on the training's page, saying what went, with its audit event.
    let r = app.post(&admin, &remove, &[("training", &basis)]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, href.clone()));
    let after = page(&app, &admin, &href).await;
    assert!(
        after.contains("De eis is verwijderd: „Hoog-risico AI” is niet meer vereist voor de gebruikers van Tool 003.")
    );
    assert!(after.contains("61 tools vereisen") && !after.contains(">Tool 003</a>"));
    assert_eq!(n("select count(*) from training_requirement where requirement_id = $1").await, 0);
    let audited = "select count(*) from audit_event where object_id = $1 and action = 'literacy.requirement_removed'";
    assert_eq!(n(audited).await, 1);
    // Sent again (a second tab) or asked after it went: said so, nothing else happens.
    let again = app.post(&admin, &remove, &[("training", &basis)]).await;
    assert_eq!((again.status().as_u16(), location(&again)), (303, href.clone()), "back where the question came from");
    assert!(page(&app, &admin, &href).await.contains("Deze eis was al verwijderd."));
    let again = app.post(&admin, &remove, &[("training", &Uuid::now_v7().to_string())]).await;
    assert_eq!(location(&again), "/ai-geletterdheid/beheer", "not a training of the organisation");
    assert_eq!(n(audited).await, 1);
    let asked = app.get(&admin, &remove).await;
    assert_eq!((asked.status().as_u16(), location(&asked)), (303, "/ai-geletterdheid/beheer".to_string()));

    // A role requirement names the role.
    let role_req: Uuid = sqlx::query_scalar("select requirement_id from training_requirement where role is not null")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let ask = page(&app, &admin, &format!("/ai-geletterdheid/eisen/{role_req}/verwijderen")).await;
    assert!(ask.contains("is dan niet meer vereist voor iedereen met de rol Medewerker."), "{ask}");

    // Roles in the order of the roles, not of their codes; a training for roles only, and one for no one.
    let ciso_role = [("requirement_training", basis.as_str()), ("role", "ciso")];
    let r = app.post(&admin, "/ai-geletterdheid/eisen", &ciso_role).await;
    assert_eq!(location(&r), "/ai-geletterdheid/beheer#inhoud", "from the administrator's page: back there");
    let one = page(&app, &admin, &href).await;
    assert!(one.find("rol Medewerker").unwrap() < one.find("rol CISO").unwrap(), "{one}");
    let roles_only = [("title", "Voor rollen"), ("level", "basis")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/trainingen", &roles_only).await.status(), 303);
    let nobody: Uuid = sqlx::query_scalar("select training_id from training where title = 'Voor rollen'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let empty = page(&app, &admin, &format!("/ai-geletterdheid/trainingen/{nobody}")).await;
    assert!(empty.contains("Voor geen rol vereist.") && empty.contains("Voor geen tool vereist."), "{empty}");
    assert!(page(&app, &admin, "/ai-geletterdheid/beheer").await.contains("Voor niemand vereist."));
    let nobody_s = nobody.to_string();
    // Added from the training's page ("Een eis toevoegen voor deze training"): back on that page.
    let preset = page(&app, &admin, &format!("/ai-geletterdheid/beheer?training={nobody}")).await;
    assert!(preset.contains(&format!("<input type=\"hidden\" name=\"terug\" value=\"{nobody}\">")), "{preset}");
    let fg = [("requirement_training", nobody_s.as_str()), ("role", "fg"), ("terug", nobody_s.as_str())];
    let r = app.post(&admin, "/ai-geletterdheid/eisen", &fg).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, format!("/ai-geletterdheid/trainingen/{nobody}")));
    let roles = page(&app, &admin, &format!("/ai-geletterdheid/trainingen/{nobody}")).await;
    assert!(
        roles.contains("Iedereen met de rol Functionaris Gegevensbescherming (FG)")
            && roles.contains("Voor geen tool vereist."),
        "{roles}"
    );
}

/// Another organisation's training and requirements are not found: not shown, not asked about, not removed.
#[tokio::test]
async fn another_organisations_training_is_out_of_reach() {
    let app = TestApp::spawn().await;
    let ours = app.org("Gemeente Lingewaard", "gm1705").await;
    let theirs = app.org("Gemeente Overbetuwe", "gm1734").await;
    app.user(ADMIN, ours, &[Role::Medewerker, Role::Beheerder]).await;
    app.user("beheer@overbetuwe.example", theirs, &[Role::Medewerker, Role::Beheerder]).await;
    let admin = app.logged_in(ADMIN).await;
    let other = app.logged_in("beheer@overbetuwe.example").await;
    let fields = [("title", "Hun training"), ("level", "basis")];
    assert_eq!(app.post(&other, "/ai-geletterdheid/trainingen", &fields).await.status(), 303);
    let training: Uuid = sqlx::query_scalar("select training_id from training").fetch_one(&app.pool).await.unwrap();
    let t = training.to_string();
    let req = [("requirement_training", t.as_str()), ("role", "medewerker")];
    assert_eq!(app.post(&other, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    let id: Uuid =
        sqlx::query_scalar("select requirement_id from training_requirement").fetch_one(&app.pool).await.unwrap();

    assert_eq!(app.get(&admin, &format!("/ai-geletterdheid/trainingen/{training}")).await.status(), 404);
    let remove = format!("/ai-geletterdheid/eisen/{id}/verwijderen");
    let asked = app.get(&admin, &remove).await;
    assert_eq!((asked.status().as_u16(), location(&asked)), (303, "/ai-geletterdheid/beheer".to_string()));
    let r = app.post(&admin, &remove, &[("training", &t)]).await;
    assert_eq!(location(&r), "/ai-geletterdheid/beheer", "their training is not a way back either");
    assert_eq!(app.count("select count(*) from training_requirement where requirement_id = $1", id).await, 1);
    let audited = "select count(*) from audit_event where object_id = $1 and action = 'literacy.requirement_removed'";
    assert_eq!(app.count(audited, id).await, 0);
    assert!(!page(&app, &admin, "/ai-geletterdheid/beheer").await.contains("Hun training"));
    // Their own administrator can.
    assert_eq!(
        location(&app.post(&other, &remove, &[("training", &t)]).await),
        format!("/ai-geletterdheid/trainingen/{t}")
    );
    assert_eq!(app.count("select count(*) from training_requirement where requirement_id = $1", id).await, 0);
}

/// A training's page says who completed it: one row per person by their latest completion (a renewal leaves no
/// old row that reads "Verlopen"), the 50 most recent, how everyone stands and how many entries wait for
/// confirmation; never another organisation's.
#[tokio::test]
async fn a_trainings_page_lists_who_completed_it() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Lingewaard", "gm1705").await;
    let theirs = app.org("Gemeente Overbetuwe", "gm1734").await;
    let boss = app.user(ADMIN, org, &[Role::Medewerker, Role::Beheerder]).await;
    let admin = app.logged_in(ADMIN).await;
    let fields = [("title", "Basis AI"), ("level", "basis"), ("validity_months", "12")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/trainingen", &fields).await.status(), 303);
    let training: Uuid = sqlx::query_scalar("select training_id from training").fetch_one(&app.pool).await.unwrap();
    let href = format!("/ai-geletterdheid/trainingen/{training}");
    assert!(page(&app, &admin, &href).await.contains("Nog niemand heeft deze training afgerond."));

    // "Persoon 01" … "Persoon 55" completed it ten days apart up to ten days ago (Persoon 01 550 days ago);
    // Persoon 56 entered it herself today and waits; Persoon 55 entered a renewal today that waits; Persoon 01
    // renewed it five days ago, confirmed.
    let add = |who: &'static str, days_ago: &'static str, confirmed: bool| {
        let pool = app.pool.clone();
        async move {
            sqlx::query(
                "insert into training_completion (completion_id, organisation_id, training_id, user_id, completed_on,
                                                  source, recorded_by, confirmed_by, confirmed_at)
                 select gen_random_uuid(), $1, $2, user_id, current_date - $4::int,
                        case when $5 then 'beheerder' else 'zelf' end, $3,
                        case when $5 then $3::uuid end, case when $5 then now() end
                 from app_user where email = $6",
            )
            .bind(org)
            .bind(training)
            .bind(boss)
            .bind(days_ago.parse::<i32>().unwrap())
            .bind(confirmed)
            .bind(who)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    sqlx::query(
        "with u as (insert into app_user (user_id, email, name)
                    select gen_random_uuid(), 'p' || lpad(i::text, 2, '0') || '@lingewaard.example',
                           'Persoon ' || lpad(i::text, 2, '0') from generate_series(1, 56) i returning user_id)
         insert into membership (user_id, organisation_id, role) select user_id, $1, 'medewerker' from u",
    )
    .bind(org)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into training_completion (completion_id, organisation_id, training_id, user_id, completed_on, source,
                                          recorded_by, confirmed_by, confirmed_at)
         select gen_random_uuid(), $1, $2, user_id, current_date - (56 - substr(email, 2, 2)::int) * 10,
                'beheerder', $3, $3, now()
         from app_user where email like 'p__@lingewaard.example' and email <> 'p56@lingewaard.example'",
    )
    .bind(org)
    .bind(training)
    .bind(boss)
    .execute(&app.pool)
    .await
    .unwrap();
    add("p56@lingewaard.example", "0", false).await;
    add("p55@lingewaard.example", "0", false).await;
    add("p01@lingewaard.example", "5", true).await;

    let one = page(&app, &admin, &href).await;
    // 10–300 days ago: valid; 310–360: expiring within 60 days; 370–540 (Persoon 02–19): expired.
    assert!(
        one.contains(
            "56 medewerkers hebben deze training gevolgd of ingevoerd, elk geteld met de laatste afronding: \
             gevolgd en geldig 31, verloopt binnenkort 6, verlopen 18, wacht op bevestiging 1. \
             Hieronder de 50 met de recentste afronding."
        ),
        "{one}"
    );
    assert!(one.contains("2 afrondingen wachten op bevestiging"), "{one}");
    assert!(one.contains("href=\"/ai-geletterdheid/beheer#kop-bevestigen\""));
    // The most recent first: the two entries of today (by name), the renewal of five days ago, then 54 … 08.
    let at = |who: &str| one.find(who).unwrap_or_else(|| panic!("{who} missing"));
    let order = ["Persoon 55 (p55", "Persoon 56 (p56", "Persoon 01 (p01", "Persoon 54", "Persoon 08"];
    assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "{one}");
    assert!(!one.contains("Persoon 07") && !one.contains("Persoon 02"), "only the 50 most recent");
    assert_eq!(one.matches("Persoon 01 (").count(), 1, "one row per person");
    let row = |who: &str| {
        let from = &one[at(who)..];
        from[..from.find("</tr>").unwrap()].to_string()
    };
    let day = |days: i32| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_as::<_, (String, String)>(
                "select to_char(current_date - $1, 'DD-MM-YYYY'),
                        to_char((current_date - $1 + interval '12 months')::date - 1, 'DD-MM-YYYY')",
            )
            .bind(days)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (today, _) = day(0).await;
    let (done, until) = day(10).await;
    let renewing = row("Persoon 55");
    assert!(renewing.contains(&format!("Gevolgd en geldig; een nieuwe afronding van {today} wacht op bevestiging")));
    assert!(renewing.contains(&done) && renewing.contains(&until), "{done} {until}: {renewing}");
    let new = row("Persoon 56");
    assert!(new.contains("Wacht op bevestiging") && new.contains("–"), "{new}");
    let (renewed, _) = day(5).await;
    assert!(row("Persoon 01").contains("Gevolgd en geldig") && row("Persoon 01").contains(&renewed));
    assert!(row("Persoon 08").contains("Verlopen"), "480 days ago");

    // A completion filed under another organisation (whatever its training) is not ours to count or show, and
    // our training's page is not theirs to see.
    let stranger = app.user("beheer@overbetuwe.example", theirs, &[Role::Medewerker, Role::Beheerder]).await;
    sqlx::query(
        "insert into training_completion (completion_id, organisation_id, training_id, user_id, completed_on, source,
                                          confirmed_at)
         values (gen_random_uuid(), $1, $2, $3, current_date, 'beheerder', now())",
    )
    .bind(theirs)
    .bind(training)
    .bind(stranger)
    .execute(&app.pool)
    .await
    .unwrap();
    let again = page(&app, &admin, &href).await;
    assert!(again.contains("56 medewerkers hebben") && !again.contains("beheer@overbetuwe.example"), "{again}");
    let other = app.logged_in("beheer@overbetuwe.example").await;
    assert_eq!(app.get(&other, &href).await.status(), 404);
}
