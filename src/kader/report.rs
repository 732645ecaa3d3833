//! Reports of the Algoritmekader's requirements and measures, per registration and for the whole register: an
//! HTML print view and an Excel workbook, each measure with the ADR and Rekenkamer criteria it answers to. And
//! the CISO's overview of what is open across the register.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use uuid::Uuid;

use super::actions::kader;
use super::phase::{self, PhaseQuery};
use super::store;
use super::view::{self, REPORT_HEADER};
use crate::AppState;
use crate::applications::{load, organisation};
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::web::layout::Layout;
use crate::web::{attachment, format_date, render, today};

/// CISO, FG, management and administrators see the whole register.
pub(crate) fn sees_register(user: &CurrentUser) -> AppResult<Uuid> {
    let org = organisation(user)?;
    if [Role::Ciso, Role::Fg, Role::Directie, Role::Beheerder].iter().any(|r| user.has_role(*r)) {
        Ok(org)
    } else {
        Err(AppError::Forbidden)
    }
}

pub struct Line {
    pub id: Uuid,
    pub name: String,
    pub applicable: usize,
    pub unmet: usize,
    pub open: usize,
}

/// Every registration with requirements taken over, with its counts over the requirements of the chosen
/// phases (`fase`: see phase::chosen; empty is each registration's own phases).
pub(crate) async fn lines(state: &AppState, org: Uuid, fase: &str) -> AppResult<(Vec<Line>, Vec<Vec<String>>)> {
    let kader = kader()?;
    let reqs = store::requirements(&state.pool, org, None).await?;
    let measures = store::measures(&state.pool, org, None).await?;
    let names = sqlx::query!(
        r#"select application_id, name, status from application where organisation_id = $1
           and application_id in (select application_id from kader_requirement) order by name"#,
        org
    )
    .fetch_all(&state.pool)
    .await?;
    let (mut out, mut rows) = (Vec::new(), Vec::new());
    for n in names {
        let views = view::requirements(kader, n.application_id, &reqs, &measures);
        let views = phase::filter(views, &phase::chosen(fase, Some(n.status.as_str())));
        let (applicable, unmet, open) = view::counts(&views);
        rows.extend(view::report_rows(&n.name, &views, kader));
        out.push(Line { id: n.application_id, name: n.name, applicable, unmet, open });
    }
    Ok((out, rows))
}

#[derive(Template)]
#[template(path = "kader/overview.html")]
struct OverviewPage {
    layout: Layout,
    lines: Vec<Line>,
    phases: Vec<(String, String, bool)>,
}

pub async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PhaseQuery>,
) -> AppResult<Response> {
    let org = sees_register(&user)?;
    let (lines, _) = lines(&state, org, &q.fase).await?;
    render(&OverviewPage {
        layout: Layout::for_user(&user, "Vereisten en maatregelen", "/vereisten"),
        lines,
        phases: phase::options(&q.fase, "Per registratie de fasen bij haar status"),
    })
}

#[derive(Template)]
#[template(path = "kader/report.html")]
struct ReportPage {
    title: String,
    version: String,
    date: String,
    header: [&'static str; 8],
    rows: Vec<Vec<String>>,
}

fn report(title: String, rows: Vec<Vec<String>>) -> AppResult<Response> {
    let kader = kader()?;
    render(&ReportPage {
        title,
        version: format!("Algoritmekader {} (inhoud {})", kader.version, &kader.sha256[..12]),
        date: format_date(today()),
        header: REPORT_HEADER,
        rows,
    })
}

fn workbook(name: &str, rows: Vec<Vec<String>>) -> AppResult<Response> {
    let mut all = vec![REPORT_HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    all.extend(rows);
    let bytes = crate::publication::xlsx::workbook("Vereisten", &all).map_err(|e| AppError::Internal(e.into()))?;
    attachment(name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes)
}

async fn one(state: &AppState, user: &CurrentUser, id: Uuid) -> AppResult<(String, Vec<Vec<String>>)> {
    let (org, app) = load(state, user, id).await?;
    let kader = kader()?;
    let reqs = store::requirements(&state.pool, org, Some(id)).await?;
    let measures = store::measures(&state.pool, org, Some(id)).await?;
    let views = view::requirements(kader, id, &reqs, &measures);
    Ok((app.name().to_string(), view::report_rows(app.name(), &views, kader)))
}

pub async fn print(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (name, rows) = one(&state, &user, id).await?;
    report(format!("Vereisten en maatregelen – {name}"), rows)
}

pub async fn xlsx(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (name, rows) = one(&state, &user, id).await?;
    workbook(&format!("vereisten-{name}.xlsx"), rows)
}

pub async fn register_print(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = sees_register(&user)?;
    let (_, rows) = lines(&state, org, "alle").await?;
    report("Vereisten en maatregelen – hele register".into(), rows)
}

pub async fn register_xlsx(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = sees_register(&user)?;
    let (_, rows) = lines(&state, org, "alle").await?;
    workbook("vereisten-register.xlsx", rows)
}
