//! Ingest: files, folders, stdin, HTML and JSON Lines → [`model::Document`]s, with per-input
//! [`model::Diagnostic`]s instead of aborted runs.

pub mod html;
