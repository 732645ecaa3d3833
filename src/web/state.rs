//! What every handler can reach: the database pool, the configuration and the login throttle. It lives in the
//! web kit (not in lib.rs), so the kit never imports the crate root that wires the features.

use std::sync::Arc;

use sqlx::PgPool;

use super::throttle::Throttle;
use crate::config::WebConfig;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<WebConfig>,
    /// Failed logins from unknown devices, per client address (password, second factor, re-authentication).
    pub throttle: Throttle,
    /// Which paths take file uploads (a larger body for the CSRF check). The features know; lib.rs wires it
    /// in, so the kit does not import them.
    pub upload_paths: fn(&str) -> bool,
}

impl AppState {
    pub fn new(pool: PgPool, config: Arc<WebConfig>) -> Self {
        let throttle = Throttle::new(config.login_rate, config.login_rate);
        Self { pool, config, throttle, upload_paths: |_| false }
    }
}
