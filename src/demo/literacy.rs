//! Demo AI-literacy records, so the literacy pages show something: three trainings, the requirements of issue
//! 22 (every medewerker basis; CISO, FG and projectleider gevorderd; Copilot its own training) and a few
//! completions (one valid, one expired, one waiting for confirmation). Only when the demo has no trainings yet.

use serde_json::json;
use sqlx::PgPool;
use time::macros::date;
use uuid::Uuid;

use super::Users;
use crate::audit::{self, Actor, Event};
use crate::auth::roles::Role;

pub(super) async fn seed(pool: &PgPool, org: Uuid, users: &Users, actor: &Actor) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    let any: i64 = sqlx::query_scalar!(r#"select count(*) as "n!" from training where organisation_id = $1"#, org)
        .fetch_one(&mut *tx)
        .await?;
    if any > 0 {
        return Ok(());
    }
    let trainings = [
        ("Basistraining AI-geletterdheid", "basis", Some(24), "Leerhuis Overheid"),
        ("AI-geletterdheid gevorderd", "gevorderd", Some(12), "Leerhuis Overheid"),
        ("Copilot veilig gebruiken", "basis", None, "Eigen organisatie"),
    ];
    let mut ids = Vec::new();
    for (title, level, validity, provider) in trainings {
        let id = Uuid::now_v7();
        sqlx::query!(
            "insert into training (training_id, organisation_id, title, provider, level, duration_minutes, validity_months)
             values ($1, $2, $3, $4, $5, 60, $6)",
            id, org, title, provider, level, validity
        )
        .execute(&mut *tx)
        .await?;
        ids.push(id);
    }
    let roles = [(ids[0], Role::Medewerker), (ids[1], Role::Ciso), (ids[1], Role::Fg), (ids[1], Role::Projectleider)];
    for (training, role) in roles {
        sqlx::query!(
            "insert into training_requirement (requirement_id, organisation_id, training_id, role) values ($1, $2, $3, $4)",
            Uuid::now_v7(), org, training, role.as_str()
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "insert into training_requirement (requirement_id, organisation_id, training_id, application_id)
         select $1, $2, $3, application_id from application where organisation_id = $2 and name ilike 'copilot%'
         order by name limit 1",
        Uuid::now_v7(),
        org,
        ids[2]
    )
    .execute(&mut *tx)
    .await?;
    let done = [
        (Role::Medewerker, ids[0], date!(2026 - 02 - 02), true),
        (Role::Ciso, ids[1], date!(2025 - 09 - 15), true),
        (Role::Projectleider, ids[1], date!(2026 - 11 - 20), false),
    ];
    for (role, training, on, confirmed) in done {
        let Some(user) = users.id(role) else { continue };
        sqlx::query!(
            "insert into training_completion (completion_id, organisation_id, training_id, user_id, completed_on, source,
                    confirmed_at) values ($1, $2, $3, $4, $5, $6, case when $7::boolean then now() end)",
            Uuid::now_v7(), org, training, user, on, if confirmed { "beheerder" } else { "zelf" }, confirmed
        )
        .execute(&mut *tx)
        .await?;
    }
    let event = Event {
        organisation_id: Some(org),
        actor,
        action: "literacy.demo_loaded",
        object_type: "organisation",
        object_id: Some(org),
        before: None,
        after: Some(json!({"trainings": trainings.map(|t| t.0)})),
    };
    audit::record(&mut tx, event).await?;
    tx.commit().await?;
    Ok(())
}
