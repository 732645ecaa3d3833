//! The register: registering through the form, validation, the duplicate check, search and filters,
//! optimistic locking, access per organisation, the risk override, and the audit trail.

use airegister::auth::roles::Role;
use airegister::register::fields::CHECKLIST;
use uuid::Uuid;

use crate::helpers::{TestApp, location};

/// Everything a registration needs before it can be submitted, gates included (plus the caller's extra fields,
/// which replace the defaults of the same name).
pub fn complete<'a>(name: &'a str, accountable: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("name", name),
        ("description_short", "Een tool die teksten samenvat voor medewerkers."),
        ("department", "Communicatie"),
        ("use_category", "interne_productiviteit"),
        ("deployment", "openbare_webdienst"),
        ("licence_type", "organisatie"),
        ("generative", "ja"),
        ("agentic", "nee"),
        ("status", "In gebruik"),
        ("goal", "Sneller samenvatten."),
        ("interaction", "intern"),
        ("personal_data", "nee"),
        ("data_location", "eu"),
        ("publication_category", "Overige algoritmes"),
        ("contact_email", "algoritmes@gemeente.example"),
        ("rasci_A_user", accountable),
        ("owner_id", accountable),
        ("dc_openbaar", "toegestaan"),
        ("dc_intern", "onder_voorwaarden"),
        ("dc_vertrouwelijk", "verboden"),
        ("dc_persoonsgegevens", "verboden"),
        ("dc_bijzondere", "verboden"),
        ("dc_beveiliging", "verboden"),
        ("dc_klant", "verboden"),
        ("dc_financieel", "verboden"),
        ("checked_name", name),
        ("agreement_data_use", "ja"),
        ("agreement_retention", "ja"),
        ("agreement_training", "ja"),
        ("risk_analysis_reason", "Alleen openbare en interne teksten; geen persoonsgegevens, dus geen DPIA of IAMA."),
    ];
    f.retain(|(key, _)| !extra.iter().any(|(k, _)| k == key));
    if !extra.iter().any(|(k, _)| *k == "checklist") {
        f.extend(CHECKLIST.iter().map(|c| ("checklist", c.value)));
    }
    f.extend_from_slice(extra);
    f
}

async fn setup() -> (TestApp, Uuid, Uuid, reqwest::Client) {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let pl = app.user("pl@testdam.example", org, &[Role::Medewerker, Role::Projectleider]).await;
    let client = app.logged_in("pl@testdam.example").await;
    (app, org, pl, client)
}

fn id_from(resp: &reqwest::Response) -> Uuid {
    let loc = location(resp);
    Uuid::parse_str(loc.trim_start_matches("/register/"))
        .unwrap_or_else(|_| panic!("redirect to a registration, got {loc}"))
}

async fn register(app: &TestApp, c: &reqwest::Client, fields: &[(&str, &str)]) -> Uuid {
    let r = app.post(c, "/register", fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    id_from(&r)
}

#[tokio::test]
async fn an_employee_saves_a_draft_completes_it_and_submits() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let me = app.user("mw@testdam.example", org, &[Role::Medewerker]).await;
    let c = app.logged_in("mw@testdam.example").await;

    // Asked for the name first; then the first step of the form with the name filled in, the steps ahead
    // named, and only this step's fields (publication comes only when the tool is published).
    let page = app.get(&c, "/register/nieuw?naam=Notion%20AI").await.text().await.unwrap();
    assert!(page.contains("value=\"Notion AI\"") && page.contains("Stap 1 van"));
    assert!(page.contains("Verantwoord gebruik") && !page.contains("Doel en impact"));
    assert!(!page.contains("Publicatiecategorie"));
    // The whole form on one page stays available.
    let all = app.get(&c, "/register/nieuw?naam=Notion%20AI&alles=1").await.text().await.unwrap();
    assert!(all.contains("Doel en impact") && all.contains("Publicatiecategorie"));

    // A draft needs only a name and a short description.
    let id = register(
        &app,
        &c,
        &[("name", "Notion AI"), ("description_short", "Samenvatten van notities."), ("checked_name", "Notion AI")],
    )
    .await;
    let detail = app.get(&c, &format!("/register/{id}")).await.text().await.unwrap();
    assert!(detail.contains("Concept") && detail.contains("Nog nodig voordat u kunt indienen"));
    assert!(detail.contains("Contactgegevens") && detail.contains("Precies één Accountable"));
    // Designed for reading: the summary first, then the sections; a section's empty fields share one line
    // instead of a "Niet ingevuld" row each.
    let at = |s: &str| detail.find(s).unwrap_or_else(|| panic!("no {s} in {detail}"));
    assert!(at("In het kort") < at("id=\"kop-algemeen\""), "{detail}");
    assert!(detail.contains("Nog niet gepland") && detail.contains("Nog niet aangegeven:</span> Openbare informatie"));
    assert!(!detail.contains(">Niet ingevuld<"), "{detail}");
    assert!(detail.matches("Nog niet ingevuld:").count() <= 6, "at most one line per section");
    assert!(detail.contains("Nog niet ingevuld:</span> Leverancier, Afdeling"), "{detail}");

    // Submitting from the detail page while incomplete sends the user to the form with what is missing.
    let r = app.post(&c, &format!("/register/{id}/indienen"), &[]).await;
    assert_eq!(location(&r), format!("/register/{id}/bewerken/overzicht"));

    // Completing and submitting in one go (the one-page form).
    let me_s = me.to_string();
    let mut fields = complete("Notion AI", &me_s, &[("version", "0"), ("actie", "indienen")]);
    fields.push(("rasci_R_function", "Teamleider Communicatie"));
    let r = app.post(&c, &format!("/register/{id}"), &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (status, risk, owner): (String, Option<String>, Option<Uuid>) =
        sqlx::query_as("select workflow_status, risk_level, owner_id from application where application_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "ingediend");
    assert_eq!(risk.as_deref(), Some("middel"), "internal data under an organisation licence");
    assert_eq!(owner, Some(me), "the registrant owns the registration");
    // The checklist shows once, as the list of who ticked what and when (not also as a field value).
    let detail = app.get(&c, &format!("/register/{id}")).await.text().await.unwrap();
    assert_eq!(detail.matches("Checklist verantwoorde inzet").count(), 1, "{detail}");
    assert!(detail.contains("Afgevinkt door") && detail.contains("Nog niet afgevinkt:"), "{detail}");
    // The summary: phase, the derived risk, the owner and which data may go in.
    let name: String =
        sqlx::query_scalar("select name from app_user where user_id = $1").bind(me).fetch_one(&app.pool).await.unwrap();
    let summary = &detail[detail.find("In het kort").unwrap()..detail.find("id=\"kop-algemeen\"").unwrap()];
    assert!(summary.contains("In gebruik") && summary.contains(&name), "{summary}");
    assert!(
        summary.contains("<strong>Middel</strong> <span class=\"app-muted\">(afgeleid uit de gegevens en de licentie)")
    );
    assert!(summary.contains("Toegestaan</span> Openbare informatie"), "{summary}");
    assert!(summary.contains("Onder voorwaarden</span> Interne informatie"), "{summary}");
    assert!(summary.contains("Verboden</span> Vertrouwelijke informatie, Persoonsgegevens"), "{summary}");
    // A filled-in text reads as a heading with its paragraph.
    assert!(detail.contains("<h3 class=\"utrecht-heading-3\">Doel en impact</h3>"), "{detail}");

    // Mijn toepassingen lists what I own or am R/A for; the history shows the steps and differences.
    let mine = app.get(&c, "/mijn-toepassingen").await.text().await.unwrap();
    assert!(mine.contains("Notion AI") && mine.contains("Accountable"));
    // Listed for the RASCI letter alone (no longer the owner); not at all once that is gone.
    sqlx::query("update application set owner_id = null where application_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let mine = app.get(&c, "/mijn-toepassingen").await.text().await.unwrap();
    assert!(mine.contains("<td class=\"utrecht-table__cell\">Accountable</td>"), "{mine}");
    sqlx::query("delete from rasci_assignment where application_id = $1 and user_id = $2")
        .bind(id)
        .bind(me)
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(!app.get(&c, "/mijn-toepassingen").await.text().await.unwrap().contains("Notion AI"));
    sqlx::query("update application set owner_id = $2 where application_id = $1")
        .bind(id)
        .bind(me)
        .execute(&app.pool)
        .await
        .unwrap();
    let history = app.get(&c, &format!("/register/{id}/geschiedenis")).await.text().await.unwrap();
    assert!(history.contains("Geregistreerd") && history.contains("Gewijzigd") && history.contains("Ingediend"));
    assert!(history.contains("Beoordelingsstatus") && history.contains("ingediend"));
    let events: i64 = sqlx::query_scalar("select count(*) from audit_event where object_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(events, 3);

    // After submission the employee (not owner-editor by role) can still not be bypassed: a second submit is 409.
    let r = app.post(&c, &format!("/register/{id}/indienen"), &[]).await;
    assert!(r.status() == 409 || r.status() == 403, "got {}", r.status());
}

#[tokio::test]
async fn every_validation_rule_answers_in_dutch_per_field_and_keeps_the_input() {
    let (app, _, _, c) = setup().await;
    let long_name = "n".repeat(101);
    let long_desc = "d".repeat(401);
    let long_goal = format!("<p>{}</p>", "g".repeat(2501));
    let cases: Vec<(&str, &str, &str)> = vec![
        ("name", long_name.as_str(), "hoogstens 100 tekens"),
        ("description_short", long_desc.as_str(), "hoogstens 400 tekens"),
        ("goal", long_goal.as_str(), "opmaak niet meegeteld"),
        ("begin_date", "03-2021", "jjjj-mm"),
        ("end_date", "2024-13", "jjjj-mm"),
        ("website", "http://gemeente.example", "https://"),
        ("url", "ftp://gemeente.example/x", "https://"),
        ("process_index_url", "https://", "https://"),
        ("publiccode", "javascript:alert(1)", "https://"),
        ("contact_email", "bel de balie", "e-mailadres"),
        ("status", "in gebruik", "mogelijke waarden"),
        ("publication_category", "Hoog-risico AI-systemen", "mogelijke waarden"),
        ("category", "Bestuur", "mogelijke waarden"),
        ("use_category", "klant", "mogelijke waarden"),
        ("dc_klant", "misschien", "mogelijke waarden"),
        ("generative", "soms", "ja of nee"),
        ("next_evaluation", "2026-02-30", "geldige datum"),
        ("owner_id", "00000000-0000-0000-0000-000000000000", "medewerker van de organisatie"),
    ];
    for (field, value, message) in cases {
        let mut fields = vec![("name", "Tool"), ("description_short", "Omschrijving"), ("checked_name", "Tool")];
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let r = app.post(&c, "/register", &fields).await;
        assert_eq!(r.status(), 422, "{field}={value}");
        let html = r.text().await.unwrap();
        let error_id = format!("id=\"{field}-error\"");
        assert!(html.contains(&error_id), "{field}: no error next to the field");
        assert!(html.contains(message), "{field}: expected '{message}'");
        assert!(
            html.contains("Er is een probleem") && html.contains(&format!("href=\"#{field}\"")),
            "{field}: summary links to the field"
        );
        if !["category", "dc_klant", "generative", "status", "use_category", "publication_category", "owner_id", "goal"]
            .contains(&field)
        {
            assert!(
                html.contains(&format!("value=\"{}\"", value.replace('&', "&amp;"))) || html.contains(value),
                "{field}: input kept"
            );
        }
    }
    // Reference lists: each row needs a title and an https link.
    let r = app
        .post(
            &c,
            "/register",
            &[
                ("name", "Tool"),
                ("description_short", "Omschrijving"),
                ("checked_name", "Tool"),
                ("lawful_basis_grouping_title", "Wet WOZ"),
                ("lawful_basis_grouping_link", "wetten.overheid.nl/BWBR0007119"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("regel 1") && html.contains("wetten.overheid.nl/BWBR0007119"));
    // A draft without a name is refused too, and nothing was written by any of the above.
    let r = app.post(&c, "/register", &[("description_short", "Zonder naam")]).await;
    assert_eq!(r.status(), 422);
    let n: i64 = sqlx::query_scalar("select count(*) from application").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn rich_text_is_sanitised_to_the_registers_tags_and_contact_may_be_a_url() {
    let (app, _, _, c) = setup().await;
    let id = register(
        &app,
        &c,
        &[
            ("name", "Chatbot"),
            ("description_short", "Vragen van inwoners beantwoorden."),
            ("checked_name", "Chatbot"),
            ("goal", r#"<p onclick="steal()">Doel<script>alert(1)</script> <b>vet</b></p><ul><li style="x">een</li></ul><img src=x onerror=alert(2)>"#),
            ("risks", "Eerste alinea\n\n- risico a\n- risico b"),
            ("contact_email", "https://gemeente.example/contact"),
        ],
    )
    .await;
    let (goal, risks, contact): (String, String, String) =
        sqlx::query_as("select goal, risks, contact_email from application where application_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(goal, "<p>Doel vet</p><ul><li>een</li></ul>");
    assert_eq!(risks, "<p>Eerste alinea</p><ul><li>risico a</li><li>risico b</li></ul>");
    assert_eq!(contact, "https://gemeente.example/contact");
    let page = app.get(&c, &format!("/register/{id}")).await.text().await.unwrap();
    assert!(!page.contains("alert(") && !page.contains("onclick"));
    assert!(page.contains("<li>risico a</li>"));
}

#[tokio::test]
async fn a_similar_name_is_shown_before_a_duplicate_is_created() {
    let (app, _, _, c) = setup().await;
    register(
        &app,
        &c,
        &[("name", "ChatGPT Team"), ("description_short", "Zakelijke ChatGPT."), ("checked_name", "ChatGPT Team")],
    )
    .await;
    let step2 = app.get(&c, "/register/nieuw?naam=chatgpt").await.text().await.unwrap();
    assert!(step2.contains("Bestaat deze tool al?") && step2.contains("ChatGPT Team"));
    // Posting a new name that was not checked shows the similar registrations once and writes nothing.
    let r = app.post(&c, "/register", &[("name", "ChatGPT"), ("description_short", "Gratis versie.")]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Bestaat deze tool al?") && html.contains("value=\"Gratis versie.\"")
            || html.contains("Gratis versie.")
    );
    let n: i64 = sqlx::query_scalar("select count(*) from application").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 1);
    // Saving again (the name is now checked) creates it.
    register(&app, &c, &[("name", "ChatGPT"), ("description_short", "Gratis versie."), ("checked_name", "ChatGPT")])
        .await;
}

#[tokio::test]
async fn search_every_filter_sorting_and_pages() {
    let (app, org, pl, c) = setup().await;
    let pl_s = pl.to_string();
    let chat = register(
        &app,
        &c,
        &complete("ChatGPT Team", &pl_s, &[("provider", "OpenAI"), ("tags", "tekstgenerator"), ("actie", "indienen")]),
    )
    .await;
    let woz = register(
        &app,
        &c,
        &complete(
            "Waarderen WOZ-objecten",
            &pl_s,
            &[
                ("department", "Belastingen"),
                ("use_category", "klantprojecten"),
                ("personal_data", "ja"),
                ("special_categories", "nee"),
                ("dc_persoonsgegevens", "toegestaan"),
                ("ai_act_risk_group", "niet van toepassing"),
                ("next_evaluation", "2020-01-01"),
                ("description_short", "Schatting van woningwaarden voor de belastingen."),
            ],
        ),
    )
    .await;
    let draft = register(
        &app,
        &c,
        &[
            ("name", "Notion AI"),
            ("description_short", "Notities samenvatten met GPT-4 en model 3.1, met vertaalhulp."),
            ("checked_name", "Notion AI"),
        ],
    )
    .await;
    sqlx::query(
        "update application set workflow_status = 'in_gebruik', submitted_at = now() where application_id = $1",
    )
    .bind(woz)
    .execute(&app.pool)
    .await
    .unwrap();
    // Another organisation's registration never shows up.
    let other = app.org("Gemeente Elders", "gm0202").await;
    sqlx::query("insert into application (application_id, organisation_id, name, description_short) values ($1, $2, 'ChatGPT Elders', 'x')")
        .bind(Uuid::now_v7())
        .bind(other)
        .execute(&app.pool)
        .await
        .unwrap();

    let found = |html: &str, id: Uuid| html.contains(&format!("/register/{id}\""));
    let cases: Vec<(&str, Vec<Uuid>)> = vec![
        ("", vec![chat, woz, draft]),
        ("q=chatg", vec![chat]),          // prefix of the name
        ("q=openai", vec![chat]),         // provider
        ("q=tekstgenerator", vec![chat]), // tags
        ("q=woningwaarden", vec![woz]),   // description, Dutch stemming
        ("q=woning", vec![woz]),          // prefix after stemming
        ("q=vertaal", vec![draft]),       // a prefix the Dutch stemmer cuts differently ("vertal")
        ("q=GPT-4", vec![draft]),         // a number after a dash is indexed as "-4"
        ("q=3.1", vec![draft]),           // a version is one token
        ("status=concept", vec![draft]),
        ("status=in_gebruik", vec![woz]),
        ("risico=hoog", vec![woz]),
        ("risico=middel", vec![chat]),
        ("risico=onbekend", vec![draft]),
        ("ai_act=niet+van+toepassing", vec![woz]),
        ("afdeling=Belastingen", vec![woz]),
        ("gebruik=klantprojecten", vec![woz]),
        ("persoonsgegevens=ja", vec![woz]),
        ("persoonsgegevens=nee", vec![chat]),
        ("evaluatie=verlopen", vec![woz]),
        ("q=chatgpt&status=concept", vec![]),
    ];
    for (query, expected) in cases {
        let html = app.get(&c, &format!("/register?{query}")).await.text().await.unwrap();
        for id in [chat, woz, draft] {
            assert_eq!(found(&html, id), expected.contains(&id), "query '{query}', application {id}");
        }
        let count = match expected.len() {
            1 => "1 toepassing gevonden".to_string(),
            n => format!("{n} toepassingen gevonden"),
        };
        assert!(html.contains(&count), "query '{query}': {count}");
        assert!(!html.contains("ChatGPT Elders"));
    }
    // The search reads a narrow copy kept by a trigger: a change is found at once, the old name no more.
    sqlx::query("update application set name = 'Tekstmaatje' where application_id = $1")
        .bind(chat)
        .execute(&app.pool)
        .await
        .unwrap();
    let html = app.get(&c, "/register?q=tekstmaatje").await.text().await.unwrap();
    assert!(found(&html, chat), "the new name is found");
    let html = app.get(&c, "/register?q=chatg").await.text().await.unwrap();
    assert!(!found(&html, chat), "the old name is not");
    let copies: i64 = sqlx::query_scalar(
        "select count(*) from application a join application_search s using (application_id)
          where s.name_lower = lower(a.name) and s.workflow_status = a.workflow_status and s.search = a.search
            and s.public = coalesce(registration_public(a.publish, a.workflow_status), false)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let all: i64 = sqlx::query_scalar("select count(*) from application").fetch_one(&app.pool).await.unwrap();
    assert_eq!(copies, all, "every registration has an up-to-date search copy");
    sqlx::query("update application set name = 'ChatGPT Team' where application_id = $1")
        .bind(chat)
        .execute(&app.pool)
        .await
        .unwrap();
    // Sorting by name and by risk.
    let html = app.get(&c, "/register?sorteer=naam").await.text().await.unwrap();
    let pos = |id: Uuid| html.find(&format!("/register/{id}\"")).unwrap();
    assert!(pos(chat) < pos(draft) && pos(draft) < pos(woz));
    let html = app.get(&c, "/register?sorteer=risico").await.text().await.unwrap();
    let pos = |id: Uuid| html.find(&format!("/register/{id}\"")).unwrap();
    assert!(pos(woz) < pos(chat) && pos(chat) < pos(draft));

    // Pages of 25, with the filters kept in the page links.
    sqlx::query(
        "insert into application (application_id, organisation_id, name, description_short)
         select gen_random_uuid(), $1, 'Tool ' || i, 'Extra' from generate_series(1, 30) i",
    )
    .bind(org)
    .execute(&app.pool)
    .await
    .unwrap();
    let html = app.get(&c, "/register?q=extra&sorteer=naam").await.text().await.unwrap();
    assert!(html.contains("30 toepassingen gevonden") && html.contains("pagina 1 van 2"));
    assert!(
        html.contains("/register?q=extra&#38;sorteer=naam&#38;pagina=2"),
        "{}",
        &html[html.find("app-pagination").unwrap_or(0)..]
    );
    let page2 = app.get(&c, "/register?q=extra&sorteer=naam&pagina=2").await.text().await.unwrap();
    assert_eq!(
        page2.matches("<tr class=\"utrecht-table__row\">").count() - 1,
        5,
        "5 rows on page 2 (plus the header row)"
    );

    // With a search, every order runs over the pages as the database sorts the whole set.
    sqlx::query(
        "update application set risk_level_derived = (array['laag','middel','hoog'])[1 + abs(hashtext(name)) % 3],
                next_evaluation = current_date + abs(hashtext(name)) % 40
          where description_short = 'Extra' and name <> 'Tool 7'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // All match equally well: the best match falls back to the name.
    for (sort, order) in SORT_ORDERS.into_iter().chain([("", "lower(name), application_id")]) {
        let expected: Vec<Uuid> = sqlx::query_scalar(&format!(
            "select application_id from application where description_short = 'Extra' order by {order}"
        ))
        .fetch_all(&app.pool)
        .await
        .unwrap();
        let mut shown = Vec::new();
        for page in [1, 2] {
            let html =
                app.get(&c, &format!("/register?q=extra&sorteer={sort}&pagina={page}")).await.text().await.unwrap();
            shown.extend(crate::rest::listed_ids(&html));
        }
        assert_eq!(shown, expected, "order '{sort}' with a search");
    }
}

#[tokio::test]
async fn a_stale_edit_gets_409_keeps_the_input_and_says_what_changed() {
    let (app, org, pl, c1) = setup().await;
    app.user("ciso@testdam.example", org, &[Role::Medewerker, Role::Ciso]).await;
    let c2 = app.logged_in("ciso@testdam.example").await;
    let pl_s = pl.to_string();
    let id = register(&app, &c1, &complete("Copilot", &pl_s, &[])).await;
    // Both open the form at version 0; the CISO saves first.
    let mut first = complete("Copilot", &pl_s, &[("version", "0"), ("goal", "Doel volgens de CISO.")]);
    first.retain(|(k, _)| *k != "checked_name");
    let r = app.post(&c2, &format!("/register/{id}"), &first).await;
    assert_eq!(r.status(), 303);
    let second = complete("Copilot", &pl_s, &[("version", "0"), ("goal", "Mijn eigen doel, niet kwijtraken.")]);
    let r = app.post(&c1, &format!("/register/{id}"), &second).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("De registratie is intussen gewijzigd"));
    assert!(html.contains("Mijn eigen doel, niet kwijtraken."), "the user's input is kept");
    assert!(html.contains("Doel en impact door Naam ciso@testdam.example"), "says what changed and who");
    assert!(html.contains("name=\"version\" value=\"1\""), "saving again is a deliberate overwrite");
    let goal: String = sqlx::query_scalar("select goal from application where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(goal, "<p>Doel volgens de CISO.</p>");
}

#[tokio::test]
async fn other_organisations_and_non_owners_are_kept_out() {
    let (app, org, pl, c) = setup().await;
    let id = register(
        &app,
        &c,
        &[
            ("name", "Gemini"),
            ("description_short", "Chatbot."),
            ("checked_name", "Gemini"),
            ("owner_id", &pl.to_string()),
        ],
    )
    .await;
    let other = app.org("Gemeente Elders", "gm0202").await;
    app.user("elders@elders.example", other, &[Role::Medewerker, Role::Projectleider, Role::Ciso]).await;
    let outsider = app.logged_in("elders@elders.example").await;
    for path in [format!("/register/{id}"), format!("/register/{id}/bewerken"), format!("/register/{id}/geschiedenis")]
    {
        assert_eq!(app.get(&outsider, &path).await.status(), 404, "{path}");
    }
    let r = app
        .post(
            &outsider,
            &format!("/register/{id}"),
            &[("name", "Overgenomen"), ("description_short", "x"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status(), 404);
    // A colleague without an editing role reads but cannot edit someone else's registration.
    app.user("collega@testdam.example", org, &[Role::Medewerker]).await;
    let colleague = app.logged_in("collega@testdam.example").await;
    assert_eq!(app.get(&colleague, &format!("/register/{id}")).await.status(), 200);
    assert_eq!(app.get(&colleague, &format!("/register/{id}/bewerken")).await.status(), 403);
    let r = app
        .post(
            &colleague,
            &format!("/register/{id}"),
            &[("name", "Gewijzigd"), ("description_short", "x"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status(), 403);
    // Not logged in: to the login page.
    let anon = app.client();
    assert_eq!(app.get(&anon, "/register").await.status(), 303);
}

#[tokio::test]
async fn only_the_ciso_overrides_the_risk_level_and_only_with_a_motivation() {
    let (app, org, pl, c) = setup().await;
    let id = register(&app, &c, &complete("DeepSeek", &pl.to_string(), &[("dc_intern", "verboden")])).await;
    let level: String = sqlx::query_scalar("select risk_level from application where application_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(level, "laag");
    let r = app
        .post(
            &c,
            &format!("/register/{id}/risico"),
            &[("risk_level_override", "hoog"), ("risk_override_motivation", "Servers in China."), ("version", "0")],
        )
        .await;
    assert_eq!(r.status(), 403);
    app.user("ciso@testdam.example", org, &[Role::Medewerker, Role::Ciso]).await;
    let ciso = app.logged_in("ciso@testdam.example").await;
    let r = app
        .post(
            &ciso,
            &format!("/register/{id}/risico"),
            &[("risk_level_override", "hoog"), ("risk_override_motivation", ""), ("version", "0")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Motiveer"));
    let r = app
        .post(
            &ciso,
            &format!("/register/{id}/risico"),
            &[
                ("risk_level_override", "hoog"),
                ("risk_override_motivation", "Gegevens gaan naar servers in China."),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (level, derived): (String, String) =
        sqlx::query_as("select risk_level, risk_level_derived from application where application_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((level.as_str(), derived.as_str()), ("hoog", "laag"));
    // The database refuses an override without a motivation, whatever the code does.
    let refused = sqlx::query("update application set risk_override_motivation = null where application_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn the_audit_trail_is_append_only_and_verify_finds_a_tampered_row() {
    let (app, _, pl, c) = setup().await;
    let pl_s = pl.to_string();
    let id = register(&app, &c, &complete("Midjourney", &pl_s, &[])).await;
    let mut fields = complete("Midjourney", &pl_s, &[("version", "0"), ("goal", "Illustraties.")]);
    fields.retain(|(k, _)| *k != "checked_name");
    assert_eq!(app.post(&c, &format!("/register/{id}"), &fields).await.status(), 303);

    for sql in
        ["update audit_event set actor_name = 'iemand anders'", "delete from audit_event", "truncate audit_event"]
    {
        let err = sqlx::query(sql).execute(&app.pool).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let v = airegister::audit::verify(&app.pool).await.unwrap();
    assert_eq!((v.rows, v.broken.clone()), (2, None));
    let url = app.database_url().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Auditspoor intact: 2 rijen"));

    // Someone with database owner rights switches the guard off and rewrites history.
    let first: i64 = sqlx::query_scalar("select min(audit_id) from audit_event").fetch_one(&app.pool).await.unwrap();
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("alter table audit_event disable trigger audit_event_no_change").execute(&mut *tx).await.unwrap();
    sqlx::query("update audit_event set actor_name = 'Niemand' where audit_id = $1")
        .bind(first)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("alter table audit_event enable trigger audit_event_no_change").execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    let v = airegister::audit::verify(&app.pool).await.unwrap();
    assert_eq!(v.broken.map(|b| b.0), Some(first));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("rij {first}")) && err.contains("gewijzigd"), "{err}");
}

#[tokio::test]
async fn demo_data_loads_with_a_user_per_role() {
    let app = TestApp::spawn().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["demo", "--demo-password", "demo-wachtwoord-2026"])
        .env("DATABASE_URL", app.database_url().await)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("demo-wachtwoord-2026") && stdout.contains("ciso@demo.example"));
    let (apps, levels, states): (i64, i64, i64) =
        sqlx::query_as("select count(*), count(distinct risk_level), count(distinct workflow_status) from application")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(apps >= 15 && levels == 3 && states >= 6, "{apps} apps, {levels} levels, {states} states");
    for role in ["medewerker", "projectleider", "ciso", "fg", "directie", "beheerder"] {
        let c = app.client();
        let r = app.login(&c, &format!("{role}@demo.example"), "demo-wachtwoord-2026").await;
        assert_eq!(r.status(), 303, "{role} logs in");
    }
    assert!(airegister::audit::verify(&app.pool).await.unwrap().broken.is_none());
}

/// The register's explicit orders (`sorteer`) as the database writes them, to compare the pages with.
const SORT_ORDERS: [(&str, &str); 4] = [
    ("naam", "lower(name), application_id"),
    (
        "risico",
        "case risk_level when 'hoog' then 0 when 'middel' then 1 when 'laag' then 2 else 3 end, lower(name), application_id",
    ),
    ("evaluatie", "next_evaluation nulls last, lower(name), application_id"),
    ("gewijzigd", "updated_at desc, application_id"),
];

/// A search matching more than the cap (1,000): the count says "meer dan 1.000" and asks for a narrower
/// search, 40 pages can be walked, the best match comes first among those shown, and an explicit order is exact
/// over every match. `SEARCH_CAP_ROWS` sets the number of matches (default 1,060; 100000 for the large run).
#[tokio::test]
async fn a_search_with_more_than_a_thousand_matches_is_capped_and_stays_in_order() {
    let (app, org, pl, c) = setup().await;
    let rows: i32 = std::env::var("SEARCH_CAP_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_060);
    // The word appears once, twice or three times, so the matches rank differently.
    sqlx::query(
        "insert into application (application_id, organisation_id, name, description_short, risk_level_derived,
                                  next_evaluation, updated_at)
         select gen_random_uuid(), $1, 'Massatool ' || i, repeat('Massaregistratie voor de test. ', 1 + i % 3),
                (array['laag','middel','hoog'])[1 + i % 3], current_date + i % 50, now() - make_interval(secs => i)
           from generate_series(1, $2) i",
    )
    .bind(org)
    .bind(rows)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("analyze application_search").execute(&app.pool).await.unwrap();
    let page = |sort: &str, n: u32| format!("/register?q=massa&sorteer={sort}&pagina={n}");

    let first = app.get(&c, &page("", 1)).await.text().await.unwrap();
    assert!(first.contains("Meer dan 1.000 toepassingen gevonden – pagina 1 van 40"), "the capped count");
    assert!(first.contains("Verfijn uw zoekopdracht"), "asks for a narrower search");
    // The best match first: over the 40 pages, 1,000 different matches, each ranked no higher than the one before
    // (ties by name and id, as the list sorts).
    let mut shown = crate::rest::listed_ids(&first);
    for n in 2..=40 {
        shown.extend(crate::rest::listed_ids(&app.get(&c, &page("", n)).await.text().await.unwrap()));
    }
    assert_eq!(shown.len(), 1_000);
    let ranked: Vec<(Uuid, f32, String)> = sqlx::query_as(
        "select s.application_id, ts_rank(s.search, (select case when d = s then d else d || s end
                    from (select to_tsquery('dutch', 'massa:*') d, to_tsquery('simple', 'massa:*') s) q)), s.name_lower
           from unnest($1::uuid[]) with ordinality as u(id, pos) join application_search s on s.application_id = u.id
          order by u.pos",
    )
    .bind(&shown)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(ranked.len(), 1_000, "all shown are distinct registrations of the organisation");
    for w in ranked.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(a.1 > b.1 || (a.1 == b.1 && (&a.2, a.0) < (&b.2, b.0)), "order by relevance: {a:?} before {b:?}");
    }
    assert!(ranked.iter().any(|r| r.1 != ranked[0].1), "the matches do rank differently");
    // Past the last page: nothing more, the count stays.
    let past = app.get(&c, &page("", 41)).await.text().await.unwrap();
    assert!(crate::rest::listed_ids(&past).is_empty() && past.contains("Meer dan 1.000 toepassingen gevonden"));

    // An explicit order is exact over every match: the first and the last page are the database's own.
    for (sort, order) in SORT_ORDERS {
        let expected: Vec<Uuid> = sqlx::query_scalar(&format!(
            "select application_id from application where name like 'Massatool %' order by {order} limit 1000"
        ))
        .fetch_all(&app.pool)
        .await
        .unwrap();
        for n in [1, 40] {
            let html = app.get(&c, &page(sort, n)).await.text().await.unwrap();
            let from = (n as usize - 1) * 25;
            assert_eq!(crate::rest::listed_ids(&html), expected[from..from + 25], "order '{sort}', page {n}");
        }
    }

    // The API says the same.
    let token = crate::rest::token(&app, pl, org, false).await;
    let body: serde_json::Value =
        crate::rest::api_get(&app, &token, "/applications?q=massa").await.json().await.unwrap();
    assert_eq!(
        (body["total"].as_i64(), body["total_capped"].as_bool(), body["pages"].as_i64()),
        (Some(1000), Some(true), Some(40))
    );
    // The highest number is a prefix of no other.
    let path = format!("/applications?q=massatool+{rows}");
    let body: serde_json::Value = crate::rest::api_get(&app, &token, &path).await.json().await.unwrap();
    assert_eq!((body["total"].as_i64(), body["total_capped"].as_bool()), (Some(1), Some(false)));

    // The public register's search (the narrow copy, migration 0047): capped the same way, in name order.
    sqlx::query(
        "update application set publish = true, workflow_status = 'in_gebruik', submitted_at = now(),
                contact_email = 'algoritmes@testdam.example', publication_category = 'Overige algoritmes'
          where name like 'Massatool %'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let expected: Vec<Uuid> = sqlx::query_scalar(
        "select application_id from application where name like 'Massatool %' order by lower(name), application_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let anon = app.client();
    let public_ids = |html: &str| -> Vec<Uuid> {
        html.split("href=\"/openbaar/gm0101/")
            .skip(1)
            .filter_map(|p| p.get(..36).and_then(|s| Uuid::parse_str(s).ok()))
            .fold(Vec::new(), |mut ids, id| {
                if !ids.contains(&id) {
                    ids.push(id);
                }
                ids
            })
    };
    for n in [1, 40] {
        let html = app.get(&anon, &format!("/openbaar/gm0101?q=massa&pagina={n}")).await.text().await.unwrap();
        assert!(html.contains("Meer dan 1.000 algoritmes gevonden.") && html.contains("Verfijn uw zoekopdracht"));
        let from = (n - 1) * 25;
        assert_eq!(public_ids(&html), expected[from..from + 25], "public search, page {n}");
    }
    let one = app.get(&anon, &format!("/openbaar/gm0101?q=massatool+{rows}")).await.text().await.unwrap();
    assert!(one.contains("1 algoritme gevonden."), "{one}");
}

/// The application page reads only the people the registration names (owner, RASCI), not every member of the
/// organisation (issue 24): each one's name is shown, a deactivated person's too, and someone who is not a
/// member of the organisation is "(onbekende gebruiker)".
#[tokio::test]
async fn the_application_page_names_its_people() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Testdam", "gm0101").await;
    let me = app.user("mw@testdam.example", org, &[Role::Medewerker]).await;
    let consulted = app.user("c@testdam.example", org, &[Role::Medewerker]).await;
    let informed = app.user("i@testdam.example", org, &[Role::Medewerker]).await;
    let elsewhere = app.org("Gemeente Elders", "gm0102").await;
    let stranger = app.user("vreemde@elders.example", elsewhere, &[Role::Medewerker]).await;
    let c = app.logged_in("mw@testdam.example").await;
    let (me_s, consulted_s, informed_s) = (me.to_string(), consulted.to_string(), informed.to_string());
    let mut fields = complete("Notion AI", &me_s, &[("version", "0")]);
    fields.extend([("rasci_C_user", consulted_s.as_str()), ("rasci_I_user", informed_s.as_str())]);
    let id = register(&app, &c, &fields).await;
    sqlx::query("update app_user set active = false where user_id = $1")
        .bind(informed)
        .execute(&app.pool)
        .await
        .unwrap();
    // A person of another organisation, as an import or an old link could leave behind.
    app.rasci(id, stranger, "S").await;

    let detail = app.get(&c, &format!("/register/{id}")).await.text().await.unwrap();
    let rasci = &detail[detail.find("id=\"kop-rasci\"").unwrap()..detail.find("id=\"kop-training\"").unwrap()];
    let row = |label: &str| {
        let at = rasci.find(&format!("<dt>{label}")).unwrap_or_else(|| panic!("no {label} in {rasci}"));
        rasci[at..].split("</dd>").next().unwrap().to_string()
    };
    assert!(row("Accountable").contains("Naam mw@testdam.example"), "{rasci}");
    assert!(row("Consulted").contains("Naam c@testdam.example"), "{rasci}");
    assert!(row("Informed").contains("Naam i@testdam.example"), "a deactivated person keeps their name: {rasci}");
    assert!(row("Supportive").contains("(onbekende gebruiker)") && !rasci.contains("vreemde@elders"), "{rasci}");
    let summary = &detail[detail.find("In het kort").unwrap()..detail.find("id=\"kop-algemeen\"").unwrap()];
    assert!(summary.contains("Naam mw@testdam.example"), "the owner: {summary}");
}
