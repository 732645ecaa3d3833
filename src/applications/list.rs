//! "Register": the organisation's applications with full-text search, filters, sorting and pages; and
//! "Mijn toepassingen": everything a person owns or is Responsible or Accountable for.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use super::organisation;
use super::views::OptView;
use crate::AppState;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::register::fields::{AI_ACT_RISK_GROUPS, Opt, RISK_LEVELS, USE_CATEGORIES, WORKFLOW_STATUS, label_of};
use crate::register::search::{
    self, ASSESSMENT_FILTER, EVALUATION_FILTER, INCIDENT_FILTER, ListFilter, ListRow, MineRow,
};
use crate::web::layout::Layout;
use crate::web::month_label;
use crate::web::render;

pub struct Row {
    pub id: String,
    pub name: String,
    pub description: String,
    pub provider: String,
    pub status: String,
    pub risk: String,
    pub risk_value: String,
    pub ai_act: String,
    pub department: String,
    pub evaluation: String,
    pub overdue: bool,
    /// "Tijdelijk niet gebruiken": suspended by the CISO after an incident, with the reason.
    pub suspension: Option<String>,
}

pub struct Filter {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<OptView>,
}

#[derive(Template)]
#[template(path = "applications/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub q: String,
    pub filters: Vec<Filter>,
    pub sort: Vec<OptView>,
    pub rows: Vec<Row>,
    pub total: i64,
    /// The search matched more than it shows ("meer dan 1.000").
    pub capped: bool,
    pub page: u32,
    pub pages: u32,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub any_filter: bool,
}

fn options(all: &[Opt], selected: &str, any: &str) -> Vec<OptView> {
    let mut v = vec![OptView { value: String::new(), label: any.to_string(), selected: selected.is_empty() }];
    v.extend(all.iter().map(|o| OptView {
        value: o.value.to_string(),
        label: o.label.to_string(),
        selected: o.value == selected,
    }));
    v
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The query string for another page with the same search and filters.
fn page_href(f: &ListFilter, page: u32) -> String {
    let pairs = [
        ("q", &f.q),
        ("status", &f.status),
        ("risico", &f.risico),
        ("ai_act", &f.ai_act),
        ("afdeling", &f.afdeling),
        ("gebruik", &f.gebruik),
        ("persoonsgegevens", &f.persoonsgegevens),
        ("evaluatie", &f.evaluatie),
        ("toets", &f.toets),
        ("incident", &f.incident),
        ("maand", &f.maand),
        ("sorteer", &f.sorteer),
    ];
    let mut parts: Vec<String> =
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", encode(v))).collect();
    parts.push(format!("pagina={page}"));
    format!("/register?{}", parts.join("&"))
}

/// The last 24 months (newest first), and the chosen one if it is older.
fn month_options(selected: &str) -> Vec<OptView> {
    let today = crate::web::today();
    let (mut y, mut m) = (today.year(), u8::from(today.month()));
    let mut out = vec![OptView { value: String::new(), label: "Alle maanden".into(), selected: selected.is_empty() }];
    for _ in 0..24 {
        let v = format!("{y:04}-{m:02}");
        out.push(OptView { label: month_label(&v), selected: v == selected, value: v });
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
    if !selected.is_empty() && !out.iter().any(|o| o.selected) && crate::register::form::is_month(selected) {
        out.push(OptView { value: selected.to_string(), label: month_label(selected), selected: true });
    }
    out
}

#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<ListFilter>,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let listing = search::list(&state.pool, org, &f).await?;
    let page = f.pagina.unwrap_or(1).max(1);
    let pages = listing.pages() as u32;
    let (total, capped) = (listing.total, listing.capped);
    let today = time::OffsetDateTime::now_utc().date();
    let rows = listing.rows.into_iter().map(|r| row(r, today)).collect();
    let filters = filters(&f, search::departments(&state.pool, org).await?);
    let sort = sort_options(&f);
    let any_filter = any_filter(&f);
    render(&ListPage {
        layout: Layout::for_user(&user, "Register", "/register"),
        q: f.q.clone(),
        filters,
        sort,
        rows,
        total,
        capped,
        page,
        pages,
        prev_href: (page > 1).then(|| page_href(&f, page - 1)),
        next_href: (page < pages).then(|| page_href(&f, page + 1)),
        any_filter,
    })
}

/// One registration as the list shows it; an overdue evaluation counts only while the tool is active.
fn row(r: ListRow, today: time::Date) -> Row {
    let active = !matches!(r.workflow_status.as_str(), "concept" | "buiten_gebruik" | "afgewezen");
    Row {
        id: r.application_id.to_string(),
        name: r.name,
        description: r.description_short,
        provider: r.provider.unwrap_or_default(),
        status: label_of(WORKFLOW_STATUS, &r.workflow_status),
        risk: r.risk_level.as_deref().map(|l| label_of(RISK_LEVELS, l)).unwrap_or_else(|| "Nog niet bepaald".into()),
        risk_value: r.risk_level.unwrap_or_default(),
        ai_act: r.ai_act_risk_group.as_deref().map(|g| label_of(AI_ACT_RISK_GROUPS, g)).unwrap_or_default(),
        department: r.department.unwrap_or_default(),
        overdue: active && r.next_evaluation.is_some_and(|d| d < today),
        suspension: r.suspension_reason,
        evaluation: r.next_evaluation.map(crate::web::format_date).unwrap_or_default(),
    }
}

/// The filter boxes with the current choice selected; departments are those the register uses.
fn filters(f: &ListFilter, dept_values: Vec<String>) -> Vec<Filter> {
    let mut dept_options = options(&[], &f.afdeling, "Alle afdelingen");
    dept_options.extend(dept_values.into_iter().map(|d| OptView {
        selected: d == f.afdeling,
        label: d.clone(),
        value: d,
    }));
    vec![
        Filter { name: "status", label: "Status", options: options(WORKFLOW_STATUS, &f.status, "Alle statussen") },
        Filter {
            name: "risico",
            label: "Eigen risiconiveau",
            options: {
                let mut o = options(RISK_LEVELS, &f.risico, "Alle niveaus");
                o.push(OptView {
                    value: "onbekend".into(),
                    label: "Nog niet bepaald".into(),
                    selected: f.risico == "onbekend",
                });
                o
            },
        },
        Filter {
            name: "ai_act",
            label: "Risicogroep AI-verordening",
            options: {
                let mut o = options(AI_ACT_RISK_GROUPS, &f.ai_act, "Alle risicogroepen");
                o.push(OptView {
                    value: "onbekend".into(),
                    label: "Nog niet bepaald".into(),
                    selected: f.ai_act == "onbekend",
                });
                o
            },
        },
        Filter { name: "afdeling", label: "Afdeling", options: dept_options },
        Filter {
            name: "gebruik",
            label: "Gebruikscategorie",
            options: options(USE_CATEGORIES, &f.gebruik, "Alle categorieën"),
        },
        Filter {
            name: "persoonsgegevens",
            label: "Persoonsgegevens",
            options: options(
                &[Opt { value: "ja", label: "Ja" }, Opt { value: "nee", label: "Nee" }],
                &f.persoonsgegevens,
                "Ja of nee",
            ),
        },
        Filter { name: "evaluatie", label: "Evaluatie", options: options(EVALUATION_FILTER, &f.evaluatie, "Alle") },
        Filter {
            name: "toets",
            label: "Verplichte DPIA of IAMA",
            options: options(ASSESSMENT_FILTER, &f.toets, "Alle"),
        },
        Filter { name: "incident", label: "Open incident", options: options(INCIDENT_FILTER, &f.incident, "Alle") },
        Filter { name: "maand", label: "Aangemeld in", options: month_options(&f.maand) },
    ]
}

/// The sort choices; without a search the first ("") sorts by last change, with one by best match.
fn sort_options(f: &ListFilter) -> Vec<OptView> {
    let sort_opts = [
        Opt { value: "", label: if f.q.trim().is_empty() { "Laatst gewijzigd" } else { "Beste overeenkomst" } },
        Opt { value: "gewijzigd", label: "Laatst gewijzigd" },
        Opt { value: "naam", label: "Naam (A-Z)" },
        Opt { value: "risico", label: "Risico (hoog eerst)" },
        Opt { value: "evaluatie", label: "Evaluatiedatum" },
    ];
    sort_opts
        .iter()
        .map(|o| OptView { value: o.value.into(), label: o.label.into(), selected: o.value == f.sorteer })
        .collect()
}

/// Whether any search or filter is set (the page then offers to clear them).
fn any_filter(f: &ListFilter) -> bool {
    [
        &f.q,
        &f.status,
        &f.risico,
        &f.ai_act,
        &f.afdeling,
        &f.gebruik,
        &f.persoonsgegevens,
        &f.evaluatie,
        &f.toets,
        &f.incident,
        &f.maand,
    ]
    .iter()
    .any(|v| !v.trim().is_empty())
}

#[derive(Template)]
#[template(path = "applications/mine.html")]
pub struct MinePage {
    pub layout: Layout,
    pub rows: Vec<(MineRow, String, String)>,
}

#[tracing::instrument(skip_all)]
pub async fn mine(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = organisation(&user)?;
    let rows = search::mine(&state.pool, org, user.user_id)
        .await?
        .into_iter()
        .map(|r| {
            let status = label_of(WORKFLOW_STATUS, &r.workflow_status);
            let risk =
                r.risk_level.as_deref().map(|l| label_of(RISK_LEVELS, l)).unwrap_or_else(|| "Nog niet bepaald".into());
            (r, status, risk)
        })
        .collect();
    render(&MinePage { layout: Layout::for_user(&user, "Mijn toepassingen", "/mijn-toepassingen"), rows })
}
