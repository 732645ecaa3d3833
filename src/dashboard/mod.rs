//! "Overzicht": the dashboard for the CISO, the FG, management and administrators. Every figure counts with
//! the same conditions as the register list's filters and links to that list, so a number can always be
//! checked against the registrations behind it.

pub mod chart;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use sqlx::PgPool;
use uuid::Uuid;

use crate::AppState;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::fields::{AI_ACT_RISK_GROUPS, Opt, RISK_LEVELS, WORKFLOW_STATUS};
use crate::register::gates::{self, DPIA_KINDS_SQL, IAMA_KINDS_SQL, IAMA_REQUIRED_SQL};
use crate::register::search::{ACTIVE_SQL, APPROVED_SQL, SEVERITY_RANK_SQL};
use crate::register::search::{ASSESSMENT_FILTER, EVALUATION_FILTER};
use crate::web::layout::Layout;
use crate::web::month_label;
use crate::web::{render, url_encode};
use chart::{Bar, Chart};

pub const PATH: &str = crate::web::paths::DASHBOARD;

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(page))
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

async fn grouped(pool: &PgPool, org: Uuid, expr: &str, extra: &str) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(&format!(
        "select {expr} as k, count(*) from application a where a.organisation_id = $1 {extra} group by 1"
    ))
    .bind(org)
    .fetch_all(pool)
    .await
}

const NOT_DETERMINED: Opt = Opt { value: "onbekend", label: "Nog niet bepaald" };

#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let Some(org) = user.organisation_id() else { return Err(AppError::Forbidden) };
    if !may_view(&user) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, action = "dashboard", "dashboard refused");
        return Err(AppError::Forbidden);
    }
    let pool = &state.pool;
    let by_status = grouped(pool, org, "a.workflow_status", "").await?;
    let by_risk = grouped(pool, org, "coalesce(a.risk_level, 'onbekend')", "").await?;
    let by_ai_act = grouped(pool, org, "coalesce(a.ai_act_risk_group, 'onbekend')", "").await?;
    let evaluations = grouped(
        pool,
        org,
        "case when a.next_evaluation is null then 'geen' when a.next_evaluation < current_date then 'verlopen'
              when a.next_evaluation <= current_date + 30 then 'binnenkort' else 'later' end",
        &format!("and a.{APPROVED_SQL}"),
    )
    .await?;
    // Required assessments of registrations on their way or in use: done or missing.
    let dpia = gates::dpia_required_sql();
    let assessments: (i64, i64, i64, i64) = sqlx::query_as(&format!(
        "select count(*) filter (where dpia and dpia_done), count(*) filter (where dpia and not dpia_done),
                count(*) filter (where iama and iama_done), count(*) filter (where iama and not iama_done)
           from (select {dpia} as dpia, {} as dpia_done, {IAMA_REQUIRED_SQL} as iama, {} as iama_done
                   from application a where a.organisation_id = $1 and a.{ACTIVE_SQL}) t",
        gates::completed_sql(DPIA_KINDS_SQL),
        gates::completed_sql(IAMA_KINDS_SQL),
    ))
    .bind(org)
    .fetch_one(pool)
    .await?;
    // Registrations with an open incident, by the severity of their worst open incident.
    let incidents: Vec<(i32, i64)> = sqlx::query_as(&format!(
        "select worst, count(*) from (select application_id, min({SEVERITY_RANK_SQL}) as worst from incident
          where organisation_id = $1 and status <> 'afgehandeld' group by application_id) t group by worst"
    ))
    .bind(org)
    .fetch_all(pool)
    .await?;
    let months: Vec<(String, i64)> = sqlx::query!(
        r#"select to_char(created_at at time zone 'Europe/Amsterdam', 'YYYY-MM') as "c0!: String",
                 count(*) as "c1!: i64" from application
          where organisation_id = $1
            and created_at >= (date_trunc('month', now() at time zone 'Europe/Amsterdam') - interval '11 months')
                              at time zone 'Europe/Amsterdam'
          group by 1"#,
        org
    )
    .map(|r| (r.c0, r.c1))
    .fetch_all(pool)
    .await?;

    let count = |list: &[(String, i64)], key: &str| list.iter().find(|(k, _)| k == key).map(|(_, n)| *n).unwrap_or(0);
    let mut risk_options = RISK_LEVELS.iter().rev().copied().collect::<Vec<_>>();
    risk_options.push(NOT_DETERMINED);
    let mut ai_options = AI_ACT_RISK_GROUPS.to_vec();
    ai_options.push(NOT_DETERMINED);
    let severities = ["kritiek", "hoog", "middel", "laag"];
    let open_incidents: i64 = incidents.iter().map(|(_, n)| n).sum();
    let (dpia_done, dpia_missing, iama_done, iama_missing) = assessments;
    let assessment_counts = [dpia_missing, dpia_done, iama_missing, iama_done];
    let today = crate::web::today();
    let month_keys: Vec<String> = (0..12)
        .rev()
        .map(|back| {
            let total = today.year() * 12 + i32::from(u8::from(today.month())) - 1 - back;
            format!("{:04}-{:02}", total / 12, total % 12 + 1)
        })
        .collect();

    let charts = vec![
        Chart {
            id: "status",
            title: "Registraties per status",
            about: "Aantal registraties per beoordelingsstatus.",
            bars: bars(WORKFLOW_STATUS, &by_status, "status"),
        },
        Chart {
            id: "risico",
            title: "Eigen risiconiveau",
            about: "Aantal registraties per eigen risiconiveau (afgeleid uit de gegevensklassen, of aangepast door de CISO).",
            bars: bars(&risk_options, &by_risk, "risico"),
        },
        Chart {
            id: "ai-act",
            title: "Risicogroep AI-verordening",
            about: "Aantal registraties per risicogroep volgens de beslishulp AI-verordening.",
            bars: bars(&ai_options, &by_ai_act, "ai_act"),
        },
        Chart {
            id: "toetsen",
            title: "Verplichte DPIA en IAMA",
            about: "Lopende registraties (ingediend tot en met in gebruik) waarvoor een DPIA of IAMA verplicht is: afgerond of ontbrekend.",
            bars: ASSESSMENT_FILTER
                .iter()
                .zip(assessment_counts)
                .map(|(o, n)| Bar { label: o.label.to_string(), value: n, href: list_href("toets", o.value) })
                .collect(),
        },
        Chart {
            id: "evaluaties",
            title: "Evaluaties",
            about: "Goedgekeurde registraties en registraties in gebruik, naar hun volgende evaluatie.",
            bars: bars(EVALUATION_FILTER, &evaluations, "evaluatie"),
        },
        Chart {
            id: "incidenten",
            title: "Open incidenten",
            about: "Registraties met een open incident, naar de ernst van het zwaarste open incident.",
            bars: severities
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
                .collect(),
        },
        Chart {
            id: "per-maand",
            title: "Registraties per maand",
            about: "Nieuwe registraties per maand, de afgelopen twaalf maanden.",
            bars: month_keys
                .iter()
                .map(|m| Bar { label: month_label(m), value: count(&months, m), href: list_href("maand", m) })
                .collect(),
        },
    ];
    let figures = vec![
        KeyFigure { label: "Registraties", value: by_status.iter().map(|(_, n)| n).sum(), href: "/register".into() },
        KeyFigure {
            label: "In gebruik",
            value: count(&by_status, "in_gebruik"),
            href: list_href("status", "in_gebruik"),
        },
        KeyFigure { label: "Eigen risico hoog", value: count(&by_risk, "hoog"), href: list_href("risico", "hoog") },
        KeyFigure {
            label: "Evaluatie verlopen",
            value: count(&evaluations, "verlopen"),
            href: list_href("evaluatie", "verlopen"),
        },
        KeyFigure { label: "DPIA ontbreekt", value: dpia_missing, href: list_href("toets", "dpia_ontbreekt") },
        KeyFigure { label: "IAMA ontbreekt", value: iama_missing, href: list_href("toets", "iama_ontbreekt") },
        KeyFigure { label: "Met open incident", value: open_incidents, href: list_href("incident", "open") },
    ];
    render(&DashboardPage {
        layout: Layout::for_user(&user, "Overzicht", PATH),
        org_name: user.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        figures,
        charts: charts
            .into_iter()
            .map(|c| ChartView { svg: c.svg(), total: (c.id != "toetsen").then(|| c.total()), chart: c })
            .collect(),
    })
}
