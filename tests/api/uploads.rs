//! Uploaded reports and imported files, as found by independent testing (issue 15 item 9): Word documents
//! with active content under any part name, bidi controls in file names, memory under concurrent large
//! uploads, and parser errors in Dutch.

use std::io::Write;

use airegister::auth::roles::Role;
use uuid::Uuid;

use crate::helpers::{ServerProcess, TestApp, location};
use crate::register::complete;

const PL: &str = "pl@uploads.example";

/// An application the project leader may add assessments to, and its assessments path.
async fn setup() -> (TestApp, Uuid, reqwest::Client, String) {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Uploaddam", "gm0404").await;
    let pl = app.user(PL, org, &[Role::Medewerker, Role::Projectleider]).await;
    let c = app.logged_in(PL).await;
    let path = registration(&app, &c, pl, "Rapporttool").await;
    (app, org, c, path)
}

async fn registration(app: &TestApp, c: &reqwest::Client, pl: Uuid, name: &str) -> String {
    let pl = pl.to_string();
    let r = app.post(c, "/register", &complete(name, &pl, &[])).await;
    assert_eq!(r.status(), 303);
    format!("{}/assessments", location(&r))
}

const FIELDS: &[(&str, &str)] = &[("version", "0"), ("kind", "dpia"), ("status", "in_uitvoering")];

/// A DOCX as Word writes one, with extra content-type declarations, relationships of the document
/// (type, target, external) and parts.
fn docx(types: &str, rels: &str, parts: &[(&str, &[u8])]) -> Vec<u8> {
    let ct = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>{types}</Types>"#
    );
    let root = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let doc_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
    );
    let document = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>DPIA</w:t></w:r></w:p></w:body></w:document>"#;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut all: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", ct.as_bytes()),
        ("_rels/.rels", root.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", doc_rels.as_bytes()),
    ];
    all.extend_from_slice(parts);
    for (name, data) in all {
        w.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[tokio::test]
async fn word_documents_with_active_content_are_refused_whatever_their_parts_are_called() {
    let (app, org, c, path) = setup().await;
    let docs = "select count(*) from assessment_document where organisation_id = $1";
    // A VBA project stored as word/macros.bin: declared by its content type and related from the document.
    let vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 VBA project";
    let macros = docx(
        r#"<Override PartName="/word/macros.bin" ContentType="application/vnd.ms-office.vbaProject"/>"#,
        r#"<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="macros.bin"/>"#,
        &[("word/macros.bin", vba)],
    );
    let r = app.post_multipart(&c, &path, FIELDS, Some(("document", "DPIA.docx", &macros)), true).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    // On the file field.
    assert!(body.contains("id=\"document-error\">Dit document bevat macro&#39;s (VBA of andere scripts)"), "{body}");
    // Only the relationship, under yet another name and type.
    let related = docx(
        r#"<Default Extension="dat" ContentType="application/octet-stream"/>"#,
        r#"<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="media/x.dat"/>"#,
        &[("word/media/x.dat", b"not a compound file")],
    );
    let r = app.post_multipart(&c, &path, FIELDS, Some(("document", "DPIA.docx", &related)), true).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("bevat macro&#39;s"));
    // A macro-enabled main document renamed to .docx.
    let docm = docx(
        r#"<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>"#,
        "",
        &[],
    );
    let r = app.post_multipart(&c, &path, FIELDS, Some(("document", "DPIA.docx", &docm)), true).await;
    assert_eq!(r.status(), 422);
    // A template fetched from elsewhere when the document opens.
    let remote = docx(
        "",
        r#"<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="https://evil.example/t.dotm" TargetMode="External"/>"#,
        &[],
    );
    let r = app.post_multipart(&c, &path, FIELDS, Some(("document", "DPIA.docx", &remote)), true).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("een koppeling naar een extern sjabloon of bestand"));
    // An ActiveX control.
    let activex = docx(
        r#"<Override PartName="/word/activeX/activeX1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>"#,
        "",
        &[("word/activeX/activeX1.xml", b"<ax/>")],
    );
    let r = app.post_multipart(&c, &path, FIELDS, Some(("document", "DPIA.docx", &activex)), true).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("ActiveX-besturingselementen"));
    assert_eq!(app.count(docs, org).await, 0);

    // The same document without them, with a link the reader may click, is taken.
    let plain = docx(
        "",
        r#"<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://intranet.example/dpia" TargetMode="External"/>"#,
        &[],
    );
    let r = app.post_multipart(&c, &path, FIELDS, Some(("document", "DPIA.docx", &plain)), true).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(app.count(docs, org).await, 1);
}

#[tokio::test]
async fn bidi_controls_never_reach_a_stored_shown_or_sent_file_name() {
    let (app, org, c, path) = setup().await;
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
    // A right-to-left override makes "rapport<RLO>fdp.exe" read as "rapportexe.pdf": the real extension counts.
    let r = app.post_multipart(&c, &path, FIELDS, Some(("document", "rapport\u{202E}fdp.exe", pdf)), true).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("eindigt op .exe"), "{body}");
    assert!(!body.contains('\u{202E}'));

    let r = app
        .post_multipart(
            &c,
            &path,
            FIELDS,
            Some(("document", "DPIA\u{202E}\u{2066}\u{200F} 2026\u{061C}.pdf", pdf)),
            true,
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (aid, stored): (Uuid, String) = sqlx::query_as(
        "select s.assessment_id, d.file_name from assessment s join assessment_document d using (document_id)
         where d.organisation_id = $1",
    )
    .bind(org)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, "DPIA 2026.pdf");

    // A name stored before (or around) the upload check is cleaned where it is shown and sent.
    sqlx::query("update assessment_document set file_name = $2 where organisation_id = $1")
        .bind(org)
        .bind("oud\u{202E}fdp.exe\u{202C}.pdf")
        .execute(&app.pool)
        .await
        .unwrap();
    let list = app.get(&c, &path).await.text().await.unwrap();
    assert!(list.contains("oudfdp.exe.pdf"), "{list}");
    let form = app.get(&c, &format!("{path}/{aid}")).await.text().await.unwrap();
    assert!(!list.contains('\u{202E}') && !form.contains('\u{202E}') && !form.contains('\u{202C}'));
    let r = app.get(&c, &format!("{path}/{aid}/document")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"oudfdp.exe.pdf\"; filename*=UTF-8''oudfdp.exe.pdf"
    );
}

/// Peak and current resident memory of a process, in kB.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    };
    (kb("VmHWM:").unwrap(), kb("VmRSS:").unwrap())
}

#[tokio::test]
async fn four_concurrent_25_mb_uploads_are_not_held_in_memory() {
    let (app, org, c, first) = setup().await;
    let pl: Uuid = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind(PL)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut paths = vec![first];
    for n in 1..4 {
        paths.push(registration(&app, &c, pl, &format!("Rapporttool {n}")).await);
    }
    // The server as its own process, so its memory is its own.
    let server = ServerProcess::start(&app.database_url().await, &[]);
    let remote = TestApp { base: server.base.clone(), pool: app.pool.clone() };
    let c = remote.logged_in(PL).await;
    let size = 25 * 1024 * 1024 - 4096;
    let files: Vec<Vec<u8>> = (0..4u8)
        .map(|n| {
            let mut b = b"%PDF-1.7\n".to_vec();
            // Not all zeros, and different per file (the checksums are compared below).
            b.extend((0..size - b.len()).map(|i| (i as u8).wrapping_mul(31).wrapping_add(n)));
            b
        })
        .collect();
    let pid = server.child.id();
    let (before, _) = memory(pid);
    let uploads = paths.iter().zip(&files).map(|(path, file)| {
        let (remote, c) = (&remote, &c);
        async move { remote.post_multipart(c, path, FIELDS, Some(("document", "groot rapport.pdf", file)), true).await }
    });
    for r in futures_util::future::join_all(uploads).await {
        assert_eq!(r.status(), 303);
    }
    let (peak, _) = memory(pid);
    let grew = (peak - before) / 1024;
    println!("server peak grew by {grew} MB for 4 concurrent uploads of 25 MB");
    // Holding each upload several times (the body, two parsed copies, the database driver's two buffers) took
    // 380-450 MB here; streamed (the CSRF check reads only as far as the token), the peak stays near where it
    // was before the uploads.
    assert!(grew < 100, "peak resident memory grew by {grew} MB");
    let stored: Vec<(i32, Vec<u8>)> = sqlx::query_as(
        "select size_bytes, sha256 from assessment_document where organisation_id = $1 and sha256 = sha256(content)",
    )
    .bind(org)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), 4, "all four stored whole, with their checksum");
    assert!(stored.iter().all(|(s, _)| *s as usize == size));
}

#[tokio::test]
async fn import_parse_errors_are_reported_in_dutch() {
    let app = TestApp::spawn().await;
    let org = app.org("Gemeente Import", "gm0002").await;
    app.user("beheerder@import.example", org, &[Role::Beheerder]).await;
    let c = app.logged_in("beheerder@import.example").await;
    let broken = b"[\n  {\"name\": \"Chatbot\",\n   \"status\": \"In gebruik\"\n";
    let r = app.post_multipart(&c, "/publicatie/import", &[], Some(("bestand", "lijst.json", broken)), true).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(
            "Het bestand kan niet worden ingelezen: geen geldige JSON (regel 4, kolom 0: onverwacht einde van het \
             bestand: een object { … } wordt niet afgesloten). Er is niets opgeslagen."
        ),
        "{html}"
    );
    for english in ["EOF", "while parsing", " at line ", "expected"] {
        assert!(!html.contains(english), "{english}: {html}");
    }
    let r = app.post_multipart(&c, "/publicatie/import", &[], Some(("bestand", "x.json", b"{\"a\": 1,}")), true).await;
    assert!(r.text().await.unwrap().contains("regel 1, kolom 9: overbodige komma voor ] of }"));

    // The command line says the same.
    let dir = crate::helpers::scratch_dir("import-nl");
    let file = dir.join("lijst.json");
    std::fs::write(&file, broken).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airegister"))
        .args(["import", file.to_str().unwrap()])
        .env("DATABASE_URL", app.database_url().await)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(all.contains("geen geldige JSON (regel 4, kolom 0: onverwacht einde van het bestand"), "{all}");
    for english in ["EOF", "while parsing", " at line "] {
        assert!(!all.contains(english), "{english}: {all}");
    }
}

/// The CSRF check reads an upload's body only as far as its token (the forms send it first) and lets the rest
/// stream on; the token still decides, and a body over the limit still gets the Dutch 413.
#[tokio::test]
async fn an_upload_is_checked_by_its_leading_token_and_limited_in_size() {
    let (app, org, c, path) = setup().await;
    let docs = "select count(*) from assessment_document where organisation_id = $1";
    let pdf: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
    let token = app.csrf(&c).await;
    let boundary = "----airegister-test-token";
    let body = |fields: &[(&str, &str)], file: &[u8]| {
        let mut b: Vec<u8> = Vec::new();
        for (k, v) in fields {
            write!(b, "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").unwrap();
        }
        write!(b, "--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"r.pdf\"\r\n\r\n")
            .unwrap();
        b.extend_from_slice(file);
        write!(b, "\r\n--{boundary}--\r\n").unwrap();
        b
    };
    let send = |url: String, b: Vec<u8>| {
        c.post(url).header("content-type", format!("multipart/form-data; boundary={boundary}")).body(b).send()
    };
    let mut fields: Vec<(&str, &str)> = vec![("csrf_token", &token)];
    fields.extend_from_slice(FIELDS);
    // A wrong token, and a token that is not among the leading parts (after 100 KB of another field): 403.
    let wrong: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| if *k == "csrf_token" { (*k, "0".repeat(64).leak() as &str) } else { (*k, *v) })
        .collect();
    assert_eq!(send(app.url(&path), body(&wrong, pdf)).await.unwrap().status(), 403);
    let filler = "x".repeat(100 * 1024);
    let mut late: Vec<(&str, &str)> = vec![("toelichting", &filler)];
    late.extend_from_slice(&fields);
    assert_eq!(send(app.url(&path), body(&late, pdf)).await.unwrap().status(), 403);
    assert_eq!(app.count(docs, org).await, 0);
    // Over the whole form's limit (26 MB): the Dutch 413, for a report and (as the CISO) for an import.
    let huge = vec![b'0'; 27 * 1024 * 1024];
    let r = send(app.url(&path), body(&fields, &huge)).await.unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("Formulier te groot"));
    app.user("ciso@uploads.example", org, &[Role::Medewerker, Role::Ciso]).await;
    let ciso = app.logged_in("ciso@uploads.example").await;
    let ciso_token = app.csrf(&ciso).await;
    let r = ciso
        .post(app.url("/publicatie/import"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body(&[("csrf_token", &ciso_token)], &huge))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("Formulier te groot"));
    // The token first, as the form sends it: stored.
    let r = send(app.url(&path), body(&fields, pdf)).await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(app.count(docs, org).await, 1);
}
