//! The approval gate of the Algoritmekader (issue 23): when the organisation has switched it on, a high-risk
//! AI system is approved only when every applicable requirement is met, i.e. each of its measures is gereed
//! or niet van toepassing (with a reason, which the table's check demands). The register's gates
//! (`register::gates`) decide; this module reads what they decide on.

use sqlx::PgConnection;
use uuid::Uuid;

use super::rule::{self, Profile};
use super::store;
use crate::register::facts::KaderOpenResult;
use crate::register::gates::KaderOpen;

/// The reader the register's gates call (register::facts::register_kader_reader).
pub fn reader(conn: &mut PgConnection, application_id: Uuid) -> futures_util::future::BoxFuture<'_, KaderOpenResult> {
    Box::pin(open(conn, application_id))
}

/// What the gate sees: the requirements taken over and still applicable that are not met (in the
/// Algoritmekader's order), and why the set itself is not settled yet, if it is not: no outcome of the
/// decision aid to follow from, or a set taken over that differs from what the latest outcome gives.
pub async fn open(conn: &mut PgConnection, application_id: Uuid) -> KaderOpenResult {
    // A measure serves several requirements; its one state per registration counts for each of them.
    let rows = sqlx::query!(
        r#"select r.requirement,
                  (select count(*) from unnest(r.measures) as m(id)
                    where not exists (select 1 from kader_measure k
                                       where k.application_id = r.application_id and k.measure = m.id
                                         and k.status in ('gereed', 'niet_van_toepassing'))) as "open!"
           from kader_requirement r
           where r.application_id = $1 and r.applicable and r.not_applicable_reason is null"#,
        application_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let taken: Vec<String> = sqlx::query_scalar!(
        "select requirement from kader_requirement where application_id = $1 and applicable",
        application_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let Ok(kader) = super::load() else {
        // The reference data is checked at start-up; without it nothing can be said to be met.
        return Ok((Vec::new(), Some("Het Algoritmekader kon niet worden gelezen.")));
    };
    let profile = store::outcome(&mut *conn, application_id).await?.as_ref().and_then(Profile::from_outcome);
    let now = profile.map(|p| p.applicable(kader)).unwrap_or_default();
    let (added, removed) = rule::difference(&taken, &now);
    let pending = if now.is_empty() {
        Some(
            "Uit de beslishulp AI-verordening volgt (nog) geen vereiste; doorloop de beslishulp (tabblad „AI-verordening”).",
        )
    } else if !added.is_empty() || !removed.is_empty() {
        Some(
            "De vereisten zijn nog niet overgenomen uit de laatste uitkomst van de beslishulp (tabblad „Vereisten”, knop „Vereisten overnemen”).",
        )
    } else {
        None
    };
    let position = |id: &str| kader.requirements.iter().position(|r| r.id == id).unwrap_or(usize::MAX);
    let mut open: Vec<KaderOpen> = rows
        .into_iter()
        .filter(|r| r.open > 0)
        .map(|r| KaderOpen {
            title: kader.requirement(&r.requirement).map(|k| k.title.clone()).unwrap_or_default(),
            id: r.requirement,
            open: usize::try_from(r.open).unwrap_or(0),
        })
        .collect();
    open.sort_by_key(|o| position(&o.id));
    Ok((open, pending))
}
