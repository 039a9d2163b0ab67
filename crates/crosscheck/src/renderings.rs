//! Renderings of quoted statements across outlets.

use model::{ArticleReport, QuotedStatement};

use crate::Services;

/// Each statement quoted or reported in the story, with every outlet's rendering.
pub fn renderings(_articles: &[ArticleReport], _services: Services<'_>) -> Vec<QuotedStatement> {
    Vec::new()
}
