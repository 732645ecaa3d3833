//! User administration within the current organisation: list, add (with an activation link), change
//! roles, deactivate and reactivate. Only for users with the role beheerder; a beheerder only reaches the
//! members of organisations they administer.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::auth::users::{self, CreateUserError};
use crate::error::{AppError, AppResult};
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
    /// Two-factor login is switched on.
    pub mfa: bool,
    /// Personal API tokens for this organisation that still work.
    pub active_tokens: i64,
    /// Locked after too many failed attempts, until then.
    pub locked_until: Option<OffsetDateTime>,
}

impl MemberRow {
    pub fn role_labels(&self) -> String {
        Role::ALL.iter().filter(|r| self.has(**r)).map(|r| r.label()).collect::<Vec<_>>().join(", ")
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.iter().any(|s| s == role.as_str())
    }

    /// "tot 30-11-2026 14:35" when the account is locked now.
    pub fn locked_text(&self) -> Option<String> {
        self.locked_until.map(|t| format!("Tijdelijk geblokkeerd tot {}", crate::web::format_datetime(t)))
    }

    pub fn last_login(&self) -> String {
        self.last_login_at.map(crate::web::format_datetime).unwrap_or_else(|| "nog nooit".into())
    }
}

const MEMBER_SELECT: &str = "select u.user_id, u.name, u.email, u.active, u.password_hash is not null as activated,
        u.version, u.last_login_at, array_agg(m.role order by m.role) as roles, u.totp_secret is not null as mfa,
        (select count(*) from api_token t where t.user_id = u.user_id and t.organisation_id = $1
            and t.revoked_at is null and t.expires_at > now()) as active_tokens,
        case when u.locked_until > now() then u.locked_until end as locked_until
   from app_user u join membership m using (user_id)
  where m.organisation_id = $1";

async fn member(pool: &sqlx::PgPool, org: Uuid, user_id: Uuid) -> AppResult<MemberRow> {
    sqlx::query_as(&format!("{MEMBER_SELECT} and u.user_id = $2 group by u.user_id"))
        .bind(org)
        .bind(user_id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)
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
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "list_users")?;
    let members: Vec<MemberRow> =
        sqlx::query_as(&format!("{MEMBER_SELECT} group by u.user_id order by u.name, u.email"))
            .bind(org)
            .fetch_all(&state.pool)
            .await?;
    render(&UsersPage {
        layout: Layout::for_user(&user, "Gebruikers", "/beheer/gebruikers"),
        org_name: user.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        members,
    })
}

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
            tx.commit().await?;
            tracing::info!(event = "user_created", actor = %user.user_id, user_id = %new_id, organisation_id = %org, roles = ?roles, "user created");
            render(&UserCreatedPage {
                layout: Layout::for_user(&user, "Gebruiker toegevoegd", "/beheer/gebruikers"),
                name,
                email,
                link: format!("{}/activeren/{token}", base_url(&state, &headers)),
                days: users::ACTIVATION_DAYS,
            })
        }
        Err(CreateUserError::EmailTaken) => {
            // An existing account (of another organisation, say) joins this one with the chosen roles.
            let existing: Uuid = sqlx::query_scalar!("select user_id from app_user where email = $1", &email)
                .fetch_one(&mut *tx)
                .await?;
            let already: bool = sqlx::query_scalar!(
                r#"select exists(select 1 from membership where user_id = $1 and organisation_id = $2) as "v!""#,
                existing,
                org
            )
            .fetch_one(&mut *tx)
            .await?;
            if already {
                let mut errors = FormErrors::new();
                errors.add(
                    "email",
                    "Deze persoon is al lid van deze organisatie. Wijzig de rollen via de lijst met gebruikers.",
                );
                return again(errors);
            }
            users::set_roles(&mut tx, existing, org, &roles).await?;
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
    render(&edit_page(&user, member, &selected, FormErrors::new(), None))
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

/// Deactivation is account-wide, so it needs the beheerder role in every organisation the user belongs to.
#[tracing::instrument(skip_all)]
pub async fn deactivate(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "deactivate_user")?;
    let target = member(&state.pool, org, id).await?;
    if id == user.user_id {
        return Err(AppError::Conflict("U kunt uw eigen account niet deactiveren. Vraag een andere beheerder.".into()));
    }
    let target_orgs = administers_all(&state, &user, &target, "deactivate_user", "het account te deactiveren").await?;
    let mut tx = state.pool.begin().await?;
    for o in &target_orgs {
        if o.roles.contains(&Role::Beheerder) && other_admins(&mut tx, o.id, id).await? == 0 {
            return Err(AppError::Conflict(format!(
                "{} is de laatste beheerder van {}. Geef eerst iemand anders de rol beheerder.",
                target.name, o.name
            )));
        }
    }
    sqlx::query!("update app_user set active = false, version = version + 1 where user_id = $1", id)
        .execute(&mut *tx)
        .await?;
    // The user's sessions end now, not at their next timeout; their API tokens stop for good (a reactivated
    // account starts without them).
    let ended = users::end_sessions(&mut tx, id, None).await?;
    sqlx::query!("update api_token set revoked_at = now() where user_id = $1 and revoked_at is null", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from account_token where user_id = $1", id).execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::info!(event = "user_deactivated", actor = %user.user_id, user_id = %id, sessions_ended = ended, "user deactivated");
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("{} is gedeactiveerd en overal uitgelogd.", target.name),
        &format!("/beheer/gebruikers/{id}"),
    )
    .await
}

/// Account-wide actions need the beheerder role in every organisation the target belongs to.
async fn administers_all(
    state: &AppState,
    user: &CurrentUser,
    target: &MemberRow,
    action: &str,
    what: &str,
) -> AppResult<Vec<session::OrgRef>> {
    let target_orgs = session::memberships(&state.pool, target.user_id).await?;
    if target_orgs.iter().any(|o| !user.has_role_in(o.id, Role::Beheerder)) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, target = %target.user_id, action, "target belongs to an organisation the actor does not administer");
        return Err(AppError::Conflict(format!(
            "{} is ook lid van een organisatie waar u geen beheerder bent. Haal de persoon uit deze organisatie (alle rollen uitvinken), \
             of vraag een beheerder van alle organisaties om {what}.",
            target.name
        )));
    }
    Ok(target_orgs)
}

/// For a lost phone: two-factor login is switched off (and recovery codes removed); the user's sessions end.
/// When the organisation requires it, the user sets it up again at the next login.
#[tracing::instrument(skip_all)]
pub async fn reset_mfa(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "reset_mfa")?;
    let target = member(&state.pool, org, id).await?;
    if id == user.user_id {
        return Err(AppError::Conflict(
            "Uw eigen tweestapsverificatie beheert u via Mijn account. Kwijt? Log in met een herstelcode of vraag een andere beheerder."
                .into(),
        ));
    }
    administers_all(&state, &user, &target, "reset_mfa", "de tweestapsverificatie opnieuw in te stellen").await?;
    let mut tx = state.pool.begin().await?;
    crate::auth::totp::disable(&mut tx, id).await?;
    let ended = users::end_sessions(&mut tx, id, None).await?;
    sqlx::query!("update api_token set revoked_at = now() where user_id = $1 and revoked_at is null", id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::warn!(event = "mfa_reset", actor = %user.user_id, user_id = %id, sessions_ended = ended, "two-factor login reset by an administrator");
    session::flash_redirect(
        &state.pool,
        &user,
        &format!(
            "De tweestapsverificatie van {} is uitgeschakeld; de persoon is overal uitgelogd en de API-tokens zijn ingetrokken.",
            target.name
        ),
        &format!("/beheer/gebruikers/{id}"),
    )
    .await
}

/// Lift a lock after failed attempts (the person called: it was them). The next lock starts at 15 minutes again.
#[tracing::instrument(skip_all)]
pub async fn unlock(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "unlock_user")?;
    let target = member(&state.pool, org, id).await?;
    sqlx::query!("update app_user set failed_logins = 0, locked_until = null, lock_count = 0 where user_id = $1", id)
        .execute(&state.pool)
        .await?;
    tracing::warn!(event = "user_unlocked", actor = %user.user_id, user_id = %id, "lock lifted by an administrator");
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("De blokkade van {} is opgeheven; de persoon kan weer inloggen.", target.name),
        &format!("/beheer/gebruikers/{id}"),
    )
    .await
}

/// Stop a member's API tokens for this organisation (a lost laptop, a left colleague's integration).
#[tracing::instrument(skip_all)]
pub async fn revoke_tokens(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "revoke_api_tokens")?;
    let target = member(&state.pool, org, id).await?;
    let done = sqlx::query!(
        "update api_token set revoked_at = now() where user_id = $1 and organisation_id = $2 and revoked_at is null",
        id,
        org
    )
    .execute(&state.pool)
    .await?;
    tracing::warn!(event = "api_tokens_revoked", actor = %user.user_id, user_id = %id, organisation_id = %org, count = done.rows_affected(), "API tokens revoked by an administrator");
    session::flash_redirect(
        &state.pool,
        &user,
        &match done.rows_affected() {
            1 => format!("Het API-token van {} is ingetrokken.", target.name),
            n => format!("De {n} API-tokens van {} zijn ingetrokken.", target.name),
        },
        &format!("/beheer/gebruikers/{id}"),
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn reactivate(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = user.require(Role::Beheerder, "reactivate_user")?;
    let target = member(&state.pool, org, id).await?;
    sqlx::query!(
        "update app_user set active = true, failed_logins = 0, locked_until = null, lock_count = 0, version = version + 1 where user_id = $1",
        id
    )
        .execute(&state.pool)
        .await?;
    tracing::info!(event = "user_reactivated", actor = %user.user_id, user_id = %id, "user reactivated");
    session::flash_redirect(
        &state.pool,
        &user,
        &format!("{} is weer actief.", target.name),
        &format!("/beheer/gebruikers/{id}"),
    )
    .await
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
    tx.commit().await?;
    render(&UserCreatedPage {
        layout: Layout::for_user(&user, "Nieuwe activeringslink", "/beheer/gebruikers"),
        name: target.name,
        email: target.email,
        link: format!("{}/activeren/{token}", base_url(&state, &headers)),
        days: users::ACTIVATION_DAYS,
    })
}
