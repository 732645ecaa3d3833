//! Incidents (meldplicht, seed 002 §8 and seed 003 art. 6): anyone reports an incident with a tool; the CISO
//! and the FG are notified at once and handle it (gemeld → in behandeling → afgehandeld). The CISO can
//! suspend a tool ("tijdelijk niet gebruiken"), which every list that shows the tool as usable then says.

mod forms;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use time::OffsetDateTime;
use uuid::Uuid;

use self::forms::{HandleInput, ReportInput, SuspendInput};
use crate::AppState;
use crate::applications::summary::{Summary, summary};
use crate::applications::{load, organisation};
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::fields::label_in as label;
use crate::register::form::FormData;
use crate::register::lifecycle::{self, Ctx};
use crate::register::notices::{self, Kind, Note};
use crate::register::store::{self, Stored};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{format_datetime, render_status};

pub const KINDS: &[(&str, &str)] = &[
    ("datalek", "Datalek"),
    ("onjuiste_uitvoer", "Onjuiste uitvoer"),
    ("bias", "Bias of discriminatie"),
    ("beveiligingsincident", "Beveiligingsincident"),
    ("anders", "Anders"),
];
pub const SEVERITIES: &[(&str, &str)] =
    &[("laag", "Laag"), ("middel", "Middel"), ("hoog", "Hoog"), ("kritiek", "Kritiek")];
pub const STATUSES: &[(&str, &str)] =
    &[("gemeld", "Gemeld"), ("in_behandeling", "In behandeling"), ("afgehandeld", "Afgehandeld")];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/incidenten", get(overview))
        .route("/incidenten/{iid}", post(handle))
        .route("/register/{id}/incidenten", get(for_application).post(report))
        .route("/register/{id}/opschorten", post(suspend))
        .route("/register/{id}/vrijgeven", post(lift))
}

/// CISO, FG, directie and administrators see every incident; others see what they reported themselves.
fn sees_all(user: &CurrentUser) -> bool {
    [Role::Ciso, Role::Fg, Role::Directie, Role::Beheerder].iter().any(|r| user.has_role(*r))
}

fn handles(user: &CurrentUser) -> bool {
    user.has_role(Role::Ciso) || user.has_role(Role::Fg)
}

#[derive(sqlx::FromRow)]
struct Row {
    incident_id: Uuid,
    application_id: Uuid,
    application_name: String,
    kind: String,
    severity: String,
    description: String,
    status: String,
    handling_note: Option<String>,
    reporter: Option<String>,
    reported_at: OffsetDateTime,
    version: i32,
}

pub struct Item {
    pub id: Uuid,
    pub application_id: Uuid,
    pub application: String,
    pub kind: String,
    pub severity: String,
    pub severity_value: String,
    pub description: String,
    pub status: String,
    pub status_value: String,
    pub handling_note: String,
    pub reporter: String,
    pub when: String,
    pub version: i32,
    /// The handling form as typed, and its error, after a refused update.
    pub status_input: String,
    pub note_input: String,
    pub error: Option<String>,
}

/// A refused update of one incident's handling: shown at that incident, with what was typed.
pub struct HandleError {
    pub incident_id: Uuid,
    pub status: String,
    pub note: String,
    pub message: String,
}

fn with_error(mut items: Vec<Item>, e: Option<HandleError>) -> Vec<Item> {
    if let Some(e) = e
        && let Some(i) = items.iter_mut().find(|i| i.id == e.incident_id)
    {
        i.status_input = e.status;
        i.note_input = e.note;
        i.error = Some(e.message);
    }
    items
}

fn item(r: Row) -> Item {
    let note = r.handling_note.unwrap_or_default();
    Item {
        status_input: r.status.clone(),
        note_input: note.clone(),
        error: None,
        id: r.incident_id,
        application_id: r.application_id,
        application: r.application_name,
        kind: label(KINDS, &r.kind),
        severity: label(SEVERITIES, &r.severity),
        severity_value: r.severity,
        description: r.description,
        status: label(STATUSES, &r.status),
        status_value: r.status,
        handling_note: note,
        reporter: r.reporter.unwrap_or_default(),
        when: format_datetime(r.reported_at),
        version: r.version,
    }
}

async fn incidents(state: &AppState, user: &CurrentUser, org: Uuid, application: Option<Uuid>) -> AppResult<Vec<Item>> {
    let rows: Vec<Row> = sqlx::query_as!(
        Row,
        r#"select i.incident_id as "incident_id!: Uuid", i.application_id as "application_id!: Uuid",
                 a.name as "application_name!: String", i.kind as "kind!: String",
                 i.severity as "severity!: String", i.description as "description!: String",
                i.status as "status!: String", i.handling_note as "handling_note?: String",
                 u.name as "reporter?: String", i.reported_at as "reported_at!: OffsetDateTime",
                 i.version as "version!: i32"
         from incident i join application a using (application_id) left join app_user u on u.user_id = i.reported_by
         where i.organisation_id = $1 and ($2::uuid is null or i.application_id = $2)
           and ($3 or i.reported_by = $4)
         order by i.status = 'afgehandeld', i.reported_at desc"#,
        org,
        application,
        sees_all(user),
        user.user_id
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows.into_iter().map(item).collect())
}

#[derive(Template)]
#[template(path = "incidents/overview.html")]
pub struct OverviewPage {
    pub layout: Layout,
    pub items: Vec<Item>,
    pub sees_all: bool,
    pub handles: bool,
    pub statuses: &'static [(&'static str, &'static str)],
}

#[tracing::instrument(skip_all)]
pub async fn overview(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    overview_response(&state, &user, StatusCode::OK, None).await
}

async fn overview_response(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    error: Option<HandleError>,
) -> AppResult<Response> {
    let org = organisation(user)?;
    render_status(
        status,
        &OverviewPage {
            layout: Layout::for_user(user, "Incidenten", "/incidenten").with_errors(error.is_some()),
            items: with_error(incidents(state, user, org, None).await?, error),
            sees_all: sees_all(user),
            handles: handles(user),
            statuses: STATUSES,
        },
    )
}

#[derive(Template)]
#[template(path = "incidents/application.html")]
pub struct ApplicationPage {
    pub layout: Layout,
    pub app: Summary,
    pub tab: &'static str,
    pub items: Vec<Item>,
    pub sees_all: bool,
    pub handles: bool,
    pub can_suspend: bool,
    pub suspension: Option<String>,
    pub errors: FormErrors,
    pub input: FormData,
    pub kinds: &'static [(&'static str, &'static str)],
    pub severities: &'static [(&'static str, &'static str)],
    pub statuses: &'static [(&'static str, &'static str)],
}

/// The incident tab of a registration; after a refused handling step, `handle_error` is shown at that incident.
async fn tab_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    status: StatusCode,
    errors: FormErrors,
    input: FormData,
    handle_error: Option<HandleError>,
) -> AppResult<Response> {
    let (org, app) = load(state, user, id).await?;
    let page = ApplicationPage {
        layout: Layout::for_user(user, &format!("Incidenten – {}", app.name()), "/register")
            .with_errors(!errors.is_empty() || handle_error.is_some()),
        app: summary(user, &app),
        tab: "incidenten",
        items: with_error(incidents(state, user, org, Some(id)).await?, handle_error),
        sees_all: sees_all(user),
        handles: handles(user),
        can_suspend: user.has_role(Role::Ciso),
        suspension: app.str("suspension_reason").map(str::to_string),
        errors,
        input,
        kinds: KINDS,
        severities: SEVERITIES,
        statuses: STATUSES,
    };
    render_status(status, &page)
}

#[tracing::instrument(skip_all)]
pub async fn for_application(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    tab_page(&state, &user, id, StatusCode::OK, FormErrors::new(), FormData::default(), None).await
}

/// Anyone in the organisation reports an incident; CISO and FG hear of it in the same transaction.
#[tracing::instrument(skip_all)]
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let input = FormData::parse(&body);
    let parsed = ReportInput::try_from(&input);
    let mut tx = state.pool.begin().await?;
    let app = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    let ReportInput { kind, severity, description } = match parsed {
        Ok(r) => r,
        Err(errors) => {
            drop(tx);
            return tab_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input, None).await;
        }
    };
    sqlx::query!(
        "insert into incident (incident_id, organisation_id, application_id, kind, severity, description, reported_by)
         values ($1, $2, $3, $4, $5, $6, $7)",
        Uuid::now_v7(),
        org,
        id,
        kind,
        severity,
        &description,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    let line = format!("{} ({}): {description}", label(KINDS, kind), label(SEVERITIES, severity).to_lowercase());
    store::record_note(&mut tx, &Actor::from(&user), "application.incident_reported", &app, ("incident", &line))
        .await?;
    let message = format!(
        "Incident gemeld bij {}: {} (ernst {}).",
        app.name(),
        label(KINDS, kind).to_lowercase(),
        label(SEVERITIES, severity).to_lowercase()
    );
    let link = format!("/register/{id}/incidenten");
    let n =
        Note { organisation_id: org, kind: Kind::Incident, application_id: Some(id), message: &message, link: &link };
    notices::send_to_roles(&mut tx, &[Role::Ciso, Role::Fg], Some(user.user_id), &n).await?;
    tx.commit().await?;
    tracing::warn!(event = "incident_reported", actor = %user.user_id, application_id = %id, kind, severity, "incident reported");
    session::flash_redirect(
        &state.pool,
        &user,
        "Het incident is gemeld bij de CISO en de FG. Dank u wel.",
        &format!("/register/{id}/incidenten"),
    )
    .await
}

/// CISO or FG move an incident along (with optimistic locking: two handlers do not overwrite each other).
#[tracing::instrument(skip_all)]
pub async fn handle(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(iid): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    if !handles(&user) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, action = "handle_incident", "incident handling refused");
        return Err(AppError::Forbidden);
    }
    let input = HandleInput::from(&FormData::parse(&body));
    let found: Option<(Uuid, String)> = sqlx::query!(
        r#"select application_id as "c0!: Uuid",
                     status as "c1!: String" from incident where incident_id = $1 and organisation_id = $2"#,
        iid,
        org
    )
    .map(|r| (r.c0, r.c1))
    .fetch_optional(&state.pool)
    .await?;
    let (app_id, current) = found.ok_or(AppError::NotFound)?;
    let status = match input.check(&current) {
        Ok(status) => status,
        Err(message) => return refused(&state, &user, iid, app_id, input, message).await,
    };
    let (note, version) = (input.note.as_str(), input.version);
    let mut tx = state.pool.begin().await?;
    let row: Option<(Uuid, String)> = sqlx::query!(
        r#"update incident set status = $3, handling_note = $4, version = version + 1
           where incident_id = $1 and organisation_id = $2 and version = $5
           returning application_id as "app!", kind as "kind!""#,
        iid,
        org,
        status,
        Some(note).filter(|n| !n.is_empty()),
        version
    )
    .map(|r| (r.app, r.kind))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((app_id, kind)) = row else {
        return Err(AppError::Conflict(
            "Dit incident is intussen bijgewerkt (door iemand anders of in een ander venster). Laad de pagina opnieuw en bekijk de nieuwe stand."
                .into(),
        ));
    };
    let app = store::get_in(&mut tx, org, app_id).await?.ok_or(AppError::NotFound)?;
    let line = format!(
        "{}: {}{}",
        label(KINDS, &kind),
        label(STATUSES, status).to_lowercase(),
        if note.is_empty() { String::new() } else { format!(" – {note}") }
    );
    store::record_note(&mut tx, &Actor::from(&user), "application.incident_updated", &app, ("incident", &line)).await?;
    tx.commit().await?;
    session::set_flash(
        &state.pool,
        &user,
        &format!("Het incident is bijgewerkt: {}.", label(STATUSES, status).to_lowercase()),
    )
    .await?;
    let back = if input.from_register { format!("/register/{app_id}/incidenten") } else { "/incidenten".into() };
    Ok(Redirect::to(&back).into_response())
}

/// A refused handling step: the page it came from again, the message and the input at that incident.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    iid: Uuid,
    app_id: Uuid,
    input: HandleInput,
    message: &str,
) -> AppResult<Response> {
    let from_register = input.from_register;
    let e =
        HandleError { incident_id: iid, status: input.status, note: input.note_typed, message: message.to_string() };
    let code = StatusCode::UNPROCESSABLE_ENTITY;
    if from_register {
        tab_page(state, user, app_id, code, FormErrors::new(), FormData::default(), Some(e)).await
    } else {
        overview_response(state, user, code, Some(e)).await
    }
}

async fn set_suspension(state: AppState, user: CurrentUser, id: Uuid, reason: Option<String>) -> AppResult<Response> {
    let org = user.require(Role::Ciso, "suspend_tool")?;
    let actor = Actor::from(&user);
    let ctx = Ctx { org, actor: &actor };
    let mut tx = state.pool.begin().await?;
    let before: Stored = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    let message = lifecycle::set_suspension(&mut tx, &ctx, &before, reason.as_deref(), user.user_id).await?;
    tx.commit().await?;
    session::flash_redirect(&state.pool, &user, &message, &format!("/register/{id}/incidenten")).await
}

/// "Tijdelijk niet gebruiken", with the reason everyone will see.
#[tracing::instrument(skip_all)]
pub async fn suspend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    user.require(Role::Ciso, "suspend_tool")?;
    let input = FormData::parse(&body);
    match SuspendInput::try_from(&input) {
        Ok(s) => set_suspension(state, user, id, Some(s.reason)).await,
        Err(errors) => tab_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, errors, input, None).await,
    }
}

#[tracing::instrument(skip_all)]
pub async fn lift(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    set_suspension(state, user, id, None).await
}
