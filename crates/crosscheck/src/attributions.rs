//! The attribution graph.
//!
//! One edge per credit an article gives, its source named canonically through the outlet
//! registry ("NYT" → "New York Times"). The first reporter is the outlet the most articles say
//! reported first; ties go to the one said so earliest in input order.

use model::{ArticleReport, AttributionEdge, Evidence, FirstReport, SourceKind};

/// Who credits whom, and whom the coverage names as first to report.
pub fn graph(articles: &[ArticleReport]) -> (Vec<AttributionEdge>, Option<FirstReport>) {
    let mut edges = Vec::new();
    // (canonical source, evidence of each article that says it reported first)
    let mut firsts: Vec<(String, Vec<Evidence>)> = Vec::new();
    for a in articles {
        let doc = &a.document;
        for at in &a.analysis.attributions {
            let source = match at.kind {
                SourceKind::Outlet | SourceKind::Platform => model::outlets::canonical(&at.source),
                _ => at.source.clone(),
            };
            let evidence = Evidence::new(&doc.id, &doc.text, sentence_of(a, at.span));
            if at.first_report {
                let key = model::outlets::name_key(&source);
                match firsts
                    .iter_mut()
                    .find(|(s, _)| model::outlets::name_key(s) == key)
                {
                    Some((_, evs)) => {
                        if !evs.iter().any(|e| e.doc == doc.id) {
                            evs.push(evidence.clone());
                        }
                    }
                    None => firsts.push((source.clone(), vec![evidence.clone()])),
                }
            }
            edges.push(AttributionEdge {
                doc: doc.id.clone(),
                outlet: doc.outlet.name.clone(),
                source,
                kind: at.kind,
                evidence,
            });
        }
    }
    let mut best: Option<(String, Vec<Evidence>)> = None;
    for (s, evs) in firsts {
        if best.as_ref().is_none_or(|(_, b)| evs.len() > b.len()) {
            best = Some((s, evs));
        }
    }
    let first = best.map(|(outlet, said_by)| FirstReport { outlet, said_by });
    (edges, first)
}

/// The sentence holding a span, or the span itself.
fn sentence_of(a: &ArticleReport, span: model::Span) -> model::Span {
    a.analysis
        .sentences
        .iter()
        .find(|s| s.span.contains(span))
        .map_or(span, |s| s.span)
}
