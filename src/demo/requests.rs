//! Demo tool requests, so the CISO's queue is not empty: one submitted, one with a question waiting for the
//! employee, one still a concept. Made through the request's own domain steps (audit events, notifications).

use sqlx::PgPool;
use uuid::Uuid;

use super::Users;
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::register::requests::Answers;
use crate::register::requests::store::{self, By};
use crate::register::requests::triage;

fn answers(tool: &str, purpose: &str, classes: Vec<&'static str>, citizens: &'static str) -> Answers {
    Answers {
        tool_name: tool.into(),
        purpose: Some(purpose.into()),
        data_classes: classes,
        department: Some("Burgerzaken".into()),
        user_count: Some("2-10"),
        usage: Some("gepland"),
        supplier: None,
        citizens: Some(citizens),
    }
}

pub(super) async fn seed(pool: &PgPool, org: Uuid, users: &Users) -> anyhow::Result<()> {
    let (Some(mw), Some(ciso)) = (users.id(Role::Medewerker), users.id(Role::Ciso)) else { return Ok(()) };
    let actor = Actor { id: Some(mw), name: "Demo medewerker".into(), origin: "demo".into() };
    let by = By { org, user: mw, actor: &actor };
    let mut tx = pool.begin().await?;
    let otter = answers("Otter.ai", "Verslagen maken van het wekelijkse teamoverleg.", vec!["dc_intern"], "nee");
    store::create(&mut tx, &by, &otter, true).await?;
    let deepl = answers(
        "DeepL Write",
        "Brieven aan inwoners in begrijpelijke taal herschrijven.",
        vec!["dc_persoonsgegevens", "dc_klant"],
        "ja",
    );
    let asked = store::create(&mut tx, &by, &deepl, true).await?;
    store::create(&mut tx, &by, &Answers { tool_name: "Perplexity".into(), ..Answers::default() }, false).await?;
    let ciso_actor = Actor { id: Some(ciso), name: "Demo CISO".into(), origin: "demo".into() };
    let by_ciso = By { org, user: ciso, actor: &ciso_actor };
    let version = store::get(&mut tx, org, asked).await?.map(|r| r.version).unwrap_or(0);
    triage::ask(&mut tx, &by_ciso, asked, version, "Gaat het om brieven met namen en adressen van inwoners?").await?;
    tx.commit().await?;
    Ok(())
}
