//! Paths the kit itself must know (the navigation, the two-factor enrolment redirect), named once here; the
//! features mount their pages on the same constants.

/// The dashboard ("Overzicht").
pub const DASHBOARD: &str = "/overzicht";

/// Setting up two-factor login (where a beheerder or CISO is sent when the organisation requires it).
pub const MFA_SETUP: &str = "/account/tweestapsverificatie";
