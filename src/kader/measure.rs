//! Saving one measure of a registration: status, owner, evidence (text, link or an uploaded file) and review
//! date; and downloading its evidence file. Files go through the assessment reports' checks and storage
//! (`assessments::document`), so the same types are accepted and refused with the same words.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sqlx::PgConnection;
use uuid::Uuid;

use super::actions::{can_work, kader};
use super::pages::{Refusal, tab_address, tab_page};
use super::reference::Measure;
use super::store::{self, MeasureUpdate};
use crate::AppState;
use crate::applications::{load, organisation};
use crate::assessments::document;
use crate::audit::Actor;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::fields::label_in as label;
use crate::register::form::{FormData, is_https_link};
use crate::register::store::{self as apps, Stored};
use crate::web::forms::FormErrors;

/// A measure's form, checked: the status, a reason when not applicable, evidence when done (text, link or a
/// file, kept or new: `has_file`), an owner from the RASCI, an https link and a date. The tab and the API
/// (`api::kader`, which fills the same fields from its JSON) both check with this.
pub(crate) fn check_measure<'a>(
    input: &'a FormData,
    app: &Stored,
    has_file: bool,
) -> Result<MeasureUpdate<'a>, FormErrors> {
    let mut errors = FormErrors::new();
    let status = crate::register::options::value_in(store::STATUSES, input.get("status"));
    if status.is_none() {
        errors.add("status", "Kies de status van de maatregel.");
    }
    let (reason, evidence, url) =
        (input.get("reason").trim(), input.get("evidence").trim(), input.get("evidence_url").trim());
    if status == Some("niet_van_toepassing") && reason.chars().count() < 10 {
        errors.add("reason", "Vul bij Reden in waarom de maatregel niet van toepassing is (minstens 10 tekens).");
    }
    if status == Some("gereed") && evidence.is_empty() && url.is_empty() && !has_file {
        errors.add(
            "evidence",
            "Vul bij Bewijs een toelichting of een link naar het bewijs in, of voeg een bewijsbestand toe: een gerede maatregel heeft bewijs.",
        );
    }
    errors.optional("evidence", "bewijs", evidence, 5000);
    errors.optional("reason", "reden", reason, 2000);
    if !url.is_empty() && !is_https_link(url) {
        errors.add(
            "evidence_url",
            "Vul bij Link naar bewijs een https-adres in, zoals https://intranet.example.nl/dossier.",
        );
    }
    let owner = match input.get("owner") {
        "" => None,
        o => match Uuid::parse_str(o).ok().filter(|u| app.rasci.iter().any(|e| e.user_id == Some(*u))) {
            Some(u) => Some(u),
            None => {
                errors.add("owner", "Kies bij Eigenaar iemand uit de RASCI van deze registratie.");
                None
            }
        },
    };
    let review_date = errors.date("review_date", "Herbeoordelen op", input.get("review_date"));
    let version = input.get("version").parse().unwrap_or(-1);
    match status {
        Some(status) if errors.is_empty() => Ok(MeasureUpdate {
            measure: "",
            status,
            reason: Some(reason).filter(|r| !r.is_empty() && status == "niet_van_toepassing"),
            owner_id: owner,
            evidence: Some(evidence).filter(|e| !e.is_empty()),
            evidence_url: Some(url).filter(|e| !e.is_empty()),
            review_date,
            version,
            document: None,
        }),
        _ => Err(errors),
    }
}

/// Store a checked measure in the transaction that locked `app`, as the tab and the API do: the save (a
/// Conflict when someone saved it in between), the replaced or removed file deleted, and the audit event
/// `application.measure_updated` whose line says what the measure became.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record(
    tx: &mut PgConnection,
    user: &CurrentUser,
    app: &Stored,
    m: &Measure,
    update: &MeasureUpdate<'_>,
    old: (Option<Uuid>, Option<&str>),
    new_name: Option<&str>,
) -> AppResult<()> {
    if !store::save_measure(tx, app.id, update, user.user_id).await? {
        return Err(AppError::Conflict(
            "Deze maatregel is intussen door iemand anders bijgewerkt. Laad de pagina opnieuw en bekijk de nieuwe stand.".into(),
        ));
    }
    // A replaced or removed file is deleted, as a replaced assessment report is; the history names it.
    if let Some(old) = old.0.filter(|_| update.document.is_some()) {
        sqlx::query!("delete from assessment_document where document_id = $1", old).execute(&mut *tx).await?;
    }
    let owners = match update.owner_id {
        Some(u) => apps::members_among(&mut *tx, app.organisation_id, &[u]).await?,
        None => Vec::new(),
    };
    let owner = owners.first().map(|m| m.name.as_str());
    let line = format!(
        "{} – {}: {}{}{}{}",
        m.id,
        m.title,
        label(store::STATUSES, update.status).to_lowercase(),
        owner.map(|o| format!("; eigenaar {o}")).unwrap_or_default(),
        update.reason.map(|r| format!("; reden: {r}")).unwrap_or_default(),
        file_note(old.1, new_name, update.document == Some(None)),
    );
    apps::record_note(tx, &Actor::from(user), "application.measure_updated", app, ("kader", &line)).await?;
    Ok(())
}

/// What a save did to the evidence file, for the history: "; bewijsbestand x.pdf toegevoegd".
fn file_note(old: Option<&str>, new: Option<&str>, removed: bool) -> String {
    match (old, new) {
        (None, Some(n)) => format!("; bewijsbestand {n} toegevoegd"),
        (Some(o), Some(n)) => format!("; bewijsbestand {o} vervangen door {n}"),
        (Some(o), None) if removed => format!("; bewijsbestand {o} verwijderd"),
        _ => String::new(),
    }
}

pub(super) async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, mtr)): Path<(Uuid, String)>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let kader = kader()?;
    let m = kader.measure(&mtr).ok_or(AppError::NotFound)?;
    let (input, upload) = match document::read_body(&headers, body).await? {
        Ok(read) => read,
        Err(too_large) => return Ok(too_large),
    };
    let mut file_errors = FormErrors::new();
    let checked = match &upload {
        Some(u) => document::check(u, &mut file_errors).await?,
        None => None,
    };
    let mut tx = state.pool.begin().await?;
    let app = apps::lock(&mut tx, org, id).await?.ok_or(AppError::NotFound)?;
    if !can_work(&user, &app) {
        return Err(AppError::Forbidden);
    }
    let (old_doc, old_name, _) = store::evidence_file(&mut tx, id, &m.id).await?.unwrap_or((None, None, 0));
    let remove = input.get("remove_document") == "ja";
    let has_file = checked.is_some() || (old_doc.is_some() && !remove);
    let checked_input = check_measure(&input, &app, has_file);
    let file_message = file_errors.iter().next().map(|(_, e)| format!("Bewijsbestand: {e}"));
    let mut update = match (checked_input, file_message) {
        (Ok(u), None) => u,
        (result, file) => {
            drop(tx);
            let errors = result.err().map(|e| e.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" "));
            let message = [errors, file].into_iter().flatten().collect::<Vec<_>>().join(" ");
            let fase = input.get("fase").to_string();
            let refusal = Refusal { measure: Some((mtr, input.clone(), message)), ..Refusal::default() };
            // The filter the form was on (tab_page shows every phase if the measure is not among them).
            return tab_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, refusal, &fase, "").await;
        }
    };
    update.measure = &m.id;
    let new_name = match (&checked, &upload) {
        (Some((kind, name)), Some(u)) => {
            update.document = Some(Some(document::store(&mut tx, org, user.user_id, *kind, name, u).await?));
            Some(name.as_str())
        }
        _ => {
            if remove && old_doc.is_some() {
                update.document = Some(None);
            }
            None
        }
    };
    record(&mut tx, &user, &app, m, &update, (old_doc, old_name.as_deref()), new_name).await?;
    tx.commit().await?;
    // Back to the filter the form was on and the requirement it was in (still open), at the measure.
    let fase = Some(input.get("fase")).filter(|f| super::phase::is_known(f)).unwrap_or_default();
    let within = Some(input.get("vereiste")).filter(|r| kader.requirement(r).is_some()).unwrap_or_default();
    let back = tab_address(id, fase, within, &format!("maatregel-{mtr}"));
    session::flash_redirect(&state.pool, &user, "De maatregel is opgeslagen.", &back).await
}

/// The evidence file, as an attachment, for whoever may see the registration.
pub(super) async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, mtr)): Path<(Uuid, String)>,
) -> AppResult<Response> {
    let (org, _) = load(&state, &user, id).await?;
    let mut conn = state.pool.acquire().await?;
    let (doc, _, _) = store::evidence_file(&mut conn, id, &mtr).await?.ok_or(AppError::NotFound)?;
    document::serve(&mut *conn, org, doc.ok_or(AppError::NotFound)?).await
}

#[cfg(test)]
mod tests {
    use super::file_note;

    #[test]
    fn the_history_names_what_happened_to_the_file() {
        assert_eq!(file_note(None, Some("a.pdf"), false), "; bewijsbestand a.pdf toegevoegd");
        assert_eq!(file_note(Some("a.pdf"), Some("b.pdf"), false), "; bewijsbestand a.pdf vervangen door b.pdf");
        assert_eq!(file_note(Some("a.pdf"), None, true), "; bewijsbestand a.pdf verwijderd");
        assert_eq!(file_note(Some("a.pdf"), None, false), "");
    }
}
