//! Beheer → Organisaties → Huisstijl en logo, for the organisation's beheerders, and the logo itself. Every
//! change is recorded in the audit trail in the same transaction.

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::logo;
use crate::AppState;
use crate::audit::{self, Actor, Event};
use crate::error::{AppError, AppResult};
use crate::roles::Role;
use crate::web::forms::FormErrors;
use crate::web::layout::{Layout, logo_url};
use crate::web::multipart;
use crate::web::session::{self, CurrentUser};
use crate::web::theme::Theme;
use crate::web::{render, render_status};

/// The logo's own policy: nothing may load or run, not even when the file is opened on its own.
const LOGO_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

pub struct ThemeChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
    pub licence_note: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "branding/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub id: Uuid,
    pub organisation: String,
    pub themes: Vec<ThemeChoice>,
    pub logo: Option<String>,
    pub errors: FormErrors,
}

struct Branding {
    name: String,
    theme: String,
    logo_sha256: Option<String>,
    logo_media_type: Option<String>,
}

/// 404 for non-members (nothing leaks), 403 for members who are not its beheerder.
fn administered(user: &CurrentUser, id: Uuid) -> AppResult<()> {
    if !user.organisations.iter().any(|o| o.id == id) {
        return Err(AppError::NotFound);
    }
    if !user.has_role_in(id, Role::Beheerder) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, organisation_id = %id, action = "branding", "not a beheerder");
        return Err(AppError::Forbidden);
    }
    Ok(())
}

async fn load(state: &AppState, id: Uuid) -> AppResult<Branding> {
    sqlx::query_as!(
        Branding,
        r#"select name as "name!: String", theme as "theme!: String", logo_sha256, logo_media_type
             from organisation where organisation_id = $1"#,
        id
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)
}

fn page(user: &CurrentUser, id: Uuid, b: &Branding, chosen: &str, errors: FormErrors) -> EditPage {
    EditPage {
        layout: Layout::for_user(user, "Huisstijl en logo", "/beheer/organisaties").with_errors(!errors.is_empty()),
        id,
        organisation: b.name.clone(),
        themes: Theme::ALL
            .into_iter()
            .map(|t| ThemeChoice {
                value: t.as_str(),
                label: t.label(),
                selected: t.as_str() == chosen,
                licence_note: t.licence_note(),
            })
            .collect(),
        logo: b.logo_sha256.as_deref().map(|h| logo_url(id, h)),
        errors,
    }
}

#[tracing::instrument(skip_all)]
pub async fn edit(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    administered(&user, id)?;
    let b = load(&state, id).await?;
    render(&page(&user, id, &b, &b.theme, FormErrors::new()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ThemeForm {
    theme: String,
}

#[tracing::instrument(skip_all)]
pub async fn save_theme(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<ThemeForm>,
) -> AppResult<Response> {
    administered(&user, id)?;
    let b = load(&state, id).await?;
    let Some(theme) = Theme::parse(&form.theme) else {
        let mut errors = FormErrors::new();
        errors.add("theme", "Kies bij Thema een van de thema's uit de lijst.");
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&user, id, &b, &form.theme, errors));
    };
    let mut tx = state.pool.begin().await?;
    sqlx::query!(
        "update organisation set theme = $2, version = version + 1 where organisation_id = $1",
        id,
        theme.as_str()
    )
    .execute(&mut *tx)
    .await?;
    record(&mut tx, &user, id, "organisation.theme_changed", json_theme(&b.theme), json_theme(theme.as_str())).await?;
    tx.commit().await?;
    let msg = format!("Het thema van {} is nu: {}.", b.name, theme.label());
    session::flash_redirect(&state.pool, &user, &msg, &format!("/beheer/organisaties/{id}/huisstijl")).await
}

fn json_theme(theme: &str) -> serde_json::Value {
    serde_json::json!({ "theme": theme })
}

fn json_logo(b: Option<(&str, &str)>) -> serde_json::Value {
    match b {
        Some((media_type, sha256)) => serde_json::json!({ "logo_media_type": media_type, "logo_sha256": sha256 }),
        None => serde_json::json!({ "logo_media_type": null, "logo_sha256": null }),
    }
}

async fn record(
    tx: &mut sqlx::PgConnection,
    user: &CurrentUser,
    id: Uuid,
    action: &str,
    before: serde_json::Value,
    after: serde_json::Value,
) -> AppResult<()> {
    let actor = Actor::from(user);
    audit::record(tx, Event::about(Some(id), &actor, action, ("organisation", id)).change(Some(before), Some(after)))
        .await?;
    Ok(())
}

/// The logo form (multipart): a PNG is checked, an SVG cleaned; a bad file comes back with a message at Logo.
#[tracing::instrument(skip_all)]
pub async fn upload_logo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<Response> {
    administered(&user, id)?;
    let Ok(body) = body else { return Ok(multipart::too_large()) };
    let b = load(&state, id).await?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let parts = multipart::boundary(content_type)
        .and_then(|bd| multipart::parse(&body, &bd))
        .ok_or_else(|| AppError::Conflict("Het formulier kwam niet goed door. Probeer het opnieuw.".into()))?;
    let data = parts.iter().find(|p| p.name == "logo" && p.file_name.is_some()).map_or(&[][..], |p| p.data);
    let checked = match logo::check(data) {
        Ok(l) => l,
        Err(message) => {
            let mut errors = FormErrors::new();
            errors.add("logo", message);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&user, id, &b, &b.theme, errors));
        }
    };
    let sha256 = hex(&Sha256::digest(&checked.bytes));
    let mut tx = state.pool.begin().await?;
    sqlx::query!(
        "update organisation set logo = $2, logo_media_type = $3, logo_sha256 = $4, version = version + 1
          where organisation_id = $1",
        id,
        checked.bytes,
        checked.media_type,
        sha256
    )
    .execute(&mut *tx)
    .await?;
    let before = json_logo(b.logo_media_type.as_deref().zip(b.logo_sha256.as_deref()));
    let after = json_logo(Some((checked.media_type, &sha256)));
    record(&mut tx, &user, id, "organisation.logo_changed", before, after).await?;
    tx.commit().await?;
    let msg = format!("Het logo van {} is opgeslagen.", b.name);
    session::flash_redirect(&state.pool, &user, &msg, &format!("/beheer/organisaties/{id}/huisstijl")).await
}

#[tracing::instrument(skip_all)]
pub async fn remove_logo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    administered(&user, id)?;
    let b = load(&state, id).await?;
    let mut tx = state.pool.begin().await?;
    sqlx::query!(
        "update organisation set logo = null, logo_media_type = null, logo_sha256 = null, version = version + 1
          where organisation_id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    let before = json_logo(b.logo_media_type.as_deref().zip(b.logo_sha256.as_deref()));
    record(&mut tx, &user, id, "organisation.logo_removed", before, json_logo(None)).await?;
    tx.commit().await?;
    let msg = format!("Het logo van {} is verwijderd.", b.name);
    session::flash_redirect(&state.pool, &user, &msg, &format!("/beheer/organisaties/{id}/huisstijl")).await
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The logo, public like the register it heads. Only its current hash answers, so the URL may be cached for good.
#[tracing::instrument(skip_all)]
pub async fn serve_logo(State(state): State<AppState>, Path((id, hash)): Path<(Uuid, String)>) -> AppResult<Response> {
    let row = sqlx::query!(
        r#"select logo as "logo!", logo_media_type as "media_type!" from organisation
            where organisation_id = $1 and logo_sha256 = $2 and logo is not null"#,
        id,
        hash
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let mut resp = row.logo.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&row.media_type).map_err(anyhow::Error::from)?);
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(LOGO_CSP));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    Ok(resp)
}
