//! The readable overview of the API for people, from the same document and field catalogue.

use askama::Template;
use axum::response::Response;

use super::DOCUMENT;
use super::fields::values;
use crate::error::AppResult;
use crate::register::fields::{FIELDS, Kind};
use crate::web::layout::Layout;
use crate::web::render;

pub struct Endpoint {
    pub method: String,
    pub path: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "api/docs.html")]
pub struct DocsPage {
    pub layout: Layout,
    pub endpoints: Vec<Endpoint>,
    pub fields: Vec<(&'static str, &'static str, String)>,
}

/// A readable overview of the API for people (the machine-readable one is openapi.json).
pub async fn docs_page() -> AppResult<Response> {
    let mut endpoints = Vec::new();
    if let Some(paths) = DOCUMENT["paths"].as_object() {
        for (path, ops) in paths {
            for (method, op) in ops.as_object().into_iter().flatten() {
                endpoints.push(Endpoint {
                    method: method.to_uppercase(),
                    path: format!("/api/v1{path}"),
                    summary: op["summary"].as_str().unwrap_or_default().to_string(),
                });
            }
        }
    }
    let fields = FIELDS
        .iter()
        .map(|f| {
            let kind = match f.kind {
                Kind::Text { max } => format!("tekst, hoogstens {max} tekens"),
                Kind::RichText { max } => format!("opgemaakte tekst, hoogstens {max} tekens"),
                Kind::Month => "maand, jjjj-mm".into(),
                Kind::Link => "link (https://)".into(),
                Kind::Contact => "e-mailadres of link (https://)".into(),
                Kind::Choice(o) => format!("een van: {}", values(o).join(", ")),
                Kind::Multi(o) => format!("lijst uit: {}", values(o).join(", ")),
                Kind::YesNo => "true of false".into(),
                Kind::Date => "datum, jjjj-mm-dd".into(),
                Kind::User => "user_id van een medewerker".into(),
                Kind::References { .. } => "lijst van {title, link}".into(),
            };
            (f.key, f.label, kind)
        })
        .collect();
    render(&DocsPage { layout: Layout::bare("REST API"), endpoints, fields })
}
