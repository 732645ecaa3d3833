//! Server-side sessions in PostgreSQL, the logged-in user of a request, and the token half of CSRF.
//!
//! The cookie holds a 256-bit random id; the database holds only its SHA-256, the user, the chosen
//! organisation, a per-session CSRF token and a flash message. A session ends after the idle timeout,
//! after the absolute lifetime, at logout, and at once when the user is deactivated (the row is deleted,
//! and inactive users are refused here as well). Several app instances share sessions through the table.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use uuid::Uuid;

use super::state::AppState;
use crate::config::WebConfig;
use crate::error::{AppError, AppResult};
use crate::roles::Role;
use crate::util::{constant_time_eq, random_token, token_hash};

/// Largest form body we read to find the CSRF token.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct OrgRef {
    pub id: Uuid,
    pub name: String,
    pub code: String,
    pub roles: Vec<Role>,
}

/// The logged-in user of this request, in the organisation they are working in.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub csrf_token: String,
    pub flash: Option<String>,
    /// The organisation the user works in now (None when they belong to none).
    pub organisation: Option<OrgRef>,
    /// Every organisation the user belongs to, by name.
    pub organisations: Vec<OrgRef>,
    /// Where the request came from, for the audit trail ("web 192.0.2.1").
    pub origin: String,
    /// Work waiting for this user's roles and unread notifications (pages only; zero on other requests).
    pub counts: NavCounts,
    /// The organisation requires two-factor login for one of this user's roles and it is not set up yet.
    pub must_enroll_mfa: bool,
    session_hash: Vec<u8>,
}

/// Work waiting for the user's roles and their unread notifications, shown in the navigation. The workflow
/// counts them; lib.rs hands the kit that query as a hook (`AppState::nav_counts`).
#[derive(Debug, Clone, Default)]
pub struct NavCounts {
    pub review: i64,
    pub advice: i64,
    pub consent: i64,
    pub unread: i64,
}

/// A session that has passed the password but not yet the second factor: it reaches only the code page.
#[derive(Debug, Clone)]
pub struct PendingLogin {
    pub user_id: Uuid,
    pub email: String,
    pub session_hash: Vec<u8>,
}

impl CurrentUser {
    /// The dashboard ("Overzicht") is for the CISO, the FG, management and the administrator.
    pub fn sees_overview(&self) -> bool {
        [Role::Ciso, Role::Fg, Role::Directie, Role::Beheerder].iter().any(|r| self.has_role(*r))
    }

    pub fn organisation_id(&self) -> Option<Uuid> {
        self.organisation.as_ref().map(|o| o.id)
    }

    pub fn roles(&self) -> &[Role] {
        self.organisation.as_ref().map(|o| o.roles.as_slice()).unwrap_or_default()
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles().contains(&role)
    }

    /// Whether the user holds `role` in the given organisation (not only the current one).
    pub fn has_role_in(&self, organisation_id: Uuid, role: Role) -> bool {
        self.organisations.iter().any(|o| o.id == organisation_id && o.roles.contains(&role))
    }

    /// The route guard: passes when the user holds `role` in the current organisation; otherwise the denial
    /// is logged and the user gets the Dutch 403 page.
    pub fn require(&self, role: Role, action: &str) -> AppResult<Uuid> {
        match self.organisation_id() {
            Some(org) if self.has_role(role) => Ok(org),
            org => {
                tracing::warn!(
                    event = "authz_denied",
                    user_id = %self.user_id,
                    organisation_id = ?org,
                    required_role = %role,
                    action,
                    "access denied"
                );
                Err(AppError::Forbidden)
            }
        }
    }

    pub fn session_hash(&self) -> &[u8] {
        &self.session_hash
    }

    /// A user acting through a personal API token: the same roles and guards as in the web, in the token's
    /// organisation only, without a session (no CSRF token, no flash, no navigation counts).
    pub fn for_api(user_id: Uuid, name: String, email: String, organisation: OrgRef, origin: String) -> Self {
        CurrentUser {
            user_id,
            name,
            email,
            csrf_token: String::new(),
            flash: None,
            organisations: vec![organisation.clone()],
            organisation: Some(organisation),
            origin,
            counts: NavCounts::default(),
            must_enroll_mfa: false,
            session_hash: Vec::new(),
        }
    }
}

/// Handlers that take a `CurrentUser` require a login: anonymous visitors are sent to the login page and
/// come back afterwards.
impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(Some(user)) = parts.extensions.get::<Option<CurrentUser>>() {
            return Ok(user.clone());
        }
        let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let target = if parts.method == Method::GET && next != "/" {
            format!("/inloggen?next={}", percent_encode(next))
        } else {
            "/inloggen".to_string()
        };
        Err(Redirect::to(&target).into_response())
    }
}

/// The same, for pages that also work without a login.
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for PendingLogin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<PendingLogin>().cloned().ok_or_else(|| Redirect::to("/inloggen").into_response())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(parts.extensions.get::<Option<CurrentUser>>().cloned().flatten()))
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The session cookie's value, if the request carries one.
fn cookie_value<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure (with the `__Host-` prefix) over https.
/// No Max-Age: the browser forgets it on close, the server enforces the timeouts.
pub fn session_cookie(config: &WebConfig, token: &str) -> HeaderValue {
    let secure = if config.https() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}", config.cookie_name()))
        .expect("hex token is a valid header value")
}

pub fn clear_cookie(config: &WebConfig) -> HeaderValue {
    let secure = if config.https() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}", config.cookie_name()))
        .expect("valid header value")
}

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

/// Switch the organisation this session works in.
/// The answer to a successful form post: a message on the next page, and that page.
pub async fn flash_redirect(pool: &PgPool, user: &CurrentUser, message: &str, to: &str) -> AppResult<Response> {
    set_flash(pool, user, message).await?;
    Ok(Redirect::to(to).into_response())
}

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
}

/// What a session cookie stands for.
enum Resolved {
    User(Box<CurrentUser>),
    Pending(PendingLogin),
    Nothing,
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    organisation_id: Uuid,
    name: String,
    code: String,
    roles: Vec<String>,
}

/// Load the organisations a user belongs to, with their roles, ordered by name.
pub async fn memberships(pool: &PgPool, user_id: Uuid) -> Result<Vec<OrgRef>, sqlx::Error> {
    let rows: Vec<MembershipRow> = sqlx::query_as!(
        MembershipRow,
        r#"select o.organisation_id as "organisation_id!: Uuid", o.name as "name!: String",
                 o.code as "code!: String", array_agg(m.role order by m.role) as "roles!: Vec<String>"
           from membership m join organisation o using (organisation_id)
          where m.user_id = $1
          group by o.organisation_id, o.name, o.code
          order by o.name, o.code"#,
        user_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OrgRef {
            id: r.organisation_id,
            name: r.name,
            code: r.code,
            roles: Role::ALL.into_iter().filter(|role| r.roles.iter().any(|s| s == role.as_str())).collect(),
        })
        .collect())
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
                     where m.user_id = u.user_id and o.require_mfa and m.role in ('beheerder', 'ciso')) as "must_enroll!: bool"
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
    let organisations = memberships(&state.pool, row.user_id).await?;
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

/// The 403 answer to a request that fails a CSRF check.
pub fn csrf_refused() -> Response {
    crate::web::error_page::error_page(
        StatusCode::FORBIDDEN,
        "Verzoek geweigerd",
        "Dit verzoek kwam niet van een formulier van AI-register zelf, of het formulier was verlopen. Er is niets \
         gewijzigd. Ga terug, laad de pagina opnieuw en probeer het nog eens."
            .into(),
    )
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
        // Logging in again replaces the session, so it needs no token (the origin check still applies).
        let exempt = req.uri().path() == "/inloggen";
        if !exempt && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
            let (checked, rebuilt) = match verify_csrf(req, &u.csrf_token, state.upload_paths).await {
                Ok(pair) => pair,
                Err(resp) => return resp,
            };
            if !checked {
                tracing::warn!(event = "csrf_rejected", reason = "token", user_id = %u.user_id, path = %rebuilt.uri().path(), "missing or wrong CSRF token");
                return csrf_refused();
            }
            req = rebuilt;
        }
    }
    if let Some(u) = &user
        && u.must_enroll_mfa
        && !enrolment_path(req.uri().path())
    {
        // Beheerders and CISOs of an organisation that requires two-factor login set it up first.
        if *req.method() == Method::GET {
            return Redirect::to(super::paths::MFA_SETUP).into_response();
        }
        return crate::web::error_page::error_page(
            StatusCode::FORBIDDEN,
            "Eerst tweestapsverificatie instellen",
            "Uw organisatie vereist tweestapsverificatie voor uw rol. Stel die eerst in via Mijn account; er is niets gewijzigd.".into(),
        );
    }
    let expired = had_cookie && user.is_none() && !pending;
    let peer = req.extensions().get::<crate::web::client::ClientIp>().map(|c| c.0);
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

/// Pages a user who must still set up two-factor login can reach.
fn enrolment_path(path: &str) -> bool {
    path.starts_with(super::paths::MFA_SETUP) || matches!(path, "/uitloggen" | "/inloggen")
}

/// Read the token from the header, or buffer the form body to find it (and put the body back).
async fn verify_csrf(
    req: Request,
    expected: &str,
    upload_paths: fn(&str) -> bool,
) -> Result<(bool, Request), Response> {
    if let Some(h) = req.headers().get("x-csrf-token") {
        let ok = constant_time_eq(h.as_bytes(), expected.as_bytes());
        return Ok((ok, req));
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    // Uploads (multipart) carry the token as a form part. An upload form's body is read only as far as the
    // token (our forms send it first) and then streams on to the handler, which enforces the upload's size:
    // holding whole uploads here cost 25 MB of memory each.
    let multipart = crate::web::multipart::boundary(&content_type);
    if let Some(b) = &multipart
        && upload_paths(req.uri().path())
    {
        return Ok(leading_token(req, b, expected).await);
    }
    let limit = match (&multipart, content_type.starts_with("application/x-www-form-urlencoded")) {
        (Some(_), _) | (None, true) => MAX_FORM_BYTES,
        (None, false) => return Ok((false, req)),
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return Err(crate::web::error_page::error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Formulier te groot",
                format!(
                    "Het formulier bevat meer gegevens dan AI-register in één keer aanneemt ({} MB). Er is niets opgeslagen.",
                    limit / (1024 * 1024)
                ),
            ));
        }
    };
    let token = match &multipart {
        Some(b) => crate::web::multipart::parse(&bytes, b).and_then(|p| crate::web::multipart::field(&p, "csrf_token")),
        None => form_field(&bytes, "csrf_token"),
    };
    let ok = token.is_some_and(|t| constant_time_eq(t.as_bytes(), expected.as_bytes()));
    Ok((ok, Request::from_parts(parts, Body::from(bytes))))
}

/// The value of one field of an urlencoded body.
/// How far into an upload's body the token must have come (its first parts: the token, the form's fields).
const TOKEN_WITHIN: usize = 64 * 1024;

/// Read an upload's body until its leading parts hold the CSRF token (or `TOKEN_WITHIN` bytes went by
/// without one), then put what was read back in front of the rest of the stream.
async fn leading_token(req: Request, boundary: &str, expected: &str) -> (bool, Request) {
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut prefix: Vec<u8> = Vec::new();
    let mut token = None;
    while token.is_none() && prefix.len() < TOKEN_WITHIN {
        match stream.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            // A broken body: the handler gets what there is and answers it (or the check below refuses it).
            Some(Err(_)) | None => break,
        }
        // Only what lies within the first TOKEN_WITHIN bytes counts, however the body arrived in chunks.
        let window = &prefix[..prefix.len().min(TOKEN_WITHIN)];
        token = crate::web::multipart::field(&crate::web::multipart::leading_parts(window, boundary), "csrf_token");
    }
    let ok = token.is_some_and(|t| constant_time_eq(t.as_bytes(), expected.as_bytes()));
    let head = futures_util::stream::once(async move { Ok::<_, axum::Error>(axum::body::Bytes::from(prefix)) });
    (ok, Request::from_parts(parts, Body::from_stream(head.chain(stream))))
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    body.split(|b| *b == b'&').find_map(|pair| {
        let (k, v) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        (url_decode(k)? == name).then(|| url_decode(v)).flatten()
    })
}

/// `application/x-www-form-urlencoded` decoding; a `%` not followed by two hex digits stays as it is.
fn url_decode(raw: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], hex) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 2;
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The audit trail names the logged-in user and where the request came from (the audit module knows no user
/// type, so the conversion lives with the user).
impl From<&CurrentUser> for crate::audit::Actor {
    fn from(u: &CurrentUser) -> Self {
        Self { id: Some(u.user_id), name: u.name.clone(), origin: u.origin.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_field_decodes() {
        let body = b"a=1&csrf_token=abc%2Bdef&name=Jan+de+Vries&x=%E2%82%AC";
        assert_eq!(form_field(body, "csrf_token").as_deref(), Some("abc+def"));
        assert_eq!(form_field(body, "name").as_deref(), Some("Jan de Vries"));
        assert_eq!(form_field(body, "x").as_deref(), Some("€"));
        assert_eq!(form_field(body, "missing"), None);
        assert_eq!(form_field(b"csrf_token=%4", "csrf_token"), Some("%4".into()));
    }

    #[test]
    fn next_is_encoded() {
        assert_eq!(percent_encode("/beheer?x=1&y=2"), "/beheer%3Fx%3D1%26y%3D2");
    }
}
