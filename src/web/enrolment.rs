//! Two-factor enrolment first: beheerders and CISOs of an organisation that requires two-factor login reach
//! only the set-up page (and logout) until they have set it up.

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::user::CurrentUser;

/// The answer for a user who must set up two-factor login first and asks for another page; None lets the
/// request through.
pub(super) fn gate(req: &Request, user: &CurrentUser) -> Option<Response> {
    if !user.must_enroll_mfa || enrolment_path(req.uri().path()) {
        return None;
    }
    // Beheerders and CISOs of an organisation that requires two-factor login set it up first.
    if *req.method() == Method::GET {
        return Some(Redirect::to(super::paths::MFA_SETUP).into_response());
    }
    Some(super::error_page::error_page(
        StatusCode::FORBIDDEN,
        "Eerst tweestapsverificatie instellen",
        "Uw organisatie vereist tweestapsverificatie voor uw rol. Stel die eerst in via Mijn account; er is niets gewijzigd.".into(),
    ))
}

/// Pages a user who must still set up two-factor login can reach.
pub(super) fn enrolment_path(path: &str) -> bool {
    path.starts_with(super::paths::MFA_SETUP) || matches!(path, "/uitloggen" | "/inloggen")
}
