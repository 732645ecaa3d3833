//! Server-side sessions in PostgreSQL and the middleware that resolves a request's session cookie into its
//! user, checks CSRF and sends users who must set up two-factor login there first.
//!
//! The cookie holds a 256-bit random id; the database holds only its SHA-256, the user, the chosen
//! organisation, a per-session CSRF token and a flash message. A session ends after the idle timeout,
//! after the absolute lifetime, at logout, and at once when the user is deactivated (the row is deleted,
//! and inactive users are refused here as well). Several app instances share sessions through the table.
//! The user type lives in [`super::user`], the cookie in [`super::cookies`], the token check in
//! [`super::csrf`]; they are re-exported here, where the features have always found them.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use sqlx::types::Json;
use uuid::Uuid;

use super::cookies::cookie_value;
pub use super::cookies::{clear_cookie, session_cookie};
pub use super::csrf::csrf_refused;
use super::enrolment::enrolment_path;
use super::state::AppState;
pub use super::user::{CurrentUser, MaybeUser, NavCounts, OrgRef, PendingLogin};
use crate::config::WebConfig;
use crate::error::{AppError, AppResult};
use crate::roles::Role;
use crate::util::{random_token, token_hash};

/// Start a new session (always a new id: renewing the id at login prevents session fixation).
pub async fn create(
    pool: &PgPool,
    user_id: Uuid,
    organisation_id: Option<Uuid>,
    flash: Option<&str>,
) -> AppResult<String> {
    insert(pool, user_id, organisation_id, flash, false).await
}

/// A session that still needs the second factor (valid for ten minutes, reaches only the code page).
pub async fn create_pending(pool: &PgPool, user_id: Uuid) -> AppResult<String> {
    insert(pool, user_id, None, None, true).await
}

async fn insert(
    pool: &PgPool,
    user_id: Uuid,
    organisation_id: Option<Uuid>,
    flash: Option<&str>,
    mfa_pending: bool,
) -> AppResult<String> {
    let token = random_token();
    sqlx::query!(
        "insert into session (session_hash, user_id, organisation_id, csrf_token, flash, mfa_pending)
         values ($1, $2, $3, $4, $5, $6)",
        token_hash(&token),
        user_id,
        organisation_id,
        random_token(),
        flash,
        mfa_pending
    )
    .execute(pool)
    .await?;
    Ok(token)
}

/// End one session (logout).
pub async fn destroy(pool: &PgPool, session_hash: &[u8]) -> AppResult<()> {
    sqlx::query!("delete from session where session_hash = $1", session_hash).execute(pool).await?;
    Ok(())
}

/// Show a message on the next page this session loads.
pub async fn set_flash(pool: &PgPool, user: &CurrentUser, message: &str) -> AppResult<()> {
    sqlx::query!("update session set flash = $2 where session_hash = $1", user.session_hash(), message)
        .execute(pool)
        .await?;
    Ok(())
}

/// The answer to a successful form post: a message on the next page, and that page.
pub async fn flash_redirect(pool: &PgPool, user: &CurrentUser, message: &str, to: &str) -> AppResult<Response> {
    set_flash(pool, user, message).await?;
    Ok(Redirect::to(to).into_response())
}

/// Switch the organisation this session works in.
pub async fn set_organisation(pool: &PgPool, user: &CurrentUser, organisation_id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "update session set organisation_id = $2 where session_hash = $1",
        user.session_hash(),
        organisation_id
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Delete sessions past their idle or absolute limit (run periodically; lookups ignore them anyway).
pub async fn delete_expired(pool: &PgPool, config: &WebConfig) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "delete from session where last_seen_at < now() - make_interval(mins => $1)
            or created_at < now() - make_interval(hours => $2)
            or (mfa_pending and created_at < now() - make_interval(mins => $3))",
        config.session_idle_minutes as i32,
        config.session_max_hours as i32,
        PENDING_MINUTES
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Minutes a session may wait for its second factor.
const PENDING_MINUTES: i32 = 10;

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: Uuid,
    organisation_id: Option<Uuid>,
    csrf_token: String,
    flash: Option<String>,
    seen_recently: bool,
    name: String,
    email: String,
    mfa_pending: bool,
    must_enroll: bool,
    /// The user's organisations, read with the session (one round trip before every page).
    memberships: Json<Vec<MembershipRow>>,
}

/// What a session cookie stands for.
enum Resolved {
    User(Box<CurrentUser>),
    Pending(PendingLogin),
    Nothing,
}

#[derive(serde::Deserialize)]
struct MembershipRow {
    organisation_id: Uuid,
    name: String,
    code: String,
    roles: Vec<String>,
    theme: String,
    logo_sha256: Option<String>,
}

impl From<MembershipRow> for OrgRef {
    fn from(r: MembershipRow) -> OrgRef {
        OrgRef {
            id: r.organisation_id,
            name: r.name,
            code: r.code,
            roles: Role::ALL.into_iter().filter(|role| r.roles.iter().any(|s| s == role.as_str())).collect(),
            theme: super::theme::Theme::from_db(&r.theme),
            logo_sha256: r.logo_sha256,
        }
    }
}

/// Load the organisations a user belongs to, with their roles, ordered by name.
pub async fn memberships(pool: &PgPool, user_id: Uuid) -> Result<Vec<OrgRef>, sqlx::Error> {
    let rows: Vec<MembershipRow> = sqlx::query_as!(
        MembershipRow,
        r#"select organisation_id as "organisation_id!: Uuid", name as "name!: String", code as "code!: String",
                  roles as "roles!: Vec<String>", theme as "theme!: String", logo_sha256 as "logo_sha256?: String"
             from user_membership where user_id = $1 order by name, code"#,
        user_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(OrgRef::from).collect())
}

async fn load(state: &AppState, token: &str, method: &Method, path: &str) -> Result<Resolved, sqlx::Error> {
    let hash = token_hash(token);
    let row: Option<SessionRow> = sqlx::query_as!(
        SessionRow,
        r#"select s.user_id as "user_id!: Uuid", s.organisation_id as "organisation_id?: Uuid",
                 s.csrf_token as "csrf_token!: String", s.flash as "flash?: String",
                s.last_seen_at > now() - interval '60 seconds' as "seen_recently!: bool",
                 u.name as "name!: String", u.email as "email!: String", s.mfa_pending as "mfa_pending!: bool",
                u.totp_secret is null and exists(
                    select 1 from membership m join organisation o using (organisation_id)
                     where m.user_id = u.user_id and o.require_mfa and m.role in ('beheerder', 'ciso'))
                and not exists(select 1 from sso_session x where x.session_hash = s.session_hash and x.mfa)
                as "must_enroll!: bool",
                (select coalesce(json_agg(m order by m.name, m.code), '[]') from user_membership m
                  where m.user_id = u.user_id) as "memberships!: Json<Vec<MembershipRow>>"
           from session s join app_user u using (user_id)
          where s.session_hash = $1 and u.active
            and s.last_seen_at > now() - make_interval(mins => $2)
            and s.created_at > now() - make_interval(hours => $3)
            and (not s.mfa_pending or s.created_at > now() - make_interval(mins => $4))"#,
        &hash,
        state.config.session_idle_minutes as i32,
        state.config.session_max_hours as i32,
        PENDING_MINUTES
    )
    .fetch_optional(&state.pool)
    .await?;
    let Some(row) = row else {
        // Expired or ended: remove what is left of it.
        sqlx::query!("delete from session where session_hash = $1", &hash).execute(&state.pool).await?;
        return Ok(Resolved::Nothing);
    };
    if row.mfa_pending {
        return Ok(Resolved::Pending(PendingLogin { user_id: row.user_id, email: row.email, session_hash: hash }));
    }
    let organisations: Vec<OrgRef> = row.memberships.0.into_iter().map(OrgRef::from).collect();
    let organisation = row
        .organisation_id
        .and_then(|id| organisations.iter().find(|o| o.id == id))
        .or_else(|| organisations.first())
        .cloned();
    // The flash is shown once, on the next page that is looked at (a GET), not on the POST that set it, nor on
    // a page the user is sent away from to set up two-factor login first.
    let sent_away = row.must_enroll && !enrolment_path(path);
    let take_flash = *method == Method::GET && row.flash.is_some() && !sent_away;
    let org_changed = organisation.as_ref().map(|o| o.id) != row.organisation_id;
    if take_flash || !row.seen_recently || org_changed {
        sqlx::query!(
            "update session set last_seen_at = now(), organisation_id = $2,
                    flash = case when $3 then null else flash end
              where session_hash = $1",
            &hash,
            organisation.as_ref().map(|o| o.id),
            take_flash
        )
        .execute(&state.pool)
        .await?;
    }
    // The navigation shows the counts on every page, also on a form that a POST answers with its errors (422).
    let counts = match &organisation {
        Some(o) => (state.nav_counts)(&state.pool, o.id, row.user_id, &o.roles).await?,
        None => NavCounts::default(),
    };
    Ok(Resolved::User(Box::new(CurrentUser {
        must_enroll_mfa: row.must_enroll,
        counts,
        user_id: row.user_id,
        name: row.name,
        email: row.email,
        csrf_token: row.csrf_token,
        flash: if take_flash { row.flash } else { None },
        organisation,
        organisations,
        origin: "web".to_string(),
        session_hash: hash,
    })))
}

/// Middleware: resolve the session into `Option<CurrentUser>` for the handlers, and check the CSRF token
/// of every state-changing request of a logged-in user (`csrf_token` form field or `X-CSRF-Token` header).
#[tracing::instrument(skip_all)]
pub async fn session_middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let name = state.config.cookie_name();
    let token = cookie_value(&req, name).map(str::to_owned);
    let had_cookie = token.is_some();
    let mut req = req;
    let user = match token {
        Some(t) => match load(&state, &t, req.method(), req.uri().path()).await {
            Ok(Resolved::User(user)) => Some(*user),
            Ok(Resolved::Pending(pending)) => {
                req.extensions_mut().insert(pending);
                None
            }
            Ok(Resolved::Nothing) => None,
            Err(e) => return AppError::from(e).into_response(),
        },
        None => None,
    };
    let pending = req.extensions().get::<PendingLogin>().is_some();
    if let Some(u) = &user {
        req = match super::csrf::check(req, u, state.upload_paths).await {
            Ok(req) => req,
            Err(refused) => return refused,
        };
        if let Some(elsewhere) = super::enrolment::gate(&req, u) {
            return elsewhere;
        }
    }
    let expired = had_cookie && user.is_none() && !pending;
    let peer = req.extensions().get::<super::client::ClientIp>().map(|c| c.0);
    let user = user.map(|mut u| {
        if let Some(ip) = peer {
            u.origin = format!("web {ip}");
        }
        u
    });
    req.extensions_mut().insert(user);
    let mut resp = next.run(req).await;
    if expired && !resp.headers().contains_key(header::SET_COOKIE) {
        resp.headers_mut().append(header::SET_COOKIE, clear_cookie(&state.config));
    }
    resp
}
