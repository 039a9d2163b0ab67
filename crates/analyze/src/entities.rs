//! People, organisations, outlets and places named in an article.

use model::{Document, Entity, Sentence};

/// The entities of one article.
pub fn entities(_doc: &Document, _sentences: &[Sentence]) -> Vec<Entity> {
    Vec::new()
}
