//! What the base layout needs on every page: title, the navigation the user's roles may use, the
//! organisation (and a choice only when the user belongs to several), the flash message, the CSRF token.

use uuid::Uuid;

use crate::auth::roles::Role;
use crate::auth::session::CurrentUser;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
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
        }
    }

    /// A page for a logged-in user; `path` marks the current navigation item.
    pub fn for_user(user: &CurrentUser, title: &str, path: &str) -> Self {
        let mut nav = vec![NavItem { href: "/", label: "Start", current: false }];
        if user.organisation.is_some() {
            nav.push(NavItem { href: "/register", label: "Register", current: false });
            nav.push(NavItem { href: "/mijn-toepassingen", label: "Mijn toepassingen", current: false });
        }
        if user.has_role(Role::Beheerder) {
            nav.push(NavItem { href: "/beheer/gebruikers", label: "Gebruikers", current: false });
            nav.push(NavItem { href: "/beheer/organisaties", label: "Organisaties", current: false });
        }
        nav.push(NavItem { href: "/account", label: "Mijn account", current: false });
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
        }
    }

    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }
}
