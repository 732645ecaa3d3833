//! The register list's query parameters: read strictly (an unknown parameter or value is an error, named),
//! into the web's own filter.

use axum::extract::rejection::QueryRejection;
use serde::Deserialize;

use crate::api::problem::{ApiResult, FieldError, Problem};
use crate::register::fields::WORKFLOW_STATUS;
use crate::register::search::ListFilter;

/// A query string that does not fit: an unknown parameter (named), or a number that is not one. The
/// framework's own (English) text is not passed on.
pub(super) fn query_problem(e: QueryRejection) -> Problem {
    let text = e.body_text();
    let unknown = text
        .split_once("unknown field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(name, _)| name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(50).collect::<String>());
    let detail = match unknown {
        Some(name) => format!("Onbekende parameter `{name}`. Zie openapi.json voor de parameters die er zijn."),
        None => "De zoekparameters kloppen niet: een waarde van het verkeerde soort (pagina is een getal).".to_string(),
    };
    Problem::bad_request(detail)
}

/// The list's query parameters. Unlike the web's forms (where "Alle" sends an empty value), an empty or
/// unknown value of a choice is an error here: an API says so instead of silently ignoring a filter. An
/// empty search text or department means no filter.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    risico: Option<String>,
    ai_act: Option<String>,
    afdeling: Option<String>,
    gebruik: Option<String>,
    persoonsgegevens: Option<String>,
    evaluatie: Option<String>,
    toets: Option<String>,
    incident: Option<String>,
    maand: Option<String>,
    sorteer: Option<String>,
    pagina: Option<u32>,
}

/// The values of the register's filters beyond the field catalogue's (shared with the OpenAPI document).
pub const RISICO: &[&str] = &["laag", "middel", "hoog", "onbekend"];
pub const EVALUATIE: &[&str] = &["verlopen", "binnenkort", "later", "geen"];
pub const TOETS: &[&str] = &["dpia_ontbreekt", "dpia_gedaan", "iama_ontbreekt", "iama_gedaan"];
pub const INCIDENT: &[&str] = &["open", "kritiek", "hoog", "middel", "laag"];
pub const SORTEER: &[&str] = &["naam", "risico", "evaluatie", "gewijzigd"];

pub(super) fn to_filter(q: ListQuery) -> ApiResult<ListFilter> {
    use crate::register::fields::{AI_ACT_RISK_GROUPS, USE_CATEGORIES};
    let mut wrong: Vec<FieldError> = Vec::new();
    let mut take = |name: &str, v: Option<String>, allowed: Option<Vec<&str>>, max: usize| -> String {
        let Some(v) = v else { return String::new() };
        let fits =
            !v.is_empty() && v.chars().count() <= max && allowed.as_ref().is_none_or(|a| a.contains(&v.as_str()));
        if !fits {
            let message = match &allowed {
                Some(a) => format!("Lege of onbekende waarde voor `{name}`; toegestaan: {}.", a.join(", ")),
                None => format!("Lege of te lange waarde voor `{name}` (hoogstens {max} tekens)."),
            };
            wrong.push(FieldError { field: name.to_string(), message });
        }
        v
    };
    let opts = |o: &[crate::register::fields::Opt]| Some(o.iter().map(|o| o.value).collect::<Vec<_>>());
    let f = ListFilter {
        q: take("q", q.q.filter(|v| !v.is_empty()), None, 200),
        status: take("status", q.status, opts(WORKFLOW_STATUS), 100),
        risico: take("risico", q.risico, Some(RISICO.to_vec()), 100),
        ai_act: take(
            "ai_act",
            q.ai_act,
            opts(AI_ACT_RISK_GROUPS).map(|mut v| {
                v.push("onbekend");
                v
            }),
            100,
        ),
        afdeling: take("afdeling", q.afdeling.filter(|v| !v.is_empty()), None, 200),
        gebruik: take("gebruik", q.gebruik, opts(USE_CATEGORIES), 100),
        persoonsgegevens: take("persoonsgegevens", q.persoonsgegevens, Some(vec!["ja", "nee"]), 100),
        evaluatie: take("evaluatie", q.evaluatie, Some(EVALUATIE.to_vec()), 100),
        sorteer: take("sorteer", q.sorteer, Some(SORTEER.to_vec()), 100),
        toets: take("toets", q.toets, Some(TOETS.to_vec()), 100),
        incident: take("incident", q.incident, Some(INCIDENT.to_vec()), 100),
        maand: take("maand", q.maand, None, 7),
        pagina: q.pagina,
    };
    if !f.maand.is_empty() && !crate::register::form::is_month(&f.maand) {
        wrong.push(FieldError { field: "maand".into(), message: "`maand` is een maand als jjjj-mm.".into() });
    }
    if f.pagina.is_some_and(|p| !(1..=100_000).contains(&p)) {
        wrong.push(FieldError { field: "pagina".into(), message: "`pagina` ligt tussen 1 en 100000.".into() });
    }
    if wrong.is_empty() {
        return Ok(f);
    }
    let mut p = Problem::bad_request("Een zoekparameter heeft een waarde die niet bestaat.");
    p.errors = wrong;
    Err(p)
}
