//! Publication and transparency: the export for the national Algoritmeregister (`AlgorithmIn` JSON, its CSV
//! format, Excel), "Klaar voor publicatie?", the public register without login, the import of existing
//! descriptions and the upload to the register's API.

pub mod algorithm_in;
pub mod csv;
pub mod export;
pub mod files;
pub mod forms;
pub mod import;
mod json_error;
pub mod pages;
pub mod public;
pub mod readiness;
pub mod retract;
pub mod stream;
mod token;
pub mod upload;
pub mod validate;
pub mod xlsx;
