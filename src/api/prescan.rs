//! `POST /prescan/evaluate`: a Pre-scan DPIA answer set evaluated as the government's tool does (the same
//! evaluation as `airegister prescan run`); nothing is stored. A wrong answer is a 422 naming the question.

use axum::Json;
use axum::body::Bytes;
use serde_json::Value;

use super::ApiUser;
use super::problem::{ApiResult, FieldError, Problem};
use crate::questionnaires::{self, run};

#[tracing::instrument(skip_all)]
pub async fn evaluate(_api: ApiUser, body: Bytes) -> ApiResult<Json<Value>> {
    let given: Value = serde_json::from_slice(&body).map_err(|e| {
        Problem::bad_request(format!("De body is geen geldige JSON (regel {}, kolom {}).", e.line(), e.column()))
    })?;
    let sets = questionnaires::load().map_err(|e| {
        tracing::error!(error = %e, "question sets");
        Problem::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "Interne fout", "De Pre-scan DPIA is niet geladen.")
    })?;
    match run::check(&sets.prescan, &given) {
        Ok(answers) => Ok(Json(run::report(&sets.prescan, &answers))),
        Err(wrong) => Err(Problem::invalid(
            wrong
                .into_iter()
                .map(|w| FieldError {
                    message: if w.question.is_empty() {
                        w.message
                    } else {
                        format!("Vraag {}: {}", w.question, w.message)
                    },
                    field: w.question,
                })
                .collect(),
        )),
    }
}
