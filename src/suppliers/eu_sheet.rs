//! The EU database sheet (issue 23, item 5): for a high-risk AI system deployed by a public authority, the
//! deployer-registration fields of the AI Act, Annex VIII section C (art. 49(3)), filled from the register, with
//! what is still missing per field; a page and an Excel export. A preparation sheet: the EU publishes no upload
//! interface for deployers yet, so nothing is sent anywhere.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::PgConnection;
use time::Date;
use uuid::Uuid;

use crate::AppState;
use crate::applications::load;
use crate::applications::summary::{Summary, summary};
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::richtext;
use crate::register::store::Stored;
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

/// The deployer (the organisation) and the person who submits for it (the registration's owner).
async fn people(conn: &mut PgConnection, org: Uuid, owner: Option<Uuid>) -> sqlx::Result<(String, String, String)> {
    let o = sqlx::query!("select name, contact_email from organisation where organisation_id = $1", org)
        .fetch_one(&mut *conn)
        .await?;
    let owner = sqlx::query_scalar!("select name || ' <' || email || '>' from app_user where user_id = $1", owner)
        .fetch_optional(&mut *conn)
        .await?
        .flatten()
        .unwrap_or_default();
    Ok((o.name, o.contact_email, owner))
}

const NO_ADDRESS: &str = "Het postadres: het register kent geen adressen; vul het in bij het indienen.";

pub async fn fields(conn: &mut PgConnection, org: Uuid, app: &Stored) -> sqlx::Result<Vec<SheetField>> {
    let (org_name, org_email, owner) = people(conn, org, app.uuid("owner_id")).await?;
    let found = assessments(conn, app.id).await?;
    let mut f = Vec::new();
    f.push(SheetField {
        number: 1,
        label: "Naam, adres en contactgegevens van de gebruiksverantwoordelijke",
        value: format!("{org_name}, {}", app.str("contact_email").unwrap_or(&org_email)),
        missing: vec![NO_ADDRESS.to_string()],
    });
    let mut missing = vec![NO_ADDRESS.to_string()];
    if owner.is_empty() {
        missing.insert(0, "De indiener: wijs bij de registratie een eigenaar aan.".into());
    }
    f.push(SheetField {
        number: 2,
        label: "Naam, adres en contactgegevens van wie namens de gebruiksverantwoordelijke indient",
        value: owner,
        missing,
    });
    f.push(SheetField {
        number: 3,
        label: "URL van de registratie van het AI-systeem door de aanbieder in de EU-databank (of de unieke code)",
        value: app.str("provider").map(|p| format!("Aanbieder: {p}")).unwrap_or_default(),
        missing: vec![
            "De URL of code van de aanbieder: vraag die aan de leverancier (de aanbieder registreert het systeem eerst, art. 49(1)).".into(),
        ],
    });
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

#[derive(Template)]
#[template(path = "suppliers/eu_sheet.html")]
pub struct SheetPage {
    pub layout: Layout,
    pub app: Summary,
    pub high_risk: bool,
    pub fields: Vec<SheetField>,
    pub missing_count: usize,
}

#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (org, stored) = load(&state, &user, id).await?;
    let high_risk = stored.str("ai_act_risk_group") == Some(HIGH_RISK);
    let fields = if high_risk { fields(&mut *state.pool.acquire().await?, org, &stored).await? } else { Vec::new() };
    let app = summary(&user, &stored);
    let page = SheetPage {
        layout: Layout::for_user(&user, &format!("EU-databank – {}", app.name), "/register"),
        missing_count: fields.iter().filter(|f| !f.missing.is_empty()).count(),
        app,
        high_risk,
        fields,
    };
    render_status(StatusCode::OK, &page)
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
