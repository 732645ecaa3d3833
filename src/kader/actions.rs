//! What the tab "Vereisten" and the API (`api::kader`) both do to a registration's requirements: who may work on
//! them, taking over the recomputed set, and setting a requirement aside with a reason (or not), each with its
//! audit event. One copy of these rules, so the two cannot drift apart.

use uuid::Uuid;

use super::reference::Kader;
use super::rule::{self, Profile};
use super::store;
use crate::AppState;
use crate::applications::organisation;
use crate::audit::Actor;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::access;
use crate::register::store::{self as apps, Stored};
use crate::web::forms::FormErrors;

/// The Algoritmekader loaded at start-up (an internal error if it could not be).
pub(crate) fn kader() -> AppResult<&'static Kader> {
    super::load().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
}

/// Who may work on the measures: whoever looks after the registration, and its RASCI people.
pub(crate) fn can_work(user: &CurrentUser, app: &Stored) -> bool {
    access::can_manage(user, app) || app.rasci.iter().any(|e| e.user_id == Some(user.user_id))
}

/// The requirements of a registration as the rule computes them now (None without an AI Act outcome).
pub(super) async fn computed(state: &AppState, kader: &Kader, id: Uuid) -> AppResult<(Option<Profile>, Vec<String>)> {
    let profile = store::outcome(&state.pool, id).await?.as_ref().and_then(Profile::from_outcome);
    let set = profile.as_ref().map(|p| p.applicable(kader)).unwrap_or_default();
    Ok((profile, set))
}

/// "Vereisten overnemen", for the tab and the API: whoever manages the registration takes over the set the
/// rule computes now, with the audit event `application.requirements_updated` naming what came and went.
pub(crate) async fn take_over_set(state: &AppState, user: &CurrentUser, id: Uuid) -> AppResult<()> {
    let org = organisation(user)?;
    let kader = kader()?;
    let (_, now) = computed(state, kader, id).await?;
    let before: Vec<String> = store::requirements(&state.pool, org, Some(id))
        .await?
        .into_iter()
        .filter(|r| r.applicable)
        .map(|r| r.requirement)
        .collect();
    let mut tx = state.pool.begin().await?;
    let app = apps::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    if !access::can_manage(user, &app) {
        return Err(AppError::Forbidden);
    }
    store::take_over(&mut tx, kader, id, &now, user.user_id).await?;
    let (added, removed) = rule::difference(&before, &now);
    let line = format!(
        "Algoritmekader {}: {} van toepassing; erbij: {}; vervallen: {}",
        kader.version,
        now.len(),
        if added.is_empty() { "geen".into() } else { added.join(", ") },
        if removed.is_empty() { "geen".into() } else { removed.join(", ") }
    );
    let actor = Actor::from(user);
    apps::record_note(&mut tx, &actor, "application.requirements_updated", &app, ("kader", &line)).await?;
    tx.commit().await?;
    Ok(())
}

/// Mark a requirement not applicable with a reason (already checked: `check_reason`) or applicable again
/// (None), for the tab and the API: whoever manages the registration; the audit event
/// `application.requirement_excluded` or `application.requirement_included`. NotFound when it was not taken over.
pub(crate) async fn set_reason(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    req: &str,
    reason: Option<&str>,
) -> AppResult<()> {
    let org = organisation(user)?;
    let kader = kader()?;
    let r = kader.requirement(req).ok_or(AppError::NotFound)?;
    let mut tx = state.pool.begin().await?;
    let app = apps::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    if !access::can_manage(user, &app) {
        return Err(AppError::Forbidden);
    }
    if !store::set_reason(&mut tx, id, req, reason, user.user_id).await? {
        return Err(AppError::NotFound);
    }
    let (action, line) = match reason {
        Some(why) => {
            ("application.requirement_excluded", format!("{req} – {}: niet van toepassing, want {why}", r.title))
        }
        None => ("application.requirement_included", format!("{req} – {}: weer van toepassing", r.title)),
    };
    apps::record_note(&mut tx, &Actor::from(user), action, &app, ("kader", &line)).await?;
    tx.commit().await?;
    Ok(())
}

/// The reason a requirement is set aside, checked (10 to 2000 characters); the form's field is `reason`.
pub(crate) fn check_reason(value: &str) -> Result<String, FormErrors> {
    let mut errors = FormErrors::new();
    let reason = errors.note("reason", "de reden waarom deze vereiste niet van toepassing is", value, 10, 2000);
    if errors.is_empty() { Ok(reason) } else { Err(errors) }
}
