//! What an uploaded document really is, from its bytes (never from its name): PDF, DOCX (Office Open XML
//! word processing, without macros) or ODT (OpenDocument text). Anything else is refused.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocType {
    Pdf,
    Docx,
    Odt,
}

impl DocType {
    pub fn media_type(self) -> &'static str {
        match self {
            DocType::Pdf => "application/pdf",
            DocType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            DocType::Odt => "application/vnd.oasis.opendocument.text",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            DocType::Pdf => "pdf",
            DocType::Docx => "docx",
            DocType::Odt => "odt",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocType::Pdf => "PDF",
            DocType::Docx => "Word (DOCX)",
            DocType::Odt => "OpenDocument (ODT)",
        }
    }

    pub fn from_extension(ext: &str) -> Option<DocType> {
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(DocType::Pdf),
            "docx" => Some(DocType::Docx),
            "odt" => Some(DocType::Odt),
            _ => None,
        }
    }
}

const ODT_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.text";

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
}

/// The names in a ZIP file's central directory; None when the archive is not well-formed.
fn zip_names(b: &[u8]) -> Option<Vec<&[u8]>> {
    // The end-of-central-directory record sits in the last 22 + 65535 bytes (its comment is at most 64 KiB).
    let floor = b.len().saturating_sub(22 + 65_535);
    let eocd = (floor..=b.len().checked_sub(22)?).rev().find(|&i| b[i..].starts_with(b"PK\x05\x06"))?;
    let count = u16_at(b, eocd + 10)?;
    let mut at = u32_at(b, eocd + 16)?;
    let mut names = Vec::with_capacity(count);
    for _ in 0..count {
        if !b.get(at..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let (name_len, extra_len, comment_len) = (u16_at(b, at + 28)?, u16_at(b, at + 30)?, u16_at(b, at + 32)?);
        names.push(b.get(at + 46..at + 46 + name_len)?);
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(names)
}

/// The type of a document, or None when it is none of the accepted ones.
pub fn sniff(b: &[u8]) -> Option<DocType> {
    if b.starts_with(b"%PDF-") {
        return Some(DocType::Pdf);
    }
    if !b.starts_with(b"PK\x03\x04") {
        return None;
    }
    // ODF: the first entry is an uncompressed file "mimetype" holding the media type.
    let name_len = u16_at(b, 26)?;
    let extra_len = u16_at(b, 28)?;
    let names = zip_names(b)?;
    if b.get(30..30 + name_len) == Some(b"mimetype") && u16_at(b, 8)? == 0 {
        let start = 30 + name_len + extra_len;
        let size = u32_at(b, 18)?;
        return (b.get(start..start + size) == Some(ODT_MIMETYPE)).then_some(DocType::Odt);
    }
    let has = |n: &[u8]| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    // OOXML word processing; documents with macros (a VBA project) are not accepted.
    (has(b"[Content_Types].xml") && has(b"word/document.xml") && !has(b"word/vbaProject.bin")).then_some(DocType::Docx)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A minimal ZIP archive with stored (uncompressed) entries, for tests.
    pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let mut local = Vec::new();
            local.extend_from_slice(b"PK\x03\x04");
            local.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            local.extend_from_slice(&[0; 4]); // crc (not checked)
            local.extend_from_slice(&(data.len() as u32).to_le_bytes());
            local.extend_from_slice(&(data.len() as u32).to_le_bytes());
            local.extend_from_slice(&(name.len() as u16).to_le_bytes());
            local.extend_from_slice(&[0, 0]);
            local.extend_from_slice(name.as_bytes());
            local.extend_from_slice(data);
            out.extend_from_slice(&local);
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&[0; 4]);
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn recognises_the_three_types() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"), Some(DocType::Pdf));
        let docx = zip(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]);
        assert_eq!(sniff(&docx), Some(DocType::Docx));
        let odt = zip(&[("mimetype", ODT_MIMETYPE), ("content.xml", b"<office:document-content/>")]);
        assert_eq!(sniff(&odt), Some(DocType::Odt));
    }

    #[test]
    fn refuses_everything_else() {
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00 executable"), None);
        assert_eq!(sniff(b""), None);
        // A spreadsheet, a macro document, an ODF spreadsheet, a truncated archive.
        assert_eq!(sniff(&zip(&[("[Content_Types].xml", b"x"), ("xl/workbook.xml", b"x")])), None);
        assert_eq!(
            sniff(&zip(&[("[Content_Types].xml", b"x"), ("word/document.xml", b"x"), ("word/vbaProject.bin", b"x")])),
            None
        );
        assert_eq!(sniff(&zip(&[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")])), None);
        let docx = zip(&[("[Content_Types].xml", b"x"), ("word/document.xml", b"x")]);
        assert_eq!(sniff(&docx[..docx.len() - 10]), None);
        assert_eq!(sniff(b"PK\x03\x04"), None);
    }
}
