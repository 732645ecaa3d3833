//! What the supplier pages show: a record's values as text, the agreements and certificates that have expired or
//! expire soon, and the lines of the matching report.

use time::Date;
use uuid::Uuid;

use crate::register::fields::{DATA_LOCATIONS, label_of};
use crate::register::suppliers::{Match, Supplier};
use crate::web::{format_date, format_datetime, today};

/// Days before an expiry that the pages (and the CISO's reminder) warn.
pub const WARN_DAYS: i64 = 60;

pub struct SupplierView {
    pub id: Uuid,
    pub name: String,
    pub registration_number: String,
    pub contact: String,
    pub data_location: String,
    pub dpa: String,
    pub dpa_link: String,
    pub training_opt_out: String,
    pub retention: String,
    pub certifications: String,
    pub exit_arrangements: String,
    pub applications: i64,
    pub updated: String,
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().filter(|v| !v.is_empty()).unwrap_or_else(|| "–".to_string())
}

fn dpa(s: &Supplier) -> String {
    match (s.input.dpa_signed_on, s.input.dpa_expires_on) {
        (None, None) if s.input.dpa_link.is_none() => "Niet vastgelegd".to_string(),
        (Some(a), Some(b)) => format!("Ondertekend {}, loopt tot {}", format_date(a), format_date(b)),
        (Some(a), None) => format!("Ondertekend {}", format_date(a)),
        (None, Some(b)) => format!("Loopt tot {}", format_date(b)),
        (None, None) => "Vastgelegd (zie de link)".to_string(),
    }
}

fn certifications(s: &Supplier) -> String {
    let mut parts = Vec::new();
    if let Some(d) = s.input.iso27001_expires_on {
        parts.push(format!("ISO 27001 (geldig tot {})", format_date(d)));
    }
    if let Some(d) = s.input.iso42001_expires_on {
        parts.push(format!("ISO 42001 (geldig tot {})", format_date(d)));
    }
    if let Some(o) = s.input.other_certifications.as_ref().filter(|o| !o.is_empty()) {
        parts.push(o.clone());
    }
    if parts.is_empty() { "–".to_string() } else { parts.join("; ") }
}

impl From<&Supplier> for SupplierView {
    fn from(s: &Supplier) -> Self {
        let i = &s.input;
        SupplierView {
            id: s.id,
            name: i.name.clone(),
            registration_number: or_dash(&i.registration_number),
            contact: or_dash(&i.contact),
            data_location: i.data_location.as_deref().map(|v| label_of(DATA_LOCATIONS, v)).unwrap_or("–".into()),
            dpa: dpa(s),
            dpa_link: i.dpa_link.clone().unwrap_or_default(),
            training_opt_out: match i.training_opt_out {
                Some(true) => "Ja, uitgeschakeld".to_string(),
                Some(false) => "Nee".to_string(),
                None => "Niet vastgelegd".to_string(),
            },
            retention: or_dash(&i.retention),
            certifications: certifications(s),
            exit_arrangements: or_dash(&i.exit_arrangements),
            applications: s.applications,
            updated: format_datetime(s.updated_at),
        }
    }
}

/// An agreement or certificate that has expired or expires within [`WARN_DAYS`].
pub struct Expiry {
    pub supplier_id: Uuid,
    pub supplier: String,
    pub what: &'static str,
    pub date: String,
    pub expired: bool,
}

/// The supplier's dated items: (what, until).
pub fn dated(s: &Supplier) -> [(&'static str, Option<Date>); 3] {
    [
        ("De verwerkersovereenkomst", s.input.dpa_expires_on),
        ("Het ISO 27001-certificaat", s.input.iso27001_expires_on),
        ("Het ISO 42001-certificaat", s.input.iso42001_expires_on),
    ]
}

pub fn expiries(suppliers: &[Supplier]) -> Vec<Expiry> {
    let today = today();
    let mut out: Vec<(Date, Expiry)> = Vec::new();
    for s in suppliers {
        for (what, until) in dated(s) {
            if let Some(d) = until
                && (d - today).whole_days() <= WARN_DAYS
            {
                let e = Expiry {
                    supplier_id: s.id,
                    supplier: s.input.name.clone(),
                    what,
                    date: format_date(d),
                    expired: d < today,
                };
                out.push((d, e));
            }
        }
    }
    out.sort_by_key(|(d, _)| *d);
    out.into_iter().map(|(_, e)| e).collect()
}

pub struct MatchView {
    pub free_text: String,
    pub supplier_id: Option<Uuid>,
    pub supplier: String,
    pub outcome: &'static str,
    pub ambiguous: bool,
    pub applications: i32,
    pub when: String,
}

impl From<Match> for MatchView {
    fn from(m: Match) -> Self {
        MatchView {
            outcome: match m.outcome.as_str() {
                "nieuw" => "Nieuwe leverancier aangemaakt",
                "bestaand" => "Gekoppeld aan een bestaande leverancier",
                _ => "Niet gekoppeld: noemt meer dan één leverancier",
            },
            ambiguous: m.outcome == "dubbelzinnig",
            free_text: m.free_text,
            supplier_id: m.supplier_id,
            supplier: m.supplier.unwrap_or_default(),
            applications: m.applications,
            when: format_datetime(m.matched_at),
        }
    }
}
