//! Typed configuration: command-line flags, each with an environment variable (see the README's table).

use std::net::SocketAddr;
use std::path::PathBuf;

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
    pub trusted_proxies: Vec<crate::web::client::TrustedNet>,
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
    pub register_rate_window: std::time::Duration,
    /// The password of the register's API account, when given in the environment instead of at upload time.
    pub register_password: Option<String>,
    /// Reverse proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Vec<crate::web::client::TrustedNet>,
    pub security_contact: Option<String>,
    pub security_policy: Option<String>,
    /// Login attempts per minute per client address.
    pub login_rate: u32,
}

impl WebConfig {
    pub fn from_args(args: &ServeArgs) -> Self {
        Self {
            public_url: args.public_url.as_ref().map(|u| u.trim_end_matches('/').to_string()).filter(|u| !u.is_empty()),
            session_idle_minutes: args.session_idle_minutes.max(1),
            session_max_hours: args.session_max_hours.max(1),
            register_rate_window: std::time::Duration::from_secs(60),
            register_password: args.register_password.clone().filter(|p| !p.is_empty()),
            trusted_proxies: args.trusted_proxies.clone(),
            security_contact: args.security_contact.clone().filter(|c| !c.trim().is_empty()),
            security_policy: args.security_policy.clone().filter(|c| c.trim().starts_with("https://")),
            login_rate: args.login_rate.max(1),
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
            register_rate_window: std::time::Duration::from_secs(60),
            register_password: None,
            trusted_proxies: Vec::new(),
            security_contact: None,
            security_policy: None,
            login_rate: 10,
        }
    }
}
