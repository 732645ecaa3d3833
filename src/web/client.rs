//! The client's address, for rate limits, logs and the audit trail's origin. Behind a reverse proxy the
//! peer is the proxy: `X-Forwarded-For` is believed only when the peer is one of the configured trusted
//! proxies (ASVS 4.1.3), and then the nearest address that is not itself a trusted proxy is the client.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use super::state::AppState;
pub use crate::config::TrustedNet;

/// The address of the client of this request (set by [`client_address`] on every request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// One entry of `X-Forwarded-For` as an address: proxies may add a port (`192.0.2.1:4711`, `[2001:db8::1]:80`).
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let e = entry.trim();
    if let Ok(ip) = e.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = e.strip_prefix('[') {
        return rest.split_once(']').and_then(|(a, _)| a.parse::<IpAddr>().ok()).map(|ip| ip.to_canonical());
    }
    e.rsplit_once(':').and_then(|(a, _)| a.parse::<std::net::Ipv4Addr>().ok()).map(IpAddr::V4)
}

pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[TrustedNet]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| t.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let entries: Vec<&str> =
        headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).collect();
    // Right to left: each trusted proxy appended the address it saw. An entry that is not an address
    // ("unknown", garbage) ends the walk: what lies left of it cannot be trusted.
    let mut client = peer;
    for entry in entries.iter().rev() {
        match forwarded_address(entry) {
            Some(ip) if is_trusted(ip) => client = ip,
            Some(ip) => return ip,
            None => return client,
        }
    }
    client
}

/// Warn once when a request carries `X-Forwarded-For` from a peer that is not a trusted proxy: behind a
/// proxy without AIREGISTER_TRUSTED_PROXIES every user has the proxy's address (one rate limit for all).
static WARNED_UNTRUSTED_FORWARD: AtomicBool = AtomicBool::new(false);

pub async fn client_address(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let trusted = &state.config.trusted_proxies;
    if req.headers().contains_key("x-forwarded-for")
        && !trusted.iter().any(|t| t.contains(peer))
        && !WARNED_UNTRUSTED_FORWARD.swap(true, Ordering::Relaxed)
    {
        tracing::warn!(
            event = "untrusted_forwarded_for",
            peer = %peer,
            "X-Forwarded-For from a peer that is not a trusted proxy is ignored; behind a reverse proxy set AIREGISTER_TRUSTED_PROXIES"
        );
    }
    let ip = client_ip(peer, req.headers(), trusted);
    req.extensions_mut().insert(ClientIp(ip));
    next.run(req).await
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ClientIp>().copied().unwrap_or(ClientIp(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
    }

    fn nets(list: &[&str]) -> Vec<TrustedNet> {
        list.iter().filter_map(|s| s.parse().ok()).collect()
    }

    fn forwarded(v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static(v));
        h
    }

    #[test]
    fn forwarded_for_only_from_a_trusted_proxy() {
        let h = forwarded("203.0.113.9, 198.51.100.2");
        // Not a trusted peer: the header is ignored (anyone can send it).
        assert_eq!(client_ip(ip("192.0.2.1"), &h, &[]), ip("192.0.2.1"));
        // Trusted proxy: the last address it appended.
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &nets(&["10.0.0.1"])), ip("198.51.100.2"));
        // Two trusted proxies in a row: skip both.
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &nets(&["10.0.0.1", "198.51.100.2"])), ip("203.0.113.9"));
        // A trusted proxy without the header: the proxy itself.
        assert_eq!(client_ip(ip("10.0.0.1"), &HeaderMap::new(), &nets(&["10.0.0.1"])), ip("10.0.0.1"));
    }

    #[test]
    fn networks_ports_mapped_addresses_and_garbage() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(client_ip(ip("10.1.2.3"), &forwarded("203.0.113.9:4711"), &trusted), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("10.1.2.3"), &forwarded("[2001:db8::7]:80"), &trusted), ip("2001:db8::7"));
        // An IPv4 peer seen through an IPv6 socket (::ffff:10.1.2.3) is the same trusted proxy.
        assert_eq!(client_ip(ip("::ffff:10.1.2.3"), &forwarded("203.0.113.9"), &trusted), ip("203.0.113.9"));
        // "unknown" stops the walk: the forged address left of it is not believed.
        assert_eq!(client_ip(ip("10.1.2.3"), &forwarded("198.51.100.66, unknown"), &trusted), ip("10.1.2.3"));
        assert!("10.0.0.0/33".parse::<TrustedNet>().is_err());
        assert!("proxy".parse::<TrustedNet>().is_err());
        assert!(
            "fd00::/8".parse::<TrustedNet>().is_ok_and(|n| n.contains(ip("fd12::1")) && !n.contains(ip("fe80::1")))
        );
    }
}
