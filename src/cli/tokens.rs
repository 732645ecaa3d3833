//! `api-token add`: a personal API token for a user (e.g. for an integration), printed once.

use anyhow::{Context, bail};

use super::with_database;
use airegister::config::DbArgs;
use airegister::db::Database;

/// The options of `api-token add`.
pub struct TokenRequest {
    pub email: String,
    pub name: String,
    pub org_code: Option<String>,
    pub write: bool,
    pub days: i32,
}

/// Check the options, issue the token and print it: it is shown only this once.
pub async fn add(request: &TokenRequest, db: &DbArgs) -> anyhow::Result<()> {
    if !(1..=365).contains(&request.days) {
        bail!("--days moet tussen 1 en 365 liggen");
    }
    if request.name.trim().is_empty() || request.name.chars().count() > 100 {
        bail!("--name is verplicht en hoogstens 100 tekens");
    }
    let token = with_database(db, async |db| issue(db, request).await).await?;
    println!("{token}");
    Ok(())
}

/// Find the active user and the organisation the token is for, and issue it.
async fn issue(db: &Database, request: &TokenRequest) -> anyhow::Result<String> {
    let (email, name, write, days) = (request.email.as_str(), request.name.as_str(), request.write, request.days);
    let org_code = request.org_code.as_deref();
    let user: Option<(uuid::Uuid, bool)> = sqlx::query!(
        r#"select user_id as "c0!: uuid::Uuid", active as "c1!: bool" from app_user where email = $1"#,
        email.trim().to_lowercase()
    )
    .map(|r| (r.c0, r.c1))
    .fetch_optional(&db.pool)
    .await?;
    let Some((user_id, true)) = user else { bail!("geen actief account met e-mailadres {email}") };
    let orgs: Vec<(uuid::Uuid, String)> = sqlx::query!(
        r#"select distinct o.organisation_id as "c0!: uuid::Uuid",
                 o.code as "c1!: String" from membership m join organisation o using (organisation_id)
          where m.user_id = $1 order by o.code"#,
        user_id
    )
    .map(|r| (r.c0, r.c1))
    .fetch_all(&db.pool)
    .await?;
    let org = match (org_code, orgs.as_slice()) {
        (Some(code), _) => {
            orgs.iter()
                .find(|(_, c)| c == &code.trim().to_lowercase())
                .with_context(|| format!("{email} is geen lid van organisatie {code}"))?
                .0
        }
        (None, [(id, _)]) => *id,
        (None, []) => bail!("{email} is van geen enkele organisatie lid"),
        (None, _) => bail!("{email} is lid van meerdere organisaties; kies er een met --org-code"),
    };
    let token = airegister::api::tokens::issue(&db.pool, user_id, org, name, write, days).await?;
    tracing::info!(event = "api_token_created", user_id = %user_id, organisation_id = %org, can_write = write, days, origin = "cli", "API token created on the command line");
    Ok(token)
}

/// `scim-token create`: a SCIM token for the organisation with this code, printed once (audited as made on
/// the command line).
pub async fn add_scim(org_code: &str, name: &str, db: &DbArgs) -> anyhow::Result<()> {
    if name.trim().is_empty() || name.chars().count() > 100 {
        bail!("--name is verplicht en hoogstens 100 tekens");
    }
    let code = org_code.trim().to_lowercase();
    let token = with_database(db, async |db| {
        let org = sqlx::query_scalar!("select organisation_id from organisation where code = $1", code)
            .fetch_optional(&db.pool)
            .await?
            .with_context(|| format!("geen organisatie met code {code}"))?;
        let mut tx = db.pool.begin().await?;
        let token =
            airegister::scim::tokens::issue(&mut tx, org, name, &airegister::audit::Actor::system("cli")).await?;
        tx.commit().await?;
        Ok(token)
    })
    .await?;
    println!("{token}");
    Ok(())
}
