//! The NL Design System themes an organisation can choose (issue 21, item 2). Each is a vendored token
//! package whose CSS is scoped by its class on `<body>`; `static/theme-overrides.css` maps the fonts a theme
//! names but cannot be shipped to the bundled open fonts, and fixes what gives too little contrast.

/// A theme: its value in the database (`organisation.theme`), its class, its stylesheet and its Dutch name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Voorbeeld,
    DenHaag,
    Rijkshuisstijl,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Voorbeeld, Theme::DenHaag, Theme::Rijkshuisstijl];

    /// The stored value; an unknown one (never, by the table's check) falls back to the example theme.
    pub fn parse(value: &str) -> Option<Theme> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }

    pub fn from_db(value: &str) -> Theme {
        Self::parse(value).unwrap_or(Theme::Voorbeeld)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Voorbeeld => "voorbeeld",
            Theme::DenHaag => "denhaag",
            Theme::Rijkshuisstijl => "rijkshuisstijl",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Theme::Voorbeeld => "voorbeeld-theme",
            Theme::DenHaag => "denhaag-theme",
            Theme::Rijkshuisstijl => "rhc-theme",
        }
    }

    pub fn stylesheet(self) -> &'static str {
        match self {
            Theme::Voorbeeld => "/static/vendor/voorbeeld-design-tokens-7.4.1/theme.css",
            Theme::DenHaag => "/static/vendor/gemeente-denhaag-design-tokens-components-4.1.0/theme.css",
            Theme::Rijkshuisstijl => "/static/vendor/rijkshuisstijl-community-design-tokens-11.1.0/theme.css",
        }
    }

    /// What the theme's licence allows, where it limits who may use it (shown beside the choice).
    pub fn licence_note(self) -> Option<&'static str> {
        match self {
            // static/vendor/rijkshuisstijl-community-design-tokens-*/LICENSE.md: the house style is protected;
            // only the Rijksoverheid and those working on its assignment may use it.
            Theme::Rijkshuisstijl => Some(
                "Alleen voor organisaties van de Rijksoverheid en wie in opdracht van de Rijksoverheid werkt: \
                 de licentie van de Rijkshuisstijl verbiedt elk ander gebruik.",
            ),
            Theme::Voorbeeld | Theme::DenHaag => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::Voorbeeld => "NL Design System voorbeeldthema",
            Theme::DenHaag => "Gemeente Den Haag",
            Theme::Rijkshuisstijl => "Rijkshuisstijl (community)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_unknown_falls_back() {
        for t in Theme::ALL {
            assert_eq!(Theme::parse(t.as_str()), Some(t));
        }
        assert_eq!(Theme::parse("utrecht"), None);
        assert_eq!(Theme::from_db("onbekend"), Theme::Voorbeeld);
    }
}
