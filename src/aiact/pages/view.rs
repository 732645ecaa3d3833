//! The decision aid's tab: the question to answer now (with the path so far), the outcome of the latest
//! completed run with its path, and earlier runs. `tab_page` also re-renders it with the answer form's errors.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::{Run, html, may_run, runs};
use crate::AppState;
use crate::aiact::engine;
use crate::aiact::recheck::{Concluded, Recheck, recheck};
use crate::aiact::tree::Tree;
use crate::applications::organisation;
use crate::applications::summary::{Summary, summary};
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::fields::{AI_ACT_RISK_GROUPS, label_of};
use crate::register::form::FormData;
use crate::register::store;
use crate::web::forms::FormErrors;
use crate::web::layout::Layout;
use crate::web::{format_datetime, render_status};

pub struct Choice {
    pub index: usize,
    pub text: String,
    pub checked: bool,
}

pub struct StepView {
    pub name: String,
    pub state: &'static str,
}

pub struct QuestionView {
    pub started: String,
    pub version: i32,
    pub question_id: String,
    pub question: String,
    pub explanation: String,
    pub step: String,
    pub topic: String,
    pub steps: Vec<StepView>,
    pub answered: usize,
    pub sources: Vec<(String, String)>,
    pub definitions: Vec<(String, String)>,
    pub choices: Vec<Choice>,
    pub remark: String,
}

pub struct PathEntry {
    pub question: String,
    pub answer: String,
    pub remark: String,
}

pub struct ResultView {
    pub labels: String,
    pub sources: Vec<(String, String)>,
    pub conclusion_id: String,
    pub conclusion: String,
    pub obligation: String,
    pub roles: String,
    pub system_type: String,
    pub risk_group: String,
    pub transparency: String,
    pub subresults: Vec<String>,
    pub tree_version: String,
    pub by: String,
    pub when: String,
    pub path: Vec<PathEntry>,
    pub proposed_category: Option<&'static str>,
    /// Made with a tree of other content (another hash) than the one loaded now.
    pub tree_changed: bool,
    /// The stored answers walked through the current tree (after "Opnieuw controleren").
    pub recheck: Option<RecheckView>,
}

/// The re-check's result: a headline and the differences.
pub struct RecheckView {
    pub headline: String,
    pub lines: Vec<String>,
}

fn recheck_view(tree: &Tree, run: &Run) -> RecheckView {
    let before = Concluded {
        conclusion_id: run.conclusion_id.clone(),
        risk_group: run.risk_group.clone(),
        roles: run.roles.clone(),
        system_type: run.system_type.clone(),
        transparency: run.transparency.clone(),
        labels: run.labels.clone(),
    };
    let (headline, lines) = match recheck(tree, &run.steps(), &before) {
        Recheck::Same => ("Met de huidige beslisboom geven dezelfde antwoorden dezelfde uitkomst.".into(), vec![]),
        Recheck::Different(lines) => {
            ("Met de huidige beslisboom geven dezelfde antwoorden een andere uitkomst:".into(), lines)
        }
        Recheck::NoLongerFits(e) => (
            format!(
                "De opgeslagen antwoorden passen niet meer bij de huidige beslisboom: {e}. Doorloop de beslishulp opnieuw."
            ),
            vec![],
        ),
        Recheck::Unfinished(q) => (
            format!(
                "De huidige beslisboom stelt na deze antwoorden een nieuwe vraag ({q}). Doorloop de beslishulp opnieuw."
            ),
            vec![],
        ),
    };
    RecheckView { headline, lines }
}

pub struct HistoryEntry {
    pub when: String,
    pub by: String,
    pub conclusion_id: String,
    pub risk_group: String,
    pub tree_version: String,
}

#[derive(Template)]
#[template(path = "aiact/page.html")]
pub struct Page {
    pub layout: Layout,
    pub app: Summary,
    pub tab: &'static str,
    pub tree_name: String,
    pub tree_version: String,
    /// The loaded tree's content hash, short.
    pub tree_sha_short: String,
    pub open: Option<QuestionView>,
    pub result: Option<ResultView>,
    pub history: Vec<HistoryEntry>,
    pub can_run: bool,
    pub current_category: String,
    pub errors: FormErrors,
}

fn question_view(tree: &Tree, run: &Run, question_id: &str, input: &FormData) -> Option<QuestionView> {
    let extras = crate::aiact::extras::load().ok();
    let q = tree.question(question_id)?;
    let step_of = |qid: &str| extras.and_then(|e| e.step(qid)).map(|c| c.category.clone()).unwrap_or_default();
    let current_step = step_of(question_id);
    let steps: Vec<String> = extras.map(|e| e.steps().into_iter().map(str::to_string).collect()).unwrap_or_default();
    let position = steps.iter().position(|s| *s == current_step);
    let chosen: Option<usize> = input.get("answer").parse().ok();
    Some(QuestionView {
        started: format!(
            "{}{}",
            run.by_name.as_deref().map(|n| format!("door {n}, ")).unwrap_or_default(),
            format_datetime(run.started_at)
        ),
        version: run.version,
        question_id: q.question_id.clone(),
        question: html(&q.question),
        explanation: html(&q.explanation),
        topic: q.subcategory.clone(),
        steps: steps
            .iter()
            .enumerate()
            .map(|(i, name)| StepView {
                name: name.clone(),
                state: match position {
                    Some(p) if i < p => "klaar",
                    Some(p) if i == p => "nu",
                    _ => "nog",
                },
            })
            .collect(),
        step: current_step,
        answered: run.steps().len(),
        sources: q.sources.iter().map(|s| (s.source.clone(), s.url.clone().unwrap_or_default())).collect(),
        definitions: extras
            .map(|e| {
                e.used_in(&format!("{} {}", q.question, q.explanation))
                    .into_iter()
                    .map(|d| (d.term.clone(), d.definition.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        choices: q
            .answers
            .iter()
            .enumerate()
            .map(|(i, a)| Choice { index: i, text: a.answer.clone(), checked: chosen == Some(i) })
            .collect(),
        remark: input.get("remark").to_string(),
    })
}

pub(super) fn proposed_category(risk_group: Option<&str>) -> Option<&'static str> {
    (risk_group == Some("hoog-risico AI")).then_some("Hoog-risico AI-systeem")
}

fn result_view(tree: &Tree, run: &Run, check: bool) -> ResultView {
    let tree_changed = run.tree_sha256.as_deref().is_some_and(|h| h != crate::aiact::tree_sha256());
    let path = run
        .steps()
        .into_iter()
        .map(|s| PathEntry {
            question: tree.question(&s.question_id).map(|q| html(&q.question)).unwrap_or(s.question_id),
            answer: s.answer,
            remark: s.remark.unwrap_or_default(),
        })
        .collect();
    let none = || "–".to_string();
    let capital = |s: &str| {
        let mut c = s.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    };
    ResultView {
        labels: run.labels.join(", "),
        sources: run
            .conclusion_id
            .as_deref()
            .and_then(|c| tree.conclusion(c))
            .map(|c| c.sources.iter().map(|s| (s.source.clone(), s.url.clone().unwrap_or_default())).collect())
            .unwrap_or_default(),
        conclusion_id: run.conclusion_id.clone().unwrap_or_default(),
        conclusion: html(run.conclusion.as_deref().unwrap_or("")),
        obligation: html(run.obligation.as_deref().unwrap_or("")),
        roles: if run.roles.is_empty() {
            none()
        } else {
            run.roles.iter().map(|r| capital(r)).collect::<Vec<_>>().join(", ")
        },
        system_type: run.system_type.clone().unwrap_or_else(none),
        risk_group: run.risk_group.as_deref().map(|g| label_of(AI_ACT_RISK_GROUPS, g)).unwrap_or_else(none),
        transparency: match run.transparency.as_deref() {
            Some("transparantieverplichting") => "Ja, er gelden transparantieverplichtingen".into(),
            Some("geen transparantieverplichting") => "Nee".into(),
            Some(other) => other.into(),
            None => none(),
        },
        subresults: run.subresults.clone(),
        tree_version: run.tree_version.clone(),
        by: run.by_name.clone().unwrap_or_default(),
        when: run.completed_at.map(format_datetime).unwrap_or_default(),
        path,
        proposed_category: proposed_category(run.risk_group.as_deref()),
        tree_changed,
        recheck: (check && tree_changed).then(|| recheck_view(tree, run)),
    }
}

pub async fn tab_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    status: StatusCode,
    errors: FormErrors,
    input: FormData,
) -> AppResult<Response> {
    let tree = crate::aiact::load().map_err(|e| AppError::Internal(e.into()))?;
    let org = organisation(user)?;
    let mut conn = state.pool.acquire().await?;
    let app = store::get_in(&mut conn, org, id).await?.ok_or(AppError::NotFound)?;
    let all = runs(&mut conn, id).await?;
    drop(conn);
    let open_run = all.iter().find(|r| r.completed_at.is_none());
    let open = open_run.and_then(|r| {
        let outcome = engine::run(tree, &r.steps()).ok()?;
        question_view(tree, r, outcome.next_question_id.as_deref()?, &input)
    });
    let mut done = all.iter().filter(|r| r.completed_at.is_some());
    let result = done.next().map(|r| result_view(tree, r, input.get("controle") == "1"));
    let history = done
        .map(|r| HistoryEntry {
            when: r.completed_at.map(format_datetime).unwrap_or_default(),
            by: r.by_name.clone().unwrap_or_default(),
            conclusion_id: r.conclusion_id.clone().unwrap_or_default(),
            risk_group: r.risk_group.as_deref().map(|g| label_of(AI_ACT_RISK_GROUPS, g)).unwrap_or_default(),
            tree_version: r.tree_version.clone(),
        })
        .collect();
    let page = Page {
        layout: Layout::for_user(user, &format!("AI-verordening – {}", app.name()), "/register")
            .with_errors(!errors.is_empty()),
        app: summary(user, &app),
        tab: "ai-verordening",
        tree_name: tree.name.clone(),
        tree_version: tree.version.clone(),
        tree_sha_short: crate::aiact::tree_sha256().chars().take(12).collect(),
        open,
        result,
        history,
        can_run: may_run(user, &app),
        current_category: app.str("publication_category").unwrap_or("").to_string(),
        errors,
    };
    render_status(status, &page)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    /// After "Vorige vraag": the answer given before, chosen again.
    keuze: Option<usize>,
    /// "Opnieuw controleren": walk the latest run's answers through the current tree.
    controle: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    axum::extract::Query(q): axum::extract::Query<PageQuery>,
) -> AppResult<Response> {
    let mut input = FormData::default();
    if let Some(k) = q.keuze {
        input.push("answer", k.to_string());
    }
    if q.controle.as_deref() == Some("1") {
        input.push("controle", "1");
    }
    tab_page(&state, &user, id, StatusCode::OK, FormErrors::new(), input).await
}
