//! Whom an article credits for its information.

use model::{Attribution, Document, Entity, Sentence};

/// The attributions of one article.
pub fn attributions(_doc: &Document, _sentences: &[Sentence], _entities: &[Entity]) -> Vec<Attribution> {
    Vec::new()
}
