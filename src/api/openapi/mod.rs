//! The OpenAPI 3.1 document of the API, built at start from the same field catalogue the form validates
//! with (types, limits, allowed values), and a readable page listing the endpoints. CI runs schemathesis
//! against a live server with this document: every response must match it.
//!
//! `fields` turns the catalogue into schemas, `paths` describes the operations per resource, `components`
//! the schemas they refer to, `docs` the page for people.

mod components;
mod docs;
mod fields;
mod kader;
mod literacy;
mod paths;
mod policy;
mod prescan;
mod requests;
mod suppliers;

use std::sync::LazyLock;

use axum::Json;
use serde_json::{Value, json};

pub use docs::{DocsPage, Endpoint, docs_page};

pub static DOCUMENT: LazyLock<Value> = LazyLock::new(build);

fn build() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "AI-register API",
            "version": "1.0.0",
            "description": "Het register van AI-toepassingen en algoritmes: zoeken en lezen, concepten aanmaken, de workflowstatus en de export voor het Algoritmeregister. Authenticatie met een persoonlijk API-token (Mijn account → API-tokens); dezelfde rolregels als de webapplicatie. Fouten als application/problem+json (RFC 9457).",
            "license": { "name": "EUPL-1.2", "identifier": "EUPL-1.2" }
        },
        "servers": [ { "url": "/api/v1" } ],
        "security": [ { "token": [] } ],
        "paths": paths::paths(),
        "components": components::components(),
    })
}

pub async fn document() -> Json<Value> {
    Json(DOCUMENT.clone())
}
