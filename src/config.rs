//! Typed configuration: command-line flags, each with an environment variable (see the README's table).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::Args;

use crate::db::DbSettings;

/// Settings shared by every subcommand that touches the database.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// PostgreSQL server to use. When unset, a private cluster in --data-dir is used (and started if needed).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Data directory of the private PostgreSQL cluster.
    #[arg(long, env = "AIREGISTER_DATA_DIR", default_value = "./data/postgres")]
    pub data_dir: PathBuf,
    /// Directory with the PostgreSQL programs (initdb, pg_ctl); default: PATH, then /usr/lib/postgresql/*/bin.
    #[arg(long, env = "PG_BINDIR")]
    pub pg_bindir: Option<PathBuf>,
    /// Maximum number of database connections of this process.
    #[arg(long, env = "AIREGISTER_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
}

impl DbArgs {
    pub fn settings(&self) -> DbSettings {
        DbSettings {
            database_url: self.database_url.clone().filter(|u| !u.trim().is_empty()),
            data_dir: self.data_dir.clone(),
            pg_bindir: self.pg_bindir.clone(),
            max_connections: self.db_max_connections.max(1),
        }
    }
}

/// Settings of the web server.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "AIREGISTER_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The address people use to reach the application, e.g. https://ai-register.gemeente.nl. When it starts
    /// with https://, cookies are marked Secure and get the __Host- prefix, and HSTS is sent.
    #[arg(long, env = "AIREGISTER_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Minutes without activity after which a session ends.
    #[arg(long, env = "AIREGISTER_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u32,
    /// Hours after login after which a session ends regardless of activity.
    #[arg(long, env = "AIREGISTER_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: u32,
    /// Password of the Algoritmeregister API account (see Publicatie → Koppeling); when unset, asked at upload.
    #[arg(long, env = "AIREGISTER_REGISTER_PASSWORD", hide_env_values = true)]
    pub register_password: Option<String>,
    /// Reverse proxies whose X-Forwarded-For is believed: addresses or networks, comma-separated
    /// (e.g. 10.0.0.2,fd00::/8).
    #[arg(long, env = "AIREGISTER_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<TrustedNet>,
    /// Contact for security reports in /.well-known/security.txt (mailto: or https: URI); default: the
    /// functional mailbox of the first organisation.
    #[arg(long, env = "AIREGISTER_SECURITY_CONTACT")]
    pub security_contact: Option<String>,
    /// Link to the organisation's coordinated vulnerability disclosure policy, for security.txt.
    #[arg(long, env = "AIREGISTER_SECURITY_POLICY")]
    pub security_policy: Option<String>,
    /// Login attempts per minute per client address (after a burst of the same size).
    #[arg(long, env = "AIREGISTER_LOGIN_RATE", default_value_t = 10)]
    pub login_rate: u32,
    /// Seconds a client may take to send a request's head (from its first byte; a new connection that sends
    /// nothing counts from its start). Slower connections are closed.
    #[arg(long, env = "AIREGISTER_HEADER_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub header_timeout_secs: u64,
    /// Seconds a client may take to send a request's whole body, from the end of its head; then 408.
    #[arg(long, env = "AIREGISTER_BODY_TIMEOUT_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub body_timeout_secs: u64,
    /// Seconds a kept-alive connection may stay silent after an answer before it is closed.
    #[arg(long, env = "AIREGISTER_IDLE_TIMEOUT_SECS", default_value_t = 75,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout_secs: u64,
    /// Client connections served at once; further ones wait in the kernel's queue until one closes.
    #[arg(long, env = "AIREGISTER_MAX_CONNECTIONS", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_connections: u32,
    /// Load the demo organisation, users and applications before serving.
    #[arg(long)]
    pub demo: bool,
    /// The demo users' password (default: a new random one, printed at start).
    #[arg(long, env = "AIREGISTER_DEMO_PASSWORD", requires = "demo")]
    pub demo_password: Option<String>,
}

/// What the running web application needs to know.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub public_url: Option<String>,
    pub session_idle_minutes: u32,
    pub session_max_hours: u32,
    /// The national register's upload API allows 25 requests per this window (one minute; tests shorten it).
    pub register_rate_window: Duration,
    /// The password of the register's API account, when given in the environment instead of at upload time.
    pub register_password: Option<String>,
    /// Reverse proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Vec<TrustedNet>,
    pub security_contact: Option<String>,
    pub security_policy: Option<String>,
    /// Login attempts per minute per client address.
    pub login_rate: u32,
    /// Time limits for slow or idle clients and the number of connections at once.
    pub limits: ConnectionLimits,
}

/// What a client connection may take: see `web::listener`, which enforces them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// From the first byte of a request's head (or from the accept, while nothing arrives) to its end.
    pub header_timeout: Duration,
    /// From the end of a request's head to the end of its body.
    pub body_timeout: Duration,
    /// From the end of an answer to the first byte of the next request on a kept-alive connection.
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(75),
            max_connections: 1024,
        }
    }
}

impl WebConfig {
    pub fn from_args(args: &ServeArgs) -> Self {
        Self {
            public_url: args.public_url.as_ref().map(|u| u.trim_end_matches('/').to_string()).filter(|u| !u.is_empty()),
            session_idle_minutes: args.session_idle_minutes.max(1),
            session_max_hours: args.session_max_hours.max(1),
            register_rate_window: Duration::from_secs(60),
            register_password: args.register_password.clone().filter(|p| !p.is_empty()),
            trusted_proxies: args.trusted_proxies.clone(),
            security_contact: args.security_contact.clone().filter(|c| !c.trim().is_empty()),
            security_policy: args.security_policy.clone().filter(|c| c.trim().starts_with("https://")),
            login_rate: args.login_rate.max(1),
            // The ranges are checked by clap at start (0 or an absurd value stops it with a message).
            limits: ConnectionLimits {
                header_timeout: Duration::from_secs(args.header_timeout_secs),
                body_timeout: Duration::from_secs(args.body_timeout_secs),
                idle_timeout: Duration::from_secs(args.idle_timeout_secs),
                max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
            },
        }
    }

    /// Whether the application is reached over https (behind a TLS-terminating proxy).
    pub fn https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }

    /// `__Host-` requires Secure; plain-http installations (local use) get a plain name.
    pub fn cookie_name(&self) -> &'static str {
        if self.https() { "__Host-airegister" } else { "airegister" }
    }

    /// The device cookie (see auth/throttle.rs): the same rule as the session cookie.
    pub const DEVICE_COOKIE: &'static str = "airegister_apparaat";
    pub const DEVICE_COOKIE_HTTPS: &'static str = "__Host-airegister_apparaat";

    pub fn device_cookie_name(&self) -> &'static str {
        if self.https() { Self::DEVICE_COOKIE_HTTPS } else { Self::DEVICE_COOKIE }
    }

    /// The base URL for links printed on the console, e.g. the setup link.
    pub fn base_url(&self, bound: SocketAddr) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{bound}"))
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            public_url: None,
            session_idle_minutes: 30,
            session_max_hours: 12,
            register_rate_window: Duration::from_secs(60),
            register_password: None,
            trusted_proxies: Vec::new(),
            security_contact: None,
            security_policy: None,
            login_rate: 10,
            limits: ConnectionLimits::default(),
        }
    }
}

/// A trusted proxy: one address, or a network in CIDR notation (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedNet {
    addr: IpAddr,
    prefix: u8,
}

impl TrustedNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr.to_canonical(), ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for TrustedNet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| format!("'{s}' is geen IP-adres of netwerk (CIDR)"))?;
        let max = if addr.to_canonical().is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => {
                p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("'{s}': ongeldige prefixlengte"))?
            }
        };
        Ok(TrustedNet { addr: addr.to_canonical(), prefix })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeArgs,
    }

    #[test]
    fn connection_limits_default_and_refuse_zero_or_absurd_values() {
        let cli = Cli::try_parse_from(["airegister"]).expect("defaults parse");
        assert_eq!(WebConfig::from_args(&cli.serve).limits, ConnectionLimits::default());
        assert_eq!(WebConfig::default().limits, ConnectionLimits::default());
        let cli = Cli::try_parse_from(["airegister", "--header-timeout-secs", "3", "--max-connections", "20"])
            .expect("valid values parse");
        let limits = WebConfig::from_args(&cli.serve).limits;
        assert_eq!((limits.header_timeout, limits.max_connections), (Duration::from_secs(3), 20));
        for (flag, value) in [
            ("--header-timeout-secs", "0"),
            ("--body-timeout-secs", "0"),
            ("--idle-timeout-secs", "0"),
            ("--max-connections", "0"),
            ("--header-timeout-secs", "86400"),
            ("--idle-timeout-secs", "-1"),
            ("--max-connections", "10000000"),
        ] {
            let err =
                Cli::try_parse_from(["airegister".to_string(), format!("{flag}={value}")]).err().expect("refused");
            let text = err.to_string();
            assert!(text.contains(flag) && text.contains(value), "{flag} {value}: {text}");
        }
    }
}
