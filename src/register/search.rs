//! Finding registrations: the duplicate check ("bestaat deze tool al?"), the register's search with its
//! filters and sorting, and "Mijn toepassingen". Full-text search uses PostgreSQL's `tsvector` with a prefix
//! query built from the words typed, never from query syntax.

use sqlx::{PgPool, Postgres, QueryBuilder};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::fields::Opt;
use super::form::is_month;

/// Registrations with a name like `name` ("bestaat deze tool al?").
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Similar {
    pub application_id: Uuid,
    pub name: String,
    pub workflow_status: String,
    pub provider: Option<String>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn similar(
    pool: &PgPool,
    organisation_id: Uuid,
    name: &str,
    except: Option<Uuid>,
) -> sqlx::Result<Vec<Similar>> {
    let name = name.trim().to_lowercase();
    if name.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as!(
        Similar,
        r#"select application_id as "application_id!", name as "name!", workflow_status as "workflow_status!",
                  provider as "provider?"
           from application
           where organisation_id = $1 and application_id is distinct from $3
             and (lower(name) % $2 or strpos(lower(name), $2) > 0 or strpos($2, lower(name)) > 0)
           order by similarity(lower(name), $2) desc, name limit 5"#,
        organisation_id,
        &name,
        except
    )
    .fetch_all(pool)
    .await
}

/// The register's filters beyond the field catalogue, as the list offers them and the dashboard links to them.
pub const EVALUATION_FILTER: &[Opt] = &[
    Opt { value: "verlopen", label: "Evaluatie verlopen" },
    Opt { value: "binnenkort", label: "Binnen 30 dagen" },
    Opt { value: "later", label: "Later gepland" },
    Opt { value: "geen", label: "Niet gepland" },
];
pub const ASSESSMENT_FILTER: &[Opt] = &[
    Opt { value: "dpia_ontbreekt", label: "DPIA verplicht, ontbreekt" },
    Opt { value: "dpia_gedaan", label: "DPIA verplicht, afgerond" },
    Opt { value: "iama_ontbreekt", label: "IAMA verplicht, ontbreekt" },
    Opt { value: "iama_gedaan", label: "IAMA verplicht, afgerond" },
];
pub const INCIDENT_FILTER: &[Opt] = &[
    Opt { value: "open", label: "Met een open incident" },
    Opt { value: "kritiek", label: "Zwaarste open incident: kritiek" },
    Opt { value: "hoog", label: "Zwaarste open incident: hoog" },
    Opt { value: "middel", label: "Zwaarste open incident: middel" },
    Opt { value: "laag", label: "Zwaarste open incident: laag" },
];

/// The register's filters, as read from the query string.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListFilter {
    pub q: String,
    pub status: String,
    pub risico: String,
    pub ai_act: String,
    pub afdeling: String,
    pub gebruik: String,
    pub persoonsgegevens: String,
    pub evaluatie: String,
    /// Required assessment done or missing (`dpia_ontbreekt`, `dpia_gedaan`, `iama_ontbreekt`, `iama_gedaan`).
    pub toets: String,
    /// An open incident (`open`), or the worst open incident's severity (`kritiek`, `hoog`, `middel`, `laag`).
    pub incident: String,
    /// Registered in this month (`jjjj-mm`, Dutch time).
    pub maand: String,
    pub sorteer: String,
    pub pagina: Option<u32>,
}

impl ListFilter {
    /// No filter but the status (or none): the count comes from the status counters.
    fn only_status(&self) -> bool {
        [
            &self.q,
            &self.risico,
            &self.ai_act,
            &self.afdeling,
            &self.gebruik,
            &self.persoonsgegevens,
            &self.evaluatie,
            &self.toets,
            &self.incident,
            &self.maand,
        ]
        .iter()
        .all(|v| v.is_empty())
    }
}

pub const PAGE_SIZE: i64 = 25;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListRow {
    pub application_id: Uuid,
    pub name: String,
    pub description_short: String,
    pub provider: Option<String>,
    pub workflow_status: String,
    pub risk_level: Option<String>,
    pub ai_act_risk_group: Option<String>,
    pub department: Option<String>,
    pub next_evaluation: Option<Date>,
    pub updated_at: OffsetDateTime,
    pub suspension_reason: Option<String>,
    pub total: i64,
}

/// The search as a tsquery: Dutch stems or the unstemmed prefix. A scalar subquery, so PostgreSQL computes it
/// once per query (an InitPlan): as a plain expression, a prepared statement's generic plan would parse the
/// query again for every row it checks (measured: 7.5 ms instead of 2.9 ms for a broad search). When the stem
/// is the word itself ("chatbot", "copilot") the query has it once: the text index then walks each prefix's
/// entries once instead of twice (at 100,000 registrations 8.6 → 6.4 ms for "chatbot" with a risk filter).
pub fn push_tsquery<'a>(b: &mut QueryBuilder<'a, Postgres>, q: &'a str) {
    b.push("(select case when d = s then d else d || s end from (select to_tsquery('dutch', ")
        .push_bind(q)
        .push(") as d, to_tsquery('simple', ")
        .push_bind(q)
        .push(") as s) t)");
}

/// ` limit n offset m` as numbers in the statement, not parameters: with a parameter, the plan PostgreSQL
/// keeps for a prepared statement assumes a tenth of all rows is wanted, and chose a parallel scan with a full
/// sort (the allowed-tools page at 100,000 registrations: 13.8 ms against 0.9 ms for the same statement with
/// the numbers in it) or planned the statement anew on every request. Only numbers we computed reach it.
pub fn push_page(b: &mut QueryBuilder<'_, Postgres>, limit: i64, offset: i64) {
    b.push(format!(" limit {limit} offset {offset}"));
}

/// Search words → a prefix query over the Dutch configuration ("chatg" finds ChatGPT). Only letters, digits
/// and (in numbers) a dot or a leading minus reach the query syntax. PostgreSQL's parser keeps a number after a
/// dash as a signed number ("GPT-4" is indexed as `gpt` and `-4`) and a version as one token (`3.1`), so a
/// number is also looked up with a minus, and digits with dots stay one word.
pub fn ts_query(q: &str) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in q.split(|c: char| !(c.is_alphanumeric() || c == '.')) {
        let word = word.trim_matches('.');
        let is_version =
            word.contains('.') && word.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let parts: Vec<&str> = if is_version { vec![word] } else { word.split('.').collect() };
        for t in parts.into_iter().filter(|t| !t.is_empty()) {
            let t = t.to_lowercase();
            terms.push(if t.bytes().all(|b| b.is_ascii_digit()) {
                format!("({t}:* | -{t}:*)")
            } else {
                format!("{t}:*")
            });
        }
    }
    terms.truncate(8);
    if terms.is_empty() { None } else { Some(terms.join(" & ")) }
}

/// ` from <table> where …` with the list's filters. With a search the table is `application_search`, the narrow
/// copy (migration 0011) with the same filter columns; otherwise `application`.
fn push_filters<'a>(
    b: &mut QueryBuilder<'a, Postgres>,
    organisation_id: Uuid,
    f: &'a ListFilter,
    tsq: &'a Option<String>,
) {
    let table = if tsq.is_some() { "application_search" } else { "application" };
    b.push(format!(" from {table} where organisation_id = ")).push_bind(organisation_id);
    if let Some(q) = tsq {
        // Dutch stems find inflections ("vertalingen" → "vertaling"); the unstemmed prefix finds what the
        // stemmer cuts differently ("vertaal" → "vertal" would miss "vertaalhulp").
        b.push(" and search @@ ");
        push_tsquery(b, q.as_str());
    }
    let eq = |b: &mut QueryBuilder<'a, Postgres>, col: &str, v: &'a str| {
        if !v.is_empty() {
            b.push(format!(" and {col} = ")).push_bind(v);
        }
    };
    eq(b, "workflow_status", &f.status);
    match f.ai_act.as_str() {
        "" => {}
        "onbekend" => {
            b.push(" and ai_act_risk_group is null");
        }
        v => {
            b.push(" and ai_act_risk_group = ").push_bind(v);
        }
    }
    eq(b, "department", &f.afdeling);
    eq(b, "use_category", &f.gebruik);
    match f.risico.as_str() {
        "" => {}
        "onbekend" => {
            b.push(" and risk_level is null");
        }
        v => {
            b.push(" and risk_level = ").push_bind(v);
        }
    }
    match f.persoonsgegevens.as_str() {
        "ja" => {
            b.push(" and personal_data");
        }
        "nee" => {
            b.push(" and personal_data = false");
        }
        _ => {}
    }
    let evaluation = match f.evaluatie.as_str() {
        "verlopen" => Some("next_evaluation < current_date"),
        "binnenkort" => Some("next_evaluation between current_date and current_date + 30"),
        "later" => Some("next_evaluation > current_date + 30"),
        "geen" => Some("next_evaluation is null"),
        _ => None,
    };
    if let Some(cond) = evaluation {
        b.push(format!(" and {cond} and registration_in_force(application_id, workflow_status)"));
    }
    push_follow_up_filters(b, organisation_id, f);
}

/// The filters on what follows a registration: assessments done or missing, open incidents, month created.
fn push_follow_up_filters<'a>(b: &mut QueryBuilder<'a, Postgres>, organisation_id: Uuid, f: &'a ListFilter) {
    // The assessment filters, with the database's own conditions over the organisation's active registrations
    // as a set (migration 0054; the same set the dashboard counts). `group by` keeps the set one piece: PostgreSQL
    // otherwise inlined the function into a nested loop that built it again for each registration it checked
    // (10,000 registrations: 92 ms instead of 22 ms for a page).
    let assessment = match f.toets.as_str() {
        "dpia_ontbreekt" => Some("dpia and not dpia_done"),
        "dpia_gedaan" => Some("dpia and dpia_done"),
        "iama_ontbreekt" => Some("iama and not iama_done"),
        "iama_gedaan" => Some("iama and iama_done"),
        _ => None,
    };
    if let Some(condition) = assessment {
        b.push(" and application_id in (select application_id from registration_assessments(")
            .push_bind(organisation_id)
            .push(format!(") where {condition} group by application_id)"));
    }
    match f.incident.as_str() {
        "open" => {
            b.push(" and application_id in (select application_id from incident where status <> 'afgehandeld')");
        }
        sev @ ("kritiek" | "hoog" | "middel" | "laag") => {
            b.push(format!(
                " and application_id in (select application_id from incident where status <> 'afgehandeld'
                   group by application_id having min(incident_severity_rank(severity)) = {})",
                ["kritiek", "hoog", "middel", "laag"].iter().position(|s| *s == sev).unwrap_or(3)
            ));
        }
        _ => {}
    }
    if is_month(&f.maand) {
        b.push(" and to_char(created_at at time zone 'Europe/Amsterdam', 'YYYY-MM') = ").push_bind(f.maand.as_str());
    }
}

const LIST_COLUMNS: &str = "application_id, name, description_short, provider, workflow_status, risk_level,
    ai_act_risk_group, department, next_evaluation, updated_at, suspension_reason";

/// How many matches of a search are counted and can be paged through (40 pages of 25). A search matching more
/// says so ("meer dan 1.000") and asks to be refined: beyond this, counting and ranking every match made the
/// page's cost grow with the register (at 100,000 registrations a broad search ranked 6,667 matches).
pub const SEARCH_CAP: i64 = 1_000;

/// One page of the register and how many registrations match.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub rows: Vec<ListRow>,
    /// The number of matches; with a search at most [`SEARCH_CAP`].
    pub total: i64,
    /// A search matched more than [`SEARCH_CAP`]: `total` is the cap, not the count.
    pub capped: bool,
}

impl Listing {
    /// A page of a search whose matches were counted up to one past the cap.
    fn searched(rows: Vec<ListRow>, counted: i64) -> Listing {
        let (total, capped) = cap(counted);
        Listing { rows, total, capped }
    }

    /// The number of pages that can be shown.
    pub fn pages(&self) -> i64 {
        ((self.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
    }
}

/// A search's count as shown, from one counted up to one past the cap: (total, more than the cap).
pub fn cap(counted: i64) -> (i64, bool) {
    (counted.min(SEARCH_CAP), counted > SEARCH_CAP)
}

/// The statement that counts a search's matches up to one past the cap opens with this, followed by the
/// matches' `from … where …`, and [`close_capped_count`] ends it.
pub const CAPPED_COUNT: &str = "select count(*) from (select 1";

pub fn close_capped_count(b: &mut QueryBuilder<'_, Postgres>) {
    push_page(b, SEARCH_CAP + 1, 0);
    b.push(") c");
}

/// The same count as a column of a page's statement, over the matches collected as `matches`.
pub fn capped_total(matches: &str) -> String {
    format!("(select count(*) from (select 1 from {matches} limit {}) c) as total", SEARCH_CAP + 1)
}

/// One page of the register and the total count.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(pool: &PgPool, organisation_id: Uuid, f: &ListFilter) -> sqlx::Result<Listing> {
    let tsq = ts_query(&f.q);
    let page = i64::from(f.pagina.unwrap_or(1).clamp(1, 100_000));
    let Some(q) = &tsq else {
        // Without a search the page comes straight from the (organisation, updated_at) index and a separate
        // query counts.
        let mut b = QueryBuilder::new(format!("select {LIST_COLUMNS}, 0::bigint as total"));
        push_filters(&mut b, organisation_id, f, &tsq);
        b.push(" order by ");
        b.push(match f.sorteer.as_str() {
            "naam" => "lower(name), application_id",
            "risico" => "case risk_level when 'hoog' then 0 when 'middel' then 1 when 'laag' then 2 else 3 end, lower(name), application_id",
            "evaluatie" => "next_evaluation nulls last, lower(name), application_id",
            _ => "updated_at desc, application_id",
        });
        push_page(&mut b, PAGE_SIZE, (page - 1) * PAGE_SIZE);
        let rows: Vec<ListRow> = b.build_query_as().fetch_all(pool).await?;
        let total = if f.only_status() {
            status_total(pool, organisation_id, &f.status).await?
        } else {
            let mut c = QueryBuilder::new("select count(*)");
            push_filters(&mut c, organisation_id, f, &tsq);
            c.build_query_scalar().fetch_one(pool).await?
        };
        return Ok(Listing { rows, total, capped: false });
    };
    // With a search, the matches are collected once as narrow rows (id and sort keys) and only the page's rows
    // are read in full. At most SEARCH_CAP + 1 are counted, and a page past the cap is empty.
    if page > SEARCH_CAP / PAGE_SIZE {
        return Ok(Listing::searched(Vec::new(), capped_count(pool, organisation_id, f, &tsq).await?));
    }
    // The best match first: ranking needs every candidate's text vector, so only the first SEARCH_CAP + 1
    // matches the index hands over are ranked — with more, the page says so and asks for a narrower search.
    // The other orders are exact over every match: their keys are in the narrow row and cost no ranking.
    // Short names (n, rl, ne, u, r) so the keys read the same in `top` and after the join with `application`.
    let (keys, relevance) = match f.sorteer.as_str() {
        "naam" => ("n, application_id", false),
        "risico" => {
            ("case rl when 'hoog' then 0 when 'middel' then 1 when 'laag' then 2 else 3 end, n, application_id", false)
        }
        "evaluatie" => ("ne nulls last, n, application_id", false),
        "gewijzigd" => ("u desc, application_id", false),
        _ => ("r desc, n, application_id", true),
    };
    let mut b = QueryBuilder::new("with m as materialized (select application_id, name_lower as n, risk_level as rl, ");
    b.push("next_evaluation as ne, updated_at as u");
    if relevance {
        b.push(", ts_rank(search, ");
        push_tsquery(&mut b, q.as_str());
        b.push(") as r");
    }
    push_filters(&mut b, organisation_id, f, &tsq);
    if relevance {
        push_page(&mut b, SEARCH_CAP + 1, 0);
    }
    // The page is a bounded (top-N) sort of the narrow rows, sorted again after the join (25 rows); a
    // row_number() over all matches would sort every match in full.
    b.push(format!("), top as (select * from m order by {keys}"));
    push_page(&mut b, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    b.push(format!(
        ") select {}, {} from top join application a using (application_id) order by {keys}",
        LIST_COLUMNS.split(',').map(|c| format!("a.{}", c.trim())).collect::<Vec<_>>().join(", "),
        capped_total("m")
    ));
    let rows: Vec<ListRow> = b.build_query_as().fetch_all(pool).await?;
    let total = match rows.first() {
        Some(r) => r.total,
        None if page == 1 => 0,
        None => capped_count(pool, organisation_id, f, &tsq).await?,
    };
    Ok(Listing::searched(rows, total))
}

/// How many registrations the organisation has, in one status or in all, from the counters a trigger keeps
/// (migration 0051): counting them was most of the register's cost at 100,000 registrations.
async fn status_total(pool: &PgPool, organisation_id: Uuid, status: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select coalesce(sum(registrations), 0)::bigint as "total!" from registration_status_count
           where organisation_id = $1 and ($2 = '' or workflow_status = $2)"#,
        organisation_id,
        status
    )
    .fetch_one(pool)
    .await
}

/// The matches of a search, counted up to one past the cap.
async fn capped_count(pool: &PgPool, organisation_id: Uuid, f: &ListFilter, tsq: &Option<String>) -> sqlx::Result<i64> {
    let mut c = QueryBuilder::new(CAPPED_COUNT);
    push_filters(&mut c, organisation_id, f, tsq);
    close_capped_count(&mut c);
    c.build_query_scalar().fetch_one(pool).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn departments(pool: &PgPool, organisation_id: Uuid) -> sqlx::Result<Vec<String>> {
    // A loose index scan: one index probe per distinct value instead of reading every row.
    sqlx::query_scalar!(
        r#"with recursive d(department) as (
               (select department from application where organisation_id = $1 and department is not null
                order by department limit 1)
               union all
               select (select a.department from application a
                       where a.organisation_id = $1 and a.department > d.department order by a.department limit 1)
               from d where d.department is not null)
           select department as "department!" from d where department is not null"#,
        organisation_id
    )
    .fetch_all(pool)
    .await
}

/// What a person is Responsible or Accountable for (or owns).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MineRow {
    pub application_id: Uuid,
    pub name: String,
    pub workflow_status: String,
    pub risk_level: Option<String>,
    pub next_evaluation: Option<Date>,
    pub suspension_reason: Option<String>,
    pub letters: String,
}

/// The registrations the user owns or is Responsible or Accountable for. The candidates come from the indexes on
/// the owner and on the RASCI person: asked of every registration of the organisation, the home page's list cost
/// 22 ms at 10,000 registrations for someone with none.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mine(db: impl sqlx::PgExecutor<'_>, organisation_id: Uuid, user_id: Uuid) -> sqlx::Result<Vec<MineRow>> {
    sqlx::query_as!(
        MineRow,
        r#"select a.application_id as "application_id!", a.name as "name!", a.workflow_status as "workflow_status!",
                  a.risk_level as "risk_level?", a.next_evaluation as "next_evaluation?",
                  a.suspension_reason as "suspension_reason?",
                  concat_ws(', ',
                      case when a.owner_id = $2 then 'eigenaar' end,
                      case when bool_or(r.letter = 'R') then 'Responsible' end,
                      case when bool_or(r.letter = 'A') then 'Accountable' end) as "letters!"
           from application a
           left join rasci_assignment r
             on r.application_id = a.application_id and r.user_id = $2 and r.letter in ('R', 'A')
           where a.organisation_id = $1
             and a.application_id in (select o.application_id from application o where o.owner_id = $2
                                      union select ra.application_id from rasci_assignment ra
                                             where ra.user_id = $2 and ra.letter in ('R', 'A'))
           group by a.application_id
           order by lower(a.name)"#,
        organisation_id,
        user_id
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::ts_query;

    #[test]
    fn search_words_become_a_safe_prefix_query() {
        assert_eq!(ts_query("ChatG").as_deref(), Some("chatg:*"));
        assert_eq!(ts_query("GPT-4").as_deref(), Some("gpt:* & (4:* | -4:*)"));
        assert_eq!(ts_query("model 3.1").as_deref(), Some("model:* & 3.1:*"));
        assert_eq!(ts_query("tool 2024-11").as_deref(), Some("tool:* & (2024:* | -2024:*) & (11:* | -11:*)"));
        assert_eq!(ts_query("a.b").as_deref(), Some("a:* & b:*"), "a dot between words separates them");
        assert_eq!(ts_query("x' | !(y) & z:*").as_deref(), Some("x:* & y:* & z:*"), "no query syntax gets through");
        assert_eq!(ts_query(" .. - "), None);
    }
}
