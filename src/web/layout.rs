//! What the base layout needs on every page: title, the navigation the user's roles may use, the
//! organisation (and a choice only when the user belongs to several), the flash message, the CSRF token.

use uuid::Uuid;

use super::session::CurrentUser;
use super::theme::Theme;
use crate::roles::Role;

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

fn item(href: &'static str, label: &str) -> NavItem {
    NavItem { href, label: label.to_string(), current: false }
}

/// "Te beoordelen (3)": the count is part of the link text, so screen readers hear it too.
fn counted(href: &'static str, label: &str, n: i64) -> NavItem {
    if n > 0 { item(href, &format!("{label} ({n})")) } else { item(href, label) }
}

pub struct OrgChoice {
    pub id: Uuid,
    pub name: String,
    pub selected: bool,
}

pub struct Layout {
    pub title: String,
    pub user_name: Option<String>,
    pub org_name: Option<String>,
    pub org_choices: Vec<OrgChoice>,
    pub nav: Vec<NavItem>,
    pub flash: Option<String>,
    pub csrf_token: String,
    /// Prefix the title with "Fout:" so screen-reader users hear at once that the form needs attention.
    pub has_errors: bool,
    /// The organisation's theme (its class on `<body>` and its stylesheet) and logo.
    pub theme: Theme,
    pub logo_url: Option<String>,
}

/// Where an organisation's logo is served: the content hash makes every version its own URL (cached for good).
pub fn logo_url(organisation_id: Uuid, sha256: &str) -> String {
    format!("/logo/{organisation_id}/{sha256}")
}

impl Layout {
    /// A page without a logged-in user (login, setup, error pages).
    pub fn bare(title: &str) -> Self {
        Self {
            title: title.to_string(),
            user_name: None,
            org_name: None,
            org_choices: Vec::new(),
            nav: Vec::new(),
            flash: None,
            csrf_token: String::new(),
            has_errors: false,
            theme: Theme::Voorbeeld,
            logo_url: None,
        }
    }

    /// A public page of one organisation (its public register): its name, theme and logo in the header.
    pub fn for_organisation(mut self, id: Uuid, name: &str, theme: &str, logo_sha256: Option<&str>) -> Self {
        self.org_name = Some(name.to_string());
        self.theme = Theme::from_db(theme);
        self.logo_url = logo_sha256.map(|h| logo_url(id, h));
        self
    }

    /// A page for a logged-in user; `path` marks the current navigation item.
    /// The navigation a user sees: what their roles give them, in the order people look for it.
    fn navigation(user: &CurrentUser) -> Vec<NavItem> {
        let c = &user.counts;
        let mut nav = Vec::new();
        // The first thing every employee sees (issue 18): asking for a new tool.
        if user.organisation.is_some() {
            nav.push(item("/aanvragen/nieuw", "Nieuwe AI-tool aanvragen"));
        }
        nav.push(item("/", "Start"));
        if user.organisation.is_some() {
            let requests = if user.has_role(Role::Ciso) { "Aanvragen" } else { "Mijn aanvragen" };
            nav.push(counted("/aanvragen", requests, c.requests));
            if user.sees_overview() {
                nav.push(item(super::paths::DASHBOARD, "Overzicht"));
            }
            nav.push(item("/register", "Register"));
            nav.push(item("/mijn-toepassingen", "Mijn toepassingen"));
            nav.push(item("/toegestane-tools", "Toegestane AI-tools"));
            nav.push(item("/beleid", "AI-beleid"));
            nav.push(item("/ai-geletterdheid", "AI-geletterdheid"));
            if user.has_role(Role::Ciso) {
                nav.push(counted("/te-beoordelen", "Te beoordelen", c.review));
            }
            if user.has_role(Role::Fg) {
                nav.push(counted("/adviesaanvragen", "Adviesaanvragen", c.advice));
            }
            if user.has_role(Role::Directie) {
                nav.push(counted("/toestemming", "Toestemming", c.consent));
            }
            if [Role::Ciso, Role::Fg, Role::Directie, Role::Projectleider, Role::Beheerder]
                .iter()
                .any(|r| user.has_role(*r))
            {
                nav.push(item("/evaluaties", "Evaluaties"));
            }
            nav.push(item("/incidenten", "Incidenten"));
            if [Role::Ciso, Role::Fg, Role::Directie, Role::Projectleider, Role::Beheerder]
                .iter()
                .any(|r| user.has_role(*r))
            {
                nav.push(item("/leveranciers", "Leveranciers"));
            }
            if [Role::Ciso, Role::Fg, Role::Directie, Role::Beheerder].iter().any(|r| user.has_role(*r)) {
                nav.push(item("/publicatie", "Publicatie"));
            }
            nav.push(counted("/meldingen", "Meldingen", c.unread));
        }
        if user.has_role(Role::Beheerder) {
            nav.push(item("/beheer/gebruikers", "Gebruikers"));
            nav.push(item("/beheer/organisaties", "Organisaties"));
            nav.push(item("/beheer/e-mail", "E-mail"));
            nav.push(item("/beheer/referentiegegevens", "Referentiegegevens"));
        }
        nav.push(item("/account", "Mijn account"));
        nav
    }

    pub fn for_user(user: &CurrentUser, title: &str, path: &str) -> Self {
        let mut nav = Self::navigation(user);
        // The longest matching prefix is the current item ("/" only matches itself).
        if let Some(best) = nav
            .iter_mut()
            .filter(|i| if i.href == "/" { path == "/" } else { path.starts_with(i.href) })
            .max_by_key(|i| i.href.len())
        {
            best.current = true;
        }
        let org_choices = if user.organisations.len() > 1 {
            user.organisations
                .iter()
                .map(|o| OrgChoice { id: o.id, name: o.name.clone(), selected: Some(o.id) == user.organisation_id() })
                .collect()
        } else {
            Vec::new()
        };
        Self {
            title: title.to_string(),
            user_name: Some(user.name.clone()),
            org_name: user.organisation.as_ref().map(|o| o.name.clone()),
            org_choices,
            nav,
            flash: user.flash.clone(),
            csrf_token: user.csrf_token.clone(),
            has_errors: false,
            theme: user.organisation.as_ref().map_or(Theme::Voorbeeld, |o| o.theme),
            logo_url: user.organisation.as_ref().and_then(|o| o.logo_sha256.as_deref().map(|h| logo_url(o.id, h))),
        }
    }

    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }
}
