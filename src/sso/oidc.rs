//! The OpenID Connect client: discovery, the authorization request (code flow with PKCE S256, state, nonce),
//! the code exchange and the ID token's checks. JOSE is jsonwebtoken's (signatures on ring, keys from the
//! provider's JWKS); what is written here is the protocol around it. Outgoing requests go only to the
//! configured issuer's origin: endpoints that discovery names elsewhere are refused, and redirects are
//! not followed.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use data_encoding::BASE64URL_NOPAD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Clock difference between us and the provider that is tolerated on exp, iat and nbf.
pub const CLOCK_SKEW_SECS: u64 = 60;
/// Discovery documents are fetched again after this long.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// Why a login through the provider did not succeed. Each has the Dutch sentence the user (or the
/// administrator, on the "Testen" button) reads; the log says more.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error(
        "De inlogdienst van uw organisatie is niet bereikbaar ({0}). Probeer het later opnieuw of meld het bij de beheerder."
    )]
    Unreachable(String),
    #[error(
        "De inlogdienst van uw organisatie gaf een antwoord dat AI-register niet begrijpt ({0}). Meld dit bij de beheerder."
    )]
    BadResponse(String),
    #[error(
        "De inlogdienst weigert AI-register: de client-id of het clientgeheim klopt niet. Meld dit bij de beheerder."
    )]
    ClientRefused,
    #[error("De inlogdienst weigerde de aanmelding ({0}). Probeer het opnieuw.")]
    Refused(String),
    #[error(
        "Het bewijs van inloggen (ID-token) is niet door de inlogdienst van uw organisatie ondertekend of is onderweg veranderd. U bent niet ingelogd."
    )]
    Signature,
    #[error("Het bewijs van inloggen (ID-token) is verlopen. Log opnieuw in.")]
    Expired,
    #[error(
        "Het bewijs van inloggen (ID-token) is niet voor AI-register bedoeld (verkeerde audience). U bent niet ingelogd."
    )]
    Audience,
    #[error(
        "Het bewijs van inloggen (ID-token) komt van een andere inlogdienst dan die van uw organisatie. U bent niet ingelogd."
    )]
    Issuer,
    #[error(
        "Het bewijs van inloggen (ID-token) hoort niet bij deze aanmelding (nonce klopt niet). Begin opnieuw met inloggen."
    )]
    Nonce,
    #[error("Het bewijs van inloggen (ID-token) is onleesbaar of onvolledig ({0}). U bent niet ingelogd.")]
    Malformed(String),
    #[error("{0}")]
    Config(String),
}

/// The parts of the discovery document we use.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}

struct Cached {
    discovery: Discovery,
    fetched: Instant,
    keys: Option<JwkSet>,
}

/// Discovery and keys per issuer, shared by all requests of this process (every instance fetches its own).
fn cache() -> &'static Mutex<HashMap<String, Cached>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Cached>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn http() -> Result<&'static reqwest::Client, OidcError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(c) = CLIENT.get() {
        return Ok(c);
    }
    // reqwest is built without a crypto provider; ring is the one sqlx already links.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("AI-register/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| OidcError::Unreachable(e.to_string()))?;
    Ok(CLIENT.get_or_init(|| client))
}

/// An issuer address we are willing to contact: https, or http only on this machine (tests, development).
pub fn check_issuer(issuer: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(issuer).map_err(|_| "Dit is geen geldig webadres.".to_string())?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
        return Err("Gebruik een https-adres (http alleen voor een inlogdienst op deze machine).".into());
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err("Het adres mag geen vraagteken-deel, #-deel of gebruikersnaam bevatten.".into());
    }
    Ok(url)
}

fn same_origin(a: &url::Url, b: &str) -> bool {
    url::Url::parse(b).is_ok_and(|b| a.origin() == b.origin())
}

async fn get_json<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, OidcError> {
    let resp = http()?.get(url).send().await.map_err(|e| OidcError::Unreachable(without_url(e)))?;
    if !resp.status().is_success() {
        return Err(OidcError::BadResponse(format!("HTTP {} op {url}", resp.status().as_u16())));
    }
    resp.json::<T>().await.map_err(|e| OidcError::BadResponse(without_url(e)))
}

fn without_url(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "geen antwoord binnen 10 seconden".into()
    } else if e.is_connect() {
        "geen verbinding".into()
    } else if e.is_decode() {
        "geen geldige JSON".into()
    } else {
        e.without_url().to_string()
    }
}

/// The provider's discovery document (cached), checked: its issuer is exactly the configured one and its
/// endpoints are on the issuer's own origin.
pub async fn discover(issuer: &str) -> Result<Discovery, OidcError> {
    if let Some(c) = cache().lock().expect("cache lock").get(issuer)
        && c.fetched.elapsed() < DISCOVERY_TTL
    {
        return Ok(c.discovery.clone());
    }
    let base = check_issuer(issuer).map_err(OidcError::Config)?;
    let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
    let d: Discovery = get_json(&url).await?;
    if d.issuer != issuer {
        return Err(OidcError::BadResponse(format!("de uitgever heet daar {}, niet {issuer}", d.issuer)));
    }
    let mut endpoints = vec![&d.authorization_endpoint, &d.token_endpoint, &d.jwks_uri];
    endpoints.extend(d.end_session_endpoint.as_ref());
    if let Some(other) = endpoints.into_iter().find(|e| !same_origin(&base, e)) {
        return Err(OidcError::BadResponse(format!("eindpunt {other} ligt niet bij de uitgever")));
    }
    let fresh = Cached { discovery: d.clone(), fetched: Instant::now(), keys: None };
    cache().lock().expect("cache lock").insert(issuer.to_string(), fresh);
    Ok(d)
}

/// Forget what was fetched from an issuer ("Testen" fetches everything anew).
pub fn forget(issuer: &str) {
    cache().lock().expect("cache lock").remove(issuer);
}

/// How many keys the provider's JWKS holds ("Testen").
pub async fn key_count(d: &Discovery) -> Result<usize, OidcError> {
    let set: JwkSet = get_json(&d.jwks_uri).await?;
    if set.keys.is_empty() {
        return Err(OidcError::BadResponse("de JWKS bevat geen sleutels".into()));
    }
    Ok(set.keys.len())
}

/// The provider's keys: cached, fetched again when a token names a key we do not have (key rotation).
async fn key_for(issuer: &str, d: &Discovery, kid: Option<&str>) -> Result<DecodingKey, OidcError> {
    let find = |set: &JwkSet| match kid {
        Some(k) => set.find(k).cloned(),
        // Without a kid only an unambiguous set will do.
        None if set.keys.len() == 1 => set.keys.first().cloned(),
        None => None,
    };
    let cached = cache().lock().expect("cache lock").get(issuer).and_then(|c| c.keys.as_ref().and_then(find));
    let jwk = match cached {
        Some(jwk) => jwk,
        None => {
            let set: JwkSet = get_json(&d.jwks_uri).await?;
            let found = find(&set);
            if let Some(c) = cache().lock().expect("cache lock").get_mut(issuer) {
                c.keys = Some(set);
            }
            found.ok_or(OidcError::Signature)?
        }
    };
    DecodingKey::from_jwk(&jwk).map_err(|_| OidcError::Signature)
}

/// PKCE (RFC 7636): a fresh verifier and its S256 challenge.
pub fn pkce_pair() -> (String, String) {
    let verifier = BASE64URL_NOPAD.encode(&random_bytes());
    (verifier.clone(), pkce_challenge(&verifier))
}

pub fn pkce_challenge(verifier: &str) -> String {
    BASE64URL_NOPAD.encode(&Sha256::digest(verifier.as_bytes()))
}

/// 256 random bits, base64url (state and nonce).
pub fn random_value() -> String {
    BASE64URL_NOPAD.encode(&random_bytes())
}

fn random_bytes() -> [u8; 32] {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    buf
}

/// What the authorization request carries.
pub struct AuthRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scopes: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub challenge: &'a str,
}

pub fn authorization_url(d: &Discovery, r: &AuthRequest<'_>) -> Result<String, OidcError> {
    let mut url = url::Url::parse(&d.authorization_endpoint).map_err(|e| OidcError::BadResponse(e.to_string()))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", r.client_id)
        .append_pair("redirect_uri", r.redirect_uri)
        .append_pair("scope", r.scopes)
        .append_pair("state", r.state)
        .append_pair("nonce", r.nonce)
        .append_pair("code_challenge", r.challenge)
        .append_pair("code_challenge_method", "S256");
    Ok(url.into())
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
}

/// Exchange the code for tokens (client_secret_basic, RFC 6749 2.3.1: both parts form-encoded first).
pub async fn exchange_code(
    d: &Discovery,
    client_id: &str,
    secret: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<String, OidcError> {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier),
    ];
    let resp = http()?
        .post(&d.token_endpoint)
        .basic_auth(enc(client_id), Some(enc(secret)))
        .form(&form)
        .send()
        .await
        .map_err(|e| OidcError::Unreachable(without_url(e)))?;
    let status = resp.status();
    if !status.is_success() {
        let error = resp.json::<TokenError>().await.map(|e| e.error).unwrap_or_default();
        return Err(match error.as_str() {
            "invalid_client" | "unauthorized_client" => OidcError::ClientRefused,
            "" => OidcError::BadResponse(format!("HTTP {}", status.as_u16())),
            other => OidcError::Refused(other.chars().filter(|c| c.is_ascii_graphic()).take(60).collect()),
        });
    }
    let tokens: TokenResponse = resp.json().await.map_err(|e| OidcError::BadResponse(without_url(e)))?;
    tokens.id_token.ok_or_else(|| OidcError::BadResponse("geen ID-token in het antwoord".into()))
}

/// Signature algorithms accepted from a provider's JWKS (asymmetric only: a shared-secret algorithm would
/// turn the public key into a password anyone can read).
const ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// Verify an ID token: signature (JWKS, following rotation), issuer, audience (and azp when there are
/// several), expiry and not-before within the clock skew, and the nonce of this login. Returns its claims.
pub async fn verify_id_token(
    issuer: &str,
    d: &Discovery,
    client_id: &str,
    token: &str,
    nonce: &str,
) -> Result<Map<String, Value>, OidcError> {
    let claims = decode(issuer, d, client_id, token, &["exp", "iat", "iss", "aud", "sub"], true).await?;
    check_after_signature(&claims, client_id, nonce)?;
    Ok(claims)
}

/// A token signed by the provider (one of its keys, following rotation; an allowed algorithm), for this client,
/// from this issuer, within the clock skew, with the given claims present; its claims.
async fn decode(
    issuer: &str,
    d: &Discovery,
    client_id: &str,
    token: &str,
    required: &[&str],
    validate_nbf: bool,
) -> Result<Map<String, Value>, OidcError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| OidcError::Signature)?;
    if !ALGORITHMS.contains(&header.alg) {
        return Err(OidcError::Signature);
    }
    let key = key_for(issuer, d, header.kid.as_deref()).await?;
    let mut v = Validation::new(header.alg);
    v.leeway = CLOCK_SKEW_SECS;
    v.validate_nbf = validate_nbf;
    v.set_issuer(&[issuer]);
    v.set_audience(&[client_id]);
    v.set_required_spec_claims(required);
    let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &v).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind as K;
        match e.kind() {
            K::ExpiredSignature => OidcError::Expired,
            K::InvalidAudience => OidcError::Audience,
            K::InvalidIssuer => OidcError::Issuer,
            K::ImmatureSignature => OidcError::Malformed("nog niet geldig".into()),
            K::MissingRequiredClaim(c) => OidcError::Malformed(format!("{c} ontbreekt")),
            K::InvalidSignature | K::InvalidAlgorithm | K::InvalidKeyFormat => OidcError::Signature,
            other => OidcError::Malformed(format!("{other:?}")),
        }
    })?;
    Ok(data.claims)
}

/// The event a back-channel logout token must carry (OpenID Connect Back-Channel Logout 1.0, 2.4).
const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// Verify a back-channel logout token (section 2.6): signature with the provider's keys (following
/// rotation), iss, aud, iat within the skew, exp when present, the logout event, sid and/or sub, a jti, and
/// no nonce (so an ID token cannot be replayed as a logout token). Returns its claims; the jti's single use
/// is the caller's (it needs the database).
pub async fn verify_logout_token(
    issuer: &str,
    d: &Discovery,
    client_id: &str,
    token: &str,
) -> Result<Map<String, Value>, OidcError> {
    let claims = decode(issuer, d, client_id, token, &["iss", "aud"], false).await?;
    check_logout_claims(&claims)?;
    Ok(claims)
}

/// The logout token's own claims (what jsonwebtoken does not know about).
fn check_logout_claims(claims: &Map<String, Value>) -> Result<(), OidcError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let skew = CLOCK_SKEW_SECS as i64;
    match claims.get("iat").and_then(Value::as_i64) {
        // Logout tokens are sent at once; an old one is not accepted (the jti store keeps ten minutes).
        Some(iat) if iat <= now + skew && iat >= now - LOGOUT_TOKEN_MAX_AGE_SECS => {}
        _ => return Err(OidcError::Malformed("iat ontbreekt of ligt te ver van nu".into())),
    }
    let event = claims.get("events").and_then(Value::as_object).and_then(|e| e.get(LOGOUT_EVENT));
    if !event.is_some_and(Value::is_object) {
        return Err(OidcError::Malformed("events mist de back-channel-logout".into()));
    }
    let text = |name: &str| claims.get(name).and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    if !text("sid") && !text("sub") {
        return Err(OidcError::Malformed("sid en sub ontbreken".into()));
    }
    if claims.contains_key("nonce") {
        return Err(OidcError::Malformed("een logout-token mag geen nonce hebben".into()));
    }
    if !text("jti") {
        return Err(OidcError::Malformed("jti ontbreekt".into()));
    }
    Ok(())
}

/// How old a logout token may be (and how long its jti is remembered).
pub const LOGOUT_TOKEN_MAX_AGE_SECS: i64 = 600;

/// The checks jsonwebtoken leaves to us: nonce, azp with several audiences, iat not in the future.
fn check_after_signature(claims: &Map<String, Value>, client_id: &str, nonce: &str) -> Result<(), OidcError> {
    let given = claims.get("nonce").and_then(Value::as_str).unwrap_or("");
    if !crate::util::constant_time_eq(given.as_bytes(), nonce.as_bytes()) {
        return Err(OidcError::Nonce);
    }
    if let Some(Value::Array(aud)) = claims.get("aud")
        && aud.len() > 1
        && claims.get("azp").and_then(Value::as_str) != Some(client_id)
    {
        return Err(OidcError::Audience);
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    match claims.get("iat").and_then(Value::as_i64) {
        Some(iat) if iat <= now + CLOCK_SKEW_SECS as i64 => Ok(()),
        _ => Err(OidcError::Malformed("iat ontbreekt of ligt in de toekomst".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pkce_matches_rfc_7636_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let (v, c) = pkce_pair();
        assert_eq!(v.len(), 43);
        assert_eq!(c, pkce_challenge(&v));
    }

    #[test]
    fn issuer_must_be_https_except_on_loopback() {
        assert!(check_issuer("https://login.microsoftonline.com/abc/v2.0").is_ok());
        assert!(check_issuer("http://127.0.0.1:8080").is_ok());
        assert!(check_issuer("http://idp.gemeente.nl").is_err());
        assert!(check_issuer("https://idp.gemeente.nl/?x=1").is_err());
        assert!(check_issuer("geen adres").is_err());
    }

    #[test]
    fn logout_claims_are_checked() {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let events = json!({ LOGOUT_EVENT: {} });
        let ok = json!({"iat": now, "jti": "j1", "sid": "s1", "events": events});
        assert!(check_logout_claims(ok.as_object().unwrap()).is_ok());
        let mut with_nonce = ok.clone();
        with_nonce["nonce"] = json!("n");
        assert!(check_logout_claims(with_nonce.as_object().unwrap()).is_err());
        let no_ids = json!({"iat": now, "jti": "j1", "events": events});
        assert!(check_logout_claims(no_ids.as_object().unwrap()).is_err());
        let no_event = json!({"iat": now, "jti": "j1", "sub": "a", "events": {}});
        assert!(check_logout_claims(no_event.as_object().unwrap()).is_err());
        let old = json!({"iat": now - 3600, "jti": "j1", "sub": "a", "events": events});
        assert!(check_logout_claims(old.as_object().unwrap()).is_err());
    }

    #[test]
    fn nonce_and_azp_are_checked() {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let ok = json!({"nonce": "n1", "aud": "app", "iat": now});
        assert!(check_after_signature(ok.as_object().unwrap(), "app", "n1").is_ok());
        assert!(matches!(check_after_signature(ok.as_object().unwrap(), "app", "n2"), Err(OidcError::Nonce)));
        let several = json!({"nonce": "n1", "aud": ["app", "other"], "azp": "other", "iat": now});
        assert!(matches!(check_after_signature(several.as_object().unwrap(), "app", "n1"), Err(OidcError::Audience)));
        let future = json!({"nonce": "n1", "aud": "app", "iat": now + 3600});
        assert!(check_after_signature(future.as_object().unwrap(), "app", "n1").is_err());
    }
}
