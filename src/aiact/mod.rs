//! The government's Beslishulp AI-verordening (MinBZK), built in: the decision tree as data
//! (`reference/ai-act-beslishulp/`), its condition language, and the engine that walks it. A replacement
//! tree of the same format is a file swap: set `AIREGISTER_REFERENCE_DIR` to a directory holding
//! `ai-act-beslishulp/decision-tree.yaml`, or rebuild with the new file in `reference/`.

pub mod engine;
pub mod expr;
pub mod recheck;
pub mod tree;

use std::path::PathBuf;
use std::sync::OnceLock;

use tree::{LoadError, Tree};

/// The tree shipped with this build.
pub const BUILT_IN: &str = include_str!("../../reference/ai-act-beslishulp/decision-tree.yaml");
const FILE: &str = "ai-act-beslishulp/decision-tree.yaml";

static TREE: OnceLock<Tree> = OnceLock::new();
/// SHA-256 (hex) of the bytes of the loaded tree: its version alone does not say which content it has (the
/// government changed the content of "1.0.0" without changing the version).
static TREE_SHA256: OnceLock<String> = OnceLock::new();

/// SHA-256 of bytes, as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The content hash of the loaded tree (see [`load`]); empty when it could not be loaded.
pub fn tree_sha256() -> &'static str {
    let _ = load();
    TREE_SHA256.get().map(String::as_str).unwrap_or("")
}

/// Where a replacement tree lives, if one is configured.
pub fn override_path() -> Option<PathBuf> {
    std::env::var_os("AIREGISTER_REFERENCE_DIR").filter(|v| !v.is_empty()).map(|d| PathBuf::from(d).join(FILE))
}

/// Load and check the tree (at start-up): the configured file, or the built-in one.
pub fn load() -> Result<&'static Tree, LoadError> {
    if let Some(t) = TREE.get() {
        return Ok(t);
    }
    let (tree, sha) = match override_path() {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| LoadError(format!("{}: kan het bestand niet lezen: {e}", path.display())))?;
            (Tree::parse(&path.display().to_string(), &text)?, sha256_hex(text.as_bytes()))
        }
        None => (Tree::parse(&format!("reference/{FILE}"), BUILT_IN)?, sha256_hex(BUILT_IN.as_bytes())),
    };
    let _ = TREE_SHA256.set(sha);
    Ok(TREE.get_or_init(|| tree))
}

#[cfg(test)]
mod tests;

pub mod pages;

/// The glossary and step names that go with the tree (same directory, same override).
pub mod extras {
    use std::sync::OnceLock;

    use serde::Deserialize;

    #[derive(Debug, Clone, Deserialize)]
    pub struct Definition {
        pub term: String,
        pub definition: String,
    }

    #[derive(Debug, Clone, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Category {
        #[serde(deserialize_with = "super::tree::id_of")]
        pub question_id: String,
        pub category: String,
        #[serde(default)]
        pub subcategory: String,
    }

    #[derive(Deserialize)]
    struct Definitions {
        definitions: Vec<Definition>,
    }

    pub const DEFINITIONS: &str = include_str!("../../reference/ai-act-beslishulp/definitions.yaml");
    const CATEGORIES: &str = include_str!("../../reference/ai-act-beslishulp/categories.yaml");

    fn read(name: &str, built_in: &'static str) -> Result<String, super::tree::LoadError> {
        match super::override_path().and_then(|p| p.parent().map(|d| d.join(name))) {
            Some(path) if path.exists() => std::fs::read_to_string(&path)
                .map_err(|e| super::tree::LoadError(format!("{}: kan het bestand niet lezen: {e}", path.display()))),
            _ => Ok(built_in.to_string()),
        }
    }

    pub struct Extras {
        pub definitions: Vec<Definition>,
        pub categories: Vec<Category>,
    }

    static EXTRAS: OnceLock<Extras> = OnceLock::new();

    pub fn load() -> Result<&'static Extras, super::tree::LoadError> {
        if let Some(e) = EXTRAS.get() {
            return Ok(e);
        }
        let defs: Definitions = yaml_serde::from_str(&read("definitions.yaml", DEFINITIONS)?)
            .map_err(|e| super::tree::LoadError(format!("ai-act-beslishulp/definitions.yaml: {e}")))?;
        let categories: Vec<Category> = yaml_serde::from_str(&read("categories.yaml", CATEGORIES)?)
            .map_err(|e| super::tree::LoadError(format!("ai-act-beslishulp/categories.yaml: {e}")))?;
        Ok(EXTRAS.get_or_init(|| Extras { definitions: defs.definitions, categories }))
    }

    impl Extras {
        /// The step a question belongs to: the category of the longest id in categories.yaml that is a prefix
        /// of the question id ("1.4.1" → "1.4").
        pub fn step(&self, question_id: &str) -> Option<&Category> {
            self.categories
                .iter()
                .filter(|c| question_id == c.question_id || question_id.starts_with(&format!("{}.", c.question_id)))
                .max_by_key(|c| c.question_id.len())
        }

        /// The step names in order of first appearance.
        pub fn steps(&self) -> Vec<&str> {
            let mut out: Vec<&str> = Vec::new();
            for c in &self.categories {
                if !out.contains(&c.category.as_str()) {
                    out.push(&c.category);
                }
            }
            out
        }

        /// Definitions of the terms a text uses (whole words, case-insensitive), alphabetically, each text once.
        pub fn used_in(&self, text: &str) -> Vec<&Definition> {
            let lower = text.to_lowercase();
            let mut found: Vec<&Definition> = self
                .definitions
                .iter()
                .filter(|d| {
                    // An acronym ("DAT") only as written, so the word "dat" is not taken for it.
                    let acronym = d.term.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
                    let (hay, term) = if acronym {
                        (text.to_string(), d.term.clone())
                    } else {
                        (lower.clone(), d.term.to_lowercase())
                    };
                    hay.match_indices(&term).any(|(i, _)| {
                        let before = hay[..i].chars().last();
                        let after = hay[i + term.len()..].chars().next();
                        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
                    })
                })
                .collect();
            found.sort_by_key(|d| d.term.to_lowercase());
            found.dedup_by(|a, b| a.definition == b.definition);
            found
        }
    }
}
