//! Conflicts between statements.

use model::{ArticleReport, Conflict, Fact};

use crate::Services;

/// Statements that cannot both hold.
pub fn conflicts(_articles: &[ArticleReport], _facts: &[Fact], _services: Services<'_>) -> Vec<Conflict> {
    Vec::new()
}
