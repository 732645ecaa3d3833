//! Coverage: per role and per tool, how many required trainings are done, expiring, expired or missing. Every
//! figure links to its list of people (for those who may see names; directie sees the figures only).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::figures::{StandingCount, standing_counts};
use super::rules::Standing;
use super::status::{Pair, pairs};
use super::{COVERAGE, manages, sees_figures, sees_lists};
use crate::AppState;
use crate::applications::organisation;
use crate::error::{AppError, AppResult};
use crate::roles::Role;
use crate::web::layout::Layout;
use crate::web::paging::{self, Pager};
use crate::web::user::CurrentUser;
use crate::web::{format_date, render, today};

/// The groups a figure counts: all required, done (valid or expiring), expiring, expired, missing (not done
/// or waiting for confirmation).
pub const GROUPS: [(&str, &str); 5] = [
    ("vereist", "Vereist"),
    ("gedaan", "Gedaan"),
    ("verloopt", "Verloopt binnenkort"),
    ("verlopen", "Verlopen"),
    ("ontbreekt", "Ontbreekt"),
];

pub fn in_group(s: Standing, group: &str) -> bool {
    match group {
        "vereist" => true,
        "gedaan" => s.has_it(),
        "verloopt" => s == Standing::Expiring,
        "verlopen" => s == Standing::Expired,
        "ontbreekt" => matches!(s, Standing::Missing | Standing::Unconfirmed),
        _ => false,
    }
}

pub struct Figure {
    pub count: usize,
    /// The group's name, shown above the figure when a phone stacks the table's rows.
    pub column: &'static str,
    pub href: String,
    /// What the figure counts, for a screen reader's list of links ("6: ontbreekt, Medewerker").
    pub label: String,
}

pub struct Row {
    pub label: String,
    pub figures: Vec<Figure>,
}

/// The count of each of `GROUPS`, in that order.
pub type Counts = [usize; GROUPS.len()];

/// The counts per group of some standings.
pub fn group_counts<'a>(of: impl Iterator<Item = &'a StandingCount>) -> Counts {
    let mut out = [0; GROUPS.len()];
    for c in of {
        for (n, (g, _)) in out.iter_mut().zip(GROUPS) {
            if in_group(c.standing, g) {
                *n += c.count;
            }
        }
    }
    out
}

/// The tools that require a training, by name (then id), once each.
fn tools(all: &[StandingCount]) -> Vec<(Uuid, String)> {
    let mut tools: Vec<(Uuid, String)> = all.iter().filter_map(|c| c.tool.clone()).collect();
    tools.sort_by_cached_key(|(id, name)| (name.to_lowercase(), *id));
    tools.dedup();
    tools
}

/// A tool (id, name) and its counts.
pub type ToolCounts = ((Uuid, String), Counts);

/// The counts per role that requires a training (in the order of the roles) and per tool (by name): what the
/// coverage page, its export and the REST API show. One pass over the counts: asking them again for each tool
/// cost tools × counts (478 tools in the benchmark's organisation).
pub fn per_reason(all: &[StandingCount]) -> (Vec<(Role, Counts)>, Vec<ToolCounts>) {
    let roles = Role::ALL
        .iter()
        .filter(|r| all.iter().any(|c| c.role == Some(**r)))
        .map(|r| (*r, group_counts(all.iter().filter(|c| c.role == Some(*r)))))
        .collect();
    let mut by_tool: HashMap<Uuid, Vec<&StandingCount>> = HashMap::new();
    for c in all {
        if let Some((id, _)) = &c.tool {
            by_tool.entry(*id).or_default().push(c);
        }
    }
    let tools = tools(all)
        .into_iter()
        .map(|t| {
            let n = group_counts(by_tool.get(&t.0).into_iter().flatten().copied());
            (t, n)
        })
        .collect();
    (roles, tools)
}

/// The coverage page's rows per role and per tool, each figure a link to its list.
pub fn rows(all: &[StandingCount]) -> (Vec<Row>, Vec<Row>) {
    let row = |label: String, query: String, counts: Counts| {
        let figures = GROUPS
            .iter()
            .zip(counts)
            .map(|((g, group), count)| Figure {
                count,
                column: group,
                href: format!("{COVERAGE}/lijst?{query}&stand={g}"),
                label: format!("{count}: {}, {label}", group.to_lowercase()),
            })
            .collect();
        Row { label, figures }
    };
    let (roles, tools) = per_reason(all);
    (
        roles.into_iter().map(|(r, n)| row(r.label().to_string(), format!("rol={}", r.as_str()), n)).collect(),
        tools.into_iter().map(|((id, name), n)| row(name, format!("tool={id}"), n)).collect(),
    )
}

/// Tools per page of the coverage page: an organisation that requires a training of the users of every
/// high-risk tool has hundreds of rows (478 in the benchmark's organisation: a page of 547 kB).
pub const TOOLS_PER_PAGE: usize = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Ask {
    /// A part of the tool's name.
    zoek: String,
    pagina: Option<u32>,
}

/// The per-tool table's page: which tools it shows of how many.
struct Paging {
    zoek: String,
    /// Tools that require a training (more than ten: the search is offered); those whose name holds `zoek`.
    all: usize,
    found: i64,
    pager: Pager,
}

/// The tools whose name holds `zoek` (case aside), and the page of them asked for.
fn page_of(tools: Vec<Row>, zoek: &str, page: Option<u32>) -> (Vec<Row>, Paging) {
    let all = tools.len();
    let wanted = zoek.to_lowercase();
    let found: Vec<Row> = tools.into_iter().filter(|r| r.label.to_lowercase().contains(&wanted)).collect();
    let (count, per_page) = (found.len(), TOOLS_PER_PAGE as i64);
    let pages = paging::pages(count as i64, per_page);
    let page = paging::clamp(page, pages);
    let shown = found.into_iter().skip(((page - 1) * per_page) as usize).take(TOOLS_PER_PAGE).collect();
    let p = Paging {
        zoek: zoek.to_string(),
        all,
        found: count as i64,
        pager: Pager::new(COVERAGE, zoek, "kop-tools", page, pages),
    };
    (shown, p)
}

#[derive(Template)]
#[template(path = "literacy/coverage.html")]
struct CoveragePage {
    layout: Layout,
    groups: [(&'static str, &'static str); 5],
    roles: Vec<Row>,
    tools: Vec<Row>,
    p: Paging,
    links: bool,
}

#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser, Query(ask): Query<Ask>) -> AppResult<Response> {
    let org = organisation(&user)?;
    if !sees_figures(&user) {
        return Err(AppError::Forbidden);
    }
    let (roles, tools) = rows(&standing_counts(&state.pool, org, today()).await?);
    let (tools, p) = page_of(tools, ask.zoek.trim(), ask.pagina);
    render(&CoveragePage {
        layout: Layout::for_user(&user, "Dekking AI-geletterdheid", COVERAGE),
        groups: GROUPS,
        roles,
        tools,
        p,
        links: sees_lists(&user),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    rol: String,
    tool: String,
    /// A training: everyone who needs it, one row per person (from the training's page).
    training: String,
    stand: String,
}

/// A row of `literacy/list.html`: one person's required training (also the dashboard's list per department).
pub struct PairView {
    pub person: String,
    pub title: String,
    pub reason: String,
    pub standing: &'static str,
    pub standing_label: &'static str,
    pub until: String,
}

impl PairView {
    pub fn of(p: &Pair) -> PairView {
        PairView {
            person: format!("{} ({})", p.user_name, p.email),
            title: p.title.clone(),
            reason: p
                .tool
                .as_ref()
                .map_or_else(|| p.role.map(|r| r.label().to_string()).unwrap_or_default(), |t| t.1.clone()),
            standing: p.standing.as_str(),
            standing_label: p.standing.label(),
            until: p.valid_until.map(format_date).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "literacy/list.html")]
struct ListPage {
    layout: Layout,
    heading: String,
    rows: Vec<PairView>,
    /// The way back: (address, "Terug naar …").
    back: (String, String),
    /// A row per person (a training's list), not per required training.
    per_person: bool,
}

/// "Terug naar de dekking": where a list of people goes back to.
fn back_to_coverage() -> (String, String) {
    (COVERAGE.to_string(), "Terug naar de dekking".to_string())
}

/// The people behind a figure, as a page.
pub fn list_page(layout: Layout, heading: String, rows: Vec<PairView>) -> AppResult<Response> {
    render(&ListPage { layout, heading, rows, back: back_to_coverage(), per_person: false })
}

/// The people who need a training, one row per person with every reason they need it, roles first in the order
/// of the roles and then tools by name ("rol Medewerker, tool Copilot"): the training's page counts people, and
/// a list of reasons would not add up to its figures.
fn per_person(chosen: Vec<&Pair>) -> Vec<PairView> {
    // A reason with its place in the order (the role's place, or after the roles by the tool's name).
    type Reason = ((usize, String), String);
    let mut rows: Vec<(PairView, Vec<Reason>)> = Vec::new();
    let mut at: HashMap<Uuid, usize> = HashMap::new();
    for p in chosen {
        let reason = match (&p.tool, p.role) {
            (Some((_, name)), _) => ((usize::MAX, name.to_lowercase()), format!("tool {name}")),
            (None, Some(role)) => {
                let order = Role::ALL.iter().position(|r| *r == role).unwrap_or(usize::MAX - 1);
                ((order, String::new()), format!("rol {}", role.label()))
            }
            (None, None) => continue,
        };
        match at.get(&p.user_id) {
            Some(i) => rows[*i].1.push(reason),
            None => {
                at.insert(p.user_id, rows.len());
                rows.push((PairView::of(p), vec![reason]));
            }
        }
    }
    rows.into_iter()
        .map(|(mut row, mut reasons)| {
            reasons.sort();
            row.reason = reasons.into_iter().map(|(_, text)| text).collect::<Vec<_>>().join(", ");
            row
        })
        .collect()
}

/// The people behind one figure.
#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(f): Query<Filter>) -> AppResult<Response> {
    let org = organisation(&user)?;
    if !sees_lists(&user) {
        return Err(AppError::Forbidden);
    }
    let group = GROUPS.iter().find(|(g, _)| *g == f.stand).ok_or(AppError::NotFound)?;
    let role = Role::parse(&f.rol).filter(|_| !f.rol.is_empty());
    let tool = Uuid::parse_str(&f.tool).ok();
    let training = Uuid::parse_str(&f.training).ok();
    if [role.is_some(), tool.is_some(), training.is_some()].iter().filter(|chosen| **chosen).count() != 1 {
        return Err(AppError::NotFound);
    }
    let all = pairs(&state.pool, org, today()).await?;
    let chosen: Vec<&Pair> = all
        .iter()
        .filter(|p| match (role, tool, training) {
            (Some(_), _, _) => p.role == role,
            (_, Some(_), _) => p.tool.as_ref().map(|t| t.0) == tool,
            _ => Some(p.training_id) == training,
        })
        .filter(|p| in_group(p.standing, group.0))
        .collect();
    if let Some(id) = training {
        let title =
            sqlx::query_scalar!("select title from training where training_id = $1 and organisation_id = $2", id, org)
                .fetch_optional(&state.pool)
                .await?
                .ok_or(AppError::NotFound)?;
        let page = ListPage {
            layout: Layout::for_user(&user, "Dekking AI-geletterdheid", COVERAGE),
            heading: format!("{} – training „{title}”", group.1),
            rows: per_person(chosen),
            // The training's page is the administrator's; CISO and FG came from the coverage.
            back: if manages(&user) {
                (super::training::href(id), format!("Terug naar „{title}”"))
            } else {
                back_to_coverage()
            },
            per_person: true,
        };
        return render(&page);
    }
    let of = match (role, tool) {
        (Some(r), _) => format!("rol {}", r.label()),
        _ => all.iter().find_map(|p| p.tool.clone().filter(|t| Some(t.0) == tool)).map_or("tool".into(), |t| t.1),
    };
    let rows = chosen.into_iter().map(PairView::of).collect();
    list_page(Layout::for_user(&user, "Dekking AI-geletterdheid", COVERAGE), format!("{} – {}", group.1, of), rows)
}
