//! Choosing a registration in a form (the CISO's "Valt onder bestaande registratie", the administrator's
//! "Vereist voor de tool") without listing the whole register: at 10,000 registrations such a select carried
//! every one of them in every answer. The field is a search box with at most twenty registrations as radio
//! buttons below it, filled while typing (static/pick.js, from `search`) or, without JavaScript, by the server
//! when the form comes back. Names are not unique, so a choice is the registration's id; typed text is resolved
//! here only when it fits one registration.

use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::machine::WorkflowStatus;
use crate::util::{escape_like, fold_words};
use crate::web::forms::{FormData, OptView};

/// How many registrations a search shows; one more is read to know that there are more.
pub const SHOWN: i64 = 20;

/// Which registrations a field offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Among {
    /// A request can fall under any registration that was submitted (a rejected one says why it is not allowed).
    Requests,
    /// A training can be required for any registration that was not rejected, drafts included.
    Requirements,
}

impl Among {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "aanvraag" => Some(Among::Requests),
            "eis" => Some(Among::Requirements),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Among::Requests => "aanvraag",
            Among::Requirements => "eis",
        }
    }

    /// What a search that found nothing adds: which registrations the field leaves out ("DeepSeek" is in the
    /// register but rejected, and was reported as not found).
    pub fn left_out(self) -> &'static str {
        match self {
            Among::Requests => "Concepten staan hier niet bij.",
            Among::Requirements => "Afgewezen tools staan hier niet bij: voor een afgewezen tool geldt geen eis.",
        }
    }

    /// The workflow status a field leaves out.
    fn excluded(self) -> &'static str {
        match self {
            Among::Requests => "concept",
            Among::Requirements => "afgewezen",
        }
    }
}

/// One registration to choose: its id, and its name with status and department to tell namesakes apart.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    #[serde(skip)]
    name: String,
}

fn choice(id: Uuid, name: String, status: &str, department: Option<String>) -> Choice {
    let status = WorkflowStatus::parse(status).map(|s| s.label()).unwrap_or_else(|| status.to_string());
    let department = department.filter(|d| !d.trim().is_empty()).map(|d| format!(", {d}")).unwrap_or_default();
    // A dash, not brackets: names often carry their own ("Gemini (gratis)"), and two pairs read as one aside.
    Choice { value: id.to_string(), label: format!("{name} – {status}{department}"), name }
}

/// At most `limit` registrations whose name contains the text (case does not count): the same name first, then
/// names that start with it, then by name. The trigram index on the name keeps this bounded by the matches.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn search(pool: &PgPool, org: Uuid, among: Among, typed: &str, limit: i64) -> sqlx::Result<Vec<Choice>> {
    let typed = fold_words(typed);
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!(
        r#"select application_id, name, workflow_status, department from application
            where organisation_id = $1 and workflow_status <> $2 and lower(name) like ('%' || $3 || '%')
            order by lower(name) = $4 desc, lower(name) like ($3 || '%') desc, lower(name), application_id
            limit $5"#,
        org,
        among.excluded(),
        escape_like(&typed),
        typed,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| choice(r.application_id, r.name, &r.workflow_status, r.department)).collect())
}

/// The registration with this id, if the field offers it in this organisation.
pub async fn one(pool: &PgPool, org: Uuid, among: Among, id: Uuid) -> sqlx::Result<Option<Choice>> {
    let row = sqlx::query!(
        "select application_id, name, workflow_status, department from application
          where organisation_id = $1 and application_id = $2 and workflow_status <> $3",
        org,
        id,
        among.excluded()
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| choice(r.application_id, r.name, &r.workflow_status, r.department)))
}

/// What a registration field `name` sent (templates/partials/forms.html, macro registration): the ticked radio
/// button and the text in the search box (`{name}_zoek`).
pub fn sent<'a>(input: &'a FormData, name: &str) -> (&'a str, &'a str) {
    (input.get(name), input.get(&format!("{name}_zoek")))
}

/// Whether the field's own "Zoeken" button (`{name}_zoeken`) sent the form: show what fits, act on nothing.
pub fn searching(input: &FormData, name: &str) -> bool {
    !input.get(&format!("{name}_zoeken")).is_empty()
}

/// The value of an optional field's first radio button, "Geen tool": no registration, whatever was typed.
pub const NONE: &str = "geen";

/// Why a field's input is not one registration; the caller names the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotPicked {
    /// An id that is not one of the registrations the field offers.
    Unknown,
    /// Nothing fits the text.
    Nobody,
    /// The text is not one registration's whole name (the ones found are shown to choose from).
    Choose,
    /// A registration is ticked (its name) that does not fit the text searched since (a search for another one).
    Mismatch(String),
}

impl NotPicked {
    pub fn message(&self, label: &str, typed: &str) -> String {
        let typed: String = typed.trim().chars().take(100).collect();
        match self {
            NotPicked::Unknown => format!("Bij {label}: de gekozen registratie bestaat niet (meer) of past hier niet."),
            NotPicked::Nobody => {
                format!(
                    "Bij {label}: geen registratie gevonden met „{typed}” in de naam; zoek op een ander deel van de naam."
                )
            }
            NotPicked::Choose => format!("Bij {label}: kies hieronder welke registratie u bedoelt met „{typed}”."),
            NotPicked::Mismatch(name) => format!(
                "Bij {label}: u had „{name}” aangevinkt en zocht daarna op „{typed}”. Kies hieronder welke registratie u bedoelt, of zoek opnieuw op „{name}”."
            ),
        }
    }
}

/// The registration a field names: the ticked radio button (an id), which must fit the search text if there is
/// one; otherwise the search text when it is exactly one registration's whole name. Nothing, or "Geen tool", is
/// none. A text that only part of a name fits is never taken on its own: the request's requester is told.
pub async fn resolve(
    pool: &PgPool,
    org: Uuid,
    among: Among,
    chosen: &str,
    typed: &str,
) -> sqlx::Result<Result<Option<Uuid>, NotPicked>> {
    let chosen = chosen.trim();
    if chosen == NONE {
        return Ok(Ok(None));
    }
    if !chosen.is_empty() {
        let Ok(id) = Uuid::parse_str(chosen) else { return Ok(Err(NotPicked::Unknown)) };
        return Ok(match one(pool, org, among, id).await? {
            None => Err(NotPicked::Unknown),
            Some(c) if !fits(&c, typed) => Err(NotPicked::Mismatch(c.name)),
            Some(_) => Ok(Some(id)),
        });
    }
    if fold_words(typed).is_empty() {
        return Ok(Ok(None));
    }
    let found = search(pool, org, among, typed, SHOWN + 1).await?;
    Ok(settle(&found, typed).map(Some))
}

/// Whether a registration is among what the text finds (its name contains the text), as the search has it.
fn fits(c: &Choice, typed: &str) -> bool {
    fold_words(&c.name).contains(&fold_words(typed))
}

/// The one registration out of a search whose whole name is the text (case and spacing do not count).
fn settle(found: &[Choice], typed: &str) -> Result<Uuid, NotPicked> {
    let typed = fold_words(typed);
    let same: Vec<&Choice> = found.iter().filter(|c| fold_words(&c.name) == typed).collect();
    match (found, same.as_slice()) {
        ([], _) => Err(NotPicked::Nobody),
        (_, [only]) => Uuid::parse_str(&only.value).map_err(|_| NotPicked::Unknown),
        _ => Err(NotPicked::Choose),
    }
}

/// What a registration field shows: the search text, the registrations found (the chosen one ticked, and kept
/// at the top when the search no longer finds it) and a line that says how many there are.
#[derive(Debug, Clone, Default)]
pub struct PickView {
    pub typed: String,
    /// The chosen registration when the search does not find it (shown first, ticked).
    pub kept: Option<OptView>,
    /// The registrations the search found.
    pub options: Vec<OptView>,
    pub status: String,
    /// Where the suggestions come from while typing.
    pub url: String,
    /// What the field leaves out, said when nothing is found ([`Among::left_out`]).
    pub left_out: &'static str,
    /// An optional field's "Geen tool" was ticked (not merely nothing chosen: then a typed name still counts).
    pub none: bool,
}

/// The field as it comes back: `chosen` (an id) and `typed` from the input; with neither, `default` is searched
/// (the request's tool name) and a registration with exactly that name is ticked.
pub async fn view(
    pool: &PgPool,
    org: Uuid,
    among: Among,
    chosen: &str,
    typed: &str,
    default: &str,
) -> sqlx::Result<PickView> {
    let fresh = chosen.trim().is_empty() && typed.trim().is_empty();
    let typed = if fresh { default } else { typed };
    let mut found = search(pool, org, among, typed, SHOWN + 1).await?;
    let more = found.len() as i64 > SHOWN;
    found.truncate(SHOWN as usize);
    let status = match found.len() {
        _ if fold_words(typed).is_empty() => String::new(),
        0 => format!("Geen registratie gevonden met „{}” in de naam. {}", typed.trim(), among.left_out()),
        _ if more => format!("Meer dan {SHOWN} registraties gevonden: typ een groter deel van de naam."),
        1 => "1 registratie gevonden.".to_string(),
        n => format!("{n} registraties gevonden."),
    };
    // Ticked: the chosen one (kept first when it fits the text but is not among the first twenty found); before
    // any input, a registration with exactly the request's tool name.
    let wanted = match Uuid::parse_str(chosen.trim()) {
        Ok(id) => Some(id),
        Err(_) if fresh => settle(&found, typed).ok(),
        Err(_) => None,
    };
    let is_wanted = |c: &Choice| wanted.is_some_and(|id| c.value == id.to_string());
    let mut kept = None;
    if let Some(id) = wanted
        && !found.iter().any(is_wanted)
        && let Some(c) = one(pool, org, among, id).await?
        && fits(&c, typed)
    {
        kept = Some(OptView { value: c.value, label: c.label, selected: true });
    }
    let options =
        found.into_iter().map(|c| OptView { selected: is_wanted(&c), value: c.value, label: c.label }).collect();
    let url = format!("/register/kiezen?voor={}", among.as_str());
    Ok(PickView {
        typed: typed.to_string(),
        kept,
        options,
        status,
        url,
        left_out: among.left_out(),
        none: chosen.trim() == NONE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(names: &[&str]) -> Vec<Choice> {
        names.iter().map(|n| choice(Uuid::now_v7(), n.to_string(), "goedgekeurd", None)).collect()
    }

    #[test]
    fn typed_text_is_settled_only_when_it_is_one_registrations_whole_name() {
        let two = found(&["ChatGPT", "ChatGPT Team"]);
        assert_eq!(settle(&two, " chatgpt ").map(|id| id.to_string()), Ok(two[0].value.clone()), "the whole name");
        assert_eq!(settle(&two, "chat"), Err(NotPicked::Choose));
        let one = found(&["GitHub Copilot"]);
        assert_eq!(settle(&one, "copilot"), Err(NotPicked::Choose), "part of a name is never taken on its own");
        let namesakes = found(&["Copilot", "Copilot"]);
        assert_eq!(settle(&namesakes, "copilot"), Err(NotPicked::Choose), "namesakes are chosen by hand");
        assert_eq!(settle(&[], "x"), Err(NotPicked::Nobody));
        assert!(fits(&one[0], " github  COPILOT") && !fits(&one[0], "chatgpt"));
    }

    #[test]
    fn a_choice_shows_status_and_department() {
        let c = choice(Uuid::nil(), "Vertaaldienst".into(), "in_gebruik", Some("Burgerzaken".into()));
        assert_eq!(c.label, "Vertaaldienst – In gebruik, Burgerzaken");
        let c = choice(Uuid::nil(), "Vertaaldienst".into(), "afgewezen", Some(" ".into()));
        assert_eq!(c.label, "Vertaaldienst – Afgewezen");
    }

    #[test]
    fn messages_name_the_field() {
        assert_eq!(
            NotPicked::Choose.message("Registratie", "chat"),
            "Bij Registratie: kies hieronder welke registratie u bedoelt met „chat”."
        );
        assert!(NotPicked::Nobody.message("Vereist voor de tool", "x").contains("Vereist voor de tool"));
    }
}
