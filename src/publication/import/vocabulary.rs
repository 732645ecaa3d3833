//! What the import takes and how real data spells it: the 1.0 keys taken over, the keys that carry nothing,
//! the keys of older standards that map onto a 1.0 field, the English download's values and other spellings,
//! and months written the other way round.

use crate::register::fields;
use crate::register::form::is_month;

/// The 1.0 keys the import takes (the others are fixed, derived or read-only).
pub(super) const TAKEN: [&str; 21] = [
    "name",
    "description_short",
    "status",
    "begin_date",
    "end_date",
    "contact_email",
    "website",
    "publication_category",
    "url",
    "goal",
    "proportionality",
    "human_intervention",
    "risks",
    "lawful_basis",
    "impacttoetsen",
    "source_data",
    "methods_and_models",
    "provider",
    "publiccode",
    "tags",
    "process_index_url",
];

/// Keys that carry nothing to take over (bookkeeping of the register or of older standards).
pub(super) const SILENT: [&str; 9] =
    ["organization", "lang", "standard_version", "source_id", "lars", "algorithm_id", "publication_dt", "id", "uuid"];

/// Older standards (0.4 / 0.1) and the templates' legacy keys that name a reference: (key, 1.0 grouping,
/// title when the text has none).
pub(super) const LEGACY_REFERENCES: [(&str, &str, &str); 2] = [
    ("lawful_basis_link", "lawful_basis_grouping", "Wettelijke basis"),
    ("source_data_link", "source_data_grouping", "Gegevensbron"),
];

/// Older standards' text fields and the 1.0 field each goes to.
pub(super) const LEGACY_TEXT: [(&str, &str); 5] = [
    ("description", "goal"),
    ("iama_description", "impacttoetsen"),
    ("dpia_description", "impacttoetsen"),
    ("department", "department"),
    ("application_url", "website"),
];

/// The English download's values (the register machine-translates them) and other spellings seen in real data.
pub(super) const STATUS_ALIASES: [(&str, &str); 8] = [
    ("in use", "In gebruik"),
    ("in development", "In ontwikkeling"),
    ("out of use", "Buiten gebruik"),
    ("no longer in use", "Buiten gebruik"),
    ("in gebruik", "In gebruik"),
    ("in ontwikkeling", "In ontwikkeling"),
    ("buiten gebruik", "Buiten gebruik"),
    ("actief", "In gebruik"),
];
pub(super) const CATEGORY_ALIASES: [(&str, &str); 6] = [
    ("high-risk ai-system", "Hoog-risico AI-systeem"),
    ("high-risk ai system", "Hoog-risico AI-systeem"),
    ("hoog-risico ai-systemen", "Hoog-risico AI-systeem"),
    ("impactful algorithms", "Impactvolle algoritmes"),
    ("other algorithms", "Overige algoritmes"),
    ("overige", "Overige algoritmes"),
];
pub(super) const THEME_ALIASES: [(&str, &str); 18] = [
    ("organisation and business operations", "Organisatie en bedrijfsvoering"),
    ("organization and business operations", "Organisatie en bedrijfsvoering"),
    ("culture and recreation", "Cultuur en recreatie"),
    ("economy", "Economie"),
    ("public finance", "Overheidsfinanciën"),
    ("living", "Wonen"),
    ("housing", "Wonen"),
    ("international", "Internationaal"),
    ("migration and integration", "Migratie en integratie"),
    ("nature and environment", "Natuur en milieu"),
    ("education and science", "Onderwijs en wetenschap"),
    ("public order and safety", "Openbare orde en veiligheid"),
    ("law", "Recht"),
    ("space and infrastructure", "Ruimte en infrastructuur"),
    ("social security", "Sociale zekerheid"),
    ("traffic", "Verkeer"),
    ("work", "Werk"),
    ("health and healthcare", "Zorg en gezondheid"),
];

pub(super) fn lookup(value: &str, exact: &[fields::Opt], aliases: &[(&str, &str)]) -> Option<&'static str> {
    let v = value.trim();
    if let Some(o) = exact.iter().find(|o| o.value.eq_ignore_ascii_case(v)) {
        return Some(o.value);
    }
    let lower = v.to_lowercase();
    aliases
        .iter()
        .find(|(a, _)| *a == lower)
        .and_then(|(_, target)| exact.iter().find(|o| o.value == *target).map(|o| o.value))
}

/// `03-2021` → `2021-03`; `2023-1` → `2023-01`; anything else is not a month.
pub(super) fn month(raw: &str) -> Option<String> {
    let v = raw.trim();
    if is_month(v) {
        return Some(v.to_string());
    }
    let parts: Vec<&str> = v.split(['-', '/', '.']).collect();
    let (y, m) = match parts.as_slice() {
        [a, b] if a.len() == 4 => (*a, *b),
        [a, b] if b.len() == 4 => (*b, *a),
        _ => return None,
    };
    let m: u8 = m.parse().ok()?;
    let candidate = format!("{y}-{m:02}");
    is_month(&candidate).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_from_real_data() {
        assert_eq!(month("2023-01").as_deref(), Some("2023-01"));
        assert_eq!(month("03-2021").as_deref(), Some("2021-03"));
        assert_eq!(month("2023-1").as_deref(), Some("2023-01"));
        assert_eq!(month("2023"), None);
        assert_eq!(month("n.v.t."), None);
        assert_eq!(month("13-2021"), None);
    }
}
