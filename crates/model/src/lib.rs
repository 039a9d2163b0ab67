//! Types every stage of corroborate shares, and the small traits through which one stage uses
//! what another provides.
//!
//! The pipeline, in order (see `ARCHITECTURE.md`):
//!   - `ingest`: bytes (text, HTML, JSON Lines) → [`Document`] with its layout [`Block`]s and
//!     per-file [`Diagnostic`]s;
//!   - `analyze`: one [`Document`] → [`ArticleAnalysis`]: [`Sentence`]s, [`Mention`]s of
//!     [`Entity`]s, [`Quote`]s, [`Attribution`]s and [`Statement`]s;
//!   - `crosscheck`: all articles of a story → [`Findings`] (facts, conflicts, renderings, …);
//!   - `report`: a [`StoryReport`] → JSON, Markdown, HTML.
//!
//! Key decision: every derived object holds a [`Span`] of byte offsets into its document's
//! [`Document::text`], never a copy that could drift from it. Text copies appear only in
//! [`Evidence`], next to the span they were cut from, so a report can be read on its own.
//!
//! This crate depends on nothing internal, so that stages never depend on each other.

#![warn(missing_docs)]

mod article;
mod findings;
mod span;
mod traits;

pub mod outlets;

pub use article::*;
pub use findings::*;
pub use span::*;
pub use traits::*;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the JSON report layout. Bump the major part on any change that breaks a reader.
pub const SCHEMA_VERSION: &str = "1.0";

/// How bad a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input was skipped.
    Error,
    /// The input was used, but something about it is doubtful or was cut.
    Warning,
    /// Worth knowing; nothing was lost.
    Info,
}

impl Severity {
    /// Its name as the JSON report writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// A problem with one input. Problems with one article never abort a run: they become
/// diagnostics in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// The input it concerns: a path, `path:line` for JSON Lines, or `-` for stdin.
    pub source: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl Diagnostic {
    /// An error: the input was skipped.
    pub fn error(source: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            source: source.into(),
            message: message.into(),
        }
    }

    /// A warning: the input was used with a caveat.
    pub fn warning(source: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            source: source.into(),
            message: message.into(),
        }
    }

    /// A note.
    pub fn info(source: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Info,
            source: source.into(),
            message: message.into(),
        }
    }
}

/// Everything corroborate says about one story: the articles, what was found in each and what
/// was found across them. This is the JSON report (see `docs/report.schema.json`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct StoryReport {
    /// [`SCHEMA_VERSION`] of this layout.
    pub schema_version: String,
    /// The corroborate version that wrote it.
    pub generator: String,
    /// The articles, in input order.
    pub articles: Vec<ArticleReport>,
    /// Findings across the articles.
    pub findings: Findings,
    /// Problems met with the inputs.
    pub diagnostics: Vec<Diagnostic>,
}

/// One article as the report shows it: the document and its analysis.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ArticleReport {
    /// The ingested document.
    pub document: Document,
    /// What the analysis found in it.
    pub analysis: ArticleAnalysis,
}
