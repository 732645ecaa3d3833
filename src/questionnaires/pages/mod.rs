//! Filling in the government questionnaires (Pre-scan DPIA, DPIA, IAMA) as part of an application's
//! assessment record: one section (top-level task) per page, conditional questions shown once the answer they
//! depend on is saved, progress per section, save and resume by several people (version-checked: a stale
//! save gets 409 with the input kept), mark complete (which completes the assessment and, for a pre-scan,
//! records its verdict), and a print view for a clean PDF from the browser.
//!
//! `tab` renders a part of the questionnaire, `print` all of it; `items` turns the definition and the answers
//! into what the pages show; `start` opens a questionnaire, `save` saves, completes and reopens one, reading
//! the posted answers with `answers`.

mod answers;
mod items;
mod print;
mod save;
mod start;
mod tab;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value as J;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::definition::{Answers, Definition};
use crate::AppState;
use crate::applications::organisation;
use crate::assessments::can_change;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::store::{self, Stored};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register/{id}/vragenlijsten/{kind}/start", post(start::start))
        .route("/register/{id}/vragenlijst/{qid}", get(tab::page).post(save::save))
        .route("/register/{id}/vragenlijst/{qid}/afdrukken", get(print::print))
}

/// The three kinds, their assessment kind and their definition.
pub const KINDS: [(&str, &str, &str); 3] =
    [("prescan", "prescan_dpia", "Pre-scan DPIA"), ("dpia", "dpia", "DPIA"), ("iama", "iama", "IAMA")];

fn definition(kind: &str) -> AppResult<&'static Definition> {
    let sets = super::load().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    match kind {
        "prescan" => Ok(&sets.prescan),
        "dpia" => Ok(&sets.dpia),
        "iama" => Ok(&sets.iama),
        _ => Err(AppError::NotFound),
    }
}

/// An option's value as a form sends it back.
fn form_value(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One stored questionnaire, with the name of who saved it last.
struct Row {
    questionnaire_id: Uuid,
    assessment_id: Uuid,
    kind: String,
    definition_version: String,
    answers: J,
    status: String,
    version: i32,
    updated_by_name: Option<String>,
    updated_at: OffsetDateTime,
}

impl Row {
    fn answers(&self) -> Answers {
        serde_json::from_value(self.answers.clone()).unwrap_or_default()
    }
}

/// The questionnaire of this application; with `lock`, its row stays locked until the transaction ends (a
/// save checks the version it was loaded with under that lock).
async fn fetch(conn: &mut PgConnection, app: Uuid, qid: Uuid, lock: bool) -> AppResult<Row> {
    let row = if lock {
        sqlx::query_as!(
            Row,
            r#"select q.questionnaire_id, q.assessment_id, q.kind, q.definition_version, q.answers, q.status, q.version,
                      u.name as "updated_by_name?", q.updated_at
               from questionnaire q left join app_user u on u.user_id = q.updated_by
               where q.application_id = $1 and q.questionnaire_id = $2 for update of q"#,
            app,
            qid
        )
        .fetch_optional(&mut *conn)
        .await?
    } else {
        sqlx::query_as!(
            Row,
            r#"select q.questionnaire_id, q.assessment_id, q.kind, q.definition_version, q.answers, q.status, q.version,
                      u.name as "updated_by_name?", q.updated_at
               from questionnaire q left join app_user u on u.user_id = q.updated_by
               where q.application_id = $1 and q.questionnaire_id = $2"#,
            app,
            qid
        )
        .fetch_optional(&mut *conn)
        .await?
    };
    row.ok_or(AppError::NotFound)
}

/// The application, locked, when the user may change its assessments.
async fn locked_app(conn: &mut PgConnection, user: &CurrentUser, id: Uuid) -> AppResult<(Uuid, Stored)> {
    let org = organisation(user)?;
    let app = store::lock(conn, org, id).await?.ok_or(AppError::NotFound)?;
    if !can_change(user, &app) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, application_id = %id, action = "questionnaire", "questionnaire change refused");
        return Err(AppError::Forbidden);
    }
    Ok((org, app))
}
