//! The logged-in user of a request (or the half-logged-in one awaiting the second factor), as handlers take
//! it: the extractors, the roles and the route guard.

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::roles::Role;

#[derive(Debug, Clone)]
pub struct OrgRef {
    pub id: Uuid,
    pub name: String,
    pub code: String,
    pub roles: Vec<Role>,
    /// The organisation's look: its theme and the content hash of its logo (None: no logo).
    pub theme: super::theme::Theme,
    pub logo_sha256: Option<String>,
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
    pub(super) session_hash: Vec<u8>,
}

/// Work waiting for the user's roles and their unread notifications, shown in the navigation. The workflow
/// counts them; lib.rs hands the kit that query as a hook (`AppState::nav_counts`).
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct NavCounts {
    pub review: i64,
    pub advice: i64,
    pub consent: i64,
    pub unread: i64,
    /// Tool requests: to triage (CISO), or with a question waiting for the requester's answer.
    pub requests: i64,
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
    fn next_is_encoded() {
        assert_eq!(percent_encode("/beheer?x=1&y=2"), "/beheer%3Fx%3D1%26y%3D2");
    }
}
