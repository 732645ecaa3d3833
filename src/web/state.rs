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
}

impl AppState {
    pub fn new(pool: PgPool, config: Arc<WebConfig>) -> Self {
        let throttle = Throttle::new(config.login_rate, config.login_rate);
        Self { pool, config, throttle }
    }
}
