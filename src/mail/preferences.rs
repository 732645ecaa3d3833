//! What a user receives by e-mail (Mijn account → E-mail): per kind of notification at once, in a daily overview
//! at a chosen hour, or not by e-mail (still in the application). And the one-click unsubscribe link of every
//! message (RFC 8058), which works without login, once, and only for its own kind.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::outbox::{self, OVERVIEW};
use crate::AppState;
use crate::auth::session::{self, CurrentUser, MaybeUser};
use crate::error::{AppError, AppResult};
use crate::register::notices::Kind;
use crate::web::forms::{FormErrors, OptView};
use crate::web::layout::Layout;
use crate::web::{render, render_status};

const MODES: &[(&str, &str)] =
    &[("direct", "Meteen"), ("dagelijks", "In het dagelijkse overzicht"), ("uit", "Niet per e-mail")];

pub struct KindChoice {
    /// The form field: the kind's own value.
    pub field: &'static str,
    pub label: &'static str,
    pub options: Vec<OptView>,
}

#[derive(Template)]
#[template(path = "mail/preferences.html")]
pub struct PreferencesPage {
    pub layout: Layout,
    pub mail_on: bool,
    pub kinds: Vec<KindChoice>,
    pub hours: Vec<OptView>,
    pub errors: FormErrors,
}

fn options(all: &[(&str, &str)], chosen: &str) -> Vec<OptView> {
    all.iter().map(|(v, l)| OptView { value: v.to_string(), label: l.to_string(), selected: *v == chosen }).collect()
}

fn page(
    state: &AppState,
    user: &CurrentUser,
    chosen: &[(String, String)],
    hour: i16,
    errors: FormErrors,
) -> PreferencesPage {
    let mode = |kind: Kind| chosen.iter().find(|(k, _)| k == kind.as_str()).map_or("direct", |(_, m)| m.as_str());
    let kinds = Kind::ALL
        .iter()
        .copied()
        .map(|k| KindChoice { field: k.as_str(), label: k.label(), options: options(MODES, mode(k)) })
        .collect();
    let hours = (0..24)
        .map(|h: i16| OptView { value: h.to_string(), label: format!("{h:02}:00"), selected: h == hour })
        .collect();
    PreferencesPage {
        layout: Layout::for_user(user, "E-mail", "/account").with_errors(!errors.is_empty()),
        mail_on: state.config.mail.is_some(),
        kinds,
        hours,
        errors,
    }
}

#[tracing::instrument(skip_all)]
pub async fn preferences(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let chosen = sqlx::query!("select kind, mode from mail_preference where user_id = $1", user.user_id)
        .map(|r| (r.kind, r.mode))
        .fetch_all(&state.pool)
        .await?;
    let hour = sqlx::query_scalar!("select hour from mail_digest where user_id = $1", user.user_id)
        .fetch_optional(&state.pool)
        .await?
        .unwrap_or(8);
    render(&page(&state, &user, &chosen, hour, FormErrors::new()))
}

#[tracing::instrument(skip_all)]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    let mut errors = FormErrors::new();
    let mut chosen = Vec::new();
    for &kind in Kind::ALL {
        let mode = value(kind.as_str());
        if !MODES.iter().any(|(m, _)| *m == mode) {
            errors.add(kind.as_str(), format!("Kies hoe u „{}” wilt ontvangen.", kind.label().to_lowercase()));
        }
        chosen.push((kind.as_str().to_string(), mode.to_string()));
    }
    let hour = value("uur").parse::<i16>().ok().filter(|h| (0..24).contains(h));
    if hour.is_none() {
        errors.add("uur", "Kies een uur tussen 00:00 en 23:00 voor het dagelijkse overzicht.");
    }
    let Some(hour) = hour.filter(|_| errors.is_empty()) else {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &user, &chosen, 8, errors));
    };
    let mut tx = state.pool.begin().await?;
    for (kind, mode) in &chosen {
        outbox::set_preference(&mut tx, user.user_id, kind, mode).await?;
    }
    sqlx::query!(
        "insert into mail_digest (user_id, hour) values ($1, $2) on conflict (user_id) do update set hour = excluded.hour",
        user.user_id,
        hour
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(event = "mail_preferences_saved", user_id = %user.user_id, "e-mail preferences saved");
    session::flash_redirect(&state.pool, &user, "Uw keuzes voor e-mail zijn opgeslagen.", "/account/e-mail").await
}

#[derive(Template)]
#[template(path = "mail/unsubscribe.html")]
pub struct UnsubscribePage {
    pub layout: Layout,
    pub token: String,
    pub name: String,
    pub what: String,
    pub state: &'static str,
}

fn what(kind: &str) -> String {
    match Kind::parse(kind) {
        Some(k) => format!("„{}”", k.label().to_lowercase()),
        None if kind == OVERVIEW => "het dagelijkse overzicht".into(),
        None => format!("„{kind}”"),
    }
}

fn layout(user: &MaybeUser) -> Layout {
    match &user.0 {
        Some(u) => Layout::for_user(u, "Afmelden voor e-mail", "/account"),
        None => Layout::bare("Afmelden voor e-mail"),
    }
}

/// The confirmation page (a GET never changes anything: link scanners open links).
#[tracing::instrument(skip_all)]
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    user: MaybeUser,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let found = outbox::unsubscribe_lookup(&state.pool, &token).await?.ok_or(AppError::NotFound)?;
    let state_ = if found.used { "gebruikt" } else { "vragen" };
    render(&UnsubscribePage { layout: layout(&user), token, name: found.name, what: what(&found.kind), state: state_ })
}

/// Confirmed on the page, or one click in a mail program (`List-Unsubscribe=One-Click`).
#[tracing::instrument(skip_all)]
pub async fn unsubscribe(
    State(state): State<AppState>,
    user: MaybeUser,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let found = outbox::unsubscribe_lookup(&state.pool, &token).await?.ok_or(AppError::NotFound)?;
    let done = outbox::unsubscribe(&state.pool, &token).await?.ok_or(AppError::NotFound)?;
    let state_ = if done { "afgemeld" } else { "gebruikt" };
    tracing::info!(event = "mail_unsubscribe", kind = %found.kind, first = done, "unsubscribe link used");
    render(&UnsubscribePage { layout: layout(&user), token, name: found.name, what: what(&found.kind), state: state_ })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_has_a_label_and_reads_back() {
        for k in super::Kind::ALL {
            assert_eq!(super::Kind::parse(k.as_str()).map(|p| p.as_str()), Some(k.as_str()));
            assert!(!k.label().is_empty());
        }
    }
}
