//! The publication pages behind the login: the tab "Publicatie" of a registration ("Klaar voor publicatie?",
//! downloads, the national register's sync state and upload), and the page "Publicatie" for the CISO and the
//! administrator (the register export, the import, the connection to the register and reconciliation).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::algorithm_in::{self, OrgInfo, PUBLIC_STATES};
use super::export::{self, Format};
use super::files::{links, may_publish, one_file, register_file, require_publisher};
use super::import::{self, Report};
use super::readiness::{self, Readiness};
use super::upload::{self, Client, Connection, UploadError};
use super::validate;
use crate::AppState;
use crate::applications::summary::{Summary, summary};
use crate::applications::{load, organisation};
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::form::FormData;
use crate::register::store::{self, Stored};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::multipart::{self, MAX_UPLOAD_BODY};
use crate::web::{attachment, format_datetime, render, render_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/publicatie", get(overview))
        .route("/publicatie/export/{format}", get(register_export))
        .route("/publicatie/import", post(import_file).layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY)))
        .route("/publicatie/koppeling", get(connection_form).post(save_connection))
        .route("/publicatie/afstemmen", post(reconcile))
        .route("/register/{id}/publicatie", get(tab))
        .route("/register/{id}/publicatie/export/{format}", get(one_export))
        .route("/register/{id}/publicatie/versturen", post(send))
}

/// The import form posts a file: the CSRF check may read a body that large here.
pub fn is_upload_path(path: &str) -> bool {
    path == "/publicatie/import"
}

async fn personal_emails(state: &AppState, org: Uuid) -> AppResult<Vec<String>> {
    Ok(store::members(&state.pool, org).await?.into_iter().map(|m| m.email).collect())
}

// ---------------------------------------------------------------------------------------------------------
// The tab of one registration.

#[derive(sqlx::FromRow, Default)]
struct SyncRow {
    state: String,
    payload_hash: Option<Vec<u8>>,
    uploaded_at: Option<OffsetDateTime>,
    released_at: Option<OffsetDateTime>,
    remote: Option<Value>,
    reconciled_at: Option<OffsetDateTime>,
    last_error: Option<Value>,
    last_error_at: Option<OffsetDateTime>,
}

async fn sync_row(state: &AppState, id: Uuid) -> AppResult<Option<SyncRow>> {
    Ok(sqlx::query_as!(
        SyncRow,
        r#"select state as "state!: String", payload_hash as "payload_hash?: Vec<u8>",
                 uploaded_at as "uploaded_at?: OffsetDateTime", released_at as "released_at?: OffsetDateTime",
                 remote as "remote?: Value", reconciled_at as "reconciled_at?: OffsetDateTime",
                 last_error as "last_error?: Value", last_error_at as "last_error_at?: OffsetDateTime"
         from register_sync where application_id = $1"#,
        id
    )
    .fetch_optional(&state.pool)
    .await?)
}

fn body_hash(body: &serde_json::Map<String, Value>) -> Vec<u8> {
    Sha256::digest(serde_json::to_vec(body).unwrap_or_default()).to_vec()
}

pub struct SyncView {
    pub state: String,
    pub lars: Option<String>,
    pub uploaded_at: Option<String>,
    pub released_at: Option<String>,
    pub changed_since_upload: bool,
    pub remote: Option<String>,
    pub errors: Vec<String>,
    pub error_at: Option<String>,
}

fn state_label(state: &str) -> &'static str {
    match state {
        "aangemaakt" => "Aangemaakt in het register (in bewerking)",
        "bijgewerkt" => "Bijgewerkt in het register (in bewerking)",
        "vrijgegeven" => "Vrijgegeven voor publicatie",
        "gepubliceerd" => "Gepubliceerd",
        "fout" => "Laatste poging mislukt",
        _ => "Nog niet verstuurd",
    }
}

fn remote_text(remote: &Value) -> String {
    let flag = |k: &str| remote.get(k).and_then(Value::as_bool).unwrap_or(false);
    let mut parts = vec![if flag("published") { "gepubliceerd" } else { "niet gepubliceerd" }];
    if flag("current_version_released") {
        parts.push("nieuwste versie vrijgegeven");
    }
    if flag("current_version_published") {
        parts.push("nieuwste versie gepubliceerd");
    }
    parts.join(", ")
}

fn sync_view(row: Option<SyncRow>, lars: Option<String>, current_hash: &[u8]) -> SyncView {
    let row = row.unwrap_or_default();
    let errors = match &row.last_error {
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                let field = i.get("field").and_then(Value::as_str).unwrap_or("");
                let message = i.get("message").and_then(Value::as_str).unwrap_or("");
                let top = field.split('.').next().unwrap_or("");
                if top.is_empty() { message.to_string() } else { format!("{}: {message}", validate::title(top)) }
            })
            .collect(),
        _ => Vec::new(),
    };
    SyncView {
        state: state_label(&row.state).to_string(),
        changed_since_upload: row.payload_hash.as_deref().is_some_and(|h| h != current_hash),
        uploaded_at: row.uploaded_at.map(format_datetime),
        released_at: row.released_at.map(format_datetime),
        remote: row.remote.as_ref().map(|r| {
            format!("{} (afgestemd {})", remote_text(r), row.reconciled_at.map(format_datetime).unwrap_or_default())
        }),
        error_at: row.last_error_at.map(format_datetime),
        errors,
        lars,
    }
}

#[derive(Template)]
#[template(path = "publication/tab.html")]
struct TabPage {
    layout: Layout,
    app: Summary,
    tab: &'static str,
    readiness: Readiness,
    sync: SyncView,
    connected: bool,
    may_send: bool,
    needs_password: bool,
    errors: FormErrors,
}

async fn tab_page(
    state: &AppState,
    user: &CurrentUser,
    app: &Stored,
    status: StatusCode,
    errors: FormErrors,
) -> AppResult<Response> {
    let org = organisation(user)?;
    let info = algorithm_in::org_info(&state.pool, org).await?;
    let entry = export::one(&state.pool, &info, app, &links(state)).await?;
    let readiness = readiness::check(
        &entry.body,
        app.status.as_str(),
        app.doc.get("publish") == Some(&Value::Bool(true)),
        &personal_emails(state, org).await?,
    );
    let conn = upload::connection(&state.pool, org).await?;
    let needs_password = match &conn {
        Some(c) if state.config.register_password.is_none() => {
            !Client::new(c.clone(), state.config.register_rate_window).is_ok_and(|cl| cl.has_token())
        }
        _ => false,
    };
    let sync = sync_view(sync_row(state, app.id).await?, entry.lars.clone(), &body_hash(&entry.body));
    let page = TabPage {
        layout: Layout::for_user(user, &format!("Publicatie – {}", app.name()), "/register")
            .with_errors(!errors.is_empty()),
        app: summary(user, app),
        tab: "publicatie",
        readiness,
        sync,
        connected: conn.is_some(),
        may_send: may_publish(user),
        needs_password,
        errors,
    };
    render_status(status, &page)
}

async fn tab(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (_, app) = load(&state, &user, id).await?;
    tab_page(&state, &user, &app, StatusCode::OK, FormErrors::new()).await
}

/// The body of one registration as a file; a body the register would refuse is not handed out.
async fn one_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, format)): Path<(Uuid, String)>,
) -> AppResult<Response> {
    let format = Format::parse(&format).ok_or(AppError::NotFound)?;
    match one_file(&state, &user, id, format).await? {
        Ok((name, bytes)) => attachment(&name, format.media_type(), bytes),
        Err((app, problems)) => {
            let mut errors = FormErrors::new();
            for p in problems {
                errors.add("export", format!("Export niet mogelijk – {p}"));
            }
            tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
    }
}

/// Send the registration to the national register (create or update), and release it when asked.
async fn send(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = require_publisher(&user, "register_upload")?;
    let (_, app) = load(&state, &user, id).await?;
    let form = FormData::parse(&body);
    let mut errors = FormErrors::new();
    let conn = match upload::connection(&state.pool, org).await? {
        Some(c) => c,
        None => {
            errors.add("koppeling", "Stel eerst de koppeling met het Algoritmeregister in (Publicatie → Koppeling).");
            return tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
        }
    };
    let info = algorithm_in::org_info(&state.pool, org).await?;
    let entry = export::one(&state.pool, &info, &app, &links(&state)).await?;
    let ready =
        readiness::check(&entry.body, app.status.as_str(), app.doc.get("publish") == Some(&Value::Bool(true)), &[]);
    if !ready.ready() {
        for b in &ready.blockers {
            errors.add("export", format!("Niet klaar voor publicatie – {}", b.text));
        }
        return tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    }
    let release = form.get("vrijgeven") == "ja";
    let password = state.config.register_password.clone().or_else(|| Some(form.get("password").to_string()));
    let result = send_to_register(&conn, state.config.register_rate_window, password.as_deref(), &entry, release).await;
    let actor = Actor::from(&user);
    let members = store::members(&state.pool, org).await?;
    let mut tx = state.pool.begin().await?;
    let app = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    match result {
        Ok((lars, created, released)) => {
            sqlx::query!(
                "update application set lars = $2 where application_id = $1 and lars is distinct from $2",
                id,
                &lars
            )
            .execute(&mut *tx)
            .await?;
            let new_state = if released {
                "vrijgegeven"
            } else if created {
                "aangemaakt"
            } else {
                "bijgewerkt"
            };
            sqlx::query!(
                "insert into register_sync (application_id, organisation_id, state, payload_hash, uploaded_at, released_at)
                 values ($1, $2, $3, $4, now(), case when $5 then now() end)
                 on conflict (application_id) do update set state = excluded.state, payload_hash = excluded.payload_hash,
                     uploaded_at = excluded.uploaded_at,
                     released_at = case when $5 then now() else register_sync.released_at end,
                     last_error = null, last_error_at = null",
                id,
                org,
                new_state,
                body_hash(&entry.body),
                released
            )
            .execute(&mut *tx)
            .await?;
            let note = format!(
                "{} in het Algoritmeregister (algoritme-ID {lars}){}",
                if created { "Aangemaakt" } else { "Bijgewerkt" },
                if released { ", vrijgegeven voor publicatie" } else { "" }
            );
            store::record_note(&mut tx, &actor, "application.register_upload", &app, &members, ("publication", &note))
                .await?;
            tx.commit().await?;
            session::flash_redirect(&state.pool, &user, &format!("{note}."), &format!("/register/{id}/publicatie"))
                .await
        }
        Err(e) => {
            let problems: Vec<Value> = match &e {
                UploadError::Invalid(items) => items.iter().map(|(f, m)| json!({"field": f, "message": m})).collect(),
                other => vec![json!({"field": "", "message": other.to_string()})],
            };
            if !matches!(e, UploadError::NoPassword) {
                sqlx::query!(
                    "insert into register_sync (application_id, organisation_id, state, last_error, last_error_at)
                     values ($1, $2, 'fout', $3, now())
                     on conflict (application_id) do update set last_error = excluded.last_error,
                         last_error_at = excluded.last_error_at",
                    id,
                    org,
                    Value::Array(problems)
                )
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            tracing::warn!(event = "register_upload_failed", application_id = %id, error = %e, "upload failed");
            match e {
                UploadError::NoPassword => errors.add("password", e.to_string()),
                UploadError::Login(_) => errors.add("password", e.to_string()),
                UploadError::Invalid(items) => {
                    for (field, message) in items {
                        let top = field.split('.').next().unwrap_or("").to_string();
                        errors.add("register", format!("{}: {message}", validate::title(&top)));
                    }
                }
                other => errors.add("register", other.to_string()),
            }
            tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
    }
}

/// Create (no lars yet) or update, then release when asked: (lars, created, released).
async fn send_to_register(
    conn: &Connection,
    window: std::time::Duration,
    password: Option<&str>,
    entry: &export::Entry,
    release: bool,
) -> Result<(String, bool, bool), UploadError> {
    let client = Client::new(conn.clone(), window)?;
    client.login(password).await?;
    let (lars, created) = match &entry.lars {
        Some(lars) => {
            client.update(lars, &entry.body).await?;
            (lars.clone(), false)
        }
        None => (client.create(&entry.body).await?, true),
    };
    if release {
        client.release(&lars).await?;
    }
    Ok((lars, created, release))
}

// ---------------------------------------------------------------------------------------------------------
// The organisation's page "Publicatie".

pub struct OverviewRow {
    pub id: Uuid,
    pub name: String,
    pub workflow: String,
    pub public: bool,
    pub score: u32,
    pub blockers: Vec<String>,
    pub lars: Option<String>,
    pub sync: String,
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
}

async fn overview_rows(state: &AppState, info: &OrgInfo) -> AppResult<Vec<OverviewRow>> {
    let docs: Vec<Value> = sqlx::query_scalar!(
        r#"select to_jsonb(a.*) - 'search' || jsonb_build_object('sync_state', s.state)
         as "v!" from application a left join register_sync s using (application_id)
         where a.organisation_id = $1 and (a.publish or a.lars is not null) order by lower(a.name)"#,
        info.organisation_id
    )
    .fetch_all(&state.pool)
    .await?;
    let apps: Vec<Stored> = docs.into_iter().filter_map(export::stored).collect();
    let entries = export::entries(&state.pool, info, &apps, &links(state)).await?;
    let emails = personal_emails(state, info.organisation_id).await?;
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
        });
    }
    Ok(rows)
}

async fn overview_page(
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
        report,
        reconcile,
        may_publish: may_publish(user),
    };
    render_status(status, &page)
}

async fn overview(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    overview_page(&state, &user, StatusCode::OK, None, Vec::new()).await
}

async fn register_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(format): Path<String>,
) -> AppResult<Response> {
    let format = Format::parse(&format).ok_or(AppError::NotFound)?;
    let (name, bytes) = register_file(&state, &user, format).await?;
    attachment(&name, format.media_type(), bytes)
}

async fn import_file(
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
    let file = parts.iter().find(|p| p.name == "bestand" && p.file_name.is_some());
    let report = match file {
        Some(f) if !f.data.is_empty() && f.data.len() <= import::MAX_FILE => {
            let info = algorithm_in::org_info(&state.pool, org).await?;
            let actor = Actor { origin: format!("{} (import)", user.origin), ..Actor::from(&user) };
            import::run(&state.pool, &info, &actor, Some(user.user_id), f.data, dry_run).await?
        }
        Some(f) if f.data.len() > import::MAX_FILE => Report {
            file_error: Some(format!("het bestand is groter dan {} MB", import::MAX_FILE / (1024 * 1024))),
            dry_run,
            ..Default::default()
        },
        _ => Report { file_error: Some("kies een bestand (JSON of CSV)".into()), dry_run, ..Default::default() },
    };
    let status = if report.ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    overview_page(&state, &user, status, Some(report), Vec::new()).await
}

/// Match the register's list with ours by `source_id`: lars codes and the register's state are stored.
async fn reconcile(State(state): State<AppState>, user: CurrentUser, body: Bytes) -> AppResult<Response> {
    let org = require_publisher(&user, "register_reconcile")?;
    let form = FormData::parse(&body);
    let Some(conn) = upload::connection(&state.pool, org).await? else {
        return overview_page(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            vec!["Stel eerst de koppeling met het Algoritmeregister in.".into()],
        )
        .await;
    };
    let password = state.config.register_password.clone().or_else(|| Some(form.get("password").to_string()));
    let client =
        Client::new(conn, state.config.register_rate_window).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let list = match client.login(password.as_deref()).await {
        Ok(()) => client.list().await,
        Err(e) => Err(e),
    };
    let list = match list {
        Ok(l) => l,
        Err(e) => {
            return overview_page(&state, &user, StatusCode::BAD_GATEWAY, None, vec![e.to_string()]).await;
        }
    };
    let ours: Vec<(Uuid, String, Option<String>)> = sqlx::query!(
        r#"select application_id as "c0!: Uuid", name as "c1!: String",
                     lars as "c2?: String" from application where organisation_id = $1"#,
        org
    )
    .map(|r| (r.c0, r.c1, r.c2))
    .fetch_all(&state.pool)
    .await?;
    let mut lines = Vec::new();
    let mut tx = state.pool.begin().await?;
    let mut matched = 0;
    for s in &list {
        let mine = ours.iter().find(|(id, _, lars)| {
            s.source_id.as_deref() == Some(id.to_string().as_str()) || lars.as_deref() == Some(s.lars.as_str())
        });
        let Some((id, name, lars)) = mine else {
            lines.push(format!(
                "In het register, niet bij ons: {} (algoritme-ID {}).",
                s.name.clone().unwrap_or_default(),
                s.lars
            ));
            continue;
        };
        matched += 1;
        if lars.as_deref() != Some(s.lars.as_str()) {
            sqlx::query!("update application set lars = $2 where application_id = $1", id, &s.lars)
                .execute(&mut *tx)
                .await?;
            lines.push(format!("{name}: algoritme-ID {} overgenomen uit het register.", s.lars));
        }
        let remote_state = if s.current_version_published {
            "gepubliceerd"
        } else if s.current_version_released {
            "vrijgegeven"
        } else {
            "bijgewerkt"
        };
        sqlx::query!(
            "insert into register_sync (application_id, organisation_id, state, remote, reconciled_at)
             values ($1, $2, $3, $4, now())
             on conflict (application_id) do update set state = excluded.state, remote = excluded.remote,
                 reconciled_at = excluded.reconciled_at",
            id,
            org,
            remote_state,
            serde_json::to_value(s).unwrap_or(Value::Null)
        )
        .execute(&mut *tx)
        .await?;
    }
    for (_, name, lars) in &ours {
        if let Some(l) = lars
            && !list.iter().any(|s| &s.lars == l)
        {
            lines.push(format!("{name}: algoritme-ID {l} staat niet (meer) in het register van deze organisatie."));
        }
    }
    tx.commit().await?;
    lines.insert(
        0,
        format!("Afgestemd met het Algoritmeregister: {} algoritmes daar, {matched} gekoppeld.", list.len()),
    );
    overview_page(&state, &user, StatusCode::OK, None, lines).await
}

// ---------------------------------------------------------------------------------------------------------
// The connection settings.

#[derive(Template)]
#[template(path = "publication/connection.html")]
struct ConnectionPage {
    layout: Layout,
    input: FormData,
    errors: FormErrors,
    password_from_env: bool,
}

async fn connection_form(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = require_publisher(&user, "register_connection")?;
    let mut input = FormData::default();
    match upload::connection(&state.pool, org).await? {
        Some(c) => {
            input.push("api_url", c.api_url);
            input.push("token_url", c.token_url);
            input.push("client_id", c.client_id);
            input.push("username", c.username);
            input.push("register_org_id", c.register_org_id);
            input.push("version", c.version.to_string());
        }
        None => {
            let info = algorithm_in::org_info(&state.pool, org).await?;
            input.push("api_url", "https://algoritmes.overheid.nl/aanleverapi/v1_0");
            input.push("register_org_id", info.code);
            input.push("version", "-1");
        }
    }
    render(&ConnectionPage {
        layout: Layout::for_user(&user, "Koppeling met het Algoritmeregister", "/publicatie"),
        input,
        errors: FormErrors::new(),
        password_from_env: state.config.register_password.is_some(),
    })
}

async fn save_connection(State(state): State<AppState>, user: CurrentUser, body: Bytes) -> AppResult<Response> {
    let org = require_publisher(&user, "register_connection")?;
    let input = FormData::parse(&body);
    let mut errors = FormErrors::new();
    for (key, label) in [("api_url", "Adres van de aanleverapi"), ("token_url", "Adres voor het token (Keycloak)")] {
        if !upload::safe_endpoint(input.get(key).trim()) {
            errors.add(
                key,
                format!(
                    "Vul bij {label} een volledig https-adres in (https://…), zonder gebruikersnaam of wachtwoord; \
                     http mag alleen naar deze machine zelf (localhost)."
                ),
            );
        }
    }
    let client_id = errors.required("client_id", "de client-id", input.get("client_id"), 200);
    let username = errors.required("username", "het account (e-mailadres)", input.get("username"), 200);
    let register_org = input.get("register_org_id").trim().to_lowercase();
    if !(2..=40).contains(&register_org.len()) || !register_org.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        errors.add("register_org_id", "Vul de organisatiecode van het Algoritmeregister in, bijvoorbeeld gm0344.");
    }
    let version: i32 = input.get("version").parse().unwrap_or(-2);
    if errors.is_empty() {
        // A new connection is inserted only if none exists yet; a saved one is updated only at the version the
        // form was loaded with. (One upsert cannot do both: its insert branch never runs for an update, so a
        // saved connection could not be changed any more.)
        let (api_url, token_url) = (input.get("api_url").trim(), input.get("token_url").trim());
        let done = if version == -1 {
            sqlx::query!(
                "insert into register_connection (organisation_id, api_url, token_url, client_id, username, register_org_id, updated_by)
                 values ($1, $2, $3, $4, $5, $6, $7) on conflict (organisation_id) do nothing",
                org,
                api_url,
                token_url,
                &client_id,
                &username,
                &register_org,
                user.user_id
            )
            .execute(&state.pool)
            .await?
        } else {
            sqlx::query!(
                "update register_connection set api_url = $2, token_url = $3, client_id = $4, username = $5,
                        register_org_id = $6, updated_by = $7, updated_at = now(), version = version + 1
                  where organisation_id = $1 and version = $8",
                org,
                api_url,
                token_url,
                &client_id,
                &username,
                &register_org,
                user.user_id,
                version
            )
            .execute(&state.pool)
            .await?
        };
        if done.rows_affected() == 1 {
            return session::flash_redirect(
                &state.pool,
                &user,
                "De koppeling met het Algoritmeregister is opgeslagen.",
                "/publicatie",
            )
            .await;
        }
        errors.add(
            "api_url",
            "Iemand anders heeft de koppeling intussen gewijzigd. Laad de pagina opnieuw; uw invoer staat hieronder nog.",
        );
    }
    let conflict = errors.iter().any(|(_, m)| m.starts_with("Iemand anders"));
    render_status(
        if conflict { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY },
        &ConnectionPage {
            layout: Layout::for_user(&user, "Koppeling met het Algoritmeregister", "/publicatie").with_errors(true),
            input,
            errors,
            password_from_env: state.config.register_password.is_some(),
        },
    )
}
