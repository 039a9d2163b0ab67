//! Claims: sentences or clauses, with claimant and modality.

use model::{Attribution, Document, Quote, Sentence, Statement};

/// The statements of one article.
pub fn statements(_doc: &Document, _sentences: &[Sentence], _quotes: &[Quote], _attributions: &[Attribution]) -> Vec<Statement> {
    Vec::new()
}
