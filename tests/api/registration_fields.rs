//! Registration fields (the CISO's "Valt onder bestaande registratie", the administrator's "Vereist voor de
//! tool") search the register instead of listing all of it: at most twenty registrations as radio buttons, from
//! /register/kiezen while typing or from the server when the form comes back. A typed name links only when it
//! names one registration; otherwise the field says so and shows the ones found, and nothing is written.

use airegister::auth::roles::Role;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{TestApp, page};
use crate::requests::{CISO, FULL, MW, act, registration, state, submitted, with, world};

/// `n` registrations named "{prefix} 1" … in `status`, written directly (the form is not what is tested).
async fn many(app: &TestApp, org: Uuid, prefix: &str, n: i32, status: &str) {
    sqlx::query(
        "insert into application (application_id, organisation_id, name, description_short, workflow_status, submitted_at)
         select gen_random_uuid(), $1, $2 || ' ' || i, 'Extra', $3, case when $3 <> 'concept' then now() end
           from generate_series(1, $4) i",
    )
    .bind(org)
    .bind(prefix)
    .bind(status)
    .bind(n)
    .execute(&app.pool)
    .await
    .unwrap();
}

fn radios(html: &str, name: &str) -> usize {
    html.matches(&format!("type=\"radio\" id=\"{name}-")).count()
}

/// Whether the radio button of this registration (or "geen") is on the page, and ticked.
fn ticked(html: &str, value: &str) -> Option<bool> {
    let at = html.find(&format!("id=\"application_id-{value}\""))?;
    let tag = &html[at..at + html[at..].find('>').unwrap()];
    Some(tag.ends_with(" checked"))
}

async fn linked_to(app: &TestApp, id: Uuid) -> Option<Uuid> {
    sqlx::query_scalar("select application_id from tool_request where request_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_triage_searches_the_register_and_links_a_typed_name_only_when_it_is_one_registration() {
    let w = world().await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let ciso = app.logged_in(CISO).await;
    let chat = registration(app, &ciso, "ChatGPT", w.pl, "goedgekeurd", "").await;
    let team = registration(app, &ciso, "ChatGPT Team", w.pl, "goedgekeurd_onder_voorwaarden", "").await;
    many(app, w.org, "Vertaaltool", 300, "in_gebruik").await;
    many(app, w.org, "Concepttool", 5, "concept").await;

    // Before any input the field searches the request's tool name and ticks the registration of that name;
    // none of the 300 others is on the page.
    let id = submitted(app, &mw, &with(FULL, &[("tool_name", "chatgpt")])).await;
    let html = page(app, &ciso, &format!("/aanvragen/{id}")).await;
    assert_eq!(radios(&html, "application_id"), 2, "{html}");
    assert!(html.contains("name=\"application_id_zoek\" value=\"chatgpt\""));
    assert_eq!(ticked(&html, &chat.to_string()), Some(true), "the same name is ticked");
    assert_eq!(ticked(&html, &team.to_string()), Some(false));
    assert!(html.contains("ChatGPT Team – Goedgekeurd onder voorwaarden") && !html.contains("Vertaaltool"));
    assert!(html.contains("2 registraties gevonden."));
    // A request whose tool only part of a name fits: shown, not ticked.
    let other = submitted(app, &mw, &with(FULL, &[("tool_name", "gpt tea")])).await;
    let html = page(app, &ciso, &format!("/aanvragen/{other}")).await;
    assert_eq!(ticked(&html, &team.to_string()), Some(false));

    // "Zoeken" (the field's own button, for a browser without JavaScript): the ones found, nothing done.
    let r =
        act(app, &ciso, id, "koppelen", &[("application_id_zoek", "vertaal"), ("application_id_zoeken", "ja")]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert_eq!(radios(&html, "application_id"), 20, "at most twenty");
    assert!(html.contains("Meer dan 20 registraties gevonden: typ een groter deel van de naam."));
    assert!(!html.contains("utrecht-form-field-error-message"), "a search is not an error");
    assert_eq!(state(app, id).await.0, "ingediend");

    // Typed text that is not one registration's whole name: refused on the field, the ones found shown to choose
    // from, nothing linked.
    let r = act(app, &ciso, id, "koppelen", &[("application_id_zoek", "vertaal"), ("link_note", "Zie beleid.")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Bij Registratie: kies hieronder welke registratie u bedoelt met „vertaal”."), "{html}");
    assert_eq!(radios(&html, "application_id"), 20);
    assert!(html.contains("Zie beleid.") && html.contains("value=\"vertaal\""), "the input comes back");
    assert_eq!(state(app, id).await.0, "ingediend");
    // Only part of one name fits: still chosen by hand (the requester is told which registration it is).
    let r = act(app, &ciso, id, "koppelen", &[("application_id_zoek", "gpt tea")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert_eq!((radios(&html, "application_id"), ticked(&html, &team.to_string())), (1, Some(false)));
    // Nothing, or a draft (not offered), is not found.
    for typed in ["bestaat niet", "concepttool 1"] {
        let r = act(app, &ciso, id, "koppelen", &[("application_id_zoek", typed)]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains(&format!("Bij Registratie: geen registratie gevonden met „{typed}” in de naam")));
    }
    // A registration of another organisation chosen by id is refused.
    let elders = app.org("Gemeente Elders", "gm0203").await;
    many(app, elders, "Elders", 1, "goedgekeurd").await;
    let other: Uuid = sqlx::query_scalar("select application_id from application where organisation_id = $1")
        .bind(elders)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let r = act(app, &ciso, id, "koppelen", &[("application_id", &other.to_string())]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("de gekozen registratie bestaat niet (meer) of past hier niet"));
    // A ticked registration that does not fit the text searched since: a search for another one, so refused and
    // no longer ticked.
    let chosen = chat.to_string();
    let r = act(app, &ciso, id, "koppelen", &[("application_id", &chosen), ("application_id_zoek", "vertaal")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Bij Registratie: u had „ChatGPT” aangevinkt en zocht daarna op „vertaal”. Kies hieronder"),
        "{html}"
    );
    assert_eq!(ticked(&html, &chosen), None);
    assert_eq!(state(app, id).await.0, "ingediend");

    // The whole name of one of several ("ChatGPT" beside "ChatGPT Team") links that one.
    let r = act(app, &ciso, id, "koppelen", &[("application_id_zoek", " chatgpt ")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(linked_to(app, id).await, Some(chat));
    // The requester reads that their request falls under it; the CISO whose request it is.
    let shown =
        |html: String| html.split("Valt onder een bestaande registratie</h2>").nth(1).unwrap_or_default().to_string();
    let to_ciso = shown(app.get(&ciso, &format!("/aanvragen/{id}")).await.text().await.unwrap());
    assert!(to_ciso.contains("De CISO heeft bepaald dat de aanvraag van "), "{to_ciso}");
    let to_requester = shown(app.get(&mw, &format!("/aanvragen/{id}")).await.text().await.unwrap());
    assert!(to_requester.contains("De CISO heeft bepaald dat uw aanvraag valt onder"), "{to_requester}");
    // A ticked one that fits the text links it.
    let r = act(app, &ciso, other_request(app, &mw).await, "koppelen", &[]).await;
    assert_eq!(r.status(), 422, "nothing chosen, nothing typed");
    let id = other_request(app, &mw).await;
    let r =
        act(app, &ciso, id, "koppelen", &[("application_id", &team.to_string()), ("application_id_zoek", "gpt tea")])
            .await;
    assert_eq!(r.status(), 303);
    assert_eq!(linked_to(app, id).await, Some(team));
}

async fn other_request(app: &TestApp, mw: &reqwest::Client) -> Uuid {
    submitted(app, mw, &with(FULL, &[("tool_name", "Iets anders")])).await
}

#[tokio::test]
async fn suggestions_are_bounded_scoped_and_only_for_those_who_fill_such_a_field() {
    let w = world().await;
    let app = &w.app;
    let ciso = app.logged_in(CISO).await;
    let mw = app.logged_in(MW).await;
    many(app, w.org, "Vertaaltool", 30, "in_gebruik").await;
    many(app, w.org, "Concept_tool", 2, "concept").await;
    many(app, w.org, "Conceptxtool", 1, "concept").await;
    many(app, w.org, "Afgewezen tool", 1, "afgewezen").await;
    let elders = app.org("Gemeente Elders", "gm0203").await;
    many(app, elders, "Vertaaltool elders", 3, "in_gebruik").await;

    let json = |r: reqwest::Response| async move { r.json::<Vec<Value>>().await.unwrap() };
    let found = json(app.get(&ciso, "/register/kiezen?voor=aanvraag&q=VERTAAL").await).await;
    assert_eq!(found.len(), 21, "twenty and one more to say there are more");
    assert!(found.iter().all(|c| c["label"].as_str().unwrap().starts_with("Vertaaltool ")));
    assert!(found.iter().all(|c| !c["label"].as_str().unwrap().contains("elders")), "own organisation only");
    assert!(Uuid::parse_str(found[0]["value"].as_str().unwrap()).is_ok());
    // Requests leave drafts out and keep rejected registrations; requirements the other way round.
    let names = |found: Vec<Value>| found.iter().map(|c| c["label"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(
        names(json(app.get(&ciso, "/register/kiezen?voor=aanvraag&q=tool").await).await)
            .iter()
            .any(|n| n.starts_with("Afgewezen tool 1 – Afgewezen"))
    );
    assert!(names(json(app.get(&ciso, "/register/kiezen?voor=aanvraag&q=concept").await).await).is_empty());
    // LIKE's own characters are taken literally: "_" is not any character.
    let admin_email = "beheer@aanvraagdam.example";
    app.user(admin_email, w.org, &[Role::Medewerker, Role::Beheerder]).await;
    let admin = app.logged_in(admin_email).await;
    let found = names(json(app.get(&admin, "/register/kiezen?voor=eis&q=concept_").await).await);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(names(json(app.get(&admin, "/register/kiezen?voor=eis&q=concept%25").await).await).is_empty());
    assert!(names(json(app.get(&admin, "/register/kiezen?voor=eis&q=afgewezen").await).await).is_empty());
    // Only the CISO for requests, only the administrator for requirements; an unknown field is not there.
    assert_eq!(app.get(&mw, "/register/kiezen?voor=aanvraag&q=vertaal").await.status(), 403);
    assert_eq!(app.get(&admin, "/register/kiezen?voor=aanvraag&q=vertaal").await.status(), 403);
    assert_eq!(app.get(&ciso, "/register/kiezen?voor=eis&q=vertaal").await.status(), 403);
    assert_eq!(app.get(&ciso, "/register/kiezen?voor=iets&q=vertaal").await.status(), 404);
}

#[tokio::test]
async fn a_training_requirement_takes_a_tool_found_by_name() {
    let w = world().await;
    let app = &w.app;
    let admin_email = "beheer@aanvraagdam.example";
    app.user(admin_email, w.org, &[Role::Medewerker, Role::Beheerder]).await;
    let admin = app.logged_in(admin_email).await;
    let ciso = app.logged_in(CISO).await;
    let copilot = registration(app, &ciso, "Copilot", w.pl, "goedgekeurd", "").await;
    many(app, w.org, "Vertaaltool", 300, "in_gebruik").await;
    assert_eq!(
        app.post(&admin, "/ai-geletterdheid/trainingen", &[("title", "Copilot gevorderd"), ("level", "gevorderd")])
            .await
            .status(),
        303
    );
    let training: Uuid = sqlx::query_scalar("select training_id from training where title = 'Copilot gevorderd'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let training = training.to_string();

    // The page lists no registration until one is searched.
    let html = page(app, &admin, "/ai-geletterdheid/beheer").await;
    assert_eq!(radios(&html, "application_id"), 1, "only „Geen tool”");
    assert!(html.contains("Zoeken</button>"), "a search without JavaScript");
    assert_eq!(ticked(&html, "geen"), Some(false), "nothing ticked until someone chooses");

    // "Zoeken" shows what fits, nothing saved.
    let req = [
        ("requirement_training", training.as_str()),
        ("application_id_zoek", "vertaal"),
        ("application_id_zoeken", "ja"),
    ];
    let r = app.post(&admin, "/ai-geletterdheid/eisen", &req).await;
    assert_eq!(r.status(), 200);
    assert_eq!(radios(&r.text().await.unwrap(), "application_id"), 21, "„Geen tool” and twenty found");
    // Nothing found: the field says what it leaves out (a rejected tool is in the register, just not here).
    let req = [
        ("requirement_training", training.as_str()),
        ("application_id_zoek", "DeepSeek"),
        ("application_id_zoeken", "ja"),
    ];
    let html = app.post(&admin, "/ai-geletterdheid/eisen", &req).await.text().await.unwrap();
    assert!(
        html.contains(
            "Geen registratie gevonden met „DeepSeek” in de naam. Afgewezen tools staan hier niet bij: voor een \
             afgewezen tool geldt geen eis."
        ),
        "{html}"
    );
    assert!(html.contains("data-kies-weggelaten=\"Afgewezen tools staan hier niet bij"), "the script says it too");

    // Typed, not chosen: refused on the field with the search kept and the ones found to choose from.
    let req = [("requirement_training", training.as_str()), ("application_id_zoek", "vertaal")];
    let r = app.post(&admin, "/ai-geletterdheid/eisen", &req).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Bij Vereist voor de tool: kies hieronder welke registratie u bedoelt met „vertaal”."),
        "{html}"
    );
    assert_eq!(radios(&html, "application_id"), 21);
    assert_eq!(ticked(&html, "geen"), Some(false), "nothing ticked until someone chooses");
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from training_requirement where organisation_id = $1")
            .bind(w.org)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 0);

    // "Geen tool" ticked after a search: a requirement for a role, whatever is in the search box.
    let req = [
        ("requirement_training", training.as_str()),
        ("role", "ciso"),
        ("application_id", "geen"),
        ("application_id_zoek", "copilot"),
    ];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    let tools = || async {
        sqlx::query_scalar::<_, Option<Uuid>>(
            "select application_id from training_requirement where organisation_id = $1 order by role nulls first",
        )
        .bind(w.org)
        .fetch_all(&app.pool)
        .await
        .unwrap()
    };
    assert_eq!(tools().await, [None]);

    // A tool's whole name: saved for that tool.
    let req = [("requirement_training", training.as_str()), ("application_id", ""), ("application_id_zoek", "COPILOT")];
    assert_eq!(app.post(&admin, "/ai-geletterdheid/eisen", &req).await.status(), 303);
    assert_eq!(tools().await, [Some(copilot), None]);
    // A role and a tool together are still refused, with the tool kept as chosen.
    let other =
        [("requirement_training", training.as_str()), ("role", "medewerker"), ("application_id_zoek", "copilot")];
    let r = app.post(&admin, "/ai-geletterdheid/eisen", &other).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Kies een rol óf een tool, niet allebei."));
    assert_eq!(ticked(&html, &copilot.to_string()), Some(true));
    assert_eq!(count().await, 2);
}
