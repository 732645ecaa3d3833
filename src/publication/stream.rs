//! The whole-register export as a stream, so that its memory does not grow with the register: the public
//! registrations come from the database one row at a time (sqlx `fetch`, each row with its publishable
//! assessments aggregated beside it) and leave in chunks of about 64 KiB through a bounded channel, which the
//! response body or the CLI's file drains. JSON and CSV are written as the rows come, byte for byte what
//! `export::encode` writes for the same entries. The Excel sheet is transposed (one column per registration),
//! so each of its rows is first spilled to a temporary file; the workbook is then written in rust_xlsxwriter's
//! constant-memory mode to another temporary file, which is streamed.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};

use axum::body::Bytes;
use futures_util::TryStreamExt;
use serde_json::Value;
use sqlx::PgPool;
use tokio::sync::mpsc;

use super::algorithm_in::{self, KEYS, Links, OrgInfo, PublicAssessment};
use super::export::{self, Entry, Format, Skipped};
use super::{csv, validate, xlsx};

/// What the channel carries: a piece of the file, or the error that ends it (the body then breaks off, so a
/// client never takes a cut-off file for a whole one).
pub type Chunk = Result<Bytes, std::io::Error>;

const CHUNK: usize = 64 * 1024;

/// The Excel sheet's rows: the standard's fields, then the register's own two.
const XLSX_ROWS: usize = KEYS.len() + 2;

/// Writes the register export of `org` in `format` into `tx`; every marked registration the register would
/// refuse goes to `skipped` instead. Returns the number of registrations written. Fails when the receiver is
/// gone (the client left) or the database or a temporary file fails.
pub async fn run(
    pool: &PgPool,
    org: &OrgInfo,
    links: &Links,
    format: Format,
    tx: &mpsc::Sender<Chunk>,
    skipped: &mut (dyn FnMut(Skipped) + Send),
) -> anyhow::Result<usize> {
    let mut out = Encoder::new(format)?;
    let mut rows = sqlx::query!(
        r#"select to_jsonb(a.*) - 'search' as "doc!",
                  coalesce((select jsonb_agg(jsonb_build_object('assessment_id', s.assessment_id,
                                'application_id', s.application_id, 'kind', s.kind, 'other_name', s.other_name,
                                'link', s.link, 'has_document', s.document_id is not null)
                            order by s.completed_on, s.created_at)
                     from assessment s where s.application_id = a.application_id and s.publishable
                          and s.status = 'afgerond'), '[]') as "assessments!"
         from application a
         where a.organisation_id = $1 and registration_public(a.publish, a.workflow_status)
         order by lower(a.name), a.application_id"#,
        org.organisation_id
    )
    .fetch(pool);
    while let Some(row) = rows.try_next().await? {
        let Some(app) = export::stored(row.doc) else { continue };
        let assessments: Vec<PublicAssessment> = serde_json::from_value(row.assessments)?;
        let entry = export::entry(&app, algorithm_in::build(&app, org, &assessments, links));
        let problems = validate::problems(&entry.body);
        if !problems.is_empty() {
            let problems = problems.iter().map(ToString::to_string).collect();
            skipped(Skipped { id: app.id, name: app.name().to_string(), problems });
            continue;
        }
        out.push(&entry)?;
        if out.buf.len() >= CHUNK {
            send(tx, std::mem::take(&mut out.buf)).await?;
        }
    }
    drop(rows);
    let count = out.count;
    match tokio::task::spawn_blocking(move || out.finish()).await?? {
        Tail::Bytes(bytes) => send(tx, bytes).await?,
        Tail::File(mut file) => loop {
            let (f, piece) = tokio::task::spawn_blocking(move || {
                let mut piece = vec![0; CHUNK];
                let n = file.read(&mut piece)?;
                piece.truncate(n);
                Ok::<_, std::io::Error>((file, piece))
            })
            .await??;
            if piece.is_empty() {
                break;
            }
            file = f;
            send(tx, piece).await?;
        },
    }
    Ok(count)
}

async fn send(tx: &mpsc::Sender<Chunk>, bytes: Vec<u8>) -> anyhow::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    tx.send(Ok(Bytes::from(bytes))).await.map_err(|_| anyhow::anyhow!("the export's receiver is gone"))
}

enum Tail {
    Bytes(Vec<u8>),
    File(File),
}

/// The file being written: what is ready to send, and for Excel one spill file per sheet row.
struct Encoder {
    format: Format,
    buf: Vec<u8>,
    count: usize,
    spill: Vec<BufWriter<File>>,
}

impl Encoder {
    fn new(format: Format) -> std::io::Result<Encoder> {
        let (buf, spill) = match format {
            Format::Json => (b"[".to_vec(), Vec::new()),
            Format::Csv => (csv::head().into_bytes(), Vec::new()),
            Format::Xlsx => (
                Vec::new(),
                (0..XLSX_ROWS).map(|_| tempfile::tempfile().map(BufWriter::new)).collect::<Result<_, _>>()?,
            ),
        };
        Ok(Encoder { format, buf, count: 0, spill })
    }

    fn push(&mut self, entry: &Entry) -> anyhow::Result<()> {
        match self.format {
            Format::Json => {
                // serde_json's pretty printer one level deeper: strings never hold a raw newline, so indenting
                // every line of the object gives the bytes of the whole array printed at once.
                self.buf.extend_from_slice(if self.count == 0 { b"\n" } else { b",\n" });
                let object = serde_json::to_string_pretty(&entry.body)?;
                for (i, line) in object.split('\n').enumerate() {
                    self.buf.extend_from_slice(if i == 0 { b"  " } else { b"\n  " });
                    self.buf.extend_from_slice(line.as_bytes());
                }
            }
            Format::Csv => self.buf.extend_from_slice(csv::line(&entry.body, &entry.extra()).as_bytes()),
            Format::Xlsx => {
                let fields = KEYS.iter().map(|key| csv::cell_text(key, entry.body.get(*key).unwrap_or(&Value::Null)));
                for (spill, cell) in self.spill.iter_mut().zip(fields.chain(entry.extra())) {
                    let cell = csv::neutralise(&cell);
                    spill.write_all(&u32::try_from(cell.len())?.to_le_bytes())?;
                    spill.write_all(cell.as_bytes())?;
                }
            }
        }
        self.count += 1;
        Ok(())
    }

    /// The rest of the file (blocking: Excel's workbook is written here).
    fn finish(mut self) -> anyhow::Result<Tail> {
        match self.format {
            Format::Json if self.count == 0 => Ok(Tail::Bytes(b"[]\n".to_vec())),
            Format::Json => {
                self.buf.extend_from_slice(b"\n]\n");
                Ok(Tail::Bytes(self.buf))
            }
            Format::Csv => Ok(Tail::Bytes(self.buf)),
            Format::Xlsx => {
                let mut rows = Vec::with_capacity(XLSX_ROWS);
                let titles = KEYS
                    .iter()
                    .map(|k| validate::title(k))
                    .chain(["Algoritme-ID", "Publicatiedatum"].map(String::from));
                for (spill, title) in self.spill.into_iter().zip(titles) {
                    let mut file = spill.into_inner().map_err(std::io::IntoInnerError::into_error)?;
                    file.rewind()?;
                    rows.push((title, Cells(BufReader::new(file))));
                }
                let mut out = tempfile::tempfile()?;
                xlsx::workbook_to_file("1.0", self.count + 1, rows, out.try_clone()?)?;
                out.rewind()?;
                Ok(Tail::File(out))
            }
        }
    }
}

/// The cells of one spilled sheet row, in the order they were written.
struct Cells(BufReader<File>);

impl Iterator for Cells {
    type Item = std::io::Result<String>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut len = [0; 4];
        if let Err(e) = self.0.read_exact(&mut len) {
            return (e.kind() != std::io::ErrorKind::UnexpectedEof).then_some(Err(e));
        }
        let mut cell = vec![0; u32::from_le_bytes(len) as usize];
        Some(self.0.read_exact(&mut cell).and_then(|()| String::from_utf8(cell).map_err(std::io::Error::other)))
    }
}
