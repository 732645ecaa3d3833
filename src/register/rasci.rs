//! RASCI per application: Responsible, Accountable (exactly one before submission), Supportive, Consulted,
//! Informed. Each entry is a user of the organisation or a named function ("Teamleider Burgerzaken").

use sqlx::PgConnection;
use uuid::Uuid;

use super::form::{FormData, Member};
use crate::web::forms::FormErrors;

pub const LETTERS: [char; 5] = ['R', 'A', 'S', 'C', 'I'];

pub fn letter_label(letter: char) -> &'static str {
    match letter {
        'R' => "Responsible – voert uit",
        'A' => "Accountable – eindverantwoordelijk (precies één)",
        'S' => "Supportive – ondersteunt",
        'C' => "Consulted – wordt geraadpleegd",
        _ => "Informed – wordt geïnformeerd",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RasciEntry {
    pub letter: char,
    pub user_id: Option<Uuid>,
    pub function_name: Option<String>,
}

impl RasciEntry {
    /// "A: Jan Jansen" or "R: Teamleider Burgerzaken (functie)".
    pub fn describe(&self, members: &[Member]) -> String {
        let who = match (&self.user_id, &self.function_name) {
            (Some(id), _) => members
                .iter()
                .find(|m| m.user_id == *id)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| "(onbekende gebruiker)".to_string()),
            (None, Some(f)) => format!("{f} (functie)"),
            _ => String::new(),
        };
        format!("{}: {who}", self.letter)
    }
}

/// Form fields: `rasci_{L}_user` (users, repeatable) and `rasci_{L}_function` (a textarea, one function per line).
pub fn parse(form: &FormData, members: &[Member], errors: &mut FormErrors) -> Vec<RasciEntry> {
    let mut out = Vec::new();
    for letter in LETTERS {
        let field: &'static str = match letter {
            'R' => "rasci_R",
            'A' => "rasci_A",
            'S' => "rasci_S",
            'C' => "rasci_C",
            _ => "rasci_I",
        };
        for raw in form.all(&format!("rasci_{letter}_user")).into_iter().map(str::trim).filter(|v| !v.is_empty()) {
            match super::people::resolve(raw, members) {
                Ok(Some(m)) if !out.iter().any(|e: &RasciEntry| e.letter == letter && e.user_id == Some(m.user_id)) => {
                    out.push(RasciEntry { letter, user_id: Some(m.user_id), function_name: None })
                }
                Ok(_) => {}
                // Named as the draft's "Niet opgeslagen" names the row ("A (Accountable)", register::labels).
                Err(why) => errors.add(field, why.message(super::fields::label(field), raw)),
            }
        }
        for raw in form.all(&format!("rasci_{letter}_function")) {
            for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
                if line.chars().count() > 100 {
                    errors.add(field, format!("Een functie bij {letter} mag hoogstens 100 tekens lang zijn."));
                } else if !out.iter().any(|e| e.letter == letter && e.function_name.as_deref() == Some(line)) {
                    out.push(RasciEntry { letter, user_id: None, function_name: Some(line.to_string()) });
                }
            }
        }
    }
    if out.iter().filter(|e| e.letter == 'A').count() > 1 {
        errors.add(
            "rasci_A",
            "Er is precies één Accountable: kies één persoon óf vul één functie in bij A (Accountable).",
        );
    }
    out
}

/// One RASCI row as a registration's statement hands it over, in JSON (`store::get_in` reads the registration
/// and its RASCI in one round trip).
#[derive(Debug, serde::Deserialize)]
pub struct RasciRow {
    letter: String,
    user_id: Option<Uuid>,
    function_name: Option<String>,
}

impl From<RasciRow> for RasciEntry {
    fn from(r: RasciRow) -> RasciEntry {
        RasciEntry {
            letter: r.letter.chars().next().unwrap_or('I'),
            user_id: r.user_id,
            function_name: r.function_name,
        }
    }
}

/// Replace the application's RASCI with `entries` (part of the caller's transaction).
pub async fn save(conn: &mut PgConnection, application_id: Uuid, entries: &[RasciEntry]) -> sqlx::Result<()> {
    sqlx::query!("delete from rasci_assignment where application_id = $1", application_id).execute(&mut *conn).await?;
    for e in entries {
        sqlx::query!(
            "insert into rasci_assignment (rasci_id, application_id, letter, user_id, function_name)
             values ($1, $2, $3, $4, $5)",
            Uuid::now_v7(),
            application_id,
            e.letter.to_string(),
            e.user_id,
            e.function_name.as_deref()
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
