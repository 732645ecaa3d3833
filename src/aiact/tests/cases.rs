//! The hand-checked paths through the decision tree: each answer path with the conclusion, a phrase of its
//! text and the risk group it must give (checked by hand against the published tree).

pub(super) const AI_SYSTEM: &str = "Ja, het is een AI-systeem";
pub(super) const ONLY_DEVELOP: &str = "We ontwikkelen enkel";
pub(super) const DEVELOP_AND_USE: &str = "We ontwikkelen en gebruiken het zelf";
pub(super) const USE_AS_IS: &str = "We gebruiken een extern ontwikkelde toepassing zonder aanpassingen";
pub(super) const USE_ADAPTED: &str = "We gebruiken een extern ontwikkelde toepassing met aanpassingen";
pub(super) const IMPORT: &str = "We importeren van een leverancier buiten de EU";
pub(super) const DISTRIBUTE: &str = "We kopen van een leverancier binnen de EU en verkopen het";

/// The questions up to the risk group, for a role and a kind of system (answers to 1.4.x).
pub(super) fn into_risk(
    role: &'static str,
    kind: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    let mut p = vec![("1.1", "Ja"), ("1.2", role), ("1.3", "In gebruik")];
    p.extend_from_slice(kind);
    p.extend([("1.5", "Nee"), ("2.0", "Naar risicogroep bepaling")]);
    p
}

pub(super) fn system(role: &'static str) -> Vec<(&'static str, &'static str)> {
    into_risk(role, &[("1.4.1", AI_SYSTEM)])
}

pub(super) fn gp_system(role: &'static str) -> Vec<(&'static str, &'static str)> {
    into_risk(role, &[("1.4.1", "Nee, het is geen AI-systeem"), ("1.4.2", "AI-systeem voor algemene doeleinden")])
}

pub(super) fn gp_model(role: &'static str) -> Vec<(&'static str, &'static str)> {
    into_risk(role, &[("1.4.1", "Nee, het is geen AI-systeem"), ("1.4.2", "AI-model voor algemene doeleinden")])
}

pub(super) fn with(
    mut p: Vec<(&'static str, &'static str)>,
    rest: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    p.extend_from_slice(rest);
    p
}

/// Annex III high risk without exception (2.4 Ja → 2.7.2 → 2.5 profiling).
pub(super) const HIGH_RISK: &[(&str, &str)] =
    &[("2.1", "Nee"), ("2.3", "Geen van beide"), ("2.4", "Ja"), ("2.7.2", "Nee"), ("2.5", "Ja")];
/// Not high risk (2.4 Nee), not open source.
pub(super) const NOT_HIGH_CLOSED: &[(&str, &str)] =
    &[("2.1", "Nee"), ("2.3", "Geen van beide"), ("2.4", "Nee"), ("2.11", "Nee")];
pub(super) const PROHIBITED: &[(&str, &str)] = &[("2.1", "Ja"), ("2.2", "Nee")];
pub(super) const TRANSPARENCY: &[(&str, &str)] = &[("2.9", "Ja"), ("2.10", "Nee")];
pub(super) const NO_TRANSPARENCY: &[(&str, &str)] = &[("2.9", "Nee")];

pub(super) struct Case {
    pub(super) path: Vec<(&'static str, &'static str)>,
    pub(super) conclusion: &'static str,
    /// A phrase of the conclusion text that says role, system and risk (read in the tree by hand).
    pub(super) phrase: &'static str,
    pub(super) risk_group: &'static str,
}

/// Paths that end in chapter 1: no algorithm, no role, not an AI system, an exception.
pub(super) fn early_cases() -> Vec<Case> {
    let c = |path, conclusion, phrase, risk_group| Case { path, conclusion, phrase, risk_group };
    vec![
        c(vec![("1.1", "Nee")], "11.0", "geen sprake is van een algoritme", "niet van toepassing"),
        c(
            vec![("1.1", "Ja"), ("1.2", "Geen van bovenstaande")],
            "11.3",
            "geen aanbieder, gebruiksverantwoordelijke",
            "niet van toepassing",
        ),
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", USE_AS_IS),
                ("1.3", "In gebruik"),
                ("1.4.1", "Nee, het is geen AI-systeem"),
                ("1.4.2", "Geen van bovenstaande"),
            ],
            "11.1",
            "niet valt onder de definitie van een AI-systeem",
            "niet van toepassing",
        ),
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", USE_AS_IS),
                ("1.3", "In ontwikkeling"),
                ("1.4.1", "Ik weet het niet"),
                ("1.6.1", "Ja"),
            ],
            "11.1",
            "niet valt onder de definitie",
            "niet van toepassing",
        ),
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", USE_AS_IS),
                ("1.3", "In gebruik"),
                ("1.4.1", "Ik weet het niet"),
                ("1.6.1", "Nee"),
                ("1.6.2", "Ja"),
                ("1.6.3", "Nee"),
            ],
            "11.1",
            "niet valt onder de definitie",
            "niet van toepassing",
        ),
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", USE_AS_IS),
                ("1.3", "In gebruik"),
                ("1.4.1", "Ik weet het niet"),
                ("1.6.1", "Nee"),
                ("1.6.2", "Ja"),
                ("1.6.3", "Ja"),
                ("1.5", "Ja"),
            ],
            "11.2",
            "uitzonderingsgrond",
            "uitzondering van toepassing",
        ),
    ]
}

/// Paths through chapter 2 (prohibited, high-risk, transparency), after the system questions of chapter 1.
pub(super) fn system_cases() -> Vec<Case> {
    [system_cases_1(), system_cases_2(), system_cases_3(), system_cases_4()].into_iter().flatten().collect()
}

pub(super) fn system_cases_1() -> Vec<Case> {
    let c = |path, conclusion, phrase, risk_group| Case { path, conclusion, phrase, risk_group };
    vec![
        c(with(system(ONLY_DEVELOP), PROHIBITED), "12.0.0", "aanbieder van een verboden AI-systeem", "verboden AI"),
        c(
            with(system(USE_AS_IS), PROHIBITED),
            "13.0.0",
            "gebruiksverantwoordelijke van een verboden AI-systeem",
            "verboden AI",
        ),
        c(
            with(system(DEVELOP_AND_USE), PROHIBITED),
            "14.0.0",
            "aanbieder en gebruiksverantwoordelijke van een verboden",
            "verboden AI",
        ),
        c(with(system(IMPORT), PROHIBITED), "15.0.0", "importeur van een verboden AI-systeem", "verboden AI"),
        c(with(system(DISTRIBUTE), PROHIBITED), "16.0.0", "distributeur van een verboden AI-systeem", "verboden AI"),
        c(
            with(with(system(USE_AS_IS), HIGH_RISK), TRANSPARENCY),
            "13.0.1",
            "gebruiksverantwoordelijke van een hoog-risico AI-systeem",
            "hoog-risico AI",
        ),
        c(
            with(with(system(USE_AS_IS), HIGH_RISK), NO_TRANSPARENCY),
            "13.0.2",
            "gebruiksverantwoordelijke van een hoog-risico AI-systeem.",
            "hoog-risico AI",
        ),
        c(
            with(with(system(USE_AS_IS), NOT_HIGH_CLOSED), NO_TRANSPARENCY),
            "13.0.4",
            "gebruiksverantwoordelijke van een niet-hoog-risico AI-sys",
            "geen hoog-risico AI",
        ),
        c(
            with(with(system(USE_AS_IS), NOT_HIGH_CLOSED), TRANSPARENCY),
            "13.0.3",
            "gebruiksverantwoordelijke van een niet-hoog-risico AI-sys",
            "geen hoog-risico AI",
        ),
        // Open source, not high risk, no transparency obligation: outside the AI Act (exception).
        c(
            with(
                system(USE_AS_IS),
                &[("2.1", "Nee"), ("2.3", "Geen van beide"), ("2.4", "Nee"), ("2.11", "Ja"), ("2.9", "Nee")],
            ),
            "11.2",
            "uitzonderingsgrond",
            "uitzondering van toepassing",
        ),
        c(
            with(
                system(ONLY_DEVELOP),
                &[
                    ("2.1", "Nee"),
                    ("2.3", "Ja Sectie A van Bijlage I"),
                    ("2.7.1", "Ja"),
                    ("2.9", "Ja"),
                    ("2.10", "Nee"),
                ],
            ),
            "12.0.1",
            "aanbieder van een hoog-risico AI-systeem met transparanti",
            "hoog-risico AI",
        ),
    ]
}

pub(super) fn system_cases_2() -> Vec<Case> {
    let c = |path, conclusion, phrase, risk_group| Case { path, conclusion, phrase, risk_group };
    vec![
        c(
            with(system(ONLY_DEVELOP), &[("2.1", "Nee"), ("2.3", "Ja Sectie B van Bijlage I"), ("2.9", "Nee")]),
            "12.0.2",
            "aanbieder van een hoog-risico AI-systeem.",
            "hoog-risico AI",
        ),
        c(
            with(
                system(USE_ADAPTED),
                &[
                    ("2.1", "Nee"),
                    ("2.3", "Geen van beide"),
                    ("2.4", "Nee"),
                    ("2.11", "Nee"),
                    ("2.9", "Ja"),
                    ("2.10", "Ja"),
                ],
            ),
            "14.0.4",
            "gebruiksverantwoordelijke en aanbieder van een niet-hoog-",
            "geen hoog-risico AI",
        ),
        // A prohibited practice that falls under an exception continues as an ordinary system.
        c(
            with(
                with(
                    system(ONLY_DEVELOP),
                    &[("2.1", "Ja"), ("2.2", "Ja"), ("2.3", "Geen van beide"), ("2.4", "Nee"), ("2.11", "Nee")],
                ),
                NO_TRANSPARENCY,
            ),
            "12.0.4",
            "aanbieder van een niet-hoog-risico AI-systeem.",
            "geen hoog-risico AI",
        ),
        // An exception to Annex III (2.6 Ja) means not high risk.
        c(
            with(
                system(ONLY_DEVELOP),
                &[
                    ("2.1", "Nee"),
                    ("2.3", "Geen van beide"),
                    ("2.4", "Ja"),
                    ("2.7.2", "Nee"),
                    ("2.5", "Nee"),
                    ("2.6", "Ja"),
                    ("2.11", "Nee"),
                    ("2.9", "Ja"),
                    ("2.10", "Nee"),
                ],
            ),
            "12.0.3",
            "aanbieder van een niet-hoog-risico AI-systeem met transpa",
            "geen hoog-risico AI",
        ),
    ]
}

pub(super) fn system_cases_3() -> Vec<Case> {
    let c = |path, conclusion, phrase, risk_group| Case { path, conclusion, phrase, risk_group };
    vec![
        c(
            with(
                gp_system(USE_AS_IS),
                &[
                    ("2.1", "Nee"),
                    ("2.3", "Geen van beide"),
                    ("2.4", "Ja"),
                    ("2.7.2", "Ja"),
                    ("2.5", "Nee"),
                    ("2.6", "Nee"),
                    ("2.9", "Ja"),
                    ("2.10", "Nee"),
                ],
            ),
            "13.1.1",
            "gebruiksverantwoordelijke van een hoog-risico AI-systeem",
            "hoog-risico AI",
        ),
        c(
            with(with(gp_system(ONLY_DEVELOP), NOT_HIGH_CLOSED), NO_TRANSPARENCY),
            "12.1.4",
            "aanbieder van een niet-hoog-risico AI-systeem voor algeme",
            "geen hoog-risico AI",
        ),
        c(
            with(gp_system(IMPORT), &[("2.1", "Nee"), ("2.3", "Ja Sectie A van Bijlage I")]),
            "15.1.1",
            "importeur van een hoog risico AI-systeem voor algemene",
            "hoog-risico AI",
        ),
        c(
            with(system(DISTRIBUTE), &[("2.1", "Nee"), ("2.3", "Geen van beide"), ("2.4", "Nee")]),
            "16.0.3",
            "distributeur van een niet-hoog-risico AI-systeem",
            "geen hoog-risico AI",
        ),
        c(
            with(
                system(IMPORT),
                &[("2.1", "Nee"), ("2.3", "Geen van beide"), ("2.4", "Ja"), ("2.7.2", "Nee"), ("2.5", "Ja")],
            ),
            "15.0.1",
            "importeur van een AI-systeem een hoog risico",
            "hoog-risico AI",
        ),
        c(
            with(gp_model(ONLY_DEVELOP), &[("2.8", "Ja")]),
            "12.2.1",
            "aanbieder van een AI-model voor algemene doeleinden met e",
            "",
        ),
        c(
            with(gp_model(ONLY_DEVELOP), &[("2.8", "Nee"), ("2.11", "Ja")]),
            "12.2.2",
            "aanbieder van een open-source AI-model",
            "",
        ),
        c(
            with(gp_model(ONLY_DEVELOP), &[("2.8", "Nee"), ("2.11", "Nee")]),
            "12.2.3",
            "aanbieder van een AI-model voor algemene doeleinden.",
            "",
        ),
    ]
}

pub(super) fn system_cases_4() -> Vec<Case> {
    let c = |path, conclusion, phrase, risk_group| Case { path, conclusion, phrase, risk_group };
    vec![
        c(
            with(gp_model(USE_AS_IS), &[("2.8", "Nee")]),
            "13.2.1",
            "gebruiksverantwoordelijke van een AI-model voor algemene",
            "",
        ),
        c(
            with(gp_model(DEVELOP_AND_USE), &[("2.8", "Ja")]),
            "14.2.1",
            "aanbieder en gebruiksverantwoordelijke van een AI-model",
            "",
        ),
        // Importers and distributors of a general-purpose model get their conclusion right after 1.4.2.
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", IMPORT),
                ("1.3", "In gebruik"),
                ("1.4.1", "Nee, het is geen AI-systeem"),
                ("1.4.2", "AI-model voor algemene doeleinden"),
            ],
            "15.2.1",
            "importeur van een AI-model voor algemene doeleinden",
            "",
        ),
        c(
            vec![
                ("1.1", "Ja"),
                ("1.2", DISTRIBUTE),
                ("1.3", "In gebruik"),
                ("1.4.1", "Nee, het is geen AI-systeem"),
                ("1.4.2", "AI-model voor algemene doeleinden"),
            ],
            "16.2.1",
            "distributeur van een AI-model voor algemene doeleinden",
            "",
        ),
    ]
}
