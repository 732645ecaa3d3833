//! Errors of the API as `application/problem+json` (RFC 9457, as the NL GOV API Design Rules ask), with a
//! Dutch `detail` and, for invalid input, one entry per field.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::AppError;

#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(skip)]
    pub status: StatusCode,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    #[serde(rename = "status")]
    pub code: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Problem { status, kind: "about:blank", title, code: status.as_u16(), detail: detail.into(), errors: Vec::new() }
    }

    pub fn not_found() -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "Niet gevonden",
            "Dit adres bestaat niet, of u heeft er met dit token geen toegang toe.",
        )
    }

    pub fn unauthorized(detail: &str) -> Self {
        Problem::new(StatusCode::UNAUTHORIZED, "Niet geauthenticeerd", detail)
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, "Ongeldig verzoek", detail)
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Ongeldige invoer",
            "Niet alle velden zijn goed ingevuld; er is niets opgeslagen. Zie `errors` per veld.",
        );
        p.errors = errors;
        p
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::FORBIDDEN, "Geen toegang", detail)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut resp = (status, body).into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        match status {
            StatusCode::UNAUTHORIZED => {
                h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"AI-register\""));
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                h.insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            }
            _ => {}
        }
        resp
    }
}

/// The web's errors, as the API says them.
impl From<AppError> for Problem {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound => Problem::not_found(),
            AppError::Forbidden => Problem::forbidden(
                "Uw rol in deze organisatie geeft geen toegang tot deze actie (dezelfde regels als in de webapplicatie).",
            ),
            AppError::Refused(m) => Problem::forbidden(m),
            AppError::Conflict(m) | AppError::ConflictBack { message: m, .. } => {
                Problem::new(StatusCode::CONFLICT, "Conflict", m)
            }
            AppError::InvalidText => Problem::bad_request(crate::error::INVALID_TEXT),
            AppError::Unavailable => {
                tracing::warn!(event = "db_unavailable", "database unavailable");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Tijdelijk niet beschikbaar",
                    "AI-register kan de database op dit moment niet bereiken. Er is niets opgeslagen. Probeer het over een minuut opnieuw.",
                )
            }
            AppError::Internal(e) => {
                tracing::error!(event = "internal_error", error = ?e, "unexpected error in the API");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Interne fout",
                    "Er is een onverwachte fout opgetreden. De fout is vastgelegd.",
                )
            }
        }
    }
}

impl From<sqlx::Error> for Problem {
    fn from(err: sqlx::Error) -> Self {
        AppError::from(err).into()
    }
}

pub type ApiResult<T> = Result<T, Problem>;
