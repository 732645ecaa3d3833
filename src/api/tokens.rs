//! Personal API tokens under Mijn account: create (name, validity, read-only or also write), shown once,
//! stored as SHA-256 only; revoke. A token belongs to the organisation the user works in when creating it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::auth::TOKEN_PREFIX;
use crate::AppState;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::sso::rules::{ProviderLogin, provider_login};
use crate::util::{random_token, token_hash};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{format_datetime, render, render_status};

pub const PATH: &str = "/account/api-tokens";

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new().route(PATH, get(list).post(create)).route("/account/api-tokens/{id}/intrekken", post(revoke))
}
/// Active tokens per user.
const MAX_ACTIVE: i64 = 10;
pub const VALIDITY: &[(&str, &str)] =
    &[("30", "30 dagen"), ("90", "90 dagen"), ("180", "180 dagen"), ("365", "1 jaar")];

#[derive(sqlx::FromRow)]
struct TokenRow {
    api_token_id: Uuid,
    name: String,
    prefix: String,
    can_write: bool,
    org_name: String,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
}

pub struct TokenView {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub access: &'static str,
    pub organisation: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    /// "Actief", "Ingetrokken" or "Verlopen".
    pub state: &'static str,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "api/tokens.html")]
pub struct TokensPage {
    pub layout: Layout,
    pub tokens: Vec<TokenView>,
    /// Not `name`: a form macro's parameter of that name would hide it in the template.
    pub token_name: String,
    pub validity: String,
    pub can_write: bool,
    pub validity_options: &'static [(&'static str, &'static str)],
    pub errors: FormErrors,
    /// The token just made: shown this once.
    pub new_token: Option<String>,
    pub org_name: String,
    /// Two-factor login is on: a new token needs a current code too.
    pub mfa: bool,
    /// Signed in at the organisation's provider less than ten minutes ago: no password asked (and no code
    /// when the provider's login counted as two-factor).
    pub provider_recent: bool,
    /// Signed in at the organisation's provider, longer than ten minutes ago: say that a fresh login there
    /// stands in for the password.
    pub provider_session: bool,
}

async fn tokens(state: &AppState, user: &CurrentUser) -> AppResult<Vec<TokenView>> {
    let rows: Vec<TokenRow> = sqlx::query_as!(
        TokenRow,
        r#"select t.api_token_id as "api_token_id!: Uuid", t.name as "name!: String",
                 t.prefix as "prefix!: String", t.can_write as "can_write!: bool",
                 o.name as "org_name!: String", t.created_at as "created_at!: OffsetDateTime",
                 t.expires_at as "expires_at!: OffsetDateTime",
                t.last_used_at as "last_used_at?: OffsetDateTime", t.revoked_at as "revoked_at?: OffsetDateTime"
           from api_token t join organisation o using (organisation_id)
          where t.user_id = $1 order by t.revoked_at is not null, t.created_at desc limit 100"#,
        user.user_id
    )
    .fetch_all(&state.pool)
    .await?;
    let now = OffsetDateTime::now_utc();
    Ok(rows
        .into_iter()
        .map(|r| {
            let (state, active) = match (r.revoked_at, r.expires_at > now) {
                (Some(_), _) => ("Ingetrokken", false),
                (None, false) => ("Verlopen", false),
                (None, true) => ("Actief", true),
            };
            TokenView {
                id: r.api_token_id,
                name: r.name,
                prefix: format!("{}…", r.prefix),
                access: if r.can_write { "Lezen en concepten aanmaken" } else { "Alleen lezen" },
                organisation: r.org_name,
                created: format_datetime(r.created_at),
                expires: format_datetime(r.expires_at),
                last_used: r.last_used_at.map(format_datetime).unwrap_or_else(|| "nog niet".into()),
                state,
                active,
            }
        })
        .collect())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    form: &TokenForm,
    errors: FormErrors,
    new_token: Option<String>,
) -> AppResult<TokensPage> {
    let login = provider_login(&state.pool, user.session_hash()).await?;
    let recent = ProviderLogin::recent(&login);
    Ok(TokensPage {
        layout: Layout::for_user(user, "API-tokens", "/account").with_errors(!errors.is_empty()),
        tokens: tokens(state, user).await?,
        token_name: form.name.clone(),
        validity: if form.validity.is_empty() { "90".into() } else { form.validity.clone() },
        can_write: form.can_write == "ja",
        validity_options: VALIDITY,
        errors,
        new_token,
        org_name: user.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        mfa: needs_code(state, user, recent).await?,
        provider_recent: recent.is_some(),
        provider_session: login.is_some(),
    })
}

/// Whether a new token needs a code: with two-factor login on, unless the provider's recent login counted
/// as two-factor.
async fn needs_code(state: &AppState, user: &CurrentUser, recent: Option<bool>) -> AppResult<bool> {
    Ok(recent != Some(true) && crate::auth::reauth::enabled(state, user.user_id).await?)
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    render(&page(&state, &user, &TokenForm::default(), FormErrors::new(), None).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    validity: String,
    can_write: String,
    password: String,
    code: String,
}

#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    who: crate::web::throttle::Requester,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    let Some(org) = user.organisation_id() else {
        return Err(AppError::Refused("U bent geen lid van een organisatie; een API-token heeft dan geen nut.".into()));
    };
    let mut errors = FormErrors::new();
    let name = errors.required("name", "een naam voor het token", &form.name, 100);
    let days: Option<i32> = VALIDITY.iter().find(|(v, _)| *v == form.validity).and_then(|(v, _)| v.parse().ok());
    if days.is_none() {
        errors.add("validity", "Kies hoe lang het token geldig is.");
    }
    if !matches!(form.can_write.as_str(), "" | "ja") {
        errors.add("can_write", "Kies of het token ook concepten mag aanmaken.");
    }
    let active: i64 = sqlx::query_scalar!(
        r#"select count(*) as "v!" from api_token where user_id = $1 and revoked_at is null and expires_at > now()"#,
        user.user_id
    )
    .fetch_one(&state.pool)
    .await?;
    if active >= MAX_ACTIVE {
        errors.add("name", format!("U heeft al {MAX_ACTIVE} actieve tokens. Trek er eerst een in."));
    }
    // A token outlives the session: only with the password (and a code, with two-factor login), so a hijacked
    // session cannot be turned into a year's access.
    // A login at the organisation's provider within the last ten minutes stands in for the password.
    if errors.is_empty() {
        let recent = ProviderLogin::recent(&provider_login(&state.pool, user.session_hash()).await?);
        let code = needs_code(&state, &user, recent).await?.then_some(("code", form.code.as_str()));
        let password = recent.is_none().then_some(("password", form.password.as_str()));
        crate::auth::reauth::reauthenticate_with(&state, &user, &who, password, code, &mut errors).await?;
    }
    let (true, Some(days)) = (errors.is_empty(), days) else {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &user, &form, errors, None).await?);
    };
    let can_write = form.can_write == "ja";
    let token = issue(&state.pool, user.user_id, org, &name, can_write, days).await?;
    tracing::info!(event = "api_token_created", user_id = %user.user_id, organisation_id = %org, can_write, days, "API token created");
    render(&page(&state, &user, &TokenForm::default(), FormErrors::new(), Some(token)).await?)
}

/// A new token for a user in an organisation, valid `days`; returns the token (shown once, stored hashed).
pub async fn issue(
    pool: &sqlx::PgPool,
    user_id: Uuid,
    organisation_id: Uuid,
    name: &str,
    can_write: bool,
    days: i32,
) -> Result<String, sqlx::Error> {
    let token = format!("{TOKEN_PREFIX}{}", random_token());
    let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 8).collect();
    sqlx::query!(
        "insert into api_token (api_token_id, user_id, organisation_id, name, token_hash, prefix, can_write, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(days => $8))",
        Uuid::now_v7(),
        user_id,
        organisation_id,
        name.trim(),
        token_hash(&token),
        &prefix,
        can_write,
        days
    )
    .execute(pool)
    .await?;
    Ok(token)
}

#[tracing::instrument(skip_all)]
pub async fn revoke(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let name: Option<String> = sqlx::query_scalar!(
        "update api_token set revoked_at = now() where api_token_id = $1 and user_id = $2 and revoked_at is null
         returning name",
        id,
        user.user_id
    )
    .fetch_optional(&state.pool)
    .await?;
    let Some(name) = name else { return Err(AppError::NotFound) };
    tracing::info!(event = "api_token_revoked", user_id = %user.user_id, api_token_id = %id, "API token revoked");
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("Het token \"{name}\" is ingetrokken; het werkt niet meer."),
        PATH,
    )
    .await
}
