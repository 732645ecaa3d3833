//! The field catalogue of an AI application: every field of the Algoritmeregister publicatiestandaard 1.0
//! (labels, help texts and limits read from the standard's own machine-readable config, embedded) plus the
//! internal fields of the seeds. Forms, validation, the detail page and the history all work from this list,
//! so a field is added in one place. The database constraints in `migrations/0002_register.sql` mirror it.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

pub use super::options::*;

/// The sections of the form and the detail page, in the order a non-expert fills them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Algemeen,
    Gebruik,
    Gegevens,
    Verantwoord,
    Werking,
    Publicatie,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Algemeen,
        Section::Gebruik,
        Section::Gegevens,
        Section::Verantwoord,
        Section::Werking,
        Section::Publicatie,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Algemeen => "Algemeen",
            Section::Gebruik => "Gebruik en doel",
            Section::Gegevens => "Gegevens",
            Section::Verantwoord => "Verantwoord gebruik",
            Section::Werking => "Werking",
            Section::Publicatie => "Publicatie",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Section::Algemeen => "algemeen",
            Section::Gebruik => "gebruik",
            Section::Gegevens => "gegevens",
            Section::Verantwoord => "verantwoord",
            Section::Werking => "werking",
            Section::Publicatie => "publicatie",
        }
    }

    pub fn intro(self) -> &'static str {
        match self {
            Section::Algemeen => "Wat is het voor tool, wie levert hem en wie is eigenaar?",
            Section::Gebruik => "Waarvoor gebruikt u de tool, en wie merkt er iets van?",
            Section::Gegevens => {
                "Welke gegevens gaan erin? Geef per soort gegevens aan of die in deze tool mogen worden gebruikt."
            }
            Section::Verantwoord => {
                "Afwegingen, risico's, afspraken met de leverancier en de checklist verantwoorde inzet."
            }
            Section::Werking => "Hoe werkt het algoritme technisch?",
            Section::Publicatie => "Gegevens voor publicatie in het landelijke Algoritmeregister.",
        }
    }
}

/// How a field is entered, stored (JSON type in `jsonb_populate_record`) and checked.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// One line of plain text.
    Text { max: usize },
    /// A textarea stored as sanitised HTML; the limit is counted without tags.
    RichText { max: usize },
    /// A month, `jjjj-mm`.
    Month,
    /// An `https://` link of at most 500 characters.
    Link,
    /// An e-mail address or an `https://` link.
    Contact,
    /// One of a fixed list.
    Choice(&'static [Opt]),
    /// Any of a fixed list (checkboxes).
    Multi(&'static [Opt]),
    /// Ja / nee (not answered yet is allowed in a draft).
    YesNo,
    /// A calendar date.
    Date,
    /// A list of {title, link} references.
    References { title_max: usize, link_required: bool, suggestions: &'static [&'static str] },
    /// A user of the organisation.
    User,
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub key: &'static str,
    pub label: &'static str,
    /// One line under the label.
    pub help: &'static str,
    /// Longer guidance (the standard's "instructions"), shown on request.
    pub instructions: &'static str,
    pub kind: Kind,
    pub section: Section,
    /// Must be filled in before the registration can be submitted.
    pub required: bool,
    /// A field of the national publication standard.
    pub standard: bool,
}

#[derive(Deserialize)]
struct StandardConfig {
    properties: HashMap<String, StandardField>,
}

#[derive(Deserialize)]
pub struct StandardField {
    pub title: String,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub help_text: Option<String>,
    #[serde(default)]
    pub instructions: Option<String>,
    #[serde(default)]
    pub permitted_values: Option<Vec<String>>,
}

/// Publicatiestandaard 1.0 as published by the register (MinBZK/Algoritmeregister, EUPL-1.2).
static STANDARD: LazyLock<StandardConfig> = LazyLock::new(|| {
    serde_json::from_str(include_str!(
        "../../reference/algoritmeregister/publicatiestandaard-v1_0.register-config.json"
    ))
    .expect("the embedded publication standard is valid JSON")
});

pub fn standard_field(key: &str) -> Option<&'static StandardField> {
    STANDARD.properties.get(key)
}

/// A field of the standard: label, help and limit come from the standard itself.
fn std_field(key: &'static str, section: Section, kind: Kind, required: bool) -> FieldDef {
    let s = standard_field(key).unwrap_or_else(|| panic!("field {key} is in the publication standard"));
    let kind = match kind {
        Kind::Text { .. } => Kind::Text { max: s.max_length.unwrap_or(500) },
        Kind::RichText { .. } => Kind::RichText { max: s.max_length.unwrap_or(2500) },
        other => other,
    };
    FieldDef {
        key,
        label: s.title.as_str(),
        help: s.help_text.as_deref().unwrap_or(""),
        instructions: s.instructions.as_deref().unwrap_or(""),
        kind,
        section,
        required,
        standard: true,
    }
}

fn own(
    key: &'static str,
    label: &'static str,
    help: &'static str,
    section: Section,
    kind: Kind,
    required: bool,
) -> FieldDef {
    FieldDef { key, label, help, instructions: "", kind, section, required, standard: false }
}

const TEXT: Kind = Kind::Text { max: 0 };
const RICH: Kind = Kind::RichText { max: 0 };

pub static FIELDS: LazyLock<Vec<FieldDef>> = LazyLock::new(|| {
    use Section::*;
    let mut f = vec![
        std_field("name", Algemeen, TEXT, true),
        std_field("description_short", Algemeen, RICH_PLAIN, true),
        std_field("provider", Algemeen, TEXT, false),
        own(
            "department",
            "Afdeling",
            "De afdeling die de tool gebruikt of er eigenaar van is.",
            Algemeen,
            Kind::Text { max: 100 },
            true,
        ),
        own(
            "owner_id",
            "Eigenaar",
            "De medewerker die de registratie bijhoudt (meestal de projectleider).",
            Algemeen,
            Kind::User,
            true,
        ),
        own(
            "use_category",
            "Gebruikscategorie",
            "Interne productiviteit (zoals Copilot), algemeen gebruik zonder organisatiegegevens, of klantprojecten met klantgegevens.",
            Algemeen,
            Kind::Choice(USE_CATEGORIES),
            true,
        ),
        own("deployment", "Manier van inzet", "Hoe de tool wordt gebruikt.", Algemeen, Kind::Choice(DEPLOYMENTS), true),
        own(
            "licence_type",
            "Licentie",
            "Gratis en persoonlijke accounts vallen onder consumentenvoorwaarden: de leverancier mag invoer vaak gebruiken.",
            Algemeen,
            Kind::Choice(LICENCE_TYPES),
            true,
        ),
        own(
            "generative",
            "Generatieve AI",
            "Maakt de tool nieuwe tekst, beelden, geluid of code?",
            Algemeen,
            Kind::YesNo,
            true,
        ),
        own(
            "agentic",
            "Agentische AI",
            "Voert de tool zelfstandig acties uit (bijvoorbeeld e-mails versturen of systemen aanpassen)?",
            Algemeen,
            Kind::YesNo,
            true,
        ),
        std_field("status", Algemeen, Kind::Choice(REGISTER_STATUS), true),
        std_field("begin_date", Algemeen, Kind::Month, false),
        std_field("end_date", Algemeen, Kind::Month, false),
        std_field("goal", Gebruik, RICH, true),
        own(
            "target_group",
            "Doelgroep",
            "Voor wie is de uitkomst bedoeld, bijvoorbeeld medewerkers van Burgerzaken of inwoners.",
            Gebruik,
            Kind::Text { max: 200 },
            false,
        ),
        own(
            "interaction",
            "Interactie",
            "Komen burgers, klanten of bedrijven direct met de tool of de uitkomst in aanraking?",
            Gebruik,
            Kind::Choice(INTERACTIONS),
            true,
        ),
        std_field("category", Gebruik, Kind::Multi(THEMES), false),
        own(
            "attention_points",
            "Aandachtspunten voor medewerkers",
            "Wat moet iedereen weten die de tool gebruikt? Dit staat bij de tool in de lijst Toegestane AI-tools.",
            Gebruik,
            Kind::RichText { max: 1000 },
            false,
        ),
        own(
            "personal_data",
            "Persoonsgegevens",
            "Worden er persoonsgegevens in de tool ingevoerd of door de tool verwerkt?",
            Gegevens,
            Kind::YesNo,
            true,
        ),
        own(
            "special_categories",
            "Bijzondere persoonsgegevens",
            "Bijvoorbeeld gezondheid, etniciteit, religie, strafrechtelijke gegevens of het BSN.",
            Gegevens,
            Kind::YesNo,
            false,
        ),
        own(
            "data_location",
            "Locatie van de gegevens",
            "Waar slaat de leverancier de gegevens op en verwerkt hij ze?",
            Gegevens,
            Kind::Choice(DATA_LOCATIONS),
            true,
        ),
        own(
            "training_opt_out",
            "Training op onze invoer uitgeschakeld",
            "Is vastgelegd dat de leverancier onze invoer niet gebruikt om modellen te trainen?",
            Gegevens,
            Kind::YesNo,
            false,
        ),
        own(
            "retention_agreed",
            "Bewaartermijn afgesproken",
            "Is afgesproken hoe lang de leverancier invoer en uitvoer bewaart?",
            Gegevens,
            Kind::YesNo,
            false,
        ),
        std_field("source_data", Gegevens, RICH, false),
        std_field(
            "source_data_grouping",
            Gegevens,
            Kind::References { title_max: 500, link_required: true, suggestions: &[] },
            false,
        ),
        std_field("proportionality", Verantwoord, RICH, false),
        std_field("human_intervention", Verantwoord, RICH, false),
        own(
            "human_oversight",
            "Menselijk toezicht",
            "Wie controleert de uitvoer van de tool, hoe en hoe vaak?",
            Verantwoord,
            Kind::RichText { max: 2500 },
            false,
        ),
        own(
            "fallback_scenario",
            "Terugvalscenario",
            "Wat doet u als de tool (plotseling) niet meer gebruikt kan of mag worden?",
            Verantwoord,
            Kind::RichText { max: 2500 },
            false,
        ),
        std_field("risks", Verantwoord, RICH, false),
        std_field("lawful_basis", Verantwoord, RICH, false),
        std_field(
            "lawful_basis_grouping",
            Verantwoord,
            Kind::References { title_max: 100, link_required: true, suggestions: &[] },
            false,
        ),
        std_field("process_index_url", Verantwoord, Kind::Link, false),
        std_field(
            "impacttoetsen_grouping",
            Verantwoord,
            Kind::References { title_max: 500, link_required: false, suggestions: IMPACT_ASSESSMENT_TITLES },
            false,
        ),
        std_field("impacttoetsen", Verantwoord, RICH, false),
        own(
            "risk_analysis_reason",
            "Toelichting risicoanalyse",
            "Is geen DPIA of IAMA uitgevoerd? Leg uit waarom dat niet nodig is of hoe het risico anders is beoordeeld.",
            Verantwoord,
            Kind::RichText { max: 2500 },
            false,
        ),
        own(
            "agreement_data_use",
            "Afspraken over datagebruik",
            "Is met de leverancier vastgelegd wat hij met onze gegevens mag doen?",
            Verantwoord,
            Kind::YesNo,
            false,
        ),
        own(
            "agreement_retention",
            "Afspraken over bewaren (retentie)",
            "Is vastgelegd hoe lang gegevens worden bewaard en hoe ze worden verwijderd?",
            Verantwoord,
            Kind::YesNo,
            false,
        ),
        own(
            "agreement_training",
            "Afspraken over training",
            "Is vastgelegd dat onze gegevens niet voor training worden gebruikt?",
            Verantwoord,
            Kind::YesNo,
            false,
        ),
        own(
            "supplier_agreements_note",
            "Toelichting leveranciersafspraken",
            "Waar staan de afspraken (verwerkersovereenkomst, contract, voorwaarden)?",
            Verantwoord,
            Kind::RichText { max: 2500 },
            false,
        ),
        own(
            "ai_act_risk_group",
            "Risicogroep AI-verordening",
            "Volgens de beslishulp AI-verordening van de overheid.",
            Verantwoord,
            Kind::Choice(AI_ACT_RISK_GROUPS),
            false,
        ),
        own(
            "checklist",
            "Checklist verantwoorde inzet",
            "Vink aan wat u als eigenaar heeft geregeld. Risicoanalyse, privacy, maatregelen en leveranciersafspraken vinkt de CISO af bij de beoordeling.",
            Verantwoord,
            Kind::Multi(CHECKLIST),
            false,
        ),
        own("next_evaluation", "Volgende evaluatie", "Minstens jaarlijks.", Verantwoord, Kind::Date, false),
        std_field("methods_and_models", Werking, RICH, false),
        std_field("publiccode", Werking, Kind::Link, false),
        std_field("publication_category", Publicatie, Kind::Choice(PUBLICATION_CATEGORIES), true),
        std_field("contact_email", Publicatie, Kind::Contact, true),
        std_field("website", Publicatie, Kind::Link, false),
        std_field("url", Publicatie, Kind::Link, false),
        std_field("tags", Publicatie, TEXT, false),
        own(
            "publish",
            "Publiceren in het Algoritmeregister",
            "Na goedkeuring komt de registratie dan in het openbare register en in de export voor het landelijke Algoritmeregister (alleen de velden van de publicatiestandaard).",
            Publicatie,
            Kind::YesNo,
            false,
        ),
    ];
    for dc in DATA_CLASSES {
        f.push(own(dc.value, dc.label, "", Gegevens, Kind::Choice(PERMISSIONS), true));
    }
    f
});

/// The short description is plain text in the standard (no HTML allowed), but longer than one line.
const RICH_PLAIN: Kind = Kind::Text { max: 0 };

pub fn field(key: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|f| f.key == key)
}

pub fn is_data_class(key: &str) -> bool {
    key.starts_with("dc_")
}

/// The label of any key that appears in an application's JSON (fields and a few internal ones).
pub fn label(key: &str) -> &'static str {
    // The matrix rows share names with yes/no questions ("Persoonsgegevens"): in lists, say which one.
    static CLASS_LABELS: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
        DATA_CLASSES
            .iter()
            .map(|dc| (dc.value, &*format!("Mag in de tool: {}", dc.label.to_lowercase()).leak()))
            .collect()
    });
    if let Some((_, l)) = CLASS_LABELS.iter().find(|(k, _)| *k == key) {
        return l;
    }
    if let Some(f) = field(key) {
        return f.label;
    }
    super::labels::other(key).unwrap_or("Overig veld")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_field_is_covered() {
        // Fixed or derived at export: organization (organisation name), lang, standard_version, source_id,
        // and the register-assigned lars and publication_dt (stored in their own columns).
        let derived = ["organization", "lang", "standard_version", "source_id", "lars", "publication_dt"];
        for key in STANDARD.properties.keys() {
            assert!(field(key).is_some() || derived.contains(&key.as_str()), "standard field {key} has no field");
        }
        assert_eq!(field("name").unwrap().label, "Naam");
        assert!(matches!(field("description_short").unwrap().kind, Kind::Text { max: 400 }));
        assert!(matches!(field("methods_and_models").unwrap().kind, Kind::RichText { max: 5000 }));
        assert!(matches!(field("provider").unwrap().kind, Kind::Text { max: 200 }));
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<_> = FIELDS.iter().map(|f| f.key).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(n, keys.len());
    }
}
