use super::*;

/// A valid 1×1 RGBA PNG (zlib data and CRCs correct): signature, IHDR, IDAT, IEND.
pub const PNG_1X1: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";

#[test]
fn png_dimensions_and_damage() {
    assert_eq!(png(PNG_1X1), Ok((1, 1)));
    assert_eq!(check(PNG_1X1).unwrap().media_type, "image/png");
    let cut = &PNG_1X1[..PNG_1X1.len() - 12];
    assert!(check(cut).unwrap_err().contains("geen geldig PNG"));
    let mut huge = PNG_1X1.to_vec();
    huge[16..20].copy_from_slice(&5000u32.to_be_bytes());
    assert!(check(&huge).unwrap_err().contains("5000 × 1 pixels"));
}

#[test]
fn not_an_image_and_size() {
    assert!(check(b"%PDF-1.7 hallo").unwrap_err().contains("geen PNG- of SVG"));
    assert!(check(b"").unwrap_err().contains("Kies bij Logo"));
    assert!(check(&vec![b' '; MAX_BYTES + 1]).unwrap_err().contains("groter dan 256 kB"));
    assert!(check(b"<html><body>x</body></html>").unwrap_err().contains("geen PNG- of SVG"));
}

#[test]
fn svg_kept_and_cleaned() {
    let input = r##"<?xml version="1.0"?>
<!-- editor -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10" inkscape:version="1.0">
  <metadata><rdf>x</rdf></metadata>
  <title>Gemeente &amp; Co</title>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
  <rect width="10" height="10" fill="url(#g)" data-x="1" style="fill: red"/>
  <use xlink:href="#g"/>
</svg>"##;
    let out = svg(input).unwrap();
    assert_eq!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><title>Gemeente &amp; Co</title><defs>\
<linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#fff\"></stop></linearGradient></defs>\
<rect width=\"10\" height=\"10\" fill=\"url(#g)\" style=\"fill: red\"></rect><use href=\"#g\"></use></svg>"
    );
    // The cleaned output is itself accepted unchanged.
    assert_eq!(svg(&out).unwrap(), out);
}

#[test]
fn svg_dangers_refused() {
    let wrap = |inner: &str| {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 1 1">{inner}</svg>"#
        )
    };
    for (inner, says) in [
        ("<script>alert(1)</script>", "een script"),
        ("<SCRIPT>alert(1)</SCRIPT>", "een script"),
        ("<metadata><script>alert(1)</script></metadata>", "een script"),
        (r#"<rect onload="alert(1)"/>"#, "onload"),
        (r#"<g onClick="x()"/>"#, "onClick"),
        ("<foreignObject><p>x</p></foreignObject>", "foreignObject"),
        (r#"<use xlink:href="http://evil.example/x.svg#a"/>"#, "href"),
        (r#"<a href="https://evil.example/">x</a>"#, "href"),
        (r#"<image href="data:image/png;base64,AAAA"/>"#, "href"),
        (r#"<rect fill="url(http://evil.example/x)"/>"#, "url"),
        (r#"<rect style="fill: url('https://evil.example/x')"/>"#, "url"),
        (r#"<set attributeName="x" to="javascript:alert(1)"/>"#, "javascript:"),
    ] {
        let err = svg(&wrap(inner)).unwrap_err();
        assert!(err.contains(says), "{inner}: {err}");
        assert!(err.contains("Logo"), "{err}");
    }
    // A DTD (entity expansion) is refused outright.
    let dtd = r#"<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&a;</text></svg>"#;
    assert!(svg(dtd).unwrap_err().contains("DTD"));
    // Not SVG, or without a size.
    assert!(svg("<svg viewBox=\"0 0 1 1\"/>").is_err());
    assert!(svg(r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#).unwrap_err().contains("viewBox"));
    // A style attribute with an at-rule is dropped, the element kept.
    assert_eq!(
        svg(&wrap(r#"<rect style="@import 'x'"/>"#)).unwrap(),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><rect></rect></svg>"
    );
}
