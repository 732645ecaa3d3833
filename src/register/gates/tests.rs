use super::*;

/// A registration that passes every gate.
fn passing() -> Facts {
    Facts {
        goal_stated: true,
        personal_data: true,
        special_categories: false,
        risk_high: false,
        completed: vec!["prescan_dpia".into()],
        agreements: [Some(true); 3],
        accountable: 1,
        fg_advice: Some("positief".into()),
        checklist: CHECKLIST.iter().map(|c| c.value.to_string()).collect(),
        ..Facts::default()
    }
}

fn gates(f: &Facts, stage: Stage) -> Vec<&'static str> {
    check(f, stage).into_iter().map(|o| o.gate).collect()
}

#[test]
fn a_complete_registration_passes() {
    assert!(check(&passing(), Stage::Submission).is_empty());
    assert!(check(&passing(), Stage::Approval).is_empty());
}

#[test]
fn purpose_must_be_stated() {
    let f = Facts { goal_stated: false, ..passing() };
    let open = check(&f, Stage::Submission);
    assert_eq!(open.len(), 1);
    assert!(open[0].message.contains("Doel en impact"));
}

#[test]
fn dpia_is_required_for_high_risk_personal_data() {
    let f = Facts { special_categories: true, ..passing() };
    let open = check(&f, Stage::Submission);
    assert_eq!(gates(&f, Stage::Submission), ["Risicoanalyse"]);
    assert!(open[0].message.contains("afgeronde DPIA (verplicht omdat er bijzondere persoonsgegevens worden"));
    let f = Facts { risk_high: true, consent: Some(true), ..passing() };
    assert!(check(&f, Stage::Approval)[0].message.contains("eigen risiconiveau hoog is"));
    let done = Facts { completed: vec!["dpia".into()], ..f };
    assert!(check(&done, Stage::Approval).is_empty());
    // Without personal data a high risk needs no DPIA.
    let f = Facts { personal_data: false, risk_high: true, consent: Some(true), ..passing() };
    assert!(check(&f, Stage::Approval).is_empty());
}

#[test]
fn a_prescan_that_requires_a_dpia_requires_one() {
    let f = Facts { personal_data: false, prescan_requires_dpia: true, ..passing() };
    let open = check(&f, Stage::Submission);
    assert!(open[0].message.contains("de Pre-scan DPIA uitwijst dat een DPIA verplicht is"), "{open:?}");
    assert!(check(&Facts { completed: vec!["dpia".into()], ..f }, Stage::Submission).is_empty());
}

#[test]
fn iama_is_required_for_high_risk_ai_or_citizens() {
    for f in [Facts { ai_act_high_risk: true, ..passing() }, Facts { affects_citizens: true, ..passing() }] {
        let open = check(&f, Stage::Submission);
        assert_eq!(open.len(), 1, "{open:?}");
        assert!(open[0].message.contains("afgeronde IAMA of FRAIA"));
        assert!(check(&Facts { completed: vec!["fraia".into()], ..f.clone() }, Stage::Submission).is_empty());
        assert!(check(&Facts { completed: vec!["iama".into()], ..f }, Stage::Submission).is_empty());
    }
}

#[test]
fn without_required_instruments_an_analysis_or_a_reason_is_needed() {
    let f = Facts { completed: vec![], ..passing() };
    let open = check(&f, Stage::Submission);
    assert_eq!(gates(&f, Stage::Submission), ["Risicoanalyse"]);
    assert!(open[0].message.contains("Toelichting risicoanalyse"));
    assert!(check(&Facts { risk_analysis_reason: true, ..f }, Stage::Submission).is_empty());
}

#[test]
fn supplier_agreements_are_recorded_or_explained() {
    let f = Facts { agreements: [Some(true), None, Some(false)], ..passing() };
    let open = check(&f, Stage::Submission);
    assert_eq!(gates(&f, Stage::Submission), ["Afspraken met de leverancier"]);
    assert!(open[0].message.contains("bewaartermijn (retentie), training op onze gegevens"), "{open:?}");
    assert!(!open[0].message.contains("datagebruik,"));
    assert!(check(&Facts { agreements_note: true, ..f }, Stage::Submission).is_empty());
}

#[test]
fn exactly_one_accountable() {
    for n in [0, 2] {
        let open = check(&Facts { accountable: n, ..passing() }, Stage::Submission);
        assert_eq!(open[0].gate, "Precies één Accountable");
        assert!(open[0].message.ends_with(&format!("nu {n}.")));
    }
}

#[test]
fn fg_advice_only_at_approval_and_only_with_personal_data() {
    let f = Facts { fg_advice: None, ..passing() };
    assert!(check(&f, Stage::Submission).is_empty());
    assert_eq!(gates(&f, Stage::Approval), ["Advies van de FG"]);
    assert!(check(&Facts { personal_data: false, ..f }, Stage::Approval).is_empty());
}

#[test]
fn the_checklist_lists_what_is_unchecked() {
    let mut f = passing();
    f.checklist.retain(|c| c != "training" && c != "privacy");
    let open = check(&f, Stage::Submission);
    assert_eq!(open[0].message, "Nog niet afgevinkt: Medewerkers geïnformeerd en getraind.");
    assert_eq!(
        check(&f, Stage::Approval)[0].message,
        "Nog niet afgevinkt: Medewerkers geïnformeerd en getraind. Nog niet afgevinkt door de CISO: Privacyaspecten beoordeeld."
    );
}

#[test]
fn the_cisos_items_are_needed_at_approval_only() {
    let mut f = passing();
    f.checklist.retain(|c| checklist::party(c) == Party::Owner);
    assert!(check(&f, Stage::Submission).is_empty());
    let open = check(&f, Stage::Approval);
    assert_eq!(open.len(), 1);
    assert!(open[0].message.starts_with("Nog niet afgevinkt door de CISO: Risicoanalyse uitgevoerd"), "{open:?}");
}

#[test]
fn high_risk_needs_management_consent_at_approval() {
    let f = Facts { risk_high: true, completed: vec!["dpia".into()], ..passing() };
    assert!(check(&f, Stage::Submission).is_empty());
    assert_eq!(
        check(&f, Stage::Approval)[0].message,
        "Toestemming van de directie ontbreekt (eigen risiconiveau hoog)."
    );
    assert!(
        check(&Facts { consent: Some(false), ..f.clone() }, Stage::Approval)[0].message.contains("geen toestemming")
    );
    assert!(check(&Facts { consent: Some(true), ..f }, Stage::Approval).is_empty());
}

#[test]
fn an_assessment_waiting_for_confirmation_does_not_count_and_is_named() {
    let f = Facts { special_categories: true, awaiting: vec!["dpia".into()], ..passing() };
    let open = check(&f, Stage::Submission);
    assert!(open[0].message.contains("de DPIA is afgerond maar nog niet bevestigd door de FG"), "{open:?}");
    let f = Facts { affects_citizens: true, awaiting: vec!["fraia".into()], ..passing() };
    assert!(
        check(&f, Stage::Submission)[0].message.contains("de FRAIA is afgerond maar nog niet bevestigd door de CISO")
    );
    let f = Facts { completed: vec![], awaiting: vec!["bio_quickscan".into()], ..passing() };
    assert!(check(&f, Stage::Submission)[0].message.contains("de BIO-quickscan is afgerond maar nog niet bevestigd"));
}

#[test]
fn a_role_nobody_holds_is_named_where_it_blocks() {
    let f = Facts {
        fg_advice: None,
        risk_high: true,
        completed: vec!["dpia".into()],
        missing_roles: vec![Role::Fg, Role::Directie],
        ..passing()
    };
    let open = check(&f, Stage::Approval);
    assert_eq!(open.len(), 2, "{open:?}");
    assert!(open[0].message.ends_with(
        "Er is geen actieve gebruiker met de rol FG; vraag een beheerder deze rol toe te kennen (Beheer → Gebruikers)."
    ));
    assert!(open[1].message.contains("Er is geen actieve gebruiker met de rol directie;"));
    let held = Facts { missing_roles: vec![], ..f };
    assert!(check(&held, Stage::Approval).iter().all(|o| !o.message.contains("geen actieve gebruiker")));
}

#[test]
fn the_kader_gate_blocks_approval_of_a_high_risk_system_only_when_switched_on() {
    let open = vec![KaderOpen { id: "aia-27".into(), title: "Grondrechten".into(), open: 2 }];
    let f = Facts { ai_act_high_risk: true, completed: vec!["fraia".into()], kader_open: open, ..passing() };
    assert!(check(&f, Stage::Approval).is_empty(), "off by default");
    let on = Facts { kader_gate: true, ..f.clone() };
    assert!(check(&on, Stage::Submission).is_empty(), "approval only");
    let blocked = check(&on, Stage::Approval);
    assert_eq!(gates(&on, Stage::Approval), [KADER]);
    assert!(blocked[0].message.contains("aia-27 – Grondrechten (2 maatregelen open)"), "{blocked:?}");
    assert!(check(&Facts { kader_open: vec![], ..on.clone() }, Stage::Approval).is_empty());
    let pending = Facts { kader_open: vec![], kader_pending: Some("Niet overgenomen."), ..on.clone() };
    assert_eq!(check(&pending, Stage::Approval)[0].message, "Niet overgenomen.");
    // Not high-risk: the gate does not count, however much is open.
    assert!(check(&Facts { ai_act_high_risk: false, ..on }, Stage::Approval).is_empty());
}

#[test]
fn special_categories_allowed_by_the_matrix_need_a_dpia() {
    let mut doc = Map::new();
    doc.insert("special_categories".into(), Value::from(false));
    doc.insert("dc_bijzondere".into(), Value::from("toegestaan"));
    let f = Facts::from_registration(&doc, &[]);
    assert!(f.personal_data && f.special_categories);
    assert!(f.dpia_required().is_some());
}

#[test]
fn personal_data_from_the_matrix_counts() {
    let mut doc = Map::new();
    assert!(!involves_personal_data(&doc));
    doc.insert("dc_persoonsgegevens".into(), Value::from("onder_voorwaarden"));
    assert!(involves_personal_data(&doc));
    doc.insert("dc_persoonsgegevens".into(), Value::from("verboden"));
    doc.insert("personal_data".into(), Value::from(true));
    assert!(involves_personal_data(&doc));
}
