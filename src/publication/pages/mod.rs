//! The publication pages behind the login: the tab "Publicatie" of a registration ("Klaar voor publicatie?",
//! downloads, the national register's sync state and upload), and the page "Publicatie" for the CISO and the
//! administrator (the register export, the import, the connection to the register and reconciliation).
//!
//! One file per page or action: `tab` (the tab and its downloads), `send` (the upload to the register),
//! `overview` (the page "Publicatie", its export and import), `reconcile` (matching the register's list with
//! ours), `connection` (the connection settings) and `withdraw` (retract from the register on demand).

mod connection;
mod overview;
mod reconcile;
mod send;
mod tab;
mod withdraw;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::AppState;
use crate::error::AppResult;
use crate::register::store;
use crate::web::multipart::MAX_UPLOAD_BODY;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/publicatie", get(overview::overview))
        .route("/publicatie/export/{format}", get(overview::register_export))
        .route("/publicatie/import", post(overview::import_file).layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY)))
        .route("/publicatie/koppeling", get(connection::connection_form).post(connection::save_connection))
        .route("/publicatie/afstemmen", post(reconcile::reconcile))
        .route("/register/{id}/publicatie", get(tab::tab))
        .route("/register/{id}/publicatie/export/{format}", get(tab::one_export))
        .route("/register/{id}/publicatie/versturen", post(send::send))
        .route("/register/{id}/publicatie/intrekken", post(withdraw::withdraw))
}

/// The import form posts a file: the CSRF check may read a body that large here.
pub fn is_upload_path(path: &str) -> bool {
    path == "/publicatie/import"
}

/// The contact addresses of `bodies` that are a member's own address (the readiness check asks for a general
/// one): read by those addresses, not as every member of the organisation.
async fn personal_emails<'a>(
    state: &AppState,
    org: Uuid,
    bodies: impl IntoIterator<Item = &'a serde_json::Map<String, Value>>,
) -> AppResult<Vec<String>> {
    let contacts: Vec<String> =
        bodies.into_iter().filter_map(|b| b.get("contact_email")?.as_str().map(|c| c.trim().to_lowercase())).collect();
    Ok(store::member_addresses_among(&state.pool, org, &contacts).await?)
}

/// The hash of a body as sent, to tell whether the registration changed since the last upload.
fn body_hash(body: &serde_json::Map<String, Value>) -> Vec<u8> {
    Sha256::digest(serde_json::to_vec(body).unwrap_or_default()).to_vec()
}

/// The sync state (`register_sync.state`) as people read it, on the tab and in the overview.
fn state_label(state: &str) -> &'static str {
    match state {
        "aangemaakt" => "Aangemaakt in het register (in bewerking)",
        "bijgewerkt" => "Bijgewerkt in het register (in bewerking)",
        "geen_wijzigingen" => "Geen wijzigingen (het register had deze beschrijving al)",
        "ingetrokken" => "Ingetrokken uit het register",
        "vrijgegeven" => "Vrijgegeven voor publicatie",
        "gepubliceerd" => "Gepubliceerd",
        "fout" => "Laatste poging mislukt",
        _ => "Nog niet verstuurd",
    }
}
