//! Who has read a published version: the coverage per department and the people who have not acknowledged it
//! yet, a reminder to them, and the export of the acknowledgements (CSV, Excel) for the annual report and
//! audits. For the CISO, the directie and the administrator.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::pages::record;
use super::sees_coverage;
use super::store::{self, Reader, Version};
use crate::AppState;
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::publication::{csv, xlsx};
use crate::register::notices::{self, Kind, Note};
use crate::web::layout::Layout;
use crate::web::{attachment, format_date, format_datetime, render};

/// The name of people without a department.
pub const NO_DEPARTMENT: &str = "Geen afdeling";

/// The figures of one department (or of everyone).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Figures {
    pub department: String,
    pub asked: usize,
    pub acknowledged: usize,
    /// Whole percent, rounded down (so 100 means everyone).
    pub percent: usize,
}

fn figures(department: &str, readers: &[&Reader]) -> Figures {
    let asked = readers.len();
    let acknowledged = readers.iter().filter(|r| r.acknowledged_at.is_some()).count();
    let percent = (acknowledged * 100).checked_div(asked).unwrap_or(0);
    Figures { department: department.to_string(), asked, acknowledged, percent }
}

/// A department as the figures name it, and as the lists' filter takes it: trimmed of white space; none, or only
/// white space, is "Geen afdeling" with an empty filter value.
pub fn department_of(d: Option<&str>) -> (String, String) {
    match d.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => (d.to_string(), d.to_string()),
        None => (NO_DEPARTMENT.to_string(), String::new()),
    }
}

/// Without a department, the name in lower case, the name: sorts as `department_order` says.
pub type DepartmentKey = (bool, String, String);

/// Where a department (as `department_of` gives it) goes in a list: by name, "Geen afdeling" last; ties in lower
/// case ("Sales", "sales") by the name as written, so that equal names end up side by side.
pub fn department_order(d: Option<&str>) -> DepartmentKey {
    let (label, value) = department_of(d);
    (value.is_empty(), label.to_lowercase(), label)
}

/// Items grouped by department as `department_of` names them, in `department_order`: (label, the lists' filter
/// value, the items of that department in their order). What the figures per department count.
pub fn by_department<T>(items: &[T], department: impl Fn(&T) -> Option<&str>) -> Vec<(String, String, Vec<&T>)> {
    let mut keyed: Vec<(DepartmentKey, &T)> = items.iter().map(|i| (department_order(department(i)), i)).collect();
    // Stable: each department's items keep their order.
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut groups: Vec<(DepartmentKey, Vec<&T>)> = Vec::new();
    for (key, item) in keyed {
        match groups.last_mut() {
            Some(g) if g.0 == key => g.1.push(item),
            _ => groups.push((key, vec![item])),
        }
    }
    groups
        .into_iter()
        .map(|((none, _, label), of)| {
            let value = if none { String::new() } else { label.clone() };
            (label, value, of)
        })
        .collect()
}

/// Per department (by name, people without one last; as the dashboard names them), and the total.
pub fn per_department(readers: &[Reader]) -> (Vec<Figures>, Figures) {
    let rows = by_department(readers, |r| r.department.as_deref())
        .into_iter()
        .map(|(label, _, of)| figures(&label, &of))
        .collect();
    (rows, figures("Totaal", &readers.iter().collect::<Vec<_>>()))
}

/// The published (or superseded) version and its readers, for someone who may see them.
async fn load(state: &AppState, user: &CurrentUser, n: i32) -> AppResult<(Uuid, Version, Vec<Reader>)> {
    let org = user.organisation_id().ok_or(AppError::Forbidden)?;
    if !sees_coverage(user.roles()) {
        return Err(AppError::Forbidden);
    }
    let v = store::get(&state.pool, org, n).await?.filter(|v| !v.is_draft()).ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    let readers = store::readers(&mut conn, org, &v).await?;
    Ok((org, v, readers))
}

/// Someone who has not read it yet.
pub struct Missing {
    pub name: String,
    pub email: String,
    pub department: String,
    pub roles: String,
}

#[derive(Template)]
#[template(path = "policy/coverage.html")]
pub struct CoveragePage {
    pub layout: Layout,
    pub number: i32,
    pub title: String,
    pub in_force: bool,
    pub since: String,
    pub audience: String,
    pub rows: Vec<Figures>,
    pub total: Figures,
    pub missing: Vec<Missing>,
    /// The people of a selection from the dashboard, with when they acknowledged.
    pub selection: Option<Vec<Selected>>,
    pub selection_heading: String,
}

/// Someone in a selection.
pub struct Selected {
    pub name: String,
    pub email: String,
    pub department: String,
    pub roles: String,
    /// The moment, or "Nog niet".
    pub acknowledged: String,
}

fn roles_text(roles: &[String]) -> String {
    roles.iter().filter_map(|r| Role::parse(r)).map(Role::label).collect::<Vec<_>>().join(", ")
}

/// Who the version asks, in words.
fn audience_text(v: &Version) -> String {
    let roles = if v.audience_roles.is_empty() { "alle rollen".to_string() } else { roles_text(&v.audience_roles) };
    let departments = if v.audience_departments.is_empty() {
        "alle afdelingen".to_string()
    } else {
        v.audience_departments.join(", ")
    };
    format!("Actieve medewerkers; {roles}; {departments}.")
}

/// A selection from the dashboard: one department (empty: none) or one role, and who in it (`alle`, `gelezen`,
/// `niet`). Without one the page lists who has not read the version.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Focus {
    afdeling: Option<String>,
    rol: Option<String>,
    stand: String,
}

impl Focus {
    fn any(&self) -> bool {
        self.afdeling.is_some() || self.rol.is_some()
    }

    fn takes(&self, r: &Reader) -> bool {
        let department = department_of(r.department.as_deref()).1;
        let in_department = self.afdeling.as_deref().is_none_or(|d| d.trim() == department);
        let in_role = self.rol.as_deref().is_none_or(|role| r.roles.iter().any(|x| x == role));
        let standing = match self.stand.as_str() {
            "gelezen" => r.acknowledged_at.is_some(),
            "alle" => true,
            _ => r.acknowledged_at.is_none(),
        };
        in_department && in_role && standing
    }

    /// "Afdeling Burgerzaken: bevestigd", for the list's heading.
    fn heading(&self) -> String {
        let of = match (&self.afdeling, self.rol.as_deref().and_then(Role::parse)) {
            (Some(d), _) if d.trim().is_empty() => NO_DEPARTMENT.to_string(),
            (Some(d), _) => format!("Afdeling {}", d.trim()),
            (None, Some(r)) => format!("Rol {}", r.label()),
            (None, None) => "Iedereen".to_string(),
        };
        let who = match self.stand.as_str() {
            "gelezen" => "bevestigd",
            "alle" => "gevraagd",
            _ => "nog niet bevestigd",
        };
        format!("{of}: {who}")
    }
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(n): Path<i32>,
    Query(focus): Query<Focus>,
) -> AppResult<Response> {
    let (_, v, readers) = load(&state, &user, n).await?;
    let (rows, total) = per_department(&readers);
    let selection = focus.any().then(|| {
        readers
            .iter()
            .filter(|r| focus.takes(r))
            .map(|r| Selected {
                name: r.name.clone(),
                email: r.email.clone(),
                department: department_of(r.department.as_deref()).0,
                roles: roles_text(&r.roles),
                acknowledged: r.acknowledged_at.map_or_else(|| "Nog niet".to_string(), format_datetime),
            })
            .collect()
    });
    let missing = readers
        .iter()
        .filter(|r| r.acknowledged_at.is_none())
        .map(|r| Missing {
            name: r.name.clone(),
            email: r.email.clone(),
            department: department_of(r.department.as_deref()).0,
            roles: roles_text(&r.roles),
        })
        .collect();
    render(&CoveragePage {
        layout: Layout::for_user(&user, &format!("Wie heeft het AI-beleid versie {n} gelezen?"), "/beleid"),
        number: v.number,
        title: v.title.clone(),
        in_force: v.status == "gepubliceerd",
        since: v.published_on.map(format_date).unwrap_or_default(),
        audience: audience_text(&v),
        rows,
        total,
        missing,
        selection_heading: focus.heading(),
        selection,
    })
}

/// A reminder to everyone who has not read the version in force, at most once a day each.
pub async fn remind(State(state): State<AppState>, user: CurrentUser, Path(n): Path<i32>) -> AppResult<Response> {
    let (org, v, readers) = load(&state, &user, n).await?;
    let back = format!("/beleid/versie/{n}/dekking");
    if v.status != "gepubliceerd" {
        return session::flash_redirect(
            &state.pool,
            &user,
            "Deze versie geldt niet meer; er is niemand herinnerd.",
            &back,
        )
        .await;
    }
    let to: Vec<Uuid> = readers.iter().filter(|r| r.acknowledged_at.is_none()).map(|r| r.user_id).collect();
    let message = format!("Herinnering: lees het AI-beleid versie {} en bevestig dat u het gelezen hebt.", v.number);
    let note =
        Note { organisation_id: org, kind: Kind::Policy, application_id: None, message: &message, link: "/beleid" };
    let key = super::reminders::key(v.id, crate::web::today());
    let mut tx = state.pool.begin().await?;
    notices::send_once(&mut tx, &to, None, &note, Some(&key)).await?;
    record(
        &mut tx,
        &Actor::from(&user),
        org,
        "policy.reminded",
        &v,
        json!({ "number": v.number, "reminded": to.len() }),
    )
    .await?;
    tx.commit().await?;
    let done =
        format!("{} mensen die versie {n} nog niet hebben bevestigd, hebben een herinnering gekregen.", to.len());
    session::flash_redirect(&state.pool, &user, &done, &back).await
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    formaat: String,
}

/// The export's columns.
const HEADER: [&str; 8] =
    ["Versie", "Ingangsdatum", "Naam", "E-mailadres", "Afdeling", "Rollen", "Gelezen", "Bevestigd op"];

/// One row per person the version asks (whether they read it and when), every cell safe for a spreadsheet.
pub fn export_rows(v: &Version, readers: &[Reader]) -> Vec<Vec<String>> {
    let mut rows = vec![HEADER.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for r in readers {
        rows.push(
            [
                v.number.to_string(),
                v.published_on.map(format_date).unwrap_or_default(),
                r.name.clone(),
                r.email.clone(),
                department_of(r.department.as_deref()).0,
                roles_text(&r.roles),
                if r.acknowledged_at.is_some() { "ja" } else { "nee" }.to_string(),
                r.acknowledged_at.map(format_datetime).unwrap_or_default(),
            ]
            .iter()
            .map(|c| csv::neutralise(c))
            .collect(),
        );
    }
    rows
}

pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(n): Path<i32>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let (_, v, readers) = load(&state, &user, n).await?;
    let rows = export_rows(&v, &readers);
    let code = user.organisation.as_ref().map(|o| o.code.clone()).unwrap_or_default();
    let base = format!("ai-beleid-{code}-versie-{n}-bevestigingen");
    match q.formaat.as_str() {
        "xlsx" => {
            let book = xlsx::workbook(&format!("Versie {n}"), &rows).map_err(|e| AppError::Internal(e.into()))?;
            attachment(
                &format!("{base}.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                book,
            )
        }
        "csv" | "" => attachment(&format!("{base}.csv"), "text/csv; charset=utf-8", csv::table(&rows)),
        _ => Err(AppError::NotFound),
    }
}
