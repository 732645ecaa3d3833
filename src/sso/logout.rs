//! Logout with the organisation's provider (issue 19, item 3). A session that began at a provider is linked
//! to it (table `sso_session`): logging out here ends the application session first and then sends the
//! browser to the provider's end_session_endpoint (RP-initiated logout 1.0); the provider logging someone
//! out tells us server-to-server (back-channel logout 1.0) and their sessions here end too.

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use data_encoding::BASE64URL_NOPAD;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use super::oidc::{self, OidcError};
use super::settings::Provider;
use crate::AppState;
use crate::audit::{self, Actor, Event};
use crate::error::AppResult;
use crate::web::error_page::error_page_back;

pub const BACKCHANNEL_PATH: &str = "/inloggen/organisatie/backchannel-logout";

/// Whether the ID token's amr or acr is one the organisation counts as a two-factor login.
pub fn provider_mfa(p: &Provider, claims: &Map<String, Value>) -> bool {
    let amr_ok = match claims.get("amr") {
        Some(Value::Array(values)) => values.iter().filter_map(Value::as_str).any(|a| p.mfa_amr.iter().any(|m| m == a)),
        _ => false,
    };
    let acr_ok = claims.get("acr").and_then(Value::as_str).is_some_and(|a| p.mfa_acr.iter().any(|m| m == a));
    amr_ok || acr_ok
}

/// Link a new application session (its cookie token) to the provider's login.
pub async fn remember(
    pool: &PgPool,
    token: &str,
    user_id: Uuid,
    p: &Provider,
    claims: &Map<String, Value>,
    id_token: &str,
    mfa: bool,
) -> sqlx::Result<()> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_string);
    sqlx::query!(
        "insert into sso_session (session_hash, user_id, organisation_id, issuer, subject, sid, id_token, mfa)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        crate::util::token_hash(token),
        user_id,
        p.organisation_id,
        p.issuer,
        text("sub").unwrap_or_default(),
        text("sid"),
        id_token,
        mfa
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// What the provider needs to end its own session, read before the application session ends.
pub struct ProviderSession {
    organisation_id: Uuid,
    issuer: String,
    client_id: String,
    id_token: String,
}

pub async fn provider_session(pool: &PgPool, session_hash: &[u8]) -> sqlx::Result<Option<ProviderSession>> {
    sqlx::query_as!(
        ProviderSession,
        "select s.organisation_id, s.issuer, p.client_id, s.id_token
           from sso_session s join sso_provider p using (organisation_id)
          where s.session_hash = $1 and p.issuer = s.issuer",
        session_hash
    )
    .fetch_optional(pool)
    .await
}

/// After the application session has ended: to the provider's end_session_endpoint when it has one, else
/// to the login page; a Dutch page (502) when the provider cannot be reached.
pub async fn after_logout(state: &AppState, headers: &HeaderMap, s: ProviderSession) -> Response {
    let d = match oidc::discover(&s.issuer).await {
        Ok(d) => d,
        Err(e) => return unreachable_page(&e, s.organisation_id),
    };
    let Some(endpoint) = d.end_session_endpoint else {
        return Redirect::to("/inloggen?uitgelogd=1").into_response();
    };
    let Ok(mut url) = url::Url::parse(&endpoint) else {
        return unreachable_page(&OidcError::BadResponse("end_session_endpoint".into()), s.organisation_id);
    };
    let back = format!("{}/inloggen?uitgelogd=1", super::flow::base_url(state, headers));
    url.query_pairs_mut()
        .append_pair("id_token_hint", &s.id_token)
        .append_pair("post_logout_redirect_uri", &back)
        .append_pair("client_id", &s.client_id)
        .append_pair("state", &oidc::random_value());
    tracing::info!(event = "logout_provider_redirect", organisation_id = %s.organisation_id, "to the provider's logout");
    Redirect::to(url.as_str()).into_response()
}

fn unreachable_page(e: &OidcError, org: Uuid) -> Response {
    tracing::warn!(event = "sso_logout_failed", organisation_id = %org, error = ?e, "provider logout not reachable");
    error_page_back(
        StatusCode::BAD_GATEWAY,
        "U bent uitgelogd bij AI-register",
        "Uw sessie in AI-register is beëindigd, maar de inlogdienst van uw organisatie is niet bereikbaar. \
         Uw organisatie-account is daar mogelijk nog ingelogd: sluit de browser om ook daar uit te loggen."
            .into(),
        Some("/inloggen?uitgelogd=1".into()),
    )
}

#[derive(Deserialize)]
pub struct BackchannelForm {
    logout_token: String,
}

/// The answer to a bad logout token (Back-Channel Logout 1.0, 2.8: 400 with an OAuth error).
fn bad_token(description: &str) -> Response {
    let body = json!({ "error": "invalid_request", "error_description": description });
    let mut resp = (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The claims before any check, only to find which provider (issuer, audience) should have signed them.
fn unverified_claims(token: &str) -> Option<Map<String, Value>> {
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&BASE64URL_NOPAD.decode(payload.as_bytes()).ok()?).ok()
}

fn audiences(claims: &Map<String, Value>) -> Vec<String> {
    match claims.get("aud") {
        Some(Value::String(a)) => vec![a.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// POST /inloggen/organisatie/backchannel-logout: the provider says a person logged out there. No session
/// cookie and no CSRF token (a server calls this); the signed token is the proof.
#[tracing::instrument(skip_all)]
pub async fn backchannel(
    State(state): State<AppState>,
    form: Result<Form<BackchannelForm>, FormRejection>,
) -> AppResult<Response> {
    let Ok(Form(form)) = form else { return Ok(bad_token("logout_token ontbreekt")) };
    let Some(unverified) = unverified_claims(&form.logout_token) else {
        return Ok(bad_token("logout_token is geen JWT"));
    };
    let issuer = unverified.get("iss").and_then(Value::as_str).unwrap_or("").to_string();
    let aud = audiences(&unverified);
    let clients =
        sqlx::query!("select organisation_id, client_id from sso_provider where enabled and issuer = $1", issuer)
            .fetch_all(&state.pool)
            .await?;
    let Some(client) = clients.into_iter().find(|c| aud.contains(&c.client_id)) else {
        tracing::warn!(
            event = "sso_backchannel_refused",
            reason = "unknown issuer or audience",
            "logout token for no provider here"
        );
        return Ok(bad_token("onbekende uitgever of audience"));
    };
    let verified = async {
        let d = oidc::discover(&issuer).await?;
        oidc::verify_logout_token(&issuer, &d, &client.client_id, &form.logout_token).await
    };
    let claims = match verified.await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(event = "sso_backchannel_refused", organisation_id = %client.organisation_id, error = ?e, "logout token refused");
            return Ok(bad_token(&e.to_string()));
        }
    };
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_string);
    let (jti, sid, sub) = (text("jti").unwrap_or_default(), text("sid"), text("sub"));
    let mut tx = state.pool.begin().await?;
    sqlx::query!("delete from sso_logout_jti where expires_at < now()").execute(&mut *tx).await?;
    let fresh = sqlx::query!(
        "insert into sso_logout_jti (issuer, jti, expires_at) values ($1, $2, now() + make_interval(secs => $3))
         on conflict do nothing",
        issuer,
        jti,
        (oidc::LOGOUT_TOKEN_MAX_AGE_SECS + oidc::CLOCK_SKEW_SECS as i64) as f64
    )
    .execute(&mut *tx)
    .await?;
    if fresh.rows_affected() == 0 {
        tracing::warn!(event = "sso_backchannel_refused", reason = "jti replayed", "logout token used before");
        return Ok(bad_token("dit logout-token is al gebruikt (jti)"));
    }
    let ended = end_sessions(&mut tx, &issuer, client.organisation_id, sid.as_deref(), sub.as_deref()).await?;
    tx.commit().await?;
    tracing::info!(event = "sso_backchannel_logout", organisation_id = %client.organisation_id, sessions = ended, "provider ended sessions");
    let mut resp = StatusCode::OK.into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// End the sessions a logout token names, each user's with an audit event; returns how many ended. With a
/// sid only that login's sessions end (a sub given with it must match); with only a sub, all of that
/// person's sessions from this provider.
async fn end_sessions(
    conn: &mut sqlx::PgConnection,
    issuer: &str,
    organisation_id: Uuid,
    sid: Option<&str>,
    sub: Option<&str>,
) -> sqlx::Result<usize> {
    let ended = sqlx::query!(
        "delete from session where session_hash in (
            select session_hash from sso_session
             where issuer = $1 and organisation_id = $2
               and case when $3::text is not null then sid = $3 and ($4::text is null or subject = $4)
                        else subject = $4 end)
         returning user_id",
        issuer,
        organisation_id,
        sid,
        sub
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut users: Vec<Uuid> = ended.iter().map(|r| r.user_id).collect();
    users.sort();
    users.dedup();
    let actor = Actor::system("backchannel-logout");
    for user_id in users {
        let count = ended.iter().filter(|r| r.user_id == user_id).count();
        let after = json!({ "issuer": issuer, "sid": sid, "sessions_ended": count });
        let event = Event {
            organisation_id: Some(organisation_id),
            actor: &actor,
            action: "user.logout_provider",
            object_type: "user",
            object_id: Some(user_id),
            before: None,
            after: Some(after),
        };
        audit::record(&mut *conn, event).await?;
    }
    Ok(ended.len())
}
