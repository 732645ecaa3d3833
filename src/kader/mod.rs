//! The Algoritmekader (issue 23): its requirements and measures as reference data (`reference/algoritmekader/`),
//! which of them apply to a registration (from its AI Act outcome), and per registration the status, owner,
//! evidence and review date of each measure; a CISO overview and audit reports (HTML print view and Excel).
//! A newer copy of the Algoritmekader is a directory `algoritmekader/` in `AIREGISTER_REFERENCE_DIR`.

pub mod actions;
pub mod gate;
pub(crate) mod measure;
pub mod pages;
pub mod phase;
pub mod reference;
pub mod report;
pub mod rule;
pub mod store;
pub mod view;

use std::path::PathBuf;
use std::sync::OnceLock;

use reference::Kader;

mod built_in {
    include!(concat!(env!("OUT_DIR"), "/algoritmekader.rs"));
}

pub const VERSION: &str = "2.5.1";
pub const README: &str = include_str!("../../reference/algoritmekader/README.md");
const MAPPING: &str = include_str!("../../reference/algoritmekader/relatie-ak-tot-toetsingskaders.csv");
const TEXTS: &str = include_str!("../../reference/algoritmekader/maatregelen-adr-ark.csv");

static KADER: OnceLock<Kader> = OnceLock::new();

/// The replacement directory, when `AIREGISTER_REFERENCE_DIR` holds an `algoritmekader/` directory.
pub fn replacement_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("AIREGISTER_REFERENCE_DIR").filter(|v| !v.is_empty())?);
    let dir = dir.join("algoritmekader");
    dir.is_dir().then_some(dir)
}

fn read_replacement(dir: &std::path::Path) -> Result<Kader, String> {
    let read = |p: PathBuf| std::fs::read_to_string(&p).map_err(|e| format!("{}: kan niet lezen: {e}", p.display()));
    let mut files = Vec::new();
    for sub in ["vereisten", "maatregelen"] {
        let entries = std::fs::read_dir(dir.join(sub)).map_err(|e| format!("{}/{sub}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.ends_with(".md") {
                files.push((format!("{sub}/{name}"), read(entry.path())?));
            }
        }
    }
    let version = std::fs::read_to_string(dir.join("version.txt")).map(|v| v.trim().to_string());
    let mapping = read(dir.join("relatie-ak-tot-toetsingskaders.csv"))?;
    let texts = read(dir.join("maatregelen-adr-ark.csv"))?;
    reference::parse(&version.unwrap_or_else(|_| "onbekend".into()), &files, &mapping, &texts)
        .map_err(|e| format!("{}: {e}", dir.display()))
}

/// Load and check the Algoritmekader (at start-up): the replacement directory, or the built-in copy.
pub fn load() -> Result<&'static Kader, String> {
    if let Some(k) = KADER.get() {
        return Ok(k);
    }
    let kader = match replacement_dir() {
        Some(dir) => read_replacement(&dir)?,
        None => {
            let files: Vec<(String, String)> =
                built_in::FILES.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
            reference::parse(VERSION, &files, MAPPING, TEXTS).map_err(|e| format!("reference/algoritmekader: {e}"))?
        }
    };
    Ok(KADER.get_or_init(|| kader))
}

/// Where the loaded copy came from: "ingebouwd" or the replacement directory.
pub fn origin() -> String {
    replacement_dir().map(|d| d.display().to_string()).unwrap_or_else(|| "ingebouwd".into())
}
