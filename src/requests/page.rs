//! `/aanvragen/{id}`: the request with its answers, its state and its thread. The requester edits a concept
//! (and submits it) or answers the CISO's question here; the CISO triages on the same page (`triage`).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::forms::{MessageInput, RequestInput};
use super::lookup::{self, Finding};
use super::views::{FormOptions, RequestView, input_of};
use super::{form_step, load};
use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::register::form::FormData;
use crate::register::pick::{self, Among, PickView};
use crate::register::requests::RequestStatus;
use crate::register::requests::store;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{format_datetime, render_status};

pub struct MessageView {
    pub question: bool,
    pub author: String,
    pub body: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "requests/show.html")]
pub struct RequestPage {
    pub layout: Layout,
    pub r: RequestView,
    pub thread: Vec<MessageView>,
    /// The requester may still change and submit it (a concept).
    pub can_edit: bool,
    /// A question waits for the requester's answer.
    pub can_answer: bool,
    /// A CISO who is not the requester, while the request waits for triage.
    pub can_triage: bool,
    /// A CISO looking at their own open request (four-eyes: someone else triages it).
    pub own_request: bool,
    /// The way back is named as the menu names the list: "Aanvragen" for a CISO, "Mijn aanvragen" otherwise.
    pub back: &'static str,
    /// What the linked or created registration allows (the allowed-tools page's view of it).
    pub allowed: Option<Finding>,
    pub errors: FormErrors,
    pub input: FormData,
    pub options: FormOptions,
    pub registration: PickView,
    /// Where the concept's form posts to.
    pub form_action: String,
}

/// The request's page; after refused input, with the errors and the input as typed.
pub(super) async fn request_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    status: StatusCode,
    errors: FormErrors,
    input: Option<FormData>,
) -> AppResult<Response> {
    let (org, r) = load(state, user, id).await?;
    let is_requester = r.requested_by == Some(user.user_id);
    let open = matches!(r.status, RequestStatus::Ingediend | RequestStatus::VraagGesteld);
    let can_triage = user.has_role(Role::Ciso) && !is_requester && open;
    let can_edit = is_requester && r.status == RequestStatus::Concept;
    let input = input.unwrap_or_else(|| if can_edit { input_of(&r) } else { FormData::default() });
    let registration =
        if can_triage { triage_choice(state, org, &r.tool_name, &input).await? } else { Default::default() };
    let allowed = match (r.status, r.application_id) {
        (RequestStatus::Gekoppeld, Some(app)) => lookup::of_registration(state, org, app).await?,
        _ => None,
    };
    let thread = store::thread(&state.pool, id)
        .await?
        .into_iter()
        .map(|m| MessageView {
            question: m.kind == "vraag",
            author: m.author,
            body: m.body,
            when: format_datetime(m.at),
        })
        .collect();
    let title = format!("Aanvraag {}", r.tool_name);
    let page = RequestPage {
        layout: Layout::for_user(user, &title, "/aanvragen").with_errors(!errors.is_empty()),
        can_edit,
        can_answer: is_requester && r.status == RequestStatus::VraagGesteld,
        can_triage,
        own_request: user.has_role(Role::Ciso) && is_requester && open,
        back: if user.has_role(Role::Ciso) { "Aanvragen" } else { "Mijn aanvragen" },
        allowed,
        thread,
        options: FormOptions::of(&input),
        form_action: format!("/aanvragen/{}", r.id),
        r: RequestView::of(&r, user.user_id),
        errors,
        input,
        registration,
    };
    render_status(status, &page)
}

/// The registration field of "Valt onder bestaande registratie": before any input it searches the request's
/// tool name and ticks a registration of exactly that name. (The owner is typed, with suggestions: no list of
/// every member.)
async fn triage_choice(state: &AppState, org: Uuid, tool: &str, input: &FormData) -> AppResult<PickView> {
    let (chosen, typed) = pick::sent(input, "application_id");
    Ok(pick::view(&state.pool, org, Among::Requests, chosen, typed, tool).await?)
}

#[tracing::instrument(skip_all)]
pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    request_page(&state, &user, id, StatusCode::OK, FormErrors::new(), None).await
}

/// The requester saves the concept again or submits it (version-checked: a second window does not overwrite).
#[tracing::instrument(skip_all)]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let (org, _) = load(&state, &user, id).await?;
    form_step(
        &state,
        &user,
        org,
        id,
        &body,
        |i| RequestInput::try_from(i),
        async |conn, by, p: RequestInput| {
            store::save(conn, by, id, p.version, &p.answers, p.submit).await?;
            Ok(Ok(if p.submit {
                "Uw aanvraag is ingediend. De CISO bekijkt hem; u krijgt bericht bij elke stap.".into()
            } else {
                "Uw aanvraag is opgeslagen.".into()
            }))
        },
    )
    .await
}

/// The requester answers the CISO's question; the request returns to the queue.
#[tracing::instrument(skip_all)]
pub async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let (org, _) = load(&state, &user, id).await?;
    form_step(&state, &user, org, id, &body, MessageInput::answer, async |conn, by, a: MessageInput| {
        crate::register::requests::triage::answer(conn, by, id, a.version, &a.text).await?;
        Ok(Ok("Uw antwoord is verstuurd naar de CISO.".into()))
    })
    .await
}
