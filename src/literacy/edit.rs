//! "Training wijzigen" and "Training verwijderen", from a training's own page (the rules: `training_store`).
//! After another administrator's save the form comes back with this one's input beside what is stored now; a
//! training someone completed stays, and the page says why and that removing its requirements stops it being
//! asked of anyone.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::forms::TrainingInput;
use super::manage::guard;
use super::training::href;
use super::training_store::{Removal, Saved, Stored, change, delete, kept_because, stored};
use super::{MANAGE, level_options};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::web::forms::{FormData, FormErrors, OptView};
use crate::web::layout::Layout;
use crate::web::user::CurrentUser;
use crate::web::{render_status, session};

#[derive(Template)]
#[template(path = "literacy/training_edit.html")]
struct EditPage {
    layout: Layout,
    id: Uuid,
    /// The title as stored, for the way back.
    title: String,
    version: i32,
    input: FormData,
    errors: FormErrors,
    levels: Vec<OptView>,
    /// Another administrator saved in between: what is stored now.
    changed: Option<String>,
    /// People who completed it: a new validity applies to them at once.
    people: i64,
}

fn edit_page(user: &CurrentUser, id: Uuid, s: &Stored, input: FormData, errors: FormErrors) -> EditPage {
    EditPage {
        layout: Layout::for_user(user, "Training wijzigen", MANAGE).with_errors(!errors.is_empty()),
        id,
        title: s.title.clone(),
        version: s.version,
        levels: level_options(input.get("level")),
        input,
        errors,
        changed: None,
        people: s.people,
    }
}

/// "Deze training is al verwijderd": where a form for a training that went meanwhile lands.
async fn gone(state: &AppState, user: &CurrentUser) -> AppResult<Response> {
    session::flash_redirect(&state.pool, user, "Deze training is intussen verwijderd.", MANAGE).await
}

/// "Training wijzigen": the form filled in with what is stored.
#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = guard(&user)?;
    let s = stored(&state.pool, org, id).await?.ok_or(AppError::NotFound)?;
    render_status(StatusCode::OK, &edit_page(&user, id, &s, s.form(), FormErrors::new()))
}

/// "Training wijzigen" sent: saved, or the form again with the input and why not.
#[tracing::instrument(skip_all)]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = guard(&user)?;
    let input = FormData::parse(&body);
    let read_at: i32 = input.get("version").trim().parse().unwrap_or(-1);
    let again = |errors: FormErrors, now: &Stored, changed: bool| {
        let mut p = edit_page(&user, id, now, input.clone(), errors);
        // The form was read at another version: saving again (with the version now) keeps this input.
        p.version = if changed { now.version } else { read_at };
        p.changed = changed.then(|| now.described());
        let code = if changed { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
        render_status(code, &p)
    };
    // What is stored is read again only for a form that comes back: `change` reads it for the saving itself.
    let refused = |errors: FormErrors| async {
        match stored(&state.pool, org, id).await? {
            Some(s) => again(errors, &s, false),
            None => gone(&state, &user).await,
        }
    };
    let t = match TrainingInput::try_from(&input) {
        Ok(t) => t,
        Err(errors) => return refused(errors).await,
    };
    let message = match change(&state.pool, &user, org, id, read_at, &t).await? {
        Saved::Changed => format!("De training „{}” is gewijzigd.", t.title),
        Saved::Unchanged => "Er was niets gewijzigd.".to_string(),
        Saved::Stale(now) => return again(FormErrors::new(), &now, true),
        Saved::SameTitle => {
            let mut errors = FormErrors::new();
            errors.add("title", "Er is al een andere training met deze titel. Kies een andere titel.");
            return refused(errors).await;
        }
        Saved::Gone => return gone(&state, &user).await,
    };
    session::flash_redirect(&state.pool, &user, &message, &href(id)).await
}

#[derive(Template)]
#[template(path = "literacy/training_remove.html")]
struct RemovePage {
    layout: Layout,
    id: Uuid,
    title: String,
    requirements: i64,
    /// Someone completed it: it stays.
    people: i64,
}

/// "Training verwijderen": what goes with it, and the button; or why it stays.
#[tracing::instrument(skip_all)]
pub async fn ask_remove(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = guard(&user)?;
    let s = stored(&state.pool, org, id).await?.ok_or(AppError::NotFound)?;
    let layout = Layout::for_user(&user, "Training verwijderen", MANAGE);
    render_status(
        StatusCode::OK,
        &RemovePage { layout, id, title: s.title, requirements: s.requirements, people: s.people },
    )
}

/// "Training verwijderen" confirmed.
#[tracing::instrument(skip_all)]
pub async fn remove(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = guard(&user)?;
    let (message, to) = match delete(&state.pool, &user, org, id).await? {
        Removal::Removed { title, requirements } => {
            let also = match requirements {
                0 => String::new(),
                1 => " met de eis die erbij hoorde".to_string(),
                n => format!(" met de {n} eisen die erbij hoorden"),
            };
            (format!("De training „{title}” is verwijderd{also}."), MANAGE.to_string())
        }
        Removal::Completed { title, people: n } => {
            (format!("De training „{title}” is niet verwijderd: {}.", kept_because(n)), href(id))
        }
        Removal::Gone => return gone(&state, &user).await,
    };
    session::flash_redirect(&state.pool, &user, &message, &to).await
}
