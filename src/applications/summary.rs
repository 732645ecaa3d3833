//! The header every tab of a registration shows (name, status, risk, whether the user may edit, a suspension).
//! Not a page: the features that show a tab import it from here, never from another feature's handlers.

use uuid::Uuid;

use crate::auth::session::CurrentUser;
use crate::register::access::can_edit;
use crate::register::risk::RiskLevel;
use crate::register::store::Stored;

/// The header shared by the tabs.
pub struct Summary {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub workflow_status: String,
    pub workflow_label: String,
    pub risk_label: String,
    pub version: i32,
    pub can_edit: bool,
    /// Why the CISO suspended the tool ("tijdelijk niet gebruiken"), when suspended.
    pub suspension: Option<String>,
}

pub fn summary(user: &CurrentUser, s: &Stored) -> Summary {
    Summary {
        id: s.id,
        name: s.name().to_string(),
        description: s.str("description_short").unwrap_or("").to_string(),
        workflow_status: s.status.as_str().to_string(),
        workflow_label: s.status.label(),
        risk_label: s
            .str("risk_level")
            .and_then(RiskLevel::parse)
            .map(RiskLevel::label)
            .unwrap_or_else(|| "Nog niet bepaald".to_string()),
        version: s.version,
        can_edit: can_edit(user, s),
        suspension: s.str("suspension_reason").map(str::to_string),
    }
}
