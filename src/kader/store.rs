//! The Algoritmekader per registration in the database: the AI Act outcome it follows from, the requirements
//! taken over (with the reasons of those marked not applicable) and the measures' status.

use sqlx::{PgConnection, PgPool};
use time::Date;
use uuid::Uuid;

use super::reference::Kader;
use super::rule::Outcome;

pub const STATUSES: &[(&str, &str)] = &[
    ("te_doen", "Te doen"),
    ("in_uitvoering", "In uitvoering"),
    ("gereed", "Gereed"),
    ("niet_van_toepassing", "Niet van toepassing"),
];

/// Done for the gate and the counts: completed, or not applicable with a reason.
pub fn is_done(status: &str) -> bool {
    matches!(status, "gereed" | "niet_van_toepassing")
}

/// The latest completed run of the decision aid, as the rule reads it.
pub async fn outcome<'e>(ex: impl sqlx::PgExecutor<'e>, application_id: Uuid) -> sqlx::Result<Option<Outcome>> {
    let row = sqlx::query!(
        r#"select labels as "labels!", roles as "roles!", system_type, risk_group, transparency
           from ai_act_run where application_id = $1 and completed_at is not null
           order by completed_at desc limit 1"#,
        application_id
    )
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| Outcome {
        labels: r.labels,
        roles: r.roles,
        system_type: r.system_type,
        risk_group: r.risk_group,
        transparency: r.transparency,
    }))
}

#[derive(Debug, Clone)]
pub struct RequirementRow {
    pub application_id: Uuid,
    pub requirement: String,
    pub applicable: bool,
    pub reason: Option<String>,
}

/// The requirements taken over, for one registration or (None) every registration of the organisation.
pub async fn requirements(pool: &PgPool, org: Uuid, application_id: Option<Uuid>) -> sqlx::Result<Vec<RequirementRow>> {
    sqlx::query_as!(
        RequirementRow,
        r#"select r.application_id, r.requirement, r.applicable, r.not_applicable_reason as reason
           from kader_requirement r join application a using (application_id)
           where a.organisation_id = $1 and ($2::uuid is null or r.application_id = $2)
           order by r.application_id, r.requirement"#,
        org,
        application_id
    )
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone)]
pub struct MeasureRow {
    pub application_id: Uuid,
    pub measure: String,
    pub status: String,
    pub reason: Option<String>,
    pub owner_id: Option<Uuid>,
    pub owner: Option<String>,
    pub evidence: Option<String>,
    pub evidence_url: Option<String>,
    pub review_date: Option<Date>,
    pub version: i32,
    /// The uploaded evidence file, if any: its document and name.
    pub document_id: Option<Uuid>,
    pub file_name: Option<String>,
}

/// The measures' status, for one registration or every registration of the organisation.
pub async fn measures(pool: &PgPool, org: Uuid, application_id: Option<Uuid>) -> sqlx::Result<Vec<MeasureRow>> {
    sqlx::query_as!(
        MeasureRow,
        r#"select m.application_id, m.measure, m.status, m.reason, m.owner_id, u.name as "owner?",
                  m.evidence, m.evidence_url, m.review_date, m.version, m.document_id,
                  d.file_name as "file_name?"
           from kader_measure m join application a using (application_id)
           left join app_user u on u.user_id = m.owner_id
           left join assessment_document d on d.document_id = m.document_id
           where a.organisation_id = $1 and ($2::uuid is null or m.application_id = $2)
           order by m.application_id, m.measure"#,
        org,
        application_id
    )
    .fetch_all(pool)
    .await
}

/// Take over a recomputed set: the listed requirements apply (with their measures as the gate counts them),
/// the others taken over before no longer do. Reasons and measure status stay.
pub async fn take_over(
    conn: &mut PgConnection,
    kader: &Kader,
    application_id: Uuid,
    applicable: &[String],
    user: Uuid,
) -> sqlx::Result<()> {
    for id in applicable {
        let measures = kader.requirement(id).map(|r| r.measures.clone()).unwrap_or_default();
        sqlx::query!(
            "insert into kader_requirement (application_id, requirement, applicable, measures, updated_by)
             values ($1, $2, true, $3, $4)
             on conflict (application_id, requirement)
             do update set applicable = true, measures = $3, updated_by = $4, updated_at = now()",
            application_id,
            id,
            &measures,
            user
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!(
        "update kader_requirement set applicable = false, updated_by = $3, updated_at = now()
         where application_id = $1 and applicable and not (requirement = any($2))",
        application_id,
        applicable,
        user
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Mark a requirement not applicable (with a reason) or applicable again (None). False if it was not taken over.
pub async fn set_reason(
    conn: &mut PgConnection,
    application_id: Uuid,
    requirement: &str,
    reason: Option<&str>,
    user: Uuid,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update kader_requirement set not_applicable_reason = $3, updated_by = $4, updated_at = now()
         where application_id = $1 and requirement = $2",
        application_id,
        requirement,
        reason,
        user
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A measure's new state, as checked by the form.
pub struct MeasureUpdate<'a> {
    pub measure: &'a str,
    pub status: &'a str,
    pub reason: Option<&'a str>,
    pub owner_id: Option<Uuid>,
    pub evidence: Option<&'a str>,
    pub evidence_url: Option<&'a str>,
    pub review_date: Option<Date>,
    /// The version the form was made from (0 for a measure never saved).
    pub version: i32,
    /// The evidence file: None keeps what is there, Some(None) removes it, Some(Some(id)) stores a new one.
    pub document: Option<Option<Uuid>>,
}

/// Save a measure's state; false when someone else saved it in between (optimistic locking).
pub async fn save_measure(
    conn: &mut PgConnection,
    application_id: Uuid,
    u: &MeasureUpdate<'_>,
    user: Uuid,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "insert into kader_measure (application_id, measure, status, reason, owner_id, evidence, evidence_url,
                                    review_date, updated_by, version, document_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $12)
         on conflict (application_id, measure) do update
         set status = $3, reason = $4, owner_id = $5, evidence = $6, evidence_url = $7, review_date = $8,
             updated_by = $9, updated_at = now(), version = kader_measure.version + 1,
             document_id = case when $11 then $12 else kader_measure.document_id end
         where kader_measure.version = $10",
        application_id,
        u.measure,
        u.status,
        u.reason,
        u.owner_id,
        u.evidence,
        u.evidence_url,
        u.review_date,
        user,
        u.version,
        u.document.is_some(),
        u.document.flatten()
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A measure's evidence file and its state before a save: (document, file name, version).
pub async fn evidence_file(
    conn: &mut PgConnection,
    application_id: Uuid,
    measure: &str,
) -> sqlx::Result<Option<(Option<Uuid>, Option<String>, i32)>> {
    let row = sqlx::query!(
        r#"select m.document_id, d.file_name as "file_name?", m.version
           from kader_measure m left join assessment_document d on d.document_id = m.document_id
           where m.application_id = $1 and m.measure = $2"#,
        application_id,
        measure
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| (r.document_id, r.file_name, r.version)))
}
