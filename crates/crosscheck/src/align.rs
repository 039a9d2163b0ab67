//! Alignment of statements across outlets into facts.

use model::{ArticleReport, Fact};

use crate::Services;

/// Facts: groups of statements from different outlets that say the same thing.
pub fn facts(_articles: &[ArticleReport], _services: Services<'_>) -> Vec<Fact> {
    Vec::new()
}
