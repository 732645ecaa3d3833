//! What the tab, the overview and the reports show: the requirements taken over for a registration, each with
//! its measures' state and the audit-framework criteria they answer to.

use uuid::Uuid;

use super::reference::{Kader, Measure};
use super::store::{self, MeasureRow, RequirementRow, is_done};
use crate::register::fields::label_in as label;
use crate::web::format_date;

#[derive(Debug, Clone)]
pub struct MeasureView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub status_value: String,
    pub status: String,
    pub reason: String,
    pub owner_id: String,
    pub owner: String,
    pub evidence: String,
    pub evidence_url: String,
    pub review_date: String,
    /// The review date as the date field takes it (jjjj-mm-dd; or what was typed, after a refusal).
    pub review_date_input: String,
    /// The first time the tab shows this measure (a measure serves several requirements): it carries the
    /// anchor `maatregel-{id}` that a save returns to.
    pub anchor: bool,
    pub version: i32,
    /// The uploaded evidence file's name (empty without one); downloaded at /register/{id}/maatregelen/{mtr}/bewijs.
    pub file_name: String,
    /// The measure's lifecycle phases, as labels.
    pub lifecycle: String,
    /// "ADR SV.4; ARK 1.04".
    pub criteria: String,
    pub done: bool,
    /// A refused save of this measure: the message (the typed values are in the fields above).
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RequirementView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub lifecycle: String,
    /// The lifecycle phases as in the front matter (what the phase filter compares).
    pub phases: Vec<String>,
    /// Marked not applicable, with this reason.
    pub reason: Option<String>,
    pub measures: Vec<MeasureView>,
    pub open: usize,
}

pub(crate) fn measure_view(m: &Measure, row: Option<&MeasureRow>) -> MeasureView {
    let status = row.map(|r| r.status.clone()).unwrap_or_else(|| "te_doen".into());
    MeasureView {
        id: m.id.clone(),
        title: m.title.clone(),
        summary: m.summary.clone(),
        status: label(store::STATUSES, &status),
        done: is_done(&status),
        status_value: status,
        reason: row.and_then(|r| r.reason.clone()).unwrap_or_default(),
        owner_id: row.and_then(|r| r.owner_id).map(|u| u.to_string()).unwrap_or_default(),
        owner: row.and_then(|r| r.owner.clone()).unwrap_or_default(),
        evidence: row.and_then(|r| r.evidence.clone()).unwrap_or_default(),
        evidence_url: row.and_then(|r| r.evidence_url.clone()).unwrap_or_default(),
        review_date: row.and_then(|r| r.review_date).map(format_date).unwrap_or_default(),
        review_date_input: row.and_then(|r| r.review_date).map(|d| d.to_string()).unwrap_or_default(),
        anchor: false,
        version: row.map(|r| r.version).unwrap_or(0),
        file_name: row.and_then(|r| r.file_name.clone()).unwrap_or_default(),
        lifecycle: m.lifecycle.iter().map(|p| super::phase::label(p)).collect::<Vec<_>>().join(", "),
        criteria: m.criteria.iter().map(|c| format!("{} {}", c.framework, c.number)).collect::<Vec<_>>().join("; "),
        error: None,
    }
}

/// The applicable requirements of one registration (taken over and still applicable), in the Algoritmekader's
/// order, from the rows of that registration.
pub fn requirements(
    kader: &Kader,
    application_id: Uuid,
    reqs: &[RequirementRow],
    measures: &[MeasureRow],
) -> Vec<RequirementView> {
    let mine: Vec<&RequirementRow> =
        reqs.iter().filter(|r| r.application_id == application_id && r.applicable).collect();
    kader
        .requirements
        .iter()
        .filter_map(|r| {
            let row = mine.iter().find(|x| x.requirement == r.id)?;
            let ms: Vec<MeasureView> = r
                .measures
                .iter()
                .filter_map(|id| kader.measure(id))
                .map(|m| {
                    let found = measures.iter().find(|x| x.application_id == application_id && x.measure == m.id);
                    measure_view(m, found)
                })
                .collect();
            let open = if row.reason.is_some() { 0 } else { ms.iter().filter(|m| !m.done).count() };
            Some(RequirementView {
                id: r.id.clone(),
                title: r.title.clone(),
                summary: r.summary.clone(),
                lifecycle: r.lifecycle.iter().map(|p| super::phase::label(p)).collect::<Vec<_>>().join(", "),
                phases: r.lifecycle.clone(),
                reason: row.reason.clone(),
                measures: ms,
                open,
            })
        })
        .collect()
}

/// Counts for the overview: applicable requirements, those not yet met, open measures.
pub fn counts(views: &[RequirementView]) -> (usize, usize, usize) {
    let unmet = views.iter().filter(|r| r.open > 0).count();
    (views.len(), unmet, views.iter().map(|r| r.open).sum())
}

/// The rows of the report (HTML and Excel): one per measure of an applicable requirement.
pub fn report_rows(application: &str, views: &[RequirementView], kader: &Kader) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for r in views {
        if let Some(reason) = &r.reason {
            rows.push(vec![
                application.to_string(),
                format!("{} – {}", r.id, r.title),
                String::new(),
                "Vereiste niet van toepassing".into(),
                reason.clone(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            continue;
        }
        for m in &r.measures {
            let criteria = kader
                .measure(&m.id)
                .map(|x| {
                    x.criteria.iter().map(|c| format!("{} {}: {}", c.framework, c.number, c.text)).collect::<Vec<_>>()
                })
                .unwrap_or_default()
                .join("\n");
            let file = if m.file_name.is_empty() { String::new() } else { format!("Bestand: {}", m.file_name) };
            let evidence = [m.evidence.as_str(), m.evidence_url.as_str(), file.as_str(), m.reason.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("\n");
            rows.push(vec![
                application.to_string(),
                format!("{} – {}", r.id, r.title),
                format!("{} – {}", m.id, m.title),
                m.status.clone(),
                evidence,
                m.owner.clone(),
                m.review_date.clone(),
                criteria,
            ]);
        }
    }
    rows
}

pub const REPORT_HEADER: [&str; 8] = [
    "Registratie",
    "Vereiste",
    "Maatregel",
    "Status",
    "Bewijs of reden",
    "Eigenaar",
    "Herbeoordelen op",
    "Toetsingskaders (ADR, Algemene Rekenkamer)",
];
