//! Retract a registration from the national register on demand (the button on the publication tab). The
//! register is asked first; the local sync state and the audit event follow only when it agreed (see
//! `publication::retract`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::tab::tab_page;
use crate::AppState;
use crate::applications::load;
use crate::audit::Actor;
use crate::auth::session::{self, CurrentUser};
use crate::error::AppResult;
use crate::publication::files::require_publisher;
use crate::publication::forms::RetractInput;
use crate::publication::retract::{self, Access};
use crate::publication::upload::{self, UploadError};
use crate::register::form::FormData;
use crate::web::forms::FormErrors;

pub(super) async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = require_publisher(&user, "register_retract")?;
    let (_, app) = load(&state, &user, id).await?;
    let input = match RetractInput::try_from(&FormData::parse(&body)) {
        Ok(input) => input,
        Err(errors) => return tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, errors).await,
    };
    let mut errors = FormErrors::new();
    let (Some(conn), Some(lars)) = (upload::connection(&state.pool, org).await?, app.str("lars").map(str::to_string))
    else {
        errors.add("intrekken", "Deze registratie staat niet in het Algoritmeregister, of er is geen koppeling.");
        return tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    };
    let access = Access::from_config(&state.config, Some(input.password));
    match retract::retract(&state.pool, &conn, &access, &Actor::from(&user), id, &lars).await? {
        Ok(()) => {
            let note = format!("Ingetrokken uit het Algoritmeregister (algoritme-ID {lars}).");
            session::flash_redirect(&state.pool, &user, &note, &format!("/register/{id}/publicatie")).await
        }
        Err(e) => {
            tracing::warn!(event = "register_retract_failed", application_id = %id, error = %e, "retract failed");
            let field = if matches!(e, UploadError::NoPassword)
                || (conn.uses_password() && matches!(e, UploadError::Login(_)))
            {
                "intrek_password"
            } else {
                "intrekken"
            };
            errors.add(field, format!("Intrekken mislukt. {e}"));
            tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
    }
}
