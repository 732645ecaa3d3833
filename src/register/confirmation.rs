//! Assessments are confirmed, not self-declared (issue 18, item 4). A completed assessment counts for the gates
//! only once the role that answers for its kind has confirmed it: the FG for the DPIA, the Pre-scan DPIA and the
//! DTIA (privacy instruments), the CISO for the others. Whoever holds that role confirms by recording it; anyone
//! else's recording waits "ter bevestiging" until the FG or CISO confirms it or sends it back with a reason.
//! Each change is audited and announced in the transaction of the write.

use sqlx::PgConnection;
use uuid::Uuid;

use super::lifecycle::{Ctx, interested};
use super::notices::{self, Kind, Note};
use super::store::{self, Stored};
use crate::error::{AppError, AppResult};
use crate::roles::Role;

/// The longest reason for sending an assessment back.
pub const MAX_REASON: usize = 2000;

/// The role that confirms an assessment of this kind.
pub fn confirmer(kind: &str) -> Role {
    match kind {
        "dpia" | "prescan_dpia" | "dtia" => Role::Fg,
        _ => Role::Ciso,
    }
}

/// The confirming role as a sentence names it ("de FG").
pub fn confirmer_name(kind: &str) -> &'static str {
    match confirmer(kind) {
        Role::Fg => "de FG",
        _ => "de CISO",
    }
}

/// Who writes or decides: the person, and whether they hold the confirming role for the assessment's kind.
pub struct By<'a> {
    pub user_id: Uuid,
    pub roles: &'a [Role],
}

impl By<'_> {
    fn confirms(&self, kind: &str) -> bool {
        self.roles.contains(&confirmer(kind))
    }
}

/// The assessment as the confirmation rules read it.
struct Current {
    kind: String,
    name: String,
    status: String,
    confirmation: Option<String>,
    recorded_by: Option<Uuid>,
    version: i32,
}

async fn current(conn: &mut PgConnection, app: Uuid, aid: Uuid) -> sqlx::Result<Option<Current>> {
    sqlx::query_as!(
        Current,
        r#"select kind, coalesce(other_name, kind) as "name!", status, confirmation, recorded_by, version
             from assessment where application_id = $1 and assessment_id = $2"#,
        app,
        aid
    )
    .fetch_optional(&mut *conn)
    .await
}

/// A kind's short name as sentences use it ("de DPIA"); None for "anders" (its own name is used).
pub fn short_name(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "prescan_dpia" => "Pre-scan DPIA",
        "dpia" => "DPIA",
        "iama" => "IAMA",
        "fraia" => "FRAIA",
        "aiia" => "AIIA",
        "dtia" => "DTIA",
        "kia" => "KIA",
        "bio_quickscan" => "BIO-quickscan",
        _ => return None,
    })
}

/// The assessment's name as people read it.
fn display_name(c: &Current) -> String {
    short_name(&c.kind).map(str::to_string).unwrap_or_else(|| c.name.clone())
}

/// After an assessment was written (added, edited, or completed through its questionnaire): its confirmation
/// state follows. `changed` says whether what it says changed (status, dates, outcome, report, kind). A
/// completed assessment that changed is confirmed at once when the writer holds the confirming role, and
/// otherwise waits for confirmation (the confirmers are notified); one that is no longer completed has none.
/// Returns the words for the save's message, if the state changed.
pub async fn after_write(
    conn: &mut PgConnection,
    ctx: &Ctx<'_>,
    app: &Stored,
    aid: Uuid,
    by: &By<'_>,
    changed: bool,
) -> AppResult<Option<&'static str>> {
    let c = current(conn, app.id, aid).await?.ok_or(AppError::NotFound)?;
    if c.status != "afgerond" {
        sqlx::query!(
            "update assessment set confirmation = null, confirmed_by = null, confirmed_at = null where assessment_id = $1",
            aid
        )
        .execute(&mut *conn)
        .await?;
        return Ok(None);
    }
    if !changed && c.confirmation.is_some() {
        return Ok(None);
    }
    let confirmed = by.confirms(&c.kind);
    sqlx::query!(
        "update assessment set confirmation = case when $2 then 'bevestigd' else 'ter_bevestiging' end,
                recorded_by = $3, recorded_at = now(),
                confirmed_by = case when $2 then $3::uuid end, confirmed_at = case when $2 then now() end,
                returned_reason = null, returned_by = null, returned_at = null
          where assessment_id = $1",
        aid,
        confirmed,
        by.user_id
    )
    .execute(&mut *conn)
    .await?;
    let name = display_name(&c);
    if confirmed {
        let note = format!("{name}: bevestigd bij het vastleggen (door {})", confirmer_name(&c.kind));
        store::record_note(conn, ctx.actor, "application.assessment_confirmed", app, ("assessment", &note)).await?;
        return Ok(Some("en bevestigd"));
    }
    let note = format!("{name}: ter bevestiging bij {}", confirmer_name(&c.kind));
    store::record_note(conn, ctx.actor, "application.assessment_awaiting", app, ("assessment", &note)).await?;
    let message = format!(
        "{}: de {name} is afgerond en wacht op uw bevestiging ({}).",
        app.name(),
        confirmer_name(&c.kind).trim_start_matches("de ")
    );
    let link = format!("/register/{}/assessments#assessment-{aid}", app.id);
    let n = Note {
        organisation_id: ctx.org,
        kind: Kind::ConfirmationRequested,
        application_id: Some(app.id),
        message: &message,
        link: &link,
    };
    notices::send_to_roles(conn, &[confirmer(&c.kind)], Some(by.user_id), &n).await?;
    Ok(Some(match confirmer(&c.kind) {
        Role::Fg => "en wacht op bevestiging door de FG",
        _ => "en wacht op bevestiging door de CISO",
    }))
}

/// What the confirmer decides.
pub enum Decision<'a> {
    Confirm,
    /// Back to "in uitvoering", with the reason the recorder reads.
    Return(&'a str),
}

/// Confirm an assessment that waits for confirmation, or send it back. Only the confirming role may, never the
/// person who recorded it (four-eyes; someone who held the role when recording confirmed it then), and only
/// the state that was shown (`version`). Returns the assessment's name for the message.
pub async fn decide(
    conn: &mut PgConnection,
    ctx: &Ctx<'_>,
    app: &Stored,
    aid: Uuid,
    version: i32,
    by: &By<'_>,
    decision: Decision<'_>,
) -> AppResult<String> {
    let c = current(conn, app.id, aid).await?.ok_or(AppError::NotFound)?;
    let name = display_name(&c);
    if !by.confirms(&c.kind) {
        tracing::warn!(event = "authz_denied", user_id = %by.user_id, application_id = %app.id, action = "confirm_assessment", "confirmation refused");
        return Err(AppError::Refused(format!(
            "Alleen {} bevestigt een {name} of stuurt die terug.",
            match confirmer(&c.kind) {
                Role::Fg => "de Functionaris Gegevensbescherming (FG)",
                _ => "de CISO",
            }
        )));
    }
    if c.version != version || c.confirmation.as_deref() != Some("ter_bevestiging") {
        return Err(AppError::ConflictBack {
            message: format!("De {name} is intussen gewijzigd of al beoordeeld. Bekijk de huidige stand."),
            back: format!("/register/{}/assessments", app.id),
        });
    }
    if c.recorded_by == Some(by.user_id) {
        return Err(AppError::Refused(format!(
            "U heeft de {name} zelf vastgelegd; een ander met de rol {} bevestigt die (vier ogen).",
            confirmer_name(&c.kind).trim_start_matches("de ")
        )));
    }
    let (action, note, kind, message) = match decision {
        Decision::Confirm => {
            sqlx::query!(
                "update assessment set confirmation = 'bevestigd', confirmed_by = $2, confirmed_at = now(),
                        version = version + 1 where assessment_id = $1",
                aid,
                by.user_id
            )
            .execute(&mut *conn)
            .await?;
            let note = format!("{name}: bevestigd");
            let message = format!("{}: de {name} is bevestigd door {}.", app.name(), confirmer_name(&c.kind));
            ("application.assessment_confirmed", note, Kind::AssessmentConfirmed, message)
        }
        Decision::Return(reason) => {
            sqlx::query!(
                "update assessment set status = 'in_uitvoering', confirmation = null, confirmed_by = null,
                        confirmed_at = null, returned_reason = $2, returned_by = $3, returned_at = now(),
                        version = version + 1 where assessment_id = $1",
                aid,
                reason,
                by.user_id
            )
            .execute(&mut *conn)
            .await?;
            let note = format!("{name}: teruggestuurd – {reason}");
            let message =
                format!("{}: {} heeft de {name} teruggestuurd. Reden: {reason}", app.name(), confirmer_name(&c.kind));
            ("application.assessment_returned", note, Kind::AssessmentReturned, message)
        }
    };
    store::record_note(conn, ctx.actor, action, app, ("assessment", &note)).await?;
    let link = format!("/register/{}/assessments#assessment-{aid}", app.id);
    let n = Note { organisation_id: ctx.org, kind, application_id: Some(app.id), message: &message, link: &link };
    let mut to = interested(app);
    to.extend(c.recorded_by);
    notices::send(conn, &to, Some(by.user_id), &n).await?;
    Ok(name)
}

/// A reason for sending back, checked: required, at most `MAX_REASON` characters.
pub fn reason(value: &str) -> Result<String, &'static str> {
    let v = value.trim();
    if v.is_empty() {
        Err("Vul de reden in: de opsteller leest waarom het assessment wordt teruggestuurd.")
    } else if v.chars().count() > MAX_REASON {
        Err("De reden mag hoogstens 2000 tekens lang zijn.")
    } else {
        Ok(v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fg_confirms_privacy_instruments_and_the_ciso_the_rest() {
        for k in ["dpia", "prescan_dpia", "dtia"] {
            assert_eq!(confirmer(k), Role::Fg, "{k}");
        }
        for k in ["iama", "fraia", "aiia", "kia", "bio_quickscan", "anders"] {
            assert_eq!(confirmer(k), Role::Ciso, "{k}");
        }
    }

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert!(reason("  ").is_err());
        assert_eq!(reason(" Uitkomst ontbreekt. ").as_deref(), Ok("Uitkomst ontbreekt."));
        assert!(reason(&"x".repeat(2001)).is_err());
    }
}
