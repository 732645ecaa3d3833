//! What an uploaded document really is, from its bytes (never from its name): PDF, DOCX (Office Open XML word
//! processing), ODT (OpenDocument text), or a PNG or JPEG image (which only certificates accept: see
//! [`DocType::CERTIFICATES`]); anything else is refused. Documents that can run code or fetch
//! something when opened are refused with the reason: macros, ActiveX controls, embedded OLE objects, links
//! to an external template or file. The archive is read with the `zip` crate; what an OOXML package holds is
//! decided by its content types and relationships ([`super::ooxml`]), never by the names of its parts.

use std::io::{Read, Seek, SeekFrom};

use zip::ZipArchive;

use super::ooxml;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocType {
    Pdf,
    Docx,
    Odt,
    Png,
    Jpeg,
}

impl DocType {
    /// What reports, evidence and agreements may be.
    pub const DOCUMENTS: &'static [DocType] = &[DocType::Pdf, DocType::Docx, DocType::Odt];
    /// A training certificate is often a screenshot or a photo: images too.
    pub const CERTIFICATES: &'static [DocType] =
        &[DocType::Pdf, DocType::Docx, DocType::Odt, DocType::Png, DocType::Jpeg];

    pub fn media_type(self) -> &'static str {
        match self {
            DocType::Pdf => "application/pdf",
            DocType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            DocType::Odt => "application/vnd.oasis.opendocument.text",
            DocType::Png => "image/png",
            DocType::Jpeg => "image/jpeg",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            DocType::Pdf => "pdf",
            DocType::Docx => "docx",
            DocType::Odt => "odt",
            DocType::Png => "png",
            DocType::Jpeg => "jpg",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocType::Pdf => "PDF",
            DocType::Docx => "Word (DOCX)",
            DocType::Odt => "OpenDocument (ODT)",
            DocType::Png => "PNG-afbeelding",
            DocType::Jpeg => "JPEG-afbeelding",
        }
    }

    pub fn from_extension(ext: &str) -> Option<DocType> {
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(DocType::Pdf),
            "docx" => Some(DocType::Docx),
            "odt" => Some(DocType::Odt),
            "png" => Some(DocType::Png),
            "jpg" | "jpeg" => Some(DocType::Jpeg),
            _ => None,
        }
    }
}

/// Content that runs or fetches something when the document is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Active {
    Macros,
    ActiveX,
    Ole,
    External,
}

impl Active {
    /// What the document holds, for the message on the file field.
    pub fn describe(self) -> &'static str {
        match self {
            Active::Macros => "macro's (VBA of andere scripts)",
            Active::ActiveX => "ActiveX-besturingselementen",
            Active::Ole => "ingesloten OLE-objecten",
            Active::External => "een koppeling naar een extern sjabloon of bestand",
        }
    }
}

/// Why a file is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// None of the accepted types (or a damaged one).
    NotAccepted,
    /// An accepted type with active content.
    Active(Active),
}

const ODT_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.text";

/// More entries than any report has: a bound on the work an archive can cause.
const MAX_ENTRIES: usize = 10_000;

/// The start of an OLE compound file: the container of VBA projects, ActiveX controls and OLE objects,
/// whatever their part is called.
const COMPOUND_FILE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The PNG signature (PNG specification, section 5.2).
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// A JPEG file starts with the start-of-image marker and the next marker's first byte.
const JPEG_START: [u8; 3] = [0xFF, 0xD8, 0xFF];

/// The type of a document, or why it is refused. The caller decides which types it accepts.
pub fn sniff<R: Read + Seek>(mut r: R) -> Result<DocType, Refusal> {
    let mut magic = Vec::with_capacity(PNG_SIGNATURE.len());
    r.seek(SeekFrom::Start(0)).map_err(|_| Refusal::NotAccepted)?;
    (&mut r).take(PNG_SIGNATURE.len() as u64).read_to_end(&mut magic).map_err(|_| Refusal::NotAccepted)?;
    if magic.starts_with(b"%PDF-") {
        return Ok(DocType::Pdf);
    }
    if magic.starts_with(&PNG_SIGNATURE) {
        return Ok(DocType::Png);
    }
    if magic.starts_with(&JPEG_START) {
        return Ok(DocType::Jpeg);
    }
    // A ZIP archive that starts as one (not an executable with an archive appended).
    if !magic.starts_with(b"PK\x03\x04") {
        return Err(Refusal::NotAccepted);
    }
    r.seek(SeekFrom::Start(0)).map_err(|_| Refusal::NotAccepted)?;
    let mut zip = ZipArchive::new(r).map_err(|_| Refusal::NotAccepted)?;
    // Two entries of one name: readers may disagree on which one counts.
    if zip.len() > MAX_ENTRIES || zip.metadata().has_duplicate_names() {
        return Err(Refusal::NotAccepted);
    }
    let kind = if is_odt(&mut zip) { DocType::Odt } else { ooxml::check(&mut zip)? };
    if kind == DocType::Odt && odf_has_macros(&zip) {
        return Err(Refusal::Active(Active::Macros));
    }
    if has_compound_file(&mut zip)? {
        return Err(Refusal::Active(Active::Ole));
    }
    Ok(kind)
}

/// ODF: the first entry in the file is an uncompressed "mimetype" holding the media type.
fn is_odt<R: Read + Seek>(zip: &mut ZipArchive<R>) -> bool {
    let Ok(first) = zip.by_index(0) else { return false };
    if first.header_start() != 0
        || first.name().ok().as_deref() != Some("mimetype")
        || first.compression() != zip::CompressionMethod::Stored
    {
        return false;
    }
    let mut content = Vec::new();
    first.take(ODT_MIMETYPE.len() as u64 + 1).read_to_end(&mut content).is_ok() && content == ODT_MIMETYPE
}

/// LibreOffice loads Basic and script libraries from these folders of the document (the places are fixed by
/// the application, so here the names are what counts).
fn odf_has_macros<R: Read + Seek>(zip: &ZipArchive<R>) -> bool {
    zip.file_names().any(|n| {
        n.map(|n| {
            let n = n.to_ascii_lowercase();
            n.starts_with("basic/") || n.starts_with("scripts/")
        })
        .unwrap_or(true)
    })
}

/// Whether any entry is an OLE compound file (an error reading one refuses the archive).
fn has_compound_file<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Result<bool, Refusal> {
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|_| Refusal::NotAccepted)?;
        if entry.encrypted() {
            return Err(Refusal::NotAccepted);
        }
        let mut start = Vec::with_capacity(COMPOUND_FILE.len());
        entry.take(COMPOUND_FILE.len() as u64).read_to_end(&mut start).map_err(|_| Refusal::NotAccepted)?;
        if start == COMPOUND_FILE {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
pub mod tests {
    use std::io::{Cursor, Write};

    use super::*;

    /// A ZIP archive (deflated entries, as Word writes them), for tests.
    pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            let stored = *name == "mimetype";
            let method = if stored { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
            w.start_file(*name, zip::write::SimpleFileOptions::default().compression_method(method)).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    pub fn check(b: &[u8]) -> Result<DocType, Refusal> {
        sniff(Cursor::new(b))
    }

    #[test]
    fn recognises_the_three_types() {
        assert_eq!(check(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"), Ok(DocType::Pdf));
        assert_eq!(check(&ooxml::tests::docx(&[], &[], &[])), Ok(DocType::Docx));
        let odt = zip(&[("mimetype", ODT_MIMETYPE), ("content.xml", b"<office:document-content/>")]);
        assert_eq!(check(&odt), Ok(DocType::Odt));
    }

    #[test]
    fn recognises_images_by_their_signature() {
        assert_eq!(check(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Ok(DocType::Png));
        assert_eq!(check(b"\xff\xd8\xff\xe0\0\x10JFIF\0"), Ok(DocType::Jpeg));
        assert_eq!(check(b"\x89PNG\r\n"), Err(Refusal::NotAccepted), "a cut-off signature");
        assert_eq!(check(b"GIF89a\x01\0"), Err(Refusal::NotAccepted));
    }

    #[test]
    fn refuses_everything_else() {
        assert_eq!(check(b"<html><script>alert(1)</script>"), Err(Refusal::NotAccepted));
        assert_eq!(check(b"MZ\x90\x00 executable"), Err(Refusal::NotAccepted));
        assert_eq!(check(b""), Err(Refusal::NotAccepted));
        // An ODF spreadsheet, a truncated archive, an archive behind something else.
        assert_eq!(
            check(&zip(&[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")])),
            Err(Refusal::NotAccepted)
        );
        let docx = ooxml::tests::docx(&[], &[], &[]);
        assert_eq!(check(&docx[..docx.len() - 10]), Err(Refusal::NotAccepted));
        assert_eq!(check(b"PK\x03\x04"), Err(Refusal::NotAccepted));
        let mut prefixed = b"MZ\x90\x00".to_vec();
        prefixed.extend_from_slice(&docx);
        assert_eq!(check(&prefixed), Err(Refusal::NotAccepted));
    }

    #[test]
    fn compound_files_are_refused_under_any_name() {
        let mut ole = COMPOUND_FILE.to_vec();
        ole.extend_from_slice(&[0; 504]);
        let docx = ooxml::tests::docx(&[], &[], &[("word/media/image1.png", &ole)]);
        assert_eq!(check(&docx), Err(Refusal::Active(Active::Ole)));
        let odt = zip(&[("mimetype", ODT_MIMETYPE), ("content.xml", b"<x/>"), ("Object 1", &ole)]);
        assert_eq!(check(&odt), Err(Refusal::Active(Active::Ole)));
    }

    #[test]
    fn odt_with_basic_macros_is_refused() {
        let odt = zip(&[("mimetype", ODT_MIMETYPE), ("content.xml", b"<x/>"), ("Basic/Standard/Module1.xml", b"<x/>")]);
        assert_eq!(check(&odt), Err(Refusal::Active(Active::Macros)));
    }
}
