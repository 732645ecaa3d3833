//! The look-up before a request: what the register already says about the tool the employee typed. An approved
//! tool is described as the allowed-tools page describes it (its data classes, conditions and points to
//! watch come from that page's own query, `allowed::tools_by`), so the two never disagree; a rejected one
//! with the decision's reason; one under review or not yet submitted as such.

use uuid::Uuid;

use crate::AppState;
use crate::allowed::{self, Tool, Which};
use crate::error::AppResult;
use crate::register::fields::DATA_CLASSES;
use crate::register::machine::WorkflowStatus;
use crate::register::requests::RequestStatus;
use crate::register::requests::store::{self, Match, OwnMatch};
use crate::web::{dutch_time, format_date};

/// What the register says about one matching tool (also the look-up's JSON for the request form's script).
#[derive(serde::Serialize)]
pub struct Finding {
    /// toegestaan, verboden, beoordeling, aangemeld or buiten_gebruik (the box's look).
    pub kind: &'static str,
    pub name: String,
    pub text: String,
    pub conditions: String,
    pub attention: String,
    /// The tool on the allowed-tools page.
    pub href: String,
}

impl Finding {
    pub fn allowed(&self) -> bool {
        self.kind == "toegestaan"
    }

    /// The colour of its box: the allowed-tools page's permission colours (waiting is "under conditions").
    pub fn look(&self) -> &'static str {
        match self.kind {
            "toegestaan" => "toegestaan",
            "verboden" => "verboden",
            _ => "onder_voorwaarden",
        }
    }
}

fn describe_listed(m: &Match, t: &Tool) -> Finding {
    let base = Finding {
        kind: "verboden",
        name: t.name.clone(),
        text: String::new(),
        conditions: t.conditions.clone(),
        attention: t.attention.clone(),
        href: format!("/toegestane-tools?zoek={}", crate::web::url_encode(&t.name)),
    };
    if let Some(reason) = &t.suspended {
        return Finding { text: format!("Deze tool mag tijdelijk niet worden gebruikt: {reason}"), ..base };
    }
    if t.forbidden {
        let reason = m.decision_note.as_deref().filter(|n| !n.trim().is_empty());
        let text = match reason {
            Some(r) => format!("Deze tool is niet toegestaan. De reden: {r}"),
            None => "Deze tool is niet toegestaan in onze organisatie.".to_string(),
        };
        return Finding { text, conditions: String::new(), ..base };
    }
    let classes: Vec<String> = t
        .cells
        .iter()
        .zip(DATA_CLASSES)
        .filter(|(c, _)| c.value != "verboden")
        .map(|(c, dc)| match c.value.as_str() {
            "onder_voorwaarden" => format!("{} (onder voorwaarden)", dc.label.to_lowercase()),
            _ => dc.label.to_lowercase(),
        })
        .collect();
    let text = if classes.is_empty() {
        "Deze tool is goedgekeurd, maar voor geen enkele soort gegevens toegestaan.".to_string()
    } else {
        format!("Deze tool is al toegestaan voor {}.", join(&classes))
    };
    Finding { kind: "toegestaan", text, ..base }
}

/// "a, b en c".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} en {last}", init.join(", ")),
    }
}

fn describe_other(m: &Match) -> Finding {
    let status = WorkflowStatus::parse(&m.status);
    let (kind, text) = match status {
        Some(s) if s.is_in_review() => {
            ("beoordeling", "Deze tool is aangemeld en wordt nu beoordeeld door de CISO. Gebruik hem nog niet.")
        }
        Some(WorkflowStatus::BuitenGebruik) => ("buiten_gebruik", "Deze tool is buiten gebruik gesteld."),
        _ => {
            ("aangemeld", "Deze tool is al aangemeld, maar nog niet ingediend voor beoordeling. Gebruik hem nog niet.")
        }
    };
    Finding {
        kind,
        name: m.name.clone(),
        text: text.to_string(),
        conditions: String::new(),
        attention: String::new(),
        href: String::new(),
    }
}

/// What the register says about the tools whose name matches, the best match first.
pub async fn look_up(state: &AppState, org: Uuid, name: &str) -> AppResult<Vec<Finding>> {
    if name.trim().is_empty() {
        return Ok(Vec::new());
    }
    let matches = store::matching_registrations(&state.pool, org, name).await?;
    let listed = allowed::tools_by(state, org, Which::Named(name)).await?;
    Ok(matches
        .iter()
        .map(|m| match listed.iter().find(|t| t.id == m.id) {
            Some(t) => describe_listed(m, t),
            None => describe_other(m),
        })
        .collect())
}

/// A request the reader made before for (about) the tool looked up, and what has become of it.
#[derive(serde::Serialize)]
pub struct Earlier {
    pub text: String,
    /// The request's page.
    pub href: String,
    /// Which request the link opens, for a screen reader's list of links ("„Otter” van 03-12-2026").
    pub about: String,
    /// Not yet decided: a new request for the tool would be a second one.
    pub open: bool,
}

fn earlier(m: &OwnMatch, today: time::Date) -> Earlier {
    let tool = &m.tool_name;
    let day = dutch_time(m.created_at).date();
    let date = format_date(day);
    let (on, of) = if day == today {
        ("vandaag".to_string(), "van vandaag".to_string())
    } else {
        (format!("op {date}"), format!("van {date}"))
    };
    let status = RequestStatus::parse(&m.status).unwrap_or(RequestStatus::Concept);
    let text = match status {
        RequestStatus::Concept => format!(
            "U heeft {on} al een aanvraag voor „{tool}” opgeslagen als concept. Vul die aan en dien die in, in \
             plaats van een nieuwe te beginnen."
        ),
        RequestStatus::Ingediend => format!("U vroeg „{tool}” {on} al aan. De CISO bekijkt uw aanvraag."),
        RequestStatus::VraagGesteld => {
            format!("U vroeg „{tool}” {on} al aan. De CISO heeft u een vraag gesteld: beantwoord die bij uw aanvraag.")
        }
        RequestStatus::Geaccepteerd => {
            format!("Uw aanvraag voor „{tool}” {of} is geaccepteerd; de registratie wordt aangevuld.")
        }
        RequestStatus::Gekoppeld => format!("Uw aanvraag voor „{tool}” {of} valt onder een bestaande registratie."),
        RequestStatus::Afgewezen => {
            format!("Uw aanvraag voor „{tool}” {of} is afgewezen. Lees waarom voordat u hem opnieuw aanvraagt.")
        }
    };
    Earlier {
        text,
        href: format!("/aanvragen/{}", m.id),
        about: format!("„{tool}” van {date}"),
        open: !status.is_closed(),
    }
}

/// The reader's own earlier requests for the tool looked up (open ones first): a second request for the same
/// tool is not made unawares.
pub async fn earlier_requests(state: &AppState, org: Uuid, user: Uuid, name: &str) -> AppResult<Vec<Earlier>> {
    if name.trim().is_empty() {
        return Ok(Vec::new());
    }
    let today = crate::web::today();
    Ok(store::own_matching(&state.pool, org, user, name).await?.iter().map(|m| earlier(m, today)).collect())
}

/// What an existing registration allows, for a request linked to it: as the allowed-tools page says it, a
/// rejected one with the decision's reason. None while no decision governs it.
pub async fn of_registration(state: &AppState, org: Uuid, id: Uuid) -> AppResult<Option<Finding>> {
    let listed = allowed::tools_by(state, org, Which::One(id)).await?;
    let Some(t) = listed.first() else { return Ok(None) };
    let Some(m) = store::registration_match(&state.pool, org, id).await? else { return Ok(None) };
    Ok(Some(describe_listed(&m, t)))
}

/// What the requester of a linked request is told in the notification: what is (not) allowed and why, with
/// the conditions (a list typed as one stays a list).
pub fn told(finding: Option<&Finding>) -> String {
    let Some(x) = finding else {
        return "Over die registratie is nog geen besluit genomen: gebruik de tool nog niet.".to_string();
    };
    let mut out = x.text.clone();
    if !x.attention.is_empty() {
        out.push_str(&format!(" Let op: {}", x.attention));
    }
    if !x.conditions.is_empty() {
        out.push_str(&format!(" Voorwaarden:{}", crate::web::text::after_colon(&x.conditions)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(kind: &'static str, text: &str, conditions: &str) -> Finding {
        let (name, attention, href) = (String::new(), String::new(), String::new());
        Finding { kind, name, text: text.into(), conditions: conditions.into(), attention, href }
    }

    #[test]
    fn the_requester_is_told_what_is_allowed_and_why_not() {
        let ok = finding(
            "toegestaan",
            "Deze tool is al toegestaan voor openbare informatie.",
            "- werkaccount\n- geen namen",
        );
        assert_eq!(
            told(Some(&ok)),
            "Deze tool is al toegestaan voor openbare informatie. Voorwaarden:\n- werkaccount\n- geen namen"
        );
        let no = finding("verboden", "Deze tool is niet toegestaan. De reden: buiten de EER.", "");
        assert_eq!(told(Some(&no)), "Deze tool is niet toegestaan. De reden: buiten de EER.");
        assert!(told(None).contains("nog geen besluit"));
    }

    #[test]
    fn lists_read_as_dutch() {
        assert_eq!(join(&["a".into()]), "a");
        assert_eq!(join(&["a".into(), "b".into(), "c".into()]), "a, b en c");
    }
}
