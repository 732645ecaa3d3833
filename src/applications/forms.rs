//! The detail page's fixed form, read at the boundary: the CISO's own risk level. (The registration form itself
//! is the field catalogue's and keeps its generic handling in the register domain.)

use crate::register::form::FormData;
use crate::register::risk::RiskLevel;
use crate::web::forms::FormErrors;

/// The CISO's risk level instead of the derived one, with a motivation; `None` restores the derived level.
pub struct RiskOverrideInput {
    pub level: Option<RiskLevel>,
    pub motivation: String,
    /// The version of the registration the CISO saw.
    pub version: i32,
}

impl TryFrom<&FormData> for RiskOverrideInput {
    type Error = FormErrors;

    fn try_from(form: &FormData) -> Result<Self, FormErrors> {
        let raw = form.get("risk_level_override").trim();
        let motivation = form.get("risk_override_motivation").trim().to_string();
        let mut errors = FormErrors::new();
        let level = RiskLevel::parse(raw);
        if !raw.is_empty() && level.is_none() {
            errors.add("risk_level_override", "Kies laag, middel of hoog.");
        }
        if !raw.is_empty() && motivation.chars().count() < 10 {
            errors.add("risk_override_motivation", "Motiveer waarom het risiconiveau afwijkt (minstens 10 tekens).");
        }
        if motivation.chars().count() > 2000 {
            errors.add("risk_override_motivation", "De motivering mag hoogstens 2000 tekens lang zijn.");
        }
        let version = form.get("version").parse().unwrap_or(-1);
        if errors.is_empty() { Ok(Self { level, motivation, version }) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn an_override_needs_a_known_level_and_a_motivation_and_empty_restores() {
        let ok = RiskOverrideInput::try_from(&form(&[
            ("risk_level_override", "hoog"),
            ("risk_override_motivation", "Burgers worden direct geraakt."),
            ("version", "4"),
        ]))
        .expect("valid");
        assert_eq!((ok.level, ok.version), (Some(RiskLevel::Hoog), 4));
        let restore = RiskOverrideInput::try_from(&form(&[("risk_level_override", "")])).expect("restore");
        assert!(restore.level.is_none());
        let bad = RiskOverrideInput::try_from(&form(&[("risk_level_override", "extreem")])).err().unwrap();
        assert!(bad.get("risk_level_override").is_some() && bad.get("risk_override_motivation").is_some());
    }
}
