//! Per-outlet findings: unique facts, omissions, framing, and the consensus summary.

use model::{ArticleReport, Conflict, Fact, Framing, Omission, SummaryLine, Unique};

/// What [`per_outlet`] finds.
#[derive(Debug, Default)]
pub struct PerOutlet {
    /// Statements only one outlet makes.
    pub unique: Vec<Unique>,
    /// Facts most outlets carry and one lacks.
    pub omissions: Vec<Omission>,
    /// The consensus summary.
    pub summary: Vec<SummaryLine>,
    /// Loaded or evaluative language in an outlet's own voice.
    pub framing: Vec<Framing>,
}

/// Unique facts, omissions, summary and framing.
pub fn per_outlet(_articles: &[ArticleReport], _facts: &[Fact], _conflicts: &[Conflict]) -> PerOutlet {
    PerOutlet::default()
}
