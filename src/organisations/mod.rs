//! Organisations: a shared service centre keeps the registers of several organisations in one
//! installation. Everything later (applications, reviews, exports) belongs to one organisation.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::web::forms::FormErrors;

/// The fields of an organisation as typed into a form or on the command line.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct OrgInput {
    pub org_name: String,
    pub org_code: String,
    pub org_email: String,
}

/// A validated organisation.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub name: String,
    pub code: String,
    pub contact_email: String,
}

/// The register's organisation code: a TOOI/ROO code (gm0344, mnre1034, ws0155, pv26), an OIN (20 digits)
/// or a Belgian KBO number (10 digits). Must match the database constraint `organisation_code_check`.
pub fn is_valid_code(code: &str) -> bool {
    let letters = code.chars().take_while(|c| c.is_ascii_lowercase()).count();
    let digits = &code[letters..];
    let all_digits = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
    ((2..=8).contains(&letters) && all_digits && digits.len() <= 8)
        || (letters == 0 && all_digits && (digits.len() == 10 || digits.len() == 20))
}

impl OrgInput {
    pub fn validate(&self, errors: &mut FormErrors) -> NewOrg {
        let name = errors.required("org_name", "de naam van de organisatie", &self.org_name, 100);
        let code = self.org_code.trim().to_lowercase();
        if code.is_empty() {
            errors.add("org_code", "Vul de organisatiecode in, bijvoorbeeld gm0344 voor de gemeente Utrecht.");
        } else if !is_valid_code(&code) {
            errors.add(
                "org_code",
                "De organisatiecode is de code uit de TOOI-lijst van het Algoritmeregister: letters gevolgd door cijfers, \
                 zoals gm0344 (gemeente) of mnre1034 (ministerie); of een OIN (20 cijfers) of KBO-nummer (10 cijfers).",
            );
        }
        let contact_email = errors.email("org_email", "de functionele mailbox", &self.org_email);
        NewOrg { name, code, contact_email }
    }
}

/// The form error for a code another organisation already has (the unique constraint said so).
pub fn code_taken(errors: &mut FormErrors) {
    errors.add("org_code", "Er is al een organisatie met deze organisatiecode.");
}

/// Outcome of writing an organisation.
#[derive(Debug, thiserror::Error)]
pub enum OrgWriteError {
    #[error("organisation code in use")]
    CodeTaken,
    #[error("stale version")]
    Stale,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn map_unique(e: sqlx::Error) -> OrgWriteError {
    match &e {
        sqlx::Error::Database(db) if db.constraint() == Some("organisation_code_key") => OrgWriteError::CodeTaken,
        _ => OrgWriteError::Db(e),
    }
}

pub async fn create(conn: &mut PgConnection, org: &NewOrg) -> Result<Uuid, OrgWriteError> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into organisation (organisation_id, name, code, contact_email) values ($1, $2, $3, $4)",
        id,
        &org.name,
        &org.code,
        &org.contact_email
    )
    .execute(conn)
    .await
    .map_err(map_unique)?;
    Ok(id)
}

/// Update with optimistic locking: `version` is the version the form was based on.
pub async fn update(conn: &mut PgConnection, id: Uuid, version: i32, org: &NewOrg) -> Result<(), OrgWriteError> {
    let done = sqlx::query!(
        "update organisation set name = $3, code = $4, contact_email = $5, version = version + 1
          where organisation_id = $1 and version = $2",
        id,
        version,
        &org.name,
        &org.code,
        &org.contact_email
    )
    .execute(conn)
    .await
    .map_err(map_unique)?;
    if done.rows_affected() == 0 { Err(OrgWriteError::Stale) } else { Ok(()) }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Organisation {
    pub organisation_id: Uuid,
    pub name: String,
    pub code: String,
    pub contact_email: String,
    pub version: i32,
    pub member_count: i64,
    /// Two-factor login is required for beheerders and CISOs.
    pub require_mfa: bool,
}

/// The organisations a user belongs to.
pub async fn list_for_user(pool: &sqlx::PgPool, user_id: Uuid) -> Result<Vec<Organisation>, sqlx::Error> {
    sqlx::query_as!(
        Organisation,
        r#"select o.organisation_id as "organisation_id!: Uuid", o.name as "name!: String",
                 o.code as "code!: String", o.contact_email as "contact_email!: String",
                 o.version as "version!: i32", o.require_mfa as "require_mfa!: bool",
                (select count(distinct m2.user_id) from membership m2 where m2.organisation_id = o.organisation_id) as "member_count!: i64"
           from organisation o
          where exists (select 1 from membership m where m.organisation_id = o.organisation_id and m.user_id = $1)
          order by o.name, o.code"#,
        user_id
    )
    .fetch_all(pool)
    .await
}

pub async fn get(pool: &sqlx::PgPool, id: Uuid) -> Result<Option<Organisation>, sqlx::Error> {
    sqlx::query_as!(
        Organisation,
        r#"select o.organisation_id as "organisation_id!: Uuid", o.name as "name!: String",
                 o.code as "code!: String", o.contact_email as "contact_email!: String",
                 o.version as "version!: i32", o.require_mfa as "require_mfa!: bool",
                (select count(distinct m.user_id) from membership m where m.organisation_id = o.organisation_id) as "member_count!: i64"
           from organisation o where o.organisation_id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await
}

pub async fn find_by_code(conn: &mut PgConnection, code: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("select organisation_id from organisation where code = $1", code.trim().to_lowercase())
        .fetch_optional(conn)
        .await
}

pub async fn all_ids(conn: &mut PgConnection) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("select organisation_id from organisation order by name").fetch_all(conn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_codes() {
        for ok in ["gm0344", "mnre1034", "ws0155", "pv26", "00000001003214345000", "0207437468"] {
            assert!(is_valid_code(ok), "{ok}");
        }
        for bad in ["", "gm", "0344", "g0344", "GM0344", "gm03a4", "gm-0344", "abcdefghi1", "123456789"] {
            assert!(!is_valid_code(bad), "{bad}");
        }
    }
}
