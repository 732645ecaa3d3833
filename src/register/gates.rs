//! The gates of seed 002 §6 ("Procedure voor inzet van AI") and Bijlage 2 (the checklist), checked at
//! submission and again at approval. Pure functions over the facts of one registration: each open gate comes
//! with a Dutch message that says exactly what is missing.

use serde_json::{Map, Value};

use super::checklist::{self, Party};
use super::confirmation::{confirmer, confirmer_name, short_name};
use super::fields::{CHECKLIST, label_of};
use super::rasci::RasciEntry;
use super::roles_needed;
use crate::roles::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Submission,
    Approval,
}

/// What the gates look at.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub goal_stated: bool,
    pub personal_data: bool,
    pub special_categories: bool,
    pub risk_high: bool,
    pub ai_act_high_risk: bool,
    pub affects_citizens: bool,
    /// Kinds of the completed and confirmed assessments (`dpia`, `iama`, ...): only these count.
    pub completed: Vec<String>,
    /// Kinds completed but still waiting for the FG's or CISO's confirmation (named in the messages).
    pub awaiting: Vec<String>,
    /// Roles this registration needs that no active user holds (named where they block).
    pub missing_roles: Vec<Role>,
    pub risk_analysis_reason: bool,
    /// The latest completed Pre-scan DPIA says a DPIA is required.
    pub prescan_requires_dpia: bool,
    /// Data use, retention, training: recorded as agreed (Some(true)), not agreed, or not answered.
    pub agreements: [Option<bool>; 3],
    pub agreements_note: bool,
    pub accountable: usize,
    /// The FG's advice in the current round (`positief`, `negatief`, `geen_bezwaar`).
    pub fg_advice: Option<String>,
    /// Management consent in the current round.
    pub consent: Option<bool>,
    pub checklist: Vec<String>,
}

pub const ACCOUNTABLE: &str = "Precies één Accountable";
pub const FG_ADVICE: &str = "Advies van de FG";
const AGREEMENTS: [&str; 3] = ["datagebruik", "bewaartermijn (retentie)", "training op onze gegevens"];
/// Assessments that count as the IAMA (the FRAIA is its successor).
const IAMA_KINDS: &[&str] = &["iama", "fraia"];

/// Whether a registration involves personal data: stated, or allowed by its data-class matrix.
pub fn involves_personal_data(doc: &Map<String, Value>) -> bool {
    let yes = |k: &str| doc.get(k).and_then(Value::as_bool) == Some(true);
    let allowed = |k: &str| matches!(doc.get(k).and_then(Value::as_str), Some("toegestaan" | "onder_voorwaarden"));
    yes("personal_data") || yes("special_categories") || allowed("dc_persoonsgegevens") || allowed("dc_bijzondere")
}

// The same conditions in SQL are the database functions processes_personal_data, dpia_required,
// iama_required and assessment_completed (migration 0013); the dashboard's test compares them with these rules
// on the demo data.

impl Facts {
    /// The facts that come from the registration itself; the caller adds assessments, advice and consent.
    pub fn from_registration(doc: &Map<String, Value>, rasci: &[RasciEntry]) -> Facts {
        let s = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or("");
        let text = |k: &str| !super::richtext::plain_text(s(k)).trim().is_empty();
        let b = |k: &str| doc.get(k).and_then(Value::as_bool);
        Facts {
            goal_stated: text("goal"),
            personal_data: involves_personal_data(doc),
            special_categories: b("special_categories") == Some(true)
                || matches!(s("dc_bijzondere"), "toegestaan" | "onder_voorwaarden"),
            risk_high: s("risk_level") == "hoog",
            ai_act_high_risk: s("ai_act_risk_group") == "hoog-risico AI",
            affects_citizens: s("interaction") == "extern"
                || matches!(s("publication_category"), "Hoog-risico AI-systeem" | "Impactvolle algoritmes"),
            completed: Vec::new(),
            awaiting: Vec::new(),
            missing_roles: Vec::new(),
            risk_analysis_reason: text("risk_analysis_reason"),
            prescan_requires_dpia: false,
            agreements: [b("agreement_data_use"), b("agreement_retention"), b("agreement_training")],
            agreements_note: text("supplier_agreements_note"),
            accountable: rasci.iter().filter(|r| r.letter == 'A').count(),
            fg_advice: None,
            consent: None,
            checklist: doc
                .get("checklist")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default(),
        }
    }

    fn has_completed(&self, kinds: &[&str]) -> bool {
        self.completed.iter().any(|k| kinds.contains(&k.as_str()))
    }

    /// "de DPIA is afgerond maar nog niet bevestigd door de FG" for the first of `kinds` that waits.
    fn waiting(&self, kinds: &[&str]) -> Option<String> {
        let kind = self.awaiting.iter().find(|k| kinds.contains(&k.as_str()))?;
        let name = short_name(kind).unwrap_or("het assessment");
        let mut w = format!("de {name} is afgerond maar nog niet bevestigd door {}", confirmer_name(kind));
        if self.missing_roles.contains(&confirmer(kind)) {
            w = format!("{w} ({})", roles_needed::advice(confirmer(kind)).trim_end_matches('.'));
        }
        Some(w)
    }

    /// The gate's message, with what to do when the role that must act is held by nobody.
    fn unless_nobody(&self, role: Role, message: &str) -> String {
        if self.missing_roles.contains(&role) {
            format!("{message} {}", roles_needed::advice(role))
        } else {
            message.to_string()
        }
    }

    /// A DPIA is required when personal data is processed with a high risk (AVG art. 35; seed 002 §6).
    pub fn dpia_required(&self) -> Option<&'static str> {
        match (self.personal_data, self.special_categories, self.risk_high) {
            (true, true, _) => Some("er bijzondere persoonsgegevens worden verwerkt"),
            (true, _, true) => Some("er persoonsgegevens worden verwerkt en het eigen risiconiveau hoog is"),
            _ if self.prescan_requires_dpia => Some("de Pre-scan DPIA uitwijst dat een DPIA verplicht is"),
            _ => None,
        }
    }

    /// An IAMA when the AI Act profile is high-risk or the algorithm affects citizens.
    pub fn iama_required(&self) -> Option<&'static str> {
        if self.ai_act_high_risk {
            Some("de AI-verordening dit een hoog-risico AI-systeem noemt")
        } else if self.affects_citizens {
            Some("de toepassing burgers raakt (extern gebruik of een impactvol algoritme)")
        } else {
            None
        }
    }
}

/// The form field where a gate is fulfilled (the registration form's element ids).
pub fn anchor(gate: &str) -> &'static str {
    match gate {
        "Doel en maatschappelijke meerwaarde" => "goal",
        "Risicoanalyse" => "risk_analysis_reason",
        "Afspraken met de leverancier" => "agreement_data_use",
        ACCOUNTABLE => "sectie-rasci",
        "Checklist verantwoorde inzet" => "checklist",
        _ => "",
    }
}

/// One gate that is not passed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    pub gate: &'static str,
    pub message: String,
}

/// The gates and their state: every gate, with `None` when it is passed.
pub fn evaluate(f: &Facts, stage: Stage) -> Vec<(&'static str, Option<String>)> {
    let mut out: Vec<(&'static str, Option<String>)> = Vec::new();
    out.push((
        "Doel en maatschappelijke meerwaarde",
        (!f.goal_stated).then(|| "Het doel is niet beschreven (veld „Doel en impact”).".to_string()),
    ));

    out.push(("Risicoanalyse", risk_analysis_open(f)));

    let open_agreements: Vec<&str> =
        AGREEMENTS.iter().zip(f.agreements).filter(|(_, v)| *v != Some(true)).map(|(l, _)| *l).collect();
    out.push((
        "Afspraken met de leverancier",
        (!open_agreements.is_empty() && !f.agreements_note).then(|| {
            format!(
                "Niet vastgelegd: afspraken over {}. Leg ze vast, of licht in „Toelichting leveranciersafspraken” toe waarom ze niet nodig zijn.",
                open_agreements.join(", ")
            )
        }),
    ));

    out.push((
        ACCOUNTABLE,
        (f.accountable != 1).then(|| {
            format!("Er moet precies één Accountable (A) zijn bij de verantwoordelijken (RASCI); nu {}.", f.accountable)
        }),
    ));

    if stage == Stage::Approval && f.personal_data {
        out.push((
            FG_ADVICE,
            f.fg_advice.is_none().then(|| {
                f.unless_nobody(
                    Role::Fg,
                    "Het advies van de Functionaris Gegevensbescherming ontbreekt (er zijn persoonsgegevens bij betrokken).",
                )
            }),
        ));
    }

    out.push(("Checklist verantwoorde inzet", checklist_open(f, stage)));

    if stage == Stage::Approval && f.risk_high {
        out.push((
            "Toestemming van de directie",
            match f.consent {
                Some(true) => None,
                Some(false) => {
                    Some("De directie heeft geen toestemming gegeven (eigen risiconiveau hoog).".to_string())
                }
                None => Some(
                    f.unless_nobody(Role::Directie, "Toestemming van de directie ontbreekt (eigen risiconiveau hoog)."),
                ),
            },
        ));
    }
    out
}

/// The checklist items still unticked: at submission the owner's items, at approval all ten (the CISO's
/// items named as such, since the CISO ticks them on the review page).
fn checklist_open(f: &Facts, stage: Stage) -> Option<String> {
    let unchecked = |p: Party| -> Vec<String> {
        CHECKLIST
            .iter()
            .filter(|c| checklist::party(c.value) == p && !f.checklist.iter().any(|v| v == c.value))
            .map(|c| label_of(CHECKLIST, c.value))
            .collect()
    };
    let owner = unchecked(Party::Owner);
    let ciso = if stage == Stage::Approval { unchecked(Party::Ciso) } else { Vec::new() };
    let mut parts = Vec::new();
    if !owner.is_empty() {
        parts.push(format!("Nog niet afgevinkt: {}.", owner.join("; ")));
    }
    if !ciso.is_empty() {
        parts.push(format!("Nog niet afgevinkt door de CISO: {}.", ciso.join("; ")));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// What the risk-analysis gate still misses: a required DPIA or IAMA, or any analysis or reason at all.
fn risk_analysis_open(f: &Facts) -> Option<String> {
    let mut risk = Vec::new();
    if let Some(why) = f.dpia_required()
        && !f.has_completed(&["dpia"])
    {
        risk.push(match f.waiting(&["dpia"]) {
            Some(w) => format!("een bevestigde DPIA (verplicht omdat {why}): {w}"),
            None => format!("een afgeronde DPIA (verplicht omdat {why})"),
        });
    }
    if let Some(why) = f.iama_required()
        && !f.has_completed(IAMA_KINDS)
    {
        risk.push(match f.waiting(IAMA_KINDS) {
            Some(w) => format!("een bevestigde IAMA of FRAIA (nodig omdat {why}): {w}"),
            None => format!("een afgeronde IAMA of FRAIA (nodig omdat {why})"),
        });
    }
    if f.dpia_required().is_none() && f.iama_required().is_none() && f.completed.is_empty() && !f.risk_analysis_reason {
        let all: Vec<&str> = f.awaiting.iter().map(String::as_str).collect();
        risk.push(match f.waiting(&all) {
            Some(w) => format!(
                "een bevestigde risicoanalyse ({w}), of een toelichting waarom geen DPIA of IAMA nodig is (veld „Toelichting risicoanalyse”)"
            ),
            None => "een afgeronde risicoanalyse, of een toelichting waarom geen DPIA of IAMA nodig is (veld „Toelichting risicoanalyse”)"
                .to_string(),
        });
    }
    (!risk.is_empty()).then(|| {
        format!(
            "Ontbreekt: {}. Een assessment voegt u toe op het tabblad „Assessments” van de registratie (een nieuwe registratie slaat u daarvoor eerst op als concept).",
            risk.join("; ")
        )
    })
}

/// Only the gates that block, as messages.
pub fn check(f: &Facts, stage: Stage) -> Vec<Open> {
    evaluate(f, stage).into_iter().filter_map(|(gate, m)| m.map(|message| Open { gate, message })).collect()
}

/// "Goedkeuren kan nog niet. Nog open: ..." as one line.
pub fn summary(open: &[Open]) -> String {
    open.iter().map(|o| format!("{}: {}", o.gate, o.message)).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A registration that passes every gate.
    fn passing() -> Facts {
        Facts {
            goal_stated: true,
            personal_data: true,
            special_categories: false,
            risk_high: false,
            completed: vec!["prescan_dpia".into()],
            agreements: [Some(true); 3],
            accountable: 1,
            fg_advice: Some("positief".into()),
            checklist: CHECKLIST.iter().map(|c| c.value.to_string()).collect(),
            ..Facts::default()
        }
    }

    fn gates(f: &Facts, stage: Stage) -> Vec<&'static str> {
        check(f, stage).into_iter().map(|o| o.gate).collect()
    }

    #[test]
    fn a_complete_registration_passes() {
        assert!(check(&passing(), Stage::Submission).is_empty());
        assert!(check(&passing(), Stage::Approval).is_empty());
    }

    #[test]
    fn purpose_must_be_stated() {
        let f = Facts { goal_stated: false, ..passing() };
        let open = check(&f, Stage::Submission);
        assert_eq!(open.len(), 1);
        assert!(open[0].message.contains("Doel en impact"));
    }

    #[test]
    fn dpia_is_required_for_high_risk_personal_data() {
        let f = Facts { special_categories: true, ..passing() };
        let open = check(&f, Stage::Submission);
        assert_eq!(gates(&f, Stage::Submission), ["Risicoanalyse"]);
        assert!(open[0].message.contains("afgeronde DPIA (verplicht omdat er bijzondere persoonsgegevens worden"));
        let f = Facts { risk_high: true, consent: Some(true), ..passing() };
        assert!(check(&f, Stage::Approval)[0].message.contains("eigen risiconiveau hoog is"));
        let done = Facts { completed: vec!["dpia".into()], ..f };
        assert!(check(&done, Stage::Approval).is_empty());
        // Without personal data a high risk needs no DPIA.
        let f = Facts { personal_data: false, risk_high: true, consent: Some(true), ..passing() };
        assert!(check(&f, Stage::Approval).is_empty());
    }

    #[test]
    fn a_prescan_that_requires_a_dpia_requires_one() {
        let f = Facts { personal_data: false, prescan_requires_dpia: true, ..passing() };
        let open = check(&f, Stage::Submission);
        assert!(open[0].message.contains("de Pre-scan DPIA uitwijst dat een DPIA verplicht is"), "{open:?}");
        assert!(check(&Facts { completed: vec!["dpia".into()], ..f }, Stage::Submission).is_empty());
    }

    #[test]
    fn iama_is_required_for_high_risk_ai_or_citizens() {
        for f in [Facts { ai_act_high_risk: true, ..passing() }, Facts { affects_citizens: true, ..passing() }] {
            let open = check(&f, Stage::Submission);
            assert_eq!(open.len(), 1, "{open:?}");
            assert!(open[0].message.contains("afgeronde IAMA of FRAIA"));
            assert!(check(&Facts { completed: vec!["fraia".into()], ..f.clone() }, Stage::Submission).is_empty());
            assert!(check(&Facts { completed: vec!["iama".into()], ..f }, Stage::Submission).is_empty());
        }
    }

    #[test]
    fn without_required_instruments_an_analysis_or_a_reason_is_needed() {
        let f = Facts { completed: vec![], ..passing() };
        let open = check(&f, Stage::Submission);
        assert_eq!(gates(&f, Stage::Submission), ["Risicoanalyse"]);
        assert!(open[0].message.contains("Toelichting risicoanalyse"));
        assert!(check(&Facts { risk_analysis_reason: true, ..f }, Stage::Submission).is_empty());
    }

    #[test]
    fn supplier_agreements_are_recorded_or_explained() {
        let f = Facts { agreements: [Some(true), None, Some(false)], ..passing() };
        let open = check(&f, Stage::Submission);
        assert_eq!(gates(&f, Stage::Submission), ["Afspraken met de leverancier"]);
        assert!(open[0].message.contains("bewaartermijn (retentie), training op onze gegevens"), "{open:?}");
        assert!(!open[0].message.contains("datagebruik,"));
        assert!(check(&Facts { agreements_note: true, ..f }, Stage::Submission).is_empty());
    }

    #[test]
    fn exactly_one_accountable() {
        for n in [0, 2] {
            let open = check(&Facts { accountable: n, ..passing() }, Stage::Submission);
            assert_eq!(open[0].gate, "Precies één Accountable");
            assert!(open[0].message.ends_with(&format!("nu {n}.")));
        }
    }

    #[test]
    fn fg_advice_only_at_approval_and_only_with_personal_data() {
        let f = Facts { fg_advice: None, ..passing() };
        assert!(check(&f, Stage::Submission).is_empty());
        assert_eq!(gates(&f, Stage::Approval), ["Advies van de FG"]);
        assert!(check(&Facts { personal_data: false, ..f }, Stage::Approval).is_empty());
    }

    #[test]
    fn the_checklist_lists_what_is_unchecked() {
        let mut f = passing();
        f.checklist.retain(|c| c != "training" && c != "privacy");
        let open = check(&f, Stage::Submission);
        assert_eq!(open[0].message, "Nog niet afgevinkt: Medewerkers geïnformeerd en getraind.");
        assert_eq!(
            check(&f, Stage::Approval)[0].message,
            "Nog niet afgevinkt: Medewerkers geïnformeerd en getraind. Nog niet afgevinkt door de CISO: Privacyaspecten beoordeeld."
        );
    }

    #[test]
    fn the_cisos_items_are_needed_at_approval_only() {
        let mut f = passing();
        f.checklist.retain(|c| checklist::party(c) == Party::Owner);
        assert!(check(&f, Stage::Submission).is_empty());
        let open = check(&f, Stage::Approval);
        assert_eq!(open.len(), 1);
        assert!(open[0].message.starts_with("Nog niet afgevinkt door de CISO: Risicoanalyse uitgevoerd"), "{open:?}");
    }

    #[test]
    fn high_risk_needs_management_consent_at_approval() {
        let f = Facts { risk_high: true, completed: vec!["dpia".into()], ..passing() };
        assert!(check(&f, Stage::Submission).is_empty());
        assert_eq!(
            check(&f, Stage::Approval)[0].message,
            "Toestemming van de directie ontbreekt (eigen risiconiveau hoog)."
        );
        assert!(
            check(&Facts { consent: Some(false), ..f.clone() }, Stage::Approval)[0]
                .message
                .contains("geen toestemming")
        );
        assert!(check(&Facts { consent: Some(true), ..f }, Stage::Approval).is_empty());
    }

    #[test]
    fn an_assessment_waiting_for_confirmation_does_not_count_and_is_named() {
        let f = Facts { special_categories: true, awaiting: vec!["dpia".into()], ..passing() };
        let open = check(&f, Stage::Submission);
        assert!(open[0].message.contains("de DPIA is afgerond maar nog niet bevestigd door de FG"), "{open:?}");
        let f = Facts { affects_citizens: true, awaiting: vec!["fraia".into()], ..passing() };
        assert!(
            check(&f, Stage::Submission)[0]
                .message
                .contains("de FRAIA is afgerond maar nog niet bevestigd door de CISO")
        );
        let f = Facts { completed: vec![], awaiting: vec!["bio_quickscan".into()], ..passing() };
        assert!(
            check(&f, Stage::Submission)[0].message.contains("de BIO-quickscan is afgerond maar nog niet bevestigd")
        );
    }

    #[test]
    fn a_role_nobody_holds_is_named_where_it_blocks() {
        let f = Facts {
            fg_advice: None,
            risk_high: true,
            completed: vec!["dpia".into()],
            missing_roles: vec![Role::Fg, Role::Directie],
            ..passing()
        };
        let open = check(&f, Stage::Approval);
        assert_eq!(open.len(), 2, "{open:?}");
        assert!(open[0].message.ends_with("Er is geen actieve gebruiker met de rol FG; vraag een beheerder deze rol toe te kennen (Beheer → Gebruikers)."));
        assert!(open[1].message.contains("Er is geen actieve gebruiker met de rol directie;"));
        let held = Facts { missing_roles: vec![], ..f };
        assert!(check(&held, Stage::Approval).iter().all(|o| !o.message.contains("geen actieve gebruiker")));
    }

    #[test]
    fn special_categories_allowed_by_the_matrix_need_a_dpia() {
        let mut doc = Map::new();
        doc.insert("special_categories".into(), Value::from(false));
        doc.insert("dc_bijzondere".into(), Value::from("toegestaan"));
        let f = Facts::from_registration(&doc, &[]);
        assert!(f.personal_data && f.special_categories);
        assert!(f.dpia_required().is_some());
    }

    #[test]
    fn personal_data_from_the_matrix_counts() {
        let mut doc = Map::new();
        assert!(!involves_personal_data(&doc));
        doc.insert("dc_persoonsgegevens".into(), Value::from("onder_voorwaarden"));
        assert!(involves_personal_data(&doc));
        doc.insert("dc_persoonsgegevens".into(), Value::from("verboden"));
        doc.insert("personal_data".into(), Value::from(true));
        assert!(involves_personal_data(&doc));
    }
}
