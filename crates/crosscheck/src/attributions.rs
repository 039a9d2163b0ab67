//! The attribution graph.

use model::{ArticleReport, AttributionEdge, FirstReport};

/// Who credits whom, and whom the coverage names as first to report.
pub fn graph(_articles: &[ArticleReport]) -> (Vec<AttributionEdge>, Option<FirstReport>) {
    (Vec::new(), None)
}
