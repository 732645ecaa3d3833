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
    /// The organisation requires the Algoritmekader's requirements to be met before a high-risk AI system is
    /// approved (a setting, off by default).
    pub kader_gate: bool,
    /// With the gate on: the applicable requirements not met yet.
    pub kader_open: Vec<KaderOpen>,
    /// With the gate on: why the set of requirements is not settled yet (not taken over, no outcome).
    pub kader_pending: Option<&'static str>,
}

/// An applicable requirement of the Algoritmekader that is not met: its id, title and open measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KaderOpen {
    pub id: String,
    pub title: String,
    pub open: usize,
}

pub const ACCOUNTABLE: &str = "Precies één Accountable";
pub const FG_ADVICE: &str = "Advies van de FG";
pub const KADER: &str = "Vereisten uit het Algoritmekader";
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
            kader_gate: false,
            kader_open: Vec::new(),
            kader_pending: None,
        }
    }

    /// Whether the Algoritmekader gate counts: switched on and a high-risk AI system.
    pub fn kader_applies(&self) -> bool {
        self.kader_gate && self.ai_act_high_risk
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

    if stage == Stage::Approval && f.kader_applies() {
        out.push((KADER, kader_open(f)));
    }

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

/// What the Algoritmekader gate still misses: the set itself, or the requirements with open measures.
fn kader_open(f: &Facts) -> Option<String> {
    if let Some(pending) = f.kader_pending {
        return Some(pending.to_string());
    }
    let measures = |n: usize| if n == 1 { "1 maatregel open".to_string() } else { format!("{n} maatregelen open") };
    (!f.kader_open.is_empty()).then(|| {
        format!(
            "De organisatie keurt een hoog-risico-systeem pas goed als alle vereisten zijn voldaan. Nog niet voldaan: {}. Zet elke maatregel op gereed, of op niet van toepassing met een reden (tabblad „Vereisten”).",
            f.kader_open.iter().map(|o| format!("{} – {} ({})", o.id, o.title, measures(o.open))).collect::<Vec<_>>().join("; ")
        )
    })
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
mod tests;
