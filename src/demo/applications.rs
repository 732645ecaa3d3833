//! The demo registrations into the register: each through the web form's validation and the register's one
//! create pipeline, then put at its status as if its history had happened.

use anyhow::Context;
use sqlx::PgPool;
use uuid::Uuid;

use super::Users;
use super::data::{DemoData, RiskOverride};
use crate::audit::{self, Actor, Event};
use crate::auth::roles::Role;
use crate::register::form::FormData;
use crate::register::lifecycle::{self, Ctx, Draft};
use crate::register::machine::WorkflowStatus;
use crate::register::store;

/// Add every demo registration (each in its own transaction); how many were added.
pub(super) async fn add(
    pool: &PgPool,
    org: Uuid,
    actor: &Actor,
    users: &Users,
    data: &DemoData,
) -> anyhow::Result<usize> {
    for app in &data.applications {
        let form = data.form(app, |role| users.id(role));
        let id = create(pool, org, actor, users.id(app.creator), &form, app.status)
            .await
            .with_context(|| format!("demo-toepassing {}", form.get("name")))?;
        if let Some(risk) = &app.risk_override {
            override_risk(pool, org, actor, id, risk, users.id(Role::Ciso)).await?;
        }
    }
    Ok(data.applications.len())
}

/// One demo registration: the web form's validation and the register's one create pipeline, then put at its
/// status as if its history had happened.
async fn create(
    pool: &PgPool,
    org: Uuid,
    actor: &Actor,
    created_by: Option<Uuid>,
    form: &FormData,
    status: WorkflowStatus,
) -> anyhow::Result<Uuid> {
    let members = store::members(pool, org).await?;
    let draft = Draft::validate(form, &members).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|(f, m)| format!("{f}: {m}")).collect();
        anyhow::anyhow!("{}: {}", form.get("name"), lines.join("; "))
    })?;
    let ctx = Ctx { org, actor };
    let mut tx = pool.begin().await?;
    let stored = lifecycle::create(&mut tx, &ctx, created_by, &draft, false).await?;
    let stored = lifecycle::seed_status(&mut tx, &ctx, &stored, status).await?;
    tx.commit().await?;
    Ok(stored.id)
}

/// The CISO's own risk level for a registration, with its audit event.
async fn override_risk(
    pool: &PgPool,
    org: Uuid,
    actor: &Actor,
    id: Uuid,
    risk: &RiskOverride,
    ciso: Option<Uuid>,
) -> anyhow::Result<()> {
    let (level, motivation) = (risk.level.as_str(), risk.motivation.as_str());
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update application set risk_level_override = $2, risk_override_motivation = $3,
                            risk_override_by = $4, version = version + 1 where application_id = $1",
        id,
        level,
        motivation,
        ciso
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Event {
            organisation_id: Some(org),
            actor,
            action: "application.risk_override",
            object_type: "application",
            object_id: Some(id),
            before: None,
            after: Some(serde_json::json!({"risk_level_override": level, "risk_override_motivation": motivation})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
