//! Supplier records (issue 23, item 4): the list, one supplier with its registrations, a new one and changes
//! (CISO and beheerder), and the report of how the free-text suppliers of registrations were matched to
//! records. Everyone in the organisation reads them; the registration's page links to its record. Beside them,
//! the EU database sheet of a high-risk system (`eu_sheet`, issue 23 item 5).

pub mod deployer;
pub mod documents;
pub mod eu_sheet;
pub mod forms;
mod views;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use uuid::Uuid;

use self::views::{Expiry, MatchView, SupplierView, expiries};
use crate::AppState;
use crate::audit::Actor;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::fields::DATA_LOCATIONS;
use crate::register::form::FormData;
use crate::register::suppliers::{self as store, Linked, Refused, SupplierInput};
use crate::web::forms::{FormErrors, OptView};
use crate::web::layout::Layout;
use crate::web::render_status;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leveranciers", get(list).post(create))
        .route("/leveranciers/nieuw", get(new))
        .route("/leveranciers/koppeling", get(report))
        .route("/leveranciers/{id}", get(show).post(update))
        .route("/leveranciers/{id}/bewerken", get(edit))
        .route(
            "/leveranciers/{id}/documenten",
            post(documents::upload).layer(DefaultBodyLimit::max(crate::web::multipart::MAX_UPLOAD_BODY)),
        )
        .route("/leveranciers/{id}/documenten/{slot}", get(documents::download))
        .route("/leveranciers/{id}/documenten/{slot}/verwijderen", post(documents::remove))
        .route("/beheer/organisaties/{id}/gebruiksverantwoordelijke", get(deployer::edit).post(deployer::save))
        .route("/register/{id}/eu-databank", get(eu_sheet::page).post(eu_sheet::save_reference))
        .route("/register/{id}/eu-databank.xlsx", get(eu_sheet::export))
}

/// The CISO (who judges the agreements) and the beheerder keep the records.
pub fn may_edit(user: &CurrentUser) -> bool {
    user.has_role(Role::Ciso) || user.has_role(Role::Beheerder)
}

pub(crate) fn organisation(user: &CurrentUser) -> AppResult<Uuid> {
    user.organisation_id().ok_or(AppError::Forbidden)
}

pub(crate) fn editor(user: &CurrentUser, action: &str) -> AppResult<Uuid> {
    if may_edit(user) {
        organisation(user)
    } else {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, action, "supplier change refused");
        Err(AppError::Forbidden)
    }
}

#[derive(Template)]
#[template(path = "suppliers/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub suppliers: Vec<SupplierView>,
    pub expiring: Vec<Expiry>,
    pub unlinked: Vec<(Uuid, String, String)>,
    pub may_edit: bool,
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = organisation(&user)?;
    let mut conn = state.pool.acquire().await?;
    let suppliers = store::list(&mut conn, org, None).await?;
    let unlinked = store::unlinked(&mut conn, org).await?;
    render_status(
        StatusCode::OK,
        &ListPage {
            layout: Layout::for_user(&user, "Leveranciers", "/leveranciers"),
            expiring: expiries(&suppliers),
            suppliers: suppliers.iter().map(SupplierView::from).collect(),
            unlinked,
            may_edit: may_edit(&user),
        },
    )
}

#[derive(Template)]
#[template(path = "suppliers/show.html")]
pub struct ShowPage {
    pub layout: Layout,
    pub supplier: SupplierView,
    pub expiring: Vec<Expiry>,
    pub applications: Vec<Linked>,
    pub may_edit: bool,
    /// The uploaded agreement and certificates.
    pub documents: Vec<documents::StoredDoc>,
    /// The upload form: the kind of document, and its refusals.
    pub slots: Vec<OptView>,
    pub errors: FormErrors,
}

/// The supplier's page; `slot` and `errors` are the upload form's (empty when it was not sent).
pub(crate) async fn show_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    slot: &str,
    errors: FormErrors,
) -> AppResult<ShowPage> {
    let org = organisation(user)?;
    let mut conn = state.pool.acquire().await?;
    let s = store::get(&mut conn, org, id).await?.ok_or(AppError::NotFound)?;
    let applications = store::applications(&mut conn, org, id).await?;
    Ok(ShowPage {
        layout: Layout::for_user(user, &s.input.name, "/leveranciers").with_errors(!errors.is_empty()),
        expiring: expiries(std::slice::from_ref(&s)),
        supplier: SupplierView::from(&s),
        applications,
        may_edit: may_edit(user),
        documents: documents::of_supplier(&mut conn, org, id).await?,
        slots: documents::choices(slot),
        errors,
    })
}

#[tracing::instrument(skip_all)]
pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    render_status(StatusCode::OK, &show_page(&state, &user, id, "", FormErrors::new()).await?)
}

#[derive(Template)]
#[template(path = "suppliers/form.html")]
pub struct FormPage {
    pub layout: Layout,
    /// None for a new record.
    pub id: Option<Uuid>,
    pub version: i32,
    pub input: FormData,
    pub errors: FormErrors,
    pub locations: Vec<OptView>,
    pub training: Vec<OptView>,
}

fn form_page(user: &CurrentUser, id: Option<Uuid>, version: i32, input: FormData, errors: FormErrors) -> FormPage {
    let title = if id.is_some() { "Leverancier wijzigen" } else { "Nieuwe leverancier" };
    let locations: Vec<(&str, &str)> = DATA_LOCATIONS.iter().map(|o| (o.value, o.label)).collect();
    FormPage {
        layout: Layout::for_user(user, title, "/leveranciers").with_errors(!errors.is_empty()),
        id,
        version,
        locations: input.choices("data_location", &locations),
        training: input.choices("training_opt_out", &[("ja", "Ja, uitgeschakeld"), ("nee", "Nee")]),
        input,
        errors,
    }
}

#[tracing::instrument(skip_all)]
pub async fn new(user: CurrentUser) -> AppResult<Response> {
    editor(&user, "create_supplier")?;
    render_status(StatusCode::OK, &form_page(&user, None, 0, FormData::default(), FormErrors::new()))
}

#[tracing::instrument(skip_all)]
pub async fn edit(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = editor(&user, "update_supplier")?;
    let mut conn = state.pool.acquire().await?;
    let s = store::get(&mut conn, org, id).await?.ok_or(AppError::NotFound)?;
    render_status(StatusCode::OK, &form_page(&user, Some(id), s.version, forms::to_form(&s.input), FormErrors::new()))
}

/// The refusal of a save by what is stored, as a field error (the same name) or the page's answer.
pub fn refusal(r: Refused) -> Result<FormErrors, AppError> {
    match r {
        Refused::SameName(other) => {
            let mut e = FormErrors::new();
            e.add("name", format!("Er is al een leverancier met deze naam: „{other}”. Wijzig die, of kies een andere naam."));
            Ok(e)
        }
        Refused::Stale => Err(AppError::Conflict(
            "Deze leverancier is intussen gewijzigd (door iemand anders of in een ander venster). Laad de pagina opnieuw en breng uw wijziging opnieuw aan."
                .into(),
        )),
        Refused::NotFound => Err(AppError::NotFound),
    }
}

#[tracing::instrument(skip_all)]
pub async fn create(State(state): State<AppState>, user: CurrentUser, body: Bytes) -> AppResult<Response> {
    let org = editor(&user, "create_supplier")?;
    let input = FormData::parse(&body);
    let refused =
        |errors| render_status(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&user, None, 0, input.clone(), errors));
    let s = match SupplierInput::try_from(&input) {
        Ok(s) => s,
        Err(errors) => return refused(errors),
    };
    let mut tx = state.pool.begin().await?;
    let id = match store::create(&mut tx, org, &Actor::from(&user), &s).await? {
        Ok(id) => id,
        Err(r) => return refused(refusal(r)?),
    };
    tx.commit().await?;
    tracing::info!(event = "supplier_created", actor = %user.user_id, supplier_id = %id, "supplier record");
    session::flash_redirect(&state.pool, &user, "De leverancier is vastgelegd.", &format!("/leveranciers/{id}")).await
}

#[tracing::instrument(skip_all)]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> AppResult<Response> {
    let org = editor(&user, "update_supplier")?;
    let input = FormData::parse(&body);
    let version: i32 = input.get("version").parse().unwrap_or(-1);
    let refused = |errors| {
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&user, Some(id), version, input.clone(), errors))
    };
    let s = match SupplierInput::try_from(&input) {
        Ok(s) => s,
        Err(errors) => return refused(errors),
    };
    let mut tx = state.pool.begin().await?;
    if let Err(r) = store::update(&mut tx, org, &Actor::from(&user), id, version, &s).await? {
        return refused(refusal(r)?);
    }
    tx.commit().await?;
    tracing::info!(event = "supplier_updated", actor = %user.user_id, supplier_id = %id, "supplier record");
    session::flash_redirect(&state.pool, &user, "De wijziging is opgeslagen.", &format!("/leveranciers/{id}")).await
}

#[derive(Template)]
#[template(path = "suppliers/report.html")]
pub struct ReportPage {
    pub layout: Layout,
    pub matches: Vec<MatchView>,
}

/// How the migration (and the demo) matched free-text suppliers to records: what became which, what was left.
#[tracing::instrument(skip_all)]
pub async fn report(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = editor(&user, "supplier_report")?;
    let mut conn = state.pool.acquire().await?;
    let matches = store::matches(&mut conn, org).await?.into_iter().map(MatchView::from).collect();
    render_status(
        StatusCode::OK,
        &ReportPage { layout: Layout::for_user(&user, "Koppeling van leveranciers", "/leveranciers"), matches },
    )
}
