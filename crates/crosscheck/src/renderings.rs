//! Renderings of quoted statements across outlets.
//!
//! Every quotation is cut into its sentences; sentences of different outlets that are the same
//! words (one inside the other) or share most of their content words are one statement. The
//! fullest wording is the reference: a rendering with its words is `verbatim` (or `partial`
//! when the article itself quotes it as a fragment of its own sentence), one inside it is
//! `partial`, one with words changed is `altered` (or `inverted` when its polarity flips), each
//! with a word diff. Outlets that carry the statement without quotation marks are found among
//! their sentences by shared content words, more readily when the sentence names the speaker;
//! such a sentence is a `paraphrase`, or `inverted` when it keeps the words and flips the
//! polarity. Polarity counts negations, but "no greater … than" asserts rather than denies.

use std::collections::BTreeSet;

use model::{
    ArticleReport, BlockKind, DiffOp, Evidence, QuotedStatement, Rendering, RenderingLabel, Span,
};

use crate::text::{content_stems, words};
use crate::Services;

/// One sentence of a quotation.
#[derive(Clone, Debug)]
struct Unit {
    doc: usize,
    span: Span,
    words: Vec<String>,
    roots: BTreeSet<String>,
    /// Words of the whole quotation the sentence is part of: an outlet that quotes all of a
    /// statement renders it verbatim, one that quotes a part of it partially.
    quote_words: Vec<String>,
    speaker: Option<(String, bool)>,
}

/// A stem cut further, so that "priority" meets "prioritizes".
fn root(stem: &str) -> String {
    let mut w = stem.to_string();
    for _ in 0..2 {
        for suf in ["ization", "ize", "iz", "ity", "it"] {
            if let Some(b) = w.strip_suffix(suf) {
                if b.chars().count() >= 4 {
                    w = b.to_string();
                    break;
                }
            }
        }
    }
    w
}

fn roots(text: &str) -> BTreeSet<String> {
    content_stems(text).iter().map(|s| root(s)).collect()
}

fn lower_words(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.lower).collect()
}

/// Sentence spans inside `span` of `text`.
fn split_sentences(text: &str, span: Span) -> Vec<Span> {
    let Some(s) = span.get(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start = 0;
    let cs: Vec<(usize, char)> = s.char_indices().collect();
    for (n, &(i, c)) in cs.iter().enumerate() {
        if matches!(c, '.' | '!' | '?') {
            let next_space = cs.get(n + 1).is_some_and(|&(_, x)| x.is_whitespace());
            let next_upper = cs.get(n + 2).is_some_and(|&(_, x)| x.is_uppercase());
            if next_space && next_upper {
                let end = i + c.len_utf8();
                let sp = Span::new(span.start + start, span.start + end).trim(text);
                if !sp.is_empty() {
                    out.push(sp);
                }
                start = end;
            }
        }
    }
    let sp = Span::new(span.start + start, span.end).trim(text);
    if !sp.is_empty() {
        out.push(sp);
    }
    out
}

/// True when the text negates: an odd number of negations.
fn negated(text: &str) -> bool {
    let ws = lower_words(text);
    let mut n = 0;
    for (i, w) in ws.iter().enumerate() {
        let next = ws.get(i + 1).map(String::as_str).unwrap_or("");
        let neg = match w.as_str() {
            // "no greater priority than": a superlative, not a denial.
            "no" => !matches!(
                next,
                "greater"
                    | "higher"
                    | "bigger"
                    | "better"
                    | "more"
                    | "larger"
                    | "stronger"
                    | "less"
                    | "fewer"
                    | "lower"
                    | "doubt"
            ),
            "not" | "never" | "none" | "nothing" | "without" | "cannot" | "declined"
            | "declines" | "refused" | "refuses" => true,
            _ => w.ends_with("n't") || w.ends_with("n’t"),
        };
        if neg {
            n += 1;
        }
    }
    n % 2 == 1
}

/// True when `other` turns `reference` into its opposite: the two align on most of their
/// words (at least [`INVERTED_ALIGNED`] of the shorter), and a change between aligned words
/// consists of nothing but negation ("would increase the risk" / "would not increase the
/// risk"). A negation in a dropped or added part of a partial quote or a paraphrase ("…, and
/// nothing happened to her") inverts nothing.
fn inverts(reference: &str, other: &str) -> bool {
    let ops = diff(reference, other);
    let count = |t: &str| t.split_whitespace().count();
    let same: usize = ops
        .iter()
        .map(|op| match op {
            DiffOp::Same(t) => count(t),
            _ => 0,
        })
        .sum();
    let shorter = count(reference).min(count(other)).max(1);
    if (same as f32) < INVERTED_ALIGNED * shorter as f32 {
        return false;
    }
    let only_negation = |t: &str| {
        let ws = lower_words(t);
        !ws.is_empty() && ws.iter().all(|w| negated(w))
    };
    ops.iter().enumerate().any(|(k, op)| {
        let between = k > 0
            && matches!(ops.get(k - 1), Some(DiffOp::Same(_)))
            && matches!(ops.get(k + 1), Some(DiffOp::Same(_)));
        match op {
            DiffOp::Added(t) | DiffOp::Dropped(t) => between && only_negation(t),
            DiffOp::Same(_) => false,
        }
    })
}

/// Share of the shorter text's words that must align for an inversion to be read.
const INVERTED_ALIGNED: f32 = 0.7;

/// True when `short` occurs as a contiguous run of `long`.
fn contained(short: &[String], long: &[String]) -> bool {
    !short.is_empty() && short.len() <= long.len() && long.windows(short.len()).any(|w| w == short)
}

fn overlap(a: &BTreeSet<String>, b: &BTreeSet<String>) -> (usize, f32) {
    let n = a.intersection(b).count();
    let m = a.len().min(b.len()).max(1);
    (n, n as f32 / m as f32)
}

/// Word diff of `other` against `reference`, by longest common subsequence.
fn diff(reference: &str, other: &str) -> Vec<DiffOp> {
    let a: Vec<String> = reference
        .split_whitespace()
        .take(200)
        .map(str::to_string)
        .collect();
    let b: Vec<String> = other
        .split_whitespace()
        .take(200)
        .map(str::to_string)
        .collect();
    let key = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let (n, m) = (a.len(), b.len());
    let mut dp = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i][j] = if key(&a[i]) == key(&b[j]) {
                dp[i + 1][j + 1] + 1
            } else {
                dp[i + 1][j].max(dp[i][j + 1])
            };
        }
    }
    let mut ops: Vec<DiffOp> = Vec::new();
    let mut push = |op: DiffOp| match (ops.last_mut(), &op) {
        (Some(DiffOp::Same(x)), DiffOp::Same(y))
        | (Some(DiffOp::Added(x)), DiffOp::Added(y))
        | (Some(DiffOp::Dropped(x)), DiffOp::Dropped(y)) => {
            x.push(' ');
            x.push_str(y);
        }
        _ => ops.push(op),
    };
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && key(&a[i]) == key(&b[j]) {
            push(DiffOp::Same(b[j].clone()));
            i += 1;
            j += 1;
        } else if j < m && (i == n || dp[i][j + 1] >= dp[i + 1][j]) {
            push(DiffOp::Added(b[j].clone()));
            j += 1;
        } else {
            push(DiffOp::Dropped(a[i].clone()));
            i += 1;
        }
    }
    ops
}

/// Each statement quoted or reported in the story, with every outlet's rendering.
pub fn renderings(articles: &[ArticleReport], services: Services<'_>) -> Vec<QuotedStatement> {
    let mut units = Vec::new();
    for (d, a) in articles.iter().enumerate() {
        let text = a.document.text.as_str();
        for q in &a.analysis.quotes {
            let quote_words = lower_words(q.span.text(text));
            for span in split_sentences(text, q.span) {
                let t = span.text(text);
                units.push(Unit {
                    doc: d,
                    span,
                    words: lower_words(t),
                    roots: roots(t),
                    quote_words: quote_words.clone(),
                    speaker: q.speaker.as_ref().map(|s| (s.name.clone(), s.anonymous)),
                });
            }
        }
    }
    // Group units of different outlets that say the same.
    let mut parent: Vec<usize> = (0..units.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for i in 0..units.len() {
        for j in i + 1..units.len() {
            let (a, b) = (&units[i], &units[j]);
            if a.doc == b.doc {
                continue;
            }
            let (s, l) = if a.words.len() <= b.words.len() {
                (a, b)
            } else {
                (b, a)
            };
            let (n, r) = overlap(&a.roots, &b.roots);
            if contained(&s.words, &l.words) || (n >= 3 && r >= 0.6) {
                let (x, y) = (find(&mut parent, i), find(&mut parent, j));
                parent[x] = y;
            }
        }
    }
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    let mut roots_of: Vec<usize> = Vec::new();
    for i in 0..units.len() {
        let r = find(&mut parent, i);
        match roots_of.iter().position(|&x| x == r) {
            Some(k) => clusters[k].push(i),
            None => {
                roots_of.push(r);
                clusters.push(vec![i]);
            }
        }
    }
    let text_of = |u: &Unit| u.span.text(&articles[u.doc].document.text).to_string();
    let mut out: Vec<QuotedStatement> = Vec::new();
    let mut refs: Vec<Unit> = Vec::new();
    for c in &clusters {
        // The reference is the fullest quotation of the statement.
        let Some(&ri) = c.iter().max_by_key(|&&i| {
            (
                units[i].quote_words.len(),
                units[i].words.len(),
                std::cmp::Reverse(i),
            )
        }) else {
            continue;
        };
        let reference = &units[ri];
        let ref_text = text_of(reference);
        let mut renderings = Vec::new();
        let docs: BTreeSet<usize> = c.iter().map(|&i| units[i].doc).collect();
        for d in docs {
            let Some(&ui) = c
                .iter()
                .filter(|&&i| units[i].doc == d)
                .max_by_key(|&&i| units[i].words.len())
            else {
                continue;
            };
            let u = &units[ui];
            let t = text_of(u);
            // Words as spoken are verbatim however short the quotation; a part of the fullest
            // quotation is partial.
            let (label, with_diff) =
                if u.quote_words == reference.quote_words || u.words == reference.words {
                    (RenderingLabel::Verbatim, false)
                } else if contained(&u.words, &reference.words)
                    || contained(&u.quote_words, &reference.quote_words)
                {
                    (RenderingLabel::Partial, false)
                } else if inverts(&ref_text, &t) {
                    (RenderingLabel::Inverted, true)
                } else {
                    (RenderingLabel::Altered, true)
                };
            let a = &articles[d].document;
            renderings.push(Rendering {
                evidence: Evidence::new(&a.id, &a.text, u.span),
                label,
                diff: if with_diff {
                    diff(&ref_text, &t)
                } else {
                    Vec::new()
                },
            });
        }
        let speaker = c
            .iter()
            .filter_map(|&i| units[i].speaker.clone())
            .min_by_key(|(_, anon)| *anon)
            .map(|(n, _)| n);
        out.push(QuotedStatement {
            speaker,
            text: ref_text,
            renderings,
        });
        refs.push(reference.clone());
    }
    add_paraphrases(articles, &mut out, &refs, services);
    out
}

/// A candidate unquoted rendering.
struct Candidate {
    statement: usize,
    doc: usize,
    span: Span,
    shared: usize,
    ratio: f32,
    /// Words of the speaker's name or description the sentence repeats.
    voiced: usize,
}

/// Finds outlets that carry a statement in their own words.
fn add_paraphrases(
    articles: &[ArticleReport],
    out: &mut [QuotedStatement],
    refs: &[Unit],
    services: Services<'_>,
) {
    // Per statement, once: the speaker's words (not part of what was said) and the statement's
    // own roots without them; its embedding when a model is there. Doing this inside the
    // sentence loop made large stories quadratic in tokenisation and model calls.
    let speaker_roots: Vec<BTreeSet<String>> = out
        .iter()
        .map(|st| st.speaker.as_deref().map(roots).unwrap_or_default())
        .collect();
    let speaker_lower: Vec<Vec<String>> = out
        .iter()
        .map(|st| st.speaker.as_deref().map(lower_words).unwrap_or_default())
        .collect();
    let statement_roots: Vec<BTreeSet<String>> = refs
        .iter()
        .zip(&speaker_roots)
        .map(|(r, sw)| r.roots.difference(sw).cloned().collect())
        .collect();
    let mut cands: Vec<Candidate> = Vec::new();
    // Candidates for the model to decide, with the index of their sentence's text; the
    // sentences are embedded in one batch.
    let mut pending: Vec<(Candidate, usize)> = Vec::new();
    let mut pending_texts: Vec<&str> = Vec::new();
    for (d, a) in articles.iter().enumerate() {
        let text = a.document.text.as_str();
        let quotes: Vec<Span> = a.analysis.quotes.iter().map(|q| q.span).collect();
        for s in a
            .analysis
            .sentences
            .iter()
            .filter(|s| matches!(s.kind, BlockKind::Body | BlockKind::Standfirst))
        {
            // The part of the sentence outside quotation: up to the first quotation.
            let first_q = quotes
                .iter()
                .filter(|q| s.span.overlaps(**q))
                .map(|q| q.start)
                .min();
            let span = match first_q {
                Some(q) => {
                    // Up to the opening mark, which may be several bytes long.
                    let before = text.get(s.span.start..q).unwrap_or("");
                    let kept = before.trim_end_matches(['“', '"', '‘', '«', ' ']).len();
                    Span::new(s.span.start, s.span.start + kept).trim(text)
                }
                None => s.span,
            };
            let own = span.text(text);
            if own.split_whitespace().count() < 4 {
                continue;
            }
            let own_words: BTreeSet<String> = lower_words(own).into_iter().collect();
            let own_roots = roots(own);
            for (k, (st, r)) in out.iter().zip(refs).enumerate() {
                if st
                    .renderings
                    .iter()
                    .any(|x| x.evidence.doc == a.document.id)
                {
                    continue;
                }
                let speaker_words = &speaker_roots[k];
                let cue = st.speaker.is_some() && {
                    let ws = &speaker_lower[k];
                    let anonymous = r.speaker.as_ref().is_some_and(|(_, a)| *a);
                    if anonymous {
                        ws.last().is_some_and(|h| {
                            own_words
                                .iter()
                                .any(|w| w.starts_with(h.trim_end_matches('s')))
                        })
                    } else {
                        ws.last().is_some_and(|h| own_words.contains(h))
                    }
                };
                let voiced = speaker_words.intersection(&own_roots).count();
                let a_roots = &statement_roots[k];
                let b_roots: BTreeSet<String> =
                    own_roots.difference(speaker_words).cloned().collect();
                let (shared, ratio) = overlap(a_roots, &b_roots);
                let need = a_roots.len().min(3);
                let ok = (cue && shared >= need && shared >= 1 && ratio >= 0.3)
                    || (shared >= 4 && ratio >= 0.5);
                let c = Candidate {
                    statement: k,
                    doc: d,
                    span,
                    shared,
                    ratio,
                    voiced,
                };
                if ok {
                    cands.push(c);
                } else if cue && shared >= 2 && services.embedder.is_some() {
                    // Close in wording but not enough: the model decides, below.
                    if pending_texts.last() != Some(&own) {
                        pending_texts.push(own);
                    }
                    pending.push((c, pending_texts.len() - 1));
                }
            }
        }
    }
    if let (Some(e), false) = (services.embedder, pending.is_empty()) {
        // Only the statements some candidate needs, and their sentences, in one batch.
        let mut needed: Vec<usize> = pending.iter().map(|(c, _)| c.statement).collect();
        needed.sort_unstable();
        needed.dedup();
        let mut texts: Vec<&str> = needed.iter().map(|&k| out[k].text.as_str()).collect();
        texts.extend(&pending_texts);
        if let Ok(v) = e.embed(&texts) {
            let (stmt_vecs, own) = v.split_at(needed.len().min(v.len()));
            for (c, t) in pending {
                let x = needed
                    .binary_search(&c.statement)
                    .ok()
                    .and_then(|k| stmt_vecs.get(k));
                if let (Some(x), Some(y)) = (x, own.get(t)) {
                    if model::cosine(x, y) >= 0.8 {
                        cands.push(c);
                    }
                }
            }
        }
    }
    // Each sentence renders one statement, and each outlet one sentence per statement: the best.
    cands.sort_by(|a, b| {
        (b.shared + b.voiced)
            .cmp(&(a.shared + a.voiced))
            .then(b.ratio.total_cmp(&a.ratio))
    });
    let mut used: Vec<(usize, Span)> = Vec::new();
    for c in cands {
        if used.contains(&(c.doc, c.span)) {
            continue;
        }
        let a = &articles[c.doc].document;
        let Some(st) = out.get_mut(c.statement) else {
            continue;
        };
        if st.renderings.iter().any(|r| r.evidence.doc == a.id) {
            continue;
        }
        used.push((c.doc, c.span));
        let own = c.span.text(&a.text);
        let inverted = inverts(&st.text, own);
        let label = if inverted {
            RenderingLabel::Inverted
        } else {
            RenderingLabel::Paraphrase
        };
        let d = if inverted {
            diff(&st.text, own)
        } else {
            Vec::new()
        };
        st.renderings.push(Rendering {
            evidence: Evidence::new(&a.id, &a.text, c.span),
            label,
            diff: d,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polarity_reads_superlatives_as_assertions() {
        assert!(!negated(
            "There is no higher duty for the mayor than the safety of the crews."
        ));
        assert!(negated("The mayor does not put the crews first."));
        assert!(negated("We will not sign nor negotiate."));
        assert!(!negated("The board took the decision lightly."));
    }

    #[test]
    fn inversion_needs_aligned_content_of_reversed_polarity() {
        assert!(inverts(
            "Passing this bill would increase the risk to families",
            "Passing this bill would not increase the risk to families"
        ));
        // A negation in a part the other rendering drops inverts nothing.
        assert!(!inverts(
            "The mayor misled the council many times, and nothing came of it",
            "The mayor misled the council many times"
        ));
        // Two different sentences that happen to differ in a negation are no rendering.
        assert!(!inverts(
            "We will not negotiate until the port reopens",
            "Talks can go on once the port reopens, the union said"
        ));
    }

    #[test]
    fn diff_marks_changed_words() {
        let d = diff("the crews come first", "the crews come last");
        assert_eq!(
            d,
            vec![
                DiffOp::Same("the crews come".into()),
                DiffOp::Added("last".into()),
                DiffOp::Dropped("first".into())
            ]
        );
    }

    #[test]
    fn sentences_of_a_quotation() {
        let t = "We wait. Then we sail, she said. U.S. ships too.";
        let s: Vec<&str> = split_sentences(t, Span::new(0, t.len()))
            .iter()
            .map(|s| s.text(t))
            .collect();
        assert_eq!(
            s,
            vec!["We wait.", "Then we sail, she said.", "U.S. ships too."]
        );
    }
}
