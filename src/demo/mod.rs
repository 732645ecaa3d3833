//! Demo data from the seeds: the organisation "Gemeente Demodam", one user per role sharing one password,
//! and realistic registrations (seed 003's tool table, seed 001's categories, seed 002's agents) in varied
//! states and risk levels. Applications go through the same validation as the web form.
//!
//! The registrations are data (`applications.json`, read and checked in `data`); `applications` puts them in
//! the register and `workflow` adds the history around them.

mod applications;
mod assessments;
mod data;
mod literacy;
mod requests;
mod seed_policy;
mod suppliers;
mod workflow;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::roles::Role;
use crate::auth::{password, users};
use crate::organisations::{self, NewOrg};

pub const DEMO_ORG_CODE: &str = "gm9999";

/// The demo accounts: (e-mail, name, role).
pub const DEMO_USERS: [(&str, &str, Role); 6] = [
    ("medewerker@demo.example", "Mila de Medewerker", Role::Medewerker),
    ("projectleider@demo.example", "Pim Projectleider", Role::Projectleider),
    ("ciso@demo.example", "Cas Visser (CISO)", Role::Ciso),
    ("fg@demo.example", "Fenna Gerritsen (FG)", Role::Fg),
    ("directie@demo.example", "Dirk de Directeur", Role::Directie),
    ("beheerder@demo.example", "Bea Beheer", Role::Beheerder),
];

/// A password people can type: four groups of four letters/digits (80 bits).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    let chars: Vec<char> = buf.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// What to tell the person who started the demo.
pub fn accounts_text(password: &str) -> Vec<String> {
    let mut lines = vec![format!("Demo-accounts (wachtwoord voor alle accounts: {password}):")];
    lines.extend(DEMO_USERS.iter().map(|(email, _, role)| format!("  {email:<30} {}", role.label())));
    lines
}

pub struct Loaded {
    pub organisation_id: Uuid,
    pub applications_added: usize,
}

/// Load the demo (idempotent: the organisation and users are reused, passwords reset to `password`,
/// applications added only when the demo register is empty).
pub async fn load(pool: &PgPool, password_text: &str) -> anyhow::Result<Loaded> {
    password::check_policy(password_text, &[]).map_err(|m| anyhow::anyhow!("demo-wachtwoord: {m}"))?;
    let data = data::DemoData::parse()?;
    let hash = password::hash(password_text).await?;
    let actor = Actor::system("demo");
    let mut tx = pool.begin().await?;
    let org = organisation(&mut tx).await?;
    let users = accounts(&mut tx, org, &hash).await?;
    seed_policy::seed(&mut tx, org, &users.0).await?;
    audit::record(
        &mut tx,
        Event {
            organisation_id: Some(org),
            actor: &actor,
            action: "demo.loaded",
            object_type: "organisation",
            object_id: Some(org),
            before: None,
            after: Some(serde_json::json!({"users": DEMO_USERS.map(|u| u.0)})),
        },
    )
    .await?;
    tx.commit().await?;

    let count: i64 = sqlx::query_scalar!(r#"select count(*) as "v!" from application where organisation_id = $1"#, org)
        .fetch_one(pool)
        .await?;
    let mut added = 0;
    if count == 0 {
        added = applications::add(pool, org, &actor, &users, &data).await?;
        workflow::seed(pool, org, &users).await?;
        requests::seed(pool, org, &users).await?;
        suppliers::seed(pool, org, &actor).await?;
    }
    literacy::seed(pool, org, &users, &actor).await?;
    Ok(Loaded { organisation_id: org, applications_added: added })
}

/// The demo organisation, created the first time.
async fn organisation(conn: &mut PgConnection) -> anyhow::Result<Uuid> {
    if let Some(id) = organisations::find_by_code(conn, DEMO_ORG_CODE).await? {
        return Ok(id);
    }
    let new = NewOrg {
        name: "Gemeente Demodam".into(),
        code: DEMO_ORG_CODE.into(),
        contact_email: "algoritmes@demodam.example".into(),
    };
    Ok(organisations::create(conn, &new).await?)
}

/// The demo accounts' ids by role.
struct Users(Vec<(Role, Uuid)>);

impl Users {
    fn id(&self, role: Role) -> Option<Uuid> {
        self.0.iter().find(|(r, _)| *r == role).map(|(_, id)| *id)
    }
}

/// One account per role with the password `hash` (existing ones reactivated), each also a Medewerker.
async fn accounts(conn: &mut PgConnection, org: Uuid, hash: &str) -> anyhow::Result<Users> {
    let mut ids = Vec::new();
    for (email, name, role) in DEMO_USERS {
        let existing: Option<Uuid> = sqlx::query_scalar!("select user_id from app_user where email = $1", email)
            .fetch_optional(&mut *conn)
            .await?;
        let id = match existing {
            Some(id) => {
                users::set_password(conn, id, hash).await?;
                sqlx::query!("update app_user set active = true where user_id = $1", id).execute(&mut *conn).await?;
                id
            }
            None => users::create_user(conn, email, name, Some(hash)).await?,
        };
        let mut roles = vec![role];
        if role != Role::Medewerker {
            roles.insert(0, Role::Medewerker);
        }
        users::set_roles(conn, id, org, &roles).await?;
        ids.push((role, id));
    }
    Ok(Users(ids))
}
