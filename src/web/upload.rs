//! A file-upload form read as a stream: the text fields into memory (each small), the file into an unnamed
//! temporary file with its size and SHA-256 counted on the way. The document is then checked from that file
//! and copied to PostgreSQL in pieces, so no upload is held in memory by the handler, however many arrive at
//! once.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use futures_util::Stream;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::multipart::{MAX_UPLOAD_BODY, unescape_file_name};

/// The largest text field of an upload form (the longest, an outcome of 5,000 characters, is far below it).
const MAX_TEXT_FIELD: u64 = 256 * 1024;

/// The size of the pieces a body is handed to the parser in (and the file is written in).
const PIECE: usize = 64 * 1024;

/// Why a form could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Not a well-formed multipart body, or the connection broke off.
    Malformed,
    /// The body or one of its text fields is larger than an upload form may be.
    TooLarge,
}

/// The uploaded file, in a temporary file that disappears when this is dropped.
#[derive(Debug)]
pub struct Spooled {
    /// As the browser sent it (not cleaned).
    pub file_name: String,
    /// The file's full size, also when only the first `max_file` bytes were kept.
    pub size: u64,
    pub sha256: [u8; 32],
    pub file: std::fs::File,
}

impl Spooled {
    /// Whether more was sent than was kept.
    pub fn truncated(&self, max_file: u64) -> bool {
        self.size > max_file
    }
}

/// The form: its text fields in order, and the file if one was chosen.
#[derive(Debug)]
pub struct Form {
    pub fields: Vec<(String, String)>,
    pub file: Option<Spooled>,
}

/// Read a `multipart/form-data` body. The part named `file_field` that carries a file name is spooled to disk
/// (at most `max_file` bytes are kept; the rest is counted, so the size can be reported); other file parts are
/// skipped.
pub async fn read(body: Body, boundary: &str, file_field: &str, max_file: u64) -> Result<Form, ReadError> {
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(MAX_UPLOAD_BODY as u64)
            .per_field(MAX_TEXT_FIELD)
            .for_field(file_field, MAX_UPLOAD_BODY as u64),
    );
    let stream = Paced { inner: body.into_data_stream(), pending: Bytes::new(), paused: false };
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut fields = Vec::new();
    let mut file = None;
    while let Some(mut field) = multipart.next_field().await.map_err(read_error)? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(unescape_file_name) {
            Some(file_name) if name == file_field && file.is_none() => {
                let spooled = spool(&mut field, file_name, max_file).await?;
                if !spooled.file_name.is_empty() || spooled.size > 0 {
                    file = Some(spooled);
                }
            }
            Some(_) => while field.chunk().await.map_err(read_error)?.is_some() {},
            None => {
                let value = field.bytes().await.map_err(read_error)?;
                fields.push((name, String::from_utf8_lossy(&value).into_owned()));
            }
        }
    }
    Ok(Form { fields, file })
}

fn read_error(e: multer::Error) -> ReadError {
    match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => ReadError::TooLarge,
        _ => ReadError::Malformed,
    }
}

/// Write one file part to an unnamed temporary file (removed by the system when closed, also after a crash).
async fn spool(field: &mut multer::Field<'_>, file_name: String, max_file: u64) -> Result<Spooled, ReadError> {
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "upload could not be written to a temporary file");
        ReadError::Malformed
    };
    let file = tokio::task::spawn_blocking(tempfile::tempfile).await.map_err(|_| ReadError::Malformed)?.map_err(io)?;
    let mut out = tokio::fs::File::from_std(file);
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    while let Some(chunk) = field.chunk().await.map_err(read_error)? {
        let room = max_file.saturating_sub(size);
        let keep = &chunk[..chunk.len().min(usize::try_from(room).unwrap_or(usize::MAX))];
        if !keep.is_empty() {
            hasher.update(keep);
            out.write_all(keep).await.map_err(io)?;
        }
        size += chunk.len() as u64;
    }
    out.flush().await.map_err(io)?;
    Ok(Spooled { file_name, size, sha256: hasher.finalize().into(), file: out.into_std().await })
}

/// Hands a body on in pieces of at most [`PIECE`] bytes and yields between them. The parser takes every chunk
/// that is ready at once; a large chunk that is already in memory would otherwise be copied into it whole.
struct Paced<S> {
    inner: S,
    pending: Bytes,
    paused: bool,
}

impl<S: Stream<Item = Result<Bytes, axum::Error>> + Unpin> Stream for Paced<S> {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.pending.is_empty() {
            match Pin::new(&mut this.inner).poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => this.pending = chunk,
                other => return other,
            }
        } else if !this.paused {
            this.paused = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        this.paused = false;
        let n = this.pending.len().min(PIECE);
        Poll::Ready(Some(Ok(this.pending.split_to(n))))
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Seek};

    use super::*;

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Body {
        let mut b = Vec::new();
        for (name, file, data) in parts {
            let file = file.map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
            b.extend_from_slice(
                format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n").as_bytes(),
            );
            b.extend_from_slice(data);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(b"--XyZ--\r\n");
        Body::from(b)
    }

    #[tokio::test]
    async fn fields_in_memory_the_file_on_disk() {
        let data = vec![7u8; 300 * 1024];
        let b = body(&[
            ("csrf_token", None, b"abc"),
            ("document", Some("IAMA %22v2%22; def.pdf"), &data),
            ("other", Some("x.pdf"), b"ignored"),
            ("outcome", None, "één".as_bytes()),
        ]);
        let mut form = read(b, "XyZ", "document", 1 << 20).await.unwrap();
        assert_eq!(form.fields, vec![("csrf_token".into(), "abc".into()), ("outcome".into(), "één".into())]);
        let f = form.file.as_mut().unwrap();
        assert_eq!(f.file_name, "IAMA \"v2\"; def.pdf");
        assert_eq!(f.size, data.len() as u64);
        assert_eq!(f.sha256.as_slice(), Sha256::digest(&data).as_slice());
        let mut back = Vec::new();
        f.file.rewind().unwrap();
        f.file.read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
    }

    #[tokio::test]
    async fn an_oversized_file_is_counted_not_kept() {
        let data = vec![1u8; 200_000];
        let form = read(body(&[("document", Some("groot.pdf"), &data)]), "XyZ", "document", 1000).await.unwrap();
        let f = form.file.unwrap();
        assert_eq!(f.size, 200_000);
        assert!(f.truncated(1000));
        assert_eq!(f.file.metadata().unwrap().len(), 1000);
    }

    #[tokio::test]
    async fn no_file_chosen_malformed_and_too_large() {
        let form = read(body(&[("document", Some(""), b"")]), "XyZ", "document", 1000).await.unwrap();
        assert!(form.file.is_none());
        let broken = Body::from("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end");
        assert_eq!(read(broken, "XyZ", "document", 1000).await.unwrap_err(), ReadError::Malformed);
        let long = vec![b'a'; MAX_TEXT_FIELD as usize + 1];
        assert_eq!(
            read(body(&[("outcome", None, &long)]), "XyZ", "document", 1000).await.unwrap_err(),
            ReadError::TooLarge
        );
    }
}
