//! Filling in the government questionnaires (Pre-scan DPIA, DPIA, IAMA) as part of an application's
//! assessment record: one section (top-level task) per page, conditional questions shown once the answer they
//! depend on is saved, progress per section, save and resume by several people (version-checked: a stale
//! save gets 409 with the input kept), mark complete (which completes the assessment and, for a pre-scan,
//! records its verdict), and a print view for a clean PDF from the browser.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{Value as J, json};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::definition::{Answers, Definition, Task};
use super::prescan;
use crate::AppState;
use crate::applications::organisation;
use crate::applications::summary::{Summary, summary};
use crate::applications::views::OptView;
use crate::assessments::{can_change, can_download};
use crate::audit::Actor;
use crate::auth::session::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::register::form::FormData;
use crate::register::store::{self, Stored};
use crate::web::layout::Layout;
use crate::web::{format_datetime, render_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register/{id}/vragenlijsten/{kind}/start", post(start))
        .route("/register/{id}/vragenlijst/{qid}", get(page).post(save))
        .route("/register/{id}/vragenlijst/{qid}/afdrukken", get(print))
}

/// The three kinds, their assessment kind and their definition.
pub const KINDS: [(&str, &str, &str); 3] =
    [("prescan", "prescan_dpia", "Pre-scan DPIA"), ("dpia", "dpia", "DPIA"), ("iama", "iama", "IAMA")];

fn definition(kind: &str) -> AppResult<&'static Definition> {
    let sets = super::load().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    match kind {
        "prescan" => Ok(&sets.prescan),
        "dpia" => Ok(&sets.dpia),
        "iama" => Ok(&sets.iama),
        _ => Err(AppError::NotFound),
    }
}

/// An option's value as a form sends it back.
fn form_value(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    questionnaire_id: Uuid,
    assessment_id: Uuid,
    kind: String,
    definition_version: String,
    answers: J,
    status: String,
    version: i32,
    updated_by_name: Option<String>,
    updated_at: OffsetDateTime,
}

impl Row {
    fn answers(&self) -> Answers {
        serde_json::from_value(self.answers.clone()).unwrap_or_default()
    }
}

async fn fetch(conn: &mut PgConnection, app: Uuid, qid: Uuid, lock: bool) -> AppResult<Row> {
    let sql = format!(
        "select q.questionnaire_id, q.assessment_id, q.kind, q.definition_version, q.answers, q.status, q.version,
                u.name as updated_by_name, q.updated_at
         from questionnaire q left join app_user u on u.user_id = q.updated_by
         where q.application_id = $1 and q.questionnaire_id = $2{}",
        if lock { " for update of q" } else { "" }
    );
    let row: Option<Row> = sqlx::query_as(&sql).bind(app).bind(qid).fetch_optional(&mut *conn).await?;
    row.ok_or(AppError::NotFound)
}

/// The answer key of a question in an instance of repeatable parts: its id for the first instance of
/// everything (so conditions and the pre-scan read it as usual), `id@2` or `id@1.3` for later ones.
fn key(id: &str, suffix: &[usize]) -> String {
    if suffix.iter().all(|n| *n == 1) {
        id.to_string()
    } else {
        format!("{id}@{}", suffix.iter().map(usize::to_string).collect::<Vec<_>>().join("."))
    }
}

/// How many instances a repeatable part has (stored as `key@count`; at least one).
fn instances(answers: &Answers, key: &str) -> usize {
    answers.get(&format!("{key}@count")).and_then(J::as_u64).map(|n| n.clamp(1, 50) as usize).unwrap_or(1)
}

/// One thing on a section page: a (sub)group heading or a question.
pub struct Item {
    pub id: String,
    pub depth: usize,
    pub group: bool,
    pub title: String,
    pub description: String,
    /// radio, checkbox, select, textarea, text, date, info
    pub control: &'static str,
    pub name: String,
    pub choices: Vec<OptView>,
    pub value: String,
    pub error: Option<String>,
}

impl Item {
    /// The chosen options' labels, for read-only and print views.
    pub fn chosen(&self) -> String {
        self.choices.iter().filter(|o| o.selected).map(|o| o.label.as_str()).collect::<Vec<_>>().join("; ")
    }

    /// The ids of the hint and error that describe the field.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.description.is_empty() {
            ids.push(format!("v-{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("v-{}-error", self.id));
        }
        ids.join(" ")
    }
}

fn control(t: &Task) -> &'static str {
    match t.kind() {
        "radio_option" => "radio",
        "checkbox_option" | "multiselect_scrollable" => "checkbox",
        "select_option" => "select",
        "open_text" => "textarea",
        "text_input" => "text",
        "date" => "date",
        _ => "info",
    }
}

/// The visible items of a section, with values from the form (after a refused save) or the stored answers.
fn items(
    def: &Definition,
    section: &Task,
    answers: &Answers,
    input: Option<&FormData>,
    errors: &[(String, String)],
) -> Vec<Item> {
    #[allow(clippy::too_many_arguments)]
    fn walk(
        def: &Definition,
        t: &Task,
        depth: usize,
        suffix: &[usize],
        answers: &Answers,
        input: Option<&FormData>,
        errors: &[(String, String)],
        out: &mut Vec<Item>,
    ) {
        if !def.visible(&t.id, answers) {
            return;
        }
        if t.repeatable {
            // A repeatable part ("add another") is shown once per instance, then a button for one more.
            let count = instances(answers, &key(&t.id, suffix));
            for n in 1..=count {
                let inner = [suffix, &[n]].concat();
                one(def, t, depth, &inner, answers, input, errors, out, (count > 1).then_some(n));
            }
            out.push(Item {
                id: format!("{}-erbij", key(&t.id, suffix)),
                depth,
                group: false,
                title: format!(
                    "Nog een toevoegen: {}",
                    if t.task.trim().is_empty() { "item" } else { t.task.as_str() }
                ),
                description: String::new(),
                control: "add",
                name: key(&t.id, suffix),
                choices: Vec::new(),
                value: String::new(),
                error: None,
            });
        } else {
            one(def, t, depth, suffix, answers, input, errors, out, None);
        }
    }
    #[allow(clippy::too_many_arguments)]
    fn one(
        def: &Definition,
        t: &Task,
        depth: usize,
        suffix: &[usize],
        answers: &Answers,
        input: Option<&FormData>,
        errors: &[(String, String)],
        out: &mut Vec<Item>,
        instance: Option<usize>,
    ) {
        let k = key(&t.id, suffix);
        let name = format!("q.{k}");
        let stored: Vec<String> = match answers.get(&k) {
            Some(J::Array(a)) => a.iter().map(form_value).collect(),
            Some(J::Null) | None => Vec::new(),
            Some(v) => vec![form_value(v)],
        };
        let given: Vec<String> = match input {
            Some(f) => f.all(&name).into_iter().map(str::to_string).collect(),
            None => stored,
        };
        out.push(Item {
            id: k.clone(),
            depth,
            group: t.is_group(),
            title: match instance {
                Some(n) => format!("{} ({n})", t.task),
                None => t.task.clone(),
            },
            description: crate::register::richtext::reference_html(t.description.as_deref().unwrap_or("")),
            control: if t.is_group() { "info" } else { control(t) },
            choices: t
                .options_with(answers)
                .iter()
                .map(|o| {
                    let value = form_value(&o.value);
                    OptView { selected: given.contains(&value), label: o.text(), value }
                })
                .collect(),
            value: given.first().cloned().unwrap_or_default(),
            error: errors.iter().find(|(id, _)| *id == k).map(|(_, m)| m.clone()),
            name,
        });
        for c in &t.tasks {
            walk(def, c, depth + 1, suffix, answers, input, errors, out);
        }
    }
    let mut out = Vec::new();
    for t in &section.tasks {
        walk(def, t, 0, &[], answers, input, errors, &mut out);
    }
    if section.tasks.is_empty() {
        walk(def, section, 0, &[], answers, input, errors, &mut out);
    }
    // A question without its own text (the text is its group's heading) takes the group's, so every field
    // has a meaningful label.
    let mut group_title = section.task.clone();
    for it in &mut out {
        if it.group && !it.title.trim().is_empty() {
            group_title = it.title.clone();
        } else if it.title.trim().is_empty() {
            it.title = group_title.clone();
        }
    }
    out
}

/// Visible single-choice questions (radio, select) without an answer, as (part number, question id): a
/// questionnaire is not complete while they are open, so an empty one cannot count as a risk analysis.
fn unanswered_choices(def: &Definition, answers: &Answers) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, section) in def.tasks.iter().enumerate() {
        fn flat<'a>(t: &'a Task, out: &mut Vec<&'a Task>) {
            if !t.is_group() {
                out.push(t);
            }
            t.tasks.iter().for_each(|c| flat(c, out));
        }
        let mut qs = Vec::new();
        flat(section, &mut qs);
        for t in qs {
            let choice = matches!(control(t), "radio" | "select") && !t.options_with(answers).is_empty();
            if choice && def.visible(&t.id, answers) && answers.get(&t.id).is_none_or(J::is_null) {
                out.push((i + 1, t.id.clone()));
            }
        }
    }
    out
}

/// Visible questions of a section and how many have an answer.
fn progress(def: &Definition, section: &Task, answers: &Answers) -> (usize, usize) {
    let qs: Vec<&Task> = {
        fn flat<'a>(t: &'a Task, out: &mut Vec<&'a Task>) {
            if !t.is_group() {
                out.push(t);
            }
            t.tasks.iter().for_each(|c| flat(c, out));
        }
        let mut v = Vec::new();
        flat(section, &mut v);
        v
    };
    let visible: Vec<&&Task> = qs.iter().filter(|t| control(t) != "info" && def.visible(&t.id, answers)).collect();
    let answered = visible
        .iter()
        .filter(|t| match answers.get(&t.id) {
            None | Some(J::Null) => false,
            Some(J::Array(a)) => !a.is_empty(),
            Some(J::String(s)) => !s.trim().is_empty(),
            Some(_) => true,
        })
        .count();
    (answered, visible.len())
}

pub struct SectionLink {
    pub index: usize,
    pub title: String,
    pub answered: usize,
    pub total: usize,
    pub current: bool,
}

pub struct VerdictView {
    pub assessment: String,
    pub label: &'static str,
    /// The criteria that fired, as the question set words them.
    pub reasons: Vec<String>,
}

fn verdict_views(def: &Definition, answers: &Answers) -> Vec<VerdictView> {
    prescan::evaluate(def, answers)
        .verdicts
        .into_iter()
        .map(|v| VerdictView {
            label: v.label(),
            reasons: v.criteria.iter().map(|c| c.explanation.clone()).filter(|e| !e.is_empty()).collect(),
            assessment: v.assessment,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "questionnaires/page.html")]
pub struct Page {
    pub layout: Layout,
    pub app: Summary,
    pub tab: &'static str,
    pub qid: Uuid,
    pub name: String,
    pub version_label: String,
    pub version: i32,
    pub completed: bool,
    pub can_change: bool,
    pub sections: Vec<SectionLink>,
    pub section: usize,
    pub section_title: String,
    pub section_description: String,
    pub items: Vec<Item>,
    pub verdicts: Vec<VerdictView>,
    pub last_saved: String,
    pub conflict: bool,
    pub error_count: usize,
    /// The part has something to answer (an introduction only has text).
    pub has_questions: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SectionQuery {
    deel: usize,
}

struct View<'a> {
    section: usize,
    input: Option<&'a FormData>,
    errors: Vec<(String, String)>,
    conflict: bool,
}

async fn page_response(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    qid: Uuid,
    status: StatusCode,
    v: View<'_>,
) -> AppResult<Response> {
    let org = organisation(user)?;
    let mut conn = state.pool.acquire().await?;
    let app = store::get_in(&mut conn, org, id).await?.ok_or(AppError::NotFound)?;
    if !can_download(user, &app) {
        return Err(AppError::Forbidden);
    }
    let row = fetch(&mut conn, id, qid, false).await?;
    drop(conn);
    let def = definition(&row.kind)?;
    let answers = row.answers();
    let section = v.section.min(def.tasks.len().saturating_sub(1));
    let current = &def.tasks[section];
    let sections = def
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let (answered, total) = progress(def, t, &answers);
            SectionLink { index: i, title: t.task.clone(), answered, total, current: i == section }
        })
        .collect();
    let page = Page {
        layout: Layout::for_user(user, &format!("{} – {}", def.name, app.name()), "/register")
            .with_errors(!v.errors.is_empty() || v.conflict),
        app: summary(user, &app),
        tab: "assessments",
        qid,
        name: def.name.clone(),
        version_label: row.definition_version.clone(),
        version: row.version,
        completed: row.status == "afgerond",
        can_change: can_change(user, &app),
        sections,
        section,
        section_title: current.task.clone(),
        section_description: crate::register::richtext::reference_html(current.description.as_deref().unwrap_or("")),
        has_questions: progress(def, current, &answers).1 > 0
            || current.tasks.iter().any(|t| !t.is_group() && control(t) != "info"),
        items: items(def, current, &answers, v.input, &v.errors),
        verdicts: if row.kind == "prescan" { verdict_views(def, &answers) } else { Vec::new() },
        last_saved: format!(
            "{}{}",
            format_datetime(row.updated_at),
            row.updated_by_name.map(|n| format!(" door {n}")).unwrap_or_default()
        ),
        conflict: v.conflict,
        error_count: v.errors.len(),
    };
    render_status(status, &page)
}

#[tracing::instrument(skip_all)]
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, qid)): Path<(Uuid, Uuid)>,
    Query(q): Query<SectionQuery>,
) -> AppResult<Response> {
    page_response(
        &state,
        &user,
        id,
        qid,
        StatusCode::OK,
        View { section: q.deel, input: None, errors: Vec::new(), conflict: false },
    )
    .await
}

async fn locked_app(conn: &mut PgConnection, user: &CurrentUser, id: Uuid) -> AppResult<(Uuid, Stored)> {
    let org = organisation(user)?;
    let app = store::lock(conn, org, id).await?.ok_or(AppError::NotFound)?;
    if !can_change(user, &app) {
        tracing::warn!(event = "authz_denied", user_id = %user.user_id, application_id = %id, action = "questionnaire", "questionnaire change refused");
        return Err(AppError::Forbidden);
    }
    Ok((org, app))
}

/// Start a questionnaire: a new assessment record (in uitvoering) with the questionnaire attached.
#[tracing::instrument(skip_all)]
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(Uuid, String)>,
) -> AppResult<Response> {
    let (_, assessment_kind, _) = *KINDS.iter().find(|(k, _, _)| *k == kind).ok_or(AppError::NotFound)?;
    let def = definition(&kind)?;
    let org = organisation(&user)?;
    let members = store::members(&state.pool, org).await?;
    let mut tx = state.pool.begin().await?;
    let (_, app) = locked_app(&mut tx, &user, id).await?;
    let open: Option<Uuid> = sqlx::query_scalar!(
        "select questionnaire_id from questionnaire where application_id = $1 and kind = $2 and status = 'in_uitvoering'
         order by created_at limit 1",
        id,
        &kind
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(qid) = open {
        drop(tx);
        let message = format!("Er is al een {} in uitvoering; u gaat daarmee verder.", def.name);
        return session::flash_redirect(&state.pool, &user, &message, &format!("/register/{id}/vragenlijst/{qid}"))
            .await;
    }
    let assessment_id = Uuid::now_v7();
    sqlx::query!(
        "insert into assessment (assessment_id, application_id, kind, status, started_on, performed_by, created_by)
         values ($1, $2, $3, 'in_uitvoering', $4, $5, $6)",
        assessment_id,
        id,
        assessment_kind,
        crate::web::today(),
        &user.name,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    let qid = Uuid::now_v7();
    sqlx::query!(
        "insert into questionnaire (questionnaire_id, assessment_id, application_id, kind, definition_name, definition_version, started_by, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $7)",
        qid,
        assessment_id,
        id,
        &kind,
        &def.name,
        &def.version,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    let line = format!("{} {} gestart (vragenlijst)", def.name, def.version);
    store::record_note(
        &mut tx,
        &Actor::from(&user),
        "application.assessment_added",
        &app,
        &members,
        ("assessment", &line),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/register/{id}/vragenlijst/{qid}")).into_response())
}

/// Read one section's fields into the answers; problems per question id.
fn apply(
    def: &Definition,
    section: &Task,
    before: &Answers,
    input: &FormData,
    answers: &mut Answers,
) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    fn walk(
        def: &Definition,
        t: &Task,
        suffix: &[usize],
        before: &Answers,
        input: &FormData,
        answers: &mut Answers,
        errors: &mut Vec<(String, String)>,
    ) {
        // Only what the page showed (visible with the answers it was rendered from) is read.
        if !def.visible(&t.id, before) {
            return;
        }
        if t.repeatable && !suffix.ends_with(&[0]) {
            for n in 1..=instances(before, &key(&t.id, suffix)) {
                // A trailing 0 marks "this instance, do not expand again".
                let inner = [suffix, &[n, 0]].concat();
                walk(def, t, &inner, before, input, answers, errors);
            }
            return;
        }
        let suffix: Vec<usize> = suffix.iter().copied().filter(|n| *n != 0).collect();
        let suffix = suffix.as_slice();
        let k = key(&t.id, suffix);
        if !t.is_group() {
            let name = format!("q.{k}");
            let posted: Vec<&str> = input.all(&name);
            let options = t.options_with(before);
            let pick = |s: &str| options.iter().find(|o| form_value(&o.value) == s).map(|o| o.value.clone());
            let value = match control(t) {
                "radio" | "select" => match posted.first().filter(|s| !s.is_empty()) {
                    None => None,
                    Some(s) => match pick(s) {
                        Some(v) => Some(v),
                        None => {
                            errors.push((k.clone(), "Kies een van de opties.".into()));
                            None
                        }
                    },
                },
                "checkbox" => {
                    let mut vals = Vec::new();
                    for s in posted {
                        match pick(s) {
                            Some(v) => vals.push(v),
                            None => errors.push((k.clone(), "Kies alleen uit de opties.".into())),
                        }
                    }
                    Some(J::Array(vals))
                }
                "textarea" | "text" => {
                    let s = posted.first().map(|s| s.trim()).unwrap_or("");
                    let max = if control(t) == "text" { 500 } else { 10_000 };
                    if s.chars().count() > max {
                        errors.push((
                            t.id.clone(),
                            format!("Dit antwoord mag hoogstens {max} tekens lang zijn (nu {}).", s.chars().count()),
                        ));
                    }
                    (!s.is_empty()).then(|| J::String(s.to_string()))
                }
                "date" => {
                    let s = posted.first().map(|s| s.trim()).unwrap_or("");
                    let format = time::macros::format_description!("[year]-[month]-[day]");
                    if !s.is_empty() && time::Date::parse(s, format).is_err() {
                        errors.push((k.clone(), "Vul een geldige datum in, zoals 2027-03-31.".into()));
                    }
                    (!s.is_empty()).then(|| J::String(s.to_string()))
                }
                _ => return,
            };
            match value {
                Some(v) => {
                    answers.insert(k.clone(), v);
                }
                None => {
                    answers.remove(&k);
                }
            }
        }
        for c in &t.tasks {
            walk(def, c, suffix, before, input, answers, errors);
        }
    }
    walk(def, section, &[], before, input, answers, &mut errors);
    errors
}

/// Save a section; `actie` says what next: stay, go to the next section, complete, or reopen. Every write
/// happens inside the transaction that locked the row and checked the version the form was loaded with, and is
/// itself guarded by that version: two saves on the same version can never both win.
#[tracing::instrument(skip_all)]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, qid)): Path<(Uuid, Uuid)>,
    body: Bytes,
) -> AppResult<Response> {
    let input = FormData::parse(&body);
    let section: usize = input.get("deel").parse().unwrap_or(0);
    let action = input.get("actie").to_string();
    let org = organisation(&user)?;
    let members = store::members(&state.pool, org).await?;
    let mut tx = state.pool.begin().await?;
    let (_, app) = locked_app(&mut tx, &user, id).await?;
    let row = fetch(&mut tx, id, qid, true).await?;
    let def = definition(&row.kind)?;
    let view = |errors, conflict| View { section, input: Some(&input), errors, conflict };
    if input.get("version").parse::<i32>().ok() != Some(row.version) {
        drop(tx);
        return page_response(&state, &user, id, qid, StatusCode::CONFLICT, view(Vec::new(), true)).await;
    }
    let here = format!("/register/{id}/vragenlijst/{qid}");
    if action == "heropenen" {
        if row.status != "afgerond" {
            return Err(AppError::ConflictBack { back: here, message: "Deze vragenlijst is niet afgerond.".into() });
        }
        let note = format!("{} heropend", def.name);
        reopen(&mut tx, &user, &row).await?;
        store::record_note(
            &mut tx,
            &Actor::from(&user),
            "application.assessment_updated",
            &app,
            &members,
            ("assessment", &note),
        )
        .await?;
        tx.commit().await?;
        let to = format!("{here}?deel={section}");
        return session::flash_redirect(&state.pool, &user, "De vragenlijst is heropend.", &to).await;
    }
    if row.status == "afgerond" {
        return Err(AppError::ConflictBack {
            back: here,
            message: "Deze vragenlijst is afgerond. Heropen haar om antwoorden te wijzigen.".into(),
        });
    }
    let current = def.tasks.get(section).ok_or(AppError::NotFound)?;
    let before = row.answers();
    let mut answers = before.clone();
    let errors = apply(def, current, &before, &input, &mut answers);
    if !errors.is_empty() {
        drop(tx);
        return page_response(&state, &user, id, qid, StatusCode::UNPROCESSABLE_ENTITY, view(errors, false)).await;
    }
    // "Nog een toevoegen": one more instance of a repeatable part (after saving what was typed).
    if let Some(group) = action.strip_prefix("toevoegen:") {
        let n = instances(&before, group);
        answers.insert(format!("{group}@count"), json!(n + 1));
    }
    let open = if action == "afronden" { unanswered_choices(def, &answers) } else { Vec::new() };
    let complete = action == "afronden" && open.is_empty();
    let verdicts = complete.then(|| (row.kind == "prescan").then(|| prescan::evaluate(def, &answers))).flatten();
    write_answers(&mut tx, &user, &row, &answers, complete, verdicts.as_ref()).await?;
    let flash = if complete {
        let outcome = outcome_text(def, &answers, verdicts.as_ref());
        record_completion(&mut tx, &row, &outcome).await?;
        let note = format!("{} afgerond: {outcome}", def.name);
        store::record_note(
            &mut tx,
            &Actor::from(&user),
            "application.assessment_updated",
            &app,
            &members,
            ("assessment", &note),
        )
        .await?;
        format!("{} is afgerond en vastgelegd bij de assessments.", def.name)
    } else if !open.is_empty() {
        // What was typed is saved; then say what is still missing before completing.
        let shown: Vec<String> = open.iter().take(12).map(|(part, q)| format!("{q} (deel {part})")).collect();
        let more = if open.len() > 12 { format!(" en nog {}", open.len() - 12) } else { String::new() };
        format!(
            "Afronden kan nog niet: beantwoord eerst de keuzevragen {}{more}. Uw antwoorden in dit deel zijn opgeslagen.",
            shown.join(", ")
        )
    } else {
        "Uw antwoorden zijn opgeslagen.".to_string()
    };
    tx.commit().await?;
    let next = if action == "volgende" { (section + 1).min(def.tasks.len() - 1) } else { section };
    session::flash_redirect(&state.pool, &user, &flash, &format!("{here}?deel={next}")).await
}

/// A changed version at write time: only possible if the row lock was lost, but then nothing is overwritten.
fn stale(done: sqlx::postgres::PgQueryResult) -> AppResult<()> {
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict("De vragenlijst is intussen door iemand anders gewijzigd.".into()))
    }
}

/// The answers (and, when completing, the status and verdicts), at the version the form was loaded with.
async fn write_answers(
    tx: &mut PgConnection,
    user: &CurrentUser,
    row: &Row,
    answers: &Answers,
    complete: bool,
    verdicts: Option<&prescan::Outcome>,
) -> AppResult<()> {
    let done = sqlx::query!(
        "update questionnaire set answers = $2, version = version + 1, updated_by = $3,
                status = case when $4 then 'afgerond' else status end,
                completed_at = case when $4 then now() else completed_at end,
                completed_by = case when $4 then $3 else completed_by end,
                verdicts = case when $4 then $5 else verdicts end
         where questionnaire_id = $1 and version = $6",
        row.questionnaire_id,
        json!(answers),
        user.user_id,
        complete,
        verdicts.map(|v| json!(v.verdicts)),
        row.version
    )
    .execute(&mut *tx)
    .await?;
    stale(done)
}

/// Back to "in uitvoering", the questionnaire and its assessment.
async fn reopen(tx: &mut PgConnection, user: &CurrentUser, row: &Row) -> AppResult<()> {
    let done = sqlx::query!(
        "update questionnaire set status = 'in_uitvoering', completed_at = null, completed_by = null,
                version = version + 1, updated_by = $2
          where questionnaire_id = $1 and version = $3",
        row.questionnaire_id,
        user.user_id,
        row.version
    )
    .execute(&mut *tx)
    .await?;
    stale(done)?;
    sqlx::query!(
        "update assessment set status = 'in_uitvoering', completed_on = null, version = version + 1 where assessment_id = $1",
        row.assessment_id
    )
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The assessment the questionnaire belongs to is completed with the outcome.
async fn record_completion(tx: &mut PgConnection, row: &Row, outcome: &str) -> AppResult<()> {
    sqlx::query!(
        "update assessment set status = 'afgerond', completed_on = $2, outcome = $3, version = version + 1
         where assessment_id = $1",
        row.assessment_id,
        crate::web::today(),
        outcome.chars().take(5000).collect::<String>()
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The outcome in words: the Pre-scan's verdicts with their criteria, or how far another list was filled in.
fn outcome_text(def: &Definition, answers: &Answers, verdicts: Option<&prescan::Outcome>) -> String {
    match verdicts {
        Some(v) => v
            .verdicts
            .iter()
            .map(|x| {
                let why: Vec<&str> =
                    x.criteria.iter().map(|c| c.explanation.as_str()).filter(|e| !e.is_empty()).collect();
                if why.is_empty() {
                    format!("{}: {}", x.assessment, x.label())
                } else {
                    format!("{}: {} (criteria: {})", x.assessment, x.label(), why.join("; "))
                }
            })
            .collect::<Vec<_>>()
            .join(". "),
        None => {
            let (a, t) =
                def.tasks.iter().map(|s| progress(def, s, answers)).fold((0, 0), |(a, t), (x, y)| (a + x, t + y));
            format!("{} {} ingevuld: {a} van {t} vragen beantwoord.", def.name, def.version)
        }
    }
}

pub struct PrintSection {
    pub title: String,
    pub items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "questionnaires/print.html")]
pub struct PrintPage {
    pub layout: Layout,
    pub app_name: String,
    pub name: String,
    pub version_label: String,
    pub status: &'static str,
    pub last_saved: String,
    pub sections: Vec<PrintSection>,
    pub verdicts: Vec<VerdictView>,
}

/// Everything on one page, for printing to PDF.
#[tracing::instrument(skip_all)]
pub async fn print(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, qid)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    let org = organisation(&user)?;
    let mut conn = state.pool.acquire().await?;
    let app = store::get_in(&mut conn, org, id).await?.ok_or(AppError::NotFound)?;
    if !can_download(&user, &app) {
        return Err(AppError::Forbidden);
    }
    let row = fetch(&mut conn, id, qid, false).await?;
    drop(conn);
    let def = definition(&row.kind)?;
    let answers = row.answers();
    let sections = def
        .tasks
        .iter()
        .map(|s| PrintSection { title: s.task.clone(), items: items(def, s, &answers, None, &[]) })
        .collect();
    render_status(
        StatusCode::OK,
        &PrintPage {
            layout: Layout::for_user(&user, &format!("{} – {} (afdrukken)", def.name, app.name()), "/register"),
            app_name: app.name().to_string(),
            name: def.name.clone(),
            version_label: row.definition_version.clone(),
            status: if row.status == "afgerond" { "Afgerond" } else { "In uitvoering" },
            last_saved: format!(
                "{}{}",
                format_datetime(row.updated_at),
                row.updated_by_name.map(|n| format!(" door {n}")).unwrap_or_default()
            ),
            sections,
            verdicts: if row.kind == "prescan" { verdict_views(def, &answers) } else { Vec::new() },
        },
    )
}
