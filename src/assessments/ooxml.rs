//! An Office Open XML package as Word reads it: `[Content_Types].xml` gives every part its type, the
//! relationship parts (`*.rels`) say what each part is for. Both decide whether a package is a plain Word
//! document or one that runs or fetches something (a VBA project is one wherever it is stored and whatever it
//! is called). The file names of parts only matter where the format fixes them.

use std::collections::HashMap;
use std::io::{Read, Seek};

use zip::ZipArchive;

use super::sniff::{Active, DocType, Refusal};

/// The main part of a plain Word document (not a template, not macro-enabled).
const WORD_MAIN: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

/// A bound on one XML part and on all of them together (real ones are a few kilobytes).
const MAX_XML: u64 = 1024 * 1024;
const MAX_XML_TOTAL: u64 = 16 * 1024 * 1024;

/// Content types (lowercase fragments) of active content: macro-enabled main parts and VBA projects, VBA data,
/// key maps and toolbars (only macro-enabled documents have those), ActiveX controls, OLE objects. This covers
/// .docm/.dotm and the .xlsm/.pptm family alike.
const ACTIVE_TYPES: [(&str, Active); 7] = [
    ("macroenabled", Active::Macros),
    ("vbaproject", Active::Macros),
    ("vbadata", Active::Macros),
    ("keymapcustomizations", Active::Macros),
    ("attachedtoolbars", Active::Macros),
    ("activex", Active::ActiveX),
    ("oleobject", Active::Ole),
];

/// Relationship types (the last segment, lowercase) of active content.
const ACTIVE_RELATIONSHIPS: [(&str, Active); 9] = [
    ("vbaproject", Active::Macros),
    ("vbaprojectsignature", Active::Macros),
    ("wordvbadata", Active::Macros),
    ("keymapcustomizations", Active::Macros),
    ("attachedtoolbars", Active::Macros),
    ("control", Active::ActiveX),
    ("activexcontrol", Active::ActiveX),
    ("activexcontrolbinary", Active::ActiveX),
    ("oleobject", Active::Ole),
];

/// The parts read so far, to keep the total bounded.
struct Budget(u64);

/// A part as text (XML), bounded in size.
fn read_part<R: Read + Seek>(zip: &mut ZipArchive<R>, index: usize, budget: &mut Budget) -> Result<String, Refusal> {
    let entry = zip.by_index(index).map_err(|_| Refusal::NotAccepted)?;
    let mut text = String::new();
    entry.take(MAX_XML + 1).read_to_string(&mut text).map_err(|_| Refusal::NotAccepted)?;
    budget.0 += text.len() as u64;
    if text.len() as u64 > MAX_XML || budget.0 > MAX_XML_TOTAL {
        return Err(Refusal::NotAccepted);
    }
    Ok(text)
}

fn parse(text: &str) -> Result<roxmltree::Document<'_>, Refusal> {
    roxmltree::Document::parse(text).map_err(|_| Refusal::NotAccepted)
}

fn elements<'a, 'input>(
    doc: &'a roxmltree::Document<'input>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> {
    doc.descendants().filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// The part name of an archive entry as OPC writes it: `/word/document.xml`, compared case-insensitively.
fn part_name(entry: &str) -> String {
    format!("/{}", entry.trim_start_matches('/')).to_lowercase()
}

/// The package's content types: defaults by extension and overrides by part name.
struct ContentTypes {
    defaults: HashMap<String, String>,
    overrides: HashMap<String, String>,
}

impl ContentTypes {
    fn of(&self, part: &str) -> Option<&str> {
        let ext = part.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        self.overrides.get(part).or_else(|| self.defaults.get(ext)).map(String::as_str)
    }
}

fn content_types(text: &str) -> Result<ContentTypes, Refusal> {
    let doc = parse(text)?;
    let attr = |n: roxmltree::Node, a| n.attribute(a).unwrap_or("").to_string();
    let defaults = elements(&doc, "Default")
        .map(|n| (attr(n, "Extension").to_lowercase(), attr(n, "ContentType").to_lowercase()))
        .collect();
    let overrides = elements(&doc, "Override")
        .map(|n| (attr(n, "PartName").to_lowercase(), attr(n, "ContentType").to_lowercase()))
        .collect();
    Ok(ContentTypes { defaults, overrides })
}

/// Relationship parts: `_rels/.rels` and `<folder>/_rels/<part>.rels`.
fn is_relationships(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".rels") && (lower.starts_with("_rels/") || lower.contains("/_rels/"))
}

/// Check a package; Ok only for a plain Word document without active content.
pub fn check<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Result<DocType, Refusal> {
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|_| Refusal::NotAccepted)?;
    let mut budget = Budget(0);
    let index = |wanted: &str| names.iter().position(|n| n.eq_ignore_ascii_case(wanted));
    let types_index = index("[Content_Types].xml").ok_or(Refusal::NotAccepted)?;
    let types = content_types(&read_part(zip, types_index, &mut budget)?)?;
    for content_type in types.defaults.values().chain(types.overrides.values()) {
        if let Some((_, active)) = ACTIVE_TYPES.iter().find(|(t, _)| content_type.contains(t)) {
            return Err(Refusal::Active(*active));
        }
    }
    let mut main = None;
    for (i, name) in names.iter().enumerate() {
        if !is_relationships(name) {
            continue;
        }
        let text = read_part(zip, i, &mut budget)?;
        let doc = parse(&text)?;
        for rel in elements(&doc, "Relationship") {
            let kind = rel.attribute("Type").unwrap_or("").to_lowercase();
            let last = kind.rsplit('/').next().unwrap_or("");
            if let Some((_, active)) = ACTIVE_RELATIONSHIPS.iter().find(|(t, _)| *t == last) {
                return Err(Refusal::Active(*active));
            }
            // Hyperlinks are only followed when clicked; anything else external is fetched on opening.
            if rel.attribute("TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("external")) && last != "hyperlink" {
                return Err(Refusal::Active(Active::External));
            }
            if name.eq_ignore_ascii_case("_rels/.rels") && last == "officedocument" {
                main = rel.attribute("Target").map(part_name);
            }
        }
    }
    // The main document named by the package: present, and typed as a plain Word document.
    let main = main.ok_or(Refusal::NotAccepted)?;
    let present = names.iter().any(|n| part_name(n) == main);
    if present && types.of(&main) == Some(WORD_MAIN) { Ok(DocType::Docx) } else { Err(Refusal::NotAccepted) }
}

#[cfg(test)]
pub mod tests {
    use super::super::sniff::tests::{check, zip};
    use super::*;

    /// A minimal but complete DOCX, with extra content types (extension or part name, type), relationships of
    /// the main document (type, target, external) and parts.
    pub fn docx(types: &[(&str, &str)], rels: &[(&str, &str, bool)], parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut ct = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
        );
        for (k, t) in types {
            if k.starts_with('/') {
                ct.push_str(&format!(r#"<Override PartName="{k}" ContentType="{t}"/>"#));
            } else {
                ct.push_str(&format!(r#"<Default Extension="{k}" ContentType="{t}"/>"#));
            }
        }
        ct.push_str("</Types>");
        let root = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
        let mut doc_rels = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        );
        for (i, (t, target, external)) in rels.iter().enumerate() {
            let mode = if *external { r#" TargetMode="External""# } else { "" };
            doc_rels.push_str(&format!(r#"<Relationship Id="rId{}" Type="{t}" Target="{target}"{mode}/>"#, i + 10));
        }
        doc_rels.push_str("</Relationships>");
        let mut entries: Vec<(&str, &[u8])> = vec![
            ("[Content_Types].xml", ct.as_bytes()),
            ("_rels/.rels", root.as_bytes()),
            (
                "word/document.xml",
                b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>",
            ),
            ("word/_rels/document.xml.rels", doc_rels.as_bytes()),
        ];
        entries.extend_from_slice(parts);
        zip(&entries)
    }

    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
    const MS_REL: &str = "http://schemas.microsoft.com/office/2006/relationships/";

    #[test]
    fn a_plain_document_with_links_and_pictures_passes() {
        let d = docx(
            &[("png", "image/png")],
            &[
                (&format!("{REL}hyperlink"), "https://example.org/dpia", true),
                (&format!("{REL}image"), "media/image1.png", false),
            ],
            &[("word/media/image1.png", b"\x89PNG\r\n\x1a\n")],
        );
        assert_eq!(check(&d), Ok(DocType::Docx));
    }

    #[test]
    fn a_vba_project_under_another_name_is_refused() {
        // Declared by its content type, or only related from the document: either one is enough.
        let by_type =
            docx(&[("/word/macros.bin", "application/vnd.ms-office.vbaProject")], &[], &[("word/macros.bin", b"x")]);
        assert_eq!(check(&by_type), Err(Refusal::Active(Active::Macros)));
        let by_rel = docx(&[], &[(&format!("{MS_REL}vbaProject"), "macros.bin", false)], &[("word/macros.bin", b"x")]);
        assert_eq!(check(&by_rel), Err(Refusal::Active(Active::Macros)));
        let default = docx(&[("dat", "application/vnd.ms-office.vbaProject")], &[], &[("word/x.dat", b"x")]);
        assert_eq!(check(&default), Err(Refusal::Active(Active::Macros)));
    }

    #[test]
    fn macro_enabled_and_other_packages_are_refused() {
        let docm = docx(&[("/word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")], &[], &[]);
        assert_eq!(check(&docm), Err(Refusal::Active(Active::Macros)));
        let xlsm = docx(&[("/xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml")], &[], &[]);
        assert_eq!(check(&xlsm), Err(Refusal::Active(Active::Macros)));
        // A spreadsheet or template is no Word document.
        let xlsx = zip(&[
            ("[Content_Types].xml", br#"<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#),
            ("_rels/.rels", br#"<Relationships><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", b"<workbook/>"),
        ]);
        assert_eq!(check(&xlsx), Err(Refusal::NotAccepted));
        let dotx = docx(
            &[(
                "/word/document.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
            )],
            &[],
            &[],
        );
        assert_eq!(check(&dotx), Err(Refusal::NotAccepted));
    }

    #[test]
    fn activex_ole_and_external_targets_are_refused() {
        let activex = docx(&[("/word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml")], &[], &[]);
        assert_eq!(check(&activex), Err(Refusal::Active(Active::ActiveX)));
        let control = docx(&[], &[(&format!("{REL}control"), "activeX/activeX1.xml", false)], &[]);
        assert_eq!(check(&control), Err(Refusal::Active(Active::ActiveX)));
        let ole = docx(&[("bin", "application/vnd.openxmlformats-officedocument.oleObject")], &[], &[]);
        assert_eq!(check(&ole), Err(Refusal::Active(Active::Ole)));
        // Remote template injection, and an OLE link to a remote file (as in CVE-2022-30190).
        let template = docx(&[], &[(&format!("{REL}attachedTemplate"), "https://evil.example/t.dotm", true)], &[]);
        assert_eq!(check(&template), Err(Refusal::Active(Active::External)));
        let remote_ole = docx(&[], &[(&format!("{REL}oleObject"), "mhtml:https://evil.example/!x", true)], &[]);
        assert_eq!(check(&remote_ole), Err(Refusal::Active(Active::Ole)));
        let frame = docx(&[], &[(&format!("{REL}frame"), "https://evil.example/", true)], &[]);
        assert_eq!(check(&frame), Err(Refusal::Active(Active::External)));
    }

    #[test]
    fn broken_packages_are_refused() {
        // No main document, a main document that is missing, XML that is not XML.
        let none = zip(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<x/>")]);
        assert_eq!(check(&none), Err(Refusal::NotAccepted));
        let bad = zip(&[("[Content_Types].xml", b"<Types"), ("_rels/.rels", b"<x/>")]);
        assert_eq!(check(&bad), Err(Refusal::NotAccepted));
        let mut big = b"<Types>".to_vec();
        big.resize(MAX_XML as usize + 10, b' ');
        assert_eq!(check(&zip(&[("[Content_Types].xml", &big)])), Err(Refusal::NotAccepted));
    }
}
