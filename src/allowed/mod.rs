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
use crate::applications::organisation;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::register::fields::{DATA_CLASSES, PERMISSIONS, label_of};
use crate::register::richtext;
use crate::web::layout::Layout;
use crate::web::paging::{self, Pager};
use crate::web::render;

pub fn router() -> Router<AppState> {
    Router::new().route("/toegestane-tools", get(page)).route("/toegestane-tools/afdrukken", get(print))
}

/// Seed 001 ("Een voorbeeld: Do's") and seed 003 (Art. 4.1/4.2).
pub const DOS: [&str; 5] = [
    "Gebruik alleen goedgekeurde AI-tools uit deze lijst.",
    "Houd vertrouwelijke informatie binnen de afgesproken omgeving.",
    "Controleer altijd de uitkomst van AI voordat u die gebruikt.",
    "Houd werk- en privégebruik gescheiden; gebruik voor een werkaccount een eigen wachtwoord.",
    "Meld een (mogelijk) incident meteen via het tabblad Incidenten van de tool.",
];
pub const DONTS: [&str; 4] = [
    "Plak nooit klantdata, persoonsgegevens of bedrijfsgeheimen in openbare AI-tools.",
    "Ga niet zelf experimenteren met tools die niet op de lijst staan: registreer de tool eerst.",
    "Vertrouw AI-antwoorden niet blind, maar toets ze altijd.",
    "Gebruik generatieve AI niet zonder meerwaarde: het verbruikt veel energie.",
];

/// The tools on the list: approved (in use or not yet, or with a change in review, shown as approved), or
/// rejected (forbidden). `v` is the approved version of a tool whose change is in review.
const LISTED: &str = "left join approved_version v on v.application_id = a.application_id
                       and registration_change_in_review(a.application_id, a.workflow_status)
     where registration_on_allowed_list(a.application_id, a.workflow_status)";

/// The columns shown, as they govern: the approved version's while a change is in review, else the
/// registration's (column names are our own constants).
fn governing() -> String {
    let cols = ["provider", "attention_points"].into_iter().chain(DATA_CLASSES.iter().map(|c| c.value));
    cols.map(|c| format!("case when v.application_id is null then a.{c} else v.doc->>'{c}' end as {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(sqlx::FromRow)]
struct ToolRow {
    application_id: Uuid,
    name: String,
    provider: Option<String>,
    workflow_status: String,
    change_in_review: bool,
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
    total: i64,
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
    /// Approved, with a change in review: what is shown is the approved version.
    pub change_in_review: bool,
    pub attention: String,
    pub conditions: String,
    pub cells: Vec<Cell>,
}

/// Tools per page on screen; a large organisation's list is searched and paged, a small one fits on one page.
pub const PAGE_SIZE: i64 = 50;
/// Up to this many tools the question form offers them in a list; above it, the tool's name is typed.
pub const SELECT_LIMIT: i64 = 200;

/// Which tools to read: all (print view), one page of a search, or one by id.
pub enum Which<'a> {
    All,
    Page { q: &'a str, page: i64 },
    One(Uuid),
    Named(&'a str),
}

/// The tools on the list and how many match in all (approved first, by name; rejected ones last).
async fn tools(state: &AppState, org: Uuid, which: Which<'_>) -> AppResult<(Vec<Tool>, i64)> {
    // Without a search the page comes straight from the index in order and the total is counted apart;
    // with one the matches are few, and a window counts them.
    let unfiltered = matches!(which, Which::Page { q, .. } if q.trim().is_empty());
    let total_sql = if unfiltered { "0::bigint" } else { "count(*) over ()" };
    // A tool whose change is in review is shown as approved (`v`, register::approved): its data classes,
    // points to watch and conditions. The conditions are those of the approval in force (the latest).
    let mut b: sqlx::QueryBuilder<sqlx::Postgres> = sqlx::QueryBuilder::new(format!(
        "select a.application_id, a.name, a.workflow_status, v.application_id is not null as change_in_review,
                a.suspension_reason, {governing},
                (select case when d.decision = 'goedgekeurd_onder_voorwaarden' then d.note end from review_decision d
                  where d.application_id = a.application_id
                    and d.decision in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden')
                  order by d.decided_at desc limit 1) as conditions,
                {total_sql} as total
         from application a {LISTED} and a.organisation_id = ",
        governing = governing(),
    ));
    b.push_bind(org);
    let order = " order by a.workflow_status = 'afgewezen', lower(a.name), a.application_id";
    match which {
        Which::All => {
            b.push(order);
        }
        Which::Page { q, page } => {
            if !q.trim().is_empty() {
                push_search(&mut b, q);
            }
            b.push(order);
            crate::register::search::push_page(&mut b, PAGE_SIZE, (page - 1) * PAGE_SIZE);
        }
        Which::One(id) => {
            b.push(" and a.application_id = ").push_bind(id);
        }
        Which::Named(name) => {
            // An exact name first, then names that start with or contain it.
            // Also with other spaces or punctuation, as the request look-up matches ("Chat GPT").
            let crate::register::requests::store::NameLike { lower, like, spaceless, .. } =
                crate::register::requests::store::NameLike::of(name);
            b.push(" and (lower(a.name) like ").push_bind(like);
            b.push(" or name_squashed(a.name) like ").push_bind(spaceless).push(")");
            b.push(" order by lower(a.name) = ").push_bind(lower.clone());
            b.push(" desc, lower(a.name) like ").push_bind(format!("{}%", crate::util::escape_like(&lower)));
            b.push(" desc, a.workflow_status = 'afgewezen', lower(a.name) limit 10");
        }
    }
    let rows: Vec<ToolRow> = b.build_query_as().fetch_all(&state.pool).await?;
    let total = match (unfiltered, rows.first(), &which) {
        (true, _, _) => count_listed(state, org).await?,
        (false, Some(r), _) => r.total,
        // A page past the end of a search: the window saw no rows, so count the matches themselves.
        (false, None, Which::Page { q, page }) if *page > 1 => count_matching(state, org, q).await?,
        (false, None, _) => 0,
    };
    Ok((rows.into_iter().map(tool).collect(), total))
}

/// A row of the list as the page shows it: every data class, forbidden for a rejected or suspended tool.
fn tool(r: ToolRow) -> Tool {
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
        change_in_review: r.change_in_review,
        attention: plain(&r.attention_points),
        conditions: r.conditions.clone().unwrap_or_default(),
        cells,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Ask {
    /// The tool chosen from the list (its id).
    tool: String,
    /// Or its name, typed (large organisations).
    naam: String,
    gegevens: String,
    /// Search in the table, and its page.
    zoek: String,
    pagina: Option<u32>,
}

/// After the answer about a tool whose change is in review: what governs until the CISO decides.
pub const CHANGE_IN_REVIEW_NOTE: &str =
    " (Goedgekeurd; wijziging in beoordeling: tot de CISO over de wijziging beslist, geldt de goedgekeurde versie.)";

/// The answer to "Mag ik … gebruiken voor …?".
pub struct Answer {
    pub kind: String,
    pub text: String,
}

fn answer(found: &[Tool], ask: &Ask) -> Option<Answer> {
    let tool_given = !(ask.tool.is_empty() && ask.naam.trim().is_empty());
    match (tool_given, ask.gegevens.is_empty()) {
        (false, true) => return None,
        (true, true) | (false, false) => {
            return Some(Answer {
                kind: "keuze".into(),
                text: "Kies een tool én het soort gegevens; dan volgt het antwoord.".into(),
            });
        }
        (true, false) => {}
    }
    let class = DATA_CLASSES.iter().position(|c| c.value == ask.gegevens)?;
    let class_label = DATA_CLASSES[class].label.to_lowercase();
    // A typed name: an exact match answers; several candidates are offered to choose from.
    let exact = found.iter().find(|t| t.name.to_lowercase() == ask.naam.trim().to_lowercase());
    let tool = match (exact, found) {
        (Some(t), _) | (None, [t]) => Some(t),
        (None, []) => None,
        (None, several) => {
            let names: Vec<&str> = several.iter().map(|t| t.name.as_str()).collect();
            return Some(Answer {
                kind: "keuze".into(),
                text: format!(
                    "Er zijn meerdere tools met \"{}\" in de naam: {}. Typ de volledige naam.",
                    ask.naam.trim(),
                    names.join(", ")
                ),
            });
        }
    };
    let Some(tool) = tool else {
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
    let mut text = match cell.value.as_str() {
        "toegestaan" => format!("Ja, {} mag u gebruiken voor {class_label}.", tool.name),
        "onder_voorwaarden" => {
            let mut t = format!("Ja, onder voorwaarden: {} mag u gebruiken voor {class_label}", tool.name);
            if tool.conditions.is_empty() && tool.attention.is_empty() {
                t.push_str(
                    ". De voorwaarden staan niet in het register: vraag ze na bij de eigenaar van de tool of de CISO.",
                );
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
    if tool.change_in_review {
        text.push_str(CHANGE_IN_REVIEW_NOTE);
    }
    Some(Answer { kind: cell.value.clone(), text })
}

struct Page {
    tools: Vec<Tool>,
    /// All tools matching the search (the table shows one page of them).
    total: i64,
    pager: Pager,
    zoek: String,
    /// The tools to choose from in the question form; None when there are too many (the name is typed).
    choices: Option<Vec<(Uuid, String)>>,
    ask_naam: String,
    classes: Vec<(&'static str, String)>,
    /// The date of the list, for the printed cheat sheet.
    today: String,
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
    policy_link: Option<crate::policy::PolicyLink>,
    /// The trainings the tools shown (and the one asked about) require, and how the user stands (issue 22).
    literacy: Vec<crate::literacy::status::ToolNeed>,
}

/// The cheat sheet on one A4: no navigation, compact, landscape.
#[derive(Template)]
#[template(path = "allowed/print.html")]
struct PrintPage {
    p: Page,
    policy_link: Option<crate::policy::PolicyLink>,
}

/// A data class's name with soft hyphens where the compound words join ("Beveiligings­informatie"), so a
/// narrow column breaks it there instead of mid-syllable.
fn breakable(label: &str) -> String {
    let mut out = label.to_string();
    for part in ["gegevens", "informatie"] {
        if let Some(i) = out.find(part).filter(|i| *i > 0 && !out[..*i].ends_with(' ')) {
            out.insert(i, '\u{ad}');
        }
    }
    out
}

async fn build(state: &AppState, user: &CurrentUser, ask: Ask, print: bool) -> AppResult<Page> {
    let org = organisation(user)?;
    let page = i64::from(ask.pagina.unwrap_or(1).clamp(1, 100_000));
    let (tools, total) = if print {
        tools(state, org, Which::All).await?
    } else {
        tools(state, org, Which::Page { q: &ask.zoek, page }).await?
    };
    let pages = if print { 1 } else { paging::pages(total, PAGE_SIZE) };
    // A short list is offered to choose from in the question form; a long one is typed. Without a search the
    // total is already the number of listed tools.
    let listed = if print || ask.zoek.trim().is_empty() { total } else { count_listed(state, org).await? };
    let choices = if listed <= SELECT_LIMIT { Some(tool_names(state, org).await?) } else { None };
    let found = match (Uuid::parse_str(ask.tool.trim()), ask.naam.trim()) {
        (Ok(id), _) => tools_by(state, org, Which::One(id)).await?,
        (Err(_), name) if !name.is_empty() => tools_by(state, org, Which::Named(name)).await?,
        _ => Vec::new(),
    };
    let answer = answer(&found, &ask);
    Ok(Page {
        total,
        pager: Pager::new("/toegestane-tools", &ask.zoek, "", page, pages),
        zoek: ask.zoek.clone(),
        choices,
        ask_naam: ask.naam.clone(),
        classes: DATA_CLASSES.iter().map(|c| (c.value, breakable(c.label))).collect(),
        today: crate::web::format_date(crate::web::today()),
        ask_tool: ask.tool,
        ask_class: ask.gegevens,
        answer,
        dos: &DOS,
        donts: &DONTS,
        org_name: user.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        tools,
    })
}

pub async fn tools_by(state: &AppState, org: Uuid, which: Which<'_>) -> AppResult<Vec<Tool>> {
    Ok(tools(state, org, which).await?.0)
}

async fn tool_names(state: &AppState, org: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    Ok(sqlx::query!(
        "select a.application_id, a.name from application a
          where registration_on_allowed_list(a.application_id, a.workflow_status) and a.organisation_id = $1
          order by a.workflow_status = 'afgewezen', lower(a.name), a.application_id",
        org
    )
    .map(|r| (r.application_id, r.name))
    .fetch_all(&state.pool)
    .await?)
}

/// ` and …`: name or supplier contains the words typed (the trigram index on lower(name) serves names).
fn push_search(b: &mut sqlx::QueryBuilder<'_, sqlx::Postgres>, q: &str) {
    let like = format!("%{}%", crate::util::escape_like(&q.trim().to_lowercase()));
    b.push(" and (lower(a.name) like ").push_bind(like.clone()).push(" or lower(coalesce(a.provider, '')) like ");
    b.push_bind(like).push(")");
}

/// How many listed tools match a search of the table.
async fn count_matching(state: &AppState, org: Uuid, q: &str) -> AppResult<i64> {
    let mut b: sqlx::QueryBuilder<sqlx::Postgres> =
        sqlx::QueryBuilder::new(format!("select count(*) from application a {LISTED} and a.organisation_id = "));
    b.push_bind(org);
    push_search(&mut b, q);
    Ok(b.build_query_scalar().fetch_one(&state.pool).await?)
}

/// The same set as `registration_on_allowed_list` (listed statuses, or a change in review), counted in two
/// parts: the listed statuses from a counter kept by a trigger (migration 0048), the changes in review through
/// their approved version, so the function is called only for those (migration 0045).
async fn count_listed(state: &AppState, org: Uuid) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"select coalesce((select registrations from organisation_listed_count where organisation_id = $1), 0)
                + (select count(*) from approved_version v join application a using (application_id)
                    where a.organisation_id = $1
                      and registration_change_in_review(a.application_id, a.workflow_status)) as "n!""#,
        org
    )
    .fetch_one(&state.pool)
    .await?)
}

async fn page(State(state): State<AppState>, user: CurrentUser, Query(ask): Query<Ask>) -> AppResult<Response> {
    let layout = Layout::for_user(&user, "Toegestane AI-tools", "/toegestane-tools");
    let policy_link = crate::policy::link_for(&state.pool, &user).await?;
    let p = build(&state, &user, ask, false).await?;
    let ids: Vec<Uuid> = p.tools.iter().map(|t| t.id).chain(Uuid::parse_str(&p.ask_tool).ok()).collect();
    let org = organisation(&user)?;
    let today = crate::web::today();
    let literacy = crate::literacy::status::tool_needs(&state.pool, org, user.user_id, &ids, today).await?;
    render(&ScreenPage { layout, p, policy_link, literacy })
}

async fn print(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let policy_link = crate::policy::link(&state.pool, organisation(&user)?, None).await?;
    render(&PrintPage { p: build(&state, &user, Ask::default(), true).await?, policy_link })
}
