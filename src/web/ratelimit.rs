//! Rate limiting per client address (a token bucket), besides the per-account lockout: one address trying
//! many accounts (credential stuffing) is slowed down although no single account reaches its lockout. Only
//! failures are charged, so an office whose employees share one public address is not blocked by ordinary
//! logins in the morning.
//! In memory and per process: with several instances behind a proxy each keeps its own count, which only
//! makes the limit proportionally looser.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Bucket {
    tokens: f64,
    at: Instant,
}

pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

/// Above this many addresses, full buckets are forgotten (they hold no information).
const PRUNE_ABOVE: usize = 10_000;

impl RateLimiter {
    /// `burst` attempts at once, refilled at `per_minute`.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        Self {
            capacity: f64::from(burst.max(1)),
            per_second: f64::from(per_minute.max(1)) / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `ip` may try now (nothing is charged); when not, how long until it may.
    pub fn allowed(&self, ip: IpAddr) -> Result<(), Duration> {
        self.take(ip, Instant::now(), 0.0)
    }

    /// Charge a failed attempt to `ip`.
    pub fn charge(&self, ip: IpAddr) {
        let _ = self.take(ip, Instant::now(), 1.0);
    }

    /// Take one attempt for `ip`; when none is left, how long until the next one.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        self.check_at(ip, Instant::now())
    }

    fn check_at(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        self.take(ip, now, 1.0)
    }

    /// Refill `ip`'s bucket up to `now` and take `cost` from it when at least one attempt is left.
    fn take(&self, ip: IpAddr, now: Instant, cost: f64) -> Result<(), Duration> {
        let key = bucket_key(ip);
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            let (cap, rate) = (self.capacity, self.per_second);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < cap);
        }
        let b = buckets.entry(key).or_insert(Bucket { tokens: self.capacity, at: now });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * self.per_second).min(self.capacity);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= cost;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / self.per_second).max(Duration::from_secs(1)))
        }
    }
}

/// IPv6 clients usually own a whole /64: count it as one address, or a client could rotate through it.
fn bucket_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_refill_rate() {
        let l = RateLimiter::new(3, 6); // one every ten seconds
        let ip: IpAddr = "192.0.2.7".parse().unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.check_at(ip, t0).is_ok());
        }
        let wait = l.check_at(ip, t0).expect_err("fourth attempt is refused");
        assert!(wait >= Duration::from_secs(9) && wait <= Duration::from_secs(10), "{wait:?}");
        assert!(l.check_at(ip, t0 + Duration::from_secs(5)).is_err());
        assert!(l.check_at(ip, t0 + Duration::from_secs(11)).is_ok());
        // Another address has its own bucket.
        let other: IpAddr = "192.0.2.8".parse().unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
        assert!(l.check_at(other, t0).is_ok());
    }

    #[test]
    fn only_charged_failures_use_up_attempts() {
        let l = RateLimiter::new(2, 1);
        let ip: IpAddr = "192.0.2.9".parse().unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
        for _ in 0..10 {
            assert!(l.allowed(ip).is_ok(), "looking does not cost");
        }
        l.charge(ip);
        l.charge(ip);
        assert!(l.allowed(ip).is_err(), "two failures use up a burst of two");
    }

    #[test]
    fn ipv6_counts_per_64() {
        let l = RateLimiter::new(1, 1);
        let t0 = Instant::now();
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
        let b: IpAddr = "2001:db8:1:2::ffff".parse().unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
        assert!(l.check_at(a, t0).is_ok());
        assert!(l.check_at(b, t0).is_err(), "same /64");
    }
}
