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

/// Undo one level of HTML escaping where a text was escaped twice (the register's own JSON carries
/// `&amp;amp;` and `&amp;lt;p&amp;gt;` for some records, and its public page then shows `&amp;`): an
/// escaped ampersand followed by an entity becomes that entity. None when there was nothing to undo.
pub(super) fn undo_double_escape(raw: &str) -> Option<String> {
    const NAMED: [&str; 6] = ["amp;", "lt;", "gt;", "quot;", "apos;", "nbsp;"];
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut changed = false;
    while let Some(i) = rest.find("&amp;") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 5..];
        let numeric = after.strip_prefix('#').is_some_and(|n| {
            let body = n.strip_prefix(['x', 'X']).unwrap_or(n);
            let digits = body.find(';').map(|end| &body[..end]).unwrap_or("");
            !digits.is_empty() && digits.len() <= 6 && digits.chars().all(|c| c.is_ascii_hexdigit())
        });
        if numeric || NAMED.iter().any(|n| after.starts_with(n)) {
            out.push('&');
            changed = true;
        } else {
            out.push_str("&amp;");
        }
        rest = after;
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// A date that is only a year ("2021"): the standard asks for a month, which cannot be made up.
pub(super) fn bare_year(raw: &str) -> bool {
    let v = raw.trim();
    v.len() == 4 && v.chars().all(|c| c.is_ascii_digit()) && v.starts_with(['1', '2'])
}

/// A status typed in an older standard (0.1 had free text; 0.3 and 0.4 used other words, Dutch or English),
/// read by its words. "Niet meer in gebruik" and "inactive" contain "in gebruik" and "active": the words for
/// out of use are looked for first.
pub(super) fn status_by_words(raw: &str) -> Option<&'static str> {
    let v = raw.trim().to_lowercase();
    const OUT: &[&str] = &[
        "buiten",
        "niet meer",
        "gestopt",
        "stopgezet",
        "beëindigd",
        "beeindigd",
        "uitgefaseerd",
        "afgeschaft",
        "stopped",
        "retired",
        "inactive",
        "decommission",
        "ended",
        "discontinued",
        "out of",
        "no longer",
    ];
    const DEVELOPMENT: &[&str] = &[
        "ontwikkel",
        "development",
        "pilot",
        "proef",
        "test",
        "gepland",
        "planned",
        "concept",
        "voorbereiding",
        "onderzoek",
        "verkenn",
        "implementat",
    ];
    const IN_USE: &[&str] = &[
        "in gebruik",
        "gebruik",
        "werking",
        "operation",
        "actief",
        "active",
        "productie",
        "production",
        "live",
        "in use",
    ];
    let has = |words: &[&str]| words.iter().any(|w| v.contains(w));
    if has(OUT) {
        Some("Buiten gebruik")
    } else if has(DEVELOPMENT) {
        Some("In ontwikkeling")
    } else if has(IN_USE) {
        Some("In gebruik")
    } else {
        None
    }
}

/// A web address as the register wants it (`https://`): an `http://` link, a bare domain ("www.delft.nl") or
/// the first https link in a sentence. None when nothing like an address is there.
pub(super) fn https_address(raw: &str) -> Option<String> {
    let v = raw.trim();
    let candidate = if let Some(rest) = v.strip_prefix("http://") {
        format!("https://{rest}")
    } else if let Some(i) = v.find("https://") {
        v[i..].split_whitespace().next().unwrap_or("").trim_end_matches(['.', ',', ')', ';']).to_string()
    } else if !v.contains(char::is_whitespace)
        && v.contains('.')
        && v.chars().all(|c| c.is_ascii_alphanumeric() || "-._~/?#[]@!$&'()*+,;=%:".contains(c))
        && v.split('/').next().is_some_and(|host| host.rsplit('.').next().is_some_and(|tld| tld.len() >= 2))
    {
        format!("https://{v}")
    } else {
        return None;
    };
    crate::register::form::is_https_link(&candidate).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The import reads no members (`Known::load`): none of the fields it takes may name a person.
    #[test]
    fn no_field_taken_names_a_person() {
        for key in TAKEN {
            let field = fields::FIELDS.iter().find(|f| f.key == key);
            assert!(!field.is_some_and(|f| matches!(f.kind, fields::Kind::User)), "{key} is a person field");
        }
        let owner = fields::FIELDS.iter().find(|f| f.key == "owner_id").expect("the owner is a field");
        assert!(matches!(owner.kind, fields::Kind::User), "the check above looks at the right thing");
    }

    #[test]
    fn months_from_real_data() {
        assert_eq!(month("2023-01").as_deref(), Some("2023-01"));
        assert_eq!(month("03-2021").as_deref(), Some("2021-03"));
        assert_eq!(month("2023-1").as_deref(), Some("2023-01"));
        assert_eq!(month("2023"), None);
        assert_eq!(month("n.v.t."), None);
        assert_eq!(month("13-2021"), None);
    }

    #[test]
    fn double_escaped_entities_are_undone_once() {
        assert_eq!(undo_double_escape("Jansen &amp;amp; Zn").as_deref(), Some("Jansen &amp; Zn"));
        assert_eq!(
            undo_double_escape("&amp;lt;p&amp;gt;Tekst&amp;lt;/p&amp;gt;").as_deref(),
            Some("&lt;p&gt;Tekst&lt;/p&gt;")
        );
        assert_eq!(undo_double_escape("caf&amp;#233; &amp;#xE9;").as_deref(), Some("caf&#233; &#xE9;"));
        // Once escaped is right: left alone, as is an ampersand that escapes no entity.
        assert_eq!(undo_double_escape("Jansen &amp; Zn"), None);
        assert_eq!(undo_double_escape("R&amp;D-afdeling &amp;foo;"), None);
        assert_eq!(undo_double_escape("&amp;#;"), None);
        assert!(bare_year("2021") && !bare_year("2021-03") && !bare_year("n.v.t.") && !bare_year("0000"));
    }

    #[test]
    fn statuses_of_older_standards_are_read_by_their_words() {
        for (raw, expected) in [
            ("Active", Some("In gebruik")),
            ("In operation", Some("In gebruik")),
            ("In werking", Some("In gebruik")),
            ("Gestopt", Some("Buiten gebruik")),
            ("Niet meer in gebruik", Some("Buiten gebruik")),
            ("Inactive", Some("Buiten gebruik")),
            ("Pilot", Some("In ontwikkeling")),
            ("Weet niet", None),
        ] {
            assert_eq!(status_by_words(raw), expected, "{raw}");
        }
    }

    #[test]
    fn addresses_become_https_links_or_nothing() {
        for (raw, expected) in [
            ("www.delft.nl", Some("https://www.delft.nl")),
            ("www.werkom.nl\t", Some("https://www.werkom.nl")),
            ("http://example.org/a?b=c", Some("https://example.org/a?b=c")),
            (
                "Zie de kaart. https://ddh.maps.example/app?id=1. Meer: https://x.example",
                Some("https://ddh.maps.example/app?id=1"),
            ),
            ("Belastingen | Gemeente Doesburg", None),
            ("Melding maken - gemeente Zundert", None),
            ("versie 1.2", None),
        ] {
            assert_eq!(https_address(raw).as_deref(), expected, "{raw}");
        }
    }
}
