//! A training's own page: what it is and whom it is required of, per role and per tool. A training required
//! of the users of every high-risk tool has hundreds of tool requirements; the administrator's page shows the
//! first few of each training and this page all of them, paged and searchable by the tool's name. Also the page
//! that asks before a requirement is removed (it was removed at the first click).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::MANAGE;
use super::coverage::{GROUPS, in_group};
use super::manage::guard;
use super::rules::{LEVELS, Standing, standing};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::register::options::label_in;
use crate::roles::Role;
use crate::util::escape_like;
use crate::web::layout::Layout;
use crate::web::paging::{self, Pager};
use crate::web::user::CurrentUser;
use crate::web::{format_date, render_status, session};

/// The tool requirements the administrator's page shows per training; the rest are on the training's page.
pub const TOOLS_SHOWN: i64 = 5;
/// Tool requirements per page of a training's page.
pub const TOOLS_PER_PAGE: i64 = 50;

/// A training's page address.
pub fn href(id: Uuid) -> String {
    format!("/ai-geletterdheid/trainingen/{id}")
}

pub struct RequirementView {
    pub id: Uuid,
    /// "Iedereen met de rol Medewerker", "Wie Copilot gebruikt".
    pub label: String,
    /// The tool's registration and name, for a link to it.
    pub tool: Option<(Uuid, String)>,
}

pub struct TrainingView {
    pub id: Uuid,
    pub title: String,
    pub provider: String,
    pub level: String,
    pub duration: String,
    pub validity: String,
    pub link: String,
    pub roles: Vec<RequirementView>,
    /// The first tool requirements by the tool's name ([`TOOLS_SHOWN`] on the administrator's page).
    pub tools: Vec<RequirementView>,
    /// How many tools require the training.
    pub tool_count: i64,
}

/// A stored role code as the pages name the role ("ciso" → "CISO"); an unknown code as it is.
fn role_label(code: &str) -> &str {
    Role::parse(code).map(Role::label).unwrap_or(code)
}

/// Whom a requirement is for, as a message names it: "iedereen met de rol Medewerker" (a stored role code) or
/// "de gebruikers van Copilot" (a tool's name).
pub fn whom(role: Option<&str>, tool: Option<&str>) -> String {
    match (role, tool) {
        (Some(role), _) => format!("iedereen met de rol {}", role_label(role)),
        (None, Some(tool)) => format!("de gebruikers van {tool}"),
        (None, None) => String::new(),
    }
}

fn role_requirement(id: Uuid, role: &str) -> RequirementView {
    RequirementView { id, label: format!("Iedereen met de rol {}", role_label(role)), tool: None }
}

/// Role requirements in the order of the roles (as the coverage page lists them), not of their codes.
fn by_role_order(mut roles: Vec<(Uuid, &str)>) -> Vec<RequirementView> {
    roles.sort_by_key(|(_, role)| Role::ALL.iter().position(|r| r.as_str() == *role).unwrap_or(usize::MAX));
    roles.into_iter().map(|(id, role)| role_requirement(id, role)).collect()
}

fn tool_requirement(id: Uuid, tool: Uuid, name: &str) -> RequirementView {
    RequirementView { id, label: format!("Wie {name} gebruikt"), tool: Some((tool, name.to_string())) }
}

/// The organisation's trainings by title (or the one asked for), each with its role requirements, its first
/// `first_tools` tool requirements by the tool's name and how many tools require it: the administrator's page
/// no longer grows with the number of tools a training is required for.
pub async fn read(pool: &sqlx::PgPool, org: Uuid, one: Option<Uuid>, first_tools: i64) -> AppResult<Vec<TrainingView>> {
    let rows = sqlx::query!(
        r#"select t.training_id, t.title, t.provider, t.level, t.duration_minutes, t.validity_months, t.link,
                  coalesce(rr.ids, '{}') as "role_ids!: Vec<Uuid>", coalesce(rr.roles, '{}') as "roles!: Vec<String>",
                  coalesce(tr.ids, '{}') as "tool_req_ids!: Vec<Uuid>", coalesce(tr.tools, '{}') as "tool_ids!: Vec<Uuid>",
                  coalesce(tr.names, '{}') as "tool_names!: Vec<String>",
                  (select count(*) from training_requirement c
                    where c.training_id = t.training_id and c.application_id is not null) as "tool_count!"
           from training t
           left join lateral (select array_agg(r.requirement_id order by r.role) as ids,
                                     array_agg(r.role order by r.role) as roles
                              from training_requirement r where r.training_id = t.training_id and r.role is not null) rr
             on true
           left join lateral (select array_agg(f.requirement_id order by f.o) as ids,
                                     array_agg(f.application_id order by f.o) as tools, array_agg(f.name order by f.o) as names
                              from (select r.requirement_id, r.application_id, a.name,
                                           row_number() over (order by lower(a.name), r.requirement_id) as o
                                    from training_requirement r join application a using (application_id)
                                    where r.training_id = t.training_id
                                    order by lower(a.name), r.requirement_id limit $3) f) tr on true
           where t.organisation_id = $1 and ($2::uuid is null or t.training_id = $2)
           order by lower(t.title)"#,
        org,
        one,
        first_tools
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TrainingView {
            id: r.training_id,
            title: r.title,
            provider: r.provider.unwrap_or_default(),
            level: label_in(LEVELS, &r.level),
            duration: r.duration_minutes.map(|m| format!("{m} minuten")).unwrap_or_default(),
            validity: r.validity_months.map_or("onbeperkt".to_string(), |m| format!("{m} maanden")),
            link: r.link.unwrap_or_default(),
            roles: by_role_order(r.role_ids.iter().zip(&r.roles).map(|(id, role)| (*id, role.as_str())).collect()),
            tools: r
                .tool_req_ids
                .iter()
                .zip(r.tool_ids.iter().zip(&r.tool_names))
                .map(|(id, (tool, name))| tool_requirement(*id, *tool, name))
                .collect(),
            tool_count: r.tool_count,
        })
        .collect())
}

/// The people a training's page lists (the coverage page and its export have everyone who needs it).
pub const PEOPLE_SHOWN: i64 = 50;

/// One person who completed the training (or entered it), as the training's page lists them: their latest
/// completion counts, as on the coverage page; a renewal does not leave an old row that reads "Verlopen".
pub struct PersonDone {
    /// "Name (e-mail)".
    pub person: String,
    /// The latest confirmed completion, "–" while none is confirmed.
    pub done: String,
    /// "15-03-2027", "onbeperkt", "–".
    pub until: String,
    /// The person's standing as the coverage names it ("Gevolgd en geldig", "Verloopt binnenkort", …).
    pub standing: &'static str,
    /// An entry of theirs waits for confirmation while they stand otherwise (a renewal): its date.
    pub renewal: Option<String>,
}

/// How the people who completed the training stand: how many, each standing that occurs with its count (in
/// the coverage's order), and how many have an entry waiting for confirmation.
#[derive(Default)]
pub struct DoneSummary {
    pub people: i64,
    pub standings: Vec<(&'static str, i64)>,
    pub waiting: i64,
}

/// Who completed the training, one row per person by their latest completion: the [`PEOPLE_SHOWN`] most
/// recent, and the summary of all of them.
async fn completions(pool: &sqlx::PgPool, org: Uuid, id: Uuid) -> AppResult<(Vec<PersonDone>, DoneSummary)> {
    let today = crate::web::today();
    let rows = sqlx::query!(
        r#"select u.name, u.email, u.active, t.validity_months,
                  max(c.completed_on) filter (where c.confirmed_at is not null) as done,
                  max(c.completed_on) filter (where c.confirmed_at is null) as waiting_on
           from training_completion c join app_user u using (user_id) join training t using (training_id)
           where c.training_id = $1 and c.organisation_id = $2
           group by u.user_id, t.validity_months
           order by max(c.completed_on) desc, u.name, u.user_id limit $3"#,
        id,
        org,
        PEOPLE_SHOWN
    )
    .fetch_all(pool)
    .await?;
    let counts = sqlx::query!(
        r#"select training_standing(l.done, t.validity_months, l.waiting, $3, $4) as "standing!", count(*) as "n!",
                  count(*) filter (where l.waiting) as "waiting!"
           from training_latest l join training t using (training_id)
           where l.training_id = $1 and l.organisation_id = $2
           group by 1"#,
        id,
        org,
        today,
        super::rules::expiry_warning_days_sql()
    )
    .fetch_all(pool)
    .await?;
    let mut summary = DoneSummary::default();
    for s in Standing::ALL {
        if let Some(c) = counts.iter().find(|c| c.standing == s.as_str()) {
            summary.standings.push((s.label(), c.n));
        }
    }
    summary.people = counts.iter().map(|c| c.n).sum();
    summary.waiting = counts.iter().map(|c| c.waiting).sum();
    let shown = rows
        .into_iter()
        .map(|r| {
            let now = standing(r.done, r.validity_months, r.waiting_on.is_some(), today);
            PersonDone {
                person: crate::register::people::shown_as(&r.name, &r.email, r.active),
                done: r.done.map_or("–".to_string(), format_date),
                until: r.done.map_or("–".to_string(), |d| {
                    super::rules::valid_until(d, r.validity_months).map_or("onbeperkt".to_string(), format_date)
                }),
                standing: now.label(),
                renewal: r.waiting_on.filter(|_| now != Standing::Unconfirmed).map(format_date),
            }
        })
        .collect();
    Ok((shown, summary))
}

/// One of the coverage's groups for this training: its code (for the list's address), its name and how many
/// people are in it.
pub struct NeedGroup {
    pub code: &'static str,
    pub label: &'static str,
    pub people: i64,
}

/// How the people who need the training stand, in the coverage's groups (vereist, gedaan, verloopt, verlopen,
/// ontbreekt), counted per person: someone who needs it for a role and for a tool stands the same for both.
async fn needed_by(pool: &sqlx::PgPool, org: Uuid, id: Uuid) -> AppResult<Vec<NeedGroup>> {
    let counts = sqlx::query!(
        r#"select training_standing(done, validity_months, waiting, $3, $4) as "standing!",
                  count(distinct user_id) as "n!"
           from training_need_detail where organisation_id = $1 and training_id = $2 group by 1"#,
        org,
        id,
        crate::web::today(),
        super::rules::expiry_warning_days_sql()
    )
    .fetch_all(pool)
    .await?;
    Ok(GROUPS
        .iter()
        .map(|(code, label)| NeedGroup {
            code,
            label,
            people: counts
                .iter()
                .filter(|c| Standing::parse(&c.standing).is_some_and(|s| in_group(s, code)))
                .map(|c| c.n)
                .sum(),
        })
        .collect())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Ask {
    /// A part of the tool's name.
    pub zoek: String,
    pub pagina: Option<u32>,
}

#[derive(Template)]
#[template(path = "literacy/training.html")]
struct TrainingPage {
    layout: Layout,
    t: TrainingView,
    /// This page's tool requirements (those whose tool's name holds `zoek`).
    tools: Vec<RequirementView>,
    /// How many tool requirements fit `zoek`.
    found: i64,
    zoek: String,
    pager: Pager,
    /// The page's own address, for its search.
    path: String,
    /// The people who completed it, the most recent first, and how all of them stand.
    done: Vec<PersonDone>,
    summary: DoneSummary,
    /// Who needs it, per coverage group; the first is everyone.
    needed: Vec<NeedGroup>,
}

#[tracing::instrument(skip_all)]
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Query(ask): Query<Ask>,
) -> AppResult<Response> {
    let org = guard(&user)?;
    let t = read(&state.pool, org, Some(id), 0).await?.pop().ok_or(AppError::NotFound)?;
    let zoek = ask.zoek.trim().to_string();
    let pattern = format!("%{}%", escape_like(&zoek));
    let found = sqlx::query_scalar!(
        r#"select count(*) as "n!" from training_requirement r join application a using (application_id)
           where r.training_id = $1 and a.name ilike $2"#,
        id,
        pattern
    )
    .fetch_one(&state.pool)
    .await?;
    let pages = paging::pages(found, TOOLS_PER_PAGE);
    let page = paging::clamp(ask.pagina, pages);
    let tools = sqlx::query!(
        r#"select r.requirement_id, r.application_id as "application_id!", a.name
           from training_requirement r join application a using (application_id)
           where r.training_id = $1 and a.name ilike $2
           order by lower(a.name), r.requirement_id limit $3 offset $4"#,
        id,
        pattern,
        TOOLS_PER_PAGE,
        (page - 1) * TOOLS_PER_PAGE
    )
    .fetch_all(&state.pool)
    .await?
    .into_iter()
    .map(|r| tool_requirement(r.requirement_id, r.application_id, &r.name))
    .collect();
    let (done, summary) = completions(&state.pool, org, id).await?;
    let needed = needed_by(&state.pool, org, id).await?;
    let path = href(id);
    render_status(
        StatusCode::OK,
        &TrainingPage {
            layout: Layout::for_user(&user, &t.title, MANAGE),
            tools,
            found,
            pager: Pager::new(&path, &zoek, "kop-tools", page, pages),
            path,
            zoek,
            t,
            done,
            summary,
            needed,
        },
    )
}

/// Where a form that names a training (`sent`, the way back) goes afterwards: that training's page when it is
/// one of the organisation's, otherwise `otherwise`.
pub async fn page_or(pool: &sqlx::PgPool, org: Uuid, sent: &str, otherwise: String) -> AppResult<String> {
    let Ok(id) = Uuid::parse_str(sent.trim()) else { return Ok(otherwise) };
    let exists = sqlx::query_scalar!(
        r#"select exists (select 1 from training where training_id = $1 and organisation_id = $2) as "e!""#,
        id,
        org
    )
    .fetch_one(pool)
    .await?;
    Ok(if exists { href(id) } else { otherwise })
}

/// One requirement as its removal names it.
pub struct Named {
    pub training_id: Uuid,
    pub title: String,
    /// "iedereen met de rol Medewerker", "de gebruikers van Copilot".
    pub whom: String,
}

pub async fn named(db: impl sqlx::PgExecutor<'_>, org: Uuid, id: Uuid) -> AppResult<Option<Named>> {
    let r = sqlx::query!(
        r#"select r.training_id, t.title, r.role, a.name as "tool?"
           from training_requirement r join training t using (training_id)
           left join application a on a.application_id = r.application_id
           where r.requirement_id = $1 and r.organisation_id = $2"#,
        id,
        org
    )
    .fetch_optional(db)
    .await?;
    Ok(r.map(|r| Named {
        training_id: r.training_id,
        title: r.title,
        whom: whom(r.role.as_deref(), r.tool.as_deref()),
    }))
}

#[derive(Template)]
#[template(path = "literacy/remove.html")]
struct RemovePage {
    layout: Layout,
    id: Uuid,
    r: Named,
    back: String,
}

/// "Eis verwijderen": what goes, and a button that removes it (the form posts to the same address).
#[tracing::instrument(skip_all)]
pub async fn ask_remove(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = guard(&user)?;
    let Some(r) = named(&state.pool, org, id).await? else {
        // Removed meanwhile (another tab, another administrator): say so where the requirements are.
        return session::flash_redirect(&state.pool, &user, "Deze eis was al verwijderd.", MANAGE).await;
    };
    render_status(
        StatusCode::OK,
        &RemovePage { layout: Layout::for_user(&user, "Eis verwijderen", MANAGE), id, back: href(r.training_id), r },
    )
}
