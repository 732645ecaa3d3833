//! The applicable sets for hand-checked profiles. The expected lists were derived from the Algoritmekader
//! 2.5.1 front matter independently of this code: a PyYAML script that does what the site's `filterTable()`
//! does (docs/javascripts/filtering.js at 450e1bef; see rule.rs), and the open-source profile by hand.

use super::*;

fn outcome(group: &str, kind: &str, roles: &[&str], transparency: Option<&str>, labels: &[&str]) -> Outcome {
    Outcome {
        labels: labels.iter().map(|s| s.to_string()).collect(),
        roles: roles.iter().map(|s| s.to_string()).collect(),
        system_type: Some(kind.into()),
        risk_group: Some(group.into()),
        transparency: transparency.map(str::to_string),
    }
}

fn applicable(o: &Outcome) -> Vec<String> {
    let kader = super::super::load().expect("the built-in Algoritmekader");
    Profile::from_outcome(o).expect("a profile").applicable(kader)
}

const GENERAL: [&str; 22] = [
    "aut-01", "avg-01", "avg-02", "avg-03", "avg-04", "avg-05", "avg-06", "avg-07", "avg-08", "avg-09", "avg-10",
    "avg-11", "avg-12", "avg-13", "awb-01", "awb-02", "bio-01", "bzk-01", "dat-01", "grw-01", "grw-02", "woo-01",
];

fn with_general(extra: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = extra.iter().chain(GENERAL.iter()).map(|s| s.to_string()).collect();
    all.sort();
    all
}

#[test]
fn a_high_risk_system_we_deploy_gets_the_deployer_duties_and_the_fria() {
    let o = outcome(
        "hoog-risico AI",
        "AI-systeem",
        &["gebruiksverantwoordelijke"],
        Some("geen transparantieverplichting"),
        &[],
    );
    let expected = with_general(&[
        "aia-01", "aia-20", "aia-21", "aia-22", "aia-23", "aia-24", "aia-25", "aia-26", "aia-27", "aia-33", "aia-36",
        "arc-01",
    ]);
    assert_eq!(applicable(&o), expected);
}

#[test]
fn a_limited_risk_system_we_provide_gets_the_transparency_duties() {
    let o = outcome(
        "geen hoog-risico AI",
        "AI-systeem",
        &["aanbieder"],
        Some("transparantieverplichting"),
        &["geen open-source"],
    );
    let expected = with_general(&["aia-01", "aia-02", "aia-28", "aia-33", "aia-36", "aia-37", "arc-01"]);
    assert_eq!(applicable(&o), expected);
}

/// Hand-checked: aia-01 (AI-geletterdheid) lists ai-systeem, geen-hoog-risico-ai-systeem,
/// gebruiksverantwoordelijke, geen-transparantieverplichting, systeemrisico niet-van-toepassing and open-source
/// among its values, so the site shows it; its `uitzondering` (open source, no transparency duty, not high-risk)
/// describes exactly this profile, and the site does not read it.
#[test]
fn the_open_source_exception_is_not_read_as_the_site_does_not_read_it() {
    let o = outcome(
        "geen hoog-risico AI",
        "AI-systeem",
        &["gebruiksverantwoordelijke"],
        Some("geen transparantieverplichting"),
        &["open-source"],
    );
    let profile = Profile::from_outcome(&o).expect("a profile");
    let kader = super::super::load().expect("the built-in Algoritmekader");
    let aia01 = kader.requirement("aia-01").expect("aia-01");
    assert!(aia01.exceptions.iter().any(|(_, e)| e.eval(&profile.facts())), "its exception describes this profile");
    assert!(profile.applies(aia01));
    assert_eq!(applicable(&o), with_general(&["aia-01", "aia-33", "aia-36", "arc-01"]));
}

#[test]
fn a_category_without_a_value_matches_every_value() {
    let o = outcome("hoog-risico AI", "AI-systeem", &[], Some("geen transparantieverplichting"), &[]);
    let profile = Profile::from_outcome(&o).expect("a profile");
    assert!(profile.site_labels().contains("rol-ai-act-aanbieder"));
    assert!(profile.site_labels().contains("rol-ai-act-gebruiksverantwoordelijke"));
    assert!(applicable(&o).contains(&"aia-27".to_string()), "the deployer's FRIA");
    assert!(applicable(&o).contains(&"aia-03".to_string()), "the provider's risk management");
}

#[test]
fn a_general_purpose_model_under_an_exception_keeps_only_the_general_law() {
    let o = outcome(
        "uitzondering van toepassing",
        "AI-model voor algemene doeleinden",
        &["aanbieder"],
        None,
        &["systeemrisico"],
    );
    // The site's correction: risk group and transparency "niet-van-toepassing", the exception label dropped;
    // the general law lists no "niet-van-toepassing" risk group, so the model's own duties remain.
    let expected = ["aia-01", "aia-29", "aia-30", "aia-31", "aia-32", "aia-33", "aia-36", "aia-37", "aia-39"];
    assert_eq!(applicable(&o), expected.map(String::from).to_vec());
}

#[test]
fn no_profile_without_an_ai_act_outcome() {
    let mut o = outcome("niet van toepassing", "AI-systeem", &[], None, &[]);
    assert_eq!(Profile::from_outcome(&o), None);
    o.risk_group = None;
    assert_eq!(Profile::from_outcome(&o), None);
}

#[test]
fn exceptions_parse_with_precedence_and_quotes() {
    let e = parse(r#"("a-x" || "b-y") && c-z"#).expect("parses");
    let facts = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert!(e.eval(&facts(&["b-y", "c-z"])));
    assert!(!e.eval(&facts(&["b-y"])));
    assert!(parse("a || b && !c").expect("parses").eval(&facts(&["a", "c"])));
    assert!(!parse("a || b && !c").expect("parses").eval(&facts(&["b", "c"])));
    assert!(parse("(a").is_err());
    assert!(parse("a & b").is_err());
    assert!(is_known_label("risicogroep-uitzondering-van-toepassing"));
    assert!(!is_known_label("risicogroep-iets"));
}

#[test]
fn the_difference_names_what_came_and_went() {
    let s = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(difference(&s(&["a", "b"]), &s(&["b", "c"])), (s(&["c"]), s(&["a"])));
}
