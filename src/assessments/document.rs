//! The uploaded report of an assessment: read from the form as a stream into a temporary file, judged by its
//! content, and copied into PostgreSQL in pieces. Memory use per upload stays at a few pieces of 64 KiB.

use std::io::SeekFrom;

use axum::body::Body;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use sqlx::PgConnection;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use uuid::Uuid;

use super::MAX_DOCUMENT;
use super::sniff::{self, DocType, Refusal};
use crate::error::{AppError, AppResult};
use crate::register::form::FormData;
use crate::web::filename;
use crate::web::forms::FormErrors;
use crate::web::multipart::{self, MAX_UPLOAD_BODY};
use crate::web::upload::{self, ReadError, Spooled};

/// The pieces the report is copied to the database in.
const PIECE: usize = 64 * 1024;

/// The form's fields and the optional file, from a multipart or urlencoded body; Err is the answer to give
/// (a body too large for an upload form).
pub async fn read_body(headers: &HeaderMap, body: Body) -> AppResult<Result<(FormData, Option<Spooled>), Response>> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(boundary) = multipart::boundary(content_type) else {
        let bytes = axum::body::to_bytes(body, MAX_UPLOAD_BODY).await.map_err(|_| malformed())?;
        return Ok(Ok((FormData::parse(&bytes), None)));
    };
    match upload::read(body, &boundary, "document", MAX_DOCUMENT as u64).await {
        Ok(form) => Ok(Ok((FormData::from_pairs(form.fields), form.file))),
        Err(ReadError::Malformed) => Err(malformed()),
        Err(ReadError::TooLarge) => Ok(Err(multipart::too_large())),
    }
}

fn malformed() -> AppError {
    AppError::Conflict("Het formulier kwam niet goed door. Probeer het opnieuw.".into())
}

/// Check an uploaded file (size, type from the content, a name that matches it); the type and the clean name
/// when it may be stored. Documents only ([`DocType::DOCUMENTS`]).
pub async fn check(u: &Spooled, errors: &mut FormErrors) -> AppResult<Option<(DocType, String)>> {
    check_as(u, DocType::DOCUMENTS, errors).await
}

/// [`check`], accepting the types in `accepted` (certificates accept images too).
pub async fn check_as(
    u: &Spooled,
    accepted: &[DocType],
    errors: &mut FormErrors,
) -> AppResult<Option<(DocType, String)>> {
    let sniffed = if u.size == 0 || u.truncated(MAX_DOCUMENT as u64) {
        Err(Refusal::NotAccepted)
    } else {
        let file = u.file.try_clone().map_err(|e| AppError::Internal(e.into()))?;
        tokio::task::spawn_blocking(move || sniff::sniff(std::io::BufReader::new(file)))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
    };
    Ok(judge(&u.file_name, u.size, sniffed, accepted, errors))
}

/// The refusal of a file of none of the `accepted` types.
fn not_accepted(accepted: &[DocType]) -> &'static str {
    if accepted.contains(&DocType::Png) {
        "Dit bestand is geen PDF, Word-document (DOCX), OpenDocument-tekst (ODT) of afbeelding (PNG of JPEG). Alleen die \
         soorten kunnen worden geüpload; de inhoud van het bestand telt, niet de naam."
    } else {
        "Dit bestand is geen PDF, Word-document (DOCX) of OpenDocument-tekst (ODT). Alleen die soorten kunnen worden geüpload; \
         de inhoud van het bestand telt, niet de naam."
    }
}

/// The verdict on a file from its name, size and what its content is.
fn judge(
    raw_name: &str,
    size: u64,
    sniffed: Result<DocType, Refusal>,
    accepted: &[DocType],
    errors: &mut FormErrors,
) -> Option<(DocType, String)> {
    if size == 0 {
        errors.add("document", "Het gekozen bestand is leeg.");
        return None;
    }
    if size > MAX_DOCUMENT as u64 {
        errors.add(
            "document",
            format!("Het bestand is {} MB; het mag hoogstens 25 MB zijn.", size.div_ceil(1024 * 1024)),
        );
        return None;
    }
    let name = filename::clean(raw_name);
    let kind = match sniffed {
        Ok(kind) if accepted.contains(&kind) => kind,
        Ok(_) | Err(Refusal::NotAccepted) => {
            errors.add("document", not_accepted(accepted));
            return None;
        }
        Err(Refusal::Active(what)) => {
            errors.add(
                "document",
                format!(
                    "Dit document bevat {}. Zulke bestanden worden niet aangenomen: ze kunnen bij het openen code uitvoeren \
                     of iets van buiten ophalen. Sla het op zonder macro's en ingesloten objecten, of als PDF, en probeer het opnieuw.",
                    what.describe()
                ),
            );
            return None;
        }
    };
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match DocType::from_extension(ext) {
        Some(k) if k == kind => Some((kind, name)),
        _ => {
            let name_says =
                if ext.is_empty() { "heeft geen extensie".to_string() } else { format!("eindigt op .{ext}") };
            errors.add(
                "document",
                format!(
                    "De naam van het bestand {name_says}, maar de inhoud is een {}. Geef het bestand de extensie .{} en probeer het opnieuw.",
                    kind.label(),
                    kind.extension()
                ),
            );
            None
        }
    }
}

/// One field of a binary COPY row: its length, then its bytes.
fn copy_field(out: &mut Vec<u8>, value: &[u8]) {
    out.extend_from_slice(&(value.len() as i32).to_be_bytes());
    out.extend_from_slice(value);
}

/// Store the report. COPY (binary format, as PostgreSQL documents it) takes the content in pieces: neither the
/// file nor a bind buffer of its size is ever in memory, and the connection's buffers stay small.
pub async fn store(
    conn: &mut PgConnection,
    org: Uuid,
    user: Uuid,
    kind: DocType,
    name: &str,
    u: &Spooled,
) -> AppResult<Uuid> {
    let internal = |e: std::io::Error| AppError::Internal(e.into());
    let id = Uuid::now_v7();
    let size = i32::try_from(u.size).map_err(|e| AppError::Internal(e.into()))?;
    let mut head = b"PGCOPY\n\xff\r\n\0".to_vec();
    head.extend_from_slice(&0i32.to_be_bytes()); // flags
    head.extend_from_slice(&0i32.to_be_bytes()); // header extension length
    head.extend_from_slice(&8i16.to_be_bytes()); // columns in the row
    copy_field(&mut head, id.as_bytes());
    copy_field(&mut head, org.as_bytes());
    copy_field(&mut head, name.as_bytes());
    copy_field(&mut head, kind.media_type().as_bytes());
    copy_field(&mut head, &size.to_be_bytes());
    copy_field(&mut head, &u.sha256);
    copy_field(&mut head, user.as_bytes());
    head.extend_from_slice(&size.to_be_bytes()); // the content follows
    let mut file = tokio::fs::File::from_std(u.file.try_clone().map_err(internal)?);
    file.seek(SeekFrom::Start(0)).await.map_err(internal)?;
    let mut copy = conn
        .copy_in_raw(
            "copy assessment_document (document_id, organisation_id, file_name, media_type, size_bytes, sha256,
                uploaded_by, content) from stdin (format binary)",
        )
        .await?;
    copy.send(head).await?;
    let mut buf = vec![0u8; PIECE];
    let mut left = u.size;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = match file.read(&mut buf[..want]).await {
            Ok(n) if n > 0 => n,
            result => {
                copy.abort("the uploaded file could not be read").await?;
                return Err(AppError::Internal(anyhow::anyhow!("upload file ended early or failed: {result:?}")));
            }
        };
        copy.send(&buf[..n]).await?;
        left -= n as u64;
    }
    copy.send(&(-1i16).to_be_bytes()[..]).await?; // end of the data
    copy.finish().await?;
    Ok(id)
}

/// A stored document of the organisation as an attachment (never inline). Every feature that keeps an uploaded
/// file (assessment reports, evidence, agreements, certificates) stores it with [`store`] and refers to its
/// `document_id`; the caller checks who may download before calling this.
pub async fn serve(conn: impl sqlx::PgExecutor<'_>, org: Uuid, document_id: Uuid) -> AppResult<Response> {
    let doc = sqlx::query!(
        r#"select file_name as "name!: String", media_type as "media_type!: String", content as "content!: Vec<u8>"
           from assessment_document where document_id = $1 and organisation_id = $2"#,
        document_id,
        org
    )
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)?;
    crate::web::attachment(&doc.name, &doc.media_type, doc.content)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &[DocType] = DocType::DOCUMENTS;

    #[test]
    fn images_pass_only_where_they_are_accepted() {
        let mut e = FormErrors::new();
        assert!(judge("scan.png", 8, Ok(DocType::Png), DOCS, &mut e).is_none(), "never an assessment report");
        assert!(e.get("document").unwrap().starts_with("Dit bestand is geen PDF, Word-document (DOCX) of"));
        let mut e = FormErrors::new();
        let certificates = DocType::CERTIFICATES;
        assert_eq!(judge("foto.JPEG", 8, Ok(DocType::Jpeg), certificates, &mut e).map(|(k, _)| k), Some(DocType::Jpeg));
        assert!(judge("foto.png", 8, Ok(DocType::Jpeg), certificates, &mut e).is_none());
        assert!(e.get("document").unwrap().contains("eindigt op .png, maar de inhoud is een JPEG-afbeelding"));
        let mut e = FormErrors::new();
        assert!(judge("x.gif", 8, Err(Refusal::NotAccepted), certificates, &mut e).is_none());
        assert!(e.get("document").unwrap().contains("of afbeelding (PNG of JPEG)"));
    }

    #[test]
    fn uploads_are_judged_by_content_and_name() {
        let mut e = FormErrors::new();
        assert_eq!(judge("dpia.pdf", 12, Ok(DocType::Pdf), DOCS, &mut e).map(|(k, _)| k), Some(DocType::Pdf));
        assert!(judge("dpia.pdf", 22, Err(Refusal::NotAccepted), DOCS, &mut e).is_none());
        assert!(e.get("document").unwrap().contains("geen PDF"));
        let mut e = FormErrors::new();
        assert!(judge("dpia.docx", 8, Ok(DocType::Pdf), DOCS, &mut e).is_none());
        assert!(e.get("document").unwrap().contains("eindigt op .docx, maar de inhoud is een PDF"));
        let mut e = FormErrors::new();
        assert!(judge("dpia.docx", 8, Err(Refusal::Active(sniff::Active::Macros)), DOCS, &mut e).is_none());
        assert!(e.get("document").unwrap().contains("bevat macro's (VBA of andere scripts)"));
        let mut e = FormErrors::new();
        assert!(judge("groot.pdf", MAX_DOCUMENT as u64 + 1, Ok(DocType::Pdf), DOCS, &mut e).is_none());
        assert!(e.get("document").unwrap().contains("Het bestand is 26 MB"));
    }

    #[test]
    fn stored_names_are_clean() {
        let mut e = FormErrors::new();
        let (_, name) = judge("rapport\u{202E}fdp.pdf", 8, Ok(DocType::Pdf), DOCS, &mut e).unwrap();
        assert_eq!(name, "rapportfdp.pdf");
    }
}
