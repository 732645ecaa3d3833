//! The audit trail: every change and decision, written in the same transaction as the change itself.
//! Append-only (the database refuses UPDATE, DELETE and TRUNCATE on `audit_event`) and tamper-evident: each
//! row's SHA-256 covers its content in a canonical JSON form and the previous row's hash, so `airegister audit
//! verify` finds the first row that was altered, inserted or removed in the middle.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

/// Serialises chain writers: the lock is held until the transaction ends, so rows are chained in id order.
const CHAIN_LOCK: i64 = 0x6169_7265_6769_7374; // "airegist"

/// Who did it and from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<Uuid>,
    pub name: String,
    /// "web 192.0.2.1", "cli", "demo".
    pub origin: String,
}

impl Actor {
    pub fn system(origin: &str) -> Self {
        Self { id: None, name: "Systeem".to_string(), origin: origin.to_string() }
    }
}

#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub organisation_id: Option<Uuid>,
    pub actor: &'a Actor,
    /// e.g. "application.created", "application.updated", "application.submitted".
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl<'a> Event<'a> {
    /// An event about one object (its type and id), of an organisation or of none.
    pub fn about(organisation_id: Option<Uuid>, actor: &'a Actor, action: &'a str, object: (&'a str, Uuid)) -> Self {
        Event {
            organisation_id,
            actor,
            action,
            object_type: object.0,
            object_id: Some(object.1),
            before: None,
            after: None,
        }
    }

    /// The object as it was and as it became.
    pub fn change(mut self, before: Option<Value>, after: Option<Value>) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}

/// JSON with object keys sorted at every level, so the same content always hashes the same, whatever order
/// PostgreSQL's jsonb returns keys in.
pub fn canonical(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> =
                keys.into_iter().map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&map[k]))).collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

struct Row {
    audit_id: i64,
    occurred_at: OffsetDateTime,
    organisation_id: Option<Uuid>,
    actor_id: Option<Uuid>,
    actor_name: String,
    action: String,
    object_type: String,
    object_id: Option<Uuid>,
    before: Option<Value>,
    after: Option<Value>,
    origin: String,
}

/// A row as read back for verification: its content and the stored chain links.
struct ChainedRow {
    row: Row,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

fn digest(prev: &[u8], row: &Row) -> Vec<u8> {
    let content = json!({
        "audit_id": row.audit_id,
        "occurred_at_us": (row.occurred_at.unix_timestamp_nanos() / 1000) as i64,
        "organisation_id": row.organisation_id,
        "actor_id": row.actor_id,
        "actor_name": row.actor_name,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "before": row.before,
        "after": row.after,
        "origin": row.origin,
    });
    let mut h = Sha256::new();
    h.update(prev);
    h.update(canonical(&content).as_bytes());
    h.finalize().to_vec()
}

/// Append an event inside the caller's transaction. Call it last in the transaction: the chain lock is held
/// until commit.
pub async fn record(conn: &mut PgConnection, e: Event<'_>) -> sqlx::Result<i64> {
    sqlx::query!("select pg_advisory_xact_lock($1)", CHAIN_LOCK).execute(&mut *conn).await?;
    let prev: Option<Vec<u8>> = sqlx::query_scalar!("select hash from audit_event order by audit_id desc limit 1")
        .fetch_optional(&mut *conn)
        .await?;
    let prev = prev.unwrap_or_else(|| vec![0; 32]);
    let audit_id: i64 =
        sqlx::query_scalar!(r#"select nextval('audit_event_audit_id_seq') as "v!""#).fetch_one(&mut *conn).await?;
    // PostgreSQL keeps microseconds; hash exactly what is stored.
    let now = OffsetDateTime::now_utc();
    let occurred_at = now.replace_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now);
    let row = Row {
        audit_id,
        occurred_at,
        organisation_id: e.organisation_id,
        actor_id: e.actor.id,
        actor_name: e.actor.name.clone(),
        action: e.action.to_string(),
        object_type: e.object_type.to_string(),
        object_id: e.object_id,
        before: e.before,
        after: e.after,
        origin: e.actor.origin.clone(),
    };
    let hash = digest(&prev, &row);
    sqlx::query!(
        "insert into audit_event (audit_id, occurred_at, organisation_id, actor_id, actor_name, action, object_type,
                                  object_id, before, after, origin, prev_hash, hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        row.audit_id,
        row.occurred_at,
        row.organisation_id,
        row.actor_id,
        &row.actor_name,
        &row.action,
        &row.object_type,
        row.object_id,
        row.before.as_ref(),
        row.after.as_ref(),
        &row.origin,
        &prev,
        &hash
    )
    .execute(&mut *conn)
    .await?;
    Ok(audit_id)
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub rows: u64,
    /// The first row that does not fit the chain, and why.
    pub broken: Option<(i64, String)>,
}

/// Recompute every hash, in order, in batches.
pub async fn verify(pool: &PgPool) -> sqlx::Result<Verification> {
    let mut prev = vec![0u8; 32];
    let mut last_id = i64::MIN;
    let mut rows = 0u64;
    loop {
        let batch: Vec<ChainedRow> = sqlx::query!(
            r#"select audit_id as "audit_id!", occurred_at as "occurred_at!", organisation_id as "organisation_id?",
                      actor_id as "actor_id?", actor_name as "actor_name!", action as "action!",
                      object_type as "object_type!", object_id as "object_id?", before as "before?",
                      after as "after?", origin as "origin!", prev_hash as "prev_hash!", hash as "hash!"
               from audit_event where audit_id > $1 order by audit_id limit 1000"#,
            last_id
        )
        .map(|r| ChainedRow {
            row: Row {
                audit_id: r.audit_id,
                occurred_at: r.occurred_at,
                organisation_id: r.organisation_id,
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                action: r.action,
                object_type: r.object_type,
                object_id: r.object_id,
                before: r.before,
                after: r.after,
                origin: r.origin,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        })
        .fetch_all(pool)
        .await?;
        if batch.is_empty() {
            return Ok(Verification { rows, broken: None });
        }
        for ChainedRow { row, prev_hash, hash } in batch {
            rows += 1;
            last_id = row.audit_id;
            if prev_hash != prev {
                return Ok(Verification {
                    rows,
                    broken: Some((
                        row.audit_id,
                        "de verwijzing naar de vorige rij klopt niet (rij verwijderd of ingevoegd)".into(),
                    )),
                });
            }
            if digest(&prev, &row) != hash {
                return Ok(Verification {
                    rows,
                    broken: Some((row.audit_id, "de inhoud van de rij is gewijzigd".into())),
                });
            }
            prev = hash;
        }
    }
}

/// One entry of an object's history, newest first.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub audit_id: i64,
    pub occurred_at: OffsetDateTime,
    pub actor_name: String,
    pub action: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

pub async fn history(pool: &PgPool, object_type: &str, object_id: Uuid) -> sqlx::Result<Vec<HistoryEntry>> {
    sqlx::query_as!(
        HistoryEntry,
        r#"select audit_id as "audit_id!", occurred_at as "occurred_at!", actor_name as "actor_name!",
                  action as "action!", before as "before?", after as "after?"
           from audit_event where object_type = $1 and object_id = $2 order by audit_id desc"#,
        object_type,
        object_id
    )
    .fetch_all(pool)
    .await
}

/// Keys whose values differ between two snapshots (bookkeeping keys left out), in `after`'s order.
pub fn changed_keys(before: Option<&Value>, after: Option<&Value>, ignore: &[&str]) -> Vec<String> {
    let empty = Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<String> = a.keys().chain(b.keys()).filter(|k| !ignore.contains(&k.as_str())).cloned().collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| b.get(k).unwrap_or(&Value::Null) != a.get(k).unwrap_or(&Value::Null)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_sorts_keys() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"d":[1,"x"],"c":null}}"#).unwrap();
        assert_eq!(canonical(&a), r#"{"a":{"c":null,"d":[1,"x"]},"b":1}"#);
    }

    #[test]
    fn changed_keys_ignores_bookkeeping() {
        let b = json!({"name": "a", "version": 1, "goal": null});
        let a = json!({"name": "b", "version": 2, "goal": null, "tags": "x"});
        assert_eq!(changed_keys(Some(&b), Some(&a), &["version"]), vec!["name", "tags"]);
    }
}
