//! User administration within the current organisation: list, add (with an activation link), change
//! roles, deactivate and reactivate. Only for users with the role beheerder; a beheerder only reaches the
//! members of organisations they administer. Adding people is in `create`, the account-wide actions
//! (deactivate, reset two-factor login, unlock, revoke tokens) in `account`.

mod account;
mod create;
pub mod department;

pub use account::{deactivate, reactivate, reset_mfa, revoke_tokens, unlock};
pub use create::{NewUserPage, UserCreatedPage, create, new_activation_link, new_form};

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::auth::users;
use crate::error::{AppError, AppResult};
use crate::register::roles_needed;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{render, render_status};

#[derive(sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub activated: bool,
    pub version: i32,
    pub last_login_at: Option<OffsetDateTime>,
    pub roles: Vec<String>,
    /// Where each role (same order) comes from: 'hand' or 'sso' (the provider's groups).
    pub sources: Vec<String>,
    /// Two-factor login is switched on.
    pub mfa: bool,
    /// Personal API tokens for this organisation that still work.
    pub active_tokens: i64,
    /// Locked after too many failed attempts, until then.
    pub locked_until: Option<OffsetDateTime>,
    pub department: Option<String>,
}

impl MemberRow {
    pub fn role_labels(&self) -> String {
        Role::ALL.iter().filter(|r| self.has(**r)).map(|r| r.label()).collect::<Vec<_>>().join(", ")
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.iter().any(|s| s == role.as_str())
    }

    /// "Beheerder (handmatig toegekend)", "Medewerker (via organisatie-account)", in the usual role order.
    pub fn role_sources(&self) -> Vec<String> {
        let source = |r: Role| self.roles.iter().position(|s| s == r.as_str()).and_then(|i| self.sources.get(i));
        Role::ALL
            .into_iter()
            .filter_map(|r| source(r).map(|s| (r, s)))
            .map(|(r, s)| {
                let how = if s == "sso" { "via organisatie-account" } else { "handmatig toegekend" };
                format!("{} ({how})", r.label())
            })
            .collect()
    }

    /// "tot 30-11-2026 14:35" when the account is locked now.
    pub fn locked_text(&self) -> Option<String> {
        self.locked_until.map(|t| format!("Tijdelijk geblokkeerd tot {}", crate::web::format_datetime(t)))
    }

    pub fn last_login(&self) -> String {
        self.last_login_at.map(crate::web::format_datetime).unwrap_or_else(|| "nog nooit".into())
    }
}
/// The members of the organisation (or only `user_id`, when given), by name, with their roles in it.
async fn members(pool: &sqlx::PgPool, org: Uuid, user_id: Option<Uuid>) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as!(
        MemberRow,
        r#"select u.user_id, u.name, u.email, u.active, u.password_hash is not null as "activated!",
                 u.version, u.last_login_at, array_agg(m.role order by m.role) as "roles!",
                 array_agg(m.source order by m.role) as "sources!",
                 u.totp_secret is not null as "mfa!",
                 (select count(*) from api_token t where t.user_id = u.user_id and t.organisation_id = $1
                     and t.revoked_at is null and t.expires_at > now()) as "active_tokens!",
                 case when u.locked_until > now() then u.locked_until end as locked_until,
                 u.department
            from app_user u join membership m using (user_id)
           where m.organisation_id = $1 and ($2::uuid is null or u.user_id = $2)
           group by u.user_id
           order by u.name, u.email"#,
        org,
        user_id
    )
    .fetch_all(pool)
    .await
}

/// A change of someone's roles made by hand goes into the audit trail with what it was and what it became,
/// last in the transaction that makes it (roles from the provider's groups have their own event).
async fn record_roles(
    conn: &mut PgConnection,
    org: Uuid,
    by: &CurrentUser,
    user_id: Uuid,
    before: &[String],
    after: &[Role],
    how: &str,
) -> sqlx::Result<()> {
    let mut after: Vec<&str> = after.iter().map(|r| r.as_str()).collect();
    let mut before: Vec<&str> = before.iter().map(String::as_str).collect();
    after.sort_unstable();
    before.sort_unstable();
    let event = crate::audit::Event {
        organisation_id: Some(org),
        actor: &crate::audit::Actor::from(by),
        action: "user.roles_changed",
        object_type: "user",
        object_id: Some(user_id),
        before: Some(serde_json::json!({ "roles": before })),
        after: Some(serde_json::json!({ "roles": after, "how": how })),
    };
    crate::audit::record(conn, event).await.map(|_| ())
}

async fn member(pool: &sqlx::PgPool, org: Uuid, user_id: Uuid) -> AppResult<MemberRow> {
    members(pool, org, Some(user_id)).await?.into_iter().next().ok_or(AppError::NotFound)
}

/// Roles ticked in a form (`roles=ciso&roles=fg`); unknown values are ignored, order is canonical.
pub fn roles_from_pairs(pairs: &[(String, String)]) -> Vec<Role> {
    Role::ALL.into_iter().filter(|r| pairs.iter().any(|(k, v)| k == "roles" && v == r.as_str())).collect()
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default()
}

pub struct RoleOption {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

fn role_options(selected: &[Role]) -> Vec<RoleOption> {
    Role::ALL
        .into_iter()
        .map(|r| RoleOption { value: r.as_str(), label: r.label(), checked: selected.contains(&r) })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub layout: Layout,
    pub org_name: String,
    pub members: Vec<MemberRow>,
    /// Workflow roles nobody active holds, each with what waits on it (issue 18, item 6).
    pub missing_roles: Vec<String>,
    /// Expressions in the reference data that jexl reads differently from the usual precedence (issue 16).
    pub jexl_readings: Vec<String>,
}

/// "Niemand heeft de rol FG: 2 ingediende registraties wachten op het advies van de FG …".
fn shortage_text(s: &roles_needed::Shortage) -> String {
    let waiting = match s.waiting {
        0 => "er wacht nu geen ingediende registratie op, maar de volgende wel".to_string(),
        1 => "1 ingediende registratie wacht op".to_string(),
        n => format!("{n} ingediende registraties wachten op"),
    };
    let task = roles_needed::task(s.role);
    let task = task.split(" (").next().unwrap_or(task);
    format!("Geen actieve gebruiker heeft de rol {}: {waiting} {task}.", s.role.label())
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "list_users")?;
    let members = members(&state.pool, org, None).await?;
    let mut conn = state.pool.acquire().await?;
    let missing_roles = roles_needed::shortages(&mut conn, org).await?.iter().map(shortage_text).collect();
    drop(conn);
    render(&UsersPage {
        layout: Layout::for_user(&user, "Gebruikers", "/beheer/gebruikers"),
        org_name: user.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        members,
        missing_roles,
        jexl_readings: crate::questionnaires::jexl_differences(),
    })
}

#[derive(Template)]
#[template(path = "admin/user_edit.html")]
pub struct EditUserPage {
    pub layout: Layout,
    pub member: MemberRow,
    pub roles: Vec<RoleOption>,
    pub version: i32,
    pub errors: FormErrors,
    pub conflict: Option<String>,
    pub is_self: bool,
    /// The department as typed (the stored one at first), and those in use in the organisation to pick from.
    pub department_input: String,
    pub departments: Vec<String>,
}

fn edit_page(
    user: &CurrentUser,
    member: MemberRow,
    selected: &[Role],
    errors: FormErrors,
    conflict: Option<String>,
) -> EditUserPage {
    EditUserPage {
        layout: Layout::for_user(user, &format!("Gebruiker {}", member.name), "/beheer/gebruikers")
            .with_errors(!errors.is_empty() || conflict.is_some()),
        roles: role_options(selected),
        version: member.version,
        is_self: member.user_id == user.user_id,
        department_input: member.department.clone().unwrap_or_default(),
        departments: Vec::new(),
        member,
        errors,
        conflict,
    }
}

#[tracing::instrument(skip_all)]
pub async fn edit_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "edit_user")?;
    let member = member(&state.pool, org, id).await?;
    let selected: Vec<Role> = Role::ALL.into_iter().filter(|r| member.has(*r)).collect();
    let mut page = edit_page(&user, member, &selected, FormErrors::new(), None);
    page.departments = crate::policy::store::departments(&state.pool, org).await?;
    render(&page)
}

/// Other active beheerders of the organisation besides `user_id`.
async fn other_admins(conn: &mut PgConnection, org: Uuid, user_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "v!" from membership m join app_user u using (user_id)
          where m.organisation_id = $1 and m.role = 'beheerder' and u.active and u.user_id <> $2"#,
        org,
        user_id
    )
    .fetch_one(conn)
    .await
}

#[tracing::instrument(skip_all)]
pub async fn update_roles(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "change_roles")?;
    let current = member(&state.pool, org, id).await?;
    let roles = roles_from_pairs(&pairs);
    let version: i32 = field(&pairs, "version").parse().unwrap_or(-1);
    let mut errors = FormErrors::new();
    let mut tx = state.pool.begin().await?;
    if !roles.contains(&Role::Beheerder) && current.has(Role::Beheerder) && other_admins(&mut tx, org, id).await? == 0 {
        errors.add(
            "roles",
            "Dit is de laatste beheerder van deze organisatie. Geef eerst iemand anders de rol beheerder.",
        );
    }
    if !errors.is_empty() {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &edit_page(&user, current, &roles, errors, None));
    }
    // Optimistic locking: the form carries the version it was based on.
    let bumped =
        sqlx::query!("update app_user set version = version + 1 where user_id = $1 and version = $2", id, version)
            .execute(&mut *tx)
            .await?;
    if bumped.rows_affected() == 0 {
        drop(tx);
        let message = format!(
            "Iemand anders heeft deze gebruiker gewijzigd nadat u de pagina opende. De rollen zijn nu: {}. \
             Uw keuze staat hieronder nog aangevinkt; controleer en sla opnieuw op.",
            if current.roles.is_empty() { "geen".to_string() } else { current.role_labels() }
        );
        return render_status(
            StatusCode::CONFLICT,
            &edit_page(&user, current, &roles, FormErrors::new(), Some(message)),
        );
    }
    users::set_roles(&mut tx, id, org, &roles).await?;
    record_roles(&mut tx, org, &user, id, &current.roles, &roles, "rollen gewijzigd").await?;
    tx.commit().await?;
    tracing::info!(event = "roles_changed", actor = %user.user_id, user_id = %id, organisation_id = %org, before = ?current.roles, after = ?roles, "roles changed");
    if roles.is_empty() {
        let message = format!("{} is uit deze organisatie verwijderd.", current.name);
        return session::flash_redirect(&state.pool, &user, &message, "/beheer/gebruikers").await;
    }
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("De rollen van {} zijn opgeslagen.", current.name),
        &format!("/beheer/gebruikers/{id}"),
    )
    .await
}
