//! The organisation's page "Publicatie" (CISO, administrator, FG, directie): every registration marked for
//! publication or known to the national register with its readiness and sync state, the register export, the
//! import of existing descriptions and the connection.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::Value;
use uuid::Uuid;

use super::{personal_emails, state_label};
use crate::AppState;
use crate::applications::organisation;
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::publication::algorithm_in::{self, OrgInfo, PUBLIC_STATES};
use crate::publication::export::{self, Format};
use crate::publication::files::{links, may_publish, register_stream, require_publisher};
use crate::publication::import::{self, Report};
use crate::publication::readiness;
use crate::publication::upload::{self, Connection};
use crate::register::store::Stored;
use crate::web::layout::Layout;
use crate::web::multipart;
use crate::web::{attachment, render_status};

pub struct OverviewRow {
    pub id: Uuid,
    pub name: String,
    pub workflow: String,
    pub public: bool,
    pub score: u32,
    pub blockers: Vec<String>,
    pub lars: Option<String>,
    pub sync: String,
    /// The register's message of the last failed call, when it failed.
    pub sync_error: Option<String>,
    /// Published in the register but no longer public here: to be retracted.
    pub retract_due: bool,
}

#[derive(Template)]
#[template(path = "publication/overview.html")]
struct OverviewPage {
    layout: Layout,
    org: OrgInfo,
    rows: Vec<OverviewRow>,
    public_count: usize,
    report: Option<Report>,
    connection: Option<Connection>,
    reconcile: Vec<String>,
    may_publish: bool,
    /// The import's choices: value, label, chosen.
    import_modes: Vec<(&'static str, &'static str, bool)>,
}

async fn overview_rows(state: &AppState, info: &OrgInfo) -> AppResult<Vec<OverviewRow>> {
    let docs: Vec<Value> = sqlx::query_scalar!(
        r#"select to_jsonb(a.*) - 'search' || jsonb_build_object('sync_state', s.state,
                                                                  'sync_error', s.last_error -> 0 ->> 'message')
         as "v!" from application a left join register_sync s using (application_id)
         where a.organisation_id = $1 and (a.publish or a.lars is not null) order by lower(a.name)"#,
        info.organisation_id
    )
    .fetch_all(&state.pool)
    .await?;
    let apps: Vec<Stored> = docs.into_iter().filter_map(export::stored).collect();
    let entries = export::entries(&state.pool, info, &apps, &links(state)).await?;
    let emails = personal_emails(state, info.organisation_id, entries.iter().map(|e| &e.body)).await?;
    let due = crate::publication::retract::due(&state.pool, info.organisation_id, false).await?;
    let mut rows = Vec::new();
    for (app, entry) in apps.iter().zip(entries) {
        let marked = app.doc.get("publish") == Some(&Value::Bool(true));
        let r = readiness::check(&entry.body, app.status.as_str(), marked, &emails);
        rows.push(OverviewRow {
            id: app.id,
            name: app.name().to_string(),
            workflow: crate::register::fields::label_of(crate::register::fields::WORKFLOW_STATUS, app.status.as_str()),
            public: marked && PUBLIC_STATES.contains(&app.status),
            score: r.score,
            blockers: r.blockers.into_iter().map(|b| b.text).collect(),
            lars: entry.lars,
            sync: state_label(app.str("sync_state").unwrap_or("")).to_string(),
            sync_error: app.str("sync_error").map(str::to_string),
            retract_due: due.iter().any(|p| p.id == app.id),
        });
    }
    Ok(rows)
}

pub(super) async fn overview_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    report: Option<Report>,
    reconcile: Vec<String>,
) -> AppResult<Response> {
    let org = organisation(user)?;
    if !(may_publish(user) || user.has_role(Role::Fg) || user.has_role(Role::Directie)) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, action = "publication_overview", "refused");
        return Err(AppError::Forbidden);
    }
    let info = algorithm_in::org_info(&state.pool, org).await?;
    let rows = overview_rows(state, &info).await?;
    let public_count = rows.iter().filter(|r| r.public && r.blockers.is_empty()).count();
    let page = OverviewPage {
        layout: Layout::for_user(user, "Publicatie", "/publicatie")
            .with_errors(report.as_ref().is_some_and(|r| !r.ok())),
        connection: upload::connection(&state.pool, org).await?,
        org: info,
        rows,
        public_count,
        import_modes: {
            let chosen = report.as_ref().map_or(import::Mode::default(), |r| r.mode).value();
            import::Mode::CHOICES.iter().map(|&(v, l)| (v, l, v == chosen)).collect()
        },
        report,
        reconcile,
        may_publish: may_publish(user),
    };
    render_status(status, &page)
}

pub(super) async fn overview(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    overview_page(&state, &user, StatusCode::OK, None, Vec::new()).await
}

pub(super) async fn register_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(format): Path<String>,
) -> AppResult<Response> {
    let format = Format::parse(&format).ok_or(AppError::NotFound)?;
    let (name, body) = register_stream(&state, &user, format).await?;
    let mut resp = attachment(&name, format.media_type(), Vec::new())?;
    *resp.body_mut() = body;
    Ok(resp)
}

pub(super) async fn import_file(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<Response> {
    let org = require_publisher(&user, "import")?;
    let Ok(body) = body else { return Ok(crate::web::multipart::too_large()) };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let parts = multipart::boundary(content_type)
        .and_then(|b| multipart::parse(&body, &b))
        .ok_or_else(|| AppError::Conflict("Het formulier kwam niet goed door. Probeer het opnieuw.".into()))?;
    let dry_run = multipart::field(&parts, "dry_run").as_deref() == Some("ja");
    // An unknown choice (a tampered form) is the safe one: all or nothing.
    let mode = import::Mode::parse(multipart::field(&parts, "modus").as_deref().unwrap_or("")).unwrap_or_default();
    let file = parts.iter().find(|p| p.name == "bestand" && p.file_name.is_some());
    let report = match file {
        Some(f) if !f.data.is_empty() && f.data.len() <= import::MAX_FILE => {
            let info = algorithm_in::org_info(&state.pool, org).await?;
            let actor = Actor { origin: format!("{} (import)", user.origin), ..Actor::from(&user) };
            import::run(&state.pool, &info, &actor, Some(user.user_id), f.data, dry_run, mode).await?
        }
        Some(f) if f.data.len() > import::MAX_FILE => Report {
            file_error: Some(format!("het bestand is groter dan {} MB", import::MAX_FILE / (1024 * 1024))),
            dry_run,
            mode,
            ..Default::default()
        },
        _ => Report { file_error: Some("kies een bestand (JSON of CSV)".into()), dry_run, mode, ..Default::default() },
    };
    let status = if report.ok() || report.writes() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    overview_page(&state, &user, status, Some(report), Vec::new()).await
}
