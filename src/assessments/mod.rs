//! Assessments per application (Pre-scan DPIA, DPIA, IAMA, FRAIA, ...): status, dates, who performed it, the
//! outcome and residual risk, a link or an uploaded report (PDF, DOCX, ODT; at most 25 MB; type checked from
//! the content; stored in PostgreSQL; downloaded as an attachment), and whether it may be published.
//! Completed assessments satisfy the workflow's risk-analysis gate once the FG or CISO has confirmed them
//! (`register::confirmation`; the confirm and return forms are in `confirm`).

mod confirm;
pub mod document;
mod edit;
mod forms;
mod ooxml;
pub mod sniff;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::AppState;
use crate::applications::load;
use crate::applications::summary::{Summary, summary};
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::access::can_edit;
use crate::register::confirmation::{confirmer, confirmer_name};
use crate::register::fields::label_in as label;
use crate::register::form::FormData;
use crate::register::store::Stored;
use crate::web::filename;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::multipart::MAX_UPLOAD_BODY;
use crate::web::{format_date, render_status};

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
    if crate::literacy::is_upload_path(path) {
        return true;
    }
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    // Evidence of the Algoritmekader's measures (kader::measure) and a supplier's documents too.
    matches!(
        parts.as_slice(),
        ["", "register", _, "assessments"]
            | ["", "register", _, "assessments", _]
            | ["", "leveranciers", _, "documenten"]
            | ["", "register", _, "maatregelen", _]
    )
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register/{id}/assessments", get(list).post(edit::create))
        .route("/register/{id}/assessments/nieuw", get(edit::new_form))
        .route("/register/{id}/assessments/{aid}", get(edit::edit_form).post(edit::update))
        .route("/register/{id}/assessments/{aid}/document", get(download))
        .route("/register/{id}/assessments/{aid}/bevestigen", post(confirm::confirm))
        .route("/register/{id}/assessments/{aid}/terugsturen", post(confirm::send_back))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY))
}

/// An assessment as stored, with the name and size of its report.
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
    confirmation: Option<String>,
    recorded_by: Option<Uuid>,
    recorder: Option<String>,
    confirmer: Option<String>,
    confirmed_at: Option<OffsetDateTime>,
    returned_reason: Option<String>,
    returner: Option<String>,
    returned_at: Option<OffsetDateTime>,
}

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
    pub version: i32,
    /// `ter_bevestiging`, `bevestigd`, or empty (not completed).
    pub confirmation: String,
    /// "Bevestigd door Fien de Vries op 3 maart 2026", "Ter bevestiging bij de FG (vastgelegd door …)".
    pub confirmation_text: String,
    /// "Teruggestuurd door … op …: <reden>" while it is in progress again.
    pub returned: Option<String>,
    /// The signed-in user may confirm it or send it back (the role for its kind; not its recorder).
    pub can_confirm: bool,
    /// Its "Terugsturen" was refused: the form shows the error and the reason as typed.
    pub refused: bool,
}

fn item(r: Row, user: &CurrentUser) -> Item {
    let confirmation_text = confirmation_text(&r);
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
        version: r.version,
        can_confirm: r.confirmation.as_deref() == Some("ter_bevestiging")
            && user.has_role(confirmer(&r.kind))
            && r.recorded_by != Some(user.user_id),
        confirmation_text,
        refused: false,
        confirmation: r.confirmation.unwrap_or_default(),
        returned: r.returned_reason.map(|reason| {
            let by = r.returner.map(|n| format!(" door {n}")).unwrap_or_default();
            let on = r.returned_at.map(|t| format!(" op {}", format_date(t.date()))).unwrap_or_default();
            format!("Teruggestuurd{by}{on}: {reason}")
        }),
    }
}

/// The confirmation state in words; a confirmation without a person was made when confirmation was introduced.
fn confirmation_text(r: &Row) -> String {
    let on = |t: Option<OffsetDateTime>| t.map(|t| format!(" op {}", format_date(t.date()))).unwrap_or_default();
    match r.confirmation.as_deref() {
        Some("bevestigd") => match &r.confirmer {
            Some(n) => format!("Bevestigd door {n}{}", on(r.confirmed_at)),
            None => format!("Bevestigd bij invoering van de bevestiging{}", on(r.confirmed_at)),
        },
        Some(_) => {
            let by = r.recorder.as_ref().map(|n| format!(", vastgelegd door {n}")).unwrap_or_default();
            format!("Ter bevestiging bij {}{by}", confirmer_name(&r.kind))
        }
        None => String::new(),
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
    /// A refused "Terugsturen": its error and the reason as typed, on the form of `error_for`.
    pub errors: FormErrors,
    pub input: FormData,
    pub error_for: Option<Uuid>,
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    list_page(&state, &user, id, StatusCode::OK, Refusal::default()).await
}

/// A refused form on the list (the reason for sending back), shown on the assessment it was for.
#[derive(Default)]
pub(crate) struct Refusal {
    pub errors: FormErrors,
    pub input: FormData,
    pub error_for: Option<Uuid>,
}

pub(crate) async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    status: StatusCode,
    refusal: Refusal,
) -> AppResult<Response> {
    let (_, app) = load(state, user, id).await?;
    let rows = rows(&state.pool, id, None).await?;
    let questionnaires = crate::questionnaires::by_assessment(&state.pool, id).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let mut i = item(r, user);
            i.refused = refusal.error_for == Some(i.id);
            i.questionnaire = questionnaires.iter().find(|(a, _)| *a == i.id).map(|(_, q)| *q);
            i
        })
        .collect();
    render_status(
        status,
        &ListPage {
            layout: Layout::for_user(user, &format!("Assessments – {}", app.name()), "/register")
                .with_errors(!refusal.errors.is_empty()),
            tab: "assessments",
            items,
            can_change: can_change(user, &app),
            can_download: can_download(user, &app),
            app: summary(user, &app),
            errors: refusal.errors,
            input: refusal.input,
            error_for: refusal.error_for,
        },
    )
}

/// The registration's assessments in the order they were added, or only `aid` when given.
async fn rows(conn: impl sqlx::PgExecutor<'_>, id: Uuid, aid: Option<Uuid>) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as!(
        Row,
        r#"select s.assessment_id, s.kind, s.other_name, s.status, s.started_on, s.completed_on,
                 s.performed_by, s.outcome, s.residual_risk, s.link, s.document_id, d.file_name as "file_name?",
                 d.size_bytes as "size_bytes?", s.publishable, s.version, s.confirmation, s.recorded_by,
                 rec.name as "recorder?", con.name as "confirmer?", s.confirmed_at, s.returned_reason,
                 ret.name as "returner?", s.returned_at
            from assessment s left join assessment_document d using (document_id)
                 left join app_user rec on rec.user_id = s.recorded_by
                 left join app_user con on con.user_id = s.confirmed_by
                 left join app_user ret on ret.user_id = s.returned_by
           where s.application_id = $1 and ($2::uuid is null or s.assessment_id = $2)
           order by s.created_at"#,
        id,
        aid
    )
    .fetch_all(conn)
    .await
}

async fn fetch(conn: &mut PgConnection, id: Uuid, aid: Uuid) -> AppResult<Row> {
    rows(&mut *conn, id, Some(aid)).await?.into_iter().next().ok_or(AppError::NotFound)
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
    let document: Option<Uuid> = sqlx::query_scalar!(
        "select document_id from assessment where application_id = $1 and assessment_id = $2",
        id,
        aid
    )
    .fetch_optional(&state.pool)
    .await?
    .flatten();
    document::serve(&state.pool, app.organisation_id, document.ok_or(AppError::NotFound)?).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_assessment_forms_take_uploads() {
        assert!(is_upload_path("/register/0190e0b4-1c2d-7f00-8000-000000000001/assessments"));
        assert!(is_upload_path("/register/x/assessments/y"));
        assert!(!is_upload_path("/register/x/assessments/y/document"));
        assert!(is_upload_path("/leveranciers/0190e0b4-1c2d-7f00-8000-000000000001/documenten"));
        assert!(!is_upload_path("/leveranciers/x/documenten/iso27001/verwijderen"));
        assert!(is_upload_path("/register/x/maatregelen/owp-06"));
        assert!(!is_upload_path("/register/x/maatregelen/owp-06/bewijs"));
        // The completion forms take a certificate; confirming one does not.
        assert!(is_upload_path("/ai-geletterdheid") && is_upload_path("/ai-geletterdheid/afrondingen"));
        assert!(!is_upload_path("/ai-geletterdheid/afrondingen/x/bevestigen"));
        assert!(!is_upload_path("/register/x"));
        assert!(is_upload_path("/ai-geletterdheid/import"));
        assert!(!is_upload_path("/beheer/gebruikers"));
    }
}
