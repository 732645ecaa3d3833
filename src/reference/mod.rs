//! Versions of the reference data say what they are (issue 16, item 4): every reference file (decision tree,
//! definitions, Pre-scan DPIA, DPIA, IAMA, the register's schema) is listed with its version, the SHA-256 of
//! its bytes and its source commit and date where the reference README names them. The government changed
//! the decision tree's content without changing its version "1.0.0", so the version alone does not identify
//! a file; the hash does. Shown on Beheer → Referentiegegevens and by `airegister reference`.

pub mod pages;

use std::path::PathBuf;

use crate::aiact::{self, sha256_hex};
use crate::questionnaires;

const AIACT_README: &str = include_str!("../../reference/ai-act-beslishulp/README.md");
const ASSESSMENTS_README: &str = include_str!("../../reference/assessments/README.md");
const REGISTER_README: &str = include_str!("../../reference/algoritmeregister/README.md");
const SCHEMA: &str = include_str!("../../reference/algoritmeregister/algorithm-in-v1_0.schema.json");
const REGISTER_CONFIG: &str =
    include_str!("../../reference/algoritmeregister/publicatiestandaard-v1_0.register-config.json");

/// One reference file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What it is, in Dutch ("Beslisboom AI-verordening").
    pub name: &'static str,
    /// Its path under `reference/` (or the replacement directory).
    pub file: &'static str,
    pub version: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// The source repository, commit and date ("MinBZK/… @ 3cbdec98fe9a (2026-08-05)"), or "onbekend".
    pub source: String,
    /// "ingebouwd", or the replacement file's path.
    pub origin: String,
}

impl Entry {
    /// The first 12 hex digits, as shown beside the version.
    pub fn short(&self) -> &str {
        self.sha256.get(..12).unwrap_or(&self.sha256)
    }
}

/// The source named in a reference README: "`owner/repo` at commit `hex` (date)" or "owner/repo @ hex".
pub fn source_of(readme: &str) -> Option<String> {
    let text = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let (repo, commit, rest) = if let Some(i) = text.find(" at commit `") {
        let after = &text[i + " at commit `".len()..];
        let end = after.find('`')?;
        (text[..i].rsplit([' ', '(']).next()?, &after[..end], &after[end + 1..])
    } else {
        let i = text.find(" @ ")?;
        let after = &text[i + 3..];
        let end = after.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(after.len());
        (text[..i].rsplit([' ', '(']).next()?, &after[..end], &after[end..])
    };
    let repo = repo.trim_matches('`');
    if !repo.contains('/') || commit.len() < 7 || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let short = &commit[..commit.len().min(12)];
    let date = rest.trim_start_matches([' ', ',']).strip_prefix('(').and_then(|r| r.get(..10)).filter(|d| {
        d.len() == 10
            && d.chars().enumerate().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() })
    });
    Some(match date {
        Some(d) => format!("{repo} @ {short} ({d})"),
        None => format!("{repo} @ {short}"),
    })
}

/// The replacement directory (`AIREGISTER_REFERENCE_DIR`), if one is set.
fn replacement_dir() -> Option<PathBuf> {
    std::env::var_os("AIREGISTER_REFERENCE_DIR").filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// The bytes of `group/name` as loaded: a replacement file when there is one, else the built-in text; with
/// where it came from and the group's README (for the source).
fn effective(group: &str, name: &str, built_in: &str, readme: &str) -> (String, String, String) {
    if let Some(dir) = replacement_dir() {
        let path = dir.join(group).join(name);
        if let Ok(text) = std::fs::read_to_string(&path) {
            let readme = std::fs::read_to_string(dir.join(group).join("README.md")).unwrap_or_default();
            return (text, path.display().to_string(), readme);
        }
    }
    (built_in.to_string(), "ingebouwd".to_string(), readme.to_string())
}

fn yaml_version(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("version:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
        .unwrap_or_else(|| "–".into())
}

/// Every reference file, in a fixed order.
pub fn list() -> Vec<Entry> {
    let mut out = Vec::new();
    let source = |readme: &str| source_of(readme).unwrap_or_else(|| "onbekend".into());
    // The tree as it was loaded at start-up (the hash a decision-aid run records).
    let (text, origin, readme) = effective("ai-act-beslishulp", "decision-tree.yaml", aiact::BUILT_IN, AIACT_README);
    let loaded = aiact::tree_sha256();
    out.push(Entry {
        name: "Beslisboom AI-verordening",
        file: "ai-act-beslishulp/decision-tree.yaml",
        version: aiact::load().map(|t| t.version.clone()).unwrap_or_else(|_| yaml_version(&text)),
        sha256: if loaded.is_empty() { sha256_hex(text.as_bytes()) } else { loaded.to_string() },
        source: source(&readme),
        origin,
    });
    let (text, origin, readme) =
        effective("ai-act-beslishulp", "definitions.yaml", aiact::extras::DEFINITIONS, AIACT_README);
    out.push(Entry {
        name: "Begrippen (beslishulp)",
        file: "ai-act-beslishulp/definitions.yaml",
        version: yaml_version(&text),
        sha256: sha256_hex(text.as_bytes()),
        source: source(&readme),
        origin,
    });
    for (name, file, built_in) in [
        ("Pre-scan DPIA", "prescan.yaml", questionnaires::PRESCAN),
        ("DPIA", "dpia.yaml", questionnaires::DPIA),
        ("IAMA", "iama.yaml", questionnaires::IAMA),
    ] {
        let (text, origin, readme) = effective("assessments", file, built_in, ASSESSMENTS_README);
        out.push(Entry {
            name,
            file: match file {
                "prescan.yaml" => "assessments/prescan.yaml",
                "dpia.yaml" => "assessments/dpia.yaml",
                _ => "assessments/iama.yaml",
            },
            version: yaml_version(&text),
            sha256: sha256_hex(text.as_bytes()),
            source: source(&readme),
            origin,
        });
    }
    if let Ok(k) = crate::kader::load() {
        out.push(Entry {
            name: "Algoritmekader (vereisten en maatregelen)",
            file: "algoritmekader/",
            version: k.version.clone(),
            sha256: k.sha256.clone(),
            source: source(crate::kader::README),
            origin: crate::kader::origin(),
        });
    }
    // The register's schema is built in only (it changes with the standard, i.e. with the code).
    for (name, file, text) in [
        ("Registerschema (AlgorithmIn)", "algoritmeregister/algorithm-in-v1_0.schema.json", SCHEMA),
        (
            "Publicatiestandaard (registerconfiguratie)",
            "algoritmeregister/publicatiestandaard-v1_0.register-config.json",
            REGISTER_CONFIG,
        ),
    ] {
        out.push(Entry {
            name,
            file,
            version: "1.0".into(),
            sha256: sha256_hex(text.as_bytes()),
            source: source(REGISTER_README),
            origin: "ingebouwd".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_file_is_listed_with_its_version_hash_and_source() {
        let list = list();
        let names: Vec<&str> = list.iter().map(|e| e.name).collect();
        assert_eq!(
            names,
            [
                "Beslisboom AI-verordening",
                "Begrippen (beslishulp)",
                "Pre-scan DPIA",
                "DPIA",
                "IAMA",
                "Algoritmekader (vereisten en maatregelen)",
                "Registerschema (AlgorithmIn)",
                "Publicatiestandaard (registerconfiguratie)"
            ]
        );
        let tree = &list[0];
        assert_eq!(tree.version, "1.0.0");
        // The hash is of the file's bytes, computed independently here.
        let bytes =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/reference/ai-act-beslishulp/decision-tree.yaml"))
                .expect("the tree file");
        assert_eq!(tree.sha256, sha256_hex(&bytes));
        assert_eq!(tree.sha256, aiact::tree_sha256(), "the hash a run records");
        assert_eq!(tree.source, "MinBZK/ai-verordening-beslishulp @ 3cbdec98fe9a (2026-08-05)");
        assert_eq!(
            (list[2].version.as_str(), list[3].version.as_str(), list[4].version.as_str()),
            ("2.0", "3.0", "2.0")
        );
        assert_eq!(list[2].source, "MinBZK/par-dpia-form @ 56b7cb89719a (2026-08-22)");
        assert_eq!(list[5].source, "MinBZK/Algoritmekader @ 450e1befcc97 (2026-05-19)");
        assert_eq!(list[5].version, "2.5.1");
        assert_eq!(list[6].source, "MinBZK/Algoritmeregister @ 4885a05");
        for e in &list {
            assert_eq!(e.sha256.len(), 64, "{}", e.name);
            assert!(e.sha256.chars().all(|c| c.is_ascii_hexdigit()), "{}", e.name);
            assert_eq!(e.short().len(), 12);
            assert_eq!(e.origin, "ingebouwd");
        }
        let distinct: std::collections::BTreeSet<&str> = list.iter().map(|e| e.sha256.as_str()).collect();
        assert_eq!(distinct.len(), list.len(), "every file has its own hash");
    }

    #[test]
    fn a_source_is_read_from_either_readme_form() {
        assert_eq!(
            source_of("Source: GitHub `MinBZK/x-y` at commit `0123456789abcdef0123`\n(2026-01-31), files").as_deref(),
            Some("MinBZK/x-y @ 0123456789ab (2026-01-31)")
        );
        assert_eq!(
            source_of("(MinBZK/Algoritmeregister @ 4885a05 : `backend`").as_deref(),
            Some("MinBZK/Algoritmeregister @ 4885a05")
        );
        assert_eq!(source_of("no source here"), None);
        assert_eq!(source_of("a @ b"), None);
    }

    #[test]
    fn the_hash_changes_with_one_byte() {
        assert_ne!(sha256_hex(b"version: 1.0.0\n"), sha256_hex(b"version: 1.0.0 \n"));
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
