//! Nobody waits for a role nobody holds (issue 18, item 6): which roles a registration's workflow needs now —
//! the CISO always (the review), the FG when personal data is processed (advice), the directie when the own
//! risk level is high (consent) — and which of them no active user of the organisation holds. The gates, the
//! CISO's review page and Beheer say so, with what to do.

use sqlx::PgConnection;
use uuid::Uuid;

use super::gates::involves_personal_data;
use super::notices::{self, Kind, Note};
use super::store::Stored;
use crate::roles::Role;

/// The roles the workflow may wait on, in the order the pages name them (and [`unheld`] asks them).
pub const WORKFLOW_ROLES: [Role; 3] = [Role::Ciso, Role::Fg, Role::Directie];

/// The role as a sentence names it.
pub fn short(role: Role) -> &'static str {
    match role {
        Role::Ciso => "CISO",
        Role::Fg => "FG",
        Role::Directie => "directie",
        other => other.label(),
    }
}

/// What to do about a role nobody holds, as the gates and pages say it.
pub fn advice(role: Role) -> String {
    format!(
        "Er is geen actieve gebruiker met de rol {}; vraag een beheerder deze rol toe te kennen (Beheer → Gebruikers).",
        short(role)
    )
}

/// What the workflow needs the role for, as the warnings say it.
pub fn task(role: Role) -> &'static str {
    match role {
        Role::Fg => "het advies van de FG (er worden persoonsgegevens verwerkt)",
        Role::Directie => "de toestemming van de directie (het eigen risiconiveau is hoog)",
        _ => "de beoordeling en het besluit van de CISO",
    }
}

/// The roles a registration's workflow needs: the CISO always, the FG with personal data, the directie with a
/// high own risk level.
pub fn needed(app: &Stored) -> Vec<Role> {
    let mut roles = vec![Role::Ciso];
    if involves_personal_data(&app.doc) {
        roles.push(Role::Fg);
    }
    if app.str("risk_level") == Some("hoog") {
        roles.push(Role::Directie);
    }
    roles
}

/// Of the workflow's roles, those no active user of the organisation holds.
pub async fn unheld(conn: &mut PgConnection, organisation_id: Uuid) -> sqlx::Result<Vec<Role>> {
    // One EXISTS per role, the roles written out: each walks the membership index (organisation, role) and
    // stops at the first active holder. Listing the roles held (`select distinct role`) read every membership
    // of the organisation, 3.4 ms at 3,000 members, on every view of a registration that can be submitted; an
    // array of roles instead of the literals lets the planner guess the roles common and scan every user.
    let held = sqlx::query!(
        r#"select exists (select from membership m join app_user u using (user_id)
                           where m.organisation_id = $1 and m.role = 'ciso' and u.active) as "ciso!",
                  exists (select from membership m join app_user u using (user_id)
                           where m.organisation_id = $1 and m.role = 'fg' and u.active) as "fg!",
                  exists (select from membership m join app_user u using (user_id)
                           where m.organisation_id = $1 and m.role = 'directie' and u.active) as "directie!""#,
        organisation_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let held = [held.ciso, held.fg, held.directie];
    Ok(WORKFLOW_ROLES.into_iter().zip(held).filter(|(_, held)| !held).map(|(role, _)| role).collect())
}

/// The roles this registration needs that nobody holds.
pub async fn missing(conn: &mut PgConnection, app: &Stored) -> sqlx::Result<Vec<Role>> {
    let unheld = unheld(conn, app.organisation_id).await?;
    Ok(needed(app).into_iter().filter(|r| unheld.contains(r)).collect())
}

/// The warnings for a registration that is not decided yet: per role it needs and nobody holds, what waits on
/// it and what to do. None once the registration is approved or ended (nothing waits any more).
pub fn warnings(app: &Stored, missing: &[Role]) -> Vec<String> {
    use super::machine::WorkflowStatus as S;
    if app.status.is_approved() || matches!(app.status, S::Afgewezen | S::BuitenGebruik) {
        return Vec::new();
    }
    missing.iter().map(|r| format!("Nodig voor {}. {}", task(*r), advice(*r))).collect()
}

/// A role nobody holds, with the number of submitted registrations that need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortage {
    pub role: Role,
    pub waiting: i64,
}

/// For Beheer: every workflow role nobody holds, with how many registrations in review wait on it.
pub async fn shortages(conn: &mut PgConnection, organisation_id: Uuid) -> sqlx::Result<Vec<Shortage>> {
    let unheld = unheld(conn, organisation_id).await?;
    if unheld.is_empty() {
        return Ok(Vec::new());
    }
    let counts = sqlx::query!(
        r#"select count(*) as "ciso!",
                  count(*) filter (where processes_personal_data(a)) as "fg!",
                  count(*) filter (where a.risk_level = 'hoog') as "directie!"
             from application a
            where a.organisation_id = $1 and registration_in_review(a.workflow_status)"#,
        organisation_id
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(unheld
        .into_iter()
        .map(|role| Shortage {
            role,
            waiting: match role {
                Role::Fg => counts.fg,
                Role::Directie => counts.directie,
                _ => counts.ciso,
            },
        })
        .collect())
}

/// The directie hears when its consent becomes needed after submission: the CISO raised the own risk level to
/// high while the registration waits for review (a submission announces it itself).
pub async fn announce_raised_risk(
    conn: &mut PgConnection,
    before: &Stored,
    after: &Stored,
    actor: Uuid,
) -> sqlx::Result<()> {
    let raised = before.str("risk_level") != Some("hoog") && after.str("risk_level") == Some("hoog");
    if !raised || !after.status.is_in_review() {
        return Ok(());
    }
    let message = format!(
        "{} heeft nu een hoog risico (vastgesteld door de CISO) en vraagt toestemming van de directie.",
        after.name()
    );
    let link = format!("/register/{}/beoordeling", after.id);
    let note = Note {
        organisation_id: after.organisation_id,
        kind: Kind::ConsentNeeded,
        application_id: Some(after.id),
        message: &message,
        link: &link,
    };
    notices::send_to_roles(conn, &[Role::Directie], Some(actor), &note).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_advice_names_the_role_and_where_to_assign_it() {
        assert_eq!(
            advice(Role::Fg),
            "Er is geen actieve gebruiker met de rol FG; vraag een beheerder deze rol toe te kennen (Beheer → Gebruikers)."
        );
        assert!(advice(Role::Directie).contains("de rol directie;"));
    }
}
