//! Saving a part of a questionnaire, completing it, or reopening it. The save holds the application's and the
//! questionnaire's row locks in one transaction from the version check to the commit: two saves from the
//! same version can never both win (the second gets 409 with its input kept).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::answers::apply;
use super::items::{instances, progress, unanswered_choices};
use super::tab::{View, tab_page};
use super::{Row, definition, fetch, locked_app};
use crate::AppState;
use crate::applications::organisation;
use crate::audit::Actor;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::questionnaires::definition::{Answers, Definition};
use crate::questionnaires::forms::{Action, SaveInput};
use crate::questionnaires::prescan;
use crate::register::confirmation::{self, By};
use crate::register::form::FormData;
use crate::register::lifecycle::Ctx;
use crate::register::store::{self, Stored};

/// Save a section; `actie` says what next: stay, go to the next section, complete, or reopen. Every write
/// happens inside the transaction that locked the row and checked the version the form was loaded with, and is
/// itself guarded by that version: two saves on the same version can never both win.
#[tracing::instrument(skip_all)]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, qid)): Path<(Uuid, Uuid)>,
    body: Bytes,
) -> AppResult<Response> {
    let input = FormData::parse(&body);
    let form = SaveInput::from(&input);
    organisation(&user)?;
    let mut tx = state.pool.begin().await?;
    let (_, app) = locked_app(&mut tx, &user, id).await?;
    let row = fetch(&mut tx, id, qid, true).await?;
    let def = definition(&row.kind)?;
    let view = |errors, conflict| View { section: form.section, input: Some(&input), errors, conflict };
    if form.version != Some(row.version) {
        drop(tx);
        return tab_page(&state, &user, id, qid, StatusCode::CONFLICT, view(Vec::new(), true)).await;
    }
    let here = format!("/register/{id}/vragenlijst/{qid}");
    let saving = Saving { user: &user, app: &app, def, row: &row };
    if form.action == Action::Reopen {
        saving.reopen(&mut tx, &here).await?;
        tx.commit().await?;
        let to = format!("{here}?deel={}", form.section);
        return session::flash_redirect(&state.pool, &user, "De vragenlijst is heropend.", &to).await;
    }
    if row.status == "afgerond" {
        return Err(AppError::ConflictBack {
            back: here,
            message: "Deze vragenlijst is afgerond. Heropen haar om antwoorden te wijzigen.".into(),
        });
    }
    let current = def.tasks.get(form.section).ok_or(AppError::NotFound)?;
    let before = row.answers();
    let mut answers = before.clone();
    let errors = apply(def, current, &before, &input, &mut answers);
    if !errors.is_empty() {
        drop(tx);
        return tab_page(&state, &user, id, qid, StatusCode::UNPROCESSABLE_ENTITY, view(errors, false)).await;
    }
    // "Nog een toevoegen": one more instance of a repeatable part (after saving what was typed).
    if let Action::Add(group) = &form.action {
        let n = instances(&before, group);
        answers.insert(format!("{group}@count"), json!(n + 1));
    }
    let flash = saving.write(&mut tx, &answers, form.action == Action::Complete).await?;
    tx.commit().await?;
    let next = if form.action == Action::Next { (form.section + 1).min(def.tasks.len() - 1) } else { form.section };
    session::flash_redirect(&state.pool, &user, &flash, &format!("{here}?deel={next}")).await
}

/// One save's writes, all in the caller's transaction (which holds the row locks).
struct Saving<'a> {
    user: &'a CurrentUser,
    app: &'a Stored,
    def: &'static Definition,
    row: &'a Row,
}

impl Saving<'_> {
    /// Back to "in uitvoering" (only a completed questionnaire), in the audit trail too.
    async fn reopen(&self, tx: &mut PgConnection, here: &str) -> AppResult<()> {
        if self.row.status != "afgerond" {
            let message = "Deze vragenlijst is niet afgerond.".into();
            return Err(AppError::ConflictBack { back: here.to_string(), message });
        }
        let note = format!("{} heropend", self.def.name);
        reopen(tx, self.user, self.row).await?;
        self.note(tx, &note).await?;
        self.settle(tx).await.map(|_| ())
    }

    /// The assessment's confirmation follows its new state (`register::confirmation`): completed by the FG or
    /// CISO for its kind it is confirmed, by anyone else it waits for them; reopened it has none.
    async fn settle(&self, tx: &mut PgConnection) -> AppResult<Option<&'static str>> {
        let actor = Actor::from(self.user);
        let ctx = Ctx { org: self.app.organisation_id, actor: &actor };
        let by = By { user_id: self.user.user_id, roles: self.user.roles() };
        confirmation::after_write(tx, &ctx, self.app, self.row.assessment_id, &by, true).await
    }

    /// The answers, and when asked to complete and every choice is made, the completion (status, verdicts,
    /// the assessment's outcome, the audit trail). Gives what to tell the person.
    async fn write(&self, tx: &mut PgConnection, answers: &Answers, completing: bool) -> AppResult<String> {
        let (def, row) = (self.def, self.row);
        let open = if completing { unanswered_choices(def, answers) } else { Vec::new() };
        let complete = completing && open.is_empty();
        let verdicts = complete.then(|| (row.kind == "prescan").then(|| prescan::evaluate(def, answers))).flatten();
        write_answers(tx, self.user, row, answers, complete, verdicts.as_ref()).await?;
        if complete {
            let outcome = outcome_text(def, answers, verdicts.as_ref());
            record_completion(tx, row, &outcome).await?;
            self.note(tx, &format!("{} afgerond: {outcome}", def.name)).await?;
            let then = self.settle(tx).await?.map(|w| format!(" {w}")).unwrap_or_default();
            Ok(format!("{} is afgerond en vastgelegd bij de assessments{then}.", def.name))
        } else if !open.is_empty() {
            Ok(still_open(&open))
        } else {
            Ok("Uw antwoorden zijn opgeslagen.".to_string())
        }
    }

    /// The assessment's line in the application's audit trail.
    async fn note(&self, tx: &mut PgConnection, note: &str) -> AppResult<()> {
        let actor = Actor::from(self.user);
        let event = "application.assessment_updated";
        store::record_note(tx, &actor, event, self.app, ("assessment", note)).await?;
        Ok(())
    }
}

/// What was typed is saved; then say what is still missing before completing.
fn still_open(open: &[(usize, String)]) -> String {
    let shown: Vec<String> = open.iter().take(12).map(|(part, q)| format!("{q} (deel {part})")).collect();
    let more = if open.len() > 12 { format!(" en nog {}", open.len() - 12) } else { String::new() };
    format!(
        "Afronden kan nog niet: beantwoord eerst de keuzevragen {}{more}. Uw antwoorden in dit deel zijn opgeslagen.",
        shown.join(", ")
    )
}

/// A changed version at write time: only possible if the row lock was lost, but then nothing is overwritten.
fn stale(done: sqlx::postgres::PgQueryResult) -> AppResult<()> {
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict("De vragenlijst is intussen door iemand anders gewijzigd.".into()))
    }
}

/// The answers (and, when completing, the status and verdicts), at the version the form was loaded with.
async fn write_answers(
    tx: &mut PgConnection,
    user: &CurrentUser,
    row: &Row,
    answers: &Answers,
    complete: bool,
    verdicts: Option<&prescan::Outcome>,
) -> AppResult<()> {
    let done = sqlx::query!(
        "update questionnaire set answers = $2, version = version + 1, updated_by = $3,
                status = case when $4 then 'afgerond' else status end,
                completed_at = case when $4 then now() else completed_at end,
                completed_by = case when $4 then $3 else completed_by end,
                verdicts = case when $4 then $5 else verdicts end
         where questionnaire_id = $1 and version = $6",
        row.questionnaire_id,
        json!(answers),
        user.user_id,
        complete,
        verdicts.map(|v| json!(v.verdicts)),
        row.version
    )
    .execute(&mut *tx)
    .await?;
    stale(done)
}

/// Back to "in uitvoering", the questionnaire and its assessment.
async fn reopen(tx: &mut PgConnection, user: &CurrentUser, row: &Row) -> AppResult<()> {
    let done = sqlx::query!(
        "update questionnaire set status = 'in_uitvoering', completed_at = null, completed_by = null,
                version = version + 1, updated_by = $2
          where questionnaire_id = $1 and version = $3",
        row.questionnaire_id,
        user.user_id,
        row.version
    )
    .execute(&mut *tx)
    .await?;
    stale(done)?;
    sqlx::query!(
        "update assessment set status = 'in_uitvoering', completed_on = null, version = version + 1 where assessment_id = $1",
        row.assessment_id
    )
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The assessment the questionnaire belongs to is completed with the outcome.
async fn record_completion(tx: &mut PgConnection, row: &Row, outcome: &str) -> AppResult<()> {
    sqlx::query!(
        "update assessment set status = 'afgerond', completed_on = $2, outcome = $3, version = version + 1
         where assessment_id = $1",
        row.assessment_id,
        crate::web::today(),
        outcome.chars().take(5000).collect::<String>()
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The outcome in words: the Pre-scan's verdicts with their criteria, or how far another list was filled in.
fn outcome_text(def: &Definition, answers: &Answers, verdicts: Option<&prescan::Outcome>) -> String {
    match verdicts {
        Some(v) => v
            .verdicts
            .iter()
            .map(|x| {
                let why: Vec<&str> =
                    x.criteria.iter().map(|c| c.explanation.as_str()).filter(|e| !e.is_empty()).collect();
                if why.is_empty() {
                    format!("{}: {}", x.assessment, x.label())
                } else {
                    format!("{}: {} (criteria: {})", x.assessment, x.label(), why.join("; "))
                }
            })
            .collect::<Vec<_>>()
            .join(". "),
        None => {
            let (a, t) =
                def.tasks.iter().map(|s| progress(def, s, answers)).fold((0, 0), |(a, t), (x, y)| (a + x, t + y));
            format!("{} {} ingevuld: {a} van {t} vragen beantwoord.", def.name, def.version)
        }
    }
}
