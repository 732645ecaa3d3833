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
    /// Data directory of the private PostgreSQL cluster [default: ./data/postgres; the demo: ./data/demo/postgres]
    #[arg(long, env = "AIREGISTER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Directory with the PostgreSQL programs (initdb, pg_ctl); default: PATH, then /usr/lib/postgresql/*/bin.
    #[arg(long, env = "PG_BINDIR")]
    pub pg_bindir: Option<PathBuf>,
    /// Maximum number of database connections of this process.
    #[arg(long, env = "AIREGISTER_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
}

/// The private cluster's data directory when none is given.
pub const DEFAULT_DATA_DIR: &str = "./data/postgres";
/// The demo's, so that a real installation started after trying the demo starts clean (issue 18, item 8).
pub const DEMO_DATA_DIR: &str = "./data/demo/postgres";

impl DbArgs {
    /// For the demo: its own data directory, unless one is given.
    pub fn for_demo(mut self) -> Self {
        self.data_dir.get_or_insert_with(|| PathBuf::from(DEMO_DATA_DIR));
        self
    }

    pub fn settings(&self) -> DbSettings {
        DbSettings {
            database_url: self.database_url.clone().filter(|u| !u.trim().is_empty()),
            data_dir: self.data_dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
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
    /// Client secret of the organisation's confidential client at the Algoritmeregister (client credentials).
    #[arg(long, env = "AIREGISTER_REGISTER_CLIENT_SECRET", hide_env_values = true)]
    pub register_client_secret: Option<String>,
    /// File holding that client secret (instead of the variable).
    #[arg(long, env = "AIREGISTER_REGISTER_CLIENT_SECRET_FILE")]
    pub register_client_secret_file: Option<PathBuf>,
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
    /// The SMTP server for e-mail: smtp+starttls://user@host:587, smtps://user@host:465, or smtp://host:port
    /// (no encryption: only on this machine). When unset, e-mail is off.
    #[arg(long, env = "AIREGISTER_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// File holding the SMTP password (instead of a password in the URL).
    #[arg(long, env = "AIREGISTER_SMTP_PASSWORD_FILE")]
    pub smtp_password_file: Option<PathBuf>,
    /// Working days a submission may wait for the CISO's decision before the CISOs are reminded (the directie
    /// after twice as long).
    #[arg(long, env = "AIREGISTER_REVIEW_REMINDER_DAYS", default_value_t = 5,
          value_parser = clap::value_parser!(i32).range(1..=100))]
    pub review_reminder_days: i32,
    /// The sender of e-mail, e.g. "AI-register <noreply@gemeente.nl>".
    #[arg(long, env = "AIREGISTER_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Compress answers for clients that accept it; `false` when a reverse proxy in front compresses.
    #[arg(long, env = "AIREGISTER_COMPRESSION", default_value_t = true, action = clap::ArgAction::Set)]
    pub compression: bool,
    /// Load the demo organisation, users and applications before serving.
    #[arg(long)]
    pub demo: bool,
    /// The demo users' password (default: a new random one, printed at start).
    #[arg(long, env = "AIREGISTER_DEMO_PASSWORD", requires = "demo")]
    pub demo_password: Option<String>,
}

pub use crate::util::Secret;

/// What the running web application needs to know.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub public_url: Option<String>,
    pub session_idle_minutes: u32,
    pub session_max_hours: u32,
    /// The national register's upload API allows 25 requests per this window (one minute; tests shorten it).
    pub register_rate_window: Duration,
    /// The password of the register's API account, when given in the environment instead of at upload time.
    pub register_password: Option<Secret>,
    /// The register client's secret, from the environment or its file (see `register_secret`).
    pub register_client_secret: Option<Secret>,
    /// Reverse proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Vec<TrustedNet>,
    pub security_contact: Option<String>,
    pub security_policy: Option<String>,
    /// Login attempts per minute per client address.
    pub login_rate: u32,
    /// Time limits for slow or idle clients and the number of connections at once.
    pub limits: ConnectionLimits,
    /// E-mail; `None` when it is off.
    pub mail: Option<MailSettings>,
    /// Working days before a waiting submission is a reminder to the CISOs (twice: to the directie).
    pub review_reminder_days: i32,
    pub compression: bool,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailSecurity {
    /// No encryption: only to a server on this machine (a local relay).
    None,
    StartTls,
    Tls,
}

/// E-mail settings, checked at start (see `MailSettings::from_args`).
#[derive(Clone)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    pub user: Option<String>,
    pub password: Option<String>,
    /// The sender, as given (a mailbox: "Naam <adres>" or an address).
    pub from: String,
    /// How often the worker looks for messages that are due.
    pub poll: Duration,
    /// The first wait after a failed attempt; it doubles with each further attempt (up to an hour).
    pub retry_base: Duration,
}

// By hand, so the password never reaches a log line.
impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("server", &self.server())
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .field("from", &self.from)
            .finish()
    }
}

impl MailSettings {
    /// The settings from the flags, `Ok(None)` when e-mail is not configured, or what is wrong (never the
    /// password).
    pub fn from_args(args: &ServeArgs) -> Result<Option<Self>, String> {
        let Some(raw) = args.smtp_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        let password = match &args.smtp_password_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| format!("AIREGISTER_SMTP_PASSWORD_FILE {} is niet te lezen: {e}", path.display()))?
                    .trim_end_matches(['\r', '\n'])
                    .to_string(),
            ),
            None => None,
        };
        let from = args.mail_from.as_deref().map(str::trim).unwrap_or("");
        Self::parse(raw, password, from).map(Some)
    }

    /// `url` as AIREGISTER_SMTP_URL takes it; `password` from a file wins over one in the URL.
    pub fn parse(url: &str, password: Option<String>, from: &str) -> Result<Self, String> {
        let parsed = url::Url::parse(url).map_err(|_| {
            "AIREGISTER_SMTP_URL is geen URL; verwacht bijvoorbeeld smtp+starttls://gebruiker@smtp.example.nl:587"
                .to_string()
        })?;
        let (security, default_port) = match parsed.scheme() {
            "smtp" => (MailSecurity::None, 25),
            "smtp+starttls" => (MailSecurity::StartTls, 587),
            "smtps" => (MailSecurity::Tls, 465),
            other => {
                return Err(format!(
                    "AIREGISTER_SMTP_URL: onbekend schema {other}:; gebruik smtp+starttls://, smtps:// of (op deze machine) smtp://"
                ));
            }
        };
        let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or("AIREGISTER_SMTP_URL noemt geen server")?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        let loopback = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if security == MailSecurity::None && !loopback {
            return Err(format!(
                "AIREGISTER_SMTP_URL: smtp:// verstuurt zonder versleuteling en mag alleen naar deze machine, niet naar {host}; gebruik smtp+starttls:// of smtps://"
            ));
        }
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        let user = Some(decode(parsed.username())).filter(|u| !u.is_empty());
        let password = password.or_else(|| parsed.password().map(decode)).filter(|p| !p.is_empty());
        if from.is_empty() {
            return Err("AIREGISTER_MAIL_FROM is nodig bij AIREGISTER_SMTP_URL (bijvoorbeeld \"AI-register <noreply@gemeente.nl>\")".into());
        }
        if !from.contains('@') {
            return Err(format!("AIREGISTER_MAIL_FROM {from:?} is geen e-mailadres"));
        }
        Ok(Self {
            host,
            port: parsed.port().unwrap_or(default_port),
            security,
            user,
            password,
            from: from.to_string(),
            poll: Duration::from_secs(5),
            retry_base: Duration::from_secs(30),
        })
    }

    /// The server as administrators may see it: scheme, user, host and port, never the password.
    pub fn server(&self) -> String {
        let scheme = match self.security {
            MailSecurity::None => "smtp",
            MailSecurity::StartTls => "smtp+starttls",
            MailSecurity::Tls => "smtps",
        };
        let user = self.user.as_deref().map(|u| format!("{u}@")).unwrap_or_default();
        format!("{scheme}://{user}{}:{}", self.host, self.port)
    }
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

/// The register client's secret: the file wins over the variable; trailing newlines of a file are dropped.
pub fn register_secret(args: &ServeArgs) -> Result<Option<Secret>, String> {
    let secret = match &args.register_client_secret_file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("AIREGISTER_REGISTER_CLIENT_SECRET_FILE {} is niet te lezen: {e}", path.display()))?
            .trim_end_matches(['\r', '\n'])
            .to_string(),
        None => args.register_client_secret.clone().unwrap_or_default(),
    };
    Ok(Some(secret).filter(|s| !s.is_empty()).map(Secret))
}

impl WebConfig {
    pub fn from_args(args: &ServeArgs) -> Self {
        Self {
            public_url: args.public_url.as_ref().map(|u| u.trim_end_matches('/').to_string()).filter(|u| !u.is_empty()),
            session_idle_minutes: args.session_idle_minutes.max(1),
            session_max_hours: args.session_max_hours.max(1),
            register_rate_window: Duration::from_secs(60),
            register_password: args.register_password.clone().filter(|p| !p.is_empty()).map(Secret),
            // Set by the server after `register_secret`, which can refuse an unreadable file.
            register_client_secret: None,
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
            // Set by the server after `MailSettings::from_args`, which can refuse the configuration.
            mail: None,
            review_reminder_days: args.review_reminder_days,
            compression: args.compression,
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
            register_client_secret: None,
            trusted_proxies: Vec::new(),
            security_contact: None,
            security_policy: None,
            login_rate: 10,
            limits: ConnectionLimits::default(),
            mail: None,
            review_reminder_days: 5,
            compression: true,
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

    #[test]
    fn secrets_never_show_in_the_configurations_debug_output() {
        let config = WebConfig {
            register_password: Some("wachtwoord-van-het-register".into()),
            register_client_secret: Some("geheim-van-de-client".into()),
            ..WebConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("wachtwoord-van-het-register") && !shown.contains("geheim-van-de-client"), "{shown}");
        assert_eq!(config.register_client_secret.as_ref().map(Secret::expose), Some("geheim-van-de-client"));
    }

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

    #[test]
    fn mail_settings_take_the_three_schemes_and_refuse_what_would_leak() {
        let m = MailSettings::parse("smtp+starttls://ai%40gemeente.nl:geheim@smtp.example.nl", None, "AI <ai@g.nl>")
            .expect("starttls");
        assert_eq!((m.security, m.port, m.user.as_deref()), (MailSecurity::StartTls, 587, Some("ai@gemeente.nl")));
        assert_eq!(m.password.as_deref(), Some("geheim"));
        assert!(!format!("{m:?}").contains("geheim") && !m.server().contains("geheim"));
        let m = MailSettings::parse("smtps://smtp.example.nl", Some("uit-bestand".into()), "ai@g.nl").expect("tls");
        assert_eq!((m.security, m.port, m.password.as_deref()), (MailSecurity::Tls, 465, Some("uit-bestand")));
        let m = MailSettings::parse("smtp://127.0.0.1:2525", None, "ai@g.nl").expect("plain on loopback");
        assert_eq!((m.security, m.port, m.user), (MailSecurity::None, 2525, None));
        assert!(MailSettings::parse("smtp://[::1]:25", None, "ai@g.nl").is_ok());
        for (url, from, says) in [
            ("smtp://smtp.example.nl", "ai@g.nl", "alleen naar deze machine"),
            ("http://smtp.example.nl", "ai@g.nl", "onbekend schema"),
            ("smtps://", "ai@g.nl", "noemt geen server"),
            ("geen url", "ai@g.nl", "geen URL"),
            ("smtps://smtp.example.nl", "", "AIREGISTER_MAIL_FROM is nodig"),
            ("smtps://u:pw@smtp.example.nl", "niemand", "geen e-mailadres"),
        ] {
            let err = MailSettings::parse(url, None, from).expect_err(url);
            assert!(err.contains(says) && !err.contains("pw"), "{url}: {err}");
        }
    }
}
