//! Commands for accounts: add a user (with a password from standard input) and add an organisation.

use std::io::BufRead;

use anyhow::{Context, bail};
use sqlx::PgConnection;
use uuid::Uuid;

use super::with_database;
use airegister::auth::roles::Role;
use airegister::auth::{password, users};
use airegister::config::DbArgs;
use airegister::db::Database;
use airegister::organisations::{self, OrgInput};
use airegister::web::forms::FormErrors;

/// `organisation add`.
pub async fn add_organisation(name: String, code: String, email: String, db: &DbArgs) -> anyhow::Result<()> {
    let input = OrgInput { org_name: name, org_code: code, org_email: email };
    let mut errors = FormErrors::new();
    let org = input.validate(&mut errors);
    bail_on(&errors)?;
    let result = with_database(db, async |db| {
        let mut conn = db.pool.acquire().await?;
        Ok(organisations::create(&mut conn, &org).await)
    })
    .await?;
    match result {
        Ok(_) => {
            println!("Organisatie {} ({}) toegevoegd.", org.name, org.code);
            Ok(())
        }
        Err(organisations::OrgWriteError::CodeTaken) => {
            bail!("er is al een organisatie met code {}", org.code)
        }
        Err(e) => Err(e.into()),
    }
}

/// The organisation options of `user add`: an existing one by code, a new one (code, name and e-mail), or
/// none when there is exactly one.
pub struct OrgChoice {
    pub code: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// `user add`: the roles and the password are read before the database is opened.
pub async fn add_user(email: &str, name: &str, roles: &[String], org: &OrgChoice, db: &DbArgs) -> anyhow::Result<()> {
    let roles = parse_roles(roles)?;
    let password = read_password()?;
    with_database(db, async |db| create_user(db, email, name, &roles, &password, org).await).await
}

fn parse_roles(raw: &[String]) -> anyhow::Result<Vec<Role>> {
    let mut roles = Vec::new();
    for r in raw.iter().filter(|r| !r.trim().is_empty()) {
        let role = Role::parse(r)
            .with_context(|| format!("onbekende rol '{r}'; kies uit: {}", Role::ALL.map(|r| r.as_str()).join(", ")))?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    if roles.is_empty() {
        bail!("geef minstens één rol met --role");
    }
    Ok(roles)
}

fn read_password() -> anyhow::Result<String> {
    eprintln!("Wachtwoord (één regel op standaardinvoer):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("kan het wachtwoord niet lezen van standaardinvoer")?;
    // Only the line ending is removed: spaces are part of the password (ASVS 6.2.8).
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// The form's field errors as the command's options, one line each.
fn bail_on(errors: &FormErrors) -> anyhow::Result<()> {
    if errors.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = errors.iter().map(|(f, m)| format!("--{}: {m}", f.trim_start_matches("org_"))).collect();
    bail!("{}", lines.join("\n"))
}

/// Check the account's fields and password policy, then write the user, their organisation if new, and
/// their roles in one transaction.
async fn create_user(
    db: &Database,
    email: &str,
    name: &str,
    roles: &[Role],
    password_text: &str,
    org: &OrgChoice,
) -> anyhow::Result<()> {
    let mut errors = FormErrors::new();
    let email = errors.email("email", "het e-mailadres", email);
    let name = errors.required("name", "de naam", name, 200);
    if let Err(msg) = password::check_policy(password_text, &[&email, &name]) {
        errors.add("password", msg);
    }
    bail_on(&errors)?;
    let hash = password::hash(password_text).await?;
    let mut tx = db.pool.begin().await?;
    let org_id = org.resolve(&mut tx).await?;
    let user_id = match users::create_user(&mut tx, &email, &name, Some(&hash)).await {
        Ok(id) => id,
        Err(users::CreateUserError::EmailTaken) => {
            bail!("er bestaat al een account met e-mailadres {email}")
        }
        Err(users::CreateUserError::Db(e)) => return Err(e.into()),
    };
    users::set_roles(&mut tx, user_id, org_id, roles).await?;
    tx.commit().await?;
    println!(
        "Gebruiker {email} toegevoegd met de rol(len) {}.",
        roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
    );
    Ok(())
}

impl OrgChoice {
    /// The organisation the new user joins: created when code, name and e-mail are given and the code is new.
    async fn resolve(&self, conn: &mut PgConnection) -> anyhow::Result<Uuid> {
        match (&self.code, &self.name, &self.email) {
            (Some(code), Some(oname), Some(oemail)) => {
                let input = OrgInput { org_name: oname.clone(), org_code: code.clone(), org_email: oemail.clone() };
                let mut errors = FormErrors::new();
                let new = input.validate(&mut errors);
                bail_on(&errors)?;
                Ok(match organisations::find_by_code(conn, &new.code).await? {
                    Some(id) => id,
                    None => organisations::create(conn, &new).await?,
                })
            }
            (Some(code), _, _) => organisations::find_by_code(conn, code).await?.with_context(|| {
                format!("geen organisatie met code {code}; geef ook --org-name en --org-email om haar aan te maken")
            }),
            (None, _, _) => match organisations::all_ids(conn).await?.as_slice() {
                [only] => Ok(*only),
                [] => bail!(
                    "er is nog geen organisatie; geef --org-code, --org-name en --org-email om die meteen aan te maken \
                     (bijv. --org-code gm0344 --org-name \"Gemeente Utrecht\" --org-email ai@utrecht.nl)"
                ),
                _ => bail!("er zijn meerdere organisaties; kies er een met --org-code"),
            },
        }
    }
}
