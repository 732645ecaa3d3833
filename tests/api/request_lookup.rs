//! The look-up before a request, through HTTP: what the register says about a tool (allowed with its
//! conditions, forbidden with the reason, under review) on the request form, as JSON for the form's script
//! while the name is typed, and to the requester of a request linked to a registration or rejected.

use serde_json::{Value, json};

use crate::helpers::{TestApp, page};
use crate::requests::{CISO, FULL, MW, act, notes, registration, state, submitted, with, world};

#[tokio::test]
async fn the_look_up_says_what_is_allowed_and_forbidden_and_link_and_reject_tell_the_requester() {
    let w = world().await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let ciso = app.logged_in(CISO).await;
    let chat =
        registration(app, &ciso, "ChatGPT Team", w.pl, "goedgekeurd_onder_voorwaarden", "Alleen met een werkaccount.")
            .await;
    let deepseek =
        registration(app, &ciso, "DeepSeek", w.pl, "afgewezen", "Gegevens gaan naar servers buiten de EER.").await;
    registration(app, &ciso, "Perplexity", w.pl, "in_beoordeling", "").await;

    let html = page(app, &mw, "/aanvragen/nieuw?naam=chatgpt").await;
    assert!(
        html.contains("Deze tool is al toegestaan voor openbare informatie en interne informatie (onder voorwaarden)."),
        "{html}"
    );
    assert!(html.contains("Alleen met een werkaccount.") && html.contains("Dan hoef ik niets aan te vragen"));
    assert!(html.contains("/toegestane-tools?zoek=ChatGPT+Team"));
    let html = page(app, &mw, "/aanvragen/nieuw?naam=deepseek").await;
    assert!(html.contains("Deze tool is niet toegestaan. De reden: Gegevens gaan naar servers buiten de EER."));
    assert!(!html.contains("Dan hoef ik niets aan te vragen"));
    let html = page(app, &mw, "/aanvragen/nieuw?naam=Perplexity").await;
    assert!(html.contains("wordt nu beoordeeld door de CISO"));

    // Linked: the requester reads what the existing registration allows.
    let id = submitted(app, &mw, &with(FULL, &[("tool_name", "ChatGPT")])).await;
    let r = act(app, &ciso, id, "koppelen", &[("application_id", "")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Kies de registratie waar de aanvraag onder valt."));
    let chat_id = chat.to_string();
    let r = act(app, &ciso, id, "koppelen", &[("application_id", &chat_id), ("link_note", "Gebruik uw werkaccount.")])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(state(app, id).await.0, "gekoppeld");
    let mine = page(app, &mw, &format!("/aanvragen/{id}")).await;
    assert!(mine.contains("Valt onder een bestaande registratie") && mine.contains("Deze tool is al toegestaan voor"));
    // The notification says what is allowed and under which conditions, not only where to look.
    let told = &notes(app, w.mw, "aanvraag_besluit").await[0];
    assert!(told.contains("valt onder de bestaande registratie ChatGPT Team"), "{told}");
    assert!(told.contains("Toelichting van de CISO: Gebruik uw werkaccount."), "{told}");
    assert!(told.contains("Deze tool is al toegestaan voor openbare informatie en interne informatie"), "{told}");
    assert!(told.ends_with("Voorwaarden: Alleen met een werkaccount."), "{told}");

    // Linked to a rejected registration: what is not allowed and why, on the page and in the notification.
    let id = submitted(app, &mw, &with(FULL, &[("tool_name", "DeepSeek Chat")])).await;
    let r = act(app, &ciso, id, "koppelen", &[("application_id", &deepseek.to_string())]).await;
    assert_eq!(r.status(), 303);
    let mine = page(app, &mw, &format!("/aanvragen/{id}")).await;
    assert!(
        mine.contains("Deze tool is niet toegestaan. De reden: Gegevens gaan naar servers buiten de EER."),
        "{mine}"
    );
    assert!(!mine.contains("Deze tool is al toegestaan"), "{mine}");
    let told = &notes(app, w.mw, "aanvraag_besluit").await[1];
    assert!(told.contains("valt onder de bestaande registratie DeepSeek."), "{told}");
    assert!(
        told.contains("Deze tool is niet toegestaan. De reden: Gegevens gaan naar servers buiten de EER."),
        "{told}"
    );

    // Rejected: a reason is required, the requester reads it.
    let id = submitted(app, &mw, &with(FULL, &[("tool_name", "DeepSeek")])).await;
    let r = act(app, &ciso, id, "afwijzen", &[("reason", "  ")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Vul de reden van de afwijzing in."));
    assert_eq!(state(app, id).await.0, "ingediend");
    let r = act(app, &ciso, id, "afwijzen", &[("reason", "Gegevens gaan naar servers buiten de EER.")]).await;
    assert_eq!(r.status(), 303);
    let mine = page(app, &mw, &format!("/aanvragen/{id}")).await;
    assert!(mine.contains("Afgewezen") && mine.contains("De reden: Gegevens gaan naar servers buiten de EER."));
    // Accepting needs an owner; the question is named and the answers are kept.
    let id = submitted(app, &mw, FULL).await;
    let r =
        act(app, &ciso, id, "accepteren", &[("invite_name", "Nieuwe Eigenaar"), ("invite_email", "geen-adres")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("geldig e-mailadres") && html.contains("value=\"Nieuwe Eigenaar\""));
}

async fn lookup_json(app: &TestApp, c: &reqwest::Client, naam: &str) -> Value {
    let r = app.get(c, &format!("/aanvragen/opzoeken?naam={}", naam.replace(' ', "+"))).await;
    assert_eq!(r.status(), 200);
    let kind = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(kind.starts_with("application/json"), "{kind}");
    r.json().await.unwrap()
}

/// The look-up the request form's script asks while the employee types (static/lookup.js): the same answer
/// as the page's own look-up, as JSON; only for someone logged in.
#[tokio::test]
async fn the_look_up_answers_as_json_while_the_name_is_typed() {
    let w = world().await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let ciso = app.logged_in(CISO).await;
    let conditions = "- Alleen met een werkaccount\n- geen namen van inwoners";
    registration(app, &ciso, "ChatGPT Team", w.pl, "goedgekeurd_onder_voorwaarden", conditions).await;
    registration(app, &ciso, "DeepSeek", w.pl, "afgewezen", "Gegevens gaan naar servers buiten de EER.").await;
    registration(app, &ciso, "Perplexity", w.pl, "in_beoordeling", "").await;

    let a = lookup_json(app, &mw, "chatgpt").await;
    assert_eq!(a["naam"], "chatgpt");
    let x = &a["findings"][0];
    assert_eq!((x["kind"].as_str(), x["name"].as_str()), (Some("toegestaan"), Some("ChatGPT Team")), "{a}");
    assert!(x["text"].as_str().unwrap().starts_with("Deze tool is al toegestaan voor openbare informatie"), "{a}");
    assert_eq!(x["conditions"], conditions);
    let a = lookup_json(app, &mw, "DeepSeek").await;
    assert_eq!(a["findings"][0]["kind"], "verboden");
    assert_eq!(
        a["findings"][0]["text"],
        "Deze tool is niet toegestaan. De reden: Gegevens gaan naar servers buiten de EER."
    );
    let a = lookup_json(app, &mw, "perplex").await;
    assert_eq!(a["findings"][0]["kind"], "beoordeling");
    assert!(a["findings"][0]["text"].as_str().unwrap().contains("wordt nu beoordeeld door de CISO"));
    // Written with other spaces or punctuation the name still finds the tool (and as allowed, with its way to
    // the list: the allowed-tools look-up matches the same way); two letters find no more than they did.
    for typed in ["Chat GPT", "chat-gpt", "CHAT gpt team"] {
        let a = lookup_json(app, &mw, typed).await;
        let x = &a["findings"][0];
        assert_eq!(
            (x["kind"].as_str(), x["name"].as_str()),
            (Some("toegestaan"), Some("ChatGPT Team")),
            "{typed}: {a}"
        );
        assert_eq!(x["href"], "/toegestane-tools?zoek=ChatGPT+Team", "{typed}");
    }
    assert_eq!(lookup_json(app, &mw, "c g").await["findings"], json!([]));
    assert_eq!(lookup_json(app, &mw, "Deep-Seek").await["findings"][0]["kind"], "verboden");
    let a = lookup_json(app, &mw, "Onbekende tool").await;
    assert_eq!(a["findings"], json!([]));
    assert_eq!(a["naam"], "Onbekende tool");
    assert_eq!(lookup_json(app, &mw, "  ").await["findings"], json!([]));

    // Not logged in: no answer about the register.
    let r = app.get(&app.client(), "/aanvragen/opzoeken?naam=deepseek").await;
    assert_ne!(r.status(), 200);
    assert!(!r.text().await.unwrap().contains("EER"));

    // The form has the polite live region and the self-hosted script (no inline script: CSP).
    let html = page(app, &mw, "/aanvragen/nieuw").await;
    assert!(
        html.contains(r#"aria-live="polite" data-lookup="/aanvragen/opzoeken""#) && html.contains("/static/lookup.js")
    );
    let r = app.get(&mw, "/static/lookup.js").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(r.text().await.unwrap().contains("opzoeken-direct"));
}

/// A second request for the same tool by the same person is not made unawares: the look-up names the
/// requester's own earlier requests for (about) that name, open ones first, each with the way to it; on the
/// page and in the JSON, and never someone else's.
#[tokio::test]
async fn the_look_up_names_the_requesters_own_earlier_requests_for_the_tool() {
    let w = world().await;
    let app = &w.app;
    let mw = app.logged_in(MW).await;
    let ciso = app.logged_in(CISO).await;
    let other = app.logged_in("mw2@aanvraagdam.example").await;

    // Nothing asked yet: the page invites the request.
    let html = page(app, &mw, "/aanvragen/nieuw?naam=Otter").await;
    assert!(html.contains("„Otter” staat nog niet in het register. Vraag de tool hieronder aan."), "{html}");
    assert!(!html.contains("Bekijk uw aanvraag") && !html.contains("Toch een nieuwe aanvraag"));
    assert!(html.contains("Verder naar de vragen van de aanvraag"));

    let sent = submitted(app, &mw, &with(FULL, &[("tool_name", "Otter notulist")])).await;
    let html = page(app, &mw, "/aanvragen/nieuw?naam=otter").await;
    let today = airegister::web::format_date(airegister::web::today());
    assert!(html.contains("U vroeg „Otter notulist” vandaag al aan. De CISO bekijkt uw aanvraag."), "{html}");
    // The link names the request it opens (several can be listed), and the form for a new one is folded away.
    let hidden = format!("<span class=\"app-visually-hidden\"> „Otter notulist” van {today}</span>");
    assert!(html.contains(&format!("href=\"/aanvragen/{sent}\">Bekijk uw aanvraag{hidden}")), "{html}");
    assert!(html.contains("„otter” staat nog niet in het register.</p>"), "no invitation to ask again: {html}");
    assert!(html.contains("<summary>Toch een nieuwe aanvraag doen voor deze tool</summary>"));
    assert!(!html.contains("Verder naar de vragen van de aanvraag"));
    // Whole words of three letters or more: "Ott" is not "Otter"; "Otter notulist Pro" holds it, "Otter.ai" not.
    assert!(!page(app, &mw, "/aanvragen/nieuw?naam=Ott").await.contains("Bekijk uw aanvraag"));
    assert!(!page(app, &mw, "/aanvragen/nieuw?naam=ot").await.contains("Bekijk uw aanvraag"));
    let longer = page(app, &mw, "/aanvragen/nieuw?naam=Otter+notulist+Pro").await;
    assert!(longer.contains("U vroeg „Otter notulist” vandaag al aan"));
    assert!(!page(app, &mw, "/aanvragen/nieuw?naam=Otter.ai").await.contains("Bekijk uw aanvraag"), "another tool");
    // Not someone else's, and not another tool.
    assert!(!page(app, &other, "/aanvragen/nieuw?naam=otter").await.contains("Bekijk uw aanvraag"));
    assert!(!page(app, &mw, "/aanvragen/nieuw?naam=Copilot").await.contains("Bekijk uw aanvraag"));

    // A question asked, a concept, a rejection: each says what to do, the open ones first.
    act(app, &ciso, sent, "vraag", &[("question", "Welke vergaderingen?")]).await;
    let r = app.post(&mw, "/aanvragen/nieuw", &[("tool_name", "Otter"), ("actie", "opslaan")]).await;
    assert_eq!(r.status(), 303);
    let rejected = submitted(app, &mw, &with(FULL, &[("tool_name", "otter.ai")])).await;
    assert_eq!(act(app, &ciso, rejected, "afwijzen", &[("reason", "Buiten de EER.")]).await.status(), 303);
    let a = lookup_json(app, &mw, "otter").await;
    let texts: Vec<&str> = a["earlier"].as_array().unwrap().iter().map(|e| e["text"].as_str().unwrap()).collect();
    assert_eq!(texts.len(), 3, "{a}");
    assert!(
        texts[2].starts_with("Uw aanvraag voor „otter.ai” van")
            && texts[2].ends_with("is afgewezen. Lees waarom voordat u hem opnieuw aanvraagt."),
        "{a}"
    );
    assert!(texts[..2].iter().any(|t| t.contains("heeft u een vraag gesteld: beantwoord die bij uw aanvraag")), "{a}");
    assert!(texts[..2].iter().any(|t| t.contains("al een aanvraag voor „Otter” opgeslagen als concept")), "{a}");
    assert_eq!(a["earlier"][2]["href"], format!("/aanvragen/{rejected}"));
    assert_eq!((a["earlier"][0]["open"].clone(), a["earlier"][2]["open"].clone()), (json!(true), json!(false)));
    assert_eq!(lookup_json(app, &other, "otter").await["earlier"], json!([]));
    // Only a closed request for the name: the form is not folded away (asking again is the way on).
    let ff = submitted(app, &mw, &with(FULL, &[("tool_name", "Fireflies")])).await;
    assert_eq!(act(app, &ciso, ff, "afwijzen", &[("reason", "Buiten de EER.")]).await.status(), 303);
    let html = page(app, &mw, "/aanvragen/nieuw?naam=fireflies").await;
    assert!(
        html.contains("„Fireflies” van vandaag is afgewezen") && !html.contains("Toch een nieuwe aanvraag"),
        "{html}"
    );
}
