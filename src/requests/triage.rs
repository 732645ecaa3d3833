//! The CISO's triage of a request: accept (with an owner chosen or invited), link it to an existing
//! registration, ask the requester a question, or reject it with a reason. Only a CISO, never on their own
//! request; each step checks the version the CISO saw, so of two CISOs deciding at once one wins and the
//! other gets the conflict page.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::PgConnection;
use uuid::Uuid;

use super::forms::{AcceptInput, LinkInput, MessageInput, Owner, RejectInput};
use super::{Outcome, form_step, lookup};
use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::auth::users::{self, CreateUserError};
use crate::error::{AppError, AppResult};
use crate::register::form::{FormData, Member};
use crate::register::notices::{self, Mail};
use crate::register::people;
use crate::register::pick::{self, Among, NotPicked};
use crate::register::requests::store::By;
use crate::register::requests::triage as steps;
use crate::web::forms::FormErrors;

/// A triage step: only a CISO (`form_step` reads the form, runs the step in a transaction and says what
/// happened on the request's page).
async fn triage<T>(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    body: &Bytes,
    parse: impl FnOnce(&FormData) -> Result<T, FormErrors>,
    run: impl AsyncFnOnce(&mut PgConnection, &By<'_>, T) -> AppResult<Outcome>,
) -> AppResult<Response> {
    let org = user.require(Role::Ciso, "triage_request")?;
    form_step(state, user, org, id, body, parse, run).await
}

#[tracing::instrument(skip_all)]
pub async fn ask(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    triage(&state, &user, id, &body, MessageInput::question, async |conn, by, q: MessageInput| {
        steps::ask(conn, by, id, q.version, &q.text).await?;
        Ok(Ok(
            "Uw vraag is naar de aanvrager gestuurd. De aanvraag komt terug in de wachtrij zodra die antwoordt.".into()
        ))
    })
    .await
}

#[tracing::instrument(skip_all)]
pub async fn reject(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    triage(
        &state,
        &user,
        id,
        &body,
        |i| RejectInput::try_from(i),
        async |conn, by, r: RejectInput| {
            steps::reject(conn, by, id, r.version, &r.reason).await?;
            Ok(Ok("De aanvraag is afgewezen; de aanvrager krijgt de reden te zien.".into()))
        },
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn link(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let input = FormData::parse(&body);
    if pick::searching(&input, "application_id") {
        // "Zoeken" (without JavaScript): the registrations that fit the text, nothing done yet.
        user.require(Role::Ciso, "triage_request")?;
        return super::page::request_page(&state, &user, id, StatusCode::OK, FormErrors::new(), Some(input)).await;
    }
    triage(
        &state,
        &user,
        id,
        &body,
        |i| LinkInput::try_from(i),
        async |conn, by, l: LinkInput| {
            let application = match pick::resolve(&state.pool, by.org, Among::Requests, &l.chosen, &l.typed).await? {
                Ok(Some(application)) => application,
                other => {
                    // LinkInput asks for a choice or a text, so "none" does not come back from resolve.
                    let why = other.err().unwrap_or(NotPicked::Nobody);
                    let mut errors = FormErrors::new();
                    errors.add("application_id", why.message("Registratie", &l.typed));
                    return Ok(Err(errors));
                }
            };
            let allows = lookup::told(lookup::of_registration(&state, by.org, application).await?.as_ref());
            steps::link(conn, by, id, l.version, application, l.note.as_deref(), &allows).await?;
            Ok(Ok("De aanvraag valt onder de bestaande registratie; de aanvrager ziet wat daarvoor geldt.".into()))
        },
    )
    .await
}

/// Accept: the owner chosen, or invited (an account with an activation link, in the same transaction), and
/// a concept registration for them.
#[tracing::instrument(skip_all)]
pub async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    triage(&state, &user, id, &body, |i| AcceptInput::try_from(i), async |conn, by, a: AcceptInput| {
        // The members the typed owner can name, not every member of the organisation.
        let typed: Vec<&str> = match &a.owner {
            Owner::Member(typed) => vec![typed.as_str()],
            Owner::Invite { .. } => Vec::new(),
        };
        let mut members = people::candidates(&state.pool, by.org, &typed).await?;
        let (owner, invited) = match a.owner {
            Owner::Member(typed) => match people::resolve_active(&typed, &members) {
                Ok(m) => (m.user_id, None),
                Err(why) => {
                    let mut errors = FormErrors::new();
                    errors.add("owner_id", why.message("Eigenaar", &typed));
                    return Ok(Err(errors));
                }
            },
            Owner::Invite { name, email } => match invite(conn, by.org, &user, &name, &email).await? {
                Ok((owner, note)) => {
                    members.push(Member { user_id: owner, name, email, active: true });
                    (owner, Some(note))
                }
                Err(message) => {
                    let mut errors = FormErrors::new();
                    errors.add("invite_email", message);
                    return Ok(Err(errors));
                }
            },
        };
        let app = steps::accept(conn, by, id, a.version, owner, &members).await?;
        tracing::info!(event = "request_accepted", actor = %user.user_id, request_id = %id, application_id = %app, "tool request accepted");
        Ok(Ok(format!(
            "De aanvraag is geaccepteerd. De eigenaar vult de conceptregistratie aan.{}",
            invited.map(|note| format!(" {note}")).unwrap_or_default()
        )))
    })
    .await
}

/// A new owner invited by the CISO: an account with the roles medewerker and projectleider and an activation
/// link by e-mail (as an administrator's new user gets). An existing account of another organisation joins
/// this one; a member already here is to be chosen from the list instead. Returns the user and what the
/// CISO is told about the account, or the message for the e-mail field.
async fn invite(
    conn: &mut PgConnection,
    org: Uuid,
    by: &CurrentUser,
    name: &str,
    email: &str,
) -> AppResult<Result<(Uuid, String), String>> {
    let roles = [Role::Medewerker, Role::Projectleider];
    // Looked up first: a failed insert would end the transaction the acceptance still needs.
    let existing: Option<Uuid> =
        sqlx::query_scalar!("select user_id from app_user where email = $1", email).fetch_optional(&mut *conn).await?;
    if let Some(existing) = existing {
        let member: bool = sqlx::query_scalar!(
            r#"select exists(select 1 from membership where user_id = $1 and organisation_id = $2) as "v!""#,
            existing,
            org
        )
        .fetch_one(&mut *conn)
        .await?;
        if member {
            return Ok(Err(
                "Deze persoon heeft al een account in deze organisatie: kies hem of haar in de lijst.".into()
            ));
        }
        users::set_roles(conn, existing, org, &roles).await?;
        return Ok(Ok((existing, format!("Het bestaande account {email} is toegevoegd aan deze organisatie."))));
    }
    let new_id = match users::create_user(conn, email, name, None).await {
        Ok(id) => id,
        Err(CreateUserError::EmailTaken) => {
            return Err(AppError::Conflict(
                "Er is zojuist een account met dit e-mailadres gemaakt. Probeer het opnieuw.".into(),
            ));
        }
        Err(CreateUserError::Db(e)) => return Err(AppError::from(e)),
    };
    users::set_roles(conn, new_id, org, &roles).await?;
    let token = users::issue_activation_token(conn, new_id).await?;
    let body = format!(
        "{} heeft u gekozen als eigenaar van een aanvraag voor een AI-tool in AI-register en daarvoor een account klaargezet. Kies met de link hieronder uw wachtwoord; de link werkt één keer en is {} dagen geldig. Daarna vindt u de registratie om aan te vullen onder Mijn toepassingen.",
        by.name,
        users::ACTIVATION_DAYS
    );
    let link = format!("/activeren/{token}");
    let mail = Mail {
        organisation_id: org,
        user_id: new_id,
        kind: "activering",
        subject: "Activeer uw account voor AI-register",
        body: &body,
        link: &link,
    };
    let mailed = notices::email(conn, &mail).await?;
    tracing::info!(event = "user_created", actor = %by.user_id, user_id = %new_id, organisation_id = %org, roles = ?roles, "owner invited from a tool request");
    let note = if mailed {
        format!("{name} heeft een account gekregen; de activeringslink is per e-mail verstuurd.")
    } else {
        format!(
            "{name} heeft een account gekregen, maar e-mail staat uit: laat de beheerder een activeringslink geven (Beheer → Gebruikers)."
        )
    };
    Ok(Ok((new_id, note)))
}
