//! The checklist "Verantwoorde inzet" (seed 002, Bijlage 2), answered by whoever can: the items about the
//! tool and its use by its owner (in the registration form), the items about risk analysis, privacy,
//! measures and supplier agreements by the CISO (on the review page). The registration's `checklist` column
//! stays what the gates, the export and the API read; `checklist_tick` records who ticked each item and
//! when, written in the same transaction as the column.

use serde_json::{Map, Value, json};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::options::{CHECKLIST, Opt};
use super::store::{self, Stored};
use crate::audit::Actor;
use crate::error::{AppError, AppResult};

/// Who answers an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The owner knows the tool and its use: purpose, transparency, explainability, who is responsible,
    /// the register entry, training of the users.
    Owner,
    /// Only a reviewer can judge these: whether the risk analysis (DPIA/IAMA) was done, privacy, technical
    /// and organisational measures, and the supplier's agreements.
    Ciso,
}

impl Party {
    pub fn label(self) -> &'static str {
        match self {
            Party::Owner => "eigenaar",
            Party::Ciso => "CISO",
        }
    }
}

const CISO_ITEMS: &[&str] = &["risicoanalyse", "privacy", "maatregelen", "leveranciersafspraken"];

pub fn party(item: &str) -> Party {
    if CISO_ITEMS.contains(&item) { Party::Ciso } else { Party::Owner }
}

/// The items one party answers, in the checklist's order.
pub fn items_of(p: Party) -> Vec<Opt> {
    CHECKLIST.iter().copied().filter(|o| party(o.value) == p).collect()
}

/// The ticked items of a stored registration (or of validated values).
pub fn ticked(doc: &Map<String, Value>) -> Vec<String> {
    doc.get("checklist")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// What `p` posted for its own items, with the other party's items as they were: nobody ticks or unticks
/// the other's items through their own form. In the checklist's order.
pub fn merge(stored: &[String], posted: &[String], p: Party) -> Vec<String> {
    CHECKLIST
        .iter()
        .filter(|o| {
            let list = if party(o.value) == p { posted } else { stored };
            list.iter().any(|v| v == o.value)
        })
        .map(|o| o.value.to_string())
        .collect()
}

/// Record who ticked what: items newly ticked get `by` and now, items no longer ticked lose their tick.
pub async fn sync(
    conn: &mut PgConnection,
    application_id: Uuid,
    before: &[String],
    after: &[String],
    by: Option<Uuid>,
) -> sqlx::Result<()> {
    let added: Vec<String> = after.iter().filter(|i| !before.contains(i)).cloned().collect();
    sqlx::query!(
        "delete from checklist_tick where application_id = $1 and not (item = any($2))",
        application_id,
        after
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into checklist_tick (application_id, item, ticked_by)
         select $1, i, $3 from unnest($2::text[]) as i
         on conflict (application_id, item) do nothing",
        application_id,
        &added,
        by
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One item as the registration and review pages show it.
#[derive(Debug, Clone)]
pub struct TickView {
    pub item: &'static str,
    pub label: &'static str,
    pub party: Party,
    pub ticked: bool,
    /// Who ticked it ("onbekend" for ticks from before this was recorded).
    pub by: String,
    /// When, as people read it ("12-03-2026 10:15").
    pub at: String,
}

/// Who ticked an item and when, as recorded.
#[derive(Debug, serde::Deserialize)]
pub struct Tick {
    pub item: String,
    pub name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub ticked_at: OffsetDateTime,
}

/// Every item of the checklist with whether, by whom and when it was ticked.
pub async fn views(conn: &mut PgConnection, app: &Stored) -> sqlx::Result<Vec<TickView>> {
    let rows = sqlx::query_as!(
        Tick,
        r#"select t.item, u.name as "name?", t.ticked_at from checklist_tick t
           left join app_user u on u.user_id = t.ticked_by where t.application_id = $1"#,
        app.id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(views_of(app, &rows))
}

/// The checklist's items with the recorded ticks (`views`, `beside::load`).
pub fn views_of(app: &Stored, rows: &[Tick]) -> Vec<TickView> {
    let current = ticked(&app.doc);
    CHECKLIST
        .iter()
        .map(|o| {
            let row = rows.iter().find(|r| r.item == o.value);
            let is_ticked = current.iter().any(|c| c == o.value);
            TickView {
                item: o.value,
                label: o.label,
                party: party(o.value),
                ticked: is_ticked,
                by: match row {
                    Some(r) if is_ticked => r.name.clone().unwrap_or_else(|| "onbekend".to_string()),
                    _ => String::new(),
                },
                at: row.filter(|_| is_ticked).map(|r| crate::web::format_datetime(r.ticked_at)).unwrap_or_default(),
            }
        })
        .collect()
}

/// The CISO sets the CISO items of the checklist on the version they saw: the column, the ticks and the
/// audit event in the caller's transaction. 409 when the registration changed in between.
pub async fn set_ciso_items(
    conn: &mut PgConnection,
    actor: &Actor,
    before: &Stored,
    seen_version: i32,
    posted: &[String],
) -> AppResult<Stored> {
    if seen_version != before.version {
        return Err(AppError::Conflict(format!(
            "{} is gewijzigd sinds u de pagina opende (u zag versie {seen_version}, nu is het versie {}). Er is niets \
             vastgelegd. Open de beoordeling opnieuw en vink de checklist dan opnieuw af.",
            before.name(),
            before.version
        )));
    }
    let old = ticked(&before.doc);
    let new = merge(&old, posted, Party::Ciso);
    if new == old {
        // Nothing changed: no new version, no event.
        return Ok(before.clone());
    }
    sqlx::query!(
        "update application set checklist = $3, version = version + 1
         where application_id = $1 and organisation_id = $2 and version = $4",
        before.id,
        before.organisation_id,
        &new,
        before.version
    )
    .execute(&mut *conn)
    .await?;
    sync(conn, before.id, &old, &new, actor.id).await?;
    let after = store::get_in(conn, before.organisation_id, before.id).await?.ok_or(AppError::NotFound)?;
    store::record_with(conn, actor, "application.checklist", Some(before), &after, &[("checklist_by", json!("ciso"))])
        .await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn the_split_covers_every_item_once() {
        let owner = items_of(Party::Owner);
        let ciso = items_of(Party::Ciso);
        assert_eq!(owner.len() + ciso.len(), CHECKLIST.len());
        assert_eq!(ciso.iter().map(|o| o.value).collect::<Vec<_>>(), CISO_ITEMS);
        assert!(owner.iter().any(|o| o.value == "doel") && owner.iter().any(|o| o.value == "training"));
    }

    #[test]
    fn a_party_changes_only_its_own_items() {
        let stored = s(&["doel", "privacy"]);
        // The owner posts a CISO item and leaves out "doel": privacy stays, risicoanalyse is ignored.
        assert_eq!(merge(&stored, &s(&["risicoanalyse", "training"]), Party::Owner), s(&["privacy", "training"]));
        // The CISO unticks privacy and ticks maatregelen; the owner's doel stays.
        assert_eq!(merge(&stored, &s(&["maatregelen", "doel_x"]), Party::Ciso), s(&["doel", "maatregelen"]));
    }
}
