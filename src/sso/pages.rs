//! Beheer → Organisaties → Inloggen met organisatie-account: the provider settings of one organisation, for
//! its beheerders. "Testen" runs discovery on the entered issuer and says where the secret was found
//! without saving; "Opslaan" saves (optimistic locking on `version`) and records the change in the audit trail.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use uuid::Uuid;

use super::forms::{self, SettingsForm};
use super::{flow, oidc, settings};
use crate::AppState;
use crate::audit::{self, Actor, Event};
use crate::error::{AppError, AppResult};
use crate::roles::Role;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::session::{self, CurrentUser};
use crate::web::{render, render_status};

#[derive(Template)]
#[template(path = "sso/settings.html")]
pub struct SettingsPage {
    pub layout: Layout,
    pub id: Uuid,
    pub organisation: String,
    pub form: SettingsForm,
    pub errors: FormErrors,
    pub redirect_uri: String,
    pub env_name: String,
    /// Where the secret was found, or why it was not.
    pub secret: Result<String, String>,
    /// The outcome of "Testen".
    pub test: Option<Result<String, String>>,
    pub conflict: Option<String>,
}

/// The organisation's name, if the user is one of its beheerders (404 for non-members, 403 otherwise).
fn administered(user: &CurrentUser, id: Uuid) -> AppResult<String> {
    let Some(org) = user.organisations.iter().find(|o| o.id == id) else { return Err(AppError::NotFound) };
    if !user.has_role_in(id, Role::Beheerder) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, organisation_id = %id, action = "sso_settings", "not a beheerder");
        return Err(AppError::Forbidden);
    }
    Ok(org.name.clone())
}

async fn code_of(state: &AppState, id: Uuid) -> AppResult<String> {
    let code = sqlx::query_scalar!("select code from organisation where organisation_id = $1", id)
        .fetch_optional(&state.pool)
        .await?;
    code.ok_or(AppError::NotFound)
}

fn page(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: Uuid,
    organisation: String,
    code: &str,
    form: SettingsForm,
) -> SettingsPage {
    let file = Some(form.secret_file.trim()).filter(|f| !f.is_empty());
    SettingsPage {
        layout: Layout::for_user(user, "Inloggen met organisatie-account", "/beheer/organisaties"),
        id,
        organisation,
        secret: forms::secret_status(code, file),
        env_name: settings::env_name(code),
        redirect_uri: flow::redirect_uri(state, headers),
        form,
        errors: FormErrors::new(),
        test: None,
        conflict: None,
    }
}

#[tracing::instrument(skip_all)]
pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let name = administered(&user, id)?;
    let code = code_of(&state, id).await?;
    let form = match settings::get(&state.pool, id).await? {
        Some(p) => {
            let mut conn = state.pool.acquire().await?;
            SettingsForm::of(&p, &settings::group_roles(&mut conn, id).await?)
        }
        None => SettingsForm::defaults(),
    };
    render(&page(&state, &user, &headers, id, name, &code, form))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Submitted {
    #[serde(flatten)]
    form: SettingsForm,
    actie: String,
}

#[tracing::instrument(skip_all)]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Form(sub): Form<Submitted>,
) -> AppResult<Response> {
    let name = administered(&user, id)?;
    let code = code_of(&state, id).await?;
    let mut p = page(&state, &user, &headers, id, name, &code, sub.form.clone());
    let (input, mappings) = match sub.form.check() {
        Ok(ok) => ok,
        Err(errors) => {
            p.layout = p.layout.with_errors(true);
            p.errors = errors;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    if sub.actie == "testen" {
        p.test = Some(test(&input.issuer).await);
        return render(&p);
    }
    let before = settings::get(&state.pool, id).await?;
    let version = sub.form.version.trim().parse::<i32>().ok();
    let mut tx = state.pool.begin().await?;
    if !settings::save(&mut tx, id, version, &input).await? {
        p.conflict = Some("Iemand anders heeft deze instellingen gewijzigd nadat u de pagina opende. Uw invoer staat hieronder; open de pagina opnieuw om de nieuwe instellingen te zien, of sla uw invoer opnieuw op.".into());
        p.form.version = before.map(|b| b.version.to_string()).unwrap_or_default();
        return render_status(StatusCode::CONFLICT, &p);
    }
    settings::set_group_roles(&mut tx, id, &mappings).await?;
    let after = settings::get_in(&mut tx, id).await?;
    let event = Event {
        organisation_id: Some(id),
        actor: &Actor::from(&user),
        action: "organisation.sso_settings",
        object_type: "organisation",
        object_id: Some(id),
        before: before.as_ref().map(settings::audit_view),
        after: after.as_ref().map(|a| {
            let mut v = settings::audit_view(a);
            v["group_roles"] = mappings.iter().map(|(g, r)| format!("{g} = {}", r.as_str())).collect();
            v
        }),
    };
    audit::record(&mut tx, event).await?;
    tx.commit().await?;
    tracing::warn!(event = "sso_settings_changed", actor = %user.user_id, organisation_id = %id, enabled = input.enabled, "SSO settings changed");
    let msg = "De instellingen voor inloggen met organisatie-account zijn opgeslagen.";
    session::flash_redirect(&state.pool, &user, msg, &format!("/beheer/organisaties/{id}/inloggen")).await
}

/// Discovery (fetched anew) and the keys of the entered issuer.
async fn test(issuer: &str) -> Result<String, String> {
    oidc::forget(issuer);
    let d = oidc::discover(issuer).await.map_err(|e| e.to_string())?;
    let keys = oidc::key_count(&d).await.map_err(|e| e.to_string())?;
    let logout = if d.end_session_endpoint.is_some() { "ondersteunt" } else { "ondersteunt geen" };
    Ok(format!(
        "De inlogdienst antwoordt: uitgever {}, {keys} sleutel(s) om ID-tokens te controleren; de dienst {logout} uitloggen vanuit AI-register.",
        d.issuer
    ))
}
