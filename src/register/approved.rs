//! The approved version of a registration (issue 18, item 5): at every approval, when an approved tool is put
//! into use or evaluated, and at a change that needs no new approval, the registration as approved is kept
//! (table `approved_version`, migration 0020). When the owner then changes a material field, the registration
//! goes back into review (status "ingediend", as before) while this version keeps governing what employees
//! see. The new round's approval replaces it; "Wijziging afwijzen" restores the registration from it. Which
//! list uses which version:
//!
//! - the approved version while a change is in review: the allowed-tools page, its print view and "Mag ik …
//!   gebruiken voor …?" (SQL `registration_on_allowed_list`), and the evaluations in force — the dashboard's
//!   chart, the register's `evaluatie` filter it links to, and the reminders (SQL `registration_in_force`);
//! - the registration itself: the register list and its status filter, the review queue, the dashboard's chart
//!   per status (the tool counts as "Ingediend"/"In beoordeling": it waits for the CISO), the public register
//!   and the export (`registration_public`: a published tool leaves them while its change is in review, as
//!   before this change).

use serde_json::{Map, Value, json};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::fields::{self, FIELDS, RISK_LEVELS, label_of};
use super::form::{Member, display_value};
use super::lifecycle::{Ctx, interested};
use super::machine::WorkflowStatus;
use super::notices::{self, Kind, Note};
use super::store::{self, Stored};
use crate::error::{AppError, AppResult};

/// The approved version of one registration.
#[derive(Debug, Clone)]
pub struct Approved {
    pub doc: Map<String, Value>,
    pub status: WorkflowStatus,
    pub decision_id: Option<Uuid>,
    pub approved_at: OffsetDateTime,
}

/// Keep the registration as it now stands as its approved version, in the caller's transaction. With a
/// decision (an approval) the decision and its time replace the earlier ones; without one (put into use) only
/// the fields and the status follow.
pub async fn save(conn: &mut PgConnection, id: Uuid, decision: Option<(Uuid, Uuid)>) -> sqlx::Result<()> {
    let (decision_id, by) = decision.unzip();
    sqlx::query!(
        "insert into approved_version (application_id, doc, status, decision_id, approved_by, approved_at)
         select a.application_id, to_jsonb(a.*) - 'search', a.workflow_status, $2, $3, clock_timestamp()
           from application a where a.application_id = $1
         on conflict (application_id) do update
            set doc = excluded.doc, status = excluded.status, saved_at = clock_timestamp(),
                decision_id = case when $2::uuid is null then approved_version.decision_id else excluded.decision_id end,
                approved_by = case when $2::uuid is null then approved_version.approved_by else excluded.approved_by end,
                approved_at = case when $2::uuid is null then approved_version.approved_at else excluded.approved_at end",
        id,
        decision_id,
        by
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The approved version, if the registration was ever approved.
pub async fn load(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<Approved>> {
    let row = sqlx::query!(
        "select doc, status, decision_id, approved_at from approved_version where application_id = $1",
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(|r| {
        let Value::Object(doc) = r.doc else { return None };
        Some(Approved {
            doc,
            status: WorkflowStatus::parse(&r.status)?,
            decision_id: r.decision_id,
            approved_at: r.approved_at,
        })
    }))
}

/// Back in review (or returned with questions) after a material change while the approved version governs.
pub fn change_in_review(status: WorkflowStatus, approved: Option<&Approved>) -> bool {
    approved.is_some() && (status.is_in_review() || status == WorkflowStatus::Teruggestuurd)
}

/// The approved version when `app` is a change under review (None otherwise).
pub async fn governing(conn: &mut PgConnection, app: &Stored) -> sqlx::Result<Option<Approved>> {
    if !(app.status.is_in_review() || app.status == WorkflowStatus::Teruggestuurd) {
        return Ok(None);
    }
    load(conn, app.id).await
}

/// "Wijziging afwijzen": the registration's fields and status become the approved version's again (the row
/// must be locked by the caller). The caller records the audit event. A version kept without an evaluation date
/// (demo data loaded as approved) leaves the current date alone.
pub async fn restore(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    let cols: Vec<&str> = FIELDS.iter().map(|f| f.key).collect();
    let list = cols.join(", ");
    let from = cols
        .iter()
        .map(|c| match *c {
            "next_evaluation" => "coalesce(r.next_evaluation, a.next_evaluation)".to_string(),
            c => format!("r.{c}"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    // Column names are the catalogue's own keys, never input.
    let sql = format!(
        "update application a set ({list}, risk_level_derived, workflow_status, version) =
             (select {from}, v.doc->>'risk_level_derived', v.status, a.version + 1
                from jsonb_populate_record(null::application, v.doc) r)
           from approved_version v
          where v.application_id = a.application_id and a.application_id = $1"
    );
    sqlx::query(&sql).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// One field that the proposed change alters: its label, the approved and the proposed value as people read
/// them, and whether the field is material (a change of it needs the CISO).
#[derive(Debug, Clone)]
pub struct Difference {
    pub key: &'static str,
    pub label: &'static str,
    pub approved: String,
    pub proposed: String,
    pub material: bool,
}

/// The fields in which `current` differs from the approved version, in the catalogue's order (the own risk
/// level, derived from them, last). Bookkeeping (version, dates, status) is left out.
pub fn differences(approved: &Map<String, Value>, current: &Map<String, Value>, members: &[Member]) -> Vec<Difference> {
    let keys = FIELDS.iter().map(|f| f.key).chain(["risk_level"]);
    keys.filter_map(|key| {
        let (a, b) = (approved.get(key).unwrap_or(&Value::Null), current.get(key).unwrap_or(&Value::Null));
        if same(a, b) {
            return None;
        }
        let show = |v: &Value| match (key, v) {
            ("risk_level", Value::String(s)) => label_of(RISK_LEVELS, s),
            (_, v) if super::form::is_blank(v) => "(leeg)".to_string(),
            _ => display_value(key, v, members),
        };
        Some(Difference {
            key,
            label: fields::label(key),
            approved: show(a),
            proposed: show(b),
            material: MATERIAL.contains(&key),
        })
    })
    .collect()
}

/// Empty text, an empty list and null are the same for a reader.
fn same(a: &Value, b: &Value) -> bool {
    a == b || (super::form::is_blank(a) && super::form::is_blank(b))
}

/// "Wijziging afwijzen": the CISO refuses a change of an approved tool. The registration's fields and status
/// become the approved version's again, the decision is kept as "wijziging_afgewezen", the audit trail records
/// it with the reason, and submitter and owner are told that the tool stays allowed as it was. The row is
/// locked and the machine's check on the decision passed (the caller).
pub async fn reject_change(
    conn: &mut PgConnection,
    ctx: &Ctx<'_>,
    before: &Stored,
    note: &str,
    by: Uuid,
) -> AppResult<Stored> {
    restore(conn, before.id).await?;
    sqlx::query!(
        "insert into review_decision (decision_id, application_id, decision, note, decided_by)
         values ($1, $2, 'wijziging_afgewezen', $3, $4)",
        Uuid::now_v7(),
        before.id,
        note,
        by
    )
    .execute(&mut *conn)
    .await?;
    let after = store::get_in(conn, ctx.org, before.id).await?.ok_or(AppError::NotFound)?;
    let extra = [("decision_note", json!(note))];
    store::record_with(conn, ctx.actor, "application.change_rejected", Some(before), &after, &extra).await?;
    let message: String = format!(
        "De wijziging van {} is afgewezen: {note} De goedgekeurde versie blijft gelden; de tool mag worden gebruikt zoals goedgekeurd.",
        after.name()
    )
    .chars()
    .take(500)
    .collect();
    let link = format!("/register/{}/beoordeling", before.id);
    let n = Note {
        organisation_id: ctx.org,
        kind: Kind::Decision,
        application_id: Some(before.id),
        message: &message,
        link: &link,
    };
    notices::send(conn, &interested(&after), Some(by), &n).await?;
    Ok(after)
}

/// Fields whose change after approval sends a registration back to the CISO: what the tool does, with
/// which data, and how it is deployed.
pub const MATERIAL: &[&str] = &[
    "goal",
    "use_category",
    "deployment",
    "licence_type",
    "generative",
    "agentic",
    "interaction",
    "personal_data",
    "special_categories",
    "data_location",
    "ai_act_risk_group",
    "risk_level",
    "dc_openbaar",
    "dc_intern",
    "dc_vertrouwelijk",
    "dc_persoonsgegevens",
    "dc_bijzondere",
    "dc_beveiliging",
    "dc_klant",
    "dc_financieel",
];

/// The material fields that differ between two stored versions.
pub fn material_changes(before: &Stored, after: &Stored) -> Vec<&'static str> {
    MATERIAL
        .iter()
        .copied()
        .filter(|k| before.doc.get(*k).unwrap_or(&Value::Null) != after.doc.get(*k).unwrap_or(&Value::Null))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn differences_name_the_changed_fields_by_label_and_mark_material_ones() {
        let approved = doc(json!({ "name": "Tolk", "goal": "<p>Vertalen</p>", "dc_intern": "verboden",
                                   "provider": "", "risk_level": "laag", "version": 3 }));
        let current = doc(json!({ "name": "Tolk", "goal": "<p>Vertalen</p>", "dc_intern": "toegestaan",
                                  "provider": null, "risk_level": "middel", "version": 4, "tags": "x" }));
        let d = differences(&approved, &current, &[]);
        let keys: Vec<&str> = d.iter().map(|d| d.key).collect();
        assert_eq!(keys, ["tags", "dc_intern", "risk_level"], "{d:?}");
        let intern = &d[1];
        assert_eq!(intern.label, "Mag in de tool: interne informatie");
        assert!(intern.material);
        assert_eq!((intern.approved.as_str(), intern.proposed.as_str()), ("Verboden", "Toegestaan"));
        assert!(!d[0].material);
        assert_eq!(d[0].approved, "(leeg)");
        assert_eq!(
            (d[2].label, d[2].approved.as_str(), d[2].proposed.as_str()),
            ("Eigen risiconiveau", "Laag", "Middel")
        );
        for x in &d {
            assert_ne!(x.label, "Overig veld", "{}", x.key);
        }
    }

    #[test]
    fn every_material_field_has_its_own_label() {
        for key in MATERIAL {
            assert_ne!(fields::label(key), "Overig veld", "{key}");
        }
    }

    #[test]
    fn a_change_is_in_review_only_with_an_approved_version() {
        let approved = Approved {
            doc: Map::new(),
            status: WorkflowStatus::Goedgekeurd,
            decision_id: None,
            approved_at: OffsetDateTime::UNIX_EPOCH,
        };
        for s in [WorkflowStatus::Ingediend, WorkflowStatus::InBeoordeling, WorkflowStatus::Teruggestuurd] {
            assert!(change_in_review(s, Some(&approved)));
            assert!(!change_in_review(s, None));
        }
        for s in [WorkflowStatus::Goedgekeurd, WorkflowStatus::InGebruik, WorkflowStatus::BuitenGebruik] {
            assert!(!change_in_review(s, Some(&approved)));
        }
    }
}
