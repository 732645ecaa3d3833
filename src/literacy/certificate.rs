//! A completion's certificate as an uploaded file (issue 22), beside or instead of the link: read, checked and
//! stored like assessment reports (`assessments::document`), accepting their types and PNG and JPEG images
//! (a certificate is often a screenshot or a scan), and downloaded as an attachment by the person themself and by those who may see other
//! people's literacy records (`sees_lists`: beheerder, CISO, FG). The upload is audited on the completion in
//! the transaction that records it.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{record, sees_lists};
use crate::AppState;
use crate::applications::organisation;
use crate::assessments::document;
use crate::assessments::sniff::DocType;
use crate::error::{AppError, AppResult};
use crate::web::forms::{FormData, FormErrors};
use crate::web::upload::Spooled;
use crate::web::user::CurrentUser;

pub const UPLOADED: &str = "literacy.certificate_uploaded";

/// The form field of the file (the name `document::read_body` reads).
pub const FIELD: &str = "document";

/// A completion form as posted: its fields, the file if one was chosen, the file's type and clean name when it
/// passed the checks, and its refusal otherwise (on [`FIELD`], naming the certificate).
pub struct Posted {
    pub input: FormData,
    pub file: Option<Spooled>,
    pub checked: Option<(DocType, String)>,
    pub errors: FormErrors,
}

impl Posted {
    /// The file to store: only when one was chosen and passed.
    pub fn upload(&self) -> Option<Upload<'_>> {
        match (&self.file, &self.checked) {
            (Some(file), Some((kind, name))) => Some(Upload { file, kind: *kind, name }),
            _ => None,
        }
    }

    /// Add the file's refusal to the form's other errors, so one answer names them all.
    pub fn add_errors_to(&self, errors: &mut FormErrors) {
        for (field, message) in self.errors.iter() {
            errors.add(field, message.clone());
        }
    }
}

/// A checked certificate file, ready to be stored.
pub struct Upload<'a> {
    pub file: &'a Spooled,
    pub kind: DocType,
    pub name: &'a str,
}

/// Read a completion form (multipart with an optional file, or urlencoded) and check its file; Err is the
/// answer to give (a body too large for an upload form).
pub async fn read(headers: &HeaderMap, body: Body) -> AppResult<Result<Posted, Response>> {
    let (input, file) = match document::read_body(headers, body).await? {
        Ok(read) => read,
        Err(answer) => return Ok(Err(answer)),
    };
    let mut refusal = FormErrors::new();
    let checked = match &file {
        Some(u) => document::check_as(u, DocType::CERTIFICATES, &mut refusal).await?,
        None => None,
    };
    // The checks speak of "the file"; on a form with other fields the message names which one.
    let mut errors = FormErrors::new();
    if let Some((_, message)) = refusal.iter().next() {
        errors.add(FIELD, format!("Certificaat: {message}"));
    }
    Ok(Ok(Posted { input, file, checked, errors }))
}

/// Store the certificate, attach it to the completion and record the upload (call last in the transaction).
pub async fn attach(
    conn: &mut PgConnection,
    user: &CurrentUser,
    org: Uuid,
    completion: Uuid,
    u: &Upload<'_>,
) -> AppResult<()> {
    let doc = document::store(conn, org, user.user_id, u.kind, u.name, u.file).await?;
    sqlx::query!(
        "update training_completion set certificate_document_id = $3 where completion_id = $1 and organisation_id = $2",
        completion,
        org,
        doc
    )
    .execute(&mut *conn)
    .await?;
    let after = json!({"file_name": u.name, "media_type": u.kind.media_type(), "size_bytes": u.file.size});
    record(conn, user, org, UPLOADED, ("training_completion", completion), None, Some(after)).await?;
    Ok(())
}

/// A certificate as the lists show it: the completion it belongs to (the download address) and the file.
pub struct CertificateView {
    pub completion_id: Uuid,
    pub file_name: String,
    pub size_kb: i64,
}

impl CertificateView {
    pub fn new(completion_id: Uuid, file_name: Option<String>, size_bytes: Option<i32>) -> Option<Self> {
        Some(Self { completion_id, file_name: file_name?, size_kb: (i64::from(size_bytes.unwrap_or(0)) + 1023) / 1024 })
    }

    pub fn href(&self) -> String {
        format!("/ai-geletterdheid/afrondingen/{}/certificaat", self.completion_id)
    }
}

/// The certificate, as an attachment: for the person whose completion it is, and for those who see other
/// people's records; someone else's is refused (403), one of another organisation or none at all is 404.
#[tracing::instrument(skip_all)]
pub async fn download(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = organisation(&user)?;
    let mut conn = state.pool.acquire().await?;
    let row = sqlx::query!(
        "select user_id, certificate_document_id from training_completion where completion_id = $1 and organisation_id = $2",
        id,
        org
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    if row.user_id != user.user_id && !sees_lists(&user) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, completion_id = %id, action = "download_certificate", "certificate of someone else");
        return Err(AppError::Forbidden);
    }
    document::serve(&mut *conn, org, row.certificate_document_id.ok_or(AppError::NotFound)?).await
}
