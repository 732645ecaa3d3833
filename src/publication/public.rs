//! The public register, no login: per organisation the list of published registrations (search, filters by
//! theme, status and publication category), a page per registration, and its `AlgorithmIn` JSON at a stable
//! address (`/openbaar/{code}/{id}.json`, the standard's "Link naar bronregistratie"). Only what the standard
//! publishes is shown: the page is rendered from the same body as the export, never from the internal record.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use super::algorithm_in::OrgInfo;
use super::files::links;
use super::{export, validate};
use crate::AppState;
use crate::applications::views::{DetailItem, DetailSection, OptView};
use crate::error::{AppError, AppResult};
use crate::register::fields::{PUBLICATION_CATEGORIES, REGISTER_STATUS, THEMES};
use crate::register::form::is_blank;
use crate::register::richtext;
use crate::register::search::{CAPPED_COUNT, SEARCH_CAP, cap, capped_total, close_capped_count, push_page, ts_query};
use crate::web::layout::Layout;
use crate::web::render;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openbaar", get(index))
        .route("/openbaar/{code}", get(list))
        .route("/openbaar/{code}/{item}", get(item))
        .route("/openbaar/{code}/{id}/rapport/{aid}", get(report))
}

/// The organisation of a public page with its look (issue 21, item 2: its theme, logo and name), in one
/// statement.
async fn org_by_code(state: &AppState, code: &str) -> AppResult<(OrgInfo, Look)> {
    let r = sqlx::query!(
        r#"select organisation_id as "organisation_id!: Uuid", name as "name!: String", code as "code!: String",
                 contact_email as "contact_email!: String", theme as "theme!: String", logo_sha256
             from organisation where code = $1"#,
        code
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let org =
        OrgInfo { organisation_id: r.organisation_id, name: r.name, code: r.code, contact_email: r.contact_email };
    Ok((org, Look { theme: r.theme, logo_sha256: r.logo_sha256 }))
}

/// An organisation's theme and logo, as a public page wears them.
struct Look {
    theme: String,
    logo_sha256: Option<String>,
}

impl Look {
    fn layout(&self, org: &OrgInfo, title: &str) -> Layout {
        Layout::bare(title).for_organisation(org.organisation_id, &org.name, &self.theme, self.logo_sha256.as_deref())
    }
}

#[derive(Template)]
#[template(path = "publication/public_index.html")]
struct IndexPage {
    layout: Layout,
    orgs: Vec<(String, String, i64)>,
}

/// The organisations with a public register; straight to it when there is one.
async fn index(State(state): State<AppState>) -> AppResult<Response> {
    let orgs: Vec<(String, String, i64)> = sqlx::query!(
        r#"select o.code as "c0!: String", o.name as "c1!: String", count(*) as "c2!: i64"
         from organisation o join application a using (organisation_id)
         where registration_public(a.publish, a.workflow_status) group by o.code, o.name order by o.name"#
    )
    .map(|r| (r.c0, r.c1, r.c2))
    .fetch_all(&state.pool)
    .await?;
    if let [(code, _, _)] = orgs.as_slice() {
        return Ok(Redirect::to(&format!("/openbaar/{code}")).into_response());
    }
    render(&IndexPage { layout: Layout::bare("Openbaar algoritmeregister"), orgs })
}

#[derive(Debug, Default, Deserialize)]
struct Filter {
    #[serde(default)]
    q: String,
    #[serde(default)]
    thema: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    categorie: String,
    pagina: Option<u32>,
}

impl Filter {
    /// A theme, status or category is chosen (a search is not a filter here).
    fn has_filters(&self) -> bool {
        !(self.thema.is_empty() && self.status.is_empty() && self.categorie.is_empty())
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    application_id: Uuid,
    name: String,
    description_short: String,
    status: String,
    publication_category: Option<String>,
    category: Vec<String>,
    total: i64,
}

#[derive(Template)]
#[template(path = "publication/public_list.html")]
struct ListPage {
    layout: Layout,
    org: OrgInfo,
    filter: Filter,
    rows: Vec<Row>,
    total: i64,
    /// A search found more than it shows ("meer dan 1.000").
    capped: bool,
    page: i64,
    pages: i64,
    themes: Vec<OptView>,
    statuses: Vec<OptView>,
    categories: Vec<OptView>,
    query_base: String,
    /// A search or a filter is on (offers "Alles tonen").
    filtered: bool,
}

const PAGE: i64 = 25;

fn options(opts: &[crate::register::fields::Opt], chosen: &str) -> Vec<OptView> {
    opts.iter()
        .map(|o| OptView { value: o.value.to_string(), label: o.label.to_string(), selected: o.value == chosen })
        .collect()
}

async fn list(State(state): State<AppState>, Path(code): Path<String>, Query(f): Query<Filter>) -> AppResult<Response> {
    let (org, look) = org_by_code(&state, &code).await?;
    let tsq = ts_query(&f.q);
    let filtered = tsq.is_some() || f.has_filters();
    let page = i64::from(f.pagina.unwrap_or(1).clamp(1, 100_000));
    let (rows, total) = match &tsq {
        Some(q) if !f.has_filters() => search_only(&state, org.organisation_id, q, page).await?,
        _ => filtered_page(&state, org.organisation_id, &f, tsq.as_deref(), page).await?,
    };
    // A search shows at most SEARCH_CAP matches (40 pages) and says when it found more.
    let (total, capped) = if tsq.is_some() { cap(total) } else { (total, false) };
    let query_base = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &f.q)
        .append_pair("thema", &f.thema)
        .append_pair("status", &f.status)
        .append_pair("categorie", &f.categorie)
        .finish();
    render(&ListPage {
        layout: look.layout(&org, &format!("Algoritmeregister {}", org.name)),
        themes: options(THEMES, &f.thema),
        statuses: options(REGISTER_STATUS, &f.status),
        categories: options(PUBLICATION_CATEGORIES, &f.categorie),
        org,
        rows,
        total,
        capped,
        page,
        pages: ((total + PAGE - 1) / PAGE).max(1),
        query_base,
        filtered,
        filter: f,
    })
}

/// A search alone: the published matches as narrow rows (migration 0047), sorted by name, only the page's
/// rows read in full; counted up to one past the cap.
async fn search_only(state: &AppState, org: Uuid, q: &str, page: i64) -> AppResult<(Vec<Row>, i64)> {
    if page > SEARCH_CAP / PAGE {
        return Ok((Vec::new(), count_search(state, org, q).await?));
    }
    let mut b: QueryBuilder<Postgres> = QueryBuilder::new(
        "with m as materialized (select application_id, name_lower from application_search
          where public and organisation_id = ",
    );
    b.push_bind(org).push(" and search @@ ");
    crate::register::search::push_tsquery(&mut b, q);
    b.push("), top as (select * from m order by name_lower, application_id");
    push_page(&mut b, PAGE, (page - 1) * PAGE);
    b.push(format!(
        ") select a.application_id, a.name, a.description_short, a.status, a.publication_category, a.category, {}
                 from top join application a using (application_id) order by top.name_lower, a.application_id",
        capped_total("m")
    ));
    let rows: Vec<Row> = b.build_query_as().fetch_all(&state.pool).await?;
    let total = match rows.first() {
        Some(r) => r.total,
        // Past the end: count the matches themselves.
        None if page > 1 => count_search(state, org, q).await?,
        None => 0,
    };
    Ok((rows, total))
}

/// The published matches of a search, counted up to one past the cap.
async fn count_search(state: &AppState, org: Uuid, q: &str) -> AppResult<i64> {
    let mut c: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("{CAPPED_COUNT} from application_search where public and organisation_id = "));
    c.push_bind(org).push(" and search @@ ");
    crate::register::search::push_tsquery(&mut c, q);
    close_capped_count(&mut c);
    Ok(c.build_query_scalar().fetch_one(&state.pool).await?)
}

/// The published registrations with the filters (and a search), in name order. Only a search or a filter is
/// counted with a window (few matches); otherwise the page comes from the published index in order and the
/// count is kept by a trigger (migration 0042).
async fn filtered_page(
    state: &AppState,
    org: Uuid,
    f: &Filter,
    tsq: Option<&str>,
    page: i64,
) -> AppResult<(Vec<Row>, i64)> {
    let filtered = tsq.is_some() || f.has_filters();
    let mut b: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "select application_id, name, description_short, status, publication_category, category,
                {} as total from application a where a.organisation_id = ",
        if filtered { "count(*) over ()" } else { "0::bigint" }
    ));
    b.push_bind(org).push(" and registration_public(a.publish, a.workflow_status)");
    if let Some(q) = tsq {
        b.push(" and a.search @@ ");
        crate::register::search::push_tsquery(&mut b, q);
    }
    if !f.thema.is_empty() {
        b.push(" and ").push_bind(f.thema.clone()).push(" = any(a.category)");
    }
    if !f.status.is_empty() {
        b.push(" and a.status = ").push_bind(f.status.clone());
    }
    if !f.categorie.is_empty() {
        b.push(" and a.publication_category = ").push_bind(f.categorie.clone());
    }
    b.push(" order by lower(a.name), a.application_id");
    push_page(&mut b, PAGE, (page - 1) * PAGE);
    let rows: Vec<Row> = b.build_query_as().fetch_all(&state.pool).await?;
    let total = if filtered {
        rows.first().map(|r| r.total).unwrap_or(0)
    } else {
        sqlx::query_scalar!("select registrations from organisation_public_count where organisation_id = $1", org)
            .fetch_optional(&state.pool)
            .await?
            .unwrap_or(0)
    };
    Ok((rows, total))
}

/// The register's own grouping of the fields (its layout file): Algemene informatie, Verantwoord gebruik,
/// Werking. Metadata (language, version, source id, tags) is never shown on the register's site either.
const SECTIONS: [(&str, &str, &[&str]); 3] = [
    (
        "algemeen",
        "Algemene informatie",
        &[
            "name",
            "description_short",
            "organization",
            "category",
            "status",
            "begin_date",
            "end_date",
            "contact_email",
            "website",
            "publication_category",
            "url",
        ],
    ),
    (
        "verantwoord",
        "Verantwoord gebruik",
        &[
            "goal",
            "proportionality",
            "human_intervention",
            "risks",
            "lawful_basis",
            "lawful_basis_grouping",
            "process_index_url",
            "impacttoetsen",
            "impacttoetsen_grouping",
        ],
    ),
    ("werking", "Werking", &["source_data", "source_data_grouping", "methods_and_models", "provider", "publiccode"]),
];

/// The body as sections of the detail page.
pub fn sections(body: &Map<String, Value>) -> Vec<DetailSection> {
    SECTIONS
        .iter()
        .map(|(slug, title, keys)| DetailSection {
            slug,
            title,
            items: keys
                .iter()
                // The name and short description are the page's heading and lead.
                .filter(|key| !matches!(**key, "name" | "description_short"))
                .map(|key| {
                    let v = body.get(*key).unwrap_or(&Value::Null);
                    let mut item = DetailItem {
                        label: validate::schema_title(key).unwrap_or(key),
                        text: String::new(),
                        blocks: Vec::new(),
                        links: Vec::new(),
                        empty: is_blank(v),
                    };
                    match v {
                        Value::String(s) if super::algorithm_in::RICH_KEYS.contains(key) => {
                            item.blocks = richtext::blocks(s)
                        }
                        Value::Array(items) if super::algorithm_in::GROUPING_KEYS.contains(key) => {
                            item.links = items
                                .iter()
                                .map(|r| {
                                    (
                                        r.get("title").and_then(Value::as_str).unwrap_or("").to_string(),
                                        r.get("link").and_then(Value::as_str).unwrap_or("").to_string(),
                                    )
                                })
                                .collect()
                        }
                        _ => item.text = super::csv::cell_text(key, v),
                    }
                    item
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "publication/public_show.html")]
struct ShowPage {
    layout: Layout,
    org: OrgInfo,
    id: Uuid,
    name: String,
    description: String,
    lars: Option<String>,
    /// The register's card facts (organisation, theme, status) and the publication category, at the top.
    facts: Vec<(&'static str, String)>,
    sections: Vec<DetailSection>,
}

/// The standard's "genericCardGrouping" (organisation, category, status) plus the publication category: what
/// algoritmes.overheid.nl shows of a description before its tabs. Empty values are left out.
fn summary_facts(body: &Map<String, Value>) -> Vec<(&'static str, String)> {
    ["organization", "category", "status", "publication_category", "begin_date"]
        .into_iter()
        .filter_map(|key| {
            let v = body.get(key).filter(|v| !is_blank(v))?;
            Some((validate::schema_title(key).unwrap_or(key), super::csv::cell_text(key, v)))
        })
        .collect()
}

async fn item(State(state): State<AppState>, Path((code, item)): Path<(String, String)>) -> AppResult<Response> {
    let (org, look) = org_by_code(&state, &code).await?;
    let (raw, json) = match item.strip_suffix(".json") {
        Some(id) => (id, true),
        None => (item.as_str(), false),
    };
    let id = Uuid::parse_str(raw).map_err(|_| AppError::NotFound)?;
    let entry = export::public_one(&state.pool, &org, id, &links(&state)).await?.ok_or(AppError::NotFound)?;
    if json {
        let mut body = entry.body.clone();
        // Read-only fields of the standard, as the register itself returns them.
        body.insert("lars".into(), entry.lars.clone().map(Value::String).unwrap_or(Value::Null));
        let mut resp = Json(Value::Object(body)).into_response();
        resp.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        return Ok(resp);
    }
    let text = |k: &str| entry.body.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    render(&ShowPage {
        layout: look.layout(&org, &text("name")),
        name: text("name"),
        description: text("description_short"),
        lars: entry.lars.clone(),
        facts: summary_facts(&entry.body),
        sections: sections(&entry.body),
        org,
        id,
    })
}

/// The uploaded report of a publishable, completed assessment of a public registration.
async fn report(
    State(state): State<AppState>,
    Path((code, id, aid)): Path<(String, Uuid, Uuid)>,
) -> AppResult<Response> {
    let (org, _) = org_by_code(&state, &code).await?;
    let doc: Option<(String, String, Vec<u8>)> = sqlx::query!(
        r#"select d.file_name as "c0!: String", d.media_type as "c1!: String", d.content as "c2!: Vec<u8>"
         from application a
         join assessment s using (application_id) join assessment_document d using (document_id)
         where a.organisation_id = $1 and a.application_id = $2 and s.assessment_id = $3
           and s.publishable and s.status = 'afgerond' and registration_public(a.publish, a.workflow_status)"#,
        org.organisation_id,
        id,
        aid
    )
    .map(|r| (r.c0, r.c1, r.c2))
    .fetch_optional(&state.pool)
    .await?;
    let (name, media_type, content) = doc.ok_or(AppError::NotFound)?;
    crate::web::attachment(&name, &media_type, content)
}
