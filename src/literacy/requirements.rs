//! The administrator's training requirements: a training required of everyone with a role or of every user
//! of a tool (the tool found by name, `register::pick`), added and removed with their audit events.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use uuid::Uuid;

use super::forms::{RequirementInput, Target};
use super::manage::{Forms, guard, refused, render};
use super::{MANAGE, record, training};
use crate::AppState;
use crate::error::AppResult;
use crate::register::pick::{self, Among, NotPicked};
use crate::web::forms::{FormData, FormErrors};
use crate::web::session;
use crate::web::user::CurrentUser;

/// The tool of a requirement as an id in the input: the chosen radio button, or the search text when it names
/// one registration (`register::pick`); nothing chosen and nothing typed is no tool.
async fn settle_tool(state: &AppState, org: Uuid, input: &mut FormData) -> AppResult<Result<(), NotPicked>> {
    let (chosen, typed) = pick::sent(input, "application_id");
    Ok(match pick::resolve(&state.pool, org, Among::Requirements, chosen, typed).await? {
        Ok(tool) => {
            input.0.retain(|(k, _)| k != "application_id");
            input.push("application_id", tool.map(|id| id.to_string()).unwrap_or_default());
            Ok(())
        }
        Err(why) => Err(why),
    })
}

#[tracing::instrument(skip_all)]
pub async fn add(State(state): State<AppState>, user: CurrentUser, body: Bytes) -> AppResult<Response> {
    let org = guard(&user)?;
    let mut input = FormData::parse(&body);
    if pick::searching(&input, "application_id") {
        // "Zoeken" (without JavaScript): the registrations that fit the text, nothing saved yet.
        let f = Forms { requirement: (input, FormErrors::new()), ..Forms::default() };
        return render(&state, &user, StatusCode::OK, f).await;
    }
    if let Err(why) = settle_tool(&state, org, &mut input).await? {
        let message = why.message("Vereist voor de tool", pick::sent(&input, "application_id").1);
        let f = Forms { requirement: refused(input, "application_id", &message), ..Forms::default() };
        return render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, f).await;
    }
    let r = match RequirementInput::try_from(&input) {
        Ok(r) => r,
        Err(e) => {
            let f = Forms { requirement: (input, e), ..Forms::default() };
            return render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, f).await;
        }
    };
    let (role, tool) = match r.target {
        Target::Role(role) => (Some(role.as_str()), None),
        Target::Tool(id) => (None, Some(id)),
    };
    let id = Uuid::now_v7();
    let mut tx = state.pool.begin().await?;
    // Both the training and the tool must be the organisation's; a repeat is not added twice.
    let inserted = sqlx::query!(
        "insert into training_requirement (requirement_id, organisation_id, training_id, role, application_id)
         select $1, $2, $3, $4, $5
         where exists (select 1 from training where training_id = $3 and organisation_id = $2)
           and ($5::uuid is null or exists (select 1 from application where application_id = $5 and organisation_id = $2))
         on conflict do nothing",
        id,
        org,
        r.training_id,
        role,
        tool
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        let (field, message) = why_not_added(&mut tx, org, &r).await?;
        drop(tx);
        let f = Forms { requirement: refused(input, field, &message), ..Forms::default() };
        return render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, f).await;
    }
    let after = json!({"training_id": r.training_id, "role": role, "application_id": tool});
    record(&mut tx, &user, org, "literacy.requirement_added", ("training_requirement", id), None, Some(after)).await?;
    tx.commit().await?;
    // Back to the training's page the form was opened from, or to the top of this page, where the message is
    // (the form was sent to its own section, #kop-eis).
    let back = training::page_or(&state.pool, org, input.get("terug"), format!("{MANAGE}#inhoud")).await?;
    session::flash_redirect(&state.pool, &user, "De eis is toegevoegd.", &back).await
}

/// Why a requirement was not added, on the field to change: the training or the tool is gone (deleted by
/// someone else meanwhile), or the same requirement is there already (named, so the administrator sees which).
async fn why_not_added(
    conn: &mut sqlx::PgConnection,
    org: Uuid,
    r: &RequirementInput,
) -> AppResult<(&'static str, String)> {
    let tool = match r.target {
        Target::Tool(id) => Some(id),
        Target::Role(_) => None,
    };
    let found = sqlx::query!(
        r#"select (select title from training where training_id = $2 and organisation_id = $1) as title,
                  (select name from application where application_id = $3 and organisation_id = $1) as tool"#,
        org,
        r.training_id,
        tool
    )
    .fetch_one(conn)
    .await?;
    Ok(match (found.title, found.tool, &r.target) {
        (None, _, _) => {
            ("requirement_training", "De gekozen training bestaat niet (meer). Kies een training uit de lijst.".into())
        }
        (Some(_), None, Target::Tool(_)) => {
            ("application_id", "De gekozen tool staat niet (meer) in het register. Zoek de tool opnieuw.".into())
        }
        (Some(title), tool, target) => {
            let role = match target {
                Target::Role(role) => Some(role.as_str()),
                Target::Tool(_) => None,
            };
            let who = training::whom(role, tool.as_deref());
            ("requirement_training", format!("„{title}” is al vereist voor {who}. Er is niets toegevoegd."))
        }
    })
}

/// Remove a requirement (after "Eis verwijderen" asked, `training::ask_remove`) with its audit event, and go
/// back to the training's page saying what went. Removed already (sent twice, or by someone else): said so.
#[tracing::instrument(skip_all)]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = guard(&user)?;
    let mut tx = state.pool.begin().await?;
    // Named before it goes, for the message; gone meanwhile, the delete finds nothing either.
    let what = training::named(&mut *tx, org, id).await?;
    let gone = sqlx::query!(
        "delete from training_requirement where requirement_id = $1 and organisation_id = $2
         returning training_id, role, application_id",
        id,
        org
    )
    .fetch_optional(&mut *tx)
    .await?;
    let (Some(what), Some(gone)) = (what, gone) else {
        drop(tx);
        // Back to the training's page the question came from (the form names it), when it is the organisation's;
        // otherwise to the administrator's page.
        let sent = FormData::parse(&body);
        let gone_to = training::page_or(&state.pool, org, sent.get("training"), MANAGE.to_string()).await?;
        return session::flash_redirect(&state.pool, &user, "Deze eis was al verwijderd.", &gone_to).await;
    };
    let before = json!({"training_id": gone.training_id, "role": gone.role, "application_id": gone.application_id});
    record(&mut tx, &user, org, "literacy.requirement_removed", ("training_requirement", id), Some(before), None)
        .await?;
    tx.commit().await?;
    let message = format!("De eis is verwijderd: „{}” is niet meer vereist voor {}.", what.title, what.whom);
    session::flash_redirect(&state.pool, &user, &message, &training::href(what.training_id)).await
}
