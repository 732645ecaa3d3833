//! The government's assessment questionnaires as data (`reference/assessments/`): the Pre-scan DPIA with its
//! scores and its verdict on DPIA, DTIA, KIA and IAMA, and the full DPIA and IAMA question sets.

pub mod definition;
pub mod expr;
pub mod forms;
pub mod pages;
pub mod prescan;
pub mod run;
pub mod slips;

use std::sync::OnceLock;

use definition::Definition;

pub const PRESCAN: &str = include_str!("../../reference/assessments/prescan.yaml");
pub const DPIA: &str = include_str!("../../reference/assessments/dpia.yaml");
pub const IAMA: &str = include_str!("../../reference/assessments/iama.yaml");

/// The three question sets, checked.
pub struct Sets {
    pub prescan: Definition,
    pub dpia: Definition,
    pub iama: Definition,
}

static SETS: OnceLock<Sets> = OnceLock::new();

/// The text of a question set: a replacement in `AIREGISTER_REFERENCE_DIR/assessments/`, or the built-in one;
/// with where it came from.
pub fn read(name: &str, built_in: &str) -> Result<(String, String), String> {
    match std::env::var_os("AIREGISTER_REFERENCE_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => {
            let path = std::path::PathBuf::from(dir).join("assessments").join(name);
            if path.exists() {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: kan het bestand niet lezen: {e}", path.display()))?;
                return Ok((path.display().to_string(), text));
            }
            Ok((format!("reference/assessments/{name}"), built_in.to_string()))
        }
        None => Ok((format!("reference/assessments/{name}"), built_in.to_string())),
    }
}

/// Load and check the question sets (at start-up): replacements from `AIREGISTER_REFERENCE_DIR/assessments/`,
/// otherwise the built-in ones.
pub fn load() -> Result<&'static Sets, String> {
    if let Some(s) = SETS.get() {
        return Ok(s);
    }
    let one = |name: &str, built_in: &str| -> Result<Definition, String> {
        let (file, text) = read(name, built_in)?;
        Definition::parse(&file, &text)
    };
    let sets =
        Sets { prescan: one("prescan.yaml", PRESCAN)?, dpia: one("dpia.yaml", DPIA)?, iama: one("iama.yaml", IAMA)? };
    Ok(SETS.get_or_init(|| sets))
}

/// Every expression in the loaded reference data (decision tree, Pre-scan, DPIA, IAMA) that jexl 2.3.0 — the
/// government's evaluator, whose reading we follow — reads differently from the conventional precedence: named
/// at start-up and to the administrator, since such an expression is most likely a slip in the published data.
pub fn jexl_differences() -> Vec<String> {
    let mut out = crate::aiact::load().map(|t| t.jexl_differences()).unwrap_or_default();
    if let Ok(sets) = load() {
        for def in [&sets.prescan, &sets.dpia, &sets.iama] {
            let texts = def.expression_texts().into_iter().filter(|t| expr::reading_differs(t));
            out.extend(texts.map(|t| {
                format!("{} {}: {}", def.name, def.version, t.split_whitespace().collect::<Vec<_>>().join(" "))
            }));
        }
    }
    out
}

/// The built-in Pre-scan DPIA, for tests.
pub fn built_in_prescan() -> Definition {
    Definition::parse("prescan.yaml", PRESCAN).expect("the built-in pre-scan is valid")
}

#[cfg(test)]
mod official_tests;
#[cfg(test)]
mod tests;

/// For the assessments list: the questionnaire of each assessment that has one.
pub async fn by_assessment(pool: &sqlx::PgPool, app: uuid::Uuid) -> sqlx::Result<Vec<(uuid::Uuid, uuid::Uuid)>> {
    sqlx::query!(
        r#"select assessment_id as "assessment!", questionnaire_id as "questionnaire!" from questionnaire
           where application_id = $1"#,
        app
    )
    .map(|r| (r.assessment, r.questionnaire))
    .fetch_all(pool)
    .await
}
