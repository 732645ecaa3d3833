//! Managing organisations. A beheerder sees the organisations they belong to, creates new ones (and
//! becomes their first beheerder), and edits those they administer.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::roles::Role;
use crate::auth::session::{self, CurrentUser};
use crate::auth::users;
use crate::error::{AppError, AppResult};
use crate::organisations::{self, OrgInput, OrgWriteError, Organisation};
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{render, render_status};

#[derive(Template)]
#[template(path = "admin/organisations.html")]
pub struct OrganisationsPage {
    pub layout: Layout,
    pub organisations: Vec<(Organisation, bool)>,
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    user.require(Role::Beheerder, "list_organisations")?;
    let organisations = organisations::list_for_user(&state.pool, user.user_id)
        .await?
        .into_iter()
        .map(|o| {
            let admin = user.has_role_in(o.organisation_id, Role::Beheerder);
            (o, admin)
        })
        .collect();
    render(&OrganisationsPage {
        layout: Layout::for_user(&user, "Organisaties", "/beheer/organisaties"),
        organisations,
    })
}

#[derive(Template)]
#[template(path = "admin/organisation_form.html")]
pub struct OrganisationFormPage {
    pub layout: Layout,
    /// None for a new organisation.
    pub id: Option<Uuid>,
    pub form: OrgInput,
    pub version: i32,
    pub errors: FormErrors,
    pub conflict: Option<String>,
    /// Two-factor login: required for beheerders and CISOs, and how many of them have not set it up.
    pub require_mfa: bool,
    pub without_mfa: Vec<String>,
    /// Approve a high-risk AI system only when the Algoritmekader's requirements are met (issue 23).
    pub kader_gate: bool,
}

fn form_page(
    user: &CurrentUser,
    id: Option<Uuid>,
    form: OrgInput,
    version: i32,
    errors: FormErrors,
    conflict: Option<String>,
) -> OrganisationFormPage {
    let title = if id.is_some() { "Organisatie wijzigen" } else { "Organisatie toevoegen" };
    OrganisationFormPage {
        layout: Layout::for_user(user, title, "/beheer/organisaties")
            .with_errors(!errors.is_empty() || conflict.is_some()),
        id,
        form,
        version,
        errors,
        conflict,
        require_mfa: false,
        without_mfa: Vec::new(),
        kader_gate: false,
    }
}

/// The beheerders and CISOs of an organisation who have not set up two-factor login.
async fn without_mfa(pool: &sqlx::PgPool, id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select distinct u.name from membership m join app_user u using (user_id)
          where m.organisation_id = $1 and m.role in ('beheerder', 'ciso') and u.active and u.totp_secret is null
          order by u.name",
        id
    )
    .fetch_all(pool)
    .await
}

pub async fn new_form(user: CurrentUser) -> AppResult<Response> {
    user.require(Role::Beheerder, "add_organisation")?;
    render(&form_page(&user, None, OrgInput::default(), 0, FormErrors::new(), None))
}

#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<OrgInput>,
) -> AppResult<Response> {
    user.require(Role::Beheerder, "add_organisation")?;
    let mut errors = FormErrors::new();
    let org = form.validate(&mut errors);
    if !errors.is_empty() {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&user, None, form, 0, errors, None));
    }
    let mut tx = state.pool.begin().await?;
    let id = match organisations::create(&mut tx, &org).await {
        Ok(id) => id,
        Err(OrgWriteError::CodeTaken) => {
            organisations::code_taken(&mut errors);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&user, None, form, 0, errors, None));
        }
        // Through sqlx's own conversion: a database that is down is a 503, refused text a 400, not a 500.
        Err(OrgWriteError::Db(e)) => return Err(e.into()),
        Err(e @ OrgWriteError::Stale) => return Err(anyhow::Error::from(e).into()),
    };
    users::set_roles(&mut tx, user.user_id, id, &[Role::Medewerker, Role::Beheerder]).await?;
    tx.commit().await?;
    tracing::info!(event = "organisation_created", actor = %user.user_id, organisation_id = %id, code = %org.code, "organisation created");
    session::set_flash(
        &state.pool,
        &user,
        &format!("Organisatie {} is toegevoegd; u bent er beheerder van.", org.name),
    )
    .await?;
    Ok(Redirect::to("/beheer/organisaties").into_response())
}

/// The organisation, if the user administers it; otherwise 404 for non-members (nothing leaks) and 403
/// for members without the beheerder role.
async fn administered(state: &AppState, user: &CurrentUser, id: Uuid) -> AppResult<Organisation> {
    if !user.organisations.iter().any(|o| o.id == id) {
        return Err(AppError::NotFound);
    }
    if !user.has_role_in(id, Role::Beheerder) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, organisation_id = %id, action = "edit_organisation", "not a beheerder");
        return Err(AppError::Forbidden);
    }
    organisations::get(&state.pool, id).await?.ok_or(AppError::NotFound)
}

fn input_of(o: &Organisation) -> OrgInput {
    OrgInput { org_name: o.name.clone(), org_code: o.code.clone(), org_email: o.contact_email.clone() }
}

#[tracing::instrument(skip_all)]
pub async fn edit_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    let org = administered(&state, &user, id).await?;
    let mut page = form_page(&user, Some(id), input_of(&org), org.version, FormErrors::new(), None);
    page.require_mfa = org.require_mfa;
    page.without_mfa = without_mfa(&state.pool, id).await?;
    page.kader_gate = sqlx::query_scalar!("select kader_gate from organisation where organisation_id = $1", id)
        .fetch_one(&state.pool)
        .await?;
    render(&page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MfaForm {
    require_mfa: String,
}

/// Require (or stop requiring) two-factor login for the organisation's beheerders and CISOs (BIO2 5.17.01).
/// Those without it are sent to set it up at their next page view.
#[tracing::instrument(skip_all)]
pub async fn require_mfa(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<MfaForm>,
) -> AppResult<Response> {
    let org = administered(&state, &user, id).await?;
    let required = form.require_mfa == "ja";
    // A security setting: recorded in the audit trail as well as the log.
    let mut tx = state.pool.begin().await?;
    sqlx::query!(
        "update organisation set require_mfa = $2, version = version + 1 where organisation_id = $1",
        id,
        required
    )
    .execute(&mut *tx)
    .await?;
    crate::audit::record(
        &mut tx,
        crate::audit::Event {
            organisation_id: Some(id),
            actor: &crate::audit::Actor::from(&user),
            action: "organisation.mfa_requirement",
            object_type: "organisation",
            object_id: Some(id),
            before: Some(serde_json::json!({ "require_mfa": org.require_mfa })),
            after: Some(serde_json::json!({ "require_mfa": required })),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::warn!(event = "mfa_requirement_changed", actor = %user.user_id, organisation_id = %id, required, "two-factor requirement changed");
    let msg = if required {
        format!("Tweestapsverificatie is nu verplicht voor beheerders en CISO's van {}.", org.name)
    } else {
        format!("Tweestapsverificatie is niet langer verplicht bij {}.", org.name)
    };
    session::flash_redirect(&state.pool, &user, &msg, &format!("/beheer/organisaties/{id}")).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KaderGateForm {
    kader_gate: String,
}

/// Switch the Algoritmekader gate on or off: approval of a high-risk AI system waits until every applicable
/// requirement is met (register::gates). A governance setting, so in the audit trail.
#[tracing::instrument(skip_all)]
pub async fn kader_gate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<KaderGateForm>,
) -> AppResult<Response> {
    let org = administered(&state, &user, id).await?;
    let on = form.kader_gate == "ja";
    let mut tx = state.pool.begin().await?;
    let before = sqlx::query_scalar!("select kader_gate from organisation where organisation_id = $1 for update", id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query!("update organisation set kader_gate = $2, version = version + 1 where organisation_id = $1", id, on)
        .execute(&mut *tx)
        .await?;
    let actor = crate::audit::Actor::from(&user);
    let event = crate::audit::Event::about(Some(id), &actor, "organisation.kader_gate", ("organisation", id))
        .change(Some(serde_json::json!({ "kader_gate": before })), Some(serde_json::json!({ "kader_gate": on })));
    crate::audit::record(&mut tx, event).await?;
    tx.commit().await?;
    let msg = if on {
        format!("{} keurt een hoog-risico-systeem nu pas goed als alle vereisten zijn voldaan.", org.name)
    } else {
        format!("{} keurt een hoog-risico-systeem weer goed zonder dat alle vereisten zijn voldaan.", org.name)
    };
    session::flash_redirect(&state.pool, &user, &msg, &format!("/beheer/organisaties/{id}")).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgUpdate {
    #[serde(flatten)]
    form: OrgInput,
    version: String,
}

#[tracing::instrument(skip_all)]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(upd): Form<OrgUpdate>,
) -> AppResult<Response> {
    let current = administered(&state, &user, id).await?;
    let version: i32 = upd.version.parse().unwrap_or(-1);
    let mut errors = FormErrors::new();
    let org = upd.form.validate(&mut errors);
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&user, Some(id), upd.form, version, errors, None),
        );
    }
    let mut tx = state.pool.begin().await?;
    match organisations::update(&mut tx, id, version, &org).await {
        Ok(()) => {}
        Err(OrgWriteError::CodeTaken) => {
            organisations::code_taken(&mut errors);
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&user, Some(id), upd.form, version, errors, None),
            );
        }
        Err(OrgWriteError::Stale) => {
            let message = format!(
                "Iemand anders heeft deze organisatie gewijzigd nadat u de pagina opende. Nu opgeslagen: naam \"{}\", code {}, \
                 mailbox {}. Uw invoer staat hieronder; controleer en sla opnieuw op.",
                current.name, current.code, current.contact_email
            );
            return render_status(
                StatusCode::CONFLICT,
                &form_page(&user, Some(id), upd.form, current.version, errors, Some(message)),
            );
        }
        Err(OrgWriteError::Db(e)) => return Err(e.into()),
    }
    tx.commit().await?;
    tracing::info!(event = "organisation_updated", actor = %user.user_id, organisation_id = %id, "organisation updated");
    session::flash_redirect(&state.pool, &user, "De organisatie is opgeslagen.", "/beheer/organisaties").await
}
