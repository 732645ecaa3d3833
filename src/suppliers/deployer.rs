//! Beheer → Organisaties → Gebruiksverantwoordelijke: the organisation's postal address and contact as the
//! deployer of AI systems (AI Act Annex VIII, section C, points 1 and 2), for the EU database sheet. Kept by the
//! organisation's beheerders; every change is an audit event in the same transaction.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::AppState;
use crate::audit::{self, Actor, Event};
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::form::FormData;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::render_status;

pub const CHANGED: &str = "organisation.deployer_contact";

/// The deployer's address and contact as stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeployerContact {
    pub postal_address: String,
    pub contact: Option<String>,
}

pub async fn get(conn: &mut PgConnection, org: Uuid) -> sqlx::Result<Option<DeployerContact>> {
    sqlx::query_as!(
        DeployerContact,
        "select postal_address, contact from deployer_contact where organisation_id = $1",
        org
    )
    .fetch_optional(&mut *conn)
    .await
}

#[derive(Template)]
#[template(path = "suppliers/deployer.html")]
pub struct EditPage {
    pub layout: Layout,
    pub id: Uuid,
    pub organisation: String,
    pub input: FormData,
    pub errors: FormErrors,
}

/// 404 for non-members (nothing leaks), 403 for members who are not its beheerder.
fn administered(user: &CurrentUser, id: Uuid) -> AppResult<()> {
    if !user.organisations.iter().any(|o| o.id == id) {
        return Err(AppError::NotFound);
    }
    if !user.has_role_in(id, Role::Beheerder) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, organisation_id = %id, action = "deployer_contact", "not a beheerder");
        return Err(AppError::Forbidden);
    }
    Ok(())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    input: FormData,
    errors: FormErrors,
) -> AppResult<EditPage> {
    let organisation = sqlx::query_scalar!("select name from organisation where organisation_id = $1", id)
        .fetch_optional(&state.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(EditPage {
        layout: Layout::for_user(user, "Gebruiksverantwoordelijke: adres en contact", "/beheer/organisaties")
            .with_errors(!errors.is_empty()),
        id,
        organisation,
        input,
        errors,
    })
}

#[tracing::instrument(skip_all)]
pub async fn edit(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    administered(&user, id)?;
    let now = get(&mut *state.pool.acquire().await?, id).await?.unwrap_or_default();
    let input = FormData::from_pairs([
        ("postal_address".to_string(), now.postal_address),
        ("contact".to_string(), now.contact.unwrap_or_default()),
    ]);
    render_status(StatusCode::OK, &page(&state, &user, id, input, FormErrors::new()).await?)
}

/// The form read: an address is needed (it is what the sheet lacks), the contact is optional.
pub fn read(input: &FormData) -> Result<DeployerContact, FormErrors> {
    let mut e = FormErrors::new();
    let postal_address = e.required("postal_address", "het postadres", input.get("postal_address"), 500);
    let contact = e.optional("contact", "het contact", input.get("contact"), 300);
    if e.is_empty() {
        Ok(DeployerContact { postal_address, contact: Some(contact).filter(|c| !c.is_empty()) })
    } else {
        Err(e)
    }
}

#[tracing::instrument(skip_all)]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    administered(&user, id)?;
    let input = FormData::parse(&body);
    let new = match read(&input) {
        Ok(c) => c,
        Err(errors) => {
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &user, id, input, errors).await?);
        }
    };
    let mut tx = state.pool.begin().await?;
    let before = get(&mut tx, id).await?;
    sqlx::query!(
        "insert into deployer_contact (organisation_id, postal_address, contact) values ($1, $2, $3)
         on conflict (organisation_id) do update
             set postal_address = excluded.postal_address, contact = excluded.contact,
                 version = deployer_contact.version + 1, updated_at = now()",
        id,
        new.postal_address,
        new.contact
    )
    .execute(&mut *tx)
    .await?;
    let snapshot = |c: &DeployerContact| json!({ "postal_address": c.postal_address, "contact": c.contact });
    let actor = Actor::from(&user);
    let event = Event::about(Some(id), &actor, CHANGED, ("organisation", id))
        .change(before.as_ref().map(snapshot), Some(snapshot(&new)));
    audit::record(&mut tx, event).await?;
    tx.commit().await?;
    tracing::info!(event = "deployer_contact_saved", actor = %user.user_id, organisation_id = %id, "deployer contact");
    let to = format!("/beheer/organisaties/{id}/gebruiksverantwoordelijke");
    session::flash_redirect(&state.pool, &user, "Het adres en contact zijn opgeslagen.", &to).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_needed_and_the_contact_is_optional() {
        let form = |p: &[(&str, &str)]| FormData::from_pairs(p.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let ok = read(&form(&[("postal_address", " Postbus 16200, 3500 CE Utrecht "), ("contact", "")])).unwrap();
        assert_eq!(ok, DeployerContact { postal_address: "Postbus 16200, 3500 CE Utrecht".into(), contact: None });
        let bad = read(&form(&[("postal_address", "  "), ("contact", &"x".repeat(301))])).unwrap_err();
        assert!(bad.get("postal_address").is_some() && bad.get("contact").is_some());
    }
}
