//! Reconciliation with the national register: its list of the organisation's algorithms is matched with ours
//! by `source_id` (our id) or algorithm ID; lars codes and the register's state are stored, and what is on one
//! side only is reported on the page "Publicatie".

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::overview::overview_page;
use crate::AppState;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::publication::files::require_publisher;
use crate::publication::forms::ReconcileInput;
use crate::publication::retract::Access;
use crate::publication::upload::{self, Client, Summary};
use crate::register::form::FormData;

/// One of our registrations: id, name and the algorithm ID it has.
type Ours = (Uuid, String, Option<String>);

/// Match the register's list with ours by `source_id`: lars codes and the register's state are stored.
pub(super) async fn reconcile(State(state): State<AppState>, user: CurrentUser, body: Bytes) -> AppResult<Response> {
    let org = require_publisher(&user, "register_reconcile")?;
    let form = FormData::parse(&body);
    let Some(conn) = upload::connection(&state.pool, org).await? else {
        return overview_page(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            vec!["Stel eerst de koppeling met het Algoritmeregister in.".into()],
        )
        .await;
    };
    let input = match ReconcileInput::try_from(&form) {
        Ok(input) => input,
        Err(errors) => {
            let lines = errors.iter().map(|(_, m)| m.clone()).collect();
            return overview_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, None, lines).await;
        }
    };
    let access = Access::from_config(&state.config, Some(input.password));
    let client = Client::new(conn, access.window)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?
        .with_secret(access.secret.clone());
    let list = match client.login(access.password.as_deref()).await {
        Ok(()) => client.list().await,
        Err(e) => Err(e),
    };
    let list = match list {
        Ok(l) => l,
        Err(e) => {
            return overview_page(&state, &user, StatusCode::BAD_GATEWAY, None, vec![e.to_string()]).await;
        }
    };
    let ours: Vec<Ours> = sqlx::query!(
        r#"select application_id as "c0!: Uuid", name as "c1!: String",
                     lars as "c2?: String" from application where organisation_id = $1"#,
        org
    )
    .map(|r| (r.c0, r.c1, r.c2))
    .fetch_all(&state.pool)
    .await?;
    let mut tx = state.pool.begin().await?;
    let lines = take_over(&mut tx, org, &list, &ours).await?;
    tx.commit().await?;
    overview_page(&state, &user, StatusCode::OK, None, lines).await
}

/// Store what the register says about each algorithm that is ours; the report's lines, a summary first.
async fn take_over(conn: &mut PgConnection, org: Uuid, list: &[Summary], ours: &[Ours]) -> AppResult<Vec<String>> {
    let mut lines = Vec::new();
    let mut matched = 0;
    for s in list {
        let mine = ours.iter().find(|(id, _, lars)| {
            s.source_id.as_deref() == Some(id.to_string().as_str()) || lars.as_deref() == Some(s.lars.as_str())
        });
        let Some((id, name, lars)) = mine else {
            lines.push(format!(
                "In het register, niet bij ons: {} (algoritme-ID {}).",
                s.name.clone().unwrap_or_default(),
                s.lars
            ));
            continue;
        };
        matched += 1;
        if lars.as_deref() != Some(s.lars.as_str()) {
            sqlx::query!("update application set lars = $2 where application_id = $1", id, &s.lars)
                .execute(&mut *conn)
                .await?;
            lines.push(format!("{name}: algoritme-ID {} overgenomen uit het register.", s.lars));
        }
        store_remote(conn, org, *id, s).await?;
    }
    for (_, name, lars) in ours {
        if let Some(l) = lars
            && !list.iter().any(|s| &s.lars == l)
        {
            lines.push(format!("{name}: algoritme-ID {l} staat niet (meer) in het register van deze organisatie."));
        }
    }
    lines.insert(
        0,
        format!("Afgestemd met het Algoritmeregister: {} algoritmes daar, {matched} gekoppeld.", list.len()),
    );
    Ok(lines)
}

/// The register's view of one of our algorithms, kept as its sync state. A retraction we made stays
/// 'ingetrokken' while the register keeps the algorithm unpublished (it lists retracted algorithms as
/// drafts); only when it is published or released there again does the register's state replace it.
async fn store_remote(conn: &mut PgConnection, org: Uuid, id: Uuid, s: &Summary) -> AppResult<()> {
    let remote_state = if s.current_version_published {
        "gepubliceerd"
    } else if s.current_version_released {
        "vrijgegeven"
    } else {
        "bijgewerkt"
    };
    sqlx::query!(
        "insert into register_sync (application_id, organisation_id, state, remote, reconciled_at)
             values ($1, $2, $3, $4, now())
             on conflict (application_id) do update set
                 state = case when register_sync.state = 'ingetrokken' and excluded.state = 'bijgewerkt'
                              then 'ingetrokken' else excluded.state end,
                 remote = excluded.remote,
                 reconciled_at = excluded.reconciled_at",
        id,
        org,
        remote_state,
        serde_json::to_value(s).unwrap_or(Value::Null)
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
