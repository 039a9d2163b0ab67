//! Crosscheck: the articles of one story → [`model::Findings`].
//!
//! Stages, in order, each a module with one entry point:
//!   - [`text`]: shared word normalisation and lexical similarity;
//!   - [`entities`]: entity forms across outlets → canonical entities and wrong-name flags;
//!   - [`attributions`]: the attribution graph and who reported first;
//!   - [`renderings`]: each quoted statement and how every outlet rendered it;
//!   - [`align`]: statements of different outlets that say the same thing → facts, with
//!     independence;
//!   - [`conflicts`]: statements that cannot both hold;
//!   - [`unique`]: per-outlet unique facts and omissions, the consensus summary, framing.
//!
//! The tuned numbers of all stages are in [`tuning::TUNING`].

pub mod align;
pub mod attributions;
pub mod conflicts;
pub mod entities;
pub mod renderings;
pub mod text;
pub mod tuning;
pub mod unique;

#[cfg(test)]
pub(crate) mod testing;

use model::{ArticleReport, Embedder, Findings, Judge};

/// Optional model-backed services; every finding can be made without them, less well.
#[derive(Default, Clone, Copy)]
pub struct Services<'a> {
    /// Sentence embeddings for similarity.
    pub embedder: Option<&'a dyn Embedder>,
    /// A fast, rougher embedder (the static tier) that proposes candidate pairs, so that the
    /// full one embeds only the statements of promising pairs.
    pub fast: Option<&'a dyn Embedder>,
    /// A pair judge (entails / neutral / contradicts).
    pub judge: Option<&'a dyn Judge>,
}

/// Compares the articles of one story.
pub fn crosscheck(articles: &[ArticleReport], services: Services<'_>) -> Findings {
    let entities = entities::resolve(articles);
    let (attributions, first_reported_by) = attributions::graph(articles);
    let statements = renderings::renderings(articles, services);
    let mut alignment = align::align(articles, services);
    let found = conflicts::conflicts(articles, &alignment, services);
    // Statements that contradict each other do not corroborate each other.
    alignment.separate(articles, found.iter().map(|f| (f.a, f.b, f.conflict.kind)));
    let unique::PerOutlet {
        unique,
        omissions,
        summary,
        framing,
    } = unique::per_outlet(articles, &alignment, &found, &entities);
    let conflicts = found.into_iter().map(|f| f.conflict).collect();
    let facts = alignment.facts;
    Findings {
        facts,
        conflicts,
        statements,
        entities,
        attributions,
        first_reported_by,
        framing,
        unique,
        omissions,
        summary,
    }
}
