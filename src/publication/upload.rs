//! The client for the national register's upload API ("aanleverapi", version 1.0): a bearer token from the
//! register's Keycloak (client credentials of the organisation's confidential client, or, chosen explicitly, the
//! password grant as MinBZK's own AMT does), then create (POST), update (PUT), release, retract and the
//! organisation's list for reconciliation by `source_id`. At most 25 requests per minute leave this
//! process (the register's limit); a 429 is waited out once. A 422 comes back per field.

use std::collections::{HashMap, VecDeque};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::token;

/// The organisation's account at the register.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Connection {
    pub organisation_id: Uuid,
    pub api_url: String,
    pub token_url: String,
    pub client_id: String,
    /// `client_credentials` or `password` (see [`GRANTS`]).
    pub grant_type: String,
    pub username: String,
    pub register_org_id: String,
    pub version: i32,
}

/// The grants a connection may use, with their Dutch names: what organisations get from the register (a
/// confidential client) first; the password grant of a personal API account only when chosen.
pub const GRANTS: [(&str, &str); 2] = [
    ("client_credentials", "Client-id en clientgeheim (client credentials)"),
    ("password", "Persoonlijk API-account met wachtwoord (password grant)"),
];

impl Connection {
    pub fn uses_password(&self) -> bool {
        self.grant_type == "password"
    }
}

pub async fn connection(pool: &sqlx::PgPool, organisation_id: Uuid) -> sqlx::Result<Option<Connection>> {
    sqlx::query_as!(
        Connection,
        r#"select organisation_id as "organisation_id!: Uuid", api_url as "api_url!: String",
                 token_url as "token_url!: String", client_id as "client_id!: String",
                 grant_type as "grant_type!: String", username as "username!: String", register_org_id as "register_org_id!: String",
                 version as "version!: i32"
         from register_connection where organisation_id = $1"#,
        organisation_id
    )
    .fetch_optional(pool)
    .await
}

/// The register's list entry of an algorithm (`AlgorithmSummary`).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Summary {
    pub name: Option<String>,
    pub lars: String,
    pub source_id: Option<String>,
    pub published: bool,
    pub current_version_released: bool,
    pub current_version_published: bool,
    pub last_update_dt: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    /// The password is needed and was not given.
    NoPassword,
    /// The client secret is needed and the server has none.
    NoSecret,
    /// The token endpoint refused the account.
    Login(String),
    /// The register refused the body: (field key, message) per problem.
    Invalid(Vec<(String, String)>),
    /// Still over the rate limit after waiting.
    RateLimited,
    /// Any other answer of the register.
    Status(u16, String),
    /// The register could not be reached.
    Network(String),
    /// A saved address that would send the password or token where it may not go (see [`safe_endpoint`]).
    UnsafeAddress(String),
}

/// https, or plain http only to this machine (a test register or a local proxy), and never a user name or
/// password in the address: the register password and the token must not cross a network unencrypted. The
/// address is parsed (WHATWG URL rules, as browsers and reqwest read it), so `http://127.0.0.1@evil.example/`
/// (user "127.0.0.1" at evil.example) and `http://localhost.evil.example/` are not mistaken for this machine.
pub fn safe_endpoint(v: &str) -> bool {
    if v.len() > 500 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    // `https:///x` and `https:\\x` parse (as host `x`), but nobody means them: refuse rather than guess.
    if v.split_once("://").is_none_or(|(_, rest)| rest.starts_with(['/', '\\'])) {
        return false;
    }
    let Ok(u) = url::Url::parse(v) else { return false };
    if !u.username().is_empty() || u.password().is_some() {
        return false;
    }
    match (u.scheme(), u.host()) {
        ("https", Some(_)) => true,
        ("http", Some(url::Host::Domain(d))) => d == "localhost",
        ("http", Some(url::Host::Ipv4(a))) => a.is_loopback(),
        ("http", Some(url::Host::Ipv6(a))) => a.is_loopback(),
        _ => false,
    }
}

impl std::fmt::Display for UploadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UploadError::NoPassword => {
                write!(f, "Vul het wachtwoord van het API-account van het Algoritmeregister in.")
            }
            UploadError::NoSecret => write!(
                f,
                "Er is geen clientgeheim voor het Algoritmeregister: de beheerder van de server zet het in \
                 AIREGISTER_REGISTER_CLIENT_SECRET of in een bestand (AIREGISTER_REGISTER_CLIENT_SECRET_FILE)."
            ),
            UploadError::Login(m) => write!(f, "Inloggen bij het Algoritmeregister lukte niet: {m}"),
            UploadError::Invalid(problems) => write!(
                f,
                "Het Algoritmeregister weigerde de beschrijving: {}",
                problems.iter().map(|(k, m)| format!("{k}: {m}")).collect::<Vec<_>>().join("; ")
            ),
            UploadError::RateLimited => {
                write!(
                    f,
                    "Het Algoritmeregister neemt nu geen verzoeken aan (te veel per minuut). Probeer het zo opnieuw."
                )
            }
            UploadError::Status(code, m) => write!(f, "Het Algoritmeregister antwoordde met status {code}: {m}"),
            UploadError::Network(m) => write!(f, "Het Algoritmeregister is niet bereikbaar: {m}"),
            UploadError::UnsafeAddress(a) => write!(
                f,
                "Het adres {a} in de koppeling is niet toegestaan: gebruik https:// (http alleen naar deze machine zelf). \
                 Pas de koppeling aan onder Publicatie → Koppeling."
            ),
        }
    }
}

/// At most `max` requests per `window`, shared by every client of this process that talks to one host.
struct Limiter {
    times: Mutex<VecDeque<Instant>>,
}

static LIMITERS: LazyLock<Mutex<HashMap<String, &'static Limiter>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// The register's limit (NOTES.md §3.6).
pub const MAX_PER_WINDOW: usize = 25;

impl Limiter {
    fn for_host(host: &str) -> &'static Limiter {
        let mut all = LIMITERS.lock().unwrap_or_else(|e| e.into_inner());
        all.entry(host.to_string())
            .or_insert_with(|| Box::leak(Box::new(Limiter { times: Mutex::new(VecDeque::new()) })))
    }

    async fn acquire(&self, window: Duration) {
        // The register counts arrivals, we count departures: a request that is delayed on the way (a busy
        // machine, the network) would let the 26th land in the register's window. A margin of 5 % keeps
        // clear of that (3 s on the register's minute).
        let window = window + window / 20;
        loop {
            let wait = {
                let mut times = self.times.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
                    times.pop_front();
                }
                if times.len() < MAX_PER_WINDOW {
                    times.push_back(now);
                    return;
                }
                window.saturating_sub(now.duration_since(*times.front().expect("non-empty")))
            };
            tokio::time::sleep(wait + Duration::from_millis(5)).await;
        }
    }
}

pub struct Client {
    http: reqwest::Client,
    conn: Connection,
    /// The client secret of a confidential client (from the server's environment, never stored).
    secret: Option<String>,
    window: Duration,
    limiter: &'static Limiter,
}

fn host_of(address: &str) -> String {
    url::Url::parse(address).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default()
}

impl Client {
    pub fn new(conn: Connection, window: Duration) -> Result<Client, UploadError> {
        // Connections saved before the address check was strict are checked again before anything is sent.
        for address in [&conn.api_url, &conn.token_url] {
            if !safe_endpoint(address) {
                return Err(UploadError::UnsafeAddress(address.clone()));
            }
        }
        // reqwest is built without a crypto provider; ring is the one sqlx already links.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            // A redirect could carry the password form (307/308) to an address nobody checked.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("AI-register/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| UploadError::Network(e.to_string()))?;
        let limiter = Limiter::for_host(&host_of(&conn.api_url));
        Ok(Client { http, conn, secret: None, window, limiter })
    }

    /// `path` under the organisation, e.g. `/algorithms/{lars}`.
    fn url(&self, path: &str) -> String {
        format!("{}/organizations/{}{path}", self.conn.api_url.trim_end_matches('/'), self.conn.register_org_id)
    }

    /// The client secret the server has (AIREGISTER_REGISTER_CLIENT_SECRET[_FILE]).
    pub fn with_secret(mut self, secret: Option<String>) -> Client {
        self.secret = secret;
        self
    }

    /// Whether a token is cached, so the password is not needed now.
    pub fn has_token(&self) -> bool {
        token::cached(&self.conn).is_some()
    }

    /// Get a token with the connection's grant (the password from the environment or the form is only used
    /// for the password grant) and keep it.
    pub async fn login(&self, password: Option<&str>) -> Result<(), UploadError> {
        if self.has_token() {
            return Ok(());
        }
        let form = token::grant_form(&self.conn, password, self.secret.as_deref())?;
        self.limiter.acquire(self.window).await;
        token::fetch(&self.http, &self.conn, &form).await
    }

    fn token(&self) -> Result<String, UploadError> {
        token::cached(&self.conn).ok_or(if self.conn.uses_password() {
            UploadError::NoPassword
        } else {
            UploadError::NoSecret
        })
    }

    /// One call, within the rate limit; a 429 is waited out once (Retry-After, or the window).
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Result<Value, UploadError> {
        for attempt in 0..2 {
            self.limiter.acquire(self.window).await;
            let mut req = self.http.request(method.clone(), self.url(path)).bearer_auth(self.token()?);
            if let Some(b) = body {
                req = req.json(b);
            }
            let resp = req.send().await.map_err(|e| UploadError::Network(e.without_url().to_string()))?;
            let status = resp.status().as_u16();
            if status == 429 && attempt == 0 {
                let wait = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
                    .map(Duration::from_secs)
                    .unwrap_or(self.window)
                    .min(Duration::from_secs(120));
                tokio::time::sleep(wait).await;
                continue;
            }
            let text = resp.text().await.unwrap_or_default();
            let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            return match status {
                200..=299 => Ok(json),
                422 => Err(UploadError::Invalid(validation_problems(&json))),
                429 => Err(UploadError::RateLimited),
                401 | 403 => {
                    token::forget(&self.conn);
                    Err(UploadError::Status(status, detail(&json, "geen toegang met dit account")))
                }
                _ => Err(UploadError::Status(status, detail(&json, text.chars().take(200).collect::<String>().trim()))),
            };
        }
        Err(UploadError::RateLimited)
    }

    /// Every algorithm of the organisation in the register.
    pub async fn list(&self) -> Result<Vec<Summary>, UploadError> {
        let v = self.call(reqwest::Method::GET, "/algorithms", None).await?;
        serde_json::from_value(v).map_err(|e| UploadError::Status(200, format!("onverwacht antwoord: {e}")))
    }

    /// A new algorithm; returns its lars code.
    pub async fn create(&self, body: &Map<String, Value>) -> Result<String, UploadError> {
        let v = self.call(reqwest::Method::POST, "/algorithms", Some(&without_nulls(body))).await?;
        v.get("lars_code")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| UploadError::Status(200, "het antwoord bevat geen algoritme-ID (lars_code)".into()))
    }

    /// A new version of an existing algorithm ("In bewerking"); Ok(false) when the register saw no change.
    pub async fn update(&self, lars: &str, body: &Map<String, Value>) -> Result<bool, UploadError> {
        let v = self.call(reqwest::Method::PUT, &format!("/algorithms/{lars}"), Some(&without_nulls(body))).await?;
        Ok(v.get("message").and_then(Value::as_str) != Some("NO_CHANGES"))
    }

    /// Release the newest version for publication ("Vrijgeven": STATE_1 → STATE_2).
    pub async fn release(&self, lars: &str) -> Result<(), UploadError> {
        self.call(reqwest::Method::PUT, &format!("/algorithms/{lars}/release"), None).await.map(|_| ())
    }

    /// Take the published version out of the register ("Intrekken"): the algorithm is no longer public there.
    pub async fn retract(&self, lars: &str) -> Result<(), UploadError> {
        self.call(reqwest::Method::DELETE, &format!("/published-algorithms/{lars}/retract"), None).await.map(|_| ())
    }
}

/// Empty fields are left out rather than sent as null: the published OpenAPI document types several optional
/// fields as `string` beside their `anyOf [string, null]`, so a strict validator refuses null there.
fn without_nulls(body: &Map<String, Value>) -> Value {
    Value::Object(body.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect())
}

fn detail(json: &Value, fallback: &str) -> String {
    json.get("detail").and_then(Value::as_str).unwrap_or(fallback).to_string()
}

/// FastAPI's `HTTPValidationError`: `detail[].loc` (e.g. `["body", "goal"]`) and `msg`.
fn validation_problems(json: &Value) -> Vec<(String, String)> {
    let Some(items) = json.get("detail").and_then(Value::as_array) else {
        return vec![(String::new(), detail(json, "ongeldige invoer"))];
    };
    items
        .iter()
        .map(|i| {
            let loc: Vec<String> = i
                .get("loc")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .skip_while(|p| p.as_str() == Some("body"))
                        .map(|p| p.as_str().map(str::to_string).unwrap_or_else(|| p.to_string()))
                        .collect()
                })
                .unwrap_or_default();
            (loc.join("."), i.get("msg").and_then(Value::as_str).unwrap_or("ongeldig").to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fastapi_errors_per_field() {
        let v: Value = serde_json::json!({"detail": [
            {"loc": ["body", "goal"], "msg": "String should have at most 2500 characters", "type": "string_too_long"},
            {"loc": ["body", "lawful_basis_grouping", 0, "link"], "msg": "Field required", "type": "missing"}
        ]});
        assert_eq!(
            validation_problems(&v),
            vec![
                ("goal".into(), "String should have at most 2500 characters".into()),
                ("lawful_basis_grouping.0.link".into(), "Field required".into())
            ]
        );
    }

    #[test]
    fn only_https_or_http_to_this_machine() {
        for ok in [
            "https://algoritmes.overheid.nl/aanleverapi/v1_0",
            "https://keycloak.example/realms/x/protocol/openid-connect/token",
            "http://127.0.0.1:8181/token",
            "http://127.9.9.9/token",
            "http://localhost:8181/api",
            "http://LOCALHOST/api",
            "http://[::1]:8181/api",
        ] {
            assert!(safe_endpoint(ok), "{ok}");
        }
        for bad in [
            "http://127.0.0.1@evil.example/token",
            "http://localhost.evil.example/token",
            "http://localhost:80@10.0.0.1/",
            "http://localhost.:8080/",
            "http://evil.example/",
            "http://10.0.0.1/",
            "http://[::ffff:10.0.0.1]/",
            "https://user:secret@register.example/",
            "https://user@register.example/",
            "ftp://127.0.0.1/",
            "https://",
            "https:///path",
            "http://127.0.0.1 /",
            "http://127.0.0.1/\ttoken",
            "javascript:alert(1)",
            "",
        ] {
            assert!(!safe_endpoint(bad), "{bad}");
        }
    }

    #[test]
    fn a_saved_unsafe_address_is_refused_before_anything_is_sent() {
        let conn = Connection {
            organisation_id: Uuid::nil(),
            api_url: "https://register.example/api".into(),
            token_url: "http://127.0.0.1@evil.example/token".into(),
            client_id: "c".into(),
            grant_type: "password".into(),
            username: "u".into(),
            register_org_id: "gm0001".into(),
            version: 0,
        };
        assert!(matches!(Client::new(conn, Duration::from_secs(60)), Err(UploadError::UnsafeAddress(_))));
    }

    #[tokio::test]
    async fn limiter_lets_25_through_per_window() {
        let limiter = Limiter { times: Mutex::new(VecDeque::new()) };
        let window = Duration::from_millis(300);
        let start = Instant::now();
        for _ in 0..MAX_PER_WINDOW {
            limiter.acquire(window).await;
        }
        assert!(start.elapsed() < Duration::from_millis(100));
        limiter.acquire(window).await;
        assert!(start.elapsed() >= Duration::from_millis(290));
    }
}
