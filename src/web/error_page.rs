//! The Dutch error page, and how each `AppError` is answered on a page.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::layout::Layout;
use crate::error::{AppError, INVALID_TEXT};

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub heading: &'static str,
    pub message: String,
    /// A local page to go back to, besides the start page.
    pub back: Option<String>,
}

/// Render an error page; a template failure falls back to plain text rather than a second error.
pub fn error_page(status: StatusCode, heading: &'static str, message: String) -> Response {
    error_page_back(status, heading, message, None)
}

pub fn error_page_back(status: StatusCode, heading: &'static str, message: String, back: Option<String>) -> Response {
    let back = back.filter(|b| super::is_local_path(b));
    let page = ErrorPage { layout: Layout::bare(heading), heading, message, back };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, heading).into_response(),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound => error_page(
                StatusCode::NOT_FOUND,
                "Pagina niet gevonden",
                "Deze pagina bestaat niet (meer), of u heeft er geen toegang toe. Controleer het adres of ga terug naar de startpagina.".into(),
            ),
            AppError::Forbidden => error_page(
                StatusCode::FORBIDDEN,
                "Geen toegang",
                "U heeft niet de rol die nodig is voor deze pagina of actie. Denkt u dat dit niet klopt? Neem contact op met de beheerder van AI-register in uw organisatie.".into(),
            ),
            AppError::Refused(message) => error_page(StatusCode::FORBIDDEN, "Geen toegang", message),
            AppError::ConflictBack { message, back } => {
                error_page_back(StatusCode::CONFLICT, "Actie niet mogelijk", message, Some(back))
            }
            AppError::Conflict(message) => error_page(StatusCode::CONFLICT, "Actie niet mogelijk", message),
            AppError::InvalidText => error_page(StatusCode::BAD_REQUEST, "Ongeldige invoer", INVALID_TEXT.into()),
            AppError::Unavailable => {
                tracing::warn!(event = "db_unavailable", "database unavailable");
                let mut resp = error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Tijdelijk niet beschikbaar",
                    "AI-register kan de database op dit moment niet bereiken. Er is niets opgeslagen van deze actie. Probeer het over een minuut opnieuw.".into(),
                );
                resp.headers_mut().insert("retry-after", axum::http::HeaderValue::from_static("30"));
                resp
            }
            AppError::Internal(err) => {
                tracing::error!(event = "internal_error", error = ?err, "unexpected error");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Er ging iets mis",
                    "Er is een onverwachte fout opgetreden. De fout is vastgelegd. Probeer het opnieuw; blijft het misgaan, meld het dan bij de beheerder.".into(),
                )
            }
        }
    }
}
