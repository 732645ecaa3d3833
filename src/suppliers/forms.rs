//! The supplier form, read at the boundary (the web form and the API's JSON both come here as form pairs): every
//! message names its field; what is stored is checked once more by the database's constraints.

use crate::register::fields::DATA_LOCATIONS;
use crate::register::form::{FormData, is_https_link};
use crate::register::suppliers::SupplierInput;
use crate::web::forms::FormErrors;

/// The form's fields, in order (the API takes the same names).
pub const FIELDS: [&str; 13] = [
    "name",
    "registration_number",
    "contact",
    "data_location",
    "dpa_signed_on",
    "dpa_expires_on",
    "dpa_link",
    "training_opt_out",
    "retention",
    "iso27001_expires_on",
    "iso42001_expires_on",
    "other_certifications",
    "exit_arrangements",
];

fn some(v: String) -> Option<String> {
    Some(v).filter(|v| !v.is_empty())
}

/// A KvK number (8 digits) or a VAT number (NL123456789B01), with spaces and dots typed in between removed.
fn registration_number(errors: &mut FormErrors, value: &str) -> Option<String> {
    let v: String = value.chars().filter(|c| !c.is_whitespace() && *c != '.').collect::<String>().to_uppercase();
    if v.is_empty() {
        return None;
    }
    let kvk = v.len() == 8 && v.chars().all(|c| c.is_ascii_digit());
    let vat = (4..=14).contains(&v.len())
        && v.chars().take(2).all(|c| c.is_ascii_uppercase())
        && v.chars().skip(2).all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '+' || c == '*');
    if kvk || vat {
        Some(v)
    } else {
        errors.add(
            "registration_number",
            "Vul bij KvK- of btw-nummer een KvK-nummer van 8 cijfers in (zoals 12345678) of een btw-nummer met landcode (zoals NL123456789B01).",
        );
        Some(value.trim().to_string())
    }
}

impl TryFrom<&FormData> for SupplierInput {
    type Error = FormErrors;

    fn try_from(input: &FormData) -> Result<Self, FormErrors> {
        let mut e = FormErrors::new();
        let name = e.required("name", "de naam", input.get("name"), 200);
        let registration_number = registration_number(&mut e, input.get("registration_number"));
        let contact = some(e.optional("contact", "het contact", input.get("contact"), 300));
        let data_location = match input.get("data_location").trim() {
            "" => None,
            v => match DATA_LOCATIONS.iter().find(|o| o.value == v) {
                Some(o) => Some(o.value.to_string()),
                None => {
                    e.add("data_location", "Kies bij locatie van de gegevens een van de mogelijkheden.");
                    None
                }
            },
        };
        let dpa_signed_on = e.date("dpa_signed_on", "de datum van ondertekening", input.get("dpa_signed_on"));
        let dpa_expires_on = e.date("dpa_expires_on", "de einddatum", input.get("dpa_expires_on"));
        if let (Some(s), Some(x)) = (dpa_signed_on, dpa_expires_on)
            && x < s
        {
            e.add("dpa_expires_on", "De einddatum van de verwerkersovereenkomst ligt vóór de datum van ondertekening.");
        }
        let dpa_link =
            some(e.optional("dpa_link", "de link naar de verwerkersovereenkomst", input.get("dpa_link"), 500));
        if dpa_link.as_deref().is_some_and(|l| !is_https_link(l)) && e.get("dpa_link").is_none() {
            e.add("dpa_link", "Vul bij link naar de verwerkersovereenkomst een adres in dat begint met https://.");
        }
        let training_opt_out = match input.get("training_opt_out") {
            "" => None,
            "ja" => Some(true),
            "nee" => Some(false),
            _ => {
                e.add("training_opt_out", "Kies bij training op onze gegevens ja of nee.");
                None
            }
        };
        let retention = some(e.optional("retention", "de bewaartermijn", input.get("retention"), 500));
        let iso27001_expires_on = e.date("iso27001_expires_on", "ISO 27001", input.get("iso27001_expires_on"));
        let iso42001_expires_on = e.date("iso42001_expires_on", "ISO 42001", input.get("iso42001_expires_on"));
        let other_certifications =
            some(e.optional("other_certifications", "andere certificeringen", input.get("other_certifications"), 500));
        let exit_arrangements =
            some(e.optional("exit_arrangements", "de exitafspraken", input.get("exit_arrangements"), 2000));
        if !e.is_empty() {
            return Err(e);
        }
        Ok(SupplierInput {
            name,
            registration_number,
            contact,
            data_location,
            dpa_signed_on,
            dpa_expires_on,
            dpa_link,
            training_opt_out,
            retention,
            iso27001_expires_on,
            iso42001_expires_on,
            other_certifications,
            exit_arrangements,
        })
    }
}

/// A stored record as the form's pairs (to edit it).
pub fn to_form(s: &SupplierInput) -> FormData {
    let date = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let pairs = [
        ("name", s.name.clone()),
        ("registration_number", text(&s.registration_number)),
        ("contact", text(&s.contact)),
        ("data_location", text(&s.data_location)),
        ("dpa_signed_on", date(s.dpa_signed_on)),
        ("dpa_expires_on", date(s.dpa_expires_on)),
        ("dpa_link", text(&s.dpa_link)),
        ("training_opt_out", s.training_opt_out.map(|b| if b { "ja" } else { "nee" }).unwrap_or("").to_string()),
        ("retention", text(&s.retention)),
        ("iso27001_expires_on", date(s.iso27001_expires_on)),
        ("iso42001_expires_on", date(s.iso42001_expires_on)),
        ("other_certifications", text(&s.other_certifications)),
        ("exit_arrangements", text(&s.exit_arrangements)),
    ];
    FormData::from_pairs(pairs.into_iter().map(|(k, v)| (k.to_string(), v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn a_supplier_needs_a_name_and_well_formed_numbers_dates_and_links() {
        let ok = SupplierInput::try_from(&form(&[
            ("name", " Microsoft Ireland Operations Ltd "),
            ("registration_number", "nl 8538.76.405 b01"),
            ("data_location", "eu"),
            ("dpa_signed_on", "2025-01-15"),
            ("dpa_expires_on", "2027-01-14"),
            ("dpa_link", "https://dms.example.nl/vo/123"),
            ("training_opt_out", "ja"),
        ]))
        .expect("valid");
        assert_eq!(ok.name, "Microsoft Ireland Operations Ltd");
        assert_eq!(ok.registration_number.as_deref(), Some("NL853876405B01"));
        assert_eq!(ok.training_opt_out, Some(true));
        assert_eq!(SupplierInput::try_from(&to_form(&ok)).unwrap(), ok);
        let bad = SupplierInput::try_from(&form(&[
            ("registration_number", "123"),
            ("data_location", "mars"),
            ("dpa_signed_on", "2025-02-01"),
            ("dpa_expires_on", "2025-01-01"),
            ("dpa_link", "http://x.nl"),
            ("training_opt_out", "misschien"),
        ]))
        .err()
        .unwrap();
        for f in ["name", "registration_number", "data_location", "dpa_expires_on", "dpa_link", "training_opt_out"] {
            assert!(bad.get(f).is_some(), "{f} not refused");
        }
        assert_eq!(
            SupplierInput::try_from(&form(&[("name", "X"), ("registration_number", "12345678")]))
                .unwrap()
                .registration_number
                .as_deref(),
            Some("12345678")
        );
    }
}
