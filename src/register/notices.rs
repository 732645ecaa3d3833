//! Notifications as the registration's life writes them: in the same transaction as the event they announce
//! (a decision, a submission, a reminder), with the e-mail of each in the outbox when e-mail is on. The pages
//! that list them are in `notifications/`; the mail worker that sends the outbox is in `mail/`.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::roles::Role;

/// What a notification is about (the `kind` column).
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Submitted,
    AdviceRequested,
    Decision,
    ConsentNeeded,
    EvaluationDue,
    Incident,
    Suspended,
    /// A review or a request that waits longer than it should (reminders).
    Waiting,
    /// An open incident past its handling time (reminders).
    IncidentOverdue,
    /// The deadline of an approval's conditions is near or past (reminders).
    ConditionsDue,
    /// A completed assessment waits for the FG's or CISO's confirmation (issue 18, item 4).
    ConfirmationRequested,
    /// An assessment was confirmed, or sent back with a reason.
    AssessmentConfirmed,
    AssessmentReturned,
    /// A request for a new tool is submitted or answered (the CISOs).
    RequestSubmitted,
    /// The CISO asks the requester a question about their request.
    RequestQuestion,
    /// The triage of a request: accepted, linked to a registration, or rejected (the requester).
    RequestDecision,
    /// The owner chosen for an accepted request completes its registration.
    CompleteRegistration,
    /// A new version of the AI policy to read and acknowledge, and the reminder (issue 22, item 2).
    Policy,
    /// A supplier's processor agreement or certificate expires soon or has expired (the CISOs).
    SupplierExpiry,
}

impl Kind {
    /// Every kind, in the order the e-mail preferences list them. A new kind also needs its row in the
    /// `notification_kind` table (a migration's insert).
    pub const ALL: &'static [Kind] = &[
        Kind::Submitted,
        Kind::AdviceRequested,
        Kind::ConsentNeeded,
        Kind::Decision,
        Kind::EvaluationDue,
        Kind::ConditionsDue,
        Kind::Waiting,
        Kind::Incident,
        Kind::IncidentOverdue,
        Kind::Suspended,
        Kind::ConfirmationRequested,
        Kind::AssessmentConfirmed,
        Kind::AssessmentReturned,
        Kind::RequestSubmitted,
        Kind::RequestQuestion,
        Kind::RequestDecision,
        Kind::CompleteRegistration,
        Kind::Policy,
        Kind::SupplierExpiry,
    ];

    /// What the notifications of this kind are about, as the e-mail preferences name them.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Submitted => "Ingediende registraties om te beoordelen",
            Kind::AdviceRequested => "Adviesaanvragen",
            Kind::Decision => "Besluiten over registraties",
            Kind::ConsentNeeded => "Verzoeken om toestemming van de directie",
            Kind::EvaluationDue => "Evaluaties die nodig zijn",
            Kind::Incident => "Gemelde incidenten",
            Kind::Suspended => "Tools die tijdelijk niet gebruikt mogen worden",
            Kind::Waiting => "Beoordelingen die te lang wachten",
            Kind::IncidentOverdue => "Incidenten die te lang openstaan",
            Kind::ConditionsDue => "Termijnen van voorwaarden bij een goedkeuring",
            Kind::ConfirmationRequested => "Assessments die op uw bevestiging wachten",
            Kind::AssessmentConfirmed => "Bevestigde assessments",
            Kind::AssessmentReturned => "Teruggestuurde assessments",
            Kind::RequestSubmitted => "Aanvragen van AI-tools om te beoordelen",
            Kind::RequestQuestion => "Vragen over uw aanvragen",
            Kind::RequestDecision => "Besluiten over uw aanvragen",
            Kind::CompleteRegistration => "Registraties die u moet aanvullen",
            Kind::Policy => "Het AI-beleid om te lezen en te bevestigen",
            Kind::SupplierExpiry => "Verlopende afspraken en certificaten van leveranciers",
        }
    }

    pub fn parse(value: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Submitted => "ingediend",
            Kind::AdviceRequested => "advies_gevraagd",
            Kind::Decision => "besluit",
            Kind::ConsentNeeded => "toestemming_nodig",
            Kind::EvaluationDue => "evaluatie",
            Kind::Incident => "incident",
            Kind::Suspended => "opgeschort",
            Kind::Waiting => "wacht_te_lang",
            Kind::IncidentOverdue => "incident_te_laat",
            Kind::ConditionsDue => "voorwaarden",
            Kind::ConfirmationRequested => "bevestiging_gevraagd",
            Kind::AssessmentConfirmed => "assessment_bevestigd",
            Kind::AssessmentReturned => "assessment_teruggestuurd",
            Kind::RequestSubmitted => "aanvraag_ingediend",
            Kind::RequestQuestion => "aanvraag_vraag",
            Kind::RequestDecision => "aanvraag_besluit",
            Kind::CompleteRegistration => "registratie_aanvullen",
            Kind::Policy => "beleid",
            Kind::SupplierExpiry => "leverancier_verloopt",
        }
    }

    /// The start of an e-mail's subject: what the recipient is asked to do or told (the tool's name follows;
    /// nothing of an incident's content goes into a subject line).
    pub fn subject(self) -> &'static str {
        match self {
            Kind::Submitted => "Beoordelen",
            Kind::AdviceRequested => "Advies gevraagd",
            Kind::Decision => "Besluit",
            Kind::ConsentNeeded => "Toestemming gevraagd",
            Kind::EvaluationDue => "Evaluatie nodig",
            Kind::Incident => "Incident gemeld",
            Kind::Suspended => "Tijdelijk niet gebruiken",
            Kind::Waiting => "Wacht te lang",
            Kind::IncidentOverdue => "Incident staat te lang open",
            Kind::ConditionsDue => "Voorwaarden nakomen",
            Kind::ConfirmationRequested => "Assessment bevestigen",
            Kind::AssessmentConfirmed => "Assessment bevestigd",
            Kind::AssessmentReturned => "Assessment teruggestuurd",
            Kind::RequestSubmitted => "Aanvraag beoordelen",
            Kind::RequestQuestion => "Vraag over uw aanvraag",
            Kind::RequestDecision => "Besluit over uw aanvraag",
            Kind::CompleteRegistration => "Vul de registratie aan",
            Kind::Policy => "Lees het AI-beleid",
            Kind::SupplierExpiry => "Afspraak met leverancier verloopt",
        }
    }
}

/// One notification to send.
pub struct Note<'a> {
    pub organisation_id: Uuid,
    pub kind: Kind,
    pub application_id: Option<Uuid>,
    pub message: &'a str,
    pub link: &'a str,
}

/// Active members of the organisation with one of the roles.
pub async fn holders(conn: &mut PgConnection, organisation_id: Uuid, roles: &[Role]) -> sqlx::Result<Vec<Uuid>> {
    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    sqlx::query_scalar!(
        r#"select distinct m.user_id as "user_id!" from membership m join app_user u using (user_id)
           where m.organisation_id = $1 and m.role = any($2) and u.active"#,
        organisation_id,
        &roles as &[&str]
    )
    .fetch_all(&mut *conn)
    .await
}

/// Send to these users, except the one who caused it (nobody needs to be told what they just did).
pub async fn send(conn: &mut PgConnection, to: &[Uuid], except: Option<Uuid>, note: &Note<'_>) -> sqlx::Result<()> {
    send_once(conn, to, except, note, None).await
}

/// Send with a key that makes a repeat a no-op (reminders).
pub async fn send_once(
    conn: &mut PgConnection,
    to: &[Uuid],
    except: Option<Uuid>,
    note: &Note<'_>,
    dedupe_key: Option<&str>,
) -> sqlx::Result<()> {
    let mut to: Vec<Uuid> = to.iter().copied().filter(|u| Some(*u) != except).collect();
    to.sort();
    to.dedup();
    if to.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = to.iter().map(|_| Uuid::now_v7()).collect();
    // The e-mail of each notification actually written (a repeated reminder writes none), in the same
    // statement: the outbox fills in the event's transaction, only while e-mail is on (mail_setting) and as the
    // recipient wants it for this kind (at once, held for the daily overview, or not at all).
    sqlx::query!(
        "with made as (
            insert into notification (notification_id, user_id, organisation_id, kind, application_id, message, link, dedupe_key)
            select id, uid, $3::uuid, $4::text, $5::uuid, $6::text, $7::text, $8::text
              from unnest($1::uuid[], $2::uuid[]) as t(id, uid)
            on conflict (user_id, dedupe_key) do nothing
            returning notification_id, user_id)
         insert into mail_outbox (message_id, organisation_id, user_id, to_address, to_name, kind, subject, body, link,
                                  status)
         select made.notification_id, $3, u.user_id, u.email, u.name, $4, $9::text
                    || coalesce(': ' || (select a.name from application a where a.application_id = $5), ''),
                $6, $7, case when p.mode = 'dagelijks' then 'dagelijks' else 'wachtrij' end
           from made join app_user u using (user_id)
                left join mail_preference p on p.user_id = u.user_id and p.kind = $4
          where u.active and (select enabled from mail_setting) and p.mode is distinct from 'uit'
            and u.email not like '%.invalid'",
        &ids,
        &to,
        note.organisation_id,
        note.kind.as_str(),
        note.application_id,
        note.message,
        note.link,
        dedupe_key,
        note.kind.subject()
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An e-mail that is not a notification (an activation link): queued in the caller's transaction when e-mail
/// is on, to the user's current address. Returns whether it was queued.
pub struct Mail<'a> {
    pub organisation_id: Uuid,
    pub user_id: Uuid,
    pub kind: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub link: &'a str,
}

pub async fn email(conn: &mut PgConnection, mail: &Mail<'_>) -> sqlx::Result<bool> {
    let queued = sqlx::query!(
        "insert into mail_outbox (message_id, organisation_id, user_id, to_address, to_name, kind, subject, body, link)
         select $1, $2, u.user_id, u.email, u.name, $4, $5, $6, $7
           from app_user u where u.user_id = $3 and (select enabled from mail_setting) and u.email not like '%.invalid'",
        Uuid::now_v7(),
        mail.organisation_id,
        mail.user_id,
        mail.kind,
        mail.subject,
        mail.body,
        mail.link
    )
    .execute(&mut *conn)
    .await?;
    Ok(queued.rows_affected() == 1)
}

/// Send to everyone holding one of the roles.
pub async fn send_to_roles(
    conn: &mut PgConnection,
    roles: &[Role],
    except: Option<Uuid>,
    note: &Note<'_>,
) -> sqlx::Result<()> {
    let to = holders(conn, note.organisation_id, roles).await?;
    send(conn, &to, except, note).await
}

pub async fn unread(pool: &PgPool, user_id: Uuid, organisation_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from notification
           where user_id = $1 and organisation_id = $2 and read_at is null"#,
        user_id,
        organisation_id
    )
    .fetch_one(pool)
    .await
}
