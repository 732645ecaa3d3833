//! Slowing down password guessing without locking out an office (OWASP, "Slow down online guessing attacks
//! with device cookies"). A browser in which a user has logged in successfully carries a device cookie for
//! that user; its attempts for that user are not limited per address, so the failures of someone else behind
//! the same public address (or the same proxy without trusted proxies) cannot keep colleagues out. Attempts
//! from unknown devices are limited per client address: a token bucket of `login_rate` attempts, refilled at
//! `login_rate` a minute, charged only for failures. Failures through a device cookie are counted on the
//! cookie; after five in a row it loses its trust. The per-account lockout (users.rs) applies to everyone.
//! Both counts live in PostgreSQL, so instances behind one proxy share them.

use std::net::IpAddr;
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use sqlx::PgPool;
use uuid::Uuid;

use crate::config::WebConfig;

/// A device cookie lives a year; it is renewed at every login.
const DEVICE_DAYS: i64 = 365;
/// Failures in a row through one device cookie before it is no longer trusted.
const DEVICE_FAILURES: i32 = 5;
/// One browser can be trusted for a few people (a shared desk): the cookie holds at most this many tokens.
const TOKENS_PER_COOKIE: usize = 5;

/// The device cookie's tokens in this request (each 64 hex characters, joined by `.`).
#[derive(Debug, Clone, Default)]
pub struct DeviceCookie(pub Vec<String>);

impl<S: Send + Sync> FromRequestParts<S> for DeviceCookie {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let tokens = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(k, _)| *k == WebConfig::DEVICE_COOKIE || *k == WebConfig::DEVICE_COOKIE_HTTPS)
            .flat_map(|(_, v)| v.split('.'))
            .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .take(TOKENS_PER_COOKIE)
            .map(str::to_string)
            .collect();
        Ok(DeviceCookie(tokens))
    }
}

use crate::util::token_hash as hash;

/// Whoever is trying to log in or to confirm a change: the client's address and the device cookie.
#[derive(Debug, Clone)]
pub struct Requester {
    pub ip: IpAddr,
    pub device: DeviceCookie,
}

impl<S: Send + Sync> FromRequestParts<S> for Requester {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let crate::web::client::ClientIp(ip) = crate::web::client::ClientIp::from_request_parts(parts, state).await?;
        let device = DeviceCookie::from_request_parts(parts, state).await?;
        Ok(Requester { ip, device })
    }
}

/// Who is trying: a browser that logged in as this user before, or an unknown one.
#[derive(Debug, Clone)]
pub enum Attempt {
    /// The hash of the device token that vouches for the browser.
    Trusted(Vec<u8>),
    Unknown(IpAddr),
}

/// The address limit's settings.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    burst: f64,
    per_second: f64,
}

impl Throttle {
    /// `burst` failed attempts at once, refilled at `per_minute`.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        Self { burst: f64::from(burst.max(1)), per_second: f64::from(per_minute.max(1)) / 60.0 }
    }

    /// May this attempt for `user` (None: an unknown e-mail address) go ahead? A trusted device always may;
    /// an unknown one when its address has attempts left, otherwise the wait until it has.
    pub async fn begin(
        &self,
        pool: &PgPool,
        who: &Requester,
        user: Option<Uuid>,
    ) -> sqlx::Result<Result<Attempt, Duration>> {
        let (device, ip) = (&who.device, who.ip);
        if let Some(user) = user
            && !device.0.is_empty()
        {
            let hashes: Vec<Vec<u8>> = device.0.iter().map(|t| hash(t)).collect();
            let trusted: Option<Vec<u8>> = sqlx::query_scalar!(
                "select token_hash from login_device
                  where token_hash = any($1) and user_id = $2 and failures < $3
                    and last_login_at > now() - make_interval(days => $4)",
                &hashes,
                user,
                DEVICE_FAILURES,
                DEVICE_DAYS as i32
            )
            .fetch_optional(pool)
            .await?;
            if let Some(h) = trusted {
                return Ok(Ok(Attempt::Trusted(h)));
            }
        }
        let left: Option<f64> = sqlx::query_scalar!(
            r#"select least($2::float8, tokens + extract(epoch from now() - updated_at) * $3::float8)::float8
               as "v!" from login_throttle where address = $1"#,
            bucket_key(ip),
            self.burst,
            self.per_second
        )
        .fetch_optional(pool)
        .await?;
        match left {
            Some(t) if t < 1.0 => {
                Ok(Err(Duration::from_secs_f64((1.0 - t) / self.per_second).max(Duration::from_secs(1))))
            }
            _ => Ok(Ok(Attempt::Unknown(ip))),
        }
    }

    /// Count a failed attempt: on the device cookie that vouched for it, or on the address.
    pub async fn failed(&self, pool: &PgPool, attempt: &Attempt) -> sqlx::Result<()> {
        match attempt {
            Attempt::Trusted(h) => {
                sqlx::query!("update login_device set failures = failures + 1 where token_hash = $1", h)
                    .execute(pool)
                    .await?;
            }
            Attempt::Unknown(ip) => {
                sqlx::query!(
                    "insert into login_throttle (address, tokens, updated_at) values ($1, $2::float8 - 1, now())
                     on conflict (address) do update set updated_at = now(),
                         tokens = greatest(0, least($2::float8, login_throttle.tokens
                             + extract(epoch from now() - login_throttle.updated_at) * $3::float8) - 1)",
                    bucket_key(*ip),
                    self.burst,
                    self.per_second
                )
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// Forget buckets that have filled up again and device tokens unused for a year (housekeeping).
    pub async fn prune(&self, pool: &PgPool) -> sqlx::Result<u64> {
        let buckets = sqlx::query!(
            "delete from login_throttle where tokens + extract(epoch from now() - updated_at) * $2::float8 >= $1",
            self.burst,
            self.per_second
        )
        .execute(pool)
        .await?;
        let devices = sqlx::query!(
            "delete from login_device where last_login_at < now() - make_interval(days => $1)",
            DEVICE_DAYS as i32
        )
        .execute(pool)
        .await?;
        Ok(buckets.rows_affected() + devices.rows_affected())
    }
}

/// After a successful login: this browser is trusted for `user` (its token renewed and its failures reset, or
/// a new one), and the cookie to send, with the browser's other trusted tokens behind it.
pub async fn remember_device(
    pool: &PgPool,
    config: &WebConfig,
    device: &DeviceCookie,
    user: Uuid,
) -> sqlx::Result<HeaderValue> {
    let hashes: Vec<Vec<u8>> = device.0.iter().map(|t| hash(t)).collect();
    // The user's own token in this browser, if any, is replaced (a token is used for one login series).
    let mine: Vec<Vec<u8>> = sqlx::query_scalar!(
        "delete from login_device where token_hash = any($1) and user_id = $2 returning token_hash",
        &hashes,
        user
    )
    .fetch_all(pool)
    .await?;
    let token = crate::util::random_token();
    sqlx::query!("insert into login_device (token_hash, user_id) values ($1, $2)", hash(&token), user)
        .execute(pool)
        .await?;
    let others = device.0.iter().filter(|t| !mine.contains(&hash(t)));
    let value: Vec<&str> =
        std::iter::once(token.as_str()).chain(others.map(String::as_str)).take(TOKENS_PER_COOKIE).collect();
    let secure = if config.https() { "; Secure" } else { "" };
    let cookie = format!(
        "{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        config.device_cookie_name(),
        value.join("."),
        DEVICE_DAYS * 24 * 3600
    );
    Ok(HeaderValue::from_str(&cookie).expect("hex tokens make a valid header value"))
}

/// IPv6 clients usually own a whole /64: count it as one address, or a client could rotate through it.
fn bucket_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{}/64", std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2::1".parse().expect("address");
        let b: IpAddr = "2001:db8:1:2::ffff".parse().expect("address");
        assert_eq!(bucket_key(a), bucket_key(b));
        assert_eq!(bucket_key(a), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().expect("address");
        assert_eq!(bucket_key(mapped), "192.0.2.7");
    }
}
