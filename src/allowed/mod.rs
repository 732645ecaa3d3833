//! "Toegestane AI-tools": for every employee, the tool × data-class table of the organisation (seed 003's
//! list: Copilot, Bing chat, ChatGPT, Gemini — public documents allowed, confidential and personal data
//! forbidden; DeepSeek forbidden), with the points to watch, suspended tools marked, the do's and don'ts of
//! the seeds, a "Mag ik … gebruiken voor …?" lookup, and a print view that fits one A4 (seed 001's cheat sheet).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::applications::fields::{DATA_CLASSES, PERMISSIONS, label_of};
use crate::applications::organisation;
use crate::applications::richtext;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::web::layout::Layout;
use crate::web::render;

pub fn router() -> Router<AppState> {
    Router::new().route("/toegestane-tools", get(page)).route("/toegestane-tools/afdrukken", get(print))
}

/// Seed 001 ("Een voorbeeld: Do's") and seed 003 (Art. 4.1/4.2).
pub const DOS: [&str; 5] = [
    "Gebruik alleen goedgekeurde AI-tools uit deze lijst.",
    "Houd vertrouwelijke informatie binnen de afgesproken omgeving.",
    "Check altijd de uitkomst van AI voordat je die gebruikt.",
    "Houd werk- en privégebruik gescheiden; gebruik voor een werkaccount een eigen wachtwoord.",
    "Meld een (mogelijk) incident meteen via het tabblad Incidenten van de tool.",
];
pub const DONTS: [&str; 4] = [
    "Plak nooit klantdata, persoonsgegevens of bedrijfsgeheimen in openbare AI-tools.",
    "Ga niet zelf experimenteren met tools die niet op de lijst staan: registreer de tool eerst.",
    "Vertrouw AI-antwoorden niet blind, maar toets ze altijd.",
    "Gebruik generatieve AI niet zonder meerwaarde: het verbruikt veel energie.",
];

/// The states in which a tool is on the list: approved (in use or not yet), or rejected (forbidden).
const LISTED: &str = "a.workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'afgewezen')";

#[derive(sqlx::FromRow)]
struct ToolRow {
    application_id: Uuid,
    name: String,
    provider: Option<String>,
    workflow_status: String,
    suspension_reason: Option<String>,
    attention_points: Option<String>,
    conditions: Option<String>,
    dc_openbaar: Option<String>,
    dc_intern: Option<String>,
    dc_vertrouwelijk: Option<String>,
    dc_persoonsgegevens: Option<String>,
    dc_bijzondere: Option<String>,
    dc_beveiliging: Option<String>,
    dc_klant: Option<String>,
    dc_financieel: Option<String>,
}

impl ToolRow {
    fn classes(&self) -> [&Option<String>; 8] {
        [
            &self.dc_openbaar,
            &self.dc_intern,
            &self.dc_vertrouwelijk,
            &self.dc_persoonsgegevens,
            &self.dc_bijzondere,
            &self.dc_beveiliging,
            &self.dc_klant,
            &self.dc_financieel,
        ]
    }
}

pub struct Cell {
    /// toegestaan / onder_voorwaarden / verboden
    pub value: String,
    pub label: String,
}

pub struct Tool {
    pub id: Uuid,
    pub name: String,
    pub provider: String,
    /// Rejected or suspended: nothing may be used.
    pub forbidden: bool,
    pub suspended: Option<String>,
    pub attention: String,
    pub conditions: String,
    pub cells: Vec<Cell>,
}

async fn tools(state: &AppState, org: Uuid) -> AppResult<Vec<Tool>> {
    let rows: Vec<ToolRow> = sqlx::query_as(&format!(
        "select a.application_id, a.name, a.provider, a.workflow_status, a.suspension_reason, a.attention_points,
                (select d.note from review_decision d where d.application_id = a.application_id
                  and d.decision = 'goedgekeurd_onder_voorwaarden' order by d.decided_at desc limit 1) as conditions,
                a.dc_openbaar, a.dc_intern, a.dc_vertrouwelijk, a.dc_persoonsgegevens, a.dc_bijzondere,
                a.dc_beveiliging, a.dc_klant, a.dc_financieel
         from application a where a.organisation_id = $1 and {LISTED}
         order by a.workflow_status = 'afgewezen', lower(a.name)"
    ))
    .bind(org)
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let forbidden = r.workflow_status == "afgewezen" || r.suspension_reason.is_some();
            let cells = r
                .classes()
                .iter()
                .map(|c| {
                    // A class not filled in is not allowed: only what was assessed may be used.
                    let v = if forbidden { "verboden" } else { c.as_deref().unwrap_or("verboden") };
                    Cell { value: v.to_string(), label: label_of(PERMISSIONS, v) }
                })
                .collect();
            let plain = |s: &Option<String>| s.as_deref().map(richtext::plain_text).unwrap_or_default();
            Tool {
                id: r.application_id,
                name: r.name.clone(),
                provider: r.provider.clone().unwrap_or_default(),
                forbidden,
                suspended: r.suspension_reason.clone(),
                attention: plain(&r.attention_points),
                conditions: r.conditions.clone().unwrap_or_default(),
                cells,
            }
        })
        .collect())
}

#[derive(Debug, Default, Deserialize)]
struct Ask {
    #[serde(default)]
    tool: String,
    #[serde(default)]
    gegevens: String,
}

/// The answer to "Mag ik … gebruiken voor …?".
pub struct Answer {
    pub kind: String,
    pub text: String,
}

fn answer(tools: &[Tool], ask: &Ask) -> Option<Answer> {
    if ask.tool.is_empty() || ask.gegevens.is_empty() {
        return None;
    }
    let class = DATA_CLASSES.iter().position(|c| c.value == ask.gegevens)?;
    let class_label = DATA_CLASSES[class].label.to_lowercase();
    let Some(tool) = tools.iter().find(|t| t.id.to_string() == ask.tool) else {
        return Some(Answer {
            kind: "verboden".into(),
            text: "Deze tool staat niet op de lijst. Gebruik hem niet; registreer hem eerst via 'Nieuwe registratie'."
                .into(),
        });
    };
    if let Some(reason) = &tool.suspended {
        return Some(Answer {
            kind: "verboden".into(),
            text: format!("Nee. {} is tijdelijk niet te gebruiken: {reason}", tool.name),
        });
    }
    let cell = &tool.cells[class];
    let text = match cell.value.as_str() {
        "toegestaan" => format!("Ja, {} mag u gebruiken voor {class_label}.", tool.name),
        "onder_voorwaarden" => {
            let mut t = format!("Ja, onder voorwaarden: {} mag u gebruiken voor {class_label}", tool.name);
            if tool.conditions.is_empty() && tool.attention.is_empty() {
                t.push_str(" als u de afspraken van uw afdeling volgt.");
            } else {
                t.push_str(". Let op: ");
                t.push_str(
                    &[tool.conditions.as_str(), tool.attention.as_str()]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
            t
        }
        _ if tool.forbidden => format!("Nee. {} is verboden in onze organisatie.", tool.name),
        _ => format!("Nee, {} mag u niet gebruiken voor {class_label}.", tool.name),
    };
    Some(Answer { kind: cell.value.clone(), text })
}

struct Page {
    tools: Vec<Tool>,
    classes: Vec<(&'static str, &'static str)>,
    ask_tool: String,
    ask_class: String,
    answer: Option<Answer>,
    dos: &'static [&'static str],
    donts: &'static [&'static str],
    org_name: String,
}

#[derive(Template)]
#[template(path = "allowed/page.html")]
struct ScreenPage {
    layout: Layout,
    p: Page,
}

/// The cheat sheet on one A4: no navigation, compact, landscape.
#[derive(Template)]
#[template(path = "allowed/print.html")]
struct PrintPage {
    p: Page,
}

async fn build(state: &AppState, user: &CurrentUser, ask: Ask) -> AppResult<Page> {
    let org = organisation(user)?;
    let tools = tools(state, org).await?;
    let answer = answer(&tools, &ask);
    Ok(Page {
        classes: DATA_CLASSES.iter().map(|c| (c.value, c.label)).collect(),
        ask_tool: ask.tool,
        ask_class: ask.gegevens,
        answer,
        dos: &DOS,
        donts: &DONTS,
        org_name: user.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        tools,
    })
}

async fn page(State(state): State<AppState>, user: CurrentUser, Query(ask): Query<Ask>) -> AppResult<Response> {
    let layout = Layout::for_user(&user, "Toegestane AI-tools", "/toegestane-tools");
    render(&ScreenPage { layout, p: build(&state, &user, ask).await? })
}

async fn print(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    render(&PrintPage { p: build(&state, &user, Ask::default()).await? })
}
