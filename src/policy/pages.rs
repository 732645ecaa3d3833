//! The policy's pages: the version in force (and any other) with the acknowledgement, its print, the draft
//! with its publication, and the comparison of two versions.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::store::{self, Audience, Version};
use super::text::{self, Part, Row};
use super::{edits, sees_coverage};
use crate::AppState;
use crate::audit::{self, Actor, Event};
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::notices::{self, Kind, Note};
use crate::web::forms::{FormData, FormErrors};
use crate::web::layout::Layout;
use crate::web::{format_date, format_datetime, render, render_status};

const PATH: &str = "/beleid";

fn organisation(user: &CurrentUser) -> AppResult<Uuid> {
    user.organisation_id().ok_or(AppError::Forbidden)
}

fn require_editor(user: &CurrentUser) -> AppResult<Uuid> {
    let org = organisation(user)?;
    if edits(user.roles()) { Ok(org) } else { Err(AppError::Forbidden) }
}

/// A version as the pages show it.
pub struct Shown {
    pub number: i32,
    pub title: String,
    pub status: &'static str,
    pub is_draft: bool,
    pub is_published: bool,
    pub since: String,
    pub parts: Vec<Part>,
    pub headings: Vec<String>,
}

fn shown(v: &Version) -> Shown {
    let parts = text::parts(&v.body);
    Shown {
        number: v.number,
        title: v.title.clone(),
        status: v.status_label(),
        is_draft: v.is_draft(),
        is_published: v.status == "gepubliceerd",
        since: v.published_on.map(format_date).unwrap_or_default(),
        headings: text::headings(&parts),
        parts,
    }
}

/// One line of the list of versions.
pub struct Listed {
    pub number: i32,
    pub title: String,
    pub status: &'static str,
    pub since: String,
    /// The number of the version before it, to compare with.
    pub previous: Option<i32>,
}

#[derive(Template)]
#[template(path = "policy/version.html")]
pub struct VersionPage {
    pub layout: Layout,
    pub v: Option<Shown>,
    pub versions: Vec<Listed>,
    /// When the user acknowledged the shown (published) version.
    pub acknowledged: Option<String>,
    pub edits: bool,
    pub sees_coverage: bool,
    pub has_draft: bool,
}

async fn version_page(state: &AppState, user: &CurrentUser, which: Option<i32>) -> AppResult<Response> {
    let org = organisation(user)?;
    let all = store::list(&state.pool, org).await?;
    let editor = edits(user.roles());
    let v = match which {
        None => all.iter().find(|v| v.status == "gepubliceerd"),
        Some(n) => Some(all.iter().find(|v| v.number == n && (editor || !v.is_draft())).ok_or(AppError::NotFound)?),
    };
    let acknowledged = match v.filter(|v| v.status == "gepubliceerd") {
        Some(v) => store::acknowledged_at(&state.pool, v.id, user.user_id).await?.map(format_datetime),
        None => None,
    };
    let listed: Vec<&Version> = all.iter().filter(|v| editor || !v.is_draft()).collect();
    let versions = listed
        .iter()
        .enumerate()
        .map(|(i, v)| Listed {
            number: v.number,
            title: v.title.clone(),
            status: v.status_label(),
            since: v.published_on.map(format_date).unwrap_or_default(),
            previous: listed.get(i + 1).map(|p| p.number),
        })
        .collect();
    let title = match v {
        Some(v) => format!("AI-beleid versie {}", v.number),
        None => "AI-beleid".to_string(),
    };
    render(&VersionPage {
        layout: Layout::for_user(user, &title, PATH),
        v: v.map(shown),
        versions,
        acknowledged,
        edits: editor,
        sees_coverage: sees_coverage(user.roles()),
        has_draft: all.iter().any(Version::is_draft),
    })
}

/// `/beleid`: the version in force.
pub async fn current(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    version_page(&state, &user, None).await
}

pub async fn version(State(state): State<AppState>, user: CurrentUser, Path(n): Path<i32>) -> AppResult<Response> {
    version_page(&state, &user, Some(n)).await
}

#[derive(Template)]
#[template(path = "policy/print.html")]
pub struct PrintPage {
    pub org_name: String,
    pub v: Shown,
}

pub async fn print(State(state): State<AppState>, user: CurrentUser, Path(n): Path<i32>) -> AppResult<Response> {
    let org = organisation(&user)?;
    let v = store::get(&state.pool, org, n).await?.ok_or(AppError::NotFound)?;
    if v.is_draft() && !edits(user.roles()) {
        return Err(AppError::NotFound);
    }
    let org_name = user.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_default();
    render(&PrintPage { org_name, v: shown(&v) })
}

/// "Ik heb het AI-beleid versie N gelezen": once per version, for the version in force.
pub async fn acknowledge(State(state): State<AppState>, user: CurrentUser, Path(n): Path<i32>) -> AppResult<Response> {
    let org = organisation(&user)?;
    let v = store::get(&state.pool, org, n).await?.ok_or(AppError::NotFound)?;
    if v.status != "gepubliceerd" {
        return session::flash_redirect(
            &state.pool,
            &user,
            &format!("Versie {n} geldt niet (meer); lees en bevestig de geldende versie."),
            PATH,
        )
        .await;
    }
    let mut tx = state.pool.begin().await?;
    if store::acknowledge(&mut tx, v.id, user.user_id).await? {
        record(&mut tx, &Actor::from(&user), org, "policy.acknowledged", &v, json!({ "number": v.number })).await?;
    }
    tx.commit().await?;
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("U hebt bevestigd dat u het AI-beleid versie {n} hebt gelezen."),
        PATH,
    )
    .await
}

/// An audit event of a version, in the change's transaction.
pub(super) async fn record(
    conn: &mut sqlx::PgConnection,
    actor: &Actor,
    org: Uuid,
    action: &str,
    v: &Version,
    after: serde_json::Value,
) -> AppResult<()> {
    audit::record(
        conn,
        Event {
            organisation_id: Some(org),
            actor,
            action,
            object_type: "policy_version",
            object_id: Some(v.id),
            before: None,
            after: Some(after),
        },
    )
    .await?;
    Ok(())
}

/// The draft form: what was typed, the publication choices, and the errors.
#[derive(Template)]
#[template(path = "policy/draft.html")]
pub struct DraftPage {
    pub layout: Layout,
    pub errors: FormErrors,
    /// The draft's number (the next number when there is none yet).
    pub number: i32,
    pub exists: bool,
    pub title: String,
    pub body: String,
    pub version: i32,
    pub published_on: String,
    pub roles: Vec<(&'static str, &'static str, bool)>,
    pub departments: Vec<(String, bool)>,
    pub preview: Vec<Part>,
}

async fn draft_page(
    state: &AppState,
    user: &CurrentUser,
    input: Option<&FormData>,
    errors: FormErrors,
) -> AppResult<Response> {
    let org = require_editor(user)?;
    let mut conn = state.pool.acquire().await?;
    let draft = store::draft(&mut conn, org).await?;
    drop(conn);
    let all = store::list(&state.pool, org).await?;
    let base = draft.as_ref().or_else(|| all.iter().find(|v| v.status == "gepubliceerd"));
    let (mut title, mut body) = match base {
        Some(v) => (v.title.clone(), text::to_text(&v.body)),
        None => ("AI-beleid".to_string(), String::new()),
    };
    let mut published_on = crate::web::today().to_string();
    let mut chosen_roles: Vec<String> = Vec::new();
    let mut chosen_departments: Vec<String> = Vec::new();
    if let Some(f) = input {
        title = f.get("titel").to_string();
        body = f.get("tekst").to_string();
        if f.0.iter().any(|(k, _)| k == "ingangsdatum") {
            published_on = f.get("ingangsdatum").to_string();
        }
        chosen_roles = f.all("rollen").into_iter().map(str::to_string).collect();
        chosen_departments = f.all("afdelingen").into_iter().map(str::to_string).collect();
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let departments = store::departments(&state.pool, org).await?;
    let number = draft.as_ref().map(|d| d.number).unwrap_or(all.first().map(|v| v.number + 1).unwrap_or(1));
    let preview = draft.as_ref().map(|d| text::parts(&d.body)).unwrap_or_default();
    render_status(
        status,
        &DraftPage {
            layout: Layout::for_user(user, &format!("Concept AI-beleid versie {number}"), PATH)
                .with_errors(!errors.is_empty()),
            errors,
            number,
            exists: draft.is_some(),
            version: draft.as_ref().map(|d| d.version).unwrap_or(0),
            title,
            body,
            published_on,
            roles: Role::ALL
                .iter()
                .map(|r| (r.as_str(), r.label(), chosen_roles.iter().any(|c| c == r.as_str())))
                .collect(),
            departments: departments.into_iter().map(|d| (d.clone(), chosen_departments.contains(&d))).collect(),
            preview,
        },
    )
}

pub async fn draft_form(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    draft_page(&state, &user, None, FormErrors::new()).await
}

/// The title and text as typed, checked; the text as stored HTML.
fn check_text(f: &FormData, errors: &mut FormErrors) -> (String, String) {
    let title = errors.required("titel", "de titel", f.get("titel"), 200);
    let typed = f.get("tekst");
    let mut html = String::new();
    if typed.chars().count() > text::MAX_TEXT {
        errors.add("tekst", format!("De tekst mag hoogstens {} tekens lang zijn.", text::MAX_TEXT));
    } else if crate::web::forms::has_forbidden_control(typed) {
        errors.add("tekst", "De tekst bevat een teken dat niet is toegestaan (een onzichtbaar stuurteken).");
    } else {
        match text::to_html(typed) {
            Some(h) => html = h,
            None => errors.add("tekst", "Vul de tekst van het beleid in."),
        }
    }
    (title, html)
}

/// Save the draft (a new one, from the version in force, when there is none).
pub async fn save_draft(State(state): State<AppState>, user: CurrentUser, body: Bytes) -> AppResult<Response> {
    let org = require_editor(&user)?;
    let f = FormData::parse(&body);
    let mut errors = FormErrors::new();
    let (title, html) = check_text(&f, &mut errors);
    if !errors.is_empty() {
        return draft_page(&state, &user, Some(&f), errors).await;
    }
    let mut tx = state.pool.begin().await?;
    let saved = match store::draft(&mut tx, org).await? {
        Some(d) => {
            let expected: i32 = f.get("versie").parse().unwrap_or(-1);
            if !store::update_draft(&mut tx, d.id, &title, &html, expected).await? {
                drop(tx);
                errors.add("tekst", "Iemand anders heeft het concept intussen gewijzigd. Kopieer uw tekst, herlaad de pagina en pas het opnieuw aan.");
                return draft_page(&state, &user, Some(&f), errors).await;
            }
            Version { title: title.clone(), body: html, ..d }
        }
        None => store::create_draft(&mut tx, org, &title, &html, Some(user.user_id)).await?,
    };
    let after = json!({ "number": saved.number, "title": title, "text": text::to_text(&saved.body) });
    record(&mut tx, &Actor::from(&user), org, "policy.draft_saved", &saved, after).await?;
    tx.commit().await?;
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("Het concept van versie {} is opgeslagen.", saved.number),
        "/beleid/concept",
    )
    .await
}

/// The roles and departments chosen as the audience (unknown values are refused, not ignored).
fn check_audience(f: &FormData, departments: &[String], errors: &mut FormErrors) -> (Vec<String>, Vec<String>) {
    let roles: Vec<String> = f.all("rollen").into_iter().map(str::to_string).collect();
    if roles.iter().any(|r| Role::parse(r).is_none()) {
        errors.add("rollen", "Kies bij Rollen alleen rollen uit de lijst.");
    }
    let chosen: Vec<String> = f.all("afdelingen").into_iter().map(str::to_string).collect();
    if chosen.iter().any(|d| !departments.contains(d)) {
        errors.add("afdelingen", "Kies bij Afdelingen alleen afdelingen uit de lijst.");
    }
    (roles, chosen)
}

/// Publish the draft: it is in force from the chosen date, the previous version is superseded, and everyone it
/// is meant for is asked to read it.
pub async fn publish(State(state): State<AppState>, user: CurrentUser, body: Bytes) -> AppResult<Response> {
    let org = require_editor(&user)?;
    let f = FormData::parse(&body);
    let mut errors = FormErrors::new();
    let on = errors.date("ingangsdatum", "de ingangsdatum", f.get("ingangsdatum"));
    if on.is_none() && errors.get("ingangsdatum").is_none() {
        errors.add("ingangsdatum", "Vul de ingangsdatum in.");
    }
    let departments = store::departments(&state.pool, org).await?;
    let (roles, chosen) = check_audience(&f, &departments, &mut errors);
    let mut tx = state.pool.begin().await?;
    let Some(draft) = store::draft(&mut tx, org).await? else {
        drop(tx);
        return session::flash_redirect(
            &state.pool,
            &user,
            "Er is geen concept om te publiceren; sla eerst een concept op.",
            "/beleid/concept",
        )
        .await;
    };
    let (Some(on), true) = (on, errors.is_empty()) else {
        drop(tx);
        return draft_page(&state, &user, Some(&with_text(f, &draft)), errors).await;
    };
    let audience = Audience { roles: &roles, departments: &chosen };
    store::publish(&mut tx, org, draft.id, on, &audience, user.user_id).await?;
    let v = Version {
        status: "gepubliceerd".into(),
        audience_roles: roles.clone(),
        audience_departments: chosen.clone(),
        ..draft
    };
    let after = json!({ "number": v.number, "published_on": on.to_string(), "roles": roles, "departments": chosen });
    record(&mut tx, &Actor::from(&user), org, "policy.published", &v, after).await?;
    let readers: Vec<Uuid> = store::readers(&mut tx, org, &v).await?.into_iter().map(|r| r.user_id).collect();
    let message =
        format!("Het AI-beleid versie {} is gepubliceerd. Lees het en bevestig dat u het gelezen hebt.", v.number);
    let note = Note { organisation_id: org, kind: Kind::Policy, application_id: None, message: &message, link: PATH };
    notices::send_once(&mut tx, &readers, Some(user.user_id), &note, Some(&format!("beleid-{}", v.id))).await?;
    tx.commit().await?;
    let done = format!("Versie {} is gepubliceerd; {} mensen is gevraagd het te lezen.", v.number, readers.len());
    session::flash_redirect(&state.pool, &user, &done, PATH).await
}

/// The publication form carries no text: the draft's is shown again with its errors.
fn with_text(mut f: FormData, draft: &Version) -> FormData {
    f.push("titel", draft.title.clone());
    f.push("tekst", text::to_text(&draft.body));
    f
}

#[derive(Deserialize)]
pub struct CompareQuery {
    #[serde(default)]
    van: Option<String>,
    #[serde(default)]
    naar: Option<String>,
}

#[derive(Template)]
#[template(path = "policy/compare.html")]
pub struct ComparePage {
    pub layout: Layout,
    pub choices: Vec<(i32, String)>,
    pub from: i32,
    pub to: i32,
    pub from_title: String,
    pub to_title: String,
    pub rows: Vec<Row>,
    pub changed: usize,
}

/// Two versions side by side (by default the one in force against the one before it).
pub async fn compare(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CompareQuery>,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let editor = edits(user.roles());
    let all: Vec<Version> =
        store::list(&state.pool, org).await?.into_iter().filter(|v| editor || !v.is_draft()).collect();
    if all.len() < 2 {
        return Ok(Redirect::to(PATH).into_response());
    }
    let pick = |s: Option<&String>, default: i32| -> AppResult<i32> {
        match s.map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => s.parse::<i32>().ok().filter(|n| all.iter().any(|v| v.number == *n)).ok_or(AppError::NotFound),
        }
    };
    let to = pick(q.naar.as_ref(), all[0].number)?;
    let from = pick(q.van.as_ref(), all.iter().find(|v| v.number < to).map(|v| v.number).unwrap_or(all[1].number))?;
    let find = |n: i32| all.iter().find(|v| v.number == n).expect("picked from the list");
    let (old, new) = (find(from), find(to));
    let rows = text::compare(&text::parts(&old.body), &text::parts(&new.body));
    render(&ComparePage {
        layout: Layout::for_user(&user, &format!("AI-beleid: versie {from} en {to} vergeleken"), PATH),
        choices: all
            .iter()
            .map(|v| (v.number, format!("Versie {} ({})", v.number, v.status_label().to_lowercase())))
            .collect(),
        changed: rows.iter().filter(|r| r.change != "gelijk").count(),
        from,
        to,
        from_title: old.title.clone(),
        to_title: new.title.clone(),
        rows,
    })
}
