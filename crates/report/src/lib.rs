//! Report: a [`model::StoryReport`] → JSON (versioned, described by `docs/report.schema.json`)
//! Markdown, or a self-contained HTML page for people.
//!
//! Key decision: every text that comes from an article is escaped on the way out, so that no
//! markup in a page can pass through into a report.

mod html;
mod markdown;

pub use html::{content_security_policy, csp_hash, escape_html, render_html};
pub use markdown::{escape_md, render_markdown};

use model::StoryReport;

/// An error writing a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// JSON serialisation failed.
    #[error("cannot write the JSON report: {0}")]
    Json(#[from] serde_json::Error),
}

/// The JSON report, pretty-printed.
pub fn render_json(report: &StoryReport) -> Result<String, ReportError> {
    Ok(serde_json::to_string_pretty(report)?)
}

/// The JSON Schema of the report, as committed in `docs/report.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(StoryReport);
    // Serialising a schema of plain types cannot fail; fall back to an empty object regardless.
    serde_json::to_string_pretty(&schema).unwrap_or_else(|_| "{}".to_string())
}
