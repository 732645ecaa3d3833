//! The government's Beslishulp AI-verordening (MinBZK), built in: the decision tree as data
//! (`reference/ai-act-beslishulp/`), its condition language, and the engine that walks it. A replacement
//! tree of the same format is a file swap: set `AIREGISTER_REFERENCE_DIR` to a directory holding
//! `ai-act-beslishulp/decision-tree.yaml`, or rebuild with the new file in `reference/`.

pub mod engine;
pub mod expr;
pub mod tree;

use std::path::PathBuf;
use std::sync::OnceLock;

use tree::{LoadError, Tree};

/// The tree shipped with this build.
pub const BUILT_IN: &str = include_str!("../../reference/ai-act-beslishulp/decision-tree.yaml");
const FILE: &str = "ai-act-beslishulp/decision-tree.yaml";

static TREE: OnceLock<Tree> = OnceLock::new();

/// Where a replacement tree lives, if one is configured.
pub fn override_path() -> Option<PathBuf> {
    std::env::var_os("AIREGISTER_REFERENCE_DIR").filter(|v| !v.is_empty()).map(|d| PathBuf::from(d).join(FILE))
}

/// Load and check the tree (at start-up): the configured file, or the built-in one.
pub fn load() -> Result<&'static Tree, LoadError> {
    if let Some(t) = TREE.get() {
        return Ok(t);
    }
    let tree = match override_path() {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| LoadError(format!("{}: kan het bestand niet lezen: {e}", path.display())))?;
            Tree::parse(&path.display().to_string(), &text)?
        }
        None => Tree::parse(&format!("reference/{FILE}"), BUILT_IN)?,
    };
    Ok(TREE.get_or_init(|| tree))
}

#[cfg(test)]
mod tests;
