//! The connection settings of the national register's API (CISO, administrator): addresses, client, account
//! the grant it logs in with, and the organisation's code there. The password and the client secret are never
//! stored: they come from the server's environment (or, for the password, the form at upload time).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use crate::AppState;
use crate::auth::session::{self, CurrentUser};
use crate::error::AppResult;
use crate::publication::algorithm_in;
use crate::publication::files::require_publisher;
use crate::publication::forms::ConnectionInput;
use crate::publication::upload;
use crate::register::form::FormData;
use crate::web::forms::{FormErrors, OptView};
use crate::web::layout::Layout;
use crate::web::{render, render_status};

#[derive(Template)]
#[template(path = "publication/connection.html")]
struct ConnectionPage {
    layout: Layout,
    input: FormData,
    errors: FormErrors,
    grants: Vec<OptView>,
    password_from_env: bool,
    secret_from_env: bool,
}

fn grants(chosen: &str) -> Vec<OptView> {
    upload::GRANTS
        .iter()
        .map(|(value, label)| OptView {
            value: value.to_string(),
            label: label.to_string(),
            selected: *value == chosen,
        })
        .collect()
}

pub(super) async fn connection_form(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let org = require_publisher(&user, "register_connection")?;
    let mut input = FormData::default();
    match upload::connection(&state.pool, org).await? {
        Some(c) => {
            input.push("api_url", c.api_url);
            input.push("token_url", c.token_url);
            input.push("client_id", c.client_id);
            input.push("grant_type", c.grant_type);
            input.push("username", c.username);
            input.push("register_org_id", c.register_org_id);
            input.push("version", c.version.to_string());
        }
        None => {
            let info = algorithm_in::org_info(&state.pool, org).await?;
            input.push("api_url", "https://algoritmes.overheid.nl/aanleverapi/v1_0");
            input.push("register_org_id", info.code);
            input.push("grant_type", "client_credentials");
            input.push("version", "-1");
        }
    }
    render(&ConnectionPage {
        layout: Layout::for_user(&user, "Koppeling met het Algoritmeregister", "/publicatie"),
        grants: grants(input.get("grant_type")),
        input,
        errors: FormErrors::new(),
        password_from_env: state.config.register_password.is_some(),
        secret_from_env: state.config.register_client_secret.is_some(),
    })
}

pub(super) async fn save_connection(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> AppResult<Response> {
    let org = require_publisher(&user, "register_connection")?;
    let form = FormData::parse(&body);
    let (status, errors) = match ConnectionInput::try_from(&form) {
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Ok(input) => {
            if store(&state, org, user.user_id, &input).await? {
                return session::flash_redirect(
                    &state.pool,
                    &user,
                    "De koppeling met het Algoritmeregister is opgeslagen.",
                    "/publicatie",
                )
                .await;
            }
            let mut errors = FormErrors::new();
            errors.add(
                "api_url",
                "Iemand anders heeft de koppeling intussen gewijzigd. Laad de pagina opnieuw; uw invoer staat hieronder nog.",
            );
            (StatusCode::CONFLICT, errors)
        }
    };
    render_status(
        status,
        &ConnectionPage {
            layout: Layout::for_user(&user, "Koppeling met het Algoritmeregister", "/publicatie").with_errors(true),
            grants: grants(form.get("grant_type")),
            input: form,
            errors,
            password_from_env: state.config.register_password.is_some(),
            secret_from_env: state.config.register_client_secret.is_some(),
        },
    )
}

/// Save the connection; false when someone else saved one since the form was loaded.
async fn store(state: &AppState, org: Uuid, by: Uuid, input: &ConnectionInput) -> AppResult<bool> {
    // A new connection is inserted only if none exists yet; a saved one is updated only at the version the
    // form was loaded with. (One upsert cannot do both: its insert branch never runs for an update, so a
    // saved connection could not be changed any more.)
    let done = if input.is_new() {
        sqlx::query!(
            "insert into register_connection (organisation_id, api_url, token_url, client_id, username, register_org_id,
                                              updated_by, grant_type)
                 values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (organisation_id) do nothing",
            org,
            input.api_url,
            input.token_url,
            input.client_id,
            input.username,
            input.register_org_id,
            by,
            input.grant_type
        )
        .execute(&state.pool)
        .await?
    } else {
        sqlx::query!(
            "update register_connection set api_url = $2, token_url = $3, client_id = $4, username = $5,
                        register_org_id = $6, updated_by = $7, updated_at = now(), version = version + 1,
                        grant_type = $9
                  where organisation_id = $1 and version = $8",
            org,
            input.api_url,
            input.token_url,
            input.client_id,
            input.username,
            input.register_org_id,
            by,
            input.version,
            input.grant_type
        )
        .execute(&state.pool)
        .await?
    };
    Ok(done.rows_affected() == 1)
}
