//! Administration: users and memberships of the current organisation, and organisations.

pub mod organisations;
pub mod users;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/gebruikers", get(users::list).post(users::create))
        .route("/beheer/gebruikers/nieuw", get(users::new_form))
        .route("/beheer/gebruikers/{id}", get(users::edit_form))
        .route("/beheer/gebruikers/{id}/rollen", post(users::update_roles))
        .route("/beheer/gebruikers/{id}/afdeling", post(users::department::update))
        .route("/beheer/gebruikers/{id}/deactiveren", post(users::deactivate))
        .route("/beheer/gebruikers/{id}/heractiveren", post(users::reactivate))
        .route("/beheer/gebruikers/{id}/activeringslink", post(users::new_activation_link))
        .route("/beheer/gebruikers/{id}/tweestapsverificatie-resetten", post(users::reset_mfa))
        .route("/beheer/gebruikers/{id}/api-tokens-intrekken", post(users::revoke_tokens))
        .route("/beheer/gebruikers/{id}/deblokkeren", post(users::unlock))
        .route("/beheer/organisaties", get(organisations::list).post(organisations::create))
        .route("/beheer/organisaties/nieuw", get(organisations::new_form))
        .route("/beheer/organisaties/{id}", get(organisations::edit_form).post(organisations::update))
        .route("/beheer/organisaties/{id}/tweestapsverificatie", post(organisations::require_mfa))
        .route("/beheer/organisaties/{id}/algoritmekader", post(organisations::kader_gate))
}
