//! A training as stored, for changing and removing it (the pages in `edit` and the API): read with what hangs on
//! it, changed only over the version it was read at (migration 0065), so two administrators never overwrite
//! each other silently, and removed only when nobody has completed or entered it: the completions and their
//! certificates are the organisation's evidence of AI literacy (AI Act art. 4) and would go with it.

use serde_json::Value;
use uuid::Uuid;

use super::forms::TrainingInput;
use super::record;
use super::rules::LEVELS;
use crate::error::AppResult;
use crate::register::options::label_in;
use crate::web::forms::FormData;
use crate::web::user::CurrentUser;

/// A training as stored, with what hangs on it.
pub(crate) struct Stored {
    pub(crate) title: String,
    provider: Option<String>,
    level: String,
    duration_minutes: Option<i32>,
    validity_months: Option<i32>,
    link: Option<String>,
    pub(crate) version: i32,
    /// Requirements of roles and tools.
    pub(crate) requirements: i64,
    /// People with a completion, confirmed or waiting.
    pub(crate) people: i64,
}

pub(crate) async fn stored(db: impl sqlx::PgExecutor<'_>, org: Uuid, id: Uuid) -> AppResult<Option<Stored>> {
    Ok(sqlx::query_as!(
        Stored,
        r#"select t.title, t.provider, t.level, t.duration_minutes, t.validity_months, t.link, t.version,
                  (select count(*) from training_requirement r where r.training_id = t.training_id) as "requirements!",
                  (select count(distinct c.user_id) from training_completion c
                    where c.training_id = t.training_id) as "people!"
           from training t where t.training_id = $1 and t.organisation_id = $2"#,
        id,
        org
    )
    .fetch_optional(db)
    .await?)
}

impl Stored {
    /// The training as its form is filled in.
    pub(crate) fn form(&self) -> FormData {
        let mut f = FormData::default();
        let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
        f.push("title", self.title.clone());
        f.push("provider", self.provider.clone().unwrap_or_default());
        f.push("level", self.level.clone());
        f.push("duration_minutes", number(self.duration_minutes));
        f.push("validity_months", number(self.validity_months));
        f.push("link", self.link.clone().unwrap_or_default());
        f
    }

    /// The training as the audit log records it (the same fields as when it was added).
    fn audit(&self) -> Value {
        TrainingInput::try_from(&self.form()).map_or_else(|_| Value::String(self.title.clone()), |t| t.audit())
    }

    /// What is stored, in a sentence: "Titel „AI basis”; niveau basis; geldig 24 maanden; …".
    pub(crate) fn described(&self) -> String {
        let or = |v: &Option<String>, none: &str| v.clone().unwrap_or_else(|| none.to_string());
        [
            format!("titel „{}”", self.title),
            format!("aanbieder: {}", or(&self.provider, "geen")),
            format!("niveau: {}", label_in(LEVELS, &self.level).to_lowercase()),
            format!("duur: {}", self.duration_minutes.map_or("onbekend".to_string(), |m| format!("{m} minuten"))),
            format!("geldigheid: {}", self.validity_months.map_or("onbeperkt".to_string(), |m| format!("{m} maanden"))),
            format!("link: {}", or(&self.link, "geen")),
        ]
        .join("; ")
    }
}

/// What saving a change to a training came to.
pub(crate) enum Saved {
    /// Saved (as the next version).
    Changed,
    /// The input is what is stored: nothing was saved.
    Unchanged,
    /// Someone saved a change since the version read: what is stored now.
    Stale(Stored),
    /// Another training of the organisation has this title.
    SameTitle,
    /// Not (any more) a training of the organisation.
    Gone,
}

/// Save a change over the version it was read at, with its audit event (the form and the API).
pub(crate) async fn change(
    pool: &sqlx::PgPool,
    user: &CurrentUser,
    org: Uuid,
    id: Uuid,
    read_at: i32,
    t: &TrainingInput,
) -> AppResult<Saved> {
    let Some(s) = stored(pool, org, id).await? else { return Ok(Saved::Gone) };
    let (before, after) = (s.audit(), t.audit());
    if before == after {
        return Ok(Saved::Unchanged);
    }
    let mut tx = pool.begin().await?;
    let saved = sqlx::query_scalar!(
        "update training set title = $4, provider = $5, level = $6, duration_minutes = $7, validity_months = $8,
                link = $9, version = version + 1, updated_at = now()
         where training_id = $1 and organisation_id = $2 and version = $3 returning version",
        id,
        org,
        read_at,
        t.title,
        t.provider,
        t.level,
        t.duration_minutes,
        t.validity_months,
        t.link
    )
    .fetch_optional(&mut *tx)
    .await;
    match saved {
        Ok(Some(_)) => {}
        Ok(None) => {
            drop(tx);
            return Ok(stored(pool, org, id).await?.map_or(Saved::Gone, Saved::Stale));
        }
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("training_title_key") => return Ok(Saved::SameTitle),
        Err(e) => return Err(e.into()),
    }
    record(&mut tx, user, org, "literacy.training_changed", ("training", id), Some(before), Some(after)).await?;
    tx.commit().await?;
    Ok(Saved::Changed)
}

/// What removing a training came to.
pub(crate) enum Removal {
    /// Removed, with this many requirements.
    Removed { title: String, requirements: i64 },
    /// Kept: this many people completed or entered it.
    Completed { title: String, people: i64 },
    /// Not (any more) a training of the organisation.
    Gone,
}

/// Remove a training nobody has completed, with its requirements, in one transaction with its audit event (the
/// page and the API).
pub(crate) async fn delete(pool: &sqlx::PgPool, user: &CurrentUser, org: Uuid, id: Uuid) -> AppResult<Removal> {
    let mut tx = pool.begin().await?;
    // The row lock keeps a completion from being added between the count and the delete (its foreign key
    // check waits for this transaction, then finds the training gone).
    sqlx::query!("select 1 as one from training where training_id = $1 and organisation_id = $2 for update", id, org)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(s) = stored(&mut *tx, org, id).await? else { return Ok(Removal::Gone) };
    if s.people > 0 {
        return Ok(Removal::Completed { title: s.title, people: s.people });
    }
    // What went with it, so the audit log can tell whom it was required of.
    let requirements = sqlx::query!(
        r#"select r.role, r.application_id, a.name as "tool?" from training_requirement r
           left join application a using (application_id)
           where r.training_id = $1 order by r.role, lower(a.name)"#,
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut before = s.audit();
    if let Value::Object(m) = &mut before {
        let list: Vec<Value> = requirements
            .into_iter()
            .map(|r| serde_json::json!({"role": r.role, "application_id": r.application_id, "tool": r.tool}))
            .collect();
        m.insert("requirements".into(), Value::Array(list));
    }
    sqlx::query!("delete from training where training_id = $1 and organisation_id = $2", id, org)
        .execute(&mut *tx)
        .await?;
    record(&mut tx, user, org, "literacy.training_removed", ("training", id), Some(before), None).await?;
    tx.commit().await?;
    Ok(Removal::Removed { title: s.title, requirements: s.requirements })
}

/// Why a training stays: "1 medewerker heeft haar gevolgd of ingevoerd", "3 medewerkers hebben …".
pub(crate) fn kept_because(n: i64) -> String {
    let who = if n == 1 { "1 medewerker heeft".to_string() } else { format!("{n} medewerkers hebben") };
    format!("{who} haar gevolgd of ingevoerd")
}
