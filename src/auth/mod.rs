//! Who you are and what you may do: login and logout, first-run setup, account activation, own account,
//! sessions, roles.

pub mod account;
pub mod login;
pub mod mfa;
pub mod password;
pub mod reauth;
pub use crate::roles;
pub use crate::web::session;
pub mod setup;
pub mod totp;
pub mod users;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inloggen", get(login::login_form).post(login::login))
        .route("/inloggen/code", get(mfa::code_form).post(mfa::code_submit))
        .route("/uitloggen", post(login::logout))
        .route("/inrichten/{token}", get(setup::setup_form).post(setup::setup))
        .route("/activeren/{token}", get(setup::activate_form).post(setup::activate))
        .route("/account", get(account::show))
        .route("/account/wachtwoord", post(account::change_password))
        .route(mfa::SETUP_PATH, get(mfa::setup).post(mfa::enable))
        .route("/account/tweestapsverificatie/herstelcodes", post(mfa::new_recovery_codes))
        .route("/account/tweestapsverificatie/uitschakelen", post(mfa::disable))
        .route("/account/tweestapsverificatie/opnieuw", post(mfa::relink))
        .route("/account/tweestapsverificatie/opnieuw/bevestigen", post(mfa::relink_confirm))
        .route("/account/tweestapsverificatie/opnieuw/stoppen", post(mfa::relink_cancel))
        .route("/organisatie", post(account::switch_organisation))
}
