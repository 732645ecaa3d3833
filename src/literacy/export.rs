//! The literacy coverage as a file for the annual report and audits (issue 22), as CSV or Excel through the
//! register export's writers (`publication::{csv, xlsx}`), as the policy's acknowledgements are exported. Two
//! contents: every (person, required training, reason) with the standing, the last confirmed completion and
//! how long it counts (for those who see names: beheerder, CISO, FG); and the figures per department, per role
//! and per tool (also for the directie, who sees the figures only).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::coverage::{Counts, GROUPS, group_counts, per_reason};
use super::figures::{StandingCount, departments, standing_counts};
use super::rules::Standing;
use super::status::{Pair, pairs};
use super::{sees_figures, sees_lists};
use crate::AppState;
use crate::applications::organisation;
use crate::error::{AppError, AppResult};
use crate::policy::coverage::{by_department, department_of};
use crate::publication::{csv, xlsx};
use crate::web::user::CurrentUser;
use crate::web::{attachment, format_date, today};

/// The columns of the list of people.
pub const PEOPLE_HEADER: [&str; 8] =
    ["Naam", "E-mailadres", "Afdeling", "Training", "Reden", "Stand", "Afgerond op", "Geldig tot"];

/// The standing in the words of the annual report (the coverage page's groups, spelled out per person).
pub fn standing_text(s: Standing) -> &'static str {
    match s {
        Standing::Valid => "geldig",
        Standing::Expiring => "verloopt binnenkort",
        Standing::Expired => "verlopen",
        Standing::Unconfirmed => "wacht op bevestiging",
        Standing::Missing => "nog niet gevolgd",
    }
}

/// The person's department as the figures name it.
fn department(departments: &HashMap<Uuid, String>, p: &Pair) -> String {
    department_of(departments.get(&p.user_id).map(String::as_str)).0
}

fn reason(p: &Pair) -> String {
    match (&p.tool, p.role) {
        (Some((_, name)), _) => format!("tool {name}"),
        (None, Some(role)) => format!("rol {}", role.label()),
        (None, None) => String::new(),
    }
}

/// A header row and one row per (person, required training, reason), in the order of `pairs`.
pub fn people_rows(pairs: &[Pair], departments: &HashMap<Uuid, String>) -> Vec<Vec<String>> {
    let mut out = vec![PEOPLE_HEADER.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    out.extend(pairs.iter().map(|p| {
        vec![
            p.user_name.clone(),
            p.email.clone(),
            department(departments, p),
            p.title.clone(),
            reason(p),
            standing_text(p.standing).to_string(),
            p.completed_on.map(format_date).unwrap_or_default(),
            p.valid_until.map(format_date).unwrap_or_default(),
        ]
    }));
    out
}

/// A header row and the figures (the coverage page's groups) per department (by name, people without one
/// last), per role and per tool, as the dashboard and the coverage page count them.
pub fn figure_rows(counts: &[StandingCount]) -> Vec<Vec<String>> {
    let mut out =
        vec![["Indeling", "Naam"].into_iter().chain(GROUPS.iter().map(|(_, l)| *l)).map(String::from).collect()];
    let line = |kind: &str, name: &str, counts: Counts| -> Vec<String> {
        [kind.to_string(), name.to_string()].into_iter().chain(counts.iter().map(|n| n.to_string())).collect()
    };
    for (label, _, of) in by_department(counts, |c| c.department.as_deref()) {
        out.push(line("Afdeling", &label, group_counts(of.into_iter())));
    }
    let (roles, tools) = per_reason(counts);
    out.extend(roles.into_iter().map(|(r, n)| line("Rol", r.label(), n)));
    out.extend(tools.into_iter().map(|((_, name), n)| line("Tool", &name, n)));
    out
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExportQuery {
    /// `csv` (the default) or `xlsx`.
    formaat: String,
    /// `personen` or `cijfers`; without it, the people for those who may see names and the figures otherwise.
    inhoud: String,
}

#[tracing::instrument(skip_all)]
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    if !sees_figures(&user) {
        return Err(AppError::Forbidden);
    }
    let people = match q.inhoud.as_str() {
        "personen" => true,
        "cijfers" => false,
        "" => sees_lists(&user),
        _ => return Err(AppError::NotFound),
    };
    if people && !sees_lists(&user) {
        return Err(AppError::Forbidden);
    }
    let day = today();
    // The figures are counted in the database, as on the dashboard and the coverage page; only the list of
    // people reads every pair.
    let (rows, what, sheet) = if people {
        let departments = departments(&state.pool, org).await?;
        (people_rows(&pairs(&state.pool, org, day).await?, &departments), "dekking", "Per persoon")
    } else {
        (figure_rows(&standing_counts(&state.pool, org, day).await?), "cijfers", "Cijfers")
    };
    let code = user.organisation.as_ref().map(|o| o.code.clone()).unwrap_or_default();
    let base = format!("ai-geletterdheid-{code}-{what}-{day}");
    match q.formaat.as_str() {
        // Excel cells are written as text, never as formulas: they keep what was typed.
        "xlsx" => {
            let book = xlsx::workbook(sheet, &rows).map_err(|e| AppError::Internal(e.into()))?;
            attachment(
                &format!("{base}.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                book,
            )
        }
        "csv" | "" => {
            let safe: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| csv::neutralise(c)).collect()).collect();
            attachment(&format!("{base}.csv"), "text/csv; charset=utf-8", csv::table(&safe))
        }
        _ => Err(AppError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::Role;
    use time::macros::date;

    fn pair(name: &str, role: Option<Role>, tool: Option<&str>, standing: Standing) -> Pair {
        Pair {
            user_id: Uuid::from_u128(name.len() as u128),
            user_name: name.to_string(),
            email: format!("{}@x.example", name.to_lowercase()),
            training_id: Uuid::nil(),
            title: "Basis".to_string(),
            role,
            tool: tool.map(|t| (Uuid::from_u128(7), t.to_string())),
            standing,
            completed_on: standing.has_it().then_some(date!(2026 - 01 - 15)),
            valid_until: standing.has_it().then_some(date!(2028 - 01 - 14)),
        }
    }

    #[test]
    fn a_row_per_pair_and_figures_per_department_role_and_tool() {
        let all = [
            pair("Ann", Some(Role::Medewerker), None, Standing::Valid),
            pair("Bram", Some(Role::Medewerker), None, Standing::Missing),
            pair("Bram", None, Some("Copilot"), Standing::Unconfirmed),
        ];
        // Named as the dashboard names it: without the white space around it.
        let departments = HashMap::from([(all[0].user_id, "\tBurgerzaken\u{a0}".to_string())]);
        let people = people_rows(&all, &departments);
        assert_eq!(people.len(), 4);
        assert_eq!(
            people[1],
            ["Ann", "ann@x.example", "Burgerzaken", "Basis", "rol Medewerker", "geldig", "15-01-2026", "14-01-2028"]
                .map(String::from)
        );
        assert_eq!(
            people[3][2..6],
            ["Geen afdeling", "Basis", "tool Copilot", "wacht op bevestiging"].map(String::from)
        );
        let counts: Vec<StandingCount> = all
            .iter()
            .map(|p| StandingCount { department: departments.get(&p.user_id).cloned(), ..StandingCount::of(p) })
            .collect();
        let figures = figure_rows(&counts);
        let text: Vec<String> = figures.iter().map(|r| r.join("|")).collect();
        assert_eq!(
            text,
            [
                "Indeling|Naam|Vereist|Gedaan|Verloopt binnenkort|Verlopen|Ontbreekt",
                "Afdeling|Burgerzaken|1|1|0|0|0",
                "Afdeling|Geen afdeling|2|0|0|0|2",
                "Rol|Medewerker|2|1|0|0|1",
                "Tool|Copilot|1|0|0|0|1",
            ]
        );
    }
}
