//! Assessments per application (Pre-scan DPIA, DPIA, IAMA, FRAIA, ...): status, dates, who performed it, the
//! outcome and residual risk, a link or an uploaded report (PDF, DOCX, ODT; at most 25 MB; type checked from
//! the content; stored in PostgreSQL; downloaded as an attachment), and whether it may be published.
//! Completed assessments satisfy the workflow's risk-analysis gate.

mod document;
mod ooxml;
pub mod sniff;

use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;

use sqlx::PgConnection;
use time::Date;
use uuid::Uuid;

use crate::AppState;
use crate::applications::load;
use crate::applications::summary::{Summary, summary};
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::access::can_edit;
use crate::register::fields::label_in as label;
use crate::register::form::{FormData, is_https_link};
use crate::register::store::{self, Stored};
use crate::web::filename;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::multipart::MAX_UPLOAD_BODY;
use crate::web::{format_date, render, render_status};

pub const MAX_DOCUMENT: usize = 25 * 1024 * 1024;

pub const KINDS: &[(&str, &str)] = &[
    ("prescan_dpia", "Pre-scan DPIA"),
    ("dpia", "DPIA (gegevensbeschermingseffectbeoordeling)"),
    ("iama", "IAMA (Impact Assessment Mensenrechten en Algoritmes)"),
    ("fraia", "FRAIA (Fundamental Rights and Algorithms Impact Assessment)"),
    ("aiia", "AIIA (AI Impact Assessment)"),
    ("dtia", "DTIA (Data Transfer Impact Assessment)"),
    ("kia", "KIA (Kinderrechten Impact Assessment)"),
    ("bio_quickscan", "BIO-quickscan"),
    ("anders", "Anders"),
];
pub const STATUSES: &[(&str, &str)] =
    &[("niet_gestart", "Niet gestart"), ("in_uitvoering", "In uitvoering"), ("afgerond", "Afgerond")];
pub const RESIDUAL: &[(&str, &str)] = &[("laag", "Laag"), ("middel", "Middel"), ("hoog", "Hoog")];

/// The addresses that take an uploaded report (the CSRF check reads larger bodies only for these).
pub fn is_upload_path(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    matches!(parts.as_slice(), ["", "register", _, "assessments"] | ["", "register", _, "assessments", _])
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register/{id}/assessments", get(list).post(create))
        .route("/register/{id}/assessments/nieuw", get(new_form))
        .route("/register/{id}/assessments/{aid}", get(edit_form).post(update))
        .route("/register/{id}/assessments/{aid}/document", get(download))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY))
}

#[derive(sqlx::FromRow)]
struct Row {
    assessment_id: Uuid,
    kind: String,
    other_name: Option<String>,
    status: String,
    started_on: Option<Date>,
    completed_on: Option<Date>,
    performed_by: Option<String>,
    outcome: Option<String>,
    residual_risk: Option<String>,
    link: Option<String>,
    document_id: Option<Uuid>,
    file_name: Option<String>,
    size_bytes: Option<i32>,
    publishable: bool,
    version: i32,
}

const SELECT: &str = "select s.assessment_id, s.kind, s.other_name, s.status, s.started_on, s.completed_on,
        s.performed_by, s.outcome, s.residual_risk, s.link, s.document_id, d.file_name, d.size_bytes, s.publishable, s.version
    from assessment s left join assessment_document d using (document_id)";

pub struct Item {
    pub id: Uuid,
    pub kind: String,
    pub status: String,
    pub completed: bool,
    pub dates: String,
    pub performed_by: String,
    pub outcome: String,
    pub residual: String,
    pub link: String,
    pub document: Option<String>,
    pub publishable: bool,
    /// The filled-in government questionnaire behind it, if any.
    pub questionnaire: Option<Uuid>,
}

fn item(r: Row) -> Item {
    let kind = if r.kind == "anders" { r.other_name.clone().unwrap_or_default() } else { label(KINDS, &r.kind) };
    let dates = match (r.started_on, r.completed_on) {
        (Some(s), Some(c)) => format!("{} – {}", format_date(s), format_date(c)),
        (Some(s), None) => format!("gestart {}", format_date(s)),
        (None, Some(c)) => format!("afgerond {}", format_date(c)),
        (None, None) => String::new(),
    };
    Item {
        id: r.assessment_id,
        kind,
        status: label(STATUSES, &r.status),
        completed: r.status == "afgerond",
        dates,
        performed_by: r.performed_by.unwrap_or_default(),
        outcome: r.outcome.unwrap_or_default(),
        residual: r.residual_risk.as_deref().map(|v| label(RESIDUAL, v)).unwrap_or_default(),
        link: r.link.unwrap_or_default(),
        // Names stored before bidi controls were refused are cleaned when shown.
        document: r
            .file_name
            .map(|n| format!("{} ({} kB)", filename::clean(&n), (r.size_bytes.unwrap_or(0) + 1023) / 1024)),
        publishable: r.publishable,
        questionnaire: None,
    }
}

/// Who may add and change assessments: those who may edit the registration, the FG and the CISO.
pub fn can_change(user: &CurrentUser, app: &Stored) -> bool {
    can_edit(user, app) || user.has_role(Role::Fg) || user.has_role(Role::Ciso)
}

/// Reports can hold sensitive findings: readable by those who work on the registration and the reviewers.
pub fn can_download(user: &CurrentUser, app: &Stored) -> bool {
    can_change(user, app) || user.has_role(Role::Directie) || user.has_role(Role::Beheerder)
}

#[derive(Template)]
#[template(path = "assessments/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub app: Summary,
    pub tab: &'static str,
    pub items: Vec<Item>,
    pub can_change: bool,
    pub can_download: bool,
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (_, app) = load(&state, &user, id).await?;
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} where s.application_id = $1 order by s.created_at"))
        .bind(id)
        .fetch_all(&state.pool)
        .await?;
    let questionnaires = crate::questionnaires::by_assessment(&state.pool, id).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let mut i = item(r);
            i.questionnaire = questionnaires.iter().find(|(a, _)| *a == i.id).map(|(_, q)| *q);
            i
        })
        .collect();
    render(&ListPage {
        layout: Layout::for_user(&user, &format!("Assessments – {}", app.name()), "/register"),
        tab: "assessments",
        items,
        can_change: can_change(&user, &app),
        can_download: can_download(&user, &app),
        app: summary(&user, &app),
    })
}

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

async fn fetch(conn: &mut PgConnection, id: Uuid, aid: Uuid) -> AppResult<Row> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} where s.application_id = $1 and s.assessment_id = $2"))
        .bind(id)
        .bind(aid)
        .fetch_optional(&mut *conn)
        .await?;
    row.ok_or(AppError::NotFound)
}

fn to_input(r: &Row) -> FormData {
    let mut f = FormData::default();
    f.push("kind", r.kind.as_str());
    f.push("other_name", r.other_name.clone().unwrap_or_default());
    f.push("status", r.status.as_str());
    f.push("started_on", r.started_on.map(|d| d.to_string()).unwrap_or_default());
    f.push("completed_on", r.completed_on.map(|d| d.to_string()).unwrap_or_default());
    f.push("performed_by", r.performed_by.clone().unwrap_or_default());
    f.push("outcome", r.outcome.clone().unwrap_or_default());
    f.push("residual_risk", r.residual_risk.clone().unwrap_or_default());
    f.push("link", r.link.clone().unwrap_or_default());
    if r.publishable {
        f.push("publishable", "ja");
    }
    f
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

/// The validated assessment, ready to write.
struct Values {
    kind: String,
    other_name: Option<String>,
    status: String,
    started_on: Option<Date>,
    completed_on: Option<Date>,
    performed_by: Option<String>,
    outcome: Option<String>,
    residual_risk: Option<String>,
    link: Option<String>,
    publishable: bool,
}

fn opt(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|s| !s.is_empty())
}

fn validate(f: &FormData, errors: &mut FormErrors) -> Values {
    let kind = f.get("kind").to_string();
    if !KINDS.iter().any(|(k, _)| *k == kind) {
        errors.add("kind", "Kies het soort assessment.");
    }
    let other_name = if kind == "anders" {
        let n = errors.required("other_name", "de naam van het assessment", f.get("other_name"), 100);
        Some(n)
    } else {
        None
    };
    let status = f.get("status").to_string();
    if !STATUSES.iter().any(|(k, _)| *k == status) {
        errors.add("status", "Kies de status: niet gestart, in uitvoering of afgerond.");
    }
    let started_on = errors.date("started_on", "de startdatum", f.get("started_on"));
    let completed_on = errors.date("completed_on", "de datum van afronding", f.get("completed_on"));
    let today = crate::web::today();
    if completed_on.is_some_and(|c| c > today) {
        errors.add("completed_on", "De datum van afronding kan niet in de toekomst liggen.");
    }
    if let (Some(s), Some(c)) = (started_on, completed_on)
        && c < s
    {
        errors.add("completed_on", "De datum van afronding ligt vóór de startdatum.");
    }
    let outcome = opt(f.get("outcome"));
    if status == "afgerond" {
        if completed_on.is_none() && errors.get("completed_on").is_none() {
            errors.add("completed_on", "Vul de datum van afronding in: het assessment is afgerond.");
        }
        if outcome.is_none() {
            errors.add("outcome", "Vul de uitkomst in: het assessment is afgerond.");
        }
    }
    if outcome.as_ref().is_some_and(|o| o.chars().count() > 5000) {
        errors.add("outcome", "De uitkomst mag hoogstens 5000 tekens lang zijn.");
    }
    let performed_by = opt(f.get("performed_by"));
    if performed_by.as_ref().is_some_and(|p| p.chars().count() > 200) {
        errors.add("performed_by", "Uitgevoerd door mag hoogstens 200 tekens lang zijn.");
    }
    let residual_risk = opt(f.get("residual_risk"));
    if residual_risk.as_deref().is_some_and(|r| !RESIDUAL.iter().any(|(k, _)| *k == r)) {
        errors.add("residual_risk", "Kies laag, middel of hoog als restrisico.");
    }
    let link = opt(f.get("link"));
    if link.as_deref().is_some_and(|l| !is_https_link(l)) {
        errors.add("link", "Vul een volledige https-link in, zoals https://intranet.gemeente.nl/dpia.pdf.");
    }
    Values {
        kind,
        other_name,
        status,
        started_on,
        completed_on,
        performed_by,
        outcome,
        residual_risk,
        link,
        publishable: f.get("publishable") == "ja",
    }
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
    let mut errors = FormErrors::new();
    let v = validate(&input, &mut errors);
    let doc = match &upload {
        Some(u) => document::check(u, &mut errors).await?,
        None => None,
    };
    let base_version: i32 = input.get("version").parse().unwrap_or(-1);
    let members = store::members(&state.pool, org).await?;
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
    if v.link.is_some() && (doc.is_some() || (keeps_document && upload.is_none())) {
        errors.add("link", "Geef een link óf een document, niet allebei.");
    }
    let stale = current.as_ref().is_some_and(|c| c.version != base_version);
    if stale || !errors.is_empty() {
        drop(tx);
        if upload.is_some() && errors.get("document").is_none() {
            errors
                .add("document", "Kies het bestand opnieuw: een browser stuurt een gekozen bestand niet nog eens mee.");
        }
        let s = FormState {
            assessment_id: aid,
            version: current.as_ref().map(|c| c.version).unwrap_or(0),
            input,
            errors,
            document: current.and_then(|c| c.file_name).as_deref().map(filename::clean),
            conflict: stale,
        };
        let status = if stale { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
        return form_page(&user, &app, s, status);
    }
    let document_id = match (&doc, &upload) {
        (Some((kind, name)), Some(u)) => Some(document::store(&mut tx, org, user.user_id, *kind, name, u).await?),
        _ if keeps_document => current.as_ref().and_then(|c| c.document_id),
        _ => None,
    };
    let assessment_id = aid.unwrap_or_else(Uuid::now_v7);
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
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    // A replaced or removed report is deleted with its link.
    if let Some(old) = current.as_ref().and_then(|c| c.document_id).filter(|old| Some(*old) != document_id) {
        sqlx::query!("delete from assessment_document where document_id = $1", old).execute(&mut *tx).await?;
    }
    let name = if v.kind == "anders" { v.other_name.clone().unwrap_or_default() } else { label(KINDS, &v.kind) };
    let summary_line = format!(
        "{name}: {}{}{}",
        label(STATUSES, &v.status).to_lowercase(),
        v.outcome.as_deref().map(|o| format!(" – {o}")).unwrap_or_default(),
        doc.as_ref().map(|(_, n)| format!(" (document {n})")).unwrap_or_default()
    );
    let action = if aid.is_some() { "application.assessment_updated" } else { "application.assessment_added" };
    store::record_note(&mut tx, &Actor::from(&user), action, &app, &members, ("assessment", &summary_line)).await?;
    tx.commit().await?;
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("Het assessment {name} is opgeslagen."),
        &format!("/register/{id}/assessments"),
    )
    .await
}

/// The report as an attachment: never shown inline, never sniffed by the browser.
#[tracing::instrument(skip_all)]
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, aid)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    let (_, app) = load(&state, &user, id).await?;
    if !can_download(&user, &app) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, application_id = %id, action = "download_assessment", "download refused");
        return Err(AppError::Forbidden);
    }
    let doc: Option<(String, String, Vec<u8>)> = sqlx::query!(
        r#"select d.file_name as "c0!: String", d.media_type as "c1!: String",
                 d.content as "c2!: Vec<u8>" from assessment s join assessment_document d using (document_id)
         where s.application_id = $1 and s.assessment_id = $2"#,
        id,
        aid
    )
    .map(|r| (r.c0, r.c1, r.c2))
    .fetch_optional(&state.pool)
    .await?;
    let (name, media_type, content) = doc.ok_or(AppError::NotFound)?;
    crate::web::attachment(&name, &media_type, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_assessment_forms_take_uploads() {
        assert!(is_upload_path("/register/0190e0b4-1c2d-7f00-8000-000000000001/assessments"));
        assert!(is_upload_path("/register/x/assessments/y"));
        assert!(!is_upload_path("/register/x/assessments/y/document"));
        assert!(!is_upload_path("/register/x"));
        assert!(!is_upload_path("/beheer/gebruikers"));
    }
}
