//! Requests in the database: reading them (one, the requester's own, the CISO's queue and what was handled,
//! the thread), and every step of their life — save, submit, ask, answer, accept, link, reject — each with the
//! row locked and its version checked (two CISOs triaging at once: one wins, the other gets 409), its audit
//! event and its notifications in the caller's transaction.

use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Action, Answers, RequestStatus, transition};
use crate::audit::{self, Actor, Event};
use crate::error::{AppError, AppResult};
use crate::register::notices::{self, Kind, Note};
use crate::roles::Role;

/// One request as the pages and the API show it.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub requested_by: Option<Uuid>,
    pub requester: String,
    pub tool_name: String,
    pub purpose: Option<String>,
    pub data_classes: Vec<String>,
    pub department: Option<String>,
    pub user_count: Option<String>,
    pub usage: Option<String>,
    pub supplier: Option<String>,
    pub citizens: Option<String>,
    pub status: RequestStatus,
    pub application_id: Option<Uuid>,
    pub application_name: Option<String>,
    pub owner_id: Option<Uuid>,
    pub owner_name: Option<String>,
    pub reason: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<OffsetDateTime>,
    pub submitted_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub version: i32,
}

impl Request {
    /// Who may read a request: the requester, the owner chosen for it, and every CISO of the organisation.
    pub fn readable_by(&self, user: Uuid, ciso: bool) -> bool {
        ciso || self.requested_by == Some(user) || self.owner_id == Some(user)
    }
}

/// Which requests to read.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    One(Uuid),
    /// The requester's own, newest first.
    Mine(Uuid),
    /// Waiting for the CISO or the requester (ingediend, vraag gesteld), oldest submission first.
    Open,
    /// Triaged, most recently decided first.
    Handled,
}

/// Read requests of the organisation (one statement for every list, so they cannot drift apart).
pub async fn list(conn: &mut PgConnection, org: Uuid, which: Which, limit: i64) -> sqlx::Result<Vec<Request>> {
    let (one, mine, statuses, oldest_first): (Option<Uuid>, Option<Uuid>, Option<Vec<String>>, bool) = match which {
        Which::One(id) => (Some(id), None, None, false),
        Which::Mine(user) => (None, Some(user), None, false),
        Which::Open => (None, None, Some(vec!["ingediend".into(), "vraag_gesteld".into()]), true),
        Which::Handled => {
            (None, None, Some(vec!["geaccepteerd".into(), "gekoppeld".into(), "afgewezen".into()]), false)
        }
    };
    let rows = sqlx::query!(
        r#"select r.request_id, r.organisation_id, r.requested_by, coalesce(q.name, 'Onbekend') as "requester!",
                  r.tool_name, r.purpose, r.data_classes, r.department, r.user_count, r.usage, r.supplier, r.citizens,
                  r.status, r.application_id, a.name as "application_name?", r.owner_id, o.name as "owner_name?",
                  r.reason, d.name as "decided_by_name?", r.decided_at, r.submitted_at, r.created_at, r.updated_at,
                  r.version
             from tool_request r
             left join app_user q on q.user_id = r.requested_by
             left join app_user o on o.user_id = r.owner_id
             left join app_user d on d.user_id = r.decided_by
             left join application a on a.application_id = r.application_id
            where r.organisation_id = $1 and ($2::uuid is null or r.request_id = $2)
              and ($3::uuid is null or r.requested_by = $3) and ($4::text[] is null or r.status = any($4))
            order by case when $5 then r.submitted_at end, coalesce(r.decided_at, r.updated_at) desc, r.request_id
            limit $6"#,
        org,
        one,
        mine,
        statuses.as_deref(),
        oldest_first,
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Request {
            id: r.request_id,
            organisation_id: r.organisation_id,
            requested_by: r.requested_by,
            requester: r.requester,
            tool_name: r.tool_name,
            purpose: r.purpose,
            data_classes: r.data_classes,
            department: r.department,
            user_count: r.user_count,
            usage: r.usage,
            supplier: r.supplier,
            citizens: r.citizens,
            status: RequestStatus::parse(&r.status).unwrap_or(RequestStatus::Concept),
            application_id: r.application_id,
            application_name: r.application_name,
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            reason: r.reason,
            decided_by_name: r.decided_by_name,
            decided_at: r.decided_at,
            submitted_at: r.submitted_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
        .collect())
}

pub async fn get(conn: &mut PgConnection, org: Uuid, id: Uuid) -> sqlx::Result<Option<Request>> {
    Ok(list(conn, org, Which::One(id), 1).await?.into_iter().next())
}

/// A question of the CISO or an answer of the requester.
#[derive(Debug, Clone)]
pub struct Message {
    pub kind: String,
    pub author: String,
    pub body: String,
    pub at: OffsetDateTime,
}

pub async fn thread(pool: &PgPool, id: Uuid) -> sqlx::Result<Vec<Message>> {
    sqlx::query_as!(
        Message,
        r#"select m.kind, coalesce(u.name, 'Onbekend') as "author!", m.body, m.created_at as at
             from tool_request_message m left join app_user u on u.user_id = m.author_id
            where m.request_id = $1 order by m.created_at, m.message_id"#,
        id
    )
    .fetch_all(pool)
    .await
}

/// A registration whose name matches what an employee typed, with where it stands and the latest decision's
/// note (the reason of a rejection). The allowed-tools list says what an approved one allows.
#[derive(Debug, Clone)]
pub struct Match {
    pub id: Uuid,
    pub name: String,
    pub status: String,
    pub decision_note: Option<String>,
}

pub async fn matching_registrations(pool: &PgPool, org: Uuid, name: &str) -> sqlx::Result<Vec<Match>> {
    let NameLike { lower, like, squashed, spaceless } = NameLike::of(name);
    sqlx::query_as!(
        Match,
        r#"select a.application_id as id, a.name, a.workflow_status as status,
                  (select d.note from review_decision d where d.application_id = a.application_id
                    order by d.decided_at desc limit 1) as decision_note
             from application a
            where a.organisation_id = $1 and (lower(a.name) like $2 or name_squashed(a.name) like $4)
            order by (lower(a.name) = $3 or name_squashed(a.name) = $5) desc, a.workflow_status = 'buiten_gebruik',
                     lower(a.name)
            limit 10"#,
        org,
        like,
        lower,
        spaceless,
        squashed
    )
    .fetch_all(pool)
    .await
}

/// A tool name looked up (the request look-up, the allowed tools by name) as what the statements compare.
pub struct NameLike {
    /// Trimmed, lower case.
    pub lower: String,
    /// Names that hold it: `%lower%`, LIKE's own characters literal.
    pub like: String,
    /// With only its letters and digits (as the database's `name_squashed`, migration 0064).
    pub squashed: String,
    /// Names that hold it so ("Chat GPT" finds "ChatGPT Team"); under three letters `like` itself, so a short
    /// name finds no more than it did.
    pub spaceless: String,
}

impl NameLike {
    pub fn of(name: &str) -> NameLike {
        let lower = name.trim().to_lowercase();
        let like = format!("%{}%", crate::util::escape_like(&lower));
        let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
        let spaceless = if squashed.chars().count() >= 3 {
            format!("%{}%", crate::util::escape_like(&squashed))
        } else {
            like.clone()
        };
        NameLike { lower, like, squashed, spaceless }
    }
}

/// A request of the reader's own for a tool of (about) the name looked up.
pub struct OwnMatch {
    pub id: Uuid,
    pub tool_name: String,
    pub status: String,
    pub created_at: OffsetDateTime,
}

/// The reader's own requests for a tool whose name holds the name looked up as whole words, or is held in it
/// ("ChatGPT" and "ChatGPT Team", "otter" and "otter.ai"; not "Bard" and "Bardeen", nor a name of fewer than
/// three letters), those still open first, then the newest: so a second request for the same tool is not made
/// unawares. From the requester's index (a person has few requests).
pub async fn own_matching(pool: &PgPool, org: Uuid, user: Uuid, name: &str) -> sqlx::Result<Vec<OwnMatch>> {
    let words = crate::util::fold_words(&name.replace(|c: char| !c.is_alphanumeric(), " "));
    if words.chars().count() < 3 {
        return Ok(Vec::new());
    }
    sqlx::query_as!(
        OwnMatch,
        r#"select r.request_id as "id!", r.tool_name as "tool_name!", r.status as "status!",
                  r.created_at as "created_at!"
             from tool_request r
             cross join lateral (select ' ' || btrim(regexp_replace(lower(r.tool_name), '[^[:alnum:]]+', ' ', 'g'))
                                        || ' ' as w) t
            where r.requested_by = $2 and r.organisation_id = $1
              and char_length(t.w) >= 5 and (strpos(t.w, $3) > 0 or strpos($3, t.w) > 0)
            order by r.status in ('geaccepteerd', 'gekoppeld', 'afgewezen'), r.created_at desc
            limit 3"#,
        org,
        user,
        format!(" {words} ")
    )
    .fetch_all(pool)
    .await
}

/// One registration as the look-up sees it (a request linked to it shows the decision's reason).
pub async fn registration_match(pool: &PgPool, org: Uuid, id: Uuid) -> sqlx::Result<Option<Match>> {
    sqlx::query_as!(
        Match,
        r#"select a.application_id as id, a.name, a.workflow_status as status,
                  (select d.note from review_decision d where d.application_id = a.application_id
                    order by d.decided_at desc limit 1) as decision_note
             from application a
            where a.organisation_id = $1 and a.application_id = $2"#,
        org,
        id
    )
    .fetch_optional(pool)
    .await
}

/// Who takes a step, in which organisation.
pub struct By<'a> {
    pub org: Uuid,
    pub user: Uuid,
    pub actor: &'a Actor,
}

/// The row's state as the audit trail keeps it.
async fn snapshot(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Value> {
    sqlx::query_scalar!(
        r#"select to_jsonb(r.*) - 'updated_at' as "doc!" from tool_request r where request_id = $1"#,
        id
    )
    .fetch_one(&mut *conn)
    .await
}

pub(super) async fn record(
    conn: &mut PgConnection,
    by: &By<'_>,
    action: &str,
    id: Uuid,
    before: Option<Value>,
) -> sqlx::Result<()> {
    let after = snapshot(conn, id).await?;
    audit::record(
        conn,
        Event {
            organisation_id: Some(by.org),
            actor: by.actor,
            action,
            object_type: "tool_request",
            object_id: Some(id),
            before,
            after: Some(after),
        },
    )
    .await?;
    Ok(())
}

/// The start of every step on an existing request: the row locked, the version the user saw checked, the
/// status machine asked. Returns the request as it was and its snapshot.
pub(super) async fn begin(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: Uuid,
    version: i32,
    action: Action,
) -> AppResult<(Request, Value)> {
    let locked: Option<i32> = sqlx::query_scalar!(
        "select version from tool_request where request_id = $1 and organisation_id = $2 for update",
        id,
        by.org
    )
    .fetch_optional(&mut *conn)
    .await?;
    let current = locked.ok_or(AppError::NotFound)?;
    let before = get(conn, by.org, id).await?.ok_or(AppError::NotFound)?;
    let back = format!("/aanvragen/{id}");
    if current != version {
        let message = format!(
            "Deze aanvraag is intussen gewijzigd (door iemand anders of in een ander venster); nu: {}. Bekijk de nieuwe stand voordat u verdergaat.",
            before.status.label_for(before.requested_by == Some(by.user)).to_lowercase()
        );
        return Err(AppError::ConflictBack { message, back });
    }
    transition(before.status, action, before.requested_by == Some(by.user))
        .map_err(|message| AppError::ConflictBack { message, back })?;
    Ok((before, snapshot(conn, id).await?))
}

/// A new request (a concept, or submitted at once); returns its id.
pub async fn create(conn: &mut PgConnection, by: &By<'_>, a: &Answers, submit: bool) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into tool_request (request_id, organisation_id, requested_by, tool_name) values ($1, $2, $3, $4)",
        id,
        by.org,
        by.user,
        a.tool_name
    )
    .execute(&mut *conn)
    .await?;
    write_answers(conn, id, a, submit).await?;
    record(conn, by, if submit { "request.submitted" } else { "request.created" }, id, None).await?;
    if submit {
        announce(conn, by, id, &a.tool_name, "is aangevraagd en wacht op beoordeling.").await?;
    }
    Ok(id)
}

/// The requester saves a concept again, or submits it.
pub async fn save(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: Uuid,
    version: i32,
    a: &Answers,
    submit: bool,
) -> AppResult<()> {
    let action = if submit { Action::Submit } else { Action::Save };
    let (_, before) = begin(conn, by, id, version, action).await?;
    write_answers(conn, id, a, submit).await?;
    record(conn, by, if submit { "request.submitted" } else { "request.saved" }, id, Some(before)).await?;
    if submit {
        announce(conn, by, id, &a.tool_name, "is aangevraagd en wacht op beoordeling.").await?;
    }
    Ok(())
}

async fn write_answers(conn: &mut PgConnection, id: Uuid, a: &Answers, submit: bool) -> sqlx::Result<()> {
    let classes: Vec<String> = a.data_classes.iter().map(|c| c.to_string()).collect();
    sqlx::query!(
        "update tool_request set tool_name = $2, purpose = $3, data_classes = $4, department = $5, user_count = $6,
                usage = $7, supplier = $8, citizens = $9, version = version + 1,
                status = case when $10 then 'ingediend' else status end,
                submitted_at = case when $10 then clock_timestamp() else submitted_at end
          where request_id = $1",
        id,
        a.tool_name,
        a.purpose,
        &classes,
        a.department,
        a.user_count,
        a.usage,
        a.supplier,
        a.citizens,
        submit
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The CISOs hear of a request (submitted, or answered), except whoever caused it.
pub(super) async fn announce(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: Uuid,
    tool: &str,
    what: &str,
) -> sqlx::Result<()> {
    let message = format!("Aanvraag {tool} {what}");
    let link = format!("/aanvragen/{id}");
    let n = Note {
        organisation_id: by.org,
        kind: Kind::RequestSubmitted,
        application_id: None,
        message: &message,
        link: &link,
    };
    notices::send_to_roles(conn, &[Role::Ciso], Some(by.user), &n).await
}

/// Tell the requester about a step of the triage.
pub(super) async fn tell_requester(
    conn: &mut PgConnection,
    by: &By<'_>,
    r: &Request,
    kind: Kind,
    message: &str,
) -> sqlx::Result<()> {
    let message: String = message.chars().take(500).collect();
    let link = format!("/aanvragen/{}", r.id);
    let n = Note { organisation_id: by.org, kind, application_id: None, message: &message, link: &link };
    notices::send(conn, &r.requested_by.into_iter().collect::<Vec<_>>(), Some(by.user), &n).await
}

pub(super) async fn add_message(
    conn: &mut PgConnection,
    id: Uuid,
    author: Uuid,
    kind: &str,
    body: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into tool_request_message (message_id, request_id, author_id, kind, body) values ($1, $2, $3, $4, $5)",
        Uuid::now_v7(),
        id,
        author,
        kind,
        body
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(super) async fn set_status(conn: &mut PgConnection, id: Uuid, status: RequestStatus) -> sqlx::Result<()> {
    sqlx::query!(
        "update tool_request set status = $2, version = version + 1 where request_id = $1",
        id,
        status.as_str()
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
