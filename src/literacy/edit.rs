//! Changing and removing a training, from its own page. A change is saved only over the version the form was
//! read at (migration 0065): when another administrator saved in between, the form comes back with this one's
//! input and what is stored now, so nobody overwrites anyone silently. A training someone has completed (or
//! entered) is not removed: the completions and their certificates are the organisation's evidence of AI
//! literacy (AI Act art. 4) and would go with it; removing its requirements stops it being asked of anyone.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use uuid::Uuid;

use super::forms::TrainingInput;
use super::manage::guard;
use super::rules::LEVELS;
use super::training::href;
use super::{MANAGE, options, record};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::register::options::label_in;
use crate::web::forms::{FormData, FormErrors, OptView};
use crate::web::layout::Layout;
use crate::web::user::CurrentUser;
use crate::web::{render_status, session};

/// A training as stored, with what hangs on it.
struct Stored {
    title: String,
    provider: Option<String>,
    level: String,
    duration_minutes: Option<i32>,
    validity_months: Option<i32>,
    link: Option<String>,
    version: i32,
    /// Requirements of roles and tools.
    requirements: i64,
    /// People with a completion, confirmed or waiting.
    people: i64,
}

async fn stored(db: impl sqlx::PgExecutor<'_>, org: Uuid, id: Uuid) -> AppResult<Option<Stored>> {
    Ok(sqlx::query_as!(
        Stored,
        r#"select t.title, t.provider, t.level, t.duration_minutes, t.validity_months, t.link, t.version,
                  (select count(*) from training_requirement r where r.training_id = t.training_id) as "requirements!",
                  (select count(distinct c.user_id) from training_completion c
                    where c.training_id = t.training_id) as "people!"
           from training t where t.training_id = $1 and t.organisation_id = $2"#,
        id,
        org
    )
    .fetch_optional(db)
    .await?)
}

impl Stored {
    /// The training as its form is filled in.
    fn form(&self) -> FormData {
        let mut f = FormData::default();
        let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
        f.push("title", self.title.clone());
        f.push("provider", self.provider.clone().unwrap_or_default());
        f.push("level", self.level.clone());
        f.push("duration_minutes", number(self.duration_minutes));
        f.push("validity_months", number(self.validity_months));
        f.push("link", self.link.clone().unwrap_or_default());
        f
    }

    /// The training as the audit log records it (the same fields as when it was added).
    fn audit(&self) -> Value {
        TrainingInput::try_from(&self.form()).map_or_else(|_| Value::String(self.title.clone()), |t| t.audit())
    }

    /// What is stored, in a sentence: "Titel „AI basis”; niveau basis; geldig 24 maanden; …".
    fn described(&self) -> String {
        let mut parts =
            vec![format!("titel „{}”", self.title), format!("niveau {}", label_in(LEVELS, &self.level).to_lowercase())];
        if let Some(p) = &self.provider {
            parts.push(format!("aanbieder {p}"));
        }
        if let Some(m) = self.duration_minutes {
            parts.push(format!("duur {m} minuten"));
        }
        parts.push(self.validity_months.map_or("geldig onbeperkt".to_string(), |m| format!("geldig {m} maanden")));
        if let Some(l) = &self.link {
            parts.push(format!("link {l}"));
        }
        parts.join("; ")
    }
}

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
    let levels: Vec<(String, String)> = LEVELS.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect();
    EditPage {
        layout: Layout::for_user(user, "Training wijzigen", MANAGE).with_errors(!errors.is_empty()),
        id,
        title: s.title.clone(),
        version: s.version,
        levels: options(&levels, input.get("level")),
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

/// Save a change over the version the form was read at, with its audit event.
#[tracing::instrument(skip_all)]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = guard(&user)?;
    let input = FormData::parse(&body);
    let Some(s) = stored(&state.pool, org, id).await? else { return gone(&state, &user).await };
    let read_at: i32 = input.get("version").trim().parse().unwrap_or(-1);
    let again = |errors: FormErrors, now: &Stored, changed: bool| {
        let mut p = edit_page(&user, id, now, input.clone(), errors);
        // The form was read at another version: saving again (with the version now) keeps this input.
        p.version = if changed { now.version } else { read_at };
        p.changed = changed.then(|| now.described());
        let code = if changed { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
        render_status(code, &p)
    };
    let t = match TrainingInput::try_from(&input) {
        Ok(t) => t,
        Err(errors) => return again(errors, &s, false),
    };
    let before = s.audit();
    let after = t.audit();
    if before == after {
        return session::flash_redirect(&state.pool, &user, "Er was niets gewijzigd.", &href(id)).await;
    }
    let mut tx = state.pool.begin().await?;
    let saved = sqlx::query_scalar!(
        "update training set title = $4, provider = $5, level = $6, duration_minutes = $7, validity_months = $8,
                link = $9, version = version + 1, updated_at = now()
         where training_id = $1 and organisation_id = $2 and version = $3 returning version",
        id,
        org,
        read_at,
        t.title,
        t.provider,
        t.level,
        t.duration_minutes,
        t.validity_months,
        t.link
    )
    .fetch_optional(&mut *tx)
    .await;
    match saved {
        Ok(Some(_)) => {}
        Ok(None) => {
            drop(tx);
            return match stored(&state.pool, org, id).await? {
                Some(now) => again(FormErrors::new(), &now, true),
                None => gone(&state, &user).await,
            };
        }
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("training_title_key") => {
            let mut errors = FormErrors::new();
            errors.add("title", "Er is al een andere training met deze titel. Kies een andere titel.");
            return again(errors, &s, false);
        }
        Err(e) => return Err(e.into()),
    }
    record(&mut tx, &user, org, "literacy.training_changed", ("training", id), Some(before), Some(after)).await?;
    tx.commit().await?;
    session::flash_redirect(&state.pool, &user, &format!("De training „{}” is gewijzigd.", t.title), &href(id)).await
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
    let Some(s) = stored(&state.pool, org, id).await? else { return gone(&state, &user).await };
    let layout = Layout::for_user(&user, "Training verwijderen", MANAGE);
    render_status(
        StatusCode::OK,
        &RemovePage { layout, id, title: s.title, requirements: s.requirements, people: s.people },
    )
}

/// Remove a training nobody has completed, with its requirements, in one transaction with its audit event.
#[tracing::instrument(skip_all)]
pub async fn remove(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = guard(&user)?;
    let mut tx = state.pool.begin().await?;
    // The row lock keeps a completion from being added between the count and the delete (its foreign key
    // check waits for this transaction, then finds the training gone).
    sqlx::query!("select 1 as one from training where training_id = $1 and organisation_id = $2 for update", id, org)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(s) = stored(&mut *tx, org, id).await? else { return gone(&state, &user).await };
    if s.people > 0 {
        let message = format!(
            "De training „{}” is niet verwijderd: {} heeft haar gevolgd of ingevoerd.",
            s.title,
            if s.people == 1 { "1 medewerker".to_string() } else { format!("{} medewerkers", s.people) }
        );
        return session::flash_redirect(&state.pool, &user, &message, &href(id)).await;
    }
    sqlx::query!("delete from training where training_id = $1 and organisation_id = $2", id, org)
        .execute(&mut *tx)
        .await?;
    let mut before = s.audit();
    if let Value::Object(m) = &mut before {
        m.insert("requirements".into(), s.requirements.into());
    }
    record(&mut tx, &user, org, "literacy.training_removed", ("training", id), Some(before), None).await?;
    tx.commit().await?;
    let also = match s.requirements {
        0 => String::new(),
        1 => " met de eis die erbij hoorde".to_string(),
        n => format!(" met de {n} eisen die erbij hoorden"),
    };
    session::flash_redirect(&state.pool, &user, &format!("De training „{}” is verwijderd{also}.", s.title), MANAGE)
        .await
}
