//! A person typed into a form's person field (owner, RASCI). The forms no longer list every member in a
//! select (at 3,000 members the RASCI step was 1.67 MB of options): a field holds text, suggestions come from
//! `search` while typing, and the text is resolved here to one member. A user id (the API, or a ticked box
//! for someone already chosen) is taken as it is.

use sqlx::PgPool;
use uuid::Uuid;

use super::fields::{FIELDS, Kind};
use super::form::{FormData, Member};
use super::rasci::LETTERS;
use crate::util::fold_words;

/// How a member is shown in a person field and in the suggestions: "Jan Jansen (jan@gemeente.nl)"; a
/// deactivated member already chosen keeps a mark, so saving the form again keeps them on purpose.
pub fn shown(m: &Member) -> String {
    shown_as(&m.name, &m.email, m.active)
}

/// "Name (e-mail)", or "Name (e-mail, inactief)" for someone deactivated: how pages name a person.
pub fn shown_as(name: &str, email: &str, active: bool) -> String {
    if active { format!("{name} ({email})") } else { format!("{name} ({email}, inactief)") }
}

/// The text a person field shows for a submitted or stored value: a member's id as that member, anything
/// else (text that did not resolve) as typed, so a form with an error comes back as the user left it.
pub fn shown_value(raw: &str, members: &[Member]) -> String {
    match resolve(raw, members) {
        Ok(Some(m)) if Uuid::parse_str(raw.trim()).is_ok() => shown(m),
        _ => raw.to_string(),
    }
}

/// Why a typed person is not one member; the caller names the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotFound {
    /// Nobody matches.
    Nobody,
    /// The name fits several active members (their e-mail addresses, to choose by).
    Several(Vec<String>),
    /// The member is deactivated and was not already chosen.
    Inactive(String),
    /// A user id that is not a member of the organisation.
    NotAMember,
}

impl NotFound {
    /// The message for the field with this label, in Dutch.
    pub fn message(&self, label: &str, typed: &str) -> String {
        let typed: String = typed.trim().chars().take(100).collect();
        match self {
            NotFound::Nobody => format!(
                "Bij {label} is geen medewerker „{typed}” gevonden: kies een naam uit de lijst of typ het e-mailadres."
            ),
            NotFound::Several(emails) => {
                // A few to choose by; a short text can fit hundreds.
                let mut named = emails.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
                if emails.len() > 5 {
                    named.push_str(&format!(" en {} meer", emails.len() - 5));
                }
                format!(
                    "Bij {label} past „{typed}” bij meer medewerkers ({named}): kies er één uit de lijst of typ het e-mailadres."
                )
            }
            NotFound::Inactive(name) => {
                format!("Bij {label}: {name} is niet meer actief in de organisatie; kies een andere medewerker.")
            }
            NotFound::NotAMember => format!("Kies bij {label} een medewerker van de organisatie."),
        }
    }
}

/// The member a person field's text names: a user id; "Name (e-mail)" as suggested or shown; an e-mail
/// address; a full name; or, as the suggestions find people, the start of a name, of one of its words or of an
/// e-mail address — each only when it fits one active member (case and spacing do not count). Empty is nobody.
pub fn resolve<'a>(raw: &str, members: &'a [Member]) -> Result<Option<&'a Member>, NotFound> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(id) = Uuid::parse_str(raw) {
        return members.iter().find(|m| m.user_id == id).map(Some).ok_or(NotFound::NotAMember);
    }
    let by_email = |email: &str| members.iter().find(|m| m.email.eq_ignore_ascii_case(email.trim()));
    let active = |m: &'a Member| if m.active { Ok(Some(m)) } else { Err(NotFound::Inactive(m.name.clone())) };
    // "Name (e-mail)" or, for someone deactivated who was already chosen, "Name (e-mail, inactief)".
    if let Some((email, inactive)) = bracketed(raw)
        && let Some(m) = by_email(email)
    {
        return if inactive { Ok(Some(m)) } else { active(m) };
    }
    if let Some(m) = by_email(raw) {
        return active(m);
    }
    let name = fold_words(raw);
    let fits: Vec<&Member> = members.iter().filter(|m| m.active && fold_words(&m.name) == name).collect();
    if !fits.is_empty() {
        return one_of(&fits);
    }
    // As the suggestions find people: the start of the name or of one of its words, or of the e-mail address
    // ("mila", "de vr", "j.jans"), when that is one active member.
    let starts: Vec<&Member> = members.iter().filter(|m| m.active && starts_like(m, &name)).collect();
    if !starts.is_empty() {
        return one_of(&starts);
    }
    match members.iter().find(|m| fold_words(&m.name) == name) {
        Some(m) => Err(NotFound::Inactive(m.name.clone())),
        None => Err(NotFound::Nobody),
    }
}

/// The active member a field's text names, where only someone active may be chosen (a new owner, a completion):
/// a deactivated one is refused even by id or by "(…, inactief)", and empty is nobody.
pub fn resolve_active<'a>(raw: &str, members: &'a [Member]) -> Result<&'a Member, NotFound> {
    match resolve(raw, members)? {
        Some(m) if m.active => Ok(m),
        Some(m) => Err(NotFound::Inactive(m.name.clone())),
        None => Err(NotFound::Nobody),
    }
}

fn one_of<'a>(fits: &[&'a Member]) -> Result<Option<&'a Member>, NotFound> {
    match fits {
        [one] => Ok(Some(one)),
        several => {
            let mut emails: Vec<String> = several.iter().map(|m| m.email.clone()).collect();
            emails.sort();
            Err(NotFound::Several(emails))
        }
    }
}

fn starts_like(m: &Member, typed: &str) -> bool {
    let name = fold_words(&m.name);
    name.starts_with(typed) || name.contains(&format!(" {typed}")) || m.email.to_lowercase().starts_with(typed)
}

/// Free texts looked up one by one; beyond this many, `candidates` reads every member instead.
const MOST_FREE_TEXTS: usize = 4;

/// The members whose rows `resolve` needs to resolve each of `typed` as it would against every member: the
/// ones a text names by id or e-mail address (indexed), and, for a text neither names, those whose name or
/// e-mail address holds each of its words (every name or address the text can fit holds them). Saving a form
/// reads these, not every member of the organisation: thousands where SCIM brings every employee, when a
/// form typically names a few people by the "Name (e-mail)" the suggestions put in.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn candidates(pool: &PgPool, organisation_id: Uuid, typed: &[&str]) -> sqlx::Result<Vec<Member>> {
    let typed: Vec<&str> = typed.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect();
    let ids: Vec<Uuid> = typed.iter().filter_map(|t| Uuid::parse_str(t).ok()).collect();
    let texts: Vec<&str> = typed.iter().copied().filter(|t| Uuid::parse_str(t).is_err()).collect();
    let emails: Vec<String> = texts.iter().flat_map(|t| addresses(t)).map(|e| e.to_lowercase()).collect();
    let mut found = if ids.is_empty() && emails.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as!(
            Member,
            r#"select u.user_id as "user_id!", u.name as "name!", u.email as "email!", u.active as "active!"
               from app_user u
               where (u.user_id = any($2) or u.email = any($3))
                 and exists (select 1 from membership m where m.user_id = u.user_id and m.organisation_id = $1)"#,
            organisation_id,
            &ids,
            &emails
        )
        .fetch_all(pool)
        .await?
    };
    // A text whose address was found resolves to that member whoever else there is (`resolve` looks at the
    // address first); any other text may fit names.
    let named = |t: &str| addresses(t).iter().any(|a| found.iter().any(|m| m.email.eq_ignore_ascii_case(a.trim())));
    // Every word of such a text is in the name (or the address) of each member it can fit: the name folded
    // equals the text or has it at the start of one of its words, or the address starts with it.
    let mut free: Vec<Vec<String>> = texts
        .iter()
        .filter(|t| !named(t))
        .map(|t| fold_words(t).split(' ').map(|w| format!("%{}%", crate::util::escape_like(w))).collect())
        .collect();
    free.sort();
    free.dedup();
    // Every member is read once for a form of many free texts (a client posting hundreds), and for a text with
    // letters beyond ASCII: Rust and the database fold their case differently ("İ", a final "Σ"; under the `C`
    // collation `ILIKE` folds none), so the database could leave out someone `resolve` would find.
    if free.len() > MOST_FREE_TEXTS || texts.iter().any(|t| !named(t) && !t.is_ascii()) {
        return super::store::members(pool, organisation_id).await;
    }
    let mut seen: std::collections::HashSet<Uuid> = found.iter().map(|m| m.user_id).collect();
    for words in free {
        // The longest word is in the name or in the address of every account that fits: that condition alone is
        // one a trigram index (migration 0063) answers, so the accounts are not all read to test `all($2)`.
        let longest = words.iter().max_by_key(|w| w.len()).cloned().unwrap_or_default();
        let fitting = sqlx::query_as!(
            Member,
            r#"select u.user_id as "user_id!", u.name as "name!", u.email as "email!", u.active as "active!"
               from app_user u
               where (u.name ilike $3 or u.email ilike $3)
                 and (u.name ilike all($2) or u.email ilike all($2))
                 and exists (select 1 from membership m where m.user_id = u.user_id and m.organisation_id = $1)"#,
            organisation_id,
            &words,
            longest
        )
        .fetch_all(pool)
        .await?;
        found.extend(fitting.into_iter().filter(|f| seen.insert(f.user_id)));
    }
    // In the order of every member (`store::members`), so a message that names one of several names the same one.
    found.sort_by(|a, b| (!a.active, &a.name, &a.email).cmp(&(!b.active, &b.name, &b.email)));
    Ok(found)
}

/// The members the person fields of `forms` can name (the owner and the other person fields, the RASCI
/// people): what validating those forms needs (`candidates`).
pub async fn for_forms(pool: &PgPool, organisation_id: Uuid, forms: &[&FormData]) -> sqlx::Result<Vec<Member>> {
    let keys = field_keys();
    let typed: Vec<&str> = forms.iter().flat_map(|form| keys.iter().flat_map(|k| form.all(k))).collect();
    candidates(pool, organisation_id, &typed).await
}

/// A registration form's person fields: the owner and the other person fields, and each RASCI letter's people.
pub fn field_keys() -> Vec<String> {
    let people = FIELDS.iter().filter(|f| matches!(f.kind, Kind::User)).map(|f| f.key.to_string());
    people.chain(LETTERS.iter().map(|l| format!("rasci_{l}_user"))).collect()
}

/// The e-mail address between the brackets of "Name (e-mail)" or, for someone deactivated who was already
/// chosen, "Name (e-mail, inactief)" (then true).
fn bracketed(raw: &str) -> Option<(&str, bool)> {
    let inner = raw.trim().strip_suffix(')').and_then(|r| r.rsplit_once('('))?.1;
    Some(match inner.rsplit_once(',') {
        Some((email, mark)) if mark.trim() == "inactief" => (email, true),
        _ => (inner, false),
    })
}

/// The e-mail addresses `resolve` looks for in a text: the bracketed one and the text itself.
fn addresses(raw: &str) -> Vec<&str> {
    bracketed(raw).map(|(email, _)| email).into_iter().chain([raw]).map(str::trim).collect()
}

/// A suggestion while typing: the text to put in the field and the department to tell namesakes apart.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggestion {
    pub value: String,
    pub label: String,
}

/// At most `limit` active members whose name has a word starting with the text, or whose e-mail address
/// does; names that start with it first. Bounded, so a form costs the same at 30 members or 30,000.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn search(pool: &PgPool, organisation_id: Uuid, typed: &str, limit: i64) -> sqlx::Result<Vec<Suggestion>> {
    let typed = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    // LIKE's own characters are taken literally.
    let like = crate::util::escape_like(&typed);
    let rows = sqlx::query!(
        r#"select u.name as "name!", u.email as "email!", coalesce(u.department, '') as "department!"
           from app_user u
           where u.active and exists (select 1 from membership m where m.user_id = u.user_id and m.organisation_id = $1)
             and (u.name ilike ($2 || '%') or u.name ilike ('% ' || $2 || '%') or u.email ilike ($2 || '%'))
           order by (u.name ilike ($2 || '%')) desc, u.name, u.email
           limit $3"#,
        organisation_id,
        like,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| Suggestion { value: shown_as(&r.name, &r.email, true), label: r.department }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, email: &str, active: bool) -> Member {
        Member { user_id: Uuid::now_v7(), name: name.into(), email: email.into(), active }
    }

    fn people() -> Vec<Member> {
        vec![
            member("Jan Jansen", "jan@gemeente.nl", true),
            member("Jan Jansen", "j.jansen@gemeente.nl", true),
            member("Piet de  Vries", "piet@gemeente.nl", true),
            member("Oud Gediende", "oud@gemeente.nl", false),
        ]
    }

    #[test]
    fn a_person_is_found_by_id_shown_text_email_or_unique_name() {
        let p = people();
        let piet = &p[2];
        for typed in [
            piet.user_id.to_string(),
            "Piet de Vries (piet@gemeente.nl)".into(),
            " PIET@gemeente.nl ".into(),
            "piet  de vries".into(),
            // The shown text of someone renamed since still names them by e-mail address.
            "Pieter de Vries (piet@gemeente.nl)".into(),
        ] {
            assert_eq!(resolve(&typed, &p).unwrap().unwrap().user_id, piet.user_id, "{typed}");
        }
        assert_eq!(resolve("  ", &p), Ok(None));
    }

    #[test]
    fn a_name_of_several_or_of_nobody_or_of_someone_inactive_is_refused() {
        let p = people();
        assert_eq!(
            resolve("jan jansen", &p),
            Err(NotFound::Several(vec!["j.jansen@gemeente.nl".into(), "jan@gemeente.nl".into()]))
        );
        assert_eq!(resolve("Jan Jansen (j.jansen@gemeente.nl)", &p).unwrap().unwrap().user_id, p[1].user_id);
        assert_eq!(resolve("Klaas", &p), Err(NotFound::Nobody));
        assert_eq!(resolve("klaas@gemeente.nl", &p), Err(NotFound::Nobody));
        assert_eq!(resolve("piet@gemeente", &p).unwrap().unwrap().user_id, p[2].user_id, "an address begun");
        assert_eq!(resolve("Jan (", &p), Err(NotFound::Nobody));
        assert_eq!(resolve(&Uuid::now_v7().to_string(), &p), Err(NotFound::NotAMember));
        for typed in ["Oud Gediende", "oud@gemeente.nl", "Oud Gediende (oud@gemeente.nl)"] {
            assert_eq!(resolve(typed, &p), Err(NotFound::Inactive("Oud Gediende".into())), "{typed}");
        }
    }

    #[test]
    fn the_start_of_a_name_or_e_mail_address_finds_one_active_member_as_the_suggestions_do() {
        let p = people();
        for typed in ["piet", "PIET de", "de vr", "vries", "piet@", "oud gediende x"] {
            let found = resolve(typed, &p);
            if typed == "oud gediende x" {
                assert_eq!(found, Err(NotFound::Nobody), "{typed}");
            } else {
                assert_eq!(found.unwrap().unwrap().user_id, p[2].user_id, "{typed}");
            }
        }
        assert_eq!(resolve("j.jan", &p).unwrap().unwrap().user_id, p[1].user_id);
        assert_eq!(
            resolve("jan", &p),
            Err(NotFound::Several(vec!["j.jansen@gemeente.nl".into(), "jan@gemeente.nl".into()]))
        );
        // Someone deactivated is not found by the start of their name.
        assert_eq!(resolve("oud", &p), Err(NotFound::Nobody));
        let many: Vec<String> = (0..8).map(|i| format!("p{i}@x.nl")).collect();
        assert_eq!(
            NotFound::Several(many).message("R (Responsible)", "p"),
            "Bij R (Responsible) past „p” bij meer medewerkers (p0@x.nl, p1@x.nl, p2@x.nl, p3@x.nl, p4@x.nl en 3 meer): kies er één uit de lijst of typ het e-mailadres."
        );
    }

    #[test]
    fn someone_deactivated_who_was_chosen_stays_when_the_form_is_saved_again() {
        let p = people();
        let shown_now = shown_value(&p[3].user_id.to_string(), &p);
        assert_eq!(shown_now, "Oud Gediende (oud@gemeente.nl, inactief)");
        assert_eq!(resolve(&shown_now, &p).unwrap().unwrap().user_id, p[3].user_id);
        assert_eq!(resolve(&p[3].user_id.to_string(), &p).unwrap().unwrap().user_id, p[3].user_id);
    }

    #[test]
    fn text_that_did_not_resolve_comes_back_as_typed() {
        let p = people();
        assert_eq!(shown_value("Klaas", &p), "Klaas");
        assert_eq!(shown_value("piet@gemeente.nl", &p), "piet@gemeente.nl");
        assert_eq!(shown_value(&p[0].user_id.to_string(), &p), "Jan Jansen (jan@gemeente.nl)");
    }

    #[test]
    fn messages_name_the_field() {
        assert_eq!(
            NotFound::Several(vec!["a@x.nl".into(), "b@x.nl".into()]).message("Eigenaar", "Jan"),
            "Bij Eigenaar past „Jan” bij meer medewerkers (a@x.nl, b@x.nl): kies er één uit de lijst of typ het e-mailadres."
        );
        assert!(NotFound::Nobody.message("A (Accountable)", "Klaas").starts_with("Bij A (Accountable) is geen"));
    }
}
