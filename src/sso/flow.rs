//! The login through the organisation's provider: the start (a POST from the login page, so another site
//! cannot start one in the user's browser) and the callback. What the login needs to remember (state, nonce,
//! PKCE verifier, the page to return to) stays on the server, found through a short-lived cookie of the
//! browser that started it, and is used once.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::accounts::{self, AccountError};
use super::logout;
use super::oidc::{self, AuthRequest, OidcError};
use super::settings::{self, Provider};
use crate::AppState;
use crate::error::AppResult;
use crate::web::error_page::error_page_back;
use crate::web::session::{self, MaybeUser};
use crate::web::throttle::Requester;
use crate::web::{safe_next, signin};

pub const CALLBACK_PATH: &str = "/inloggen/organisatie/terugkeer";
/// How long a started login may take at the provider.
const LOGIN_MINUTES: i32 = 10;

fn cookie_name(state: &AppState) -> &'static str {
    if state.config.https() { "__Host-airegister_sso" } else { "airegister_sso" }
}

fn login_cookie(state: &AppState, value: &str, max_age: i32) -> HeaderValue {
    let secure = if state.config.https() { "; Secure" } else { "" };
    let c = format!("{}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}", cookie_name(state));
    HeaderValue::from_str(&c).expect("hex token makes a valid header value")
}

fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|(_, v)| v.to_string())
}

/// The address the provider sends the browser back to (registered at the provider).
pub fn redirect_uri(state: &AppState, headers: &HeaderMap) -> String {
    format!("{}{CALLBACK_PATH}", base_url(state, headers))
}

/// This application's address as the browser knows it (the configured public URL, else the Host).
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    match &state.config.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => format!("http://{}", headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost")),
    }
}

/// The Dutch page for a login that did not work; the user can start again.
fn refused(status: StatusCode, heading: &'static str, message: String) -> Response {
    let mut resp = error_page_back(status, heading, message, Some("/inloggen".into()));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn provider_failed(e: &OidcError, org: Uuid) -> Response {
    tracing::warn!(event = "sso_failed", organisation_id = %org, error = ?e, "login through the provider failed");
    let status = match e {
        OidcError::Unreachable(_) | OidcError::BadResponse(_) | OidcError::ClientRefused => StatusCode::BAD_GATEWAY,
        _ => StatusCode::BAD_REQUEST,
    };
    refused(status, "Inloggen met organisatie-account is niet gelukt", e.to_string())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StartForm {
    organisation: String,
    next: String,
}

async fn enabled_provider(state: &AppState, org: &str) -> AppResult<Option<Provider>> {
    let Ok(id) = Uuid::parse_str(org.trim()) else { return Ok(None) };
    Ok(settings::get(&state.pool, id).await?.filter(|p| p.enabled))
}

#[tracing::instrument(skip_all)]
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<StartForm>,
) -> AppResult<Response> {
    let Some(p) = enabled_provider(&state, &form.organisation).await? else {
        return Ok(refused(
            StatusCode::BAD_REQUEST,
            "Inloggen met organisatie-account is niet gelukt",
            "Voor deze organisatie is inloggen met een organisatie-account niet ingesteld. Kies een andere organisatie of log in met uw e-mailadres en wachtwoord.".into(),
        ));
    };
    if let Err(msg) = settings::client_secret(&p) {
        tracing::error!(event = "sso_no_secret", organisation_id = %p.organisation_id, "{msg}");
        return Ok(provider_failed(&OidcError::Config("Inloggen met organisatie-account is niet goed ingesteld (het clientgeheim ontbreekt). Meld dit bij de beheerder van AI-register.".into()), p.organisation_id));
    }
    let d = match oidc::discover(&p.issuer).await {
        Ok(d) => d,
        Err(e) => return Ok(provider_failed(&e, p.organisation_id)),
    };
    let (verifier, challenge) = oidc::pkce_pair();
    let (st, nonce) = (oidc::random_value(), oidc::random_value());
    let browser = crate::util::random_token();
    let next = safe_next(Some(&form.next));
    // Logins abandoned at the provider are cleared as new ones start.
    sqlx::query!("delete from sso_login where created_at < now() - make_interval(mins => $1)", LOGIN_MINUTES)
        .execute(&state.pool)
        .await?;
    sqlx::query!(
        "insert into sso_login (browser_hash, organisation_id, state, nonce, pkce_verifier, next) values ($1, $2, $3, $4, $5, $6)",
        crate::util::token_hash(&browser),
        p.organisation_id,
        st,
        nonce,
        verifier,
        next
    )
    .execute(&state.pool)
    .await?;
    let uri = redirect_uri(&state, &headers);
    let req = AuthRequest {
        client_id: &p.client_id,
        redirect_uri: &uri,
        scopes: &p.scopes,
        state: &st,
        nonce: &nonce,
        challenge: &challenge,
    };
    let target = match oidc::authorization_url(&d, &req) {
        Ok(t) => t,
        Err(e) => return Ok(provider_failed(&e, p.organisation_id)),
    };
    let mut resp = Redirect::to(&target).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, login_cookie(&state, &browser, LOGIN_MINUTES * 60));
    Ok(resp)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

struct Pending {
    organisation_id: Uuid,
    state: String,
    nonce: String,
    pkce_verifier: String,
    next: String,
}

#[tracing::instrument(skip_all)]
pub async fn callback(
    State(state): State<AppState>,
    MaybeUser(current): MaybeUser,
    who: Requester,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> AppResult<Response> {
    let heading = "Inloggen met organisatie-account is niet gelukt";
    // Used once: the row goes whatever the outcome.
    let pending = match read_cookie(&headers, cookie_name(&state)) {
        Some(browser) => {
            sqlx::query_as!(
                Pending,
                "delete from sso_login where browser_hash = $1 and created_at > now() - make_interval(mins => $2)
             returning organisation_id, state, nonce, pkce_verifier, next",
                crate::util::token_hash(&browser),
                LOGIN_MINUTES
            )
            .fetch_optional(&state.pool)
            .await?
        }
        None => None,
    };
    let Some(pending) = pending else {
        tracing::warn!(event = "sso_no_pending_login", "callback without a login started in this browser");
        return Ok(with_cleared(&state, refused(StatusCode::BAD_REQUEST, heading, "Deze aanmelding is niet in deze browser begonnen of duurde langer dan 10 minuten. Begin opnieuw met inloggen.".into())));
    };
    let given = q.state.as_deref().unwrap_or("");
    if !crate::util::constant_time_eq(given.as_bytes(), pending.state.as_bytes()) {
        tracing::warn!(event = "sso_state_mismatch", organisation_id = %pending.organisation_id, "state does not match");
        return Ok(with_cleared(&state, refused(StatusCode::BAD_REQUEST, heading, "Het antwoord van de inlogdienst hoort niet bij deze aanmelding (state klopt niet). Begin opnieuw met inloggen.".into())));
    }
    if let Some(error) = q.error.as_deref() {
        let shown: String = error.chars().filter(|c| c.is_ascii_graphic()).take(60).collect();
        return Ok(with_cleared(&state, provider_failed(&OidcError::Refused(shown), pending.organisation_id)));
    }
    let outcome = complete(&state, &who, &headers, &pending, q.code.as_deref().unwrap_or("")).await?;
    let resp = match outcome {
        Ok(done) => {
            if let Some(old) = current {
                session::destroy(&state.pool, old.session_hash()).await?;
            }
            // The provider's two-factor login stands in for the application's own code.
            let (resp, token) = if done.totp && !done.mfa {
                signin::ask_second_factor_with_token(&state, done.user_id, &pending.next).await?
            } else {
                let org = Some(pending.organisation_id);
                signin::finish_with_token(&state, &who.device, done.user_id, org, &pending.next, None).await?
            };
            logout::remember(&state.pool, &token, done.user_id, &done.provider, &done.claims, &done.id_token, done.mfa)
                .await?;
            resp
        }
        Err(resp) => resp,
    };
    Ok(with_cleared(&state, resp))
}

fn with_cleared(state: &AppState, mut resp: Response) -> Response {
    resp.headers_mut().append(header::SET_COOKIE, login_cookie(state, "", 0));
    resp
}

/// A login the provider vouched for.
struct Done {
    user_id: Uuid,
    /// The user has the application's own second factor.
    totp: bool,
    /// The ID token's amr/acr counts as a two-factor login for this organisation.
    mfa: bool,
    provider: Provider,
    claims: serde_json::Map<String, serde_json::Value>,
    id_token: String,
}

/// Code exchange, token checks and the account: the login, or the page that says why not.
async fn complete(
    state: &AppState,
    who: &Requester,
    headers: &HeaderMap,
    pending: &Pending,
    code: &str,
) -> AppResult<Result<Done, Response>> {
    let org = pending.organisation_id;
    let Some(p) = settings::get(&state.pool, org).await?.filter(|p| p.enabled) else {
        return Ok(Err(provider_failed(
            &OidcError::Config("Inloggen met organisatie-account is voor deze organisatie uitgeschakeld.".into()),
            org,
        )));
    };
    let secret = match settings::client_secret(&p) {
        Ok(s) => s,
        Err(msg) => return Ok(Err(provider_failed(&OidcError::Config(msg), org))),
    };
    let verified = async {
        let d = oidc::discover(&p.issuer).await?;
        let uri = redirect_uri(state, headers);
        let token = oidc::exchange_code(&d, &p.client_id, &secret, code, &uri, &pending.pkce_verifier).await?;
        let claims = oidc::verify_id_token(&p.issuer, &d, &p.client_id, &token, &pending.nonce).await?;
        Ok::<_, OidcError>((claims, token))
    };
    let (claims, id_token) = match verified.await {
        Ok(c) => c,
        Err(e) => return Ok(Err(provider_failed(&e, org))),
    };
    let person = match accounts::person(&p, &claims) {
        Ok(person) => person,
        Err(r) => return Ok(Err(refusal(r, org))),
    };
    let mut tx = state.pool.begin().await?;
    let account = match accounts::sign_in(&mut tx, &p, &person, &format!("web {}", who.ip)).await {
        Ok(a) => a,
        Err(AccountError::Refused(r)) => return Ok(Err(refusal(r, org))),
        Err(AccountError::Db(e)) => return Err(e.into()),
    };
    tx.commit().await?;
    tracing::info!(event = "login_sso", user_id = %account.user_id, organisation_id = %org, created = account.created, "login via organisatie-account");
    let mfa = logout::provider_mfa(&p, &claims);
    Ok(Ok(Done { user_id: account.user_id, totp: account.totp, mfa, provider: p, claims, id_token }))
}

fn refusal(r: accounts::Refusal, org: Uuid) -> Response {
    tracing::warn!(event = "sso_refused", organisation_id = %org, reason = ?r, "verified person may not log in");
    refused(StatusCode::FORBIDDEN, "Geen toegang tot AI-register", r.to_string())
}
