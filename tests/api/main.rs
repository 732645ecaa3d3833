//! Integration tests through HTTP against a real PostgreSQL database (one fresh database per test).
//! One test binary for all of them: it links once, which matters on a 2-core machine.

#![allow(clippy::unwrap_used)]

mod access;
mod admin;
mod auth;
mod beslishulp;
mod branding;
mod change;
mod compression;
mod confirmations;
mod csrf;
mod dashboard;
mod demo_dir;
mod export_stream;
mod faults;
mod hardening;
mod helpers;
mod import_partial;
mod infra;
mod kader;
mod kader_api;
mod kader_gate;
mod literacy;
mod literacy_api;
mod literacy_files;
mod literacy_import;
mod literacy_trainings;
mod mail;
mod mfa;
mod one_connection;
mod people;
mod person_fields;
mod policy;
mod prescan;
mod publication;
mod questionnaires;
pub mod reference;
pub mod register;
mod registration_fields;
mod request_lookup;
mod requests;
pub mod rest;
mod scim;
mod slow_clients;
mod sso;
mod sso_logout;
mod sso_rules;
mod staged;
mod standin;
mod suppliers;
mod suppliers_docs;
mod tasks;
mod upload_contract;
mod uploads;
mod workflow;
mod xlsx_check;
