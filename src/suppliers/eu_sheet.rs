//! The EU database sheet (issue 23, item 5): for a high-risk AI system deployed by a public authority, the
//! deployer-registration fields of the AI Act, Annex VIII section C (art. 49(3)), filled from the register, with
//! what is still missing per field; a page and an Excel export. A preparation sheet: the EU publishes no upload
//! interface for deployers yet, so nothing is sent anywhere.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use sqlx::PgConnection;
use time::Date;
use uuid::Uuid;

use super::deployer::{self, DeployerContact};
use crate::AppState;
use crate::applications::load;
use crate::applications::summary::{Summary, summary};
use crate::audit::{self, Actor, Event};
use crate::auth::roles::Role;
use crate::auth::session;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::access::can_edit;
use crate::register::form::{FormData, is_https_link};
use crate::register::richtext;
use crate::register::store::Stored;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{attachment, format_date, render_status};

pub const HIGH_RISK: &str = "hoog-risico AI";

/// One field of Annex VIII, section C: its number and name, the register's value, and what is missing.
pub struct SheetField {
    pub number: u8,
    pub label: &'static str,
    pub value: String,
    pub missing: Vec<String>,
}

struct Assessment {
    kind: String,
    completed_on: Option<Date>,
    outcome: Option<String>,
}

/// The latest completed assessment of one of `kinds`, as "outcome (kind, completed on)".
fn summary_of(found: &[Assessment], kinds: &[&str], names: &str) -> Option<String> {
    found.iter().find(|a| kinds.contains(&a.kind.as_str())).map(|a| {
        let text = richtext::plain_text(a.outcome.as_deref().unwrap_or(""));
        let when = a.completed_on.map(format_date).unwrap_or_default();
        format!("{text} ({names}, afgerond {when})")
    })
}

async fn assessments(conn: &mut PgConnection, app: Uuid) -> sqlx::Result<Vec<Assessment>> {
    sqlx::query_as!(
        Assessment,
        "select kind, completed_on, outcome from assessment
         where application_id = $1 and status = 'afgerond' and kind in ('iama', 'fraia', 'dpia')
         order by completed_on desc nulls last, updated_at desc",
        app
    )
    .fetch_all(&mut *conn)
    .await
}

/// What the register knows of the deployer and of who submits for it.
struct People {
    org_name: String,
    org_email: String,
    /// The registration's owner, "name <email>".
    owner: String,
    contact: Option<DeployerContact>,
}

/// The deployer (the organisation, with its address and contact) and the person who submits for it (the
/// registration's owner).
async fn people(conn: &mut PgConnection, org: Uuid, owner: Option<Uuid>) -> sqlx::Result<People> {
    let o = sqlx::query!("select name, contact_email from organisation where organisation_id = $1", org)
        .fetch_one(&mut *conn)
        .await?;
    let owner = sqlx::query_scalar!("select name || ' <' || email || '>' from app_user where user_id = $1", owner)
        .fetch_optional(&mut *conn)
        .await?
        .flatten()
        .unwrap_or_default();
    let contact = deployer::get(conn, org).await?;
    Ok(People { org_name: o.name, org_email: o.contact_email, owner, contact })
}

/// The provider's registration of the system in the EU database, as entered on the sheet.
pub async fn provider_reference(conn: &mut PgConnection, app: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("select provider_reference from application_eu_registration where application_id = $1", app)
        .fetch_optional(&mut *conn)
        .await
}

/// The roles the organisation has per the latest completed run of the AI Act decision aid; None without one.
async fn roles(conn: &mut PgConnection, app: Uuid) -> sqlx::Result<Option<Vec<String>>> {
    sqlx::query_scalar!(
        "select roles from ai_act_run where application_id = $1 and completed_at is not null
         order by completed_at desc limit 1",
        app
    )
    .fetch_optional(&mut *conn)
    .await
}

const NO_ADDRESS: &str = "Het postadres: de beheerder vult het in bij Beheer, Organisaties, Gebruiksverantwoordelijke.";

fn deployer_fields(p: &People, app: &Stored) -> [SheetField; 2] {
    let address = p
        .contact
        .as_ref()
        .map(|c| c.postal_address.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(", "));
    let contact = p.contact.as_ref().and_then(|c| c.contact.clone());
    let email = app.str("contact_email").unwrap_or(&p.org_email);
    let mut value = vec![p.org_name.clone()];
    value.extend(address.clone());
    value.push(contact.unwrap_or_else(|| email.to_string()));
    let no_address = || if address.is_none() { vec![NO_ADDRESS.to_string()] } else { Vec::new() };
    let mut missing = no_address();
    if p.owner.is_empty() {
        missing.insert(0, "De indiener: wijs bij de registratie een eigenaar aan.".into());
    }
    let mut submitter = p.owner.clone();
    if let Some(a) = &address
        && !submitter.is_empty()
    {
        submitter = format!("{submitter}, namens {}, {a}", p.org_name);
    }
    [
        SheetField {
            number: 1,
            label: "Naam, adres en contactgegevens van de gebruiksverantwoordelijke",
            value: value.join(", "),
            missing: no_address(),
        },
        SheetField {
            number: 2,
            label: "Naam, adres en contactgegevens van wie namens de gebruiksverantwoordelijke indient",
            value: submitter,
            missing,
        },
    ]
}

fn provider_field(app: &Stored, reference: Option<String>) -> SheetField {
    let provider = app.str("provider").map(|p| format!("Aanbieder: {p}"));
    let (value, missing) = match reference {
        Some(r) => (provider.map(|p| format!("{r} ({p})")).unwrap_or(r), Vec::new()),
        None => (
            provider.unwrap_or_default(),
            vec![
                "De URL of code van de aanbieder: vraag die aan de leverancier (de aanbieder registreert het systeem eerst, art. 49(1)) en vul hem hieronder in.".into(),
            ],
        ),
    };
    SheetField {
        number: 3,
        label: "URL van de registratie van het AI-systeem door de aanbieder in de EU-databank (of de unieke code)",
        value,
        missing,
    }
}

pub async fn fields(conn: &mut PgConnection, org: Uuid, app: &Stored) -> sqlx::Result<Vec<SheetField>> {
    let p = people(conn, org, app.uuid("owner_id")).await?;
    let found = assessments(conn, app.id).await?;
    let mut f: Vec<SheetField> = deployer_fields(&p, app).into();
    f.push(provider_field(app, provider_reference(conn, app.id).await?));
    let fria = summary_of(&found, &["iama", "fraia"], "IAMA/FRAIA");
    f.push(SheetField {
        number: 4,
        label: "Samenvatting van de bevindingen van de grondrechteneffectbeoordeling (art. 27)",
        missing: if fria.is_none() {
            vec!["Een afgeronde IAMA of FRAIA met de uitkomst: leg die vast onder Assessments.".into()]
        } else {
            Vec::new()
        },
        value: fria.unwrap_or_default(),
    });
    let personal = app.doc.get("personal_data").and_then(serde_json::Value::as_bool);
    let dpia = summary_of(&found, &["dpia"], "DPIA");
    let (value, missing) = match (personal, dpia) {
        (Some(false), _) => ("Niet van toepassing: de tool verwerkt geen persoonsgegevens.".to_string(), Vec::new()),
        (_, Some(d)) => (d, Vec::new()),
        (Some(true), None) => {
            (String::new(), vec!["Een afgeronde DPIA met de uitkomst: leg die vast onder Assessments.".to_string()])
        }
        (None, None) => (
            String::new(),
            vec![
                "Of de tool persoonsgegevens verwerkt (registratie, Gegevens), en zo ja een afgeronde DPIA."
                    .to_string(),
            ],
        ),
    };
    f.push(SheetField {
        number: 5,
        label: "Samenvatting van de gegevensbeschermingseffectbeoordeling (art. 35 AVG of art. 27 Richtlijn 2016/680), waar van toepassing",
        value,
        missing,
    });
    Ok(f)
}

/// Whether the organisation deploys the system per the decision aid: what the sheet says about it.
pub enum Deployer {
    /// The latest completed run gives the role gebruiksverantwoordelijke.
    Yes,
    /// It gives other roles only (listed).
    No(String),
    /// The decision aid has not been completed.
    Unknown,
}

pub const DEPLOYER: &str = "gebruiksverantwoordelijke";

pub fn deployer_of(roles: Option<Vec<String>>) -> Deployer {
    match roles {
        None => Deployer::Unknown,
        Some(r) if r.iter().any(|x| x == DEPLOYER) => Deployer::Yes,
        Some(r) if r.is_empty() => Deployer::No("geen rol".to_string()),
        Some(r) => Deployer::No(r.join(", ")),
    }
}

#[derive(Template)]
#[template(path = "suppliers/eu_sheet.html")]
pub struct SheetPage {
    pub layout: Layout,
    pub app: Summary,
    pub high_risk: bool,
    pub deployer: Deployer,
    pub fields: Vec<SheetField>,
    pub missing_count: usize,
    /// The form for the provider's registration: who may fill it in, its value and refusal.
    pub may_edit: bool,
    pub reference: String,
    pub errors: FormErrors,
    /// Whether the organisation's beheerder is looking (the address form is theirs).
    pub beheerder: bool,
    pub organisation_id: Uuid,
}

async fn sheet(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    reference: Option<String>,
    errors: FormErrors,
) -> AppResult<SheetPage> {
    let (org, stored) = load(state, user, id).await?;
    let high_risk = stored.str("ai_act_risk_group") == Some(HIGH_RISK);
    let mut conn = state.pool.acquire().await?;
    let fields = if high_risk { fields(&mut conn, org, &stored).await? } else { Vec::new() };
    let reference = match reference {
        Some(r) => r,
        None => provider_reference(&mut conn, id).await?.unwrap_or_default(),
    };
    let app = summary(user, &stored);
    Ok(SheetPage {
        layout: Layout::for_user(user, &format!("EU-databank – {}", app.name), "/register")
            .with_errors(!errors.is_empty()),
        missing_count: fields.iter().filter(|f| !f.missing.is_empty()).count(),
        deployer: deployer_of(roles(&mut conn, id).await?),
        may_edit: can_edit(user, &stored),
        beheerder: user.has_role(Role::Beheerder),
        organisation_id: org,
        app,
        high_risk,
        fields,
        reference,
        errors,
    })
}

#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    render_status(StatusCode::OK, &sheet(&state, &user, id, None, FormErrors::new()).await?)
}

pub const REFERENCE_CHANGED: &str = "application.eu_database_ref";

/// The provider's URL or code as typed: up to 300 characters; a web address must be https.
pub fn read_reference(value: &str, errors: &mut FormErrors) -> Option<String> {
    let v = errors.optional("provider_reference", "de registratie van de aanbieder", value, 300);
    if v.to_lowercase().starts_with("http") && !is_https_link(&v) && errors.get("provider_reference").is_none() {
        errors.add(
            "provider_reference",
            "Vul bij registratie van de aanbieder een adres in dat begint met https://, of de code.",
        );
    }
    Some(v).filter(|v| !v.is_empty())
}

/// Saves (or, empty, clears) the provider's EU database registration of the system, with an audit event.
#[tracing::instrument(skip_all)]
pub async fn save_reference(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let (org, stored) = load(&state, &user, id).await?;
    if !can_edit(&user, &stored) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, application_id = %id, action = "eu_database_ref", "EU reference refused");
        return Err(AppError::Forbidden);
    }
    let input = FormData::parse(&body);
    let mut errors = FormErrors::new();
    let new = read_reference(input.get("provider_reference"), &mut errors);
    if !errors.is_empty() {
        let page = sheet(&state, &user, id, Some(input.get("provider_reference").to_string()), errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let mut tx = state.pool.begin().await?;
    let before = provider_reference(&mut tx, id).await?;
    if before != new {
        match &new {
            Some(r) => sqlx::query!(
                "insert into application_eu_registration (application_id, provider_reference) values ($1, $2)
                 on conflict (application_id) do update set provider_reference = excluded.provider_reference, updated_at = now()",
                id,
                r
            )
            .execute(&mut *tx)
            .await?,
            None => sqlx::query!("delete from application_eu_registration where application_id = $1", id).execute(&mut *tx).await?,
        };
        let actor = Actor::from(&user);
        let event = Event::about(Some(org), &actor, REFERENCE_CHANGED, ("application", id))
            .change(Some(json!({ "eu_database_ref": before })), Some(json!({ "eu_database_ref": new })));
        audit::record(&mut tx, event).await?;
    }
    tx.commit().await?;
    let done = if new.is_some() {
        "De registratie van de aanbieder is opgeslagen."
    } else {
        "De registratie van de aanbieder is gewist."
    };
    session::flash_redirect(&state.pool, &user, done, &format!("/register/{id}/eu-databank")).await
}

/// The sheet as a workbook: the fields down the first column, then the value and what is missing.
#[tracing::instrument(skip_all)]
pub async fn export(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (org, stored) = load(&state, &user, id).await?;
    if stored.str("ai_act_risk_group") != Some(HIGH_RISK) {
        return Err(AppError::NotFound);
    }
    let fields = fields(&mut *state.pool.acquire().await?, org, &stored).await?;
    let mut rows = vec![
        vec![
            "Voorbereidingsblad EU-databank (AI-verordening, bijlage VIII, afdeling C)".to_string(),
            stored.name().to_string(),
            "Nog aan te vullen".to_string(),
        ],
        vec![
            "Let op".to_string(),
            "Voorbereiding: de EU heeft nog geen koppeling voor gebruiksverantwoordelijken gepubliceerd.".to_string(),
        ],
    ];
    let role = match deployer_of(roles(&mut *state.pool.acquire().await?, id).await?) {
        Deployer::Yes => "Gebruiksverantwoordelijke".to_string(),
        Deployer::No(r) => format!("Geen gebruiksverantwoordelijke ({r}): dit blad geldt niet"),
        Deployer::Unknown => "Beslishulp nog niet afgerond".to_string(),
    };
    rows.push(vec!["Rol volgens de beslishulp AI-verordening".to_string(), role]);
    rows.extend(
        fields.iter().map(|f| vec![format!("{}. {}", f.number, f.label), f.value.clone(), f.missing.join("\n")]),
    );
    let book = crate::publication::xlsx::workbook("EU-databank", &rows)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("EU sheet workbook: {e}")))?;
    attachment(
        &format!("EU-databank {}.xlsx", stored.name()),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        book,
    )
}
