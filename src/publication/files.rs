//! The export files as the pages and the REST API hand them out (one registration, the whole register), and
//! who may have them: the CISO and the administrator.

use axum::body::Body;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::algorithm_in::{self, Links};
use super::export::{self, Format};
use super::stream;
use super::validate;
use crate::AppState;
use crate::applications::{load, organisation};
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::store::Stored;

pub fn links(state: &AppState) -> Links {
    Links::new(state.config.public_url.as_deref())
}

/// Export, import and the register connection: the CISO and the administrator.
pub fn may_publish(user: &CurrentUser) -> bool {
    user.has_role(Role::Ciso) || user.has_role(Role::Beheerder)
}

pub fn require_publisher(user: &CurrentUser, action: &str) -> AppResult<Uuid> {
    if may_publish(user) {
        return organisation(user);
    }
    tracing::warn!(event = "authz_denied", user_id = %user.user_id, action, "publication action refused");
    Err(AppError::Forbidden)
}

/// One registration's export file (name and bytes), or what the register would refuse in it.
pub async fn one_file(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    format: Format,
) -> AppResult<Result<(String, Vec<u8>), (Stored, Vec<String>)>> {
    let (org, app) = load(state, user, id).await?;
    let info = algorithm_in::org_info(&state.pool, org).await?;
    let entry = export::one(&state.pool, &info, &app, &links(state)).await?;
    let problems = validate::problems(&entry.body);
    if !problems.is_empty() {
        return Ok(Err((app, problems.into_iter().map(|p| p.to_string()).collect())));
    }
    let bytes = export::encode(format, std::slice::from_ref(&entry), false)?;
    Ok(Ok((export::file_name(&info, Some(app.name()), format), bytes)))
}

/// The register export (the published registrations) as a file: name and body, streamed from the database
/// (`publication::stream`). CISO and administrator. A failure before the first bytes is an error response; a
/// later one breaks the body off.
pub async fn register_stream(state: &AppState, user: &CurrentUser, format: Format) -> AppResult<(String, Body)> {
    let org = require_publisher(user, "register_export")?;
    let info = algorithm_in::org_info(&state.pool, org).await?;
    let name = export::file_name(&info, None, format);
    // A few chunks in flight: a slow client holds the export back instead of the server buffering it.
    let (tx, mut rx) = mpsc::channel::<stream::Chunk>(4);
    let (pool, links) = (state.pool.clone(), links(state));
    tokio::spawn(async move {
        let mut skipped = 0usize;
        match stream::run(&pool, &info, &links, format, &tx, &mut |_| skipped += 1).await {
            Ok(_) if skipped > 0 => {
                tracing::info!(skipped, "register export left out registrations that are not valid");
            }
            Ok(_) => {}
            Err(_) if tx.is_closed() => tracing::info!("register export stopped: the client left"),
            Err(e) => {
                tracing::error!(error = %e, "register export failed");
                let _ = tx.send(Err(std::io::Error::other("the export failed"))).await;
            }
        }
    });
    let first = match rx.recv().await {
        Some(Ok(first)) => first,
        Some(Err(e)) => return Err(AppError::Internal(e.into())),
        None => return Err(AppError::Internal(anyhow::anyhow!("the export ended without output"))),
    };
    let rest = futures_util::stream::unfold(rx, |mut rx| async { rx.recv().await.map(|chunk| (chunk, rx)) });
    // Fused: the compression layer asks once more after the end, which an unfold answers with a panic.
    let body = futures_util::stream::once(async { Ok(first) }).chain(rest).fuse();
    Ok((name, Body::from_stream(body)))
}
