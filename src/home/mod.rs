//! The start page: the button to ask for a new AI tool, "Mijn taken" (what waits for the user, per kind,
//! oldest first), the user's registrations on their way, and what their roles let them do here.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::register::fields::{WORKFLOW_STATUS, label_of};
use crate::register::search;
use crate::tasks::{self, Task, Who};
use crate::web::layout::Layout;
use crate::web::{dutch_time, format_date, render};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(start))
}

pub struct RoleInfo {
    pub label: &'static str,
    pub description: &'static str,
}

/// One task as the list shows it.
pub struct TaskLine {
    pub title: String,
    pub detail: String,
    pub link: String,
    pub since: String,
}

/// The tasks of one kind, oldest first.
pub struct TaskGroup {
    pub kind: &'static str,
    pub tasks: Vec<TaskLine>,
}

/// A registration of the user's on its way (submitted, in review).
pub struct OnItsWay {
    pub id: uuid::Uuid,
    pub name: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct StartPage {
    pub layout: Layout,
    pub name: String,
    pub org_name: Option<String>,
    pub groups: Vec<TaskGroup>,
    pub on_its_way: Vec<OnItsWay>,
    pub roles: Vec<RoleInfo>,
    pub is_admin: bool,
    pub policy_link: Option<crate::policy::PolicyLink>,
}

fn description(role: Role) -> &'static str {
    match role {
        Role::Medewerker => {
            "Met de knop Nieuwe AI-tool aanvragen vraagt u een tool aan; onder Toegestane AI-tools ziet u welke tools u met welke gegevens mag gebruiken."
        }
        Role::Projectleider => "U vult registraties aan, levert de assessments en houdt uw toepassingen actueel.",
        Role::Ciso => "U beoordeelt ingediende registraties op informatiebeveiliging en besluit erover.",
        Role::Fg => "U adviseert over privacy wanneer persoonsgegevens worden verwerkt.",
        Role::Directie => "U geeft toestemming voor toepassingen met een hoog risico.",
        Role::Beheerder => "U beheert gebruikers, rollen en organisaties.",
    }
}

/// The tasks per kind; the kinds in the order of their oldest task, so what waits longest comes first.
pub fn grouped(tasks: Vec<Task>) -> Vec<TaskGroup> {
    let mut groups: Vec<TaskGroup> = Vec::new();
    for t in tasks {
        let line =
            TaskLine { title: t.title, detail: t.detail, link: t.link, since: format_date(dutch_time(t.since).date()) };
        match groups.iter_mut().find(|g| g.kind == t.kind) {
            Some(g) => g.tasks.push(line),
            None => groups.push(TaskGroup { kind: t.kind, tasks: vec![line] }),
        }
    }
    groups
}

pub async fn start(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let roles = user.roles().iter().map(|r| RoleInfo { label: r.label(), description: description(*r) }).collect();
    let (mut groups, mut on_its_way) = (Vec::new(), Vec::new());
    if let Some(org) = user.organisation_id() {
        // One connection for both reads: holding it while the second asked the pool for another made 32
        // concurrent home pages (a pool of 16) wait for each other until the acquire timeout (3 s, errors).
        let mut conn = state.pool.acquire().await?;
        let who = Who { user_id: user.user_id, organisation_id: org, roles: user.roles() };
        groups = grouped(tasks::for_user(&mut conn, &who).await?);
        on_its_way = search::mine(&mut *conn, org, user.user_id)
            .await?
            .into_iter()
            .filter(|r| matches!(r.workflow_status.as_str(), "ingediend" | "in_beoordeling"))
            .map(|r| OnItsWay {
                id: r.application_id,
                status: label_of(WORKFLOW_STATUS, &r.workflow_status),
                name: r.name,
            })
            .collect();
    }
    render(&StartPage {
        layout: Layout::for_user(&user, "Start", "/"),
        name: user.name.clone(),
        org_name: user.organisation.as_ref().map(|o| o.name.clone()),
        groups,
        on_its_way,
        roles,
        is_admin: user.has_role(Role::Beheerder),
        policy_link: crate::policy::link_for(&state.pool, &user).await?,
    })
}
