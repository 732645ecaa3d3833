//! Labels of the keys of a registration's JSON that are not fields of the catalogue: its other columns and
//! what audit events add beside them. Every key a stored registration or its audit snapshot has gets its own
//! label, so no list ever names an "Overig veld" (tests/api/change.rs checks the table's columns).

pub fn other(key: &str) -> Option<&'static str> {
    match key {
        "workflow_status" => Some("Beoordelingsstatus"),
        "risk_level_derived" => Some("Risiconiveau (afgeleid)"),
        "risk_level_override" => Some("Risiconiveau (aangepast door CISO)"),
        "risk_override_motivation" => Some("Motivering risiconiveau"),
        "rasci" => Some("RASCI"),
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
        "version" => Some("Versie"),
        "checklist_by" => Some("Checklist afgevinkt door"),
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
        _ => None,
    }
}
