//! Labels of the keys of a registration's JSON that are not fields of the catalogue: its other columns and
//! what audit events add beside them. Every key a stored registration or its audit snapshot has gets its own
//! label, so no list ever names an "Overig veld" (tests/api/change.rs checks the table's columns; the tests
//! below check every audit event a registration gets and every key such an event adds).

/// The history's name of an audit event of a registration.
pub fn event(action: &str) -> Option<&'static str> {
    Some(match action {
        "policy.draft_saved" => "Concept van het AI-beleid opgeslagen",
        "policy.published" => "AI-beleid gepubliceerd",
        "policy.acknowledged" => "AI-beleid gelezen en bevestigd",
        "policy.reminded" => "Herinnering gestuurd om het AI-beleid te lezen",
        "application.created" => "Geregistreerd",
        "application.updated" => "Gewijzigd",
        "application.submitted" => "Ingediend",
        "application.risk_override" => "Risiconiveau aangepast",
        "application.status_set" => "Status gezet",
        "application.review_started" => "In behandeling genomen door de CISO",
        "application.decided" => "Besluit van de CISO",
        "application.fg_advice" => "Advies van de FG",
        "application.consent" => "Besluit van de directie",
        "application.put_in_use" => "In gebruik genomen",
        "application.retired" => "Buiten gebruik gesteld",
        "application.evaluated" => "Geëvalueerd",
        "application.resubmitted" => "Opnieuw ter beoordeling (wezenlijke wijziging)",
        "application.change_rejected" => "Wijziging afgewezen; de goedgekeurde versie geldt weer",
        "application.assessment_added" => "Assessment toegevoegd",
        "application.assessment_updated" => "Assessment bijgewerkt",
        "application.assessment_awaiting" => "Assessment ter bevestiging",
        "application.assessment_confirmed" => "Assessment bevestigd",
        "application.assessment_returned" => "Assessment teruggestuurd",
        "application.incident_reported" => "Incident gemeld",
        "application.incident_updated" => "Incident bijgewerkt",
        "application.suspended" => "Tijdelijk niet gebruiken",
        "application.suspension_lifted" => "Weer vrijgegeven voor gebruik",
        "application.ai_act" => "Beslishulp AI-verordening afgerond",
        "application.checklist" => "Checklist afgevinkt door de CISO",
        "application.register_upload" => "Verstuurd naar het Algoritmeregister",
        "application.register_no_changes" => "Verstuurd naar het Algoritmeregister: geen wijzigingen",
        "application.register_retract" => "Ingetrokken uit het Algoritmeregister",
        // AI-literacy (src/literacy): the audit trail of trainings, requirements and completions.
        "literacy.training_created" => "Training toegevoegd",
        "literacy.training_changed" => "Training gewijzigd",
        "literacy.training_removed" => "Training verwijderd",
        "literacy.requirement_added" => "Trainingseis toegevoegd",
        "literacy.requirement_removed" => "Trainingseis verwijderd",
        "literacy.completion_recorded" => "Gevolgde training vastgelegd",
        "literacy.completion_confirmed" => "Gevolgde training bevestigd",
        "literacy.completions_imported" => "Gevolgde trainingen geïmporteerd",
        "literacy.demo_loaded" => "Demo-trainingen geladen",
        "literacy.certificate_uploaded" => "Certificaat van een gevolgde training geüpload",
        "application.supplier_renamed" => "Naam van de leverancier gewijzigd bij de leverancier",
        "supplier.created" => "Leverancier vastgelegd",
        "supplier.updated" => "Leverancier gewijzigd",
        "supplier.document_uploaded" => "Document van de leverancier geüpload",
        "supplier.document_removed" => "Document van de leverancier verwijderd",
        "application.eu_database_ref" => "Registratie van de aanbieder in de EU-databank vastgelegd",
        "application.requirements_updated" => "Vereisten (Algoritmekader) bijgewerkt",
        "application.requirement_excluded" => "Vereiste niet van toepassing verklaard",
        "application.requirement_included" => "Vereiste weer van toepassing",
        "application.measure_updated" => "Maatregel bijgewerkt",
        _ => return None,
    })
}

/// Keys that events add beside the columns (`store::record_with`, `store::record_note`): notes of the event,
/// not changed fields, so the history shows no earlier value for them.
pub const EVENT_NOTES: &[&str] = &[
    "ai_act",
    "assessment",
    "incident",
    "evaluation",
    "fg_advice",
    "fg_advice_note",
    "consent",
    "consent_note",
    "decision_note",
    "against_fg_reason",
    "conditions_due",
    "changed_fields",
    "checklist_by",
    "publication",
    "import_notes",
    "import_problems",
    "kader",
];

pub fn other(key: &str) -> Option<&'static str> {
    match key {
        "workflow_status" => Some("Beoordelingsstatus"),
        "risk_level_derived" => Some("Risiconiveau (afgeleid)"),
        "risk_level_override" => Some("Risiconiveau (aangepast door CISO)"),
        "risk_override_motivation" => Some("Motivering risiconiveau"),
        "rasci" => Some("RASCI"),
        // A RASCI row refused on its own (a person who is not one member), as the draft's "Niet opgeslagen" names it.
        "rasci_R" => Some("R (Responsible)"),
        "rasci_A" => Some("A (Accountable)"),
        "rasci_S" => Some("S (Supportive)"),
        "rasci_C" => Some("C (Consulted)"),
        "rasci_I" => Some("I (Informed)"),
        "submitted_by" => Some("Ingediend door"),
        "suspension_reason" => Some("Reden: tijdelijk niet gebruiken"),
        "suspended_at" => Some("Tijdelijk niet gebruiken sinds"),
        "decision_note" => Some("Voorwaarden, reden of vragen"),
        "against_fg_reason" => Some("Reden om af te wijken van het FG-advies"),
        "fg_advice" => Some("Advies FG"),
        "fg_advice_note" => Some("Toelichting advies FG"),
        "consent" => Some("Toestemming directie"),
        "consent_note" => Some("Toelichting directie"),
        "assessment" => Some("Assessment"),
        "evaluation" => Some("Evaluatie"),
        "incident" => Some("Incident"),
        "ai_act" => Some("Beslishulp AI-verordening"),
        "kader" => Some("Algoritmekader"),
        "version" => Some("Versie"),
        "checklist_by" => Some("Checklist afgevinkt door"),
        "import_notes" => Some("Aangepast bij de import"),
        "import_problems" => Some("Niet overgenomen bij de import (nog aan te vullen)"),
        "risk_level" => Some("Eigen risiconiveau"),
        "risk_override_by" => Some("Risiconiveau aangepast door"),
        "suspended_by" => Some("Tijdelijk stilgezet door"),
        "created_by" => Some("Geregistreerd door"),
        "created_at" => Some("Geregistreerd op"),
        "updated_at" => Some("Laatst gewijzigd op"),
        "submitted_at" => Some("Ingediend op"),
        "lars" => Some("Id in het Algoritmeregister"),
        "publication_dt" => Some("Gepubliceerd in het Algoritmeregister op"),
        "lang" => Some("Taal"),
        "standard_version" => Some("Versie van de publicatiestandaard"),
        "application_id" => Some("Id"),
        "organisation_id" => Some("Organisatie"),
        "changed_fields" => Some("Gewijzigde velden"),
        "conditions_due" => Some("Termijn voor de voorwaarden"),
        "publication" => Some("Algoritmeregister"),
        "supplier_id" => Some("Leverancier (vastgelegd)"),
        "eu_database_ref" => Some("Registratie van de aanbieder in de EU-databank"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    fn sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }

    /// The code's files but this one (whose tests and comments show the patterns without writing an event).
    fn all_sources() -> Vec<(PathBuf, String)> {
        let mut out = Vec::new();
        sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
        out.retain(|(p, _)| !p.ends_with("register/labels.rs"));
        out
    }

    /// The name in `"name"` at the start of `s`.
    fn quoted(s: &str) -> Option<&str> {
        let rest = s.strip_prefix('"')?;
        let end = rest.find('"')?;
        let name = &rest[..end];
        name.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.').then_some(name)
    }

    /// Every registration event the code records ("application.…" written anywhere in src/) has a name.
    #[test]
    fn every_event_of_a_registration_has_a_dutch_name() {
        let mut seen = 0;
        for (path, text) in all_sources() {
            for (at, _) in text.match_indices("\"application.") {
                let Some(action) = quoted(&text[at..]) else { continue };
                seen += 1;
                assert!(event(action).is_some(), "{action} ({}) has no name in the history", path.display());
            }
        }
        assert!(seen > 30, "found {seen} events");
    }

    /// Every key an event adds beside the columns — the `("key", json!(…))` details of `record_with`, the
    /// `("key", note)` of `record_note` — has a label and shows as a note in the history.
    #[test]
    fn every_key_an_event_adds_has_a_label() {
        let mut keys: Vec<(String, PathBuf)> = Vec::new();
        for (path, text) in all_sources() {
            // The helpers themselves, not an event.
            if path.ends_with("register/store.rs") {
                continue;
            }
            if text.contains("record_with(") {
                for (at, _) in text.match_indices("(\"") {
                    let Some(key) = quoted(&text[at + 1..]) else { continue };
                    if text[at + 1 + key.len() + 2..].starts_with(", json!(") {
                        keys.push((key.to_string(), path.clone()));
                    }
                }
            }
            for (at, _) in text.match_indices("record_note(") {
                let call = &text[at..];
                let call = &call[..call.find(".await").unwrap_or(call.len())];
                let Some(last) = call.rfind("(\"") else { continue };
                if let Some(key) = quoted(&call[last + 1..]) {
                    keys.push((key.to_string(), path.clone()));
                }
            }
        }
        for k in ["checklist_by", "conditions_due", "publication", "assessment", "fg_advice"] {
            assert!(keys.iter().any(|(x, _)| x == k), "{k} not found: {keys:?}");
        }
        for (key, path) in &keys {
            assert!(other(key).is_some(), "{key} ({}) has no label", path.display());
            assert!(EVENT_NOTES.contains(&key.as_str()), "{key} ({}) is not in EVENT_NOTES", path.display());
        }
    }
}
