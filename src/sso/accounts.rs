//! What a verified ID token does to accounts: the person's account is found by their identity at the
//! provider (issuer + subject), or by e-mail address the first time (an account made by hand is linked), or
//! made just in time as medewerker; the roles from groups follow the token at every login, roles granted by
//! hand stay. Everything, with its audit events, in one transaction.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use sqlx::PgConnection;
use uuid::Uuid;

use super::settings::{self, Provider};
use crate::audit::{self, Actor, Event};
use crate::roles::Role;

/// Why a verified person may still not log in (the Dutch sentence they read).
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error(
        "De inlogdienst gaf geen bruikbaar e-mailadres door (claim \"{0}\"). Meld dit bij de beheerder van AI-register."
    )]
    NoEmail(String),
    #[error("Inloggen met een e-mailadres van {0} is bij deze organisatie niet toegestaan.")]
    Domain(String),
    #[error("U bent geen lid van een groep die AI-register mag gebruiken. Vraag uw beheerder om toegang.")]
    Group,
    #[error("Uw account in AI-register is gedeactiveerd. Neem contact op met de beheerder.")]
    Inactive,
    #[error(
        "Er bestaat al een account in AI-register met dit e-mailadres, maar dat kan niet aan uw organisatie-account worden gekoppeld (het is een beheerdersaccount of hoort niet bij deze organisatie). Log in met uw wachtwoord of vraag de beheerder om hulp."
    )]
    NoLink,
}

/// The person as the token describes them (only verified claims).
#[derive(Debug)]
pub struct Person {
    pub subject: String,
    pub email: String,
    pub name: String,
    /// None when the token carries no groups claim at all (not configured at the provider, or Entra ID's
    /// "group overage" with more than 200 groups): then nothing is known about the groups.
    pub groups: Option<Vec<String>>,
}

fn string_claim(claims: &Map<String, Value>, name: &str) -> Option<String> {
    claims.get(name).and_then(Value::as_str).map(|s| s.chars().filter(|c| !c.is_control()).collect())
}

/// The person from the claims, or why not, checked against the allowed domains and groups.
pub fn person(p: &Provider, claims: &Map<String, Value>) -> Result<Person, Refusal> {
    let subject = string_claim(claims, "sub").unwrap_or_default();
    let email = string_claim(claims, &p.email_claim).unwrap_or_default().trim().to_lowercase();
    let valid = email.len() <= 254 && email.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
    // A provider that says the address is not verified is believed.
    if !valid || subject.is_empty() || claims.get("email_verified") == Some(&Value::Bool(false)) {
        return Err(Refusal::NoEmail(p.email_claim.clone()));
    }
    let domain = email.rsplit_once('@').map(|(_, d)| d.to_string()).unwrap_or_default();
    if !p.allowed_domains.is_empty() && !p.allowed_domains.iter().any(|d| d.eq_ignore_ascii_case(&domain)) {
        return Err(Refusal::Domain(domain));
    }
    let groups: Option<Vec<String>> = match claims.get(&p.groups_claim) {
        Some(Value::Array(items)) => Some(items.iter().filter_map(Value::as_str).map(str::to_string).collect()),
        Some(Value::String(one)) => Some(vec![one.clone()]),
        _ => None,
    };
    let known_groups = groups.as_deref().unwrap_or_default();
    if !p.allowed_groups.is_empty() && !known_groups.iter().any(|g| p.allowed_groups.contains(g)) {
        return Err(Refusal::Group);
    }
    let name = string_claim(claims, &p.name_claim)
        .map(|n| n.trim().chars().take(200).collect::<String>())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or("").to_string());
    Ok(Person { subject, email, name, groups })
}

/// The account after login.
pub struct Account {
    pub user_id: Uuid,
    pub totp: bool,
    pub created: bool,
}

/// Find, link or create the account, bring its roles from groups up to date, record the login.
pub async fn sign_in(
    conn: &mut PgConnection,
    p: &Provider,
    who: &Person,
    origin: &str,
) -> Result<Account, AccountError> {
    let known = sqlx::query_scalar!(
        "select user_id from sso_identity where issuer = $1 and subject = $2",
        p.issuer,
        who.subject
    )
    .fetch_optional(&mut *conn)
    .await?;
    let by_email = match known {
        Some(_) => None,
        None => {
            sqlx::query_scalar!("select user_id from app_user where email = $1", who.email)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    if let Some(existing) = by_email
        && !may_link(conn, p.organisation_id, existing).await?
    {
        tracing::warn!(event = "sso_link_refused", user_id = %existing, organisation_id = %p.organisation_id, "existing account not linked by e-mail");
        return Err(AccountError::Refused(Refusal::NoLink));
    }
    let system = Actor::system(origin);
    let (user_id, created) = match known.or(by_email) {
        Some(id) => (id, false),
        None => (create(conn, p, who, &system).await?, true),
    };
    if known.is_none() {
        sqlx::query!(
            "insert into sso_identity (issuer, subject, user_id, organisation_id) values ($1, $2, $3, $4)",
            p.issuer,
            who.subject,
            user_id,
            p.organisation_id
        )
        .execute(&mut *conn)
        .await?;
    }
    let row = sqlx::query!(
        "update app_user set updated_at = updated_at where user_id = $1 returning active, totp_secret is not null as \"totp!\"",
        user_id
    )
    .fetch_one(&mut *conn)
    .await?;
    if !row.active {
        return Err(AccountError::Refused(Refusal::Inactive));
    }
    sqlx::query!(
        "update sso_identity set last_login_at = now() where issuer = $1 and subject = $2",
        p.issuer,
        who.subject
    )
    .execute(&mut *conn)
    .await?;
    let actor = Actor { id: Some(user_id), name: who.name.clone(), origin: origin.to_string() };
    let roles_from = login_roles(conn, p, who, user_id, created, &actor).await?;
    let login = json!({
        "via": "organisatie-account", "issuer": p.issuer, "linked": known.is_none() && !created, "roles_from": roles_from
    });
    record(conn, p.organisation_id, &actor, "user.login_sso", user_id, None, Some(login)).await?;
    Ok(Account { user_id, totp: row.totp, created })
}

/// Which source the roles from groups follow at this login, applied; the answer goes into the login's audit
/// event. When SCIM provisions the organisation's groups, SCIM alone decides them: a login does not change
/// them (otherwise a token without the groups, or one minutes older than the last SCIM change, would undo
/// what SCIM set). Without SCIM groups the token's groups decide, but only when the token carries a groups
/// claim: its absence says nothing about the groups, so the roles stay as they were. A new account always
/// gets medewerker.
async fn login_roles(
    conn: &mut PgConnection,
    p: &Provider,
    who: &Person,
    user_id: Uuid,
    created: bool,
    actor: &Actor,
) -> sqlx::Result<&'static str> {
    let scim = sqlx::query_scalar!(
        r#"select exists(select 1 from scim_group where organisation_id = $1) as "v!""#,
        p.organisation_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let (groups, from): (&[String], _) = match (&who.groups, scim) {
        (Some(groups), false) => (groups, "token"),
        (_, true) => (&[], "scim"),
        (None, false) => {
            tracing::warn!(event = "sso_no_groups_claim", claim = %p.groups_claim, user_id = %user_id, "the token has no groups claim: roles from groups left as they were");
            (&[], "unchanged")
        }
    };
    if from == "token" || created {
        sync_roles(conn, p.organisation_id, user_id, groups, actor, "oidc").await?;
    }
    Ok(from)
}

/// An account found by e-mail address is linked only when it is a member of the provider's organisation and
/// no beheerder anywhere: whoever controls a provider (or an address at it) must not take over an
/// administrator or someone of another organisation.
async fn may_link(conn: &mut PgConnection, organisation_id: Uuid, user_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from membership where user_id = $1 and organisation_id = $2)
              and not exists(select 1 from membership where user_id = $1 and role = 'beheerder') as "v!""#,
        user_id,
        organisation_id
    )
    .fetch_one(conn)
    .await
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Refused(Refusal),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

async fn create(conn: &mut PgConnection, p: &Provider, who: &Person, actor: &Actor) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!("insert into app_user (user_id, email, name) values ($1, $2, $3)", id, who.email, who.name)
        .execute(&mut *conn)
        .await?;
    let after = json!({ "email": who.email, "name": who.name, "via": "organisatie-account" });
    record(conn, p.organisation_id, actor, "user.created", id, None, Some(after)).await?;
    tracing::info!(event = "sso_account_created", user_id = %id, organisation_id = %p.organisation_id, "account made at first login");
    Ok(id)
}

/// The roles the groups give: always medewerker, plus every mapped role of a group the person is in.
pub fn roles_from_groups(mappings: &[(String, Role)], groups: &[String]) -> BTreeSet<Role> {
    let mut roles: BTreeSet<Role> = mappings.iter().filter(|(g, _)| groups.contains(g)).map(|(_, r)| *r).collect();
    roles.insert(Role::Medewerker);
    roles
}

/// Make the roles from groups (source 'sso') what the groups say now; roles granted by hand are left alone.
/// Used at every provider login and by SCIM provisioning (`via` says which, in the audit event).
pub async fn sync_roles(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    user_id: Uuid,
    groups: &[String],
    actor: &Actor,
    via: &str,
) -> sqlx::Result<()> {
    let mappings = settings::group_roles(conn, organisation_id).await?;
    let wanted = roles_from_groups(&mappings, groups);
    let rows = sqlx::query!(
        "select role, source from membership where user_id = $1 and organisation_id = $2 for update",
        user_id,
        organisation_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let has = |r: Role, src: &str| rows.iter().any(|m| m.role == r.as_str() && m.source == src);
    let before: Vec<&str> = rows.iter().filter(|m| m.source == "sso").map(|m| m.role.as_str()).collect();
    let remove: Vec<&str> =
        before.iter().copied().filter(|r| Role::parse(r).is_none_or(|r| !wanted.contains(&r))).collect();
    let add: Vec<&str> = wanted.iter().filter(|r| !has(**r, "sso") && !has(**r, "hand")).map(|r| r.as_str()).collect();
    if remove.is_empty() && add.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "delete from membership where user_id = $1 and organisation_id = $2 and source = 'sso' and role = any($3)",
        user_id,
        organisation_id,
        &remove as &[&str]
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into membership (user_id, organisation_id, role, source) select $1, $2, unnest($3::text[]), 'sso'",
        user_id,
        organisation_id,
        &add as &[&str]
    )
    .execute(&mut *conn)
    .await?;
    let after: Vec<&str> = before.iter().copied().filter(|r| !remove.contains(r)).chain(add.iter().copied()).collect();
    let (b, a) =
        (json!({ "roles_from_groups": before }), json!({ "roles_from_groups": after, "groups": groups, "via": via }));
    record(conn, organisation_id, actor, "user.roles_from_groups", user_id, Some(b), Some(a)).await?;
    tracing::info!(event = "roles_from_groups", via, user_id = %user_id, added = ?add, removed = ?remove, "roles follow the groups");
    Ok(())
}

async fn record(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    actor: &Actor,
    action: &str,
    user_id: Uuid,
    before: Option<Value>,
    after: Option<Value>,
) -> sqlx::Result<()> {
    let event = Event::about(Some(organisation_id), actor, action, ("user", user_id)).change(before, after);
    audit::record(conn, event).await.map(|_| ())
}
