//! What every handler can reach: the database pool, the configuration and the login throttle. It lives in the
//! web kit (not in lib.rs), so the kit never imports the crate root that wires the features.

use std::sync::Arc;

use sqlx::PgPool;

use futures_util::future::BoxFuture;
use uuid::Uuid;

use super::session::NavCounts;
use super::throttle::Throttle;
use crate::config::WebConfig;
use crate::roles::Role;

/// The navigation's counts for (organisation, user, roles in it).
pub type NavCountsFn = for<'a> fn(&'a PgPool, Uuid, Uuid, &'a [Role]) -> BoxFuture<'a, sqlx::Result<NavCounts>>;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<WebConfig>,
    /// Failed logins from unknown devices, per client address (password, second factor, re-authentication).
    pub throttle: Throttle,
    /// Which paths take file uploads (a larger body for the CSRF check). The features know; lib.rs wires it
    /// in, so the kit does not import them.
    pub upload_paths: fn(&str) -> bool,
    /// The navigation's counts (the workflow's query, wired in by lib.rs).
    pub nav_counts: NavCountsFn,
}

impl AppState {
    pub fn new(pool: PgPool, config: Arc<WebConfig>) -> Self {
        let throttle = Throttle::new(config.login_rate, config.login_rate);
        Self {
            pool,
            config,
            throttle,
            upload_paths: |_| false,
            nav_counts: |_, _, _, _| Box::pin(async { Ok(NavCounts::default()) }),
        }
    }
}
