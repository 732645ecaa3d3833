//! The stepwise registration form's page: the progress through the steps (which still need something), the
//! fields of one step, its "nog nodig" list, and the overview with the whole list and the submit button.

use askama::Template;
use uuid::Uuid;

use super::edit::Conflict;
use super::views::{self, FieldView, Known, MatrixRow, RasciView};
use crate::auth::session::CurrentUser;
use crate::register::checklist::{Party, TickView};
use crate::register::form::{self, FormData, Missing};
use crate::register::risk::RiskLevel;
use crate::register::search::Similar;
use crate::register::steps::{self, Relevance, Step};
use crate::register::store;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;

pub struct StepNav {
    pub slug: &'static str,
    pub title: &'static str,
    /// Empty before the registration exists (only its first step can be filled in then).
    pub href: String,
    pub current: bool,
    /// "klaar", "nog 2 nodig"; empty for a new registration.
    pub status: String,
}

/// A "nog nodig" line with the address of the field in its step.
pub struct MissingLink {
    pub text: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "applications/step.html")]
pub struct StepPage {
    pub layout: Layout,
    pub id: Option<Uuid>,
    pub version: i32,
    pub name: String,
    pub slug: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub number: usize,
    pub total: usize,
    pub nav: Vec<StepNav>,
    pub fields: Vec<FieldView>,
    pub matrix: Vec<MatrixRow>,
    pub rasci: Vec<RasciView>,
    pub risk_label: String,
    pub risk_reasons: Vec<String>,
    pub errors: FormErrors,
    pub missing: Vec<MissingLink>,
    pub not_saved: Vec<&'static str>,
    pub conflict: Option<Conflict>,
    pub similar: Vec<Similar>,
    pub checked_name: String,
    pub prev: Option<&'static str>,
    pub approved: bool,
    pub overview: bool,
    pub all_missing: Vec<MissingLink>,
    pub can_submit: bool,
    pub ticks: Vec<TickView>,
    pub one_page_href: String,
}

/// What a step page shows, besides the user and the members.
pub struct StepState<'a> {
    pub id: Option<Uuid>,
    pub version: i32,
    pub step: Step,
    pub rel: Relevance,
    /// The input as typed (or as stored).
    pub form: &'a FormData,
    pub errors: FormErrors,
    /// Everything the registration still lacks for submission (empty for a new one).
    pub missing: Vec<Missing>,
    pub conflict: Option<Conflict>,
    pub similar: Vec<Similar>,
    pub can_submit: bool,
    pub approved: bool,
    pub ticks: Vec<TickView>,
}

fn link(id: Option<Uuid>, m: &Missing) -> MissingLink {
    let step = steps::step_of_missing(m);
    let href = match (id, m.anchor) {
        (None, _) => String::new(),
        (Some(id), "") => format!("/register/{id}/bewerken/{}", step.slug()),
        (Some(id), anchor) => format!("/register/{id}/bewerken/{}#{anchor}", step.slug()),
    };
    MissingLink { text: m.text.clone(), href }
}

fn status(id: Option<Uuid>, step: Step, missing: &[Missing]) -> String {
    if id.is_none() || step == Step::Overzicht {
        return String::new();
    }
    match missing.iter().filter(|m| steps::step_of_missing(m) == step).count() {
        0 => "klaar".to_string(),
        n => format!("nog {n} nodig"),
    }
}

pub fn step_page(user: &CurrentUser, members: &Known, s: StepState<'_>) -> StepPage {
    let order = s.rel.steps();
    let pos = order.iter().position(|x| *x == s.step).unwrap_or(0);
    let name = s.form.get("name").trim().to_string();
    let page_title = format!("Stap {} van {}: {} – {}", pos + 1, order.len(), s.step.title(), name);
    let base = |step: Step| s.id.map(|id| format!("/register/{id}/bewerken/{}", step.slug())).unwrap_or_default();
    let nav = order
        .iter()
        .map(|&st| StepNav {
            slug: st.slug(),
            title: st.title(),
            href: if st == s.step && s.id.is_none() { "#sectie-algemeen".to_string() } else { base(st) },
            current: st == s.step,
            status: status(s.id, st, &s.missing),
        })
        .collect();
    let (mut sections, matrix) = views::form_sections(s.form, &s.errors, members);
    views::offer_suppliers(&mut sections, &members.suppliers);
    let keys = steps::fields_of(s.step, s.rel);
    let all: Vec<FieldView> = sections.into_iter().flat_map(|sec| sec.fields).collect();
    let fields = keys.iter().filter_map(|k| all.iter().find(|f| f.key == *k).cloned()).collect();
    let values = form::validate(s.form, members, &mut FormErrors::new());
    let risk = store::derive_risk(&values);
    let not_saved = if s.id.is_some() && s.conflict.is_none() {
        s.errors.iter().map(|(k, _)| crate::register::fields::label(k)).collect()
    } else {
        Vec::new()
    };
    let overview = s.step == Step::Overzicht;
    let ticks = if overview { s.ticks } else { s.ticks.into_iter().filter(|t| t.party == Party::Ciso).collect() };
    StepPage {
        layout: Layout::for_user(user, &page_title, "/register")
            .with_errors(!s.errors.is_empty() || s.conflict.is_some()),
        id: s.id,
        version: s.version,
        name,
        slug: s.step.slug(),
        title: s.step.title(),
        intro: s.step.intro(),
        number: pos + 1,
        total: order.len(),
        nav,
        fields,
        matrix,
        rasci: views::rasci_views(s.form, &s.errors, members),
        risk_label: risk.level.map(RiskLevel::label).unwrap_or_else(|| "Nog niet te bepalen".to_string()),
        risk_reasons: risk.reasons,
        missing: s.missing.iter().filter(|m| steps::step_of_missing(m) == s.step).map(|m| link(s.id, m)).collect(),
        all_missing: s.missing.iter().map(|m| link(s.id, m)).collect(),
        errors: s.errors,
        not_saved,
        conflict: s.conflict,
        similar: s.similar,
        checked_name: s.form.get("checked_name").to_string(),
        prev: pos.checked_sub(1).and_then(|p| order.get(p)).map(|st| st.slug()),
        approved: s.approved,
        overview,
        can_submit: s.can_submit,
        ticks,
        one_page_href: match s.id {
            Some(id) => format!("/register/{id}/bewerken/alles"),
            None => format!("/register/nieuw?alles=1&naam={}", crate::web::url_encode(s.form.get("name"))),
        },
    }
}

/// The step after (or before) `step` among those this registration goes through.
pub fn neighbour(rel: Relevance, step: Step, forward: bool) -> Step {
    let order = rel.steps();
    let pos = order.iter().position(|x| *x == step).unwrap_or(0);
    let next = if forward { pos + 1 } else { pos.saturating_sub(1) };
    order.get(next).copied().unwrap_or(Step::Overzicht)
}
