//! View models: the catalogue turned into what the form and detail templates loop over. Templates never
//! receive HTML to mark safe; rich text arrives as blocks.

use serde_json::{Map, Value};

use crate::register::fields::{
    DATA_CLASSES, FIELDS, FieldDef, Kind, Opt, PERMISSIONS, Section, is_data_class, label_of,
};
use crate::register::form::{FormData, Member, display_value, is_blank};
use crate::register::rasci::{LETTERS, RasciEntry, letter_label};
use crate::register::richtext::{self, Block};
use crate::register::{checklist, people};
use crate::web::forms::FormErrors;
pub use crate::web::forms::OptView;

fn opts(options: &[Opt], selected: &[&str]) -> Vec<OptView> {
    options
        .iter()
        .map(|o| OptView {
            value: o.value.to_string(),
            label: o.label.to_string(),
            selected: selected.contains(&o.value),
        })
        .collect()
}

/// What the registration form offers from the organisation: its people (the user fields; validation needs only
/// them, hence the deref) and the names of its supplier records (the choices of the supplier field).
pub struct Known {
    pub people: Vec<Member>,
    pub suppliers: Vec<String>,
}

impl std::ops::Deref for Known {
    type Target = [Member];
    fn deref(&self) -> &[Member] {
        &self.people
    }
}

/// What validating `forms` needs from the organisation: the members their person fields can name (what was
/// typed, not every member: `people::for_forms`) and the supplier names.
pub async fn known(pool: &sqlx::PgPool, org: uuid::Uuid, forms: &[&FormData]) -> sqlx::Result<Known> {
    Ok(Known {
        people: people::for_forms(pool, org, forms).await?,
        suppliers: crate::register::suppliers::names(pool, org).await?,
    })
}

/// What a form page shows from the organisation: only the people the form names (a member's id in a person
/// field) and the supplier names.
pub async fn shown(pool: &sqlx::PgPool, org: uuid::Uuid, form: &FormData) -> sqlx::Result<Known> {
    let ids: Vec<uuid::Uuid> = people::field_keys()
        .iter()
        .flat_map(|k| form.all(k))
        .filter_map(|v| uuid::Uuid::parse_str(v.trim()).ok())
        .collect();
    Ok(Known {
        people: crate::register::store::members_among(pool, org, &ids).await?,
        suppliers: crate::register::suppliers::names(pool, org).await?,
    })
}

/// The supplier field offers the known suppliers.
pub fn offer_suppliers(sections: &mut [SectionView], names: &[String]) {
    for f in sections.iter_mut().flat_map(|s| s.fields.iter_mut()).filter(|f| f.key == "provider") {
        f.choices = names.to_vec();
    }
}

#[derive(Debug, Clone)]
pub struct FieldView {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub instructions: &'static str,
    pub required: bool,
    pub standard: bool,
    /// text, textarea, richtext, month, url, date, radio, select, checkboxes, yesno, references.
    pub control: &'static str,
    pub value: String,
    pub options: Vec<OptView>,
    /// Reference rows (title, link), with two empty rows to add more without JavaScript.
    pub rows: Vec<(String, String)>,
    pub suggestions: &'static [&'static str],
    /// Values to choose from while typing (a datalist): the supplier field's known suppliers.
    pub choices: Vec<String>,
    pub max: usize,
    pub error: Option<String>,
}

impl FieldView {
    /// The ids for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.help.is_empty() || self.max > 0 {
            ids.push(format!("{}-hint", self.key));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.key));
        }
        ids.join(" ")
    }
}

#[derive(Debug, Clone)]
pub struct SectionView {
    pub slug: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Clone)]
pub struct MatrixRow {
    pub key: &'static str,
    pub label: &'static str,
    pub options: Vec<OptView>,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RasciView {
    pub letter: char,
    pub label: &'static str,
    /// Only A is single (exactly one Accountable).
    pub single: bool,
    /// The people chosen (user id, as shown), each a ticked box; only where several may be chosen.
    pub people: Vec<(String, String)>,
    /// The text field: the one person where only one may be chosen; otherwise empty, or what was typed and
    /// did not resolve (so it comes back with its message).
    pub typed: String,
    pub functions: String,
    pub error: Option<String>,
}

fn field_view(f: &FieldDef, form: &FormData, errors: &FormErrors, members: &[Member]) -> FieldView {
    let value = match f.kind {
        Kind::User => people::shown_value(form.get(f.key), members),
        _ => form.get(f.key).to_string(),
    };
    let selected = form.all(f.key);
    let (control, options, max) = match f.kind {
        Kind::Text { max } if max >= 400 => ("textarea", Vec::new(), max),
        Kind::Text { max } => ("text", Vec::new(), max),
        Kind::RichText { max } => ("richtext", Vec::new(), max),
        Kind::Month => ("month", Vec::new(), 0),
        Kind::Link => ("url", Vec::new(), 500),
        Kind::Contact => ("text", Vec::new(), 500),
        Kind::Date => ("date", Vec::new(), 0),
        Kind::Choice(o) if o.len() <= 3 => ("radio", opts(o, &selected), 0),
        Kind::Choice(o) => ("select", opts(o, &selected), 0),
        // The owner ticks the owner's items of the checklist; the CISO's are on the review page.
        Kind::Multi(_) if f.key == "checklist" => {
            ("checkboxes", opts(&checklist::items_of(checklist::Party::Owner), &selected), 0)
        }
        Kind::Multi(o) => ("checkboxes", opts(o, &selected), 0),
        Kind::YesNo => {
            ("yesno", opts(&[Opt { value: "ja", label: "Ja" }, Opt { value: "nee", label: "Nee" }], &selected), 0)
        }
        // Text with suggestions while typing (static/people.js), resolved by register::people.
        Kind::User => ("person", Vec::new(), 0),
        Kind::References { .. } => ("references", Vec::new(), 0),
    };
    let mut rows = Vec::new();
    let mut suggestions: &'static [&'static str] = &[];
    if let Kind::References { suggestions: s, .. } = f.kind {
        suggestions = s;
        let titles = form.all(&format!("{}_title", f.key));
        let links = form.all(&format!("{}_link", f.key));
        for i in 0..titles.len().max(links.len()) {
            let t = titles.get(i).copied().unwrap_or("");
            let l = links.get(i).copied().unwrap_or("");
            if !t.trim().is_empty() || !l.trim().is_empty() {
                rows.push((t.to_string(), l.to_string()));
            }
        }
        rows.push((String::new(), String::new()));
        rows.push((String::new(), String::new()));
    }
    FieldView {
        key: f.key,
        label: f.label,
        help: f.help,
        instructions: if f.instructions == f.help { "" } else { f.instructions },
        required: f.required,
        standard: f.standard,
        control,
        value,
        options,
        rows,
        suggestions,
        choices: Vec::new(),
        max,
        error: errors.get(f.key).map(str::to_string),
    }
}

/// The form's sections (the data-class matrix separately: it is a table).
pub fn form_sections(form: &FormData, errors: &FormErrors, members: &[Member]) -> (Vec<SectionView>, Vec<MatrixRow>) {
    let sections = Section::ALL
        .iter()
        .map(|s| SectionView {
            slug: s.slug(),
            title: s.title(),
            intro: s.intro(),
            fields: FIELDS
                .iter()
                .filter(|f| f.section == *s && !is_data_class(f.key))
                .map(|f| field_view(f, form, errors, members))
                .collect(),
        })
        .collect();
    let matrix = DATA_CLASSES
        .iter()
        .map(|dc| MatrixRow {
            key: dc.value,
            label: dc.label,
            options: opts(PERMISSIONS, &form.all(dc.value)),
            error: errors.get(dc.value).map(str::to_string),
        })
        .collect();
    (sections, matrix)
}

/// The people of a row where several may be chosen: those who resolve as ticked boxes (once each), the rest
/// as typed.
fn chosen(values: &[&str], members: &[Member]) -> (Vec<(String, String)>, String) {
    let mut people: Vec<(String, String)> = Vec::new();
    let mut typed = Vec::new();
    for v in values {
        match people::resolve(v, members) {
            Ok(Some(m)) => {
                let id = m.user_id.to_string();
                if !people.iter().any(|(p, _)| *p == id) {
                    people.push((id, people::shown(m)));
                }
            }
            _ => typed.push(v.trim()),
        }
    }
    (people, typed.join(", "))
}

pub fn rasci_views(form: &FormData, errors: &FormErrors, members: &[Member]) -> Vec<RasciView> {
    LETTERS
        .iter()
        .map(|&letter| {
            let values: Vec<&str> =
                form.all(&format!("rasci_{letter}_user")).into_iter().filter(|v| !v.trim().is_empty()).collect();
            let functions = form.all(&format!("rasci_{letter}_function")).join("\n");
            let key = format!("rasci_{letter}");
            let single = letter == 'A';
            let (people, typed) = if single {
                (Vec::new(), values.first().map(|v| people::shown_value(v, members)).unwrap_or_default())
            } else {
                chosen(&values, members)
            };
            RasciView {
                letter,
                label: letter_label(letter),
                single,
                people,
                typed,
                functions,
                error: errors.get(&key).map(str::to_string),
            }
        })
        .collect()
}

/// A value on the detail page.
#[derive(Debug, Clone)]
pub struct DetailItem {
    pub label: &'static str,
    pub text: String,
    pub blocks: Vec<Block>,
    /// (title, link) pairs; the link is shown as text, and is a link only when it is https.
    pub links: Vec<(String, String)>,
    pub empty: bool,
}

impl DetailItem {
    /// Rich text and references read as a heading with paragraphs; short values as a term beside its value.
    pub fn is_long(&self) -> bool {
        !self.blocks.is_empty() || !self.links.is_empty()
    }

    /// A single https address (a website, a contact page) is shown as a link.
    pub fn is_link(&self) -> bool {
        self.text.starts_with("https://") && !self.text.contains(char::is_whitespace)
    }

    /// A single e-mail address (contact) is shown as a mail link.
    pub fn is_email(&self) -> bool {
        !self.text.contains(char::is_whitespace)
            && self.text.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !a.contains(':'))
    }
}

#[derive(Debug, Clone)]
pub struct DetailSection {
    pub slug: &'static str,
    pub title: &'static str,
    pub items: Vec<DetailItem>,
}

impl DetailSection {
    /// The filled-in short values (a description list).
    pub fn facts(&self) -> Vec<&DetailItem> {
        self.items.iter().filter(|i| !i.empty && !i.is_long()).collect()
    }

    /// The filled-in texts (each under its own heading).
    pub fn texts(&self) -> Vec<&DetailItem> {
        self.items.iter().filter(|i| !i.empty && i.is_long()).collect()
    }

    /// The labels of the empty fields, for one "Nog niet ingevuld: …" line instead of a row each.
    pub fn empty_labels(&self) -> String {
        self.items.iter().filter(|i| i.empty).map(|i| i.label).collect::<Vec<_>>().join(", ")
    }
}

pub fn detail_sections(doc: &Map<String, Value>, members: &[Member]) -> Vec<DetailSection> {
    Section::ALL
        .iter()
        .map(|s| DetailSection {
            slug: s.slug(),
            title: s.title(),
            items: FIELDS
                .iter()
                // The name and short description are the page's heading and lead; the checklist has its own
                // section; the data classes answered are the matrix, those not answered join the empty line.
                .filter(|f| {
                    f.section == *s
                        && !(is_data_class(f.key) && doc.get(f.key).is_some_and(|v| !is_blank(v)))
                        && !matches!(f.key, "checklist" | "name" | "description_short")
                })
                .map(|f| {
                    let v = doc.get(f.key).unwrap_or(&Value::Null);
                    let empty = is_blank(v);
                    let mut item = DetailItem {
                        label: f.label,
                        text: String::new(),
                        blocks: Vec::new(),
                        links: Vec::new(),
                        empty,
                    };
                    match (f.kind, v) {
                        (Kind::RichText { .. }, Value::String(html)) => item.blocks = richtext::blocks(html),
                        (Kind::References { .. }, Value::Array(refs)) => {
                            item.links = refs
                                .iter()
                                .map(|r| {
                                    (
                                        r.get("title").and_then(Value::as_str).unwrap_or("").to_string(),
                                        r.get("link").and_then(Value::as_str).unwrap_or("").to_string(),
                                    )
                                })
                                .collect()
                        }
                        _ if !empty => item.text = display_value(f.key, v, members),
                        _ => {}
                    }
                    item
                })
                .collect(),
        })
        .collect()
}

/// The answered rows of the data-class matrix for display: (class, permission label, permission value). The
/// classes not answered yet are on the section's "Nog niet ingevuld" line (detail_sections).
pub fn matrix_display(doc: &Map<String, Value>) -> Vec<(&'static str, String, String)> {
    DATA_CLASSES
        .iter()
        .filter_map(|dc| {
            let v = doc.get(dc.value).and_then(Value::as_str).filter(|v| !v.is_empty())?;
            Some((dc.label, label_of(PERMISSIONS, v), v.to_string()))
        })
        .collect()
}

/// RASCI for display: (letter label, names).
pub fn rasci_display(rasci: &[RasciEntry], members: &[Member]) -> Vec<(&'static str, Vec<String>)> {
    LETTERS
        .iter()
        .map(|&l| {
            let names = rasci
                .iter()
                .filter(|r| r.letter == l)
                .map(|r| r.describe(members).split_once(": ").map(|(_, n)| n.to_string()).unwrap_or_default())
                .collect();
            (letter_label(l), names)
        })
        .collect()
}

impl Block {
    pub fn is_list(&self) -> bool {
        matches!(self, Block::List { .. })
    }

    pub fn is_ordered(&self) -> bool {
        matches!(self, Block::List { ordered: true, .. })
    }

    /// Paragraph lines or list items.
    pub fn parts(&self) -> &[String] {
        match self {
            Block::Paragraph(lines) => lines,
            Block::List { items, .. } => items,
        }
    }
}
