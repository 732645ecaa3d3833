//! "Overzicht": the dashboard for the CISO, the FG, management and administrators. Every figure counts with
//! the same conditions as the register list's filters and links to that list, so a number can always be
//! checked against the registrations behind it.

pub mod chart;
mod counts;
mod literacy_list;
pub mod people;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::fields::{AI_ACT_RISK_GROUPS, Opt, RISK_LEVELS, WORKFLOW_STATUS};
use crate::register::search::{ASSESSMENT_FILTER, EVALUATION_FILTER};
use crate::web::layout::Layout;
use crate::web::month_label;
use crate::web::{render, url_encode};
use chart::{Bar, Chart};
use counts::{Assessments, Counts};

pub const PATH: &str = crate::web::paths::DASHBOARD;
/// The people behind a literacy figure of a department.
pub const LITERACY_LIST: &str = "/overzicht/ai-geletterdheid";

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(page)).route(LITERACY_LIST, get(literacy_list::page))
}

/// The roles the dashboard is for.
pub fn may_view(user: &CurrentUser) -> bool {
    user.sees_overview()
}

pub struct KeyFigure {
    pub label: &'static str,
    pub value: i64,
    pub href: String,
}

pub struct ChartView {
    pub chart: Chart,
    pub svg: String,
    /// None where the categories overlap (a registration can need both a DPIA and an IAMA).
    pub total: Option<i64>,
}

#[derive(Template)]
#[template(path = "dashboard/page.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub org_name: String,
    pub figures: Vec<KeyFigure>,
    pub charts: Vec<ChartView>,
    /// The policy and AI-literacy coverage per department and role.
    pub people: people::People,
}

fn list_href(param: &str, value: &str) -> String {
    format!("/register?{param}={}", url_encode(value))
}

/// Counts per key, in the order and with the labels of `options`; keys not among them are left out.
fn bars(options: &[Opt], counts: &[(String, i64)], param: &str) -> Vec<Bar> {
    options
        .iter()
        .map(|o| Bar {
            label: o.label.to_string(),
            value: counts.iter().find(|(k, _)| k == o.value).map(|(_, n)| *n).unwrap_or(0),
            href: list_href(param, o.value),
        })
        .collect()
}

const NOT_DETERMINED: Opt = Opt { value: "onbekend", label: "Nog niet bepaald" };

#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let Some(org) = user.organisation_id() else { return Err(AppError::Forbidden) };
    if !may_view(&user) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, action = "dashboard", "dashboard refused");
        return Err(AppError::Forbidden);
    }
    let counts = Counts::load(&state.pool, org).await?;
    render(&DashboardPage {
        layout: Layout::for_user(&user, "Overzicht", PATH),
        org_name: user.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        figures: figures(&counts),
        charts: charts(&counts)
            .into_iter()
            .map(|c| ChartView { svg: c.svg(), total: (c.id != "toetsen").then(|| c.total()), chart: c })
            .collect(),
        people: people::load(&state.pool, org, &user).await?,
    })
}

fn count(list: &[(String, i64)], key: &str) -> i64 {
    list.iter().find(|(k, _)| k == key).map(|(_, n)| *n).unwrap_or(0)
}

/// The key figures at the top, each linking to the register list it counts.
fn figures(c: &Counts) -> Vec<KeyFigure> {
    let open_incidents: i64 = c.incidents.iter().map(|(_, n)| n).sum();
    vec![
        KeyFigure { label: "Registraties", value: c.by_status.iter().map(|(_, n)| n).sum(), href: "/register".into() },
        KeyFigure {
            label: "In gebruik",
            value: count(&c.by_status, "in_gebruik"),
            href: list_href("status", "in_gebruik"),
        },
        KeyFigure { label: "Eigen risico hoog", value: count(&c.by_risk, "hoog"), href: list_href("risico", "hoog") },
        KeyFigure {
            label: "Evaluatie verlopen",
            value: count(&c.evaluations, "verlopen"),
            href: list_href("evaluatie", "verlopen"),
        },
        KeyFigure {
            label: "DPIA ontbreekt",
            value: c.assessments.dpia_missing,
            href: list_href("toets", "dpia_ontbreekt"),
        },
        KeyFigure {
            label: "IAMA ontbreekt",
            value: c.assessments.iama_missing,
            href: list_href("toets", "iama_ontbreekt"),
        },
        KeyFigure { label: "Met open incident", value: open_incidents, href: list_href("incident", "open") },
    ]
}

fn charts(c: &Counts) -> Vec<Chart> {
    let mut risk_options = RISK_LEVELS.iter().rev().copied().collect::<Vec<_>>();
    risk_options.push(NOT_DETERMINED);
    let mut ai_options = AI_ACT_RISK_GROUPS.to_vec();
    ai_options.push(NOT_DETERMINED);
    vec![
        Chart {
            id: "status",
            title: "Registraties per status",
            about: "Aantal registraties per beoordelingsstatus.",
            bars: bars(WORKFLOW_STATUS, &c.by_status, "status"),
        },
        Chart {
            id: "risico",
            title: "Eigen risiconiveau",
            about: "Aantal registraties per eigen risiconiveau (afgeleid uit de gegevensklassen, of aangepast door de CISO).",
            bars: bars(&risk_options, &c.by_risk, "risico"),
        },
        Chart {
            id: "ai-act",
            title: "Risicogroep AI-verordening",
            about: "Aantal registraties per risicogroep volgens de beslishulp AI-verordening.",
            bars: bars(&ai_options, &c.by_ai_act, "ai_act"),
        },
        Chart {
            id: "toetsen",
            title: "Verplichte DPIA en IAMA",
            about: "Lopende registraties (ingediend tot en met in gebruik) waarvoor een DPIA of IAMA verplicht is: afgerond of ontbrekend.",
            bars: assessment_bars(&c.assessments),
        },
        Chart {
            id: "evaluaties",
            title: "Evaluaties",
            about: "Goedgekeurde registraties en registraties in gebruik, naar hun volgende evaluatie.",
            bars: bars(EVALUATION_FILTER, &c.evaluations, "evaluatie"),
        },
        Chart {
            id: "incidenten",
            title: "Open incidenten",
            about: "Registraties met een open incident, naar de ernst van het zwaarste open incident.",
            bars: incident_bars(&c.incidents),
        },
        Chart {
            id: "per-maand",
            title: "Registraties per maand",
            about: "Nieuwe registraties per maand, de afgelopen twaalf maanden.",
            bars: month_bars(&c.months),
        },
    ]
}

/// DPIA missing, done; IAMA missing, done: in the order of the register's assessment filter.
fn assessment_bars(a: &Assessments) -> Vec<Bar> {
    let assessment_counts = [a.dpia_missing, a.dpia_done, a.iama_missing, a.iama_done];
    ASSESSMENT_FILTER
        .iter()
        .zip(assessment_counts)
        .map(|(o, n)| Bar { label: o.label.to_string(), value: n, href: list_href("toets", o.value) })
        .collect()
}

/// Worst first; the rank is the severity's position (the SQL function incident_severity_rank).
fn incident_bars(incidents: &[(i32, i64)]) -> Vec<Bar> {
    let severities = ["kritiek", "hoog", "middel", "laag"];
    severities
        .iter()
        .enumerate()
        .map(|(i, s)| Bar {
            label: crate::register::fields::label_in(
                &[("kritiek", "Kritiek"), ("hoog", "Hoog"), ("middel", "Middel"), ("laag", "Laag")],
                s,
            ),
            value: incidents.iter().find(|(r, _)| *r as usize == i).map(|(_, n)| *n).unwrap_or(0),
            href: list_href("incident", s),
        })
        .collect()
}

/// The last twelve months, this one last, also those without new registrations.
fn month_bars(months: &[(String, i64)]) -> Vec<Bar> {
    let today = crate::web::today();
    let month_keys: Vec<String> = (0..12)
        .rev()
        .map(|back| {
            let total = today.year() * 12 + i32::from(u8::from(today.month())) - 1 - back;
            format!("{:04}-{:02}", total / 12, total % 12 + 1)
        })
        .collect();
    month_keys
        .iter()
        .map(|m| Bar { label: month_label(m), value: count(months, m), href: list_href("maand", m) })
        .collect()
}
