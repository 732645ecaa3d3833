//! The roles of PRODUCT.md. A user holds roles per organisation.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Medewerker,
    Projectleider,
    Ciso,
    Fg,
    Directie,
    Beheerder,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Medewerker, Role::Projectleider, Role::Ciso, Role::Fg, Role::Directie, Role::Beheerder];

    /// The value stored in the database and used in forms and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Medewerker => "medewerker",
            Role::Projectleider => "projectleider",
            Role::Ciso => "ciso",
            Role::Fg => "fg",
            Role::Directie => "directie",
            Role::Beheerder => "beheerder",
        }
    }

    /// The Dutch label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Medewerker => "Medewerker",
            Role::Projectleider => "Projectleider",
            Role::Ciso => "CISO",
            Role::Fg => "Functionaris Gegevensbescherming (FG)",
            Role::Directie => "Directie",
            Role::Beheerder => "Beheerder",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim().to_lowercase())
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_and_rejects_unknown() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse(" CISO "), Some(Role::Ciso));
        assert_eq!(Role::parse("admin"), None);
    }
}
