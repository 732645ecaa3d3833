//! "Mijn AI-geletterdheid": the person's own page. What is required of them (for their roles and the tools
//! they use) and how they stand, what expires, the trainings they recorded, and a form to record one (with a
//! link to the certificate or the certificate itself as evidence; the administrator confirms it).

use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::certificate::{self, CertificateView, Upload};
use super::forms::CompletionInput;
use super::rules::{LEVELS, Standing};
use super::{HOME, options, record, status, training_options};
use crate::AppState;
use crate::applications::organisation;
use crate::error::AppResult;
use crate::register::options::label_in;
use crate::web::forms::{FormData, FormErrors, OptView};
use crate::web::layout::Layout;
use crate::web::user::CurrentUser;
use crate::web::{format_date, render_status, session, today};

pub struct NeedView {
    pub title: String,
    pub level: String,
    pub reasons: String,
    pub standing: &'static str,
    pub standing_label: &'static str,
    pub until: String,
}

pub struct CompletionView {
    pub title: String,
    pub completed_on: String,
    pub evidence: String,
    pub certificate: Option<CertificateView>,
    pub confirmed: bool,
}

#[derive(Template)]
#[template(path = "literacy/mine.html")]
struct MinePage {
    layout: Layout,
    needs: Vec<NeedView>,
    completions: Vec<CompletionView>,
    trainings: Vec<OptView>,
    errors: FormErrors,
    input: FormData,
    manages: bool,
}

pub fn need_view(n: status::Need) -> NeedView {
    NeedView {
        level: label_in(LEVELS, &n.level),
        reasons: n.reasons.join(", "),
        standing: n.standing.as_str(),
        standing_label: n.standing.label(),
        until: match (n.standing, n.valid_until) {
            (Standing::Unconfirmed | Standing::Missing, _) | (_, None) => String::new(),
            (_, Some(d)) => format_date(d),
        },
        title: n.title,
    }
}

async fn completions(state: &AppState, org: Uuid, user_id: Uuid) -> AppResult<Vec<CompletionView>> {
    let rows = sqlx::query!(
        r#"select c.completion_id, t.title, c.completed_on, c.evidence_link,
                  c.confirmed_at as "confirmed_at?: OffsetDateTime",
                  d.file_name as "file_name?", d.size_bytes as "size_bytes?"
           from training_completion c join training t using (training_id)
           left join assessment_document d on d.document_id = c.certificate_document_id
           where c.organisation_id = $1 and c.user_id = $2 order by c.completed_on desc, lower(t.title)"#,
        org,
        user_id
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CompletionView {
            title: r.title,
            completed_on: format_date(r.completed_on),
            evidence: r.evidence_link.unwrap_or_default(),
            certificate: CertificateView::new(r.completion_id, r.file_name, r.size_bytes),
            confirmed: r.confirmed_at.is_some(),
        })
        .collect())
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    code: StatusCode,
    errors: FormErrors,
    input: FormData,
) -> AppResult<Response> {
    let org = organisation(user)?;
    let needs = status::needs_of(&state.pool, org, user.user_id, today()).await?;
    let trainings = training_options(&state.pool, org).await?;
    render_status(
        code,
        &MinePage {
            layout: Layout::for_user(user, "Mijn AI-geletterdheid", HOME).with_errors(!errors.is_empty()),
            needs: needs.into_iter().map(need_view).collect(),
            completions: completions(state, org, user.user_id).await?,
            trainings: options(&trainings, input.get("training_id")),
            errors,
            input,
            manages: super::manages(user),
        },
    )
}

#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    render(&state, &user, StatusCode::OK, FormErrors::new(), FormData::default()).await
}

/// Whether `training_id` is one of the organisation's trainings.
pub async fn training_in(state: &AppState, org: Uuid, training_id: Uuid) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!(
        "select title from training where training_id = $1 and organisation_id = $2",
        training_id,
        org
    )
    .fetch_optional(&state.pool)
    .await?)
}

/// Insert a completion and its audit event; false when the same one (person, training, day) was there already.
pub async fn insert_completion(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
    person: Uuid,
    c: &CompletionInput,
    confirmed: bool,
) -> AppResult<bool> {
    insert_with_certificate(state, user, org, person, c, confirmed, None).await
}

/// [`insert_completion`] with a checked certificate file, stored and audited in the same transaction (nothing
/// is stored when the completion was there already).
pub async fn insert_with_certificate(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
    person: Uuid,
    c: &CompletionInput,
    confirmed: bool,
    file: Option<Upload<'_>>,
) -> AppResult<bool> {
    let id = Uuid::now_v7();
    let source = if confirmed { "beheerder" } else { "zelf" };
    let mut tx = state.pool.begin().await?;
    let done = sqlx::query!(
        "insert into training_completion (completion_id, organisation_id, training_id, user_id, completed_on,
                evidence_link, source, recorded_by, confirmed_by, confirmed_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8::uuid, case when $9::boolean then $8::uuid end,
                 case when $9::boolean then now() end)
         on conflict (training_id, user_id, completed_on) do nothing",
        id,
        org,
        c.training_id,
        person,
        c.completed_on,
        c.evidence_link,
        source,
        user.user_id,
        confirmed
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if done {
        let after = json!({"training_id": c.training_id, "user_id": person, "completed_on": c.completed_on.to_string(),
            "evidence_link": c.evidence_link, "source": source, "confirmed": confirmed,
            "certificate": file.as_ref().map(|u| u.name)});
        record(&mut tx, user, org, "literacy.completion_recorded", ("training_completion", id), None, Some(after))
            .await?;
        if let Some(u) = &file {
            certificate::attach(&mut tx, user, org, id, u).await?;
        }
    }
    tx.commit().await?;
    Ok(done)
}

/// The person records a training they followed; it counts once the administrator confirms it.
#[tracing::instrument(skip_all)]
pub async fn record_own(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let posted = match certificate::read(&headers, body).await? {
        Ok(posted) => posted,
        Err(too_large) => return Ok(too_large),
    };
    let mut parsed = CompletionInput::read(&posted.input, false, today());
    if let Ok(c) = &parsed
        && training_in(&state, org, c.training_id).await?.is_none()
    {
        let mut e = FormErrors::new();
        e.add("training_id", "Kies een training uit de lijst.");
        parsed = Err(e);
    }
    let c = match parsed {
        Ok(c) if posted.errors.is_empty() => c,
        result => {
            let mut errors = result.err().unwrap_or_default();
            posted.add_errors_to(&mut errors);
            return render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, errors, posted.input).await;
        }
    };
    let done = insert_with_certificate(&state, &user, org, user.user_id, &c, false, posted.upload()).await?;
    let message = if done {
        "De training is vastgelegd. Zodra de beheerder hem bevestigt, telt hij mee."
    } else {
        "Deze training stond op die datum al bij u vastgelegd."
    };
    session::flash_redirect(&state.pool, &user, message, HOME).await
}
