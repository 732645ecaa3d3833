//! The API's endpoints. Each reuses the web's domain code and guards: the register list's search and filters,
//! the registration form's validation (so a draft made through the API is checked exactly like one typed
//! into the form), the workflow's gates, the publication export.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::ApiUser;
use super::problem::{ApiResult, FieldError, Problem};
use crate::AppState;
use crate::applications::{load, organisation};
use crate::audit::Actor;
use crate::publication::export::Format;
use crate::register::fields::{FIELDS, Kind, WORKFLOW_STATUS};
use crate::register::form::FormData;
use crate::register::gates::{self, Stage};
use crate::register::lifecycle::{self, Ctx, Draft};
use crate::register::rasci::LETTERS;
use crate::register::search::{self, ListFilter, PAGE_SIZE};
use crate::register::store::{self, Stored};
use crate::web::forms::FormErrors;

/// Who the token belongs to, and what it may do.
pub async fn me(api: ApiUser) -> Json<Value> {
    let org = api.user.organisation.as_ref();
    Json(json!({
        "user_id": api.user.user_id,
        "name": api.user.name,
        "email": api.user.email,
        "organisation": org.map(|o| json!({ "id": o.id, "name": o.name, "code": o.code })),
        "roles": api.user.roles().iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "can_write": api.can_write,
    }))
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The register list with the web's search, filters and sorting, 25 per page.
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = query.map_err(query_problem)?;
    let f = to_filter(q)?;
    let org = organisation(&api.user)?;
    let (rows, total) = search::list(&state.pool, org, &f).await?;
    let page = f.pagina.unwrap_or(1).clamp(1, 100_000);
    let items: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            json!({
                "id": r.application_id,
                "name": r.name,
                "description_short": crate::register::richtext::plain_text(&r.description_short),
                "provider": r.provider,
                "workflow_status": r.workflow_status,
                "risk_level": r.risk_level,
                "ai_act_risk_group": r.ai_act_risk_group,
                "department": r.department,
                "next_evaluation": r.next_evaluation.map(|d| d.to_string()),
                "suspended": r.suspension_reason.is_some(),
                "updated_at": rfc3339(r.updated_at),
            })
        })
        .collect();
    Ok(Json(json!({
        "items": items,
        "total": total,
        "page": page,
        "page_size": PAGE_SIZE,
        "pages": ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })))
}

/// A query string that does not fit: an unknown parameter (named), or a number that is not one. The
/// framework's own (English) text is not passed on.
fn query_problem(e: QueryRejection) -> Problem {
    let text = e.body_text();
    let unknown = text
        .split_once("unknown field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(name, _)| name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(50).collect::<String>());
    let detail = match unknown {
        Some(name) => format!("Onbekende parameter `{name}`. Zie openapi.json voor de parameters die er zijn."),
        None => "De zoekparameters kloppen niet: een waarde van het verkeerde soort (pagina is een getal).".to_string(),
    };
    Problem::bad_request(detail)
}

/// The list's query parameters. Unlike the web's forms (where "Alle" sends an empty value), an empty or
/// unknown value of a choice is an error here: an API says so instead of silently ignoring a filter. An
/// empty search text or department means no filter.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    risico: Option<String>,
    ai_act: Option<String>,
    afdeling: Option<String>,
    gebruik: Option<String>,
    persoonsgegevens: Option<String>,
    evaluatie: Option<String>,
    toets: Option<String>,
    incident: Option<String>,
    maand: Option<String>,
    sorteer: Option<String>,
    pagina: Option<u32>,
}

/// The values of the register's filters beyond the field catalogue's (shared with the OpenAPI document).
pub const RISICO: &[&str] = &["laag", "middel", "hoog", "onbekend"];
pub const EVALUATIE: &[&str] = &["verlopen", "binnenkort", "later", "geen"];
pub const TOETS: &[&str] = &["dpia_ontbreekt", "dpia_gedaan", "iama_ontbreekt", "iama_gedaan"];
pub const INCIDENT: &[&str] = &["open", "kritiek", "hoog", "middel", "laag"];
pub const SORTEER: &[&str] = &["naam", "risico", "evaluatie", "gewijzigd"];

fn to_filter(q: ListQuery) -> ApiResult<ListFilter> {
    use crate::register::fields::{AI_ACT_RISK_GROUPS, USE_CATEGORIES};
    let mut wrong: Vec<FieldError> = Vec::new();
    let mut take = |name: &str, v: Option<String>, allowed: Option<Vec<&str>>, max: usize| -> String {
        let Some(v) = v else { return String::new() };
        let fits =
            !v.is_empty() && v.chars().count() <= max && allowed.as_ref().is_none_or(|a| a.contains(&v.as_str()));
        if !fits {
            let message = match &allowed {
                Some(a) => format!("Lege of onbekende waarde voor `{name}`; toegestaan: {}.", a.join(", ")),
                None => format!("Lege of te lange waarde voor `{name}` (hoogstens {max} tekens)."),
            };
            wrong.push(FieldError { field: name.to_string(), message });
        }
        v
    };
    let opts = |o: &[crate::register::fields::Opt]| Some(o.iter().map(|o| o.value).collect::<Vec<_>>());
    let f = ListFilter {
        q: take("q", q.q.filter(|v| !v.is_empty()), None, 200),
        status: take("status", q.status, opts(WORKFLOW_STATUS), 100),
        risico: take("risico", q.risico, Some(RISICO.to_vec()), 100),
        ai_act: take(
            "ai_act",
            q.ai_act,
            opts(AI_ACT_RISK_GROUPS).map(|mut v| {
                v.push("onbekend");
                v
            }),
            100,
        ),
        afdeling: take("afdeling", q.afdeling.filter(|v| !v.is_empty()), None, 200),
        gebruik: take("gebruik", q.gebruik, opts(USE_CATEGORIES), 100),
        persoonsgegevens: take("persoonsgegevens", q.persoonsgegevens, Some(vec!["ja", "nee"]), 100),
        evaluatie: take("evaluatie", q.evaluatie, Some(EVALUATIE.to_vec()), 100),
        sorteer: take("sorteer", q.sorteer, Some(SORTEER.to_vec()), 100),
        toets: take("toets", q.toets, Some(TOETS.to_vec()), 100),
        incident: take("incident", q.incident, Some(INCIDENT.to_vec()), 100),
        maand: take("maand", q.maand, None, 7),
        pagina: q.pagina,
    };
    if !f.maand.is_empty() && !crate::register::form::is_month(&f.maand) {
        wrong.push(FieldError { field: "maand".into(), message: "`maand` is een maand als jjjj-mm.".into() });
    }
    if f.pagina.is_some_and(|p| !(1..=100_000).contains(&p)) {
        wrong.push(FieldError { field: "pagina".into(), message: "`pagina` ligt tussen 1 en 100000.".into() });
    }
    if wrong.is_empty() {
        return Ok(f);
    }
    let mut p = Problem::bad_request("Een zoekparameter heeft een waarde die niet bestaat.");
    p.errors = wrong;
    Err(p)
}

/// A registration as the API shows it: bookkeeping, the catalogue's fields, the RASCI.
pub fn representation(app: &Stored) -> Value {
    let doc = &app.doc;
    let fields: Map<String, Value> =
        FIELDS.iter().map(|f| (f.key.to_string(), doc.get(f.key).cloned().unwrap_or(Value::Null))).collect();
    let rasci: Vec<Value> = app
        .rasci
        .iter()
        .map(|r| json!({ "letter": r.letter.to_string(), "user_id": r.user_id, "function": r.function_name }))
        .collect();
    let get = |k: &str| doc.get(k).cloned().unwrap_or(Value::Null);
    json!({
        "id": app.id,
        "version": app.version,
        "workflow_status": app.status.as_str(),
        "workflow_status_label": app.status.label(),
        "risk_level": get("risk_level"),
        "suspension_reason": get("suspension_reason"),
        "created_at": get("created_at"),
        "updated_at": get("updated_at"),
        "submitted_at": get("submitted_at"),
        "fields": fields,
        "rasci": rasci,
    })
}

fn app_id(path: Result<Path<Uuid>, PathRejection>) -> ApiResult<Uuid> {
    path.map(|Path(id)| id).map_err(|_| Problem::not_found())
}

#[tracing::instrument(skip_all)]
pub async fn read(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let (_, app) = load(&state, &api.user, app_id(path)?).await?;
    Ok(Json(representation(&app)))
}

/// The JSON body of a new draft, as form pairs for the form's own validation, and the values that do not fit
/// their field's JSON type (named per field). Those are left out, so the form's own checks can still report
/// the other fields in the same answer.
pub fn form_from_json(body: &Value) -> (FormData, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: String| errors.push(FieldError { field: field.to_string(), message });
    let Some(obj) = body.as_object() else {
        err("", "De body moet een JSON-object zijn met `fields` (en eventueel `rasci`).".into());
        return (FormData::from_pairs(Vec::new()), errors);
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for key in obj.keys().filter(|k| !matches!(k.as_str(), "fields" | "rasci")) {
        err(key, format!("Onbekend veld `{key}`: alleen `fields` en `rasci` zijn toegestaan."));
    }
    let empty = Map::new();
    let fields = match obj.get("fields") {
        Some(Value::Object(m)) => m,
        None => &empty,
        Some(_) => {
            err("fields", "`fields` moet een JSON-object zijn.".into());
            &empty
        }
    };
    for (key, value) in fields {
        let Some(def) = FIELDS.iter().find(|f| f.key == key) else {
            err(key, format!("Onbekend veld `{key}`. De velden staan in het OpenAPI-document (ApplicationFields)."));
            continue;
        };
        let label = def.label;
        match (def.kind, value) {
            (_, Value::Null) => {}
            (Kind::YesNo, Value::Bool(b)) => pairs.push((key.clone(), if *b { "ja" } else { "nee" }.into())),
            (Kind::YesNo, _) => err(key, format!("{label}: geef true of false.")),
            (Kind::Multi(_), Value::Array(items)) => {
                for item in items {
                    match item.as_str() {
                        Some(s) => pairs.push((key.clone(), s.to_string())),
                        None => err(key, format!("{label}: geef een lijst met tekstwaarden.")),
                    }
                }
            }
            (Kind::Multi(_), _) => err(key, format!("{label}: geef een lijst met tekstwaarden.")),
            (Kind::References { .. }, Value::Array(items)) => {
                for item in items {
                    let title = item.get("title").and_then(Value::as_str).filter(|t| !t.trim().is_empty());
                    let link = match item.get("link") {
                        None => Some(""),
                        Some(Value::String(l)) if !l.is_empty() => Some(l.as_str()),
                        Some(_) => None,
                    };
                    let extra = item.as_object().is_none_or(|o| o.keys().any(|k| k != "title" && k != "link"));
                    let (Some(title), Some(link), false) = (title, link, extra) else {
                        err(
                            key,
                            format!(
                                "{label}: elke verwijzing is een object met `title` (tekst) en eventueel `link` (https://)."
                            ),
                        );
                        continue;
                    };
                    pairs.push((format!("{key}_title"), title.to_string()));
                    pairs.push((format!("{key}_link"), link.to_string()));
                }
            }
            (Kind::References { .. }, _) => err(key, format!("{label}: geef een lijst met verwijzingen.")),
            // The form trims what it receives; an API client sends exactly what it means.
            (Kind::Text { .. }, Value::String(s)) if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
                err(key, format!("{label} bevat tekens die niet zijn toegestaan (stuurtekens)."))
            }
            (Kind::Text { .. } | Kind::RichText { .. }, Value::String(s)) => pairs.push((key.clone(), s.clone())),
            (_, Value::String(s)) if s.trim().is_empty() => {
                err(key, format!("{label}: geef een waarde, of null voor een leeg veld."))
            }
            (_, Value::String(s)) => pairs.push((key.clone(), s.clone())),
            (_, _) => err(key, format!("{label}: geef een tekst.")),
        }
    }
    match obj.get("rasci") {
        None => {}
        Some(Value::Array(entries)) => {
            let accountable = entries.iter().filter(|e| e.get("letter").and_then(Value::as_str) == Some("A")).count();
            if accountable > 1 {
                err("rasci", "RASCI: er is precies één Accountable (letter A).".into());
            }
            for (i, e) in entries.iter().enumerate() {
                let letter = e.get("letter").and_then(Value::as_str).unwrap_or("");
                let Some(l) = LETTERS.iter().find(|l| l.to_string() == letter) else {
                    err("rasci", format!("RASCI, regel {}: `letter` moet R, A, S, C of I zijn.", i + 1));
                    continue;
                };
                let extra = e
                    .as_object()
                    .is_none_or(|o| o.keys().any(|k| !matches!(k.as_str(), "letter" | "user_id" | "function")));
                match (e.get("user_id"), e.get("function")) {
                    (Some(Value::String(u)), None) if !extra && !u.trim().is_empty() => {
                        pairs.push((format!("rasci_{l}_user"), u.to_string()))
                    }
                    (None, Some(Value::String(f))) if !extra && is_function_name(f) => {
                        pairs.push((format!("rasci_{l}_function"), f.to_string()))
                    }
                    _ => err(
                        "rasci",
                        format!(
                            "RASCI, regel {}: geef óf `user_id` (een medewerker) óf `function` (een functienaam van hoogstens 100 tekens, één regel).",
                            i + 1
                        ),
                    ),
                }
            }
        }
        Some(_) => err("rasci", "`rasci` moet een lijst zijn.".into()),
    }
    // Several functions for one letter are one textarea in the form, a line each.
    let mut merged: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        match merged.iter_mut().find(|(mk, _)| k.ends_with("_function") && *mk == k) {
            Some((_, existing)) => {
                existing.push('\n');
                existing.push_str(&v);
            }
            None => merged.push((k, v)),
        }
    }
    (FormData::from_pairs(merged), errors)
}

/// A RASCI function as one line of visible text of at most 100 characters.
fn is_function_name(f: &str) -> bool {
    !f.trim().is_empty() && f.chars().count() <= 100 && !f.chars().any(char::is_control)
}

/// Create a draft (concept): the registration form's validation, its audit event, the caller as owner.
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    api: ApiUser,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    api.require_write()?;
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Verkeerd soort body",
            "Stuur de registratie als JSON, met Content-Type: application/json.",
        ));
    }
    let user = &api.user;
    let org = organisation(user)?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        Problem::bad_request(format!("De body is geen geldige JSON (regel {}, kolom {}).", e.line(), e.column()))
    })?;
    let (form, mut list) = form_from_json(&value);
    if list.iter().any(|e| e.field.is_empty()) {
        return Err(Problem::invalid(list));
    }
    let members = store::members(&state.pool, org).await?;
    let validated = Draft::validate(&form, &members);
    // A field already named for its JSON type is not named again (e.g. as missing).
    for (f, m) in validated.as_ref().err().into_iter().flat_map(FormErrors::iter) {
        let field = field_name(f);
        if !list.iter().any(|e| e.field == field) {
            list.push(FieldError { field, message: api_message(f, m) });
        }
    }
    let mut draft = match validated {
        Ok(draft) if list.is_empty() => draft,
        _ => return Err(Problem::invalid(list)),
    };
    draft.owned_by_default(user.user_id);
    // As the web form shows them before saving: a client can warn about a possible duplicate.
    let similar = search::similar(&state.pool, org, draft.name(), None).await?;
    let actor = Actor::from(user);
    let ctx = Ctx { org, actor: &actor, members: &members };
    let mut tx = state.pool.begin().await?;
    let stored = lifecycle::create(&mut tx, &ctx, Some(user.user_id), &draft, false).await?;
    tx.commit().await?;
    tracing::info!(event = "application_created", actor = %user.user_id, application_id = %stored.id, via = "api", "application registered");
    let mut body = representation(&stored);
    body["similar"] = similar
        .iter()
        .map(|s| json!({ "id": s.application_id, "name": s.name, "workflow_status": s.workflow_status, "provider": s.provider }))
        .collect();
    let mut resp = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/applications/{}", stored.id)) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// The form's message, with the values a choice field takes: a client cannot see the form's options.
fn api_message(key: &str, message: &str) -> String {
    let options = FIELDS.iter().find(|f| f.key == key).and_then(|f| match f.kind {
        Kind::Choice(o) | Kind::Multi(o) => Some(o),
        _ => None,
    });
    match options {
        Some(o) if message.starts_with("Kies") => {
            format!("{message} Toegestaan: {}.", o.iter().map(|o| o.value).collect::<Vec<_>>().join(", "))
        }
        _ => message.to_string(),
    }
}

/// The form's error keys, as the API's field names (`rasci_A` → `rasci`).
fn field_name(key: &str) -> String {
    if key.starts_with("rasci_") { "rasci".into() } else { key.to_string() }
}

#[derive(sqlx::FromRow)]
struct Event {
    kind: String,
    value: String,
    note: Option<String>,
    by: Option<String>,
    at: OffsetDateTime,
    current: bool,
}

/// Where a registration stands: status, the gates at submission and approval, decisions, advice, consent
/// and evaluations.
#[tracing::instrument(skip_all)]
pub async fn workflow(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Value>> {
    let (_, app) = load(&state, &api.user, app_id(path)?).await?;
    let mut conn = state.pool.acquire().await?;
    let facts = crate::register::facts::load(&mut conn, &app).await?;
    let gate_list = |stage| -> Vec<Value> {
        gates::evaluate(&facts, stage)
            .into_iter()
            .map(|(gate, open)| json!({ "gate": gate, "satisfied": open.is_none(), "missing": open }))
            .collect()
    };
    let events: Vec<Event> = sqlx::query_as!(
        Event,
        r#"with round as (select coalesce(submitted_at, '-infinity') as since from application where application_id = $1)
         select 'decision' as "kind!", d.decision as "value!", d.note as "note?", u.name as "by?",
                d.decided_at as "at!", true as "current!"
           from review_decision d left join app_user u on u.user_id = d.decided_by where d.application_id = $1
         union all
         select 'fg_advice', v.advice, v.note, u.name, v.given_at, v.given_at >= (select since from round)
           from fg_advice v left join app_user u on u.user_id = v.given_by where v.application_id = $1
         union all
         select 'consent', case when c.consent then 'ja' else 'nee' end, c.note, u.name, c.given_at,
                c.given_at >= (select since from round)
           from management_consent c left join app_user u on u.user_id = c.given_by where c.application_id = $1
         union all
         select 'evaluation', e.outcome, e.note, u.name, e.created_at, true
           from evaluation e left join app_user u on u.user_id = e.evaluated_by where e.application_id = $1
         order by 5 desc"#,
        app.id
    )
    .fetch_all(&mut *conn)
    .await?;
    let of_kind = |kind: &str| -> Vec<Value> {
        events
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| {
                json!({ "value": e.value, "note": e.note, "by": e.by, "at": rfc3339(e.at), "current_round": e.current })
            })
            .collect()
    };
    let status = app.status;
    // What the registration form says is still needed before submitting (fields and gates), as the web shows it.
    let missing: Vec<Value> = if status.is_submittable() {
        crate::register::facts::submission_missing(&mut conn, &app)
            .await?
            .into_iter()
            .map(|m| json!({ "field": m.anchor, "message": m.text }))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Json(json!({
        "submission_missing": missing,
        "id": app.id,
        "version": app.version,
        "workflow_status": status.as_str(),
        "workflow_status_label": status.label(),
        "submitted_at": app.doc.get("submitted_at").cloned().unwrap_or(Value::Null),
        "suspended": app.str("suspension_reason").is_some(),
        "suspension_reason": app.str("suspension_reason"),
        "next_evaluation": app.str("next_evaluation"),
        "risk_level": app.str("risk_level"),
        "gates": { "submission": gate_list(Stage::Submission), "approval": gate_list(Stage::Approval) },
        "decisions": of_kind("decision"),
        "fg_advice": of_kind("fg_advice"),
        "consent": of_kind("consent"),
        "evaluations": of_kind("evaluation"),
    })))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ExportQuery {
    format: Option<String>,
}

fn export_format(q: Result<Query<ExportQuery>, QueryRejection>) -> ApiResult<Format> {
    let Query(q) = q.map_err(query_problem)?;
    let f = q.format.as_deref().unwrap_or("algoritmeregister-json");
    Format::parse(f).ok_or_else(|| {
        Problem::bad_request("Onbekend formaat: kies algoritmeregister-json, csv of xlsx (parameter `format`).")
    })
}

fn file(name: &str, format: Format, bytes: Vec<u8>) -> ApiResult<Response> {
    crate::web::attachment(name, format.media_type(), bytes).map_err(Problem::from)
}

/// The register export for the national Algoritmeregister (CISO and administrator, as in the web).
#[tracing::instrument(skip_all)]
pub async fn export_register(
    State(state): State<AppState>,
    api: ApiUser,
    q: Result<Query<ExportQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let format = export_format(q)?;
    let (name, bytes) = crate::publication::files::register_file(&state, &api.user, format).await?;
    file(&name, format, bytes)
}

/// One registration's export; 422 with the register's objections when it would be refused.
#[tracing::instrument(skip_all)]
pub async fn export_one(
    State(state): State<AppState>,
    api: ApiUser,
    path: Result<Path<Uuid>, PathRejection>,
    q: Result<Query<ExportQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let id = app_id(path)?;
    let format = export_format(q)?;
    match crate::publication::files::one_file(&state, &api.user, id, format).await? {
        Ok((name, bytes)) => file(&name, format, bytes),
        Err((_, problems)) => {
            let mut p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Niet publiceerbaar",
                "Het Algoritmeregister zou deze beschrijving weigeren; los eerst deze punten op.",
            );
            p.errors = problems.into_iter().map(|m| FieldError { field: String::new(), message: m }).collect();
            Err(p)
        }
    }
}
