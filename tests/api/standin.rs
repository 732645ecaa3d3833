//! A stand-in for the national Algoritmeregister's upload API (aanleverapi v1.0) and its Keycloak token
//! endpoint. Every request is checked against the published OpenAPI document
//! (`tests/fixtures/algoritmeregister/aanleverapi-v1_0.openapi.json`) with an independent JSON Schema
//! library: the path and method must exist, the bearer token must be valid, and the body must match the
//! operation's schema. It also applies the register's own limits (25 requests per window → 429; the optional
//! broken-link check → 422) and checks its own answers against the response schemas, so the client is tested
//! against the contract, not against our assumptions.
//!
//! The token endpoint behaves as the register's Keycloak does for its two kinds of client: the public client
//! [`PUBLIC_CLIENT`] only takes the password grant, the organisation's confidential client [`CLIENT`] only the
//! client-credentials grant and only with its secret [`SECRET`]; anything else is refused with Keycloak's
//! error. An update with the body the register has already is answered `NO_CHANGES`; retract takes a
//! published algorithm out of publication (404 when nothing is published).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub const TOKEN: &str = "standin-token-6f1c";
pub const PASSWORD: &str = "register-wachtwoord";
/// The public client that takes the password grant (as MinBZK's AMT uses it).
pub const PUBLIC_CLIENT: &str = "algreg-api";
/// The organisation's confidential client (client credentials, with a service account) and its secret.
pub const CLIENT: &str = "gm9999-aanlever";
pub const SECRET: &str = "clientgeheim-3b7e";

#[derive(Debug, Clone)]
pub struct Algo {
    pub lars: String,
    pub body: Value,
    pub state: String,
    pub versions: u32,
    pub published: bool,
}

#[derive(Default)]
pub struct Register {
    pub org: String,
    pub algorithms: Vec<Algo>,
    /// Requests that broke the published contract (path, method, token, body schema): must stay empty.
    pub violations: Vec<String>,
    /// Requests over the rate limit.
    pub rate_limited: usize,
    /// (method, path) of every request.
    pub log: Vec<(String, String)>,
    /// (client id, grant type) of every token request that was granted.
    pub grants: Vec<(String, String)>,
    /// The next API call is answered with this status and detail (a register that fails).
    pub fail_next: Option<(u16, String)>,
    times: VecDeque<Instant>,
    window: Duration,
    next: u32,
}

pub struct StandIn {
    pub base: String,
    pub register: Arc<Mutex<Register>>,
}

struct Shared {
    spec: Value,
    register: Arc<Mutex<Register>>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl Shared {
    /// A validator for a schema inside the OpenAPI document (its `$ref`s resolve against the document).
    fn validator(&self, schema: &Value) -> Arc<jsonschema::Validator> {
        let key = schema.to_string();
        let mut cache = self.validators.lock().unwrap();
        cache
            .entry(key)
            .or_insert_with(|| {
                let mut root = self.spec.clone();
                let obj = root.as_object_mut().unwrap();
                obj.remove("paths");
                for (k, v) in schema.as_object().unwrap() {
                    obj.insert(k.clone(), v.clone());
                }
                Arc::new(
                    jsonschema::options()
                        .with_draft(jsonschema::Draft::Draft202012)
                        .build(&root)
                        .expect("the OpenAPI schemas compile"),
                )
            })
            .clone()
    }
}

fn lars(n: u32) -> String {
    // Seven digits 1-9 and the register's check digit.
    let digits: Vec<u32> = format!("{:07}", 1_111_111 + n).chars().map(|c| c.to_digit(10).unwrap().max(1)).collect();
    let sum = (digits[0] + digits[2] + digits[4] + digits[6]) * 3 + digits[1] + digits[3] + digits[5];
    format!("{}{}", digits.iter().map(|d| d.to_string()).collect::<String>(), (10 - sum % 10) % 10)
}

impl StandIn {
    pub async fn start(org: &str, window: Duration) -> StandIn {
        let mut spec: Value =
            serde_json::from_str(include_str!("../fixtures/algoritmeregister/aanleverapi-v1_0.openapi.json")).unwrap();
        // The published document (FastAPI output) puts `"type": "enum"` beside each enum's `$ref`; "enum" is
        // no JSON Schema type, so that one keyword is dropped. The `$ref` still constrains the value.
        drop_enum_types(&mut spec["components"]["schemas"]);
        let register = Arc::new(Mutex::new(Register { org: org.to_string(), window, next: 1, ..Default::default() }));
        let shared = Arc::new(Shared { spec, register: register.clone(), validators: Mutex::new(HashMap::new()) });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new().fallback(handle).with_state(shared);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        StandIn { base: format!("http://{addr}"), register }
    }

    pub fn api_url(&self) -> String {
        format!("{}/aanleverapi/v1_0", self.base)
    }

    pub fn token_url(&self) -> String {
        format!("{}/realms/algreg/protocol/openid-connect/token", self.base)
    }

    /// An algorithm that is already in the register (for reconciliation).
    pub fn preload(&self, name: &str, source_id: Option<&str>, published: bool) -> String {
        let mut r = self.register.lock().unwrap();
        let l = lars(r.next);
        r.next += 1;
        r.algorithms.push(Algo {
            lars: l.clone(),
            body: json!({"name": name, "source_id": source_id}),
            state: if published { "PUBLISHED".into() } else { "STATE_1".into() },
            versions: 1,
            published,
        });
        l
    }

    /// The register publishes the algorithm (ICTU, or the organisation's approver, in the register itself).
    pub fn publish(&self, lars: &str) {
        let mut r = self.register.lock().unwrap();
        let a = r.algorithms.iter_mut().find(|a| a.lars == lars).expect("known algorithm");
        a.state = "PUBLISHED".into();
        a.published = true;
    }
}

/// Keycloak's token endpoint for the two clients: Ok(client id, grant) or Keycloak's error.
fn grant(form: &HashMap<String, String>) -> Result<(String, String), (StatusCode, Value)> {
    let refuse = |status: StatusCode, error: &str, description: &str| {
        Err((status, json!({"error": error, "error_description": description})))
    };
    // The client authenticates in the form (Keycloak's "client_secret_post").
    let client = form.get("client_id").cloned().unwrap_or_default();
    let secret = form.get("client_secret").cloned();
    let grant_type = form.get("grant_type").cloned().unwrap_or_default();
    match client.as_str() {
        PUBLIC_CLIENT => {
            if grant_type != "password" {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    "unauthorized_client",
                    "Client not enabled to retrieve service account",
                );
            }
            if form.get("password").map(String::as_str) != Some(PASSWORD) || form.get("username").is_none() {
                return refuse(StatusCode::UNAUTHORIZED, "invalid_grant", "Invalid user credentials");
            }
        }
        CLIENT => {
            if secret.as_deref() != Some(SECRET) {
                return refuse(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Invalid client or Invalid client credentials",
                );
            }
            if grant_type != "client_credentials" {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    "unauthorized_client",
                    "Client not allowed for direct access grants",
                );
            }
        }
        _ => return refuse(StatusCode::UNAUTHORIZED, "invalid_client", "Invalid client or Invalid client credentials"),
    }
    Ok((client, grant_type))
}

fn drop_enum_types(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.get("type") == Some(&json!("enum")) {
                o.remove("type");
            }
            o.values_mut().for_each(drop_enum_types);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_enum_types),
        _ => {}
    }
}

fn answer(status: StatusCode, body: Value) -> (StatusCode, Value) {
    (status, body)
}

fn match_template(template: &str, path: &str) -> Option<HashMap<String, String>> {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut params = HashMap::new();
    for (a, b) in t.iter().zip(&p) {
        if a.starts_with('{') {
            if b.is_empty() {
                return None;
            }
            params.insert(a.trim_matches(['{', '}']).to_string(), b.to_string());
        } else if a != b {
            return None;
        }
    }
    Some(params)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    shared.register.lock().unwrap().log.push((method.to_string(), path.clone()));
    if path.ends_with("/protocol/openid-connect/token") {
        let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
        if method != Method::POST {
            return (StatusCode::METHOD_NOT_ALLOWED, axum::Json(json!({"error": "invalid_request"}))).into_response();
        }
        return match grant(&form) {
            Ok(granted) => {
                shared.register.lock().unwrap().grants.push(granted);
                (StatusCode::OK, axum::Json(json!({"access_token": TOKEN, "expires_in": 300, "token_type": "Bearer"})))
                    .into_response()
            }
            Err((status, body)) => (status, axum::Json(body)).into_response(),
        };
    }
    if let Some((status, detail)) = shared.register.lock().unwrap().fail_next.take() {
        return (StatusCode::from_u16(status).unwrap(), axum::Json(json!({"detail": detail}))).into_response();
    }
    let (status, value) = api(&shared, &method, &path, &headers, &body);
    (status, axum::Json(value)).into_response()
}

fn api(shared: &Shared, method: &Method, path: &str, headers: &HeaderMap, body: &[u8]) -> (StatusCode, Value) {
    let violation = |what: String| shared.register.lock().unwrap().violations.push(format!("{method} {path}: {what}"));
    let Some(rest) = path.strip_prefix("/aanleverapi/v1_0") else {
        violation("not under /aanleverapi/v1_0".into());
        return answer(StatusCode::NOT_FOUND, json!({"detail": "Not Found"}));
    };
    let paths = shared.spec["paths"].as_object().unwrap();
    let Some((template, params)) = paths.keys().find_map(|t| match_template(t, rest).map(|p| (t.clone(), p))) else {
        violation("no such path in the OpenAPI document".into());
        return answer(StatusCode::NOT_FOUND, json!({"detail": "Not Found"}));
    };
    let Some(op) = paths[&template].get(method.as_str().to_lowercase()) else {
        violation(format!("method not allowed on {template}"));
        return answer(StatusCode::METHOD_NOT_ALLOWED, json!({"detail": "Method Not Allowed"}));
    };
    {
        let mut r = shared.register.lock().unwrap();
        let now = Instant::now();
        let window = r.window;
        while r.times.front().is_some_and(|t| now.duration_since(*t) >= window) {
            r.times.pop_front();
        }
        if r.times.len() >= 25 {
            r.rate_limited += 1;
            return answer(StatusCode::TOO_MANY_REQUESTS, json!({"detail": "Rate limit exceeded: 25 per 1 minute"}));
        }
        r.times.push_back(now);
    }
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    if auth != format!("Bearer {TOKEN}") {
        violation("missing or wrong bearer token".into());
        return answer(StatusCode::UNAUTHORIZED, json!({"detail": "Not authenticated"}));
    }
    let org = shared.register.lock().unwrap().org.clone();
    if params.get("organisation_id") != Some(&org) {
        return answer(StatusCode::NOT_FOUND, json!({"detail": "Organisation not found"}));
    }
    let instance: Option<Value> = if let Some(rb) = op.get("requestBody") {
        let ct = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
        if !ct.starts_with("application/json") {
            violation(format!("content-type {ct}"));
            return answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"detail": [{"loc": ["body"], "msg": "Field required", "type": "missing"}]}),
            );
        }
        let Ok(v) = serde_json::from_slice::<Value>(body) else {
            violation("body is not JSON".into());
            return answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"detail": [{"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"}]}),
            );
        };
        let schema = &rb["content"]["application/json"]["schema"];
        let validator = shared.validator(schema);
        let errors: Vec<Value> = validator
            .iter_errors(&v)
            .map(|e| {
                let mut loc = vec![json!("body")];
                loc.extend(e.instance_path().to_string().split('/').filter(|s| !s.is_empty()).map(|s| json!(s)));
                json!({"loc": loc, "msg": e.to_string(), "type": "value_error"})
            })
            .collect();
        if !errors.is_empty() {
            violation(format!("body does not match the schema: {errors:?}"));
            return answer(StatusCode::UNPROCESSABLE_ENTITY, json!({"detail": errors}));
        }
        // The register's optional broken-link check ("C3PO", rule BROKEN_LINKS).
        if let Some(obj) = v.as_object() {
            let broken: Vec<Value> = obj
                .iter()
                .filter(|(_, val)| val.as_str().is_some_and(|s| s.contains("kapot.example")))
                .map(|(k, _)| json!({"loc": ["body", k], "msg": "BROKEN_LINKS: de link werkt niet", "type": "value_error"}))
                .collect();
            if !broken.is_empty() {
                return answer(StatusCode::UNPROCESSABLE_ENTITY, json!({"detail": broken}));
            }
        }
        Some(v)
    } else {
        if !body.is_empty() {
            violation("a body where the operation takes none".into());
        }
        None
    };
    let (status, value) = behave(shared, method, &template, &params, instance);
    // The stand-in's own answer must match the documented response.
    if let Some(schema) = op["responses"][status.as_str()]["content"]["application/json"].get("schema") {
        let validator = shared.validator(schema);
        if !validator.is_valid(&value) {
            violation(format!("stand-in answer {status} does not match its response schema: {value}"));
        }
    }
    (status, value)
}

fn behave(
    shared: &Shared,
    method: &Method,
    template: &str,
    params: &HashMap<String, String>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut r = shared.register.lock().unwrap();
    let id = params.get("algorithm_id").cloned().unwrap_or_default();
    match (method.as_str(), template) {
        ("GET", "/organizations/{organisation_id}/algorithms") => {
            let list: Vec<Value> = r
                .algorithms
                .iter()
                .map(|a| {
                    json!({
                        "name": a.body.get("name"), "schema_version": "1.0", "last_update_dt": "2026-11-23T10:00:00Z",
                        "lars": a.lars, "source_id": a.body.get("source_id"), "published": a.published,
                        "current_version_released": a.state == "STATE_2" || a.state == "PUBLISHED",
                        "current_version_published": a.state == "PUBLISHED", "last_update_by": "api"
                    })
                })
                .collect();
            (StatusCode::OK, Value::Array(list))
        }
        ("POST", "/organizations/{organisation_id}/algorithms") => {
            let l = lars(r.next);
            r.next += 1;
            r.algorithms.push(Algo {
                lars: l.clone(),
                body: body.unwrap(),
                state: "STATE_1".into(),
                versions: 1,
                published: false,
            });
            (StatusCode::OK, json!({"lars_code": l}))
        }
        ("PUT", "/organizations/{organisation_id}/algorithms/{algorithm_id}") => {
            let Some(a) = r.algorithms.iter_mut().find(|a| a.lars == id) else {
                return (StatusCode::NOT_FOUND, json!({"detail": "Algorithm not found"}));
            };
            let body = body.unwrap();
            if a.body == body {
                return (StatusCode::OK, json!({"message": "NO_CHANGES"}));
            }
            a.body = body;
            a.versions += 1;
            a.state = "STATE_1".into();
            (StatusCode::OK, Value::Null)
        }
        ("PUT", "/organizations/{organisation_id}/algorithms/{algorithm_id}/release") => {
            let Some(a) = r.algorithms.iter_mut().find(|a| a.lars == id) else {
                return (StatusCode::NOT_FOUND, json!({"detail": "Algorithm not found"}));
            };
            if a.state != "STATE_1" {
                return (StatusCode::CONFLICT, json!({"detail": "Action not allowed in this state"}));
            }
            a.state = "STATE_2".into();
            (StatusCode::OK, json!({"message": "Algorithm released"}))
        }
        ("DELETE", "/organizations/{organisation_id}/published-algorithms/{algorithm_id}/retract") => {
            let Some(a) = r.algorithms.iter_mut().find(|a| a.lars == id && a.published) else {
                return (StatusCode::NOT_FOUND, json!({"detail": "Published algorithm not found"}));
            };
            a.published = false;
            if a.state == "PUBLISHED" {
                a.state = "ARCHIVED".into();
            }
            (StatusCode::OK, json!({"message": "Algorithm retracted"}))
        }
        _ => (StatusCode::NOT_IMPLEMENTED, json!({"detail": "not simulated"})),
    }
}
