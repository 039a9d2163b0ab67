//! Helpers for the stage's tests.

use model::{ArticleReport, Block, BlockKind, Document, Span};

/// Fictional articles, one a text, analysed: one body block per paragraph, as ingest makes of
/// plain text; ids `00`, `01`, ….
pub(crate) fn articles(texts: &[&str]) -> Vec<ArticleReport> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut blocks = Vec::new();
            let mut at = 0;
            for para in t.split("\n\n") {
                blocks.push(Block {
                    kind: BlockKind::Body,
                    span: Span::new(at, at + para.len()),
                    reason: String::new(),
                });
                at += para.len() + 2;
            }
            let doc = Document::plain(
                &format!("{i:02}"),
                &format!("{i:02}.txt"),
                (*t).to_string(),
                blocks,
            );
            let analysis = analyze::analyze(&doc);
            ArticleReport {
                document: doc,
                analysis,
            }
        })
        .collect()
}
