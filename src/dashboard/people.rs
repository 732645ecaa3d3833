//! "Mensen" on the dashboard (issue 22, item 4): per department and per role, who acknowledged the policy in
//! force, and how the required AI-literacy stands (required, done, expired). Every figure links to its list of
//! people for whoever may see names: the policy's coverage page (CISO, directie, administrator) and the
//! literacy lists (administrator, CISO, FG); the others see the figures only.

use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::literacy::figures::StandingCount;
use crate::literacy::rules::Standing;
use crate::policy::coverage::by_department;
use crate::policy::store::{self, ReaderCount};
use crate::web::url_encode;

pub struct Cell {
    pub value: usize,
    pub href: Option<String>,
}

pub struct Line {
    pub label: String,
    pub cells: Vec<Cell>,
}

pub struct PolicyFigures {
    pub number: i32,
    pub by_department: Vec<Line>,
    pub by_role: Vec<Line>,
}

/// One table: its caption, the heading of the first column and of the figures, and its lines.
pub struct Table {
    pub caption: String,
    pub first: &'static str,
    pub heads: Vec<&'static str>,
    pub lines: Vec<Line>,
}

pub struct People {
    /// The number of the policy version in force, if there is one.
    pub policy_number: Option<i32>,
    pub policy: Vec<Table>,
    /// Empty when no training is required.
    pub literacy: Vec<Table>,
}

const POLICY_HEADS: [&str; 3] = ["Gevraagd", "Bevestigd", "Nog niet"];

/// The literacy groups the dashboard shows: (value in the lists' `stand`, column heading).
pub const LITERACY_GROUPS: [(&str, &str); 3] = [("vereist", "Vereist"), ("gedaan", "Gedaan"), ("verlopen", "Verlopen")];

pub fn literacy_in_group(s: Standing, group: &str) -> bool {
    match group {
        "vereist" => true,
        "gedaan" => s.has_it(),
        "verlopen" => s == Standing::Expired,
        _ => false,
    }
}

fn policy_line<'a>(label: String, of: impl Iterator<Item = &'a ReaderCount> + Clone, href: Option<String>) -> Line {
    let asked = of.clone().map(|c| c.count).sum::<usize>();
    let done = of.filter(|c| c.acknowledged).map(|c| c.count).sum::<usize>();
    let link = |stand: &str| href.as_ref().map(|h| format!("{h}&stand={stand}#kop-selectie"));
    Line {
        label,
        cells: vec![
            Cell { value: asked, href: link("alle") },
            Cell { value: done, href: link("gelezen") },
            Cell { value: asked - done, href: link("niet") },
        ],
    }
}

/// The policy in force per department and per role (a person counts in each role they hold), from the
/// database's counts of its readers.
fn policy_figures(number: i32, counts: &[ReaderCount], links: bool) -> PolicyFigures {
    let base = format!("/beleid/versie/{number}/dekking?");
    let departments: Vec<&ReaderCount> = counts.iter().filter(|c| c.role.is_none()).collect();
    let by_department = by_department(&departments, |c| c.department.as_deref())
        .into_iter()
        .map(|(label, value, of)| {
            let href = links.then(|| format!("{base}afdeling={}", url_encode(&value)));
            policy_line(label, of.into_iter().copied(), href)
        })
        .collect();
    let by_role = Role::ALL
        .iter()
        .filter_map(|role| {
            let of = counts.iter().filter(|c| c.role.as_deref() == Some(role.as_str()));
            let href = links.then(|| format!("{base}rol={}", role.as_str()));
            (of.clone().next().is_some()).then(|| policy_line(role.label().to_string(), of, href))
        })
        .collect();
    PolicyFigures { number, by_department, by_role }
}

fn literacy_line<'a>(label: String, of: impl Iterator<Item = &'a StandingCount> + Clone, href: Option<String>) -> Line {
    let cells = LITERACY_GROUPS
        .iter()
        .map(|(g, _)| Cell {
            value: of.clone().filter(|c| literacy_in_group(c.standing, g)).map(|c| c.count).sum(),
            href: href.as_ref().map(|h| format!("{h}&stand={g}")),
        })
        .collect();
    Line { label, cells }
}

/// Required trainings per person's department and per role that requires them, from the database's counts per
/// (department, role, standing).
fn literacy_figures(counts: &[StandingCount], links: bool) -> (Vec<Line>, Vec<Line>) {
    let by_department = by_department(counts, |c| c.department.as_deref())
        .into_iter()
        .map(|(label, value, of)| {
            let href = links.then(|| format!("{}?afdeling={}", super::LITERACY_LIST, url_encode(&value)));
            literacy_line(label, of.into_iter(), href)
        })
        .collect();
    let by_role = Role::ALL
        .iter()
        .filter(|r| counts.iter().any(|c| c.role == Some(**r)))
        .map(|r| {
            let href = links.then(|| format!("{}/lijst?rol={}", crate::literacy::COVERAGE, r.as_str()));
            literacy_line(r.label().to_string(), counts.iter().filter(|c| c.role == Some(*r)), href)
        })
        .collect();
    (by_department, by_role)
}

/// The figures for the signed-in user's organisation.
pub async fn load(pool: &PgPool, org: Uuid, user: &CurrentUser) -> sqlx::Result<People> {
    let mut policy = Vec::new();
    let mut policy_number = None;
    if let Some(v) = store::published(pool, org).await? {
        let counts = store::reader_counts(pool, org, &v).await?;
        let f = policy_figures(v.number, &counts, crate::policy::sees_coverage(user.roles()));
        policy_number = Some(f.number);
        for (of, first, lines) in [("per afdeling", "Afdeling", f.by_department), ("per rol", "Rol", f.by_role)] {
            let caption = format!("AI-beleid versie {} gelezen, {of}", f.number);
            policy.push(Table { caption, first, heads: POLICY_HEADS.to_vec(), lines });
        }
    }
    let counts = crate::literacy::figures::standing_counts(pool, org, crate::web::today()).await?;
    let (by_department, by_role) = literacy_figures(&counts, crate::literacy::sees_lists(user));
    let heads: Vec<&'static str> = LITERACY_GROUPS.iter().map(|(_, h)| *h).collect();
    let literacy = [("per afdeling", "Afdeling", by_department), ("per rol", "Rol", by_role)]
        .into_iter()
        .filter(|(_, _, lines)| !lines.is_empty())
        .map(|(of, first, lines)| Table {
            caption: format!("Vereiste trainingen {of}"),
            first,
            heads: heads.clone(),
            lines,
        })
        .collect();
    Ok(People { policy_number, policy, literacy })
}
