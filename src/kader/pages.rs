//! The "Vereisten" tab of a registration: its AI Act profile, the applicable requirements (taken over from the
//! outcome, with the difference shown when it changed), marking one not applicable with a reason, and per
//! measure its status, owner, evidence and review date. And the CISO's overview across the register.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use uuid::Uuid;

use super::actions::{can_work, check_reason, computed, kader, set_reason, take_over_set};
use super::phase::{self, PhaseQuery};
use super::reference::Kader;
use super::rule;
use super::store;
use super::view::{self, RequirementView};
use crate::AppState;
use crate::applications::load;
use crate::applications::summary::{Summary, summary};
use crate::auth::session::{self, CurrentUser};
use crate::error::AppResult;
use crate::register::access;
use crate::register::form::{FormData, Member};
use crate::register::store::{self as apps, Stored};
use crate::web::forms::OptView;
use crate::web::layout::Layout;
use crate::web::render_status;

pub fn router() -> Router<AppState> {
    crate::register::facts::register_kader_reader(super::gate::reader);
    Router::new()
        .route("/vereisten", get(super::report::overview))
        .route("/vereisten/rapport", get(super::report::register_print))
        .route("/vereisten/rapport.xlsx", get(super::report::register_xlsx))
        .route("/register/{id}/vereisten", get(tab))
        .route("/register/{id}/vereisten/overnemen", post(take_over))
        .route("/register/{id}/vereisten/rapport", get(super::report::print))
        .route("/register/{id}/vereisten/rapport.xlsx", get(super::report::xlsx))
        .route("/register/{id}/vereisten/{req}/niet-van-toepassing", post(exclude))
        .route("/register/{id}/vereisten/{req}/van-toepassing", post(include))
        .route("/register/{id}/maatregelen/{mtr}", post(super::measure::save))
        .route("/register/{id}/maatregelen/{mtr}/bewijs", get(super::measure::download))
        // Evidence files: the upload forms' body limit (the CSRF layer reads them: assessments::is_upload_path).
        .layer(axum::extract::DefaultBodyLimit::max(crate::web::multipart::MAX_UPLOAD_BODY))
}

#[derive(Template)]
#[template(path = "kader/tab.html")]
struct TabPage {
    layout: Layout,
    app: Summary,
    tab: &'static str,
    version: String,
    /// The profile in the Algoritmekader's labels ("Risicogroep: hoog-risico-ai-systeem"), empty without one.
    profile: Vec<(String, String)>,
    /// Whether the recomputed set differs from the one taken over (or none was taken over yet).
    changed: bool,
    added: Vec<String>,
    removed: Vec<String>,
    requirements: Vec<RequirementView>,
    counts: (usize, usize, usize),
    can_manage: bool,
    can_work: bool,
    owners: Vec<(String, String)>,
    statuses: &'static [(&'static str, &'static str)],
    /// A refused "not applicable": requirement and message.
    exclude_error: Option<(String, String)>,
    /// The lifecycle filter's choices (value, label, selected) and how many requirements it shows.
    phases: Vec<(String, String, bool)>,
    shown: usize,
    /// The filter chosen (a known value, or empty): a measure's save returns to it.
    fase: String,
    /// The requirement being worked on: open, with a form per measure. The others show their measures' state
    /// and a link that opens them (a high-risk deployer's 34 requirements hold 294 measure entries; a form for
    /// each made the tab 1.3 MB).
    worked_on: String,
}

impl TabPage {
    /// The requirement being worked on is shown open, with its forms.
    fn expanded(&self, r: &RequirementView) -> bool {
        r.id == self.worked_on
    }
    /// The tab with this requirement open, on the same filter.
    fn work_on(&self, r: &RequirementView) -> String {
        tab_address(self.app.id, &self.fase, &r.id, &format!("vereiste-{}", r.id))
    }
    fn status_options(&self, current: &str) -> Vec<OptView> {
        FormData::from_pairs([("s".to_string(), current.to_string())]).choices("s", self.statuses)
    }
    fn owner_options(&self, current: &str) -> Vec<OptView> {
        let opts: Vec<(&str, &str)> = self.owners.iter().map(|(v, l)| (v.as_str(), l.as_str())).collect();
        FormData::from_pairs([("o".to_string(), current.to_string())]).choices("o", &opts)
    }
}

/// The tab's address on a phase filter and with a requirement worked on (either empty for none, both already
/// checked), at an anchor.
pub(super) fn tab_address(id: Uuid, fase: &str, vereiste: &str, anchor: &str) -> String {
    let query: Vec<String> = [("fase", fase), ("vereiste", vereiste)]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
    format!("/register/{id}/vereisten{query}#{anchor}")
}

/// Refused input at one measure or requirement, shown there.
#[derive(Default)]
pub(super) struct Refusal {
    pub(super) measure: Option<(String, FormData, String)>,
    pub(super) exclude: Option<(String, String)>,
}

pub(super) async fn tab_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    code: StatusCode,
    refusal: Refusal,
    fase: &str,
    asked: &str,
) -> AppResult<Response> {
    let (org, app) = load(state, user, id).await?;
    let kader = kader()?;
    let (profile, now) = computed(state, kader, id).await?;
    let reqs = store::requirements(&state.pool, org, Some(id)).await?;
    let measures = store::measures(&state.pool, org, Some(id)).await?;
    let before: Vec<String> = reqs.iter().filter(|r| r.applicable).map(|r| r.requirement.clone()).collect();
    let (added, removed) = rule::difference(&before, &now);
    let mut requirements = view::requirements(kader, id, &reqs, &measures);
    if let Some((mid, input, message)) = &refusal.measure {
        for m in requirements.iter_mut().flat_map(|r| r.measures.iter_mut()).filter(|m| m.id == *mid) {
            m.status_value = input.get("status").to_string();
            m.reason = input.get("reason").to_string();
            m.owner_id = input.get("owner").to_string();
            m.evidence = input.get("evidence").to_string();
            m.evidence_url = input.get("evidence_url").to_string();
            m.review_date_input = input.get("review_date").to_string();
            m.error = Some(message.clone());
        }
    }
    // Only the RASCI people can own a measure: read those, not every member of the organisation.
    let rasci: Vec<Uuid> = app.rasci.iter().filter_map(|e| e.user_id).collect();
    let owners = owners(&app, &apps::members_among(&state.pool, org, &rasci).await?);
    let counts = view::counts(&requirements);
    let status = app.str("status");
    let own = match status {
        Some(s) => format!(
            "Fasen bij de status {s}: {}",
            phase::of_status(status).iter().map(|p| phase::label(p)).collect::<Vec<_>>().join(", ")
        ),
        None => "Alle fasen (de registratie heeft geen status)".to_string(),
    };
    let (mut requirements, fase) = shown(requirements, fase, status);
    let worked_on = worked_on(&requirements, &refusal, asked);
    // A save returns to `#maatregel-{id}`: the measure's place in the requirement worked on, else its first.
    let mut seen = std::collections::HashSet::new();
    for pass in [true, false] {
        for r in requirements.iter_mut().filter(|r| (r.id == worked_on) == pass) {
            for m in r.measures.iter_mut() {
                m.anchor = seen.insert(m.id.clone());
            }
        }
    }
    let has_error =
        refusal.exclude.is_some() || requirements.iter().any(|r| r.measures.iter().any(|m| m.error.is_some()));
    let page = TabPage {
        layout: Layout::for_user(user, &format!("Vereisten – {}", app.name()), "/register").with_errors(has_error),
        app: summary(user, &app),
        tab: "vereisten",
        version: format!("Algoritmekader {} ({})", kader.version, &kader.sha256[..12]),
        profile: profile
            .map(|p| p.values.iter().map(|(c, v)| (c.to_string(), v.join(", "))).collect())
            .unwrap_or_default(),
        changed: !added.is_empty() || !removed.is_empty(),
        added: added.iter().map(|r| title(kader, r)).collect(),
        removed: removed.iter().map(|r| title(kader, r)).collect(),
        counts,
        shown: requirements.len(),
        requirements,
        phases: phase::options(fase, &own),
        fase: if phase::is_known(fase) { fase.to_string() } else { String::new() },
        can_manage: access::can_manage(user, &app),
        can_work: can_work(user, &app),
        owners,
        statuses: store::STATUSES,
        exclude_error: refusal.exclude,
        worked_on,
    };
    render_status(code, &page)
}

/// The requirement worked on: where something was refused (a measure in the requirement its form was in, else
/// its first), else the one asked for, else the only one shown.
fn worked_on(requirements: &[RequirementView], refusal: &Refusal, asked: &str) -> String {
    let has = |r: &&RequirementView, id: &str| r.measures.iter().any(|m| m.id == id);
    let found = match (&refusal.measure, &refusal.exclude) {
        (Some((mid, input, _)), _) => {
            let within = input.get("vereiste");
            requirements
                .iter()
                .find(|r| r.id == within && has(r, mid))
                .or_else(|| requirements.iter().find(|r| has(r, mid)))
        }
        (None, Some((req, _))) => requirements.iter().find(|r| r.id == *req),
        (None, None) => requirements.iter().find(|r| r.id == asked),
    };
    match (found, requirements) {
        (Some(r), _) | (None, [r]) => r.id.clone(),
        _ => String::new(),
    }
}

/// Who can own a measure: the RASCI people of the registration, once each (value, name).
fn owners(app: &Stored, members: &[Member]) -> Vec<(String, String)> {
    let mut owners: Vec<(String, String)> = Vec::new();
    for uid in app.rasci.iter().filter_map(|e| e.user_id) {
        if let Some(m) = members.iter().find(|m| m.user_id == uid)
            && !owners.iter().any(|(v, _)| *v == uid.to_string())
        {
            owners.push((uid.to_string(), m.name.clone()));
        }
    }
    owners
}

/// The requirements of the chosen phases, and the filter that shows them. A refused measure is always on the
/// page: every phase when the chosen ones do not hold it.
fn shown<'a>(all: Vec<RequirementView>, fase: &'a str, status: Option<&str>) -> (Vec<RequirementView>, &'a str) {
    let refused = |rs: &[RequirementView]| rs.iter().any(|r| r.measures.iter().any(|m| m.error.is_some()));
    let chosen = phase::filter(all.clone(), &phase::chosen(fase, status));
    if refused(&all) && !refused(&chosen) { (all, "alle") } else { (chosen, fase) }
}

fn title(kader: &Kader, id: &str) -> String {
    kader.requirement(id).map(|r| format!("{id} – {}", r.title)).unwrap_or_else(|| id.to_string())
}

async fn tab(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Query(q): Query<PhaseQuery>,
) -> AppResult<Response> {
    tab_page(&state, &user, id, StatusCode::OK, Refusal::default(), &q.fase, &q.vereiste).await
}

/// Take over the recomputed set; the history says what came and went.
async fn take_over(State(state): State<AppState>, user: CurrentUser, Path(id): Path<Uuid>) -> AppResult<Response> {
    take_over_set(&state, &user, id).await?;
    let back = format!("/register/{id}/vereisten");
    session::flash_redirect(&state.pool, &user, "De vereisten zijn bijgewerkt.", &back).await
}

async fn reason_saved(state: AppState, user: CurrentUser, id: Uuid, req: &str) -> AppResult<Response> {
    let back = tab_address(id, "", req, &format!("vereiste-{req}"));
    session::flash_redirect(&state.pool, &user, "De vereiste is bijgewerkt.", &back).await
}

async fn exclude(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, req)): Path<(Uuid, String)>,
    body: Bytes,
) -> AppResult<Response> {
    let input = FormData::parse(&body);
    let reason = match check_reason(input.get("reason")) {
        Ok(reason) => reason,
        Err(errors) => {
            let message = errors.iter().next().map(|(_, m)| m.clone()).unwrap_or_default();
            let refusal = Refusal { exclude: Some((req, message)), ..Refusal::default() };
            // Every phase: the refused requirement must be on the page.
            return tab_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, refusal, "alle", "").await;
        }
    };
    set_reason(&state, &user, id, &req, Some(&reason)).await?;
    reason_saved(state, user, id, &req).await
}

async fn include(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, req)): Path<(Uuid, String)>,
) -> AppResult<Response> {
    set_reason(&state, &user, id, &req, None).await?;
    reason_saved(state, user, id, &req).await
}
