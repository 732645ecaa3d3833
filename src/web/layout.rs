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

/// Links in the bar itself (`label` None), or a disclosure menu of links under a label (`<details>`: no
/// JavaScript needed, announced as expanded or collapsed).
pub struct NavGroup {
    pub label: Option<&'static str>,
    pub items: Vec<NavItem>,
}

impl NavGroup {
    fn bar(items: Vec<NavItem>) -> Self {
        Self { label: None, items }
    }

    fn menu(label: &'static str, items: Vec<NavItem>) -> Self {
        Self { label: Some(label), items }
    }

    /// The menu holds the current page: its label is marked too, so the bar shows where the user is.
    pub fn current(&self) -> bool {
        self.items.iter().any(|i| i.current)
    }
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
    pub nav: Vec<NavGroup>,
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

    /// The navigation a user sees: what their roles give them, in the order people look for it. Daily work
    /// stands in the bar itself (a CISO saw 16 links on two lines); the rest is grouped in disclosure menus.
    fn navigation(user: &CurrentUser) -> Vec<NavGroup> {
        let c = &user.counts;
        let mut work = Vec::new();
        // The first thing every employee sees (issue 18): asking for a new tool.
        if user.organisation.is_some() {
            work.push(item("/aanvragen/nieuw", "Nieuwe AI-tool aanvragen"));
        }
        work.push(item("/", "Start"));
        if user.organisation.is_none() {
            let mut nav = vec![NavGroup::bar(work)];
            if user.has_role(Role::Beheerder) {
                nav.push(NavGroup::menu("Beheer", Self::administration()));
            }
            nav.push(NavGroup::bar(vec![item("/account", "Mijn account")]));
            return nav;
        }
        let requests = if user.has_role(Role::Ciso) { "Aanvragen" } else { "Mijn aanvragen" };
        work.push(counted("/aanvragen", requests, c.requests));
        // A reviewer's queue is their daily work: in the bar, with its count.
        if user.has_role(Role::Ciso) {
            work.push(counted("/te-beoordelen", "Te beoordelen", c.review));
        }
        if user.has_role(Role::Fg) {
            work.push(counted("/adviesaanvragen", "Adviesaanvragen", c.advice));
        }
        if user.has_role(Role::Directie) {
            work.push(counted("/toestemming", "Toestemming", c.consent));
        }
        let accountable = [Role::Ciso, Role::Fg, Role::Directie, Role::Projectleider, Role::Beheerder];
        let accountable = accountable.iter().any(|r| user.has_role(*r));
        let mut register = vec![item("/register", "Register"), item("/mijn-toepassingen", "Mijn toepassingen")];
        if user.sees_overview() {
            register.push(item(super::paths::DASHBOARD, "Overzicht"));
        }
        if accountable {
            register.push(item("/evaluaties", "Evaluaties"));
        }
        register.push(item("/incidenten", "Incidenten"));
        if [Role::Ciso, Role::Fg, Role::Directie, Role::Beheerder].iter().any(|r| user.has_role(*r)) {
            register.push(item("/publicatie", "Publicatie"));
        }
        let mut people = vec![
            item("/toegestane-tools", "Toegestane AI-tools"),
            item("/beleid", "AI-beleid"),
            item("/ai-geletterdheid", "AI-geletterdheid"),
        ];
        if accountable {
            people.push(item("/leveranciers", "Leveranciers"));
        }
        let mut nav =
            vec![NavGroup::bar(work), NavGroup::menu("Register", register), NavGroup::menu("Mensen en beleid", people)];
        if user.has_role(Role::Beheerder) {
            nav.push(NavGroup::menu("Beheer", Self::administration()));
        }
        nav.push(NavGroup::bar(vec![counted("/meldingen", "Meldingen", c.unread), item("/account", "Mijn account")]));
        nav
    }

    fn administration() -> Vec<NavItem> {
        vec![
            item("/beheer/gebruikers", "Gebruikers"),
            item("/beheer/organisaties", "Organisaties"),
            item("/beheer/e-mail", "E-mail"),
            item("/beheer/referentiegegevens", "Referentiegegevens"),
        ]
    }

    /// A page for a logged-in user; `path` marks the current navigation item.
    pub fn for_user(user: &CurrentUser, title: &str, path: &str) -> Self {
        let mut nav = Self::navigation(user);
        // The longest matching prefix is the current item ("/" only matches itself).
        if let Some(best) = nav
            .iter_mut()
            .flat_map(|g| g.items.iter_mut())
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
