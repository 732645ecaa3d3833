//! One error type for handlers and stores. Each variant becomes a Dutch error page with the right status
//! (web/error_page.rs) or a problem+json answer (web/problem.rs); internals (SQL, stack traces) are logged,
//! never shown. This file renders nothing, so everything can use it.

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// The user lacks the role or membership; the denial has been logged where it was decided.
    #[error("forbidden")]
    Forbidden,
    /// Not allowed for a reason the user should read (e.g. four-eyes); logged where it was decided.
    #[error("refused: {0}")]
    Refused(String),
    /// The same, with the page to go back to (the form whose state changed meanwhile).
    #[error("conflict: {message}")]
    ConflictBack { message: String, back: String },
    /// A state change that does not fit the current state (e.g. a stale version).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Input the database cannot take as text (a NUL character): nothing was read or written.
    #[error("invalid text in the input")]
    InvalidText,
    #[error("database unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if crate::db::is_unavailable(&err) {
            AppError::Unavailable
        } else if crate::db::is_gone_reference(&err) {
            // A race, not a bug: what the form named was removed (another window, another administrator) between
            // its check and the write, which rolled back. Said as such, not as a server error.
            let constraint = match &err {
                sqlx::Error::Database(db) => db.constraint().unwrap_or_default().to_string(),
                _ => String::new(),
            };
            tracing::warn!(event = "gone_reference", constraint, "a write referred to a row removed meanwhile");
            AppError::Conflict(
                "Dit is niet opgeslagen: iets wat u koos, is intussen verwijderd (door iemand anders of in een ander \
                 venster). Laad de pagina opnieuw en kies opnieuw."
                    .into(),
            )
        } else if crate::db::is_invalid_text(&err) {
            tracing::warn!(event = "invalid_text", "input with a NUL character refused by the database");
            AppError::InvalidText
        } else {
            AppError::Internal(err.into())
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        match err.downcast::<sqlx::Error>() {
            Ok(sqlx) => sqlx.into(),
            Err(other) => AppError::Internal(other),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        AppError::Internal(err.into())
    }
}

/// What a user is told about a NUL character (`%00`) in an address or a field (page and API).
pub const INVALID_TEXT: &str = "Het adres of een ingevuld veld bevat een teken dat niet is toegestaan (een NUL-teken, %00). Er is niets gezocht of opgeslagen. Haal het teken weg en probeer het opnieuw.";
