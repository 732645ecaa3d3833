//! `/healthz`: the process answers. `/readyz`: the database answers too (for load balancers, so traffic
//! goes elsewhere while the database is away; the pool reconnects by itself when it is back).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;

use crate::AppState;

pub async fn healthz() -> &'static str {
    "ok"
}

#[tracing::instrument(skip_all)]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let ping = sqlx::query_scalar!(r#"select 1 as "one!: i32""#).fetch_one(&state.pool);
    match tokio::time::timeout(Duration::from_secs(3), ping).await {
        Ok(Ok(1)) => (StatusCode::OK, "ok"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database niet bereikbaar"),
    }
}
