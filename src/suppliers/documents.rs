//! The processor agreement and the certificates of a supplier as uploaded files (issue 23, item 4), beside the
//! link: read, checked and stored like assessment reports (`assessments::document`), one file per kind (a new one
//! replaces the old), downloadable by everyone who sees the supplier. Uploading and removing are audited on the
//! supplier in the same transaction.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{ShowPage, editor, organisation, show_page};
use crate::AppState;
use crate::assessments::document;
use crate::audit::{self, Actor, Event};
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::form::FormData;
use crate::web::forms::{FormErrors, OptView};
use crate::web::{format_datetime, render_status};

/// The kinds of document a supplier can have: the form's value and its name.
pub const SLOTS: [(&str, &str); 3] = [
    ("verwerkersovereenkomst", "Verwerkersovereenkomst"),
    ("iso27001", "ISO 27001-certificaat"),
    ("iso42001", "ISO 42001-certificaat"),
];

pub const UPLOADED: &str = "supplier.document_uploaded";
pub const REMOVED: &str = "supplier.document_removed";

fn slot(value: &str) -> Option<&'static str> {
    SLOTS.iter().find(|(v, _)| *v == value).map(|(v, _)| *v)
}

fn label(slot: &str) -> &'static str {
    SLOTS.iter().find(|(v, _)| *v == slot).map(|(_, l)| *l).unwrap_or("Document")
}

/// The choice of kind on the upload form, with `selected` chosen.
pub fn choices(selected: &str) -> Vec<OptView> {
    SLOTS
        .iter()
        .map(|(v, l)| OptView { value: v.to_string(), label: l.to_string(), selected: *v == selected })
        .collect()
}

/// A stored document of a supplier, as its page lists it.
pub struct StoredDoc {
    pub slot: String,
    pub label: &'static str,
    pub file_name: String,
    pub size_kb: i64,
    pub uploaded: String,
    /// The raw values, for the API.
    pub size_bytes: i32,
    pub uploaded_at: time::OffsetDateTime,
}

pub async fn of_supplier(conn: &mut PgConnection, org: Uuid, id: Uuid) -> sqlx::Result<Vec<StoredDoc>> {
    let rows = sqlx::query!(
        r#"select x.slot as "slot!", d.file_name, d.size_bytes, d.uploaded_at
           from supplier s
           cross join lateral (values (1, 'verwerkersovereenkomst', s.dpa_document_id),
                                      (2, 'iso27001', s.iso27001_document_id),
                                      (3, 'iso42001', s.iso42001_document_id)) as x(n, slot, document_id)
           join assessment_document d on d.document_id = x.document_id
           where s.organisation_id = $1 and s.supplier_id = $2
           order by x.n"#,
        org,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StoredDoc {
            label: label(&r.slot),
            slot: r.slot,
            file_name: r.file_name,
            size_kb: (i64::from(r.size_bytes) + 1023) / 1024,
            uploaded: format_datetime(r.uploaded_at),
            size_bytes: r.size_bytes,
            uploaded_at: r.uploaded_at,
        })
        .collect())
}

/// The document now in `slot` of the supplier (its id and name); Err when there is no such supplier.
async fn current(conn: &mut PgConnection, org: Uuid, id: Uuid, slot: &str) -> AppResult<Option<(Uuid, String)>> {
    let row = sqlx::query!(
        r#"select case $3 when 'verwerkersovereenkomst' then s.dpa_document_id
                          when 'iso27001' then s.iso27001_document_id
                          else s.iso42001_document_id end as document_id
           from supplier s where s.organisation_id = $1 and s.supplier_id = $2 for update"#,
        org,
        id,
        slot
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let Some(doc) = row.document_id else { return Ok(None) };
    let name = sqlx::query_scalar!("select file_name from assessment_document where document_id = $1", doc)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Some((doc, name)))
}

/// Puts `doc` (or nothing) in `slot`, deletes the document it replaces and records the change.
async fn put(
    conn: &mut PgConnection,
    org: Uuid,
    actor: &Actor,
    id: Uuid,
    slot: &str,
    new: Option<(Uuid, &str)>,
) -> AppResult<()> {
    let old = current(conn, org, id, slot).await?;
    let doc = new.map(|(d, _)| d);
    sqlx::query!(
        "update supplier set
             dpa_document_id = case when $3 = 'verwerkersovereenkomst' then $4 else dpa_document_id end,
             iso27001_document_id = case when $3 = 'iso27001' then $4 else iso27001_document_id end,
             iso42001_document_id = case when $3 = 'iso42001' then $4 else iso42001_document_id end,
             updated_at = now()
         where organisation_id = $1 and supplier_id = $2",
        org,
        id,
        slot,
        doc
    )
    .execute(&mut *conn)
    .await?;
    if let Some((old_id, _)) = &old {
        // Only this supplier referred to it: the replaced file is not kept.
        sqlx::query!("delete from assessment_document where document_id = $1 and organisation_id = $2", old_id, org)
            .execute(&mut *conn)
            .await?;
    }
    let action = if new.is_some() { UPLOADED } else { REMOVED };
    let before = json!({ "document": label(slot), "file_name": old.map(|(_, n)| n) });
    let after = json!({ "document": label(slot), "file_name": new.map(|(_, n)| n) });
    let event = Event::about(Some(org), actor, action, ("supplier", id)).change(Some(before), Some(after));
    audit::record(conn, event).await?;
    Ok(())
}

/// The supplier's page again with the upload form's refusal (the kind still chosen).
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    input: &FormData,
    errors: FormErrors,
) -> AppResult<Response> {
    let page: ShowPage = show_page(state, user, id, input.get("slot"), errors).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[tracing::instrument(skip_all)]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    let org = editor(&user, "upload_supplier_document")?;
    let (input, file) = match document::read_body(&headers, body).await? {
        Ok(read) => read,
        Err(answer) => return Ok(answer),
    };
    let mut errors = FormErrors::new();
    let chosen = slot(input.get("slot"));
    if chosen.is_none() {
        errors.add("slot", "Kies bij soort document welk document u uploadt.");
    }
    let checked = match &file {
        Some(u) => document::check(u, &mut errors).await?,
        None => {
            errors.add("document", "Kies bij bestand het document (PDF, DOCX of ODT) dat u wilt uploaden.");
            None
        }
    };
    let (Some(chosen), Some((kind, name)), Some(u)) = (chosen, checked, &file) else {
        return refused(&state, &user, id, &input, errors).await;
    };
    let mut tx = state.pool.begin().await?;
    let doc = document::store(&mut tx, org, user.user_id, kind, &name, u).await?;
    put(&mut tx, org, &Actor::from(&user), id, chosen, Some((doc, &name))).await?;
    tx.commit().await?;
    tracing::info!(event = "supplier_document_uploaded", actor = %user.user_id, supplier_id = %id, slot = chosen, "supplier document");
    let done = format!("{} is geüpload.", label(chosen));
    session::flash_redirect(&state.pool, &user, &done, &format!("/leveranciers/{id}")).await
}

#[tracing::instrument(skip_all)]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, which)): Path<(Uuid, String)>,
) -> AppResult<Response> {
    let org = editor(&user, "remove_supplier_document")?;
    let chosen = slot(&which).ok_or(AppError::NotFound)?;
    let mut tx = state.pool.begin().await?;
    if current(&mut tx, org, id, chosen).await?.is_none() {
        return Err(AppError::NotFound);
    }
    put(&mut tx, org, &Actor::from(&user), id, chosen, None).await?;
    tx.commit().await?;
    let done = format!("{} is verwijderd.", label(chosen));
    session::flash_redirect(&state.pool, &user, &done, &format!("/leveranciers/{id}")).await
}

/// The file, for everyone in the organisation (who sees the supplier).
#[tracing::instrument(skip_all)]
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, which)): Path<(Uuid, String)>,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    serve_file(&state, org, id, &which).await
}

/// The file of kind `which` (a value of SLOTS) of a supplier of `org`, as an attachment (the page and the API).
pub(crate) async fn serve_file(state: &AppState, org: Uuid, id: Uuid, which: &str) -> AppResult<Response> {
    let chosen = slot(which).ok_or(AppError::NotFound)?;
    let mut tx = state.pool.begin().await?;
    let (doc, _) = current(&mut tx, org, id, chosen).await?.ok_or(AppError::NotFound)?;
    document::serve(&mut *tx, org, doc).await
}
