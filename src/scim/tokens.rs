//! Beheer → Organisaties → SCIM-koppeling: the organisation's SCIM tokens for its beheerders. A new token is
//! shown once (only its SHA-256 is kept); a token can be revoked; the last use is shown. Both are audited.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::auth::TOKEN_PREFIX;
use crate::AppState;
use crate::audit::{self, Actor, Event};
use crate::error::{AppError, AppResult};
use crate::roles::Role;
use crate::util::{random_token, token_hash};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::session::{self, CurrentUser};
use crate::web::{format_datetime, render, render_status};

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/beheer/organisaties/{id}/scim", get(list).post(create))
        .route("/beheer/organisaties/{id}/scim/{token}/intrekken", post(revoke))
}

/// Make a token for the organisation (in the caller's transaction) with its audit event; returns the token.
pub async fn issue(conn: &mut PgConnection, org: Uuid, name: &str, actor: &Actor) -> sqlx::Result<String> {
    let token = format!("{TOKEN_PREFIX}{}", random_token());
    let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into scim_token (scim_token_id, organisation_id, name, token_hash, prefix, created_by) values ($1, $2, $3, $4, $5, $6)",
        id,
        org,
        name.trim(),
        token_hash(&token),
        prefix,
        actor.id
    )
    .execute(&mut *conn)
    .await?;
    let after = json!({ "name": name.trim(), "prefix": prefix });
    let event = Event {
        organisation_id: Some(org),
        actor,
        action: "scim_token.created",
        object_type: "scim_token",
        object_id: Some(id),
        before: None,
        after: Some(after),
    };
    audit::record(conn, event).await?;
    tracing::info!(event = "scim_token_created", organisation_id = %org, origin = %actor.origin, "SCIM token created");
    Ok(token)
}

pub struct TokenView {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "scim/tokens.html")]
pub struct TokensPage {
    pub layout: Layout,
    pub id: Uuid,
    pub organisation: String,
    pub tokens: Vec<TokenView>,
    pub token_name: String,
    pub errors: FormErrors,
    pub new_token: Option<String>,
    pub base_url: String,
}

/// The organisation's name, if the user is one of its beheerders (404 for non-members, 403 otherwise).
fn administered(user: &CurrentUser, id: Uuid) -> AppResult<String> {
    let Some(org) = user.organisations.iter().find(|o| o.id == id) else { return Err(AppError::NotFound) };
    if !user.has_role_in(id, Role::Beheerder) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, organisation_id = %id, action = "scim_tokens", "not a beheerder");
        return Err(AppError::Forbidden);
    }
    Ok(org.name.clone())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: Uuid,
    name: String,
    errors: FormErrors,
    new_token: Option<String>,
) -> AppResult<TokensPage> {
    let organisation = administered(user, id)?;
    let rows = sqlx::query!(
        "select scim_token_id, name, prefix, created_at, last_used_at, revoked_at from scim_token
          where organisation_id = $1 order by revoked_at is not null, created_at desc limit 100",
        id
    )
    .fetch_all(&state.pool)
    .await?;
    let tokens = rows
        .into_iter()
        .map(|r| TokenView {
            id: r.scim_token_id,
            name: r.name,
            prefix: format!("{}…", r.prefix),
            created: format_datetime(r.created_at),
            last_used: r.last_used_at.map(format_datetime).unwrap_or_else(|| "nog niet".into()),
            active: r.revoked_at.is_none(),
        })
        .collect();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let base = state.config.public_url.clone().unwrap_or_else(|| format!("http://{host}"));
    Ok(TokensPage {
        layout: Layout::for_user(user, "SCIM-koppeling", "/beheer/organisaties").with_errors(!errors.is_empty()),
        id,
        organisation,
        tokens,
        token_name: name,
        errors,
        new_token,
        base_url: format!("{}{}", base.trim_end_matches('/'), super::BASE),
    })
}

#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    render(&page(&state, &user, &headers, id, String::new(), FormErrors::new(), None).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
}

#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    administered(&user, id)?;
    let mut errors = FormErrors::new();
    let name = errors.required("name", "een naam voor het token", &form.name, 100);
    if !errors.is_empty() {
        let page = page(&state, &user, &headers, id, form.name, errors, None).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let mut tx = state.pool.begin().await?;
    let token = issue(&mut tx, id, &name, &Actor::from(&user)).await?;
    tx.commit().await?;
    render(&page(&state, &user, &headers, id, String::new(), FormErrors::new(), Some(token)).await?)
}

#[tracing::instrument(skip_all)]
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, token)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    administered(&user, id)?;
    let mut tx = state.pool.begin().await?;
    let name = sqlx::query_scalar!(
        "update scim_token set revoked_at = now() where scim_token_id = $1 and organisation_id = $2 and revoked_at is null returning name",
        token,
        id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(name) = name else {
        return Err(AppError::Conflict("Dit token bestaat niet of is al ingetrokken.".into()));
    };
    let actor = Actor::from(&user);
    let event = Event {
        organisation_id: Some(id),
        actor: &actor,
        action: "scim_token.revoked",
        object_type: "scim_token",
        object_id: Some(token),
        before: Some(json!({ "name": name })),
        after: Some(json!({ "revoked": true })),
    };
    audit::record(&mut tx, event).await?;
    tx.commit().await?;
    tracing::warn!(event = "scim_token_revoked", user_id = %user.user_id, organisation_id = %id, "SCIM token revoked");
    let message = format!("Het SCIM-token \"{name}\" is ingetrokken; de koppeling die het gebruikte werkt niet meer.");
    session::flash_redirect(&state.pool, &user, &message, &format!("/beheer/organisaties/{id}/scim")).await
}
