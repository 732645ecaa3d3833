//! The Algoritmekader's requirements (vereisten) and measures (maatregelen) as reference data: Markdown files
//! with YAML front matter, parsed and checked as a whole like the decision tree (ids unique, every link of a
//! measure to a requirement resolves, every front-matter value is a known label, every measure named in the
//! audit-framework mapping exists), so a newer copy is a file replacement and a broken one stops the start.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::rule::{self, Expr};

/// The profile categories of a requirement's front matter, in the order the Algoritmekader shows them.
pub const CATEGORIES: [&str; 6] =
    ["soort-toepassing", "risicogroep", "rol-ai-act", "transparantieverplichting", "systeemrisico", "open-source"];

/// The labels each category may hold.
pub fn known_values(category: &str) -> &'static [&'static str] {
    match category {
        "soort-toepassing" => {
            &["ai-systeem", "ai-systeem-voor-algemene-doeleinden", "ai-model-voor-algemene-doeleinden"]
        }
        // "niet-van-toepassing": general-purpose models have no risk group of their own.
        "risicogroep" => &[
            "hoog-risico-ai-systeem",
            "geen-hoog-risico-ai-systeem",
            "verboden-ai",
            "uitzondering-van-toepassing",
            "niet-van-toepassing",
        ],
        "rol-ai-act" => &["aanbieder", "gebruiksverantwoordelijke", "importeur", "distributeur"],
        "transparantieverplichting" => {
            &["transparantieverplichting", "geen-transparantieverplichting", "niet-van-toepassing"]
        }
        "systeemrisico" => &["systeemrisico", "geen-systeemrisico", "niet-van-toepassing"],
        "open-source" => &["open-source", "geen-open-source", "niet-van-toepassing"],
        "levenscyclus" => &LIFECYCLE,
        "onderwerp" => &[
            "bias-en-non-discriminatie",
            "data",
            "duurzaamheid",
            "fundamentele-rechten",
            "governance",
            "menselijke-controle",
            "privacy-en-gegevensbescherming",
            "publieke-inkoop",
            "technische-robuustheid-en-veiligheid",
            "transparantie",
        ],
        "rollen" => &["beleid-en-advies", "jurist", "ontwikkelaar", "projectleider"],
        _ => &[],
    }
}

/// The lifecycle phases of the Algoritmekader, in order.
pub static LIFECYCLE: [&str; 9] = [
    "organisatieverantwoordelijkheden",
    "probleemanalyse",
    "ontwerp",
    "dataverkenning-en-datapreparatie",
    "ontwikkelen",
    "verificatie-en-validatie",
    "implementatie",
    "monitoring-en-beheer",
    "uitfaseren",
];

/// Links in v2.5.1 that name a file that does not exist, each with the file it evidently means (same number or
/// same subject), or None where no requirement of this version is meant (the link is left out). Only these are
/// corrected; any other dangling link fails the check.
pub const CORRECTIONS: [(&str, Option<&str>); 6] = [
    (
        "aia-06-documentatie-beoordeling-niet-hoog-risico-ai",
        Some("aia-02-documentatie-beoordeling-niet-hoog-risico-ai"),
    ),
    (
        "aia-08-transparantie-aan-gebruikersverantwoordelijken",
        Some("aia-08-transparantie-aan-gebruiksverantwoordelijken"),
    ),
    ("aia-28-transparantieverplichtingen-richting-natuurlijke-personen", Some("aia-28-transparantieverplichtingen")),
    ("aia-37-melding-ernstige-incidenten", Some("aia-35-melding-ernstige-incidenten")),
    ("aia-09-menselijke-toezicht", Some("aia-09-menselijk-toezicht")),
    // "Providing information on request" is no requirement of 2.5.1 (aia-20 is the deployers' measures).
    ("aia-20-verstrekken-van-informatie-op-verzoek", None),
];

#[derive(Debug, Clone)]
pub struct Requirement {
    /// The short id ("aia-03"), the last part of the urn.
    pub id: String,
    /// The file name without `.md` (what measures link to).
    pub file: String,
    pub title: String,
    pub summary: String,
    pub lifecycle: Vec<String>,
    pub topics: Vec<String>,
    /// Category → the labels for which the requirement applies.
    pub profile: BTreeMap<String, Vec<String>>,
    /// Exceptions as written, and parsed: when one holds the requirement does not apply.
    pub exceptions: Vec<(String, Expr)>,
    /// Ids of the measures that name this requirement.
    pub measures: Vec<String>,
}

/// One criterion of an audit framework that a measure answers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    /// "ADR" (Onderzoekskader Auditdienst Rijk) or "ARK" (Toetsingskader Algemene Rekenkamer).
    pub framework: String,
    pub number: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Measure {
    pub id: String,
    pub file: String,
    pub title: String,
    pub summary: String,
    pub lifecycle: Vec<String>,
    pub roles: Vec<String>,
    /// Ids of the requirements it serves (links resolved).
    pub requirements: Vec<String>,
    pub criteria: Vec<Criterion>,
}

/// The checked Algoritmekader.
#[derive(Debug, Clone)]
pub struct Kader {
    pub version: String,
    /// SHA-256 over every file (name and bytes, in name order).
    pub sha256: String,
    pub requirements: Vec<Requirement>,
    pub measures: Vec<Measure>,
    /// The corrections that were needed (a test checks each one still is).
    pub corrected: Vec<String>,
}

impl Kader {
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }
    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measures.iter().find(|m| m.id == id)
    }
}

#[derive(Debug, Deserialize)]
struct Front {
    title: String,
    id: String,
    #[serde(default)]
    toelichting: String,
    #[serde(default)]
    levenscyclus: Vec<String>,
    #[serde(default)]
    onderwerp: Vec<String>,
    #[serde(default)]
    rollen: Vec<String>,
    #[serde(default)]
    vereiste: Vec<String>,
    #[serde(default)]
    uitzondering: Vec<String>,
    #[serde(flatten)]
    rest: BTreeMap<String, yaml_serde::Value>,
}

/// The YAML between the opening and closing `---` (one file of 2.5.1 has Windows line ends).
fn front_matter(file: &str, text: &str) -> Result<String, String> {
    let text = text.replace("\r\n", "\n");
    let body = text.strip_prefix("---\n").ok_or_else(|| format!("{file}: begint niet met front matter (---)"))?;
    let end = body.find("\n---").ok_or_else(|| format!("{file}: front matter zonder afsluitende ---"))?;
    Ok(body[..end].to_string())
}

fn short_id(file: &str, urn: &str, kind: &str) -> Result<String, String> {
    urn.strip_prefix(&format!("urn:nl:ak:{kind}:"))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| format!("{file}: id {urn:?} is geen urn:nl:ak:{kind}:…"))
}

fn check_values(file: &str, category: &str, values: &[String]) -> Result<(), String> {
    let known = known_values(category);
    match values.iter().find(|v| !known.contains(&v.as_str())) {
        Some(v) => Err(format!("{file}: onbekende waarde {v:?} bij {category}")),
        None => Ok(()),
    }
}

fn strings(file: &str, category: &str, v: Option<&yaml_serde::Value>) -> Result<Vec<String>, String> {
    let list = v.and_then(|v| v.as_sequence()).ok_or_else(|| format!("{file}: {category} ontbreekt"))?;
    list.iter()
        .map(|x| x.as_str().map(str::to_string).ok_or_else(|| format!("{file}: {category} bevat geen tekst")))
        .collect()
}

fn requirement(file: &str, text: &str) -> Result<Requirement, String> {
    let f: Front = yaml_serde::from_str(&front_matter(file, text)?).map_err(|e| format!("{file}: {e}"))?;
    let mut profile = BTreeMap::new();
    for c in CATEGORIES {
        let values = strings(file, c, f.rest.get(c))?;
        check_values(file, c, &values)?;
        profile.insert(c.to_string(), values);
    }
    check_values(file, "levenscyclus", &f.levenscyclus)?;
    check_values(file, "onderwerp", &f.onderwerp)?;
    check_values(file, "rollen", &f.rollen)?;
    let exceptions = f
        .uitzondering
        .iter()
        .map(|x| rule::parse(x).map(|e| (x.clone(), e)).map_err(|e| format!("{file}: uitzondering {x:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    for (text, e) in &exceptions {
        if let Some(l) = e.labels().into_iter().find(|l| !rule::is_known_label(l)) {
            return Err(format!("{file}: uitzondering {text:?} noemt onbekend label {l:?}"));
        }
    }
    Ok(Requirement {
        id: short_id(file, &f.id, "ver")?,
        file: stem(file),
        title: f.title,
        summary: f.toelichting,
        lifecycle: f.levenscyclus,
        topics: f.onderwerp,
        profile,
        exceptions,
        measures: Vec::new(),
    })
}

fn measure(
    file: &str,
    text: &str,
    by_file: &BTreeMap<String, String>,
    corrected: &mut Vec<String>,
) -> Result<Measure, String> {
    let f: Front = yaml_serde::from_str(&front_matter(file, text)?).map_err(|e| format!("{file}: {e}"))?;
    check_values(file, "levenscyclus", &f.levenscyclus)?;
    check_values(file, "rollen", &f.rollen)?;
    let mut requirements = Vec::new();
    for link in &f.vereiste {
        let target = match by_file.get(link) {
            Some(id) => id.clone(),
            None => {
                let (_, to) = CORRECTIONS
                    .iter()
                    .find(|(from, _)| from == link)
                    .ok_or_else(|| format!("{file}: vereiste {link:?} bestaat niet"))?;
                let Some(to) = to else {
                    corrected.push(format!("{file}: {link} weggelaten (geen vereiste van deze versie)"));
                    continue;
                };
                corrected.push(format!("{file}: {link} → {to}"));
                by_file.get(*to).cloned().ok_or_else(|| format!("{file}: vereiste {to:?} bestaat niet"))?
            }
        };
        if !requirements.contains(&target) {
            requirements.push(target);
        }
    }
    Ok(Measure {
        id: short_id(file, &f.id, "mtr")?,
        file: stem(file),
        title: f.title,
        summary: f.toelichting,
        lifecycle: f.levenscyclus,
        roles: f.rollen,
        requirements,
        criteria: Vec::new(),
    })
}

fn stem(file: &str) -> String {
    file.rsplit('/').next().unwrap_or(file).trim_end_matches(".md").to_string()
}

/// Parse and check a whole copy: `files` are (`vereisten/…md` or `maatregelen/…md`, text), `mapping` and
/// `texts` the two CSV files of the audit frameworks.
pub fn parse(version: &str, files: &[(String, String)], mapping: &str, texts: &str) -> Result<Kader, String> {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, text) in &sorted {
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update(text.as_bytes());
        hash.update([0]);
    }
    for text in [mapping, texts] {
        hash.update(text.as_bytes());
        hash.update([0]);
    }
    let is_page = |n: &str, dir: &str| n.starts_with(dir) && !n.ends_with("/index.md");
    let mut requirements = Vec::new();
    for (name, text) in sorted.iter().filter(|(n, _)| is_page(n, "vereisten/")) {
        requirements.push(requirement(name, text)?);
    }
    unique(requirements.iter().map(|r| r.id.as_str()), "vereiste")?;
    let by_file: BTreeMap<String, String> = requirements.iter().map(|r| (r.file.clone(), r.id.clone())).collect();
    let (mut measures, mut corrected) = (Vec::new(), Vec::new());
    for (name, text) in sorted.iter().filter(|(n, _)| is_page(n, "maatregelen/")) {
        measures.push(measure(name, text, &by_file, &mut corrected)?);
    }
    unique(measures.iter().map(|m| m.id.as_str()), "maatregel")?;
    if requirements.is_empty() || measures.is_empty() {
        return Err("geen vereisten of geen maatregelen gevonden".into());
    }
    attach_criteria(&mut measures, mapping, texts)?;
    for r in &mut requirements {
        r.measures = measures.iter().filter(|m| m.requirements.contains(&r.id)).map(|m| m.id.clone()).collect();
    }
    let sha256 = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Kader { version: version.to_string(), sha256, requirements, measures, corrected })
}

fn unique<'a>(ids: impl Iterator<Item = &'a str>, what: &str) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(format!("{what} {id} komt meer dan eens voor"));
        }
    }
    Ok(())
}

/// The audit frameworks: `relatie-ak-tot-toetsingskaders.csv` (criterion, framework, the measures' urns) and
/// `maatregelen-adr-ark.csv` (criterion; text; framework, `;`-separated with quoted multi-line texts).
fn attach_criteria(measures: &mut [Measure], mapping: &str, texts: &str) -> Result<(), String> {
    let mut text_of = BTreeMap::new();
    for record in csv_records(texts, ';').into_iter().skip(1) {
        if let [number, text, ..] = record.as_slice() {
            text_of.insert(number.clone(), text.trim().to_string());
        }
    }
    for record in csv_records(mapping, ',').into_iter().skip(1) {
        let [number, framework, urns, ..] = record.as_slice() else { continue };
        for urn in urns.split('\'').filter(|s| s.starts_with("urn:")) {
            let id = urn.trim_start_matches("urn:nl:ak:mtr:");
            let m = measures.iter_mut().find(|m| m.id == id).ok_or_else(|| {
                format!("relatie-ak-tot-toetsingskaders.csv: {number} noemt onbekende maatregel {urn}")
            })?;
            let text = text_of.get(number).cloned().unwrap_or_default();
            m.criteria.push(Criterion { framework: framework.clone(), number: number.clone(), text });
        }
    }
    Ok(())
}

/// Records of a CSV text: fields split at `sep`, double-quoted fields may hold separators and line breaks.
fn csv_records(text: &str, sep: char) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => record.push(std::mem::take(&mut field)),
            '\n' if !quoted => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            '\r' if !quoted => {}
            c => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built_in() -> Kader {
        super::super::load().expect("the built-in Algoritmekader").clone()
    }

    #[test]
    fn the_built_in_copy_loads_with_all_its_requirements_and_measures() {
        let k = built_in();
        assert_eq!(k.version, "2.5.1");
        assert_eq!(k.requirements.len(), 63);
        assert_eq!(k.measures.len(), 108);
        assert_eq!(k.sha256.len(), 64);
        assert_eq!(k.corrected.len(), CORRECTIONS.len(), "each correction is needed once: {:?}", k.corrected);
        let owp06 = k.measure("owp-06").expect("owp-06");
        assert_eq!(owp06.requirements, ["grw-01", "avg-11"]);
        assert!(owp06.criteria.iter().any(|c| c.framework == "ADR" && c.number == "SV.4"));
        assert!(owp06.criteria[0].text.starts_with("De impact van het algoritme"));
        assert!(k.requirement("grw-01").expect("grw-01").measures.contains(&"owp-06".to_string()));
    }

    fn one(front: &str) -> Vec<(String, String)> {
        let req = "---\ntitle: T\nid: urn:nl:ak:ver:x-01\nlevenscyclus:\n- ontwerp\nsoort-toepassing:\n- ai-systeem\n\
                   risicogroep:\n- hoog-risico-ai-systeem\nrol-ai-act:\n- aanbieder\ntransparantieverplichting:\n\
                   - niet-van-toepassing\nsysteemrisico:\n- niet-van-toepassing\nopen-source:\n- niet-van-toepassing\n---\n";
        vec![
            ("vereisten/x-01-t.md".into(), req.into()),
            ("maatregelen/1-m-01.md".into(), format!("---\ntitle: M\nid: urn:nl:ak:mtr:m-01\n{front}---\n")),
        ]
    }

    #[test]
    fn a_broken_copy_is_refused_with_the_file_and_the_problem() {
        assert!(parse("t", &one("vereiste:\n- x-01-t\n"), "", "").is_ok());
        let e = parse("t", &one("vereiste:\n- x-02-weg\n"), "", "").unwrap_err();
        assert_eq!(e, "maatregelen/1-m-01.md: vereiste \"x-02-weg\" bestaat niet");
        let e = parse("t", &one("levenscyclus:\n- ergens\n"), "", "").unwrap_err();
        assert!(e.contains("onbekende waarde \"ergens\" bij levenscyclus"), "{e}");
        let mut twice = one("");
        twice.push(("maatregelen/2-m-01.md".into(), "---\ntitle: M\nid: urn:nl:ak:mtr:m-01\n---\n".into()));
        assert_eq!(parse("t", &twice, "", "").unwrap_err(), "maatregel m-01 komt meer dan eens voor");
        let e = parse("t", &one(""), "nummer,bron,m\nSV.1,ADR,['urn:nl:ak:mtr:zz-09']\n", "").unwrap_err();
        assert!(e.contains("onbekende maatregel urn:nl:ak:mtr:zz-09"), "{e}");
    }

    #[test]
    fn csv_fields_may_be_quoted_across_lines() {
        let r = csv_records("a;\"b;\nc\";d\n1;2;3\n", ';');
        assert_eq!(r, [vec!["a", "b;\nc", "d"], vec!["1", "2", "3"]]);
    }
}
