//! The start page: who you are, where you work, and what your roles let you do here.

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::web::layout::Layout;
use crate::web::render;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(start))
}

pub struct RoleInfo {
    pub label: &'static str,
    pub description: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct StartPage {
    pub layout: Layout,
    pub name: String,
    pub org_name: Option<String>,
    pub roles: Vec<RoleInfo>,
    pub is_admin: bool,
}

fn description(role: Role) -> &'static str {
    match role {
        Role::Medewerker => {
            "U kunt nieuwe AI-toepassingen aanmelden en opzoeken welke AI-tools u met welke gegevens mag gebruiken."
        }
        Role::Projectleider => {
            "U bent eigenaar van toepassingen: u vult de registratie aan, levert de assessments en houdt alles actueel."
        }
        Role::Ciso => "U beoordeelt aangemelde toepassingen op informatiebeveiliging en besluit over goedkeuring.",
        Role::Fg => "U adviseert over privacy wanneer persoonsgegevens worden verwerkt, en over DPIA's.",
        Role::Directie => "U geeft de schriftelijke toestemming voor toepassingen met een hoog risico.",
        Role::Beheerder => "U beheert gebruikers, rollen en organisaties.",
    }
}

pub async fn start(user: CurrentUser) -> AppResult<Response> {
    let roles = user.roles().iter().map(|r| RoleInfo { label: r.label(), description: description(*r) }).collect();
    render(&StartPage {
        layout: Layout::for_user(&user, "Start", "/"),
        name: user.name.clone(),
        org_name: user.organisation.as_ref().map(|o| o.name.clone()),
        roles,
        is_admin: user.has_role(Role::Beheerder),
    })
}
