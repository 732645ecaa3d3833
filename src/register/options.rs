//! The closed lists of values the register's fields take (themes, statuses, categories, data classes,
//! permissions, risk levels, ...), each value with the label people read. The field catalogue (`fields`)
//! refers to them; so do the forms, filters and exports.

/// An allowed value and how people read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    pub value: &'static str,
    pub label: &'static str,
}

const fn o(value: &'static str, label: &'static str) -> Opt {
    Opt { value, label }
}

/// The 16 themes of the standard (values as the register requires them).
pub const THEMES: &[Opt] = &[
    o("Organisatie en bedrijfsvoering", "Organisatie en bedrijfsvoering"),
    o("Cultuur en recreatie", "Cultuur en recreatie"),
    o("Economie", "Economie"),
    o("Overheidsfinanciën", "Overheidsfinanciën"),
    o("Wonen", "Wonen"),
    o("Internationaal", "Internationaal"),
    o("Migratie en integratie", "Migratie en integratie"),
    o("Natuur en milieu", "Natuur en milieu"),
    o("Onderwijs en wetenschap", "Onderwijs en wetenschap"),
    o("Openbare orde en veiligheid", "Openbare orde en veiligheid"),
    o("Recht", "Recht"),
    o("Ruimte en infrastructuur", "Ruimte en infrastructuur"),
    o("Sociale zekerheid", "Sociale zekerheid"),
    o("Verkeer", "Verkeer"),
    o("Werk", "Werk"),
    o("Zorg en gezondheid", "Zorg en gezondheid"),
];
pub const REGISTER_STATUS: &[Opt] =
    &[o("In ontwikkeling", "In ontwikkeling"), o("In gebruik", "In gebruik"), o("Buiten gebruik", "Buiten gebruik")];
pub const PUBLICATION_CATEGORIES: &[Opt] = &[
    o("Hoog-risico AI-systeem", "Hoog-risico AI-systeem (categorie A)"),
    o("Impactvolle algoritmes", "Impactvolle algoritmes (categorie B)"),
    o("Overige algoritmes", "Overige algoritmes (categorie C)"),
];
/// The standard's recommended impact assessment titles (verbatim, including its "Assesment" spelling).
pub const IMPACT_ASSESSMENT_TITLES: &[&str] = &[
    "AI Impact Assesment (AIIA)",
    "Data Protection Impact Assessment (DPIA)",
    "De Ethische Bijsluiter",
    "De Ethische Data Assistant (DEDA)",
    "Fundamentele Rechten en Algoritme Impact Assessment (FRAIA)",
    "Impact Assessment Mensenrechten en Algoritmes (IAMA)",
    "Pre-scan DPIA",
    "Privacy Quickscan",
    "Toetsingskader Algemene Rekenkamer",
    "Utrecht Uthiek Assessment",
    "Z-Inspection",
];

pub const WORKFLOW_STATUS: &[Opt] = &[
    o("concept", "Concept"),
    o("ingediend", "Ingediend"),
    o("in_beoordeling", "In beoordeling"),
    o("teruggestuurd", "Teruggestuurd"),
    o("goedgekeurd", "Goedgekeurd"),
    o("goedgekeurd_onder_voorwaarden", "Goedgekeurd onder voorwaarden"),
    o("afgewezen", "Afgewezen"),
    o("in_gebruik", "In gebruik"),
    o("buiten_gebruik", "Buiten gebruik"),
];
pub const USE_CATEGORIES: &[Opt] = &[
    o("interne_productiviteit", "Interne productiviteit"),
    o("algemeen_gebruik", "Algemeen gebruik en onderzoek"),
    o("klantprojecten", "Klantprojecten"),
];
pub const DEPLOYMENTS: &[Opt] = &[
    o("openbare_webdienst", "Openbare webdienst"),
    o("ingebed", "Ingebed in bestaande software"),
    o("api", "API-koppeling"),
    o("lokaal", "Lokaal (on-premise)"),
    o("cloud", "Cloud (eigen omgeving)"),
];
pub const LICENCE_TYPES: &[Opt] = &[
    o("consument", "Consumentenvoorwaarden (gratis of persoonlijk account)"),
    o("organisatie", "Organisatielicentie met contractuele afspraken"),
];
pub const INTERACTIONS: &[Opt] =
    &[o("intern", "Alleen intern (medewerkers)"), o("extern", "Ook extern: burgers, klanten of bedrijven")];
pub const DATA_LOCATIONS: &[Opt] =
    &[o("eu", "Binnen de EU/EER"), o("buiten_eer", "(Ook) buiten de EER"), o("onbekend", "Onbekend")];
pub const AI_ACT_RISK_GROUPS: &[Opt] = &[
    o("verboden AI", "Verboden AI"),
    o("hoog-risico AI", "Hoog-risico AI"),
    o("geen hoog-risico AI", "Geen hoog-risico AI"),
    o("uitzondering van toepassing", "Uitzondering van toepassing"),
    o("niet van toepassing", "Niet van toepassing (geen AI-systeem)"),
];
pub const PERMISSIONS: &[Opt] =
    &[o("toegestaan", "Toegestaan"), o("onder_voorwaarden", "Onder voorwaarden"), o("verboden", "Verboden")];
pub const RISK_LEVELS: &[Opt] = &[o("laag", "Laag"), o("middel", "Middel"), o("hoog", "Hoog")];
/// Seed 002, Bijlage 2: "Checklist Verantwoorde Inzet Generatieve AI".
pub const CHECKLIST: &[Opt] = &[
    o("doel", "Doel en maatschappelijke meerwaarde vastgesteld"),
    o("risicoanalyse", "Risicoanalyse uitgevoerd (DPIA en/of IAMA)"),
    o("privacy", "Privacyaspecten beoordeeld"),
    o("maatregelen", "Technische en organisatorische maatregelen genomen"),
    o("leveranciersafspraken", "Afspraken met leverancier over datagebruik, retentie, training"),
    o("transparantie", "Transparantie voor burgers geregeld"),
    o("uitlegbaarheid", "Uitlegbaarheid van AI-uitvoer gegarandeerd"),
    o("verantwoordelijken", "Interne verantwoordelijken benoemd"),
    o("algoritmeregister", "Documentatie opgenomen in algoritmeregister"),
    o("training", "Medewerkers geïnformeerd en getraind"),
];

/// The data classes of the matrix (PRODUCT.md), as (column, label).
pub const DATA_CLASSES: &[Opt] = &[
    o("dc_openbaar", "Openbare informatie"),
    o("dc_intern", "Interne informatie"),
    o("dc_vertrouwelijk", "Vertrouwelijke informatie"),
    o("dc_persoonsgegevens", "Persoonsgegevens"),
    o("dc_bijzondere", "Bijzondere persoonsgegevens"),
    o("dc_beveiliging", "Beveiligingsinformatie"),
    o("dc_klant", "Klantgegevens"),
    o("dc_financieel", "Financiële gegevens en creditcardgegevens"),
];

/// The label of a value in a (value, label) list of the workflow pages; the value itself when unknown.
pub fn label_in(options: &[(&str, &str)], value: &str) -> String {
    options.iter().find(|(v, _)| *v == value).map(|(_, l)| (*l).to_string()).unwrap_or_else(|| value.to_string())
}

/// The value as the list's own `&'static str`, when it is one of the (value, label) list's values.
pub fn value_in(options: &[(&'static str, &str)], value: &str) -> Option<&'static str> {
    options.iter().find(|(v, _)| *v == value).map(|(v, _)| *v)
}

pub fn label_of(options: &[Opt], value: &str) -> String {
    options.iter().find(|o| o.value == value).map(|o| o.label.to_string()).unwrap_or_else(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::fields::standard_field;

    fn values(opts: &[Opt]) -> Vec<String> {
        opts.iter().map(|o| o.value.to_string()).collect()
    }

    #[test]
    fn enumerations_match_the_standard() {
        assert_eq!(standard_field("category").unwrap().permitted_values.clone().unwrap(), values(THEMES));
        assert_eq!(standard_field("status").unwrap().permitted_values.clone().unwrap(), values(REGISTER_STATUS));
        assert_eq!(
            standard_field("publication_category").unwrap().permitted_values.clone().unwrap(),
            values(PUBLICATION_CATEGORIES)
        );
    }
}
