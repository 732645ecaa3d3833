//! The triage steps of a request and the requester's answer: ask, answer, accept (a concept registration for
//! the chosen owner), link to an existing registration, reject. Each in the caller's transaction, with the row
//! locked and its version checked (`store::begin`), its audit event and its notifications.

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::store::{By, Request, add_message, announce, begin, record, set_status, tell_requester};
use super::{Action, RequestStatus};
use crate::error::{AppError, AppResult};
use crate::register::form::{FormData, Member};
use crate::register::lifecycle::{self, Ctx, Draft};
use crate::register::notices::{self, Kind, Note};

/// The CISO asks the requester a question; the request waits for the answer.
pub async fn ask(conn: &mut PgConnection, by: &By<'_>, id: Uuid, version: i32, question: &str) -> AppResult<()> {
    let (r, before) = begin(conn, by, id, version, Action::Ask).await?;
    add_message(conn, id, by.user, "vraag", question).await?;
    set_status(conn, id, RequestStatus::VraagGesteld).await?;
    record(conn, by, "request.question_asked", id, Some(before)).await?;
    let message = format!("De CISO heeft een vraag over uw aanvraag voor {}: {question}", r.tool_name);
    tell_requester(conn, by, &r, Kind::RequestQuestion, &message).await?;
    Ok(())
}

/// The requester answers; the request returns to the queue.
pub async fn answer(conn: &mut PgConnection, by: &By<'_>, id: Uuid, version: i32, text: &str) -> AppResult<()> {
    let (r, before) = begin(conn, by, id, version, Action::Answer).await?;
    add_message(conn, id, by.user, "antwoord", text).await?;
    set_status(conn, id, RequestStatus::Ingediend).await?;
    record(conn, by, "request.question_answered", id, Some(before)).await?;
    announce(conn, by, id, &r.tool_name, "is aangevuld: de aanvrager heeft de vraag beantwoord.").await?;
    Ok(())
}

/// The closing step of a triage: status, decision and what it points to.
async fn decide(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: Uuid,
    status: RequestStatus,
    application: Option<Uuid>,
    owner: Option<Uuid>,
    reason: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update tool_request set status = $2, application_id = $3, owner_id = $4, reason = $5, decided_by = $6,
                decided_at = clock_timestamp(), version = version + 1
          where request_id = $1",
        id,
        status.as_str(),
        application,
        owner,
        reason,
        by.user
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Accept: a concept registration, prefilled from the request, for the chosen owner (an active member of the
/// organisation); the owner is asked to complete it and the requester told. Returns the registration's id.
pub async fn accept(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: Uuid,
    version: i32,
    owner: Uuid,
    members: &[Member],
) -> AppResult<Uuid> {
    let (r, before) = begin(conn, by, id, version, Action::Accept).await?;
    let active: bool = sqlx::query_scalar!(
        r#"select exists(select 1 from membership m join app_user u using (user_id)
                          where m.user_id = $1 and m.organisation_id = $2 and u.active) as "v!""#,
        owner,
        by.org
    )
    .fetch_one(&mut *conn)
    .await?;
    if !active {
        return Err(AppError::ConflictBack {
            message: "De gekozen eigenaar is geen actieve medewerker van deze organisatie.".into(),
            back: format!("/aanvragen/{id}"),
        });
    }
    let draft = draft_from(&r, owner, members);
    let ctx = Ctx { org: by.org, actor: by.actor };
    let app = lifecycle::create(conn, &ctx, r.requested_by, &draft, false).await?;
    decide(conn, by, id, RequestStatus::Geaccepteerd, Some(app.id), Some(owner), None).await?;
    record(conn, by, "request.accepted", id, Some(before)).await?;
    let owner_name = members.iter().find(|m| m.user_id == owner).map(|m| m.name.as_str()).unwrap_or("de eigenaar");
    let message = format!(
        "Uw aanvraag voor {} is geaccepteerd. {owner_name} vult de registratie aan; daarna beoordeelt de CISO hem.",
        r.tool_name
    );
    tell_requester(conn, by, &r, Kind::RequestDecision, &message).await?;
    let message: String = format!(
        "Vul de registratie aan: {}. De CISO heeft de aanvraag van {} geaccepteerd en u gekozen als eigenaar.",
        r.tool_name, r.requester
    )
    .chars()
    .take(500)
    .collect();
    let link = format!("/register/{}/bewerken", app.id);
    let n = Note {
        organisation_id: by.org,
        kind: Kind::CompleteRegistration,
        application_id: Some(app.id),
        message: &message,
        link: &link,
    };
    notices::send(conn, &[owner], Some(by.user), &n).await?;
    Ok(app.id)
}

/// The registration's fields as the request answers them: name, short description and goal from the purpose,
/// department, supplier (or its link), the data-class matrix (chosen classes under conditions — public
/// information allowed — the rest forbidden), personal data, citizens → external interaction, in use or in
/// development. A value the registration would refuse (too long, say) is left for the owner to fill in.
pub fn draft_from(r: &Request, owner: Uuid, members: &[Member]) -> Draft {
    let mut form = FormData::default();
    form.push("name", r.tool_name.as_str());
    if let Some(p) = &r.purpose {
        let short: String =
            if p.chars().count() > 400 { p.chars().take(399).collect::<String>() + "…" } else { p.clone() };
        form.push("description_short", short);
        form.push("goal", p.as_str());
    }
    form.push("department", r.department.clone().unwrap_or_default());
    match r.supplier.as_deref() {
        Some(s) if s.starts_with("https://") => form.push("website", s),
        Some(s) => form.push("provider", s),
        None => {}
    }
    let chosen = |c: &str| r.data_classes.iter().any(|d| d == c);
    for dc in crate::register::fields::DATA_CLASSES {
        let v = match (chosen(dc.value), dc.value) {
            (true, "dc_openbaar") => "toegestaan",
            (true, _) => "onder_voorwaarden",
            (false, _) => "verboden",
        };
        form.push(dc.value, v);
    }
    let personal = chosen("dc_persoonsgegevens") || chosen("dc_bijzondere");
    form.push("personal_data", if personal { "ja" } else { "nee" });
    if chosen("dc_bijzondere") {
        form.push("special_categories", "ja");
    }
    match r.citizens.as_deref() {
        Some("ja") => form.push("interaction", "extern"),
        Some("nee") => form.push("interaction", "intern"),
        _ => {}
    }
    form.push("status", if r.usage.as_deref() == Some("in_gebruik") { "In gebruik" } else { "In ontwikkeling" });
    let mut draft = match Draft::validate(&form, members) {
        Ok(d) => d,
        Err(errors) => {
            let kept: Vec<(String, String)> =
                form.0.into_iter().filter(|(k, _)| k == "name" || errors.get(k).is_none()).collect();
            Draft::validate(&FormData(kept), members).unwrap_or_else(|_| Draft {
                values: [("name".to_string(), json!(r.tool_name))].into_iter().collect(),
                rasci: Vec::new(),
            })
        }
    };
    draft.values.insert("owner_id".into(), json!(owner));
    draft
}

/// "Valt onder bestaande registratie": the request points to it, and the requester is told what it allows
/// or why it is forbidden (`allows`, as the allowed-tools page says it; the request's page shows the same).
pub async fn link(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: Uuid,
    version: i32,
    application: Uuid,
    note: Option<&str>,
    allows: &str,
) -> AppResult<()> {
    let (r, before) = begin(conn, by, id, version, Action::Link).await?;
    let name: Option<String> = sqlx::query_scalar!(
        "select name from application where application_id = $1 and organisation_id = $2",
        application,
        by.org
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(name) = name else {
        return Err(AppError::ConflictBack {
            message: "De gekozen registratie bestaat niet (meer) in deze organisatie.".into(),
            back: format!("/aanvragen/{id}"),
        });
    };
    decide(conn, by, id, RequestStatus::Gekoppeld, Some(application), None, note).await?;
    record(conn, by, "request.linked", id, Some(before)).await?;
    let extra = note.map(|n| format!(" Toelichting van de CISO: {n}")).unwrap_or_default();
    let message =
        format!("Uw aanvraag voor {} valt onder de bestaande registratie {name}.{extra} {allows}", r.tool_name);
    tell_requester(conn, by, &r, Kind::RequestDecision, &message).await?;
    Ok(())
}

/// Reject, with the reason the requester reads.
pub async fn reject(conn: &mut PgConnection, by: &By<'_>, id: Uuid, version: i32, reason: &str) -> AppResult<()> {
    let (r, before) = begin(conn, by, id, version, Action::Reject).await?;
    decide(conn, by, id, RequestStatus::Afgewezen, None, None, Some(reason)).await?;
    record(conn, by, "request.rejected", id, Some(before)).await?;
    let message = format!("Uw aanvraag voor {} is afgewezen: {reason}", r.tool_name);
    tell_requester(conn, by, &r, Kind::RequestDecision, &message).await?;
    Ok(())
}
