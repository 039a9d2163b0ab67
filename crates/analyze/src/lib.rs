//! Analyze: one [`model::Document`] → its [`model::ArticleAnalysis`]: sentences, entities,
//! quotes, attributions and statements, each with byte spans into the document's text.
//!
//! Stages, in order, each a module with one entry point:
//!   - [`segment`]: blocks → sentences;
//!   - [`entities`]: sentences → people, organisations, outlets, places, with in-article
//!     coreference (short forms, descriptors, pronouns);
//!   - [`quotes`]: quotations and their speakers;
//!   - [`attributions`]: whom the article credits, typed;
//!   - [`statements`]: claims with claimant and modality.

pub mod attributions;
pub mod entities;
pub mod quotes;
pub mod segment;
pub mod statements;

use model::{ArticleAnalysis, Document};

/// Analyses one article.
pub fn analyze(doc: &Document) -> ArticleAnalysis {
    let sentences = segment::sentences(&doc.text, &doc.blocks);
    let entities = entities::entities(doc, &sentences);
    let quotes = quotes::quotes(doc, &sentences, &entities);
    let attributions = attributions::attributions(doc, &sentences, &entities, &quotes);
    let statements = statements::statements(doc, &sentences, &quotes, &attributions);
    ArticleAnalysis {
        sentences,
        entities,
        quotes,
        attributions,
        statements,
    }
}
