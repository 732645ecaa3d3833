//! AI-literacy (issue 22, items 3 and 4; AI Act art. 4): trainings as records, completions per person (entered
//! by the person with evidence (a link to the certificate, the certificate itself, or both) and confirmed by the administrator, or entered by the administrator), and the
//! trainings required per role and per tool. Shown on the person's own page ("Mijn AI-geletterdheid"), on the
//! allowed-tools page (what a tool requires and whether you have it), and as coverage figures per role and
//! per tool, each a link to its list of people.
//!
//! Who sees what: everyone sees their own records; the administrator manages trainings, requirements and
//! completions and sees every list; CISO and FG see the coverage lists (they act on them); directie sees the
//! figures only.

pub(crate) mod certificate;
pub(crate) mod coverage;
mod edit;
pub(crate) mod export;
pub mod figures;
pub(crate) mod forms;
pub mod import;
pub(crate) mod manage;
pub(crate) mod mine;
mod requirements;
pub mod rules;
pub mod status;
pub(crate) mod training;
pub(crate) mod training_store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::AppState;
use crate::audit::{self, Actor};
use crate::roles::Role;
use crate::web::multipart::MAX_UPLOAD_BODY;
use crate::web::user::CurrentUser;

pub const HOME: &str = "/ai-geletterdheid";
pub const MANAGE: &str = "/ai-geletterdheid/beheer";
pub const COVERAGE: &str = "/ai-geletterdheid/dekking";
/// The completions import (a file upload: see `assessments::is_upload_path`).
pub const IMPORT: &str = "/ai-geletterdheid/import";
/// The administrator's completion form (it takes a certificate file, as the person's own form on `HOME` does).
pub const RECORD_FOR: &str = "/ai-geletterdheid/afrondingen";
/// The coverage as CSV or Excel.
pub const EXPORT: &str = "/ai-geletterdheid/dekking/export";

/// The addresses that take a file upload (the CSRF check streams their bodies on instead of buffering them).
pub fn is_upload_path(path: &str) -> bool {
    [HOME, RECORD_FOR, IMPORT].contains(&path.trim_end_matches('/'))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(HOME, get(mine::page).post(mine::record_own).layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY)))
        .route(MANAGE, get(manage::page))
        .route("/ai-geletterdheid/trainingen", post(manage::create_training))
        .route("/ai-geletterdheid/eisen", post(requirements::add))
        .route("/ai-geletterdheid/trainingen/{id}", get(training::page))
        .route("/ai-geletterdheid/trainingen/{id}/wijzigen", get(edit::page).post(edit::save))
        .route("/ai-geletterdheid/trainingen/{id}/verwijderen", get(edit::ask_remove).post(edit::remove))
        .route("/ai-geletterdheid/eisen/{id}/verwijderen", get(training::ask_remove).post(requirements::remove))
        .route(RECORD_FOR, post(manage::record_for).layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY)))
        .route(IMPORT, post(import::page::import_file).layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY)))
        .route("/ai-geletterdheid/afrondingen/{id}/bevestigen", post(manage::confirm))
        .route("/ai-geletterdheid/afrondingen/{id}/certificaat", get(certificate::download))
        .route(COVERAGE, get(coverage::page))
        .route("/ai-geletterdheid/dekking/lijst", get(coverage::list))
        .route(EXPORT, get(export::download))
}

/// Manages trainings, requirements and everyone's completions.
pub fn manages(user: &CurrentUser) -> bool {
    user.has_role(Role::Beheerder)
}

/// Sees the coverage figures.
pub fn sees_figures(user: &CurrentUser) -> bool {
    user.sees_overview()
}

/// Sees who is behind a figure (names): the administrator, and CISO and FG who act on it.
pub fn sees_lists(user: &CurrentUser) -> bool {
    [Role::Beheerder, Role::Ciso, Role::Fg].iter().any(|r| user.has_role(*r))
}

/// Write a literacy audit event in the caller's transaction (call last: the chain lock is held to commit).
async fn record(
    conn: &mut PgConnection,
    user: &CurrentUser,
    org: Uuid,
    action: &str,
    object: (&str, Uuid),
    before: Option<Value>,
    after: Option<Value>,
) -> sqlx::Result<i64> {
    let actor = Actor::from(user);
    let event = audit::Event::about(Some(org), &actor, action, object).change(before, after);
    audit::record(conn, event).await
}

/// The organisation's trainings as (id, title), for the forms.
async fn training_options(pool: &sqlx::PgPool, org: Uuid) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "select training_id, title, level from training where organisation_id = $1 order by lower(title)",
        org
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.training_id.to_string(),
                format!("{} ({})", r.title, crate::register::options::label_in(rules::LEVELS, &r.level).to_lowercase()),
            )
        })
        .collect())
}

/// The training levels to choose from, `current` chosen (the forms that add and change a training).
fn level_options(current: &str) -> Vec<crate::web::forms::OptView> {
    let levels: Vec<(String, String)> = rules::LEVELS.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect();
    options(&levels, current)
}

/// Options for a select, with `current` selected.
fn options(items: &[(String, String)], current: &str) -> Vec<crate::web::forms::OptView> {
    items
        .iter()
        .map(|(v, l)| crate::web::forms::OptView { value: v.clone(), label: l.clone(), selected: v == current })
        .collect()
}
