//! Entities across outlets.

use model::{ArticleReport, StoryEntity};

/// Canonical entities of the story, with their forms per document and wrong-name flags.
pub fn resolve(_articles: &[ArticleReport]) -> Vec<StoryEntity> {
    Vec::new()
}
