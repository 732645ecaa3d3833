//! AI-literacy through the API (`/literacy/...`), with the web pages' rules (`crate::literacy`): everyone lists
//! the trainings and their own completions and records their own (waiting for confirmation); the
//! administrator adds trainings, lists everyone's completions, records one for anyone (counting at once) and
//! confirms; the coverage figures per role and per tool go to whoever sees them on the page, the people
//! behind them only to the administrator, CISO and FG. Every write has the web form's checks (422 naming the
//! field) and the same audit event.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::ApiUser;
use super::problem::{ApiResult, FieldError, Problem};
use crate::AppState;
use crate::literacy::coverage::{Counts, GROUPS, per_reason};
use crate::literacy::figures::{StandingCount, standing_counts};
use crate::literacy::forms::{CompletionInput, TrainingInput};
use crate::literacy::manage::{confirm_completion, insert_training};
use crate::literacy::mine::{insert_completion, training_in};
use crate::literacy::status::{Pair, pairs};
use crate::literacy::training_store::{self, Removal, Saved, kept_because};
use crate::literacy::{manages, sees_figures, sees_lists};
use crate::register::store;
use crate::web::forms::{FormData, FormErrors};
use crate::web::today;

const TRAINING_FIELDS: [&str; 6] = ["title", "provider", "level", "duration_minutes", "validity_months", "link"];
const COMPLETION_FIELDS: [&str; 4] = ["training_id", "completed_on", "evidence_link", "user_id"];

fn organisation(api: &ApiUser) -> Result<Uuid, Problem> {
    api.user.organisation_id().ok_or_else(|| Problem::forbidden("Het token hoort bij geen organisatie."))
}

fn administrator(api: &ApiUser, what: &str) -> Result<Uuid, Problem> {
    api.require_write()?;
    if !manages(&api.user) {
        tracing::warn!(event = "authz_denied", user_id = %api.user.user_id, action = what, "literacy change refused");
        return Err(Problem::forbidden("Alleen de beheerder beheert trainingen en bevestigt afgeronde trainingen."));
    }
    organisation(api)
}

fn invalid(errors: &FormErrors) -> Problem {
    Problem::invalid(errors.iter().map(|(f, m)| FieldError { field: f.to_string(), message: m.clone() }).collect())
}

/// A JSON object as the form's pairs: strings as they are, whole numbers as text, null as absent; another
/// type or an unknown field is named.
fn pairs_from_json(headers: &HeaderMap, body: &[u8], fields: &[&str], what: &str) -> Result<FormData, Problem> {
    super::require_json(headers, what)?;
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Problem::bad_request(format!("De body is geen geldige JSON (regel {}, kolom {}).", e.line(), e.column()))
    })?;
    let Some(obj) = value.as_object() else {
        return Err(Problem::bad_request(format!("De body moet een JSON-object zijn met {what}.")));
    };
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    for (key, value) in obj {
        let known = fields.contains(&key.as_str());
        match value {
            _ if !known => errors.push(FieldError { field: key.clone(), message: format!("Onbekend veld `{key}`.") }),
            Value::Null => {}
            Value::String(s) => pairs.push((key.clone(), s.clone())),
            Value::Number(n) if n.is_i64() => pairs.push((key.clone(), n.to_string())),
            _ => errors.push(FieldError { field: key.clone(), message: format!("`{key}` moet tekst zijn (of null).") }),
        }
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(FormData::from_pairs(pairs))
}

fn time(t: Option<OffsetDateTime>) -> Value {
    t.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .map(Value::String)
        .unwrap_or(Value::Null)
}

async fn trainings_of(state: &AppState, org: Uuid, only: Option<Uuid>) -> ApiResult<Vec<Value>> {
    let rows = sqlx::query!(
        "select training_id, title, provider, level, duration_minutes, validity_months, link, version from training
         where organisation_id = $1 and ($2::uuid is null or training_id = $2) order by lower(title)",
        org,
        only
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|t| {
            json!({ "id": t.training_id, "title": t.title, "provider": t.provider, "level": t.level,
                    "duration_minutes": t.duration_minutes, "validity_months": t.validity_months, "link": t.link,
                    "version": t.version })
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn list_trainings(State(state): State<AppState>, api: ApiUser) -> ApiResult<Json<Value>> {
    let org = organisation(&api)?;
    Ok(Json(json!({ "items": trainings_of(&state, org, None).await? })))
}

#[tracing::instrument(skip_all)]
pub async fn create_training(
    State(state): State<AppState>,
    api: ApiUser,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let org = administrator(&api, "api_training_create")?;
    let form = pairs_from_json(&headers, &body, &TRAINING_FIELDS, "de training")?;
    let t = TrainingInput::try_from(&form).map_err(|e| invalid(&e))?;
    let Some(id) = insert_training(&state, &api.user, org, &t).await? else {
        let message = "Er is al een training met deze titel.".to_string();
        return Err(Problem::invalid(vec![FieldError { field: "title".into(), message }]));
    };
    let created = trainings_of(&state, org, Some(id)).await?.pop().ok_or_else(Problem::not_found)?;
    Ok(super::created(&format!("/api/v1/literacy/trainings/{id}"), created))
}

/// One training of the organisation (the address `POST` answers with).
#[tracing::instrument(skip_all)]
pub async fn training(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let id = path.map(|Path(id)| id).map_err(|_| Problem::not_found())?;
    let org = organisation(&api)?;
    Ok(Json(trainings_of(&state, org, Some(id)).await?.pop().ok_or_else(Problem::not_found)?))
}

/// Change a training: every field again, with the `version` read (the form's rules; 409 after another change).
#[tracing::instrument(skip_all)]
pub async fn change(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let id = path.map(|Path(id)| id).map_err(|_| Problem::not_found())?;
    let org = administrator(&api, "api_training_update")?;
    if trainings_of(&state, org, Some(id)).await?.is_empty() {
        return Err(Problem::not_found());
    }
    let mut fields = TRAINING_FIELDS.to_vec();
    fields.push("version");
    let form = pairs_from_json(&headers, &body, &fields, "de training")?;
    let version = form.get("version").parse::<i32>().ok();
    let parsed = TrainingInput::try_from(&form);
    let (t, version) = match (parsed, version) {
        (Ok(t), Some(version)) => (t, version),
        (parsed, _) => {
            let mut errors = parsed.err().unwrap_or_default();
            if version.is_none() {
                errors.add("version", "Geef de `version` die u las (een geheel getal).");
            }
            return Err(invalid(&errors));
        }
    };
    match training_store::change(&state.pool, &api.user, org, id, version, &t).await? {
        Saved::Changed | Saved::Unchanged => {}
        Saved::Stale(now) => {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "Intussen gewijzigd",
                format!(
                    "Deze training is gewijzigd sinds u haar las (version {version}, nu {}). Lees haar opnieuw.",
                    now.version
                ),
            ));
        }
        Saved::SameTitle => {
            let message = "Er is al een andere training met deze titel.".to_string();
            return Err(Problem::invalid(vec![FieldError { field: "title".into(), message }]));
        }
        Saved::Gone => return Err(Problem::not_found()),
    }
    Ok(Json(trainings_of(&state, org, Some(id)).await?.pop().ok_or_else(Problem::not_found)?))
}

/// Remove a training nobody has completed (409 otherwise), with its requirements.
#[tracing::instrument(skip_all)]
pub async fn remove(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<StatusCode> {
    let id = path.map(|Path(id)| id).map_err(|_| Problem::not_found())?;
    let org = administrator(&api, "api_training_delete")?;
    match training_store::delete(&state.pool, &api.user, org, id).await? {
        Removal::Removed { .. } => Ok(StatusCode::NO_CONTENT),
        Removal::Completed { title, people } => Err(Problem::new(
            StatusCode::CONFLICT,
            "Training gevolgd",
            format!(
                "„{title}” is niet verwijderd: {}. Die afrondingen tonen de AI-geletterdheid aan en blijven bewaard.",
                kept_because(people)
            ),
        )),
        Removal::Gone => Err(Problem::not_found()),
    }
}

/// Completions of the organisation: of one person, or everyone's (`user` None), or one.
async fn completions_of(state: &AppState, org: Uuid, user: Option<Uuid>, only: Option<Uuid>) -> ApiResult<Vec<Value>> {
    let rows = sqlx::query!(
        r#"select c.completion_id, c.user_id, u.name, u.email, c.training_id, t.title, c.completed_on,
                  c.evidence_link, c.source, c.confirmed_at as "confirmed_at?: OffsetDateTime"
           from training_completion c join training t using (training_id) join app_user u on u.user_id = c.user_id
           where c.organisation_id = $1 and ($2::uuid is null or c.user_id = $2)
             and ($3::uuid is null or c.completion_id = $3)
           order by c.completed_on desc, c.completion_id"#,
        org,
        user,
        only
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            json!({ "id": c.completion_id, "user_id": c.user_id, "name": c.name, "email": c.email,
                    "training_id": c.training_id, "training": c.title, "completed_on": c.completed_on.to_string(),
                    "evidence_link": c.evidence_link, "source": c.source,
                    "confirmed": c.confirmed_at.is_some(), "confirmed_at": time(c.confirmed_at) })
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn list_completions(State(state): State<AppState>, api: ApiUser) -> ApiResult<Json<Value>> {
    let org = organisation(&api)?;
    let whose = if manages(&api.user) { None } else { Some(api.user.user_id) };
    Ok(Json(json!({ "items": completions_of(&state, org, whose, None).await? })))
}

/// Record a completion: one's own (waiting for the administrator), or by the administrator for anyone
/// (counting at once).
#[tracing::instrument(skip_all)]
pub async fn create_completion(
    State(state): State<AppState>,
    api: ApiUser,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    api.require_write()?;
    let org = organisation(&api)?;
    let form = pairs_from_json(&headers, &body, &COMPLETION_FIELDS, "de afgeronde training")?;
    let admin = manages(&api.user);
    let named = Some(form.get("user_id")).filter(|v| !v.is_empty());
    if named.is_some_and(|v| v != api.user.user_id.to_string()) && !admin {
        return Err(Problem::forbidden("Alleen de beheerder legt een training vast voor iemand anders."));
    }
    let mut c = CompletionInput::read(&form, named.is_some(), today()).map_err(|e| invalid(&e))?;
    let person = c.user_id.take().unwrap_or(api.user.user_id);
    let field = |field: &str, message: &str| {
        Problem::invalid(vec![FieldError { field: field.into(), message: message.into() }])
    };
    if !store::is_active_member(&state.pool, org, person).await? {
        return Err(field("user_id", "Deze medewerker is geen actief lid van de organisatie."));
    }
    if training_in(&state, org, c.training_id).await?.is_none() {
        return Err(field("training_id", "Deze training bestaat niet in de organisatie."));
    }
    if !insert_completion(&state, &api.user, org, person, &c, admin).await? {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "Al vastgelegd",
            "Deze training staat op die datum al bij deze medewerker.",
        ));
    }
    let id: Uuid = sqlx::query_scalar!(
        "select completion_id from training_completion where training_id = $1 and user_id = $2 and completed_on = $3",
        c.training_id,
        person,
        c.completed_on
    )
    .fetch_one(&state.pool)
    .await?;
    let created = completions_of(&state, org, None, Some(id)).await?.pop().ok_or_else(Problem::not_found)?;
    Ok(super::created(&format!("/api/v1/literacy/completions/{id}"), created))
}

#[tracing::instrument(skip_all)]
pub async fn confirm(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let id = path.map(|Path(id)| id).map_err(|_| Problem::not_found())?;
    let org = administrator(&api, "api_completion_confirm")?;
    let found = completions_of(&state, org, None, Some(id)).await?.pop().ok_or_else(Problem::not_found)?;
    if found["confirmed"] == json!(true) || !confirm_completion(&state, &api.user, org, id).await? {
        return Err(Problem::new(StatusCode::CONFLICT, "Al bevestigd", "Deze afgeronde training telt al mee."));
    }
    let confirmed = completions_of(&state, org, None, Some(id)).await?.pop().ok_or_else(Problem::not_found)?;
    Ok(Json(confirmed))
}

/// The figures of one row: the count per group (`vereist`, `gedaan`, …), as the coverage page shows them.
fn figures(counts: Counts) -> Map<String, Value> {
    GROUPS.iter().zip(counts).map(|((g, _), n)| (g.to_string(), json!(n))).collect()
}

fn person(p: &Pair) -> Value {
    json!({ "name": p.user_name, "email": p.email, "training_id": p.training_id, "training": p.title,
            "role": p.role.map(|r| r.as_str()), "application_id": p.tool.as_ref().map(|t| t.0),
            "standing": p.standing.as_str(), "valid_until": p.valid_until.map(|d| d.to_string()) })
}

#[tracing::instrument(skip_all)]
pub async fn coverage(State(state): State<AppState>, api: ApiUser) -> ApiResult<Json<Value>> {
    let org = organisation(&api)?;
    if !sees_figures(&api.user) {
        return Err(Problem::forbidden("De dekkingscijfers zijn voor de beheerder, de CISO, de FG en de directie."));
    }
    // Names only for who acts on them (as the lists behind the page's figures): then the figures are counted from
    // the same pairs, so the two agree; otherwise in the database, as on the coverage page.
    let (all, people) = if sees_lists(&api.user) {
        let pairs = pairs(&state.pool, org, today()).await?;
        (pairs.iter().map(StandingCount::of).collect(), Some(pairs.iter().map(person).collect::<Vec<_>>()))
    } else {
        (standing_counts(&state.pool, org, today()).await?, None)
    };
    let (roles, tools) = per_reason(&all);
    let roles: Vec<Value> = roles
        .into_iter()
        .map(|(r, n)| {
            let mut row = figures(n);
            row.insert("role".into(), json!(r.as_str()));
            Value::Object(row)
        })
        .collect();
    let tools: Vec<Value> = tools
        .into_iter()
        .map(|((id, name), n)| {
            let mut row = figures(n);
            row.insert("application_id".into(), json!(id));
            row.insert("name".into(), json!(name));
            Value::Object(row)
        })
        .collect();
    Ok(Json(json!({ "roles": roles, "tools": tools, "people": people })))
}
