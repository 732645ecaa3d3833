//! Adding and changing an assessment: the form, and saving it with its optional report.

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sqlx::PgConnection;
use uuid::Uuid;

use super::document;
use super::forms::{AssessmentInput, to_input};
use super::sniff::DocType;
use super::{KINDS, RESIDUAL, Row, STATUSES, can_change, fetch};
use crate::AppState;
use crate::applications::load;
use crate::applications::summary::{Summary, summary};
use crate::audit::Actor;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::confirmation::{self, By};
use crate::register::fields::label_in as label;
use crate::register::form::FormData;
use crate::register::lifecycle::Ctx;
use crate::register::store::{self, Stored};
use crate::web::filename;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::render_status;

#[derive(Template)]
#[template(path = "assessments/form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub app: Summary,
    pub tab: &'static str,
    pub assessment_id: Option<Uuid>,
    pub version: i32,
    pub input: FormData,
    pub errors: FormErrors,
    pub document: Option<String>,
    pub conflict: bool,
    pub kinds: &'static [(&'static str, &'static str)],
    pub statuses: &'static [(&'static str, &'static str)],
    pub residuals: &'static [(&'static str, &'static str)],
}

struct FormState {
    assessment_id: Option<Uuid>,
    version: i32,
    input: FormData,
    errors: FormErrors,
    document: Option<String>,
    conflict: bool,
}

fn form_page(user: &CurrentUser, app: &Stored, s: FormState, status: StatusCode) -> AppResult<Response> {
    let title = if s.assessment_id.is_some() { "Assessment bijwerken" } else { "Assessment toevoegen" };
    render_status(
        status,
        &FormPage {
            layout: Layout::for_user(user, &format!("{title} – {}", app.name()), "/register")
                .with_errors(!s.errors.is_empty() || s.conflict),
            app: summary(user, app),
            tab: "assessments",
            assessment_id: s.assessment_id,
            version: s.version,
            input: s.input,
            errors: s.errors,
            document: s.document,
            conflict: s.conflict,
            kinds: KINDS,
            statuses: STATUSES,
            residuals: RESIDUAL,
        },
    )
}

fn guard(user: &CurrentUser, app: &Stored) -> AppResult<()> {
    if can_change(user, app) {
        return Ok(());
    }
    tracing::warn!(event = "authz_denied", user_id = %user.user_id, application_id = %app.id, action = "change_assessment", "assessment change refused");
    Err(AppError::Forbidden)
}

#[tracing::instrument(skip_all)]
pub async fn new_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (_, app) = load(&state, &user, id).await?;
    guard(&user, &app)?;
    let mut input = FormData::default();
    input.push("status", "niet_gestart");
    let s = FormState {
        assessment_id: None,
        version: 0,
        input,
        errors: FormErrors::new(),
        document: None,
        conflict: false,
    };
    form_page(&user, &app, s, StatusCode::OK)
}

#[tracing::instrument(skip_all)]
pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, aid)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    let (_, app) = load(&state, &user, id).await?;
    guard(&user, &app)?;
    let mut conn = state.pool.acquire().await?;
    let row = fetch(&mut conn, id, aid).await?;
    let s = FormState {
        assessment_id: Some(aid),
        version: row.version,
        input: to_input(&row),
        errors: FormErrors::new(),
        document: row.file_name.as_deref().map(filename::clean),
        conflict: false,
    };
    form_page(&user, &app, s, StatusCode::OK)
}

#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    save(state, user, id, None, headers, body).await
}

#[tracing::instrument(skip_all)]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, aid)): Path<(Uuid, Uuid)>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    save(state, user, id, Some(aid), headers, body).await
}

async fn save(
    state: AppState,
    user: CurrentUser,
    id: Uuid,
    aid: Option<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    let (org, app) = load(&state, &user, id).await?;
    guard(&user, &app)?;
    let (input, upload) = match document::read_body(&headers, body).await? {
        Ok(read) => read,
        Err(too_large) => return Ok(too_large),
    };
    let (values, mut errors) = match AssessmentInput::try_from(&input) {
        Ok(v) => (Some(v), FormErrors::new()),
        Err(errors) => (None, errors),
    };
    let doc = match &upload {
        Some(u) => document::check(u, &mut errors).await?,
        None => None,
    };
    let base_version: i32 = input.get("version").parse().unwrap_or(-1);
    let mut tx = state.pool.begin().await?;
    // The application's row lock serialises this with a CISO's decision (which reads the assessments for
    // its gates) and with other saves of the same assessment, so the version check below cannot be raced.
    store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    let current = match aid {
        Some(aid) => Some(fetch(&mut tx, id, aid).await?),
        None => None,
    };
    let remove_document = input.get("document_verwijderen") == "ja";
    let keeps_document = current.as_ref().is_some_and(|c| c.document_id.is_some()) && !remove_document;
    if AssessmentInput::gives_link(&input) && (doc.is_some() || (keeps_document && upload.is_none())) {
        errors.add("link", "Geef een link óf een document, niet allebei.");
    }
    let stale = current.as_ref().is_some_and(|c| c.version != base_version);
    let v = match values {
        Some(v) if !stale && errors.is_empty() => v,
        _ => {
            drop(tx);
            let refused = Refused { aid, input, errors, current, stale, reupload: upload.is_some() };
            return refused.page(&user, &app);
        }
    };
    let document_id = match (&doc, &upload) {
        (Some((kind, name)), Some(u)) => Some(document::store(&mut tx, org, user.user_id, *kind, name, u).await?),
        _ if keeps_document => current.as_ref().and_then(|c| c.document_id),
        _ => None,
    };
    let assessment_id = aid.unwrap_or_else(Uuid::now_v7);
    write(&mut tx, assessment_id, id, &v, document_id, user.user_id).await?;
    let changed = says_otherwise(current.as_ref(), &v, document_id);
    // A replaced or removed report is deleted with its link.
    if let Some(old) = current.as_ref().and_then(|c| c.document_id).filter(|old| Some(*old) != document_id) {
        sqlx::query!("delete from assessment_document where document_id = $1", old).execute(&mut *tx).await?;
    }
    let name = if v.kind == "anders" { v.other_name.clone().unwrap_or_default() } else { label(KINDS, &v.kind) };
    let action = if aid.is_some() { "application.assessment_updated" } else { "application.assessment_added" };
    let note = summary_line(&name, &v, doc.as_ref());
    let actor = Actor::from(&user);
    store::record_note(&mut tx, &actor, action, &app, ("assessment", &note)).await?;
    let ctx = Ctx { org, actor: &actor };
    let by = By { user_id: user.user_id, roles: user.roles() };
    let state_words = confirmation::after_write(&mut tx, &ctx, &app, assessment_id, &by, changed).await?;
    tx.commit().await?;
    let then = state_words.map(|w| format!(" {w}")).unwrap_or_default();
    let flash = format!("Het assessment {name} is opgeslagen{then}.");
    session::flash_redirect(&state.pool, &user, &flash, &format!("/register/{id}/assessments")).await
}

/// Whether a save changes what the assessment says (its kind, status, dates, outcome, residual risk, link or
/// report): a confirmed assessment then needs a new confirmation. Who performed it and whether it may be
/// published are not what was confirmed.
fn says_otherwise(current: Option<&Row>, v: &AssessmentInput, document_id: Option<Uuid>) -> bool {
    let Some(c) = current else { return true };
    c.kind != v.kind
        || c.other_name != v.other_name
        || c.status != v.status
        || c.started_on != v.started_on
        || c.completed_on != v.completed_on
        || c.outcome != v.outcome
        || c.residual_risk != v.residual_risk
        || c.link != v.link
        || c.document_id != document_id
}

/// A save that cannot be done: field errors (422), or someone else saved the assessment first (409).
struct Refused {
    aid: Option<Uuid>,
    input: FormData,
    errors: FormErrors,
    current: Option<Row>,
    stale: bool,
    /// A file was sent along: the browser will not send it again.
    reupload: bool,
}

impl Refused {
    /// The form again, filled in as it was sent.
    fn page(mut self, user: &CurrentUser, app: &Stored) -> AppResult<Response> {
        if self.reupload && self.errors.get("document").is_none() {
            self.errors
                .add("document", "Kies het bestand opnieuw: een browser stuurt een gekozen bestand niet nog eens mee.");
        }
        let s = FormState {
            assessment_id: self.aid,
            version: self.current.as_ref().map(|c| c.version).unwrap_or(0),
            input: self.input,
            errors: self.errors,
            document: self.current.and_then(|c| c.file_name).as_deref().map(filename::clean),
            conflict: self.stale,
        };
        let status = if self.stale { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
        form_page(user, app, s, status)
    }
}

/// Insert or update the assessment (a new version).
async fn write(
    conn: &mut PgConnection,
    assessment_id: Uuid,
    id: Uuid,
    v: &AssessmentInput,
    document_id: Option<Uuid>,
    user_id: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "insert into assessment (assessment_id, application_id, kind, other_name, status, started_on, completed_on,
                performed_by, outcome, residual_risk, link, document_id, publishable, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         on conflict (assessment_id) do update set kind = excluded.kind, other_name = excluded.other_name,
                status = excluded.status, started_on = excluded.started_on, completed_on = excluded.completed_on,
                performed_by = excluded.performed_by, outcome = excluded.outcome, residual_risk = excluded.residual_risk,
                link = excluded.link, document_id = excluded.document_id, publishable = excluded.publishable,
                version = assessment.version + 1",
        assessment_id,
        id,
        &v.kind,
        v.other_name.as_deref(),
        &v.status,
        v.started_on,
        v.completed_on,
        v.performed_by.as_deref(),
        v.outcome.as_deref(),
        v.residual_risk.as_deref(),
        v.link.as_deref(),
        document_id,
        v.publishable,
        user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The audit trail's line: "DPIA (…): afgerond – <outcome> (document <name>)".
fn summary_line(name: &str, v: &AssessmentInput, doc: Option<&(DocType, String)>) -> String {
    format!(
        "{name}: {}{}{}",
        label(STATUSES, &v.status).to_lowercase(),
        v.outcome.as_deref().map(|o| format!(" – {o}")).unwrap_or_default(),
        doc.map(|(_, n)| format!(" (document {n})")).unwrap_or_default()
    )
}
