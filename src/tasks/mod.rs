//! "Mijn taken": what waits for the signed-in user, per role, oldest first (issue 18, item 7). Each kind of
//! work reads its own rows in its own file; `for_user` gathers them for the start page and the API.

pub mod advice;
pub mod completion;
mod confirmations;
pub mod consent;
pub mod evaluations;
pub mod incidents;
pub mod leavers;
mod requests;
pub mod reviews;

use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::roles::Role;

/// One piece of work waiting for someone.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Task {
    /// The kind of work as the list groups it ("Aanvragen beoordelen", "Assessments bevestigen").
    pub kind: &'static str,
    /// What it is about, usually the tool's name.
    pub title: String,
    /// A short line on what is asked ("Ingediend door Jan Jansen").
    pub detail: String,
    /// The page where the work is done.
    pub link: String,
    /// Since when it waits (the list is sorted on this, oldest first).
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

/// Whose tasks: the user, their organisation and their roles there.
pub struct Who<'a> {
    pub user_id: Uuid,
    pub organisation_id: Uuid,
    pub roles: &'a [Role],
}

impl Who<'_> {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Every task of the user, oldest first.
pub async fn for_user(conn: &mut PgConnection, who: &Who<'_>) -> sqlx::Result<Vec<Task>> {
    let mut tasks = Vec::new();
    // Each source adds its own kinds; a new kind of work is a new file and one line here.
    tasks.extend(reviews::tasks(conn, who).await?);
    tasks.extend(advice::tasks(conn, who).await?);
    tasks.extend(consent::tasks(conn, who).await?);
    tasks.extend(evaluations::tasks(conn, who).await?);
    tasks.extend(completion::tasks(conn, who).await?);
    tasks.extend(incidents::tasks(conn, who).await?);
    tasks.extend(confirmations::tasks(conn, who).await?);
    tasks.extend(requests::tasks(conn, who).await?);
    tasks.extend(leavers::tasks(conn, who).await?);
    tasks.sort_by_key(|t: &Task| t.since);
    Ok(tasks)
}
