//! An organisation's logo as uploaded: a PNG is checked (signature, header, dimensions), an SVG is parsed
//! with roxmltree (no DTD, so no entities) and written out again from an allow-list of elements and
//! attributes. What could run or fetch something (script, event handlers, foreignObject, links outside the
//! file) refuses the upload with a message; what is merely unknown (editor metadata) is left out.

use std::fmt::Write;

use roxmltree::{Document, Node, ParsingOptions};

/// The largest logo file (the database allows the same).
pub const MAX_BYTES: usize = 256 * 1024;
/// The largest width or height of a PNG, in pixels: a header logo needs far less.
pub const MAX_PIXELS: u32 = 2000;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// A logo that may be stored and served.
#[derive(Debug, PartialEq, Eq)]
pub struct Logo {
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Check an upload; the error is a Dutch sentence about the field "Logo".
pub fn check(data: &[u8]) -> Result<Logo, String> {
    if data.is_empty() {
        return Err("Kies bij Logo een bestand (PNG of SVG).".into());
    }
    if data.len() > MAX_BYTES {
        return Err(format!("Het logo is groter dan {} kB; kies bij Logo een kleiner bestand.", MAX_BYTES / 1024));
    }
    if data.starts_with(PNG_SIGNATURE) {
        png(data)?;
        return Ok(Logo { media_type: "image/png", bytes: data.to_vec() });
    }
    let text = std::str::from_utf8(data).map_err(|_| not_an_image())?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if !trimmed.starts_with('<') {
        return Err(not_an_image());
    }
    Ok(Logo { media_type: "image/svg+xml", bytes: svg(text)?.into_bytes() })
}

fn not_an_image() -> String {
    "Het logo is geen PNG- of SVG-afbeelding; kies bij Logo een PNG- of SVG-bestand.".into()
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The dimensions from the IHDR chunk, which must come first; the file must end with IEND.
fn png(data: &[u8]) -> Result<(u32, u32), String> {
    let broken =
        || "Het logo is geen geldig PNG-bestand (beschadigd of afgekapt); kies bij Logo een ander bestand.".to_string();
    let ihdr = data.get(8..33).ok_or_else(broken)?;
    if ihdr[0..4] != [0, 0, 0, 13] || &ihdr[4..8] != b"IHDR" {
        return Err(broken());
    }
    let width = u32::from_be_bytes([ihdr[8], ihdr[9], ihdr[10], ihdr[11]]);
    let height = u32::from_be_bytes([ihdr[12], ihdr[13], ihdr[14], ihdr[15]]);
    if !data.ends_with(b"IEND\xae\x42\x60\x82") {
        return Err(broken());
    }
    if width == 0 || height == 0 || width > MAX_PIXELS || height > MAX_PIXELS {
        return Err(format!(
            "Het logo is {width} × {height} pixels; bij Logo mag een PNG hoogstens {MAX_PIXELS} × {MAX_PIXELS} pixels zijn."
        ));
    }
    Ok((width, height))
}

const ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "title",
    "desc",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "use",
    "symbol",
    "pattern",
];

const ATTRIBUTES: &[&str] = &[
    "id",
    "class",
    "style",
    "d",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "width",
    "height",
    "viewBox",
    "preserveAspectRatio",
    "points",
    "transform",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-opacity",
    "opacity",
    "clip-path",
    "clip-rule",
    "mask",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "patternUnits",
    "patternTransform",
    "patternContentUnits",
    "clipPathUnits",
    "maskUnits",
    "maskContentUnits",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "letter-spacing",
    "dx",
    "dy",
    "visibility",
    "display",
    "color",
    "href",
    "version",
    "role",
    "aria-label",
];

/// Elements whose text is content (everything else keeps only its elements).
const TEXT_ELEMENTS: &[&str] = &["text", "tspan", "title", "desc"];

/// Parse and write out again; Err with a Dutch message for what is refused.
pub fn svg(text: &str) -> Result<String, String> {
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(text, options).map_err(|_| {
        "Het logo is geen geldig SVG-bestand (geen correcte XML, of met een DTD); kies bij Logo een ander bestand."
            .to_string()
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NS) {
        return Err(not_an_image());
    }
    if root.attribute("viewBox").is_none() && (root.attribute("width").is_none() || root.attribute("height").is_none())
    {
        return Err("Het SVG-logo heeft geen viewBox en geen breedte en hoogte; voeg bij Logo een viewBox toe.".into());
    }
    let mut out = String::with_capacity(text.len());
    write_element(root, &mut out, true)?;
    Ok(out)
}

fn refused(what: &str) -> String {
    format!("Het SVG-logo bevat {what}; dat is niet toegestaan. Kies bij Logo een bestand zonder.")
}

fn write_element(node: Node, out: &mut String, is_root: bool) -> Result<(), String> {
    let name = node.tag_name().name();
    if name.eq_ignore_ascii_case("script") {
        return Err(refused("een script"));
    }
    if name.eq_ignore_ascii_case("foreignObject") {
        return Err(refused("een foreignObject (ingesloten HTML)"));
    }
    for a in node.attributes() {
        check_attribute(a.name(), a.namespace(), a.value())?;
    }
    // Editor metadata, other namespaces, images, animations and links: left out with their content.
    if node.tag_name().namespace() != Some(SVG_NS) || !ELEMENTS.contains(&name) {
        return check_descendants(node);
    }
    out.push('<');
    out.push_str(name);
    if is_root {
        out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
    }
    for a in node.attributes() {
        let allowed = match a.namespace() {
            None => ATTRIBUTES.contains(&a.name()),
            Some(XLINK_NS) => a.name() == "href",
            Some(XML_NS) => a.name() == "space",
            Some(_) => false,
        };
        if !allowed || (a.name() == "style" && !safe_style(a.value())) {
            continue;
        }
        let attr_name = if a.namespace() == Some(XML_NS) { "xml:space" } else { a.name() };
        let _ = write!(out, " {attr_name}=\"{}\"", escape(a.value()));
    }
    out.push('>');
    for child in node.children() {
        if child.is_element() {
            write_element(child, out, false)?;
        } else if child.is_text() && TEXT_ELEMENTS.contains(&name) {
            out.push_str(&escape(child.text().unwrap_or("")));
        }
    }
    let _ = write!(out, "</{name}>");
    Ok(())
}

/// A left-out element's descendants may still not carry what is refused (the upload is refused as a whole).
fn check_descendants(node: Node) -> Result<(), String> {
    for d in node.descendants().skip(1).filter(Node::is_element) {
        let name = d.tag_name().name();
        if name.eq_ignore_ascii_case("script") {
            return Err(refused("een script"));
        }
        if name.eq_ignore_ascii_case("foreignObject") {
            return Err(refused("een foreignObject (ingesloten HTML)"));
        }
        for a in d.attributes() {
            check_attribute(a.name(), a.namespace(), a.value())?;
        }
    }
    Ok(())
}

fn check_attribute(name: &str, namespace: Option<&str>, value: &str) -> Result<(), String> {
    if name.len() > 2 && name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on")) {
        return Err(refused(&format!("een gebeurtenis-attribuut ({name})")));
    }
    let lower = value.to_ascii_lowercase();
    if name == "href" && (namespace.is_none() || namespace == Some(XLINK_NS)) && !value.trim().starts_with('#') {
        return Err(refused("een verwijzing naar buiten het bestand (href)"));
    }
    if lower.contains("javascript:") {
        return Err(refused("een javascript:-verwijzing"));
    }
    if lower.contains("url(") && !only_local_urls(&lower) {
        return Err(refused("een verwijzing naar buiten het bestand (url)"));
    }
    Ok(())
}

/// Every `url(` in a value points inside the file (`url(#id)`).
fn only_local_urls(lower: &str) -> bool {
    lower.match_indices("url(").all(|(i, _)| {
        let rest = lower[i + 4..].trim_start().trim_start_matches(['"', '\'']);
        rest.starts_with('#')
    })
}

/// A style attribute is kept only without at-rules, escapes or old IE expressions.
fn safe_style(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    !(lower.contains('@') || lower.contains('\\') || lower.contains("expression") || lower.contains('<'))
}

fn escape(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            _ => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests;
