//! Sending one registration to the national register (create or update, and release when asked), and keeping
//! what happened: the register's algorithm ID, the sync state and the audit trail, or the register's refusal.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::body_hash;
use super::tab::tab_page;
use crate::AppState;
use crate::applications::load;
use crate::audit::Actor;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::publication::algorithm_in;
use crate::publication::export::{self, Entry};
use crate::publication::files::{links, require_publisher};
use crate::publication::forms::SendInput;
use crate::publication::readiness;
use crate::publication::retract::{Access, record_failure};
use crate::publication::upload::{self, Client, Connection, UploadError};
use crate::publication::validate;
use crate::register::form::FormData;
use crate::register::store::{self, Stored};
use crate::web::forms::FormErrors;

/// Send the registration to the national register (create or update), and release it when asked.
pub(super) async fn send(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = require_publisher(&user, "register_upload")?;
    let (_, app) = load(&state, &user, id).await?;
    let form = FormData::parse(&body);
    let mut errors = FormErrors::new();
    let Some(conn) = upload::connection(&state.pool, org).await? else {
        errors.add("koppeling", "Stel eerst de koppeling met het Algoritmeregister in (Publicatie → Koppeling).");
        return tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    };
    let info = algorithm_in::org_info(&state.pool, org).await?;
    let entry = export::one(&state.pool, &info, &app, &links(&state)).await?;
    let ready =
        readiness::check(&entry.body, app.status.as_str(), app.doc.get("publish") == Some(&Value::Bool(true)), &[]);
    if !ready.ready() {
        for b in &ready.blockers {
            errors.add("export", format!("Niet klaar voor publicatie – {}", b.text));
        }
        return tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    }
    let input = match SendInput::try_from(&form) {
        Ok(input) => input,
        Err(errors) => return tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, errors).await,
    };
    let access = Access::from_config(&state.config, Some(input.password));
    let result = send_to_register(&conn, &access, &entry, input.release).await;
    let actor = Actor::from(&user);
    let mut tx = state.pool.begin().await?;
    let app = store::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    match result {
        Ok(sent) => {
            record_sent(&mut tx, org, &app, &entry, &sent).await?;
            let note = sent.note();
            // An update the register answered with NO_CHANGES is no upload: it gets its own event.
            let action = if sent.changed() { "application.register_upload" } else { "application.register_no_changes" };
            store::record_note(&mut tx, &actor, action, &app, ("publication", &note)).await?;
            tx.commit().await?;
            session::flash_redirect(&state.pool, &user, &format!("{note}."), &format!("/register/{id}/publicatie"))
                .await
        }
        Err(e) => {
            if !matches!(e, UploadError::NoPassword | UploadError::NoSecret) {
                record_failure(&mut tx, org, id, &e).await?;
            }
            tx.commit().await?;
            tracing::warn!(event = "register_upload_failed", application_id = %id, error = %e, "upload failed");
            tab_page(&state, &user, &app, StatusCode::UNPROCESSABLE_ENTITY, failure_errors(e, conn.uses_password()))
                .await
        }
    }
}

/// What the register did with a registration that was sent.
struct Sent {
    /// The register's algorithm ID (assigned on create).
    lars: String,
    created: bool,
    /// The register answered the update with NO_CHANGES: it had this description already.
    unchanged: bool,
    released: bool,
}

impl Sent {
    fn changed(&self) -> bool {
        !self.unchanged || self.released
    }

    /// The sync state it leaves.
    fn state(&self) -> &'static str {
        if self.released {
            "vrijgegeven"
        } else if self.created {
            "aangemaakt"
        } else if self.unchanged {
            "geen_wijzigingen"
        } else {
            "bijgewerkt"
        }
    }

    /// As the audit trail and the flash message state it.
    fn note(&self) -> String {
        format!(
            "{} (algoritme-ID {}){}",
            if self.created {
                "Aangemaakt in het Algoritmeregister"
            } else if self.unchanged {
                "Geen wijzigingen: het Algoritmeregister had deze beschrijving al"
            } else {
                "Bijgewerkt in het Algoritmeregister"
            },
            self.lars,
            if self.released { ", vrijgegeven voor publicatie" } else { "" }
        )
    }
}

/// Create (no lars yet) or update, then release when asked. After NO_CHANGES the newest version may have
/// been released before: the register's 409 on the release then means there is nothing to release.
async fn send_to_register(
    conn: &Connection,
    access: &Access,
    entry: &Entry,
    release: bool,
) -> Result<Sent, UploadError> {
    let client = Client::new(conn.clone(), access.window)?.with_secret(access.secret.clone());
    client.login(access.password.as_deref()).await?;
    let (lars, created, unchanged) = match &entry.lars {
        Some(lars) => (lars.clone(), false, !client.update(lars, &entry.body).await?),
        None => (client.create(&entry.body).await?, true, false),
    };
    let released = if release {
        match client.release(&lars).await {
            Ok(()) => true,
            Err(UploadError::Status(409, _)) if unchanged => false,
            Err(e) => return Err(e),
        }
    } else {
        false
    };
    Ok(Sent { lars, created, unchanged, released })
}

/// Keep the register's algorithm ID and the new sync state (with the hash of the body as sent).
async fn record_sent(conn: &mut PgConnection, org: Uuid, app: &Stored, entry: &Entry, sent: &Sent) -> AppResult<()> {
    let id = app.id;
    sqlx::query!(
        "update application set lars = $2 where application_id = $1 and lars is distinct from $2",
        id,
        &sent.lars
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into register_sync (application_id, organisation_id, state, payload_hash, uploaded_at, released_at)
                 values ($1, $2, $3, $4, now(), case when $5 then now() end)
                 on conflict (application_id) do update set state = excluded.state, payload_hash = excluded.payload_hash,
                     uploaded_at = case when $6 then excluded.uploaded_at else register_sync.uploaded_at end,
                     released_at = case when $5 then now() else register_sync.released_at end,
                     last_error = null, last_error_at = null",
        id,
        org,
        sent.state(),
        body_hash(&entry.body),
        sent.released,
        !sent.unchanged
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The failure as field errors on the tab: the password field for a login problem (password grant), each
/// refused field of the standard by its title.
fn failure_errors(e: UploadError, password_field: bool) -> FormErrors {
    let mut errors = FormErrors::new();
    match e {
        UploadError::NoPassword => errors.add("password", e.to_string()),
        UploadError::NoSecret => errors.add("register", e.to_string()),
        UploadError::Login(_) if password_field => errors.add("password", e.to_string()),
        UploadError::Invalid(items) => {
            for (field, message) in items {
                let top = field.split('.').next().unwrap_or("").to_string();
                errors.add("register", format!("{}: {message}", validate::title(&top)));
            }
        }
        other => errors.add("register", other.to_string()),
    }
    errors
}
