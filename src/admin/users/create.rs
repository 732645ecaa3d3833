//! Adding a member: a new account with an activation link, or an existing account (of another organisation)
//! joining this one; and a fresh activation link for someone who has not chosen a password yet.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::{RoleOption, field, member, record_roles, role_options, roles_from_pairs};
use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::auth::users::{self, CreateUserError};
use crate::error::{AppError, AppResult};
use crate::register::notices::{self, Mail};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{render, render_status};

#[derive(Template)]
#[template(path = "admin/user_new.html")]
pub struct NewUserPage {
    pub layout: Layout,
    pub email: String,
    /// Not `name`: a form macro's parameter of that name would hide it in the template.
    pub person_name: String,
    pub roles: Vec<RoleOption>,
    pub errors: FormErrors,
}

pub async fn new_form(user: CurrentUser) -> AppResult<Response> {
    user.require(Role::Beheerder, "add_user")?;
    render(&NewUserPage {
        layout: Layout::for_user(&user, "Gebruiker toevoegen", "/beheer/gebruikers"),
        email: String::new(),
        person_name: String::new(),
        roles: role_options(&[Role::Medewerker]),
        errors: FormErrors::new(),
    })
}

#[derive(Template)]
#[template(path = "admin/user_created.html")]
pub struct UserCreatedPage {
    pub layout: Layout,
    pub name: String,
    pub email: String,
    pub link: String,
    pub days: i32,
    /// The link was also sent by e-mail (e-mail is on).
    pub mailed: bool,
}

/// The activation link by e-mail too, in the transaction that issues it (when e-mail is on).
async fn mail_link(
    conn: &mut sqlx::PgConnection,
    org: Uuid,
    by: &CurrentUser,
    to: Uuid,
    token: &str,
) -> sqlx::Result<bool> {
    let body = format!(
        "{} heeft een account voor u klaargezet in AI-register. Kies met de link hieronder uw wachtwoord; de link werkt één keer en is {} dagen geldig.",
        by.name,
        users::ACTIVATION_DAYS
    );
    let link = format!("/activeren/{token}");
    let mail = Mail {
        organisation_id: org,
        user_id: to,
        kind: "activering",
        subject: "Activeer uw account voor AI-register",
        body: &body,
        link: &link,
    };
    notices::email(conn, &mail).await
}

/// The address people use: the configured public URL, else the Host the browser used.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        format!("http://{host}")
    })
}

#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "add_user")?;
    let mut errors = FormErrors::new();
    let email = errors.email("email", "het e-mailadres", field(&pairs, "email"));
    let name = errors.required("name", "de naam", field(&pairs, "name"), 200);
    let roles = roles_from_pairs(&pairs);
    if roles.is_empty() {
        errors.add("roles", "Kies minstens één rol.");
    }
    let again = |errors: FormErrors| {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewUserPage {
                layout: Layout::for_user(&user, "Gebruiker toevoegen", "/beheer/gebruikers").with_errors(true),
                email: field(&pairs, "email").to_string(),
                person_name: field(&pairs, "name").to_string(),
                roles: role_options(&roles),
                errors,
            },
        )
    };
    if !errors.is_empty() {
        return again(errors);
    }
    let mut tx = state.pool.begin().await?;
    match users::create_user(&mut tx, &email, &name, None).await {
        Ok(new_id) => {
            users::set_roles(&mut tx, new_id, org, &roles).await?;
            let token = users::issue_activation_token(&mut tx, new_id).await?;
            let mailed = mail_link(&mut tx, org, &user, new_id, &token).await?;
            record_roles(&mut tx, org, &user, new_id, &[], &roles, "nieuw account").await?;
            tx.commit().await?;
            tracing::info!(event = "user_created", actor = %user.user_id, user_id = %new_id, organisation_id = %org, roles = ?roles, "user created");
            render(&UserCreatedPage {
                layout: Layout::for_user(&user, "Gebruiker toegevoegd", "/beheer/gebruikers"),
                name,
                email,
                link: format!("{}/activeren/{token}", base_url(&state, &headers)),
                days: users::ACTIVATION_DAYS,
                mailed,
            })
        }
        Err(CreateUserError::EmailTaken) => {
            let Some(existing) = join(&mut tx, org, &user, &email, &roles).await? else {
                let mut errors = FormErrors::new();
                errors.add(
                    "email",
                    "Deze persoon is al lid van deze organisatie. Wijzig de rollen via de lijst met gebruikers.",
                );
                return again(errors);
            };
            tx.commit().await?;
            tracing::info!(event = "membership_added", actor = %user.user_id, user_id = %existing, organisation_id = %org, roles = ?roles, "existing user added");
            session::set_flash(
                &state.pool,
                &user,
                &format!("Het bestaande account {email} is toegevoegd aan deze organisatie."),
            )
            .await?;
            Ok(Redirect::to(&format!("/beheer/gebruikers/{existing}")).into_response())
        }
        Err(CreateUserError::Db(e)) => Err(e.into()),
    }
}

/// An existing account (of another organisation, say) joins this one with the chosen roles; None when it is a
/// member already.
async fn join(
    conn: &mut sqlx::PgConnection,
    org: Uuid,
    by: &CurrentUser,
    email: &str,
    roles: &[Role],
) -> sqlx::Result<Option<Uuid>> {
    let existing: Uuid =
        sqlx::query_scalar!("select user_id from app_user where email = $1", email).fetch_one(&mut *conn).await?;
    let already: bool = sqlx::query_scalar!(
        r#"select exists(select 1 from membership where user_id = $1 and organisation_id = $2) as "v!""#,
        existing,
        org
    )
    .fetch_one(&mut *conn)
    .await?;
    if already {
        return Ok(None);
    }
    users::set_roles(conn, existing, org, roles).await?;
    record_roles(conn, org, by, existing, &[], roles, "bestaand account toegevoegd").await?;
    Ok(Some(existing))
}

/// A fresh activation link for a user who has not chosen a password yet (the old link stops working).
#[tracing::instrument(skip_all)]
pub async fn new_activation_link(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "activation_link")?;
    let target = member(&state.pool, org, id).await?;
    if target.activated || !target.active {
        return Err(AppError::Conflict(
            "Dit account heeft al een wachtwoord of is gedeactiveerd; een activeringslink is niet nodig.".into(),
        ));
    }
    let mut tx = state.pool.begin().await?;
    let token = users::issue_activation_token(&mut tx, id).await?;
    let mailed = mail_link(&mut tx, org, &user, id, &token).await?;
    tx.commit().await?;
    render(&UserCreatedPage {
        layout: Layout::for_user(&user, "Nieuwe activeringslink", "/beheer/gebruikers"),
        name: target.name,
        email: target.email,
        link: format!("{}/activeren/{token}", base_url(&state, &headers)),
        days: users::ACTIVATION_DAYS,
        mailed,
    })
}
