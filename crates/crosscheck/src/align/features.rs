//! What alignment and conflict detection know of each statement: its words, weighted key
//! terms, numbers, and where it stands in its article.

use std::collections::HashMap;

use model::{ArticleReport, BlockKind, Claimant, Evidence, Modality, Span, Statement};

use crate::text::{is_stopword, stem, words};

/// A statement of one article, ready for comparison.
#[derive(Clone, Debug)]
pub struct Stmt {
    /// Index of its article.
    pub doc: usize,
    /// Where it is.
    pub span: Span,
    /// The span of the sentence it belongs to.
    pub sentence: Span,
    /// Its text.
    pub text: String,
    /// Lower-cased words, in order.
    pub lower: Vec<String>,
    /// Key terms of the content words (stems cut to a few letters), in order.
    pub keys: Vec<String>,
    /// TF-IDF weights of its key terms, L2-normalised; filled by [`weigh`].
    pub vector: Vec<(u32, f32)>,
    /// Its adjacent key-term pairs, hashed, with their rarity (0–1); filled by [`weigh`].
    pub phrases: Vec<(u64, f32)>,
    /// Who makes it.
    pub claimant: Claimant,
    /// How firmly.
    pub modality: Modality,
    /// Position in its article, 0 (first) to 1 (last).
    pub position: f32,
    /// True when most of it lies inside quotation marks.
    pub quoted: bool,
    /// Its word runs outside quotations, hashed (see [`shingles`]).
    pub runs: Vec<u64>,
    /// The statement (index among all) this one is a nested clause of.
    pub part_of: Option<usize>,
    /// Key terms inside its quotations, when it is mainly a quotation (its claim is what
    /// was said; the words around are who said it).
    pub quote_keys: Vec<String>,
    /// The ids of [`Stmt::quote_keys`] in the TF-IDF vocabulary, sorted; filled by [`weigh`].
    pub quote_ids: Vec<u32>,
    /// Key terms of the name of the source that makes it, when a named source does.
    pub speaker_keys: Vec<String>,
    /// Their ids, sorted; filled by [`weigh`].
    pub speaker_ids: Vec<u32>,
}

/// A shared run of this many words outside quotations is copying.
pub const COPY_RUN: usize = 8;

/// Lower-case content words a copied run must hold.
const MIN_RUN_CONTENT: usize = 3;

/// Length a stem is cut to: "priority" and "prioritize", "operation" and "operational" meet.
const KEY_LEN: usize = 6;

/// The key term of a word: its stem, cut to [`KEY_LEN`] characters.
pub fn key_of(lower: &str) -> String {
    let s = stem(&crate::text::fold_spelling(lower));
    s.chars().take(KEY_LEN).collect()
}

/// Key terms of the content words, with "not (yet) clear" read as "unclear" so that both
/// wordings of an uncertainty meet.
fn keys_of(ws: &[crate::text::Word]) -> Vec<String> {
    let mut out = Vec::with_capacity(ws.len());
    for (i, w) in ws.iter().enumerate() {
        if w.lower == "clear" {
            let prev = |k: usize| {
                i.checked_sub(k)
                    .and_then(|j| ws.get(j))
                    .map(|w| w.lower.as_str())
            };
            if prev(1) == Some("not") || (prev(1) == Some("yet") && prev(2) == Some("not")) {
                out.push(key_of("unclear"));
                continue;
            }
        }
        if !is_stopword(&w.lower) {
            out.push(key_of(&w.lower));
        }
    }
    out
}

/// Every statement of every article. An article without statements falls back to its body
/// sentences, so that crosscheck works on any analysis.
pub fn collect(articles: &[ArticleReport]) -> Vec<Stmt> {
    let mut out = Vec::new();
    for (d, a) in articles.iter().enumerate() {
        let text = a.document.text.as_str();
        let fallback: Vec<Statement>;
        let statements = if a.analysis.statements.is_empty() {
            fallback = a
                .analysis
                .sentences
                .iter()
                .enumerate()
                .filter(|(_, s)| matches!(s.kind, BlockKind::Body | BlockKind::Standfirst))
                .map(|(i, s)| Statement {
                    span: s.span,
                    sentence: i,
                    claimant: Claimant::Outlet,
                    modality: Modality::Asserted,
                    part_of: None,
                })
                .collect();
            &fallback
        } else {
            &a.analysis.statements
        };
        // Where each of the article's statements landed, for nested clauses to find their
        // parents; a nested clause stands where its parent stands.
        let mut index: Vec<Option<usize>> = vec![None; statements.len()];
        let n = statements
            .iter()
            .filter(|s| s.part_of.is_none())
            .count()
            .max(1) as f32;
        let mut main = 0usize;
        for (i, st) in statements.iter().enumerate() {
            let t = st.span.text(text);
            let part_of = st.part_of.and_then(|p| index.get(p).copied().flatten());
            if t.is_empty() || (st.part_of.is_some() && part_of.is_none()) {
                continue;
            }
            let position = match part_of {
                Some(p) => out.get(p).map_or(0.0, |s: &Stmt| s.position),
                None => {
                    main += 1;
                    (main - 1) as f32 / n
                }
            };
            index[i] = Some(out.len());
            let ws = words(t);
            let lower: Vec<String> = ws.iter().map(|w| w.lower.clone()).collect();
            let keys = keys_of(&ws);
            let sentence = a
                .analysis
                .sentences
                .get(st.sentence)
                .map_or(st.span, |s| s.span);
            let quoted = quoted_share(t) > 0.6;
            let mask = quoted_ranges(&a.analysis.quotes, st.span);
            let inside: Vec<crate::text::Word> = ws
                .iter()
                .filter(|w| {
                    mask.iter()
                        .any(|&(s, e)| s <= w.span.start && w.span.end <= e)
                })
                .cloned()
                .collect();
            let mut quote_keys = keys_of(&inside);
            if quote_keys.len() * 2 < keys.len() {
                quote_keys.clear();
            }
            let runs = shingles(
                t,
                COPY_RUN,
                (!a.analysis.quotes.is_empty()).then_some(&mask[..]),
            );
            out.push(Stmt {
                doc: d,
                span: st.span,
                sentence,
                text: t.to_string(),
                lower,
                keys,
                vector: Vec::new(),
                phrases: Vec::new(),
                claimant: st.claimant.clone(),
                modality: st.modality,
                position,
                quoted,
                runs,
                part_of,
                quote_keys,
                quote_ids: Vec::new(),
                speaker_keys: match &st.claimant {
                    Claimant::Source(name) => keys_of(&words(name)),
                    _ => Vec::new(),
                },
                speaker_ids: Vec::new(),
            });
        }
    }
    out
}

/// Share of the characters of `t` that lie inside quotation marks.
pub fn quoted_share(t: &str) -> f32 {
    let (mut inside, mut q, mut all) = (false, 0usize, 0usize);
    for ch in t.chars() {
        match ch {
            '“' => inside = true,
            '”' => inside = false,
            '"' => inside = !inside,
            _ => {
                all += 1;
                if inside {
                    q += 1;
                }
            }
        }
    }
    if all == 0 {
        0.0
    } else {
        q as f32 / all as f32
    }
}

/// Fills each statement's TF-IDF vector; returns the vocabulary size.
pub fn weigh(stmts: &mut [Stmt]) -> usize {
    let mut vocab: HashMap<String, u32> = HashMap::new();
    let mut df: Vec<u32> = Vec::new();
    let mut ids: Vec<Vec<u32>> = Vec::with_capacity(stmts.len());
    for s in stmts.iter() {
        let mut v: Vec<u32> = s
            .keys
            .iter()
            .map(|k| {
                let next = vocab.len() as u32;
                *vocab.entry(k.clone()).or_insert(next)
            })
            .collect();
        for &id in &v {
            if id as usize >= df.len() {
                df.resize(id as usize + 1, 0);
            }
        }
        let mut uniq = v.clone();
        uniq.sort_unstable();
        uniq.dedup();
        // A nested clause repeats words of its parent: they are counted once.
        if s.part_of.is_some() {
            uniq.clear();
        }
        for &id in &uniq {
            if let Some(d) = df.get_mut(id as usize) {
                *d += 1;
            }
        }
        v.sort_unstable();
        ids.push(v);
    }
    let n = stmts.iter().filter(|s| s.part_of.is_none()).count().max(1) as f32;
    for (s, v) in stmts.iter_mut().zip(ids) {
        let mut vec: Vec<(u32, f32)> = Vec::new();
        for id in v {
            let idf = (1.0 + n / (1.0 + df.get(id as usize).copied().unwrap_or(0) as f32)).ln();
            match vec.last_mut() {
                Some((last, w)) if *last == id => *w += idf,
                _ => vec.push((id, idf)),
            }
        }
        let norm = vec.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut vec {
                *w /= norm;
            }
        }
        s.vector = vec;
        let ids = |keys: &[String]| {
            let mut q: Vec<u32> = keys.iter().filter_map(|k| vocab.get(k).copied()).collect();
            q.sort_unstable();
            q.dedup();
            q
        };
        s.quote_ids = ids(&s.quote_keys);
        s.speaker_ids = ids(&s.speaker_keys);
    }
    weigh_phrases(stmts);
    vocab.len()
}

/// Fills each statement's phrases: adjacent key terms, weighted by how rare the pair is.
fn weigh_phrases(stmts: &mut [Stmt]) {
    use std::hash::{Hash, Hasher};
    let hashed: Vec<Vec<u64>> = stmts
        .iter()
        .map(|s| {
            let mut v: Vec<u64> = s
                .keys
                .windows(2)
                .map(|w| {
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    w.hash(&mut h);
                    h.finish()
                })
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let mut df: HashMap<u64, u32> = HashMap::new();
    for (s, v) in stmts.iter().zip(&hashed) {
        if s.part_of.is_some() {
            continue;
        }
        for &h in v {
            *df.entry(h).or_insert(0) += 1;
        }
    }
    let n = stmts.iter().filter(|s| s.part_of.is_none()).count().max(1) as f32;
    let top = (1.0 + n).ln().max(f32::EPSILON);
    for (s, v) in stmts.iter_mut().zip(hashed) {
        s.phrases = v
            .into_iter()
            .map(|h| {
                let d = df.get(&h).copied().unwrap_or(1) as f32;
                (h, ((1.0 + n / d).ln() / top).clamp(0.0, 1.0))
            })
            .collect();
    }
}

/// Whether all two statements share lies outside the quotation that one of them mainly is:
/// they name the same speaker but not the same claim.
pub fn share_only_attribution(a: &Stmt, b: &Stmt) -> bool {
    let outside = |x: &Stmt, y: &Stmt| {
        !x.quote_ids.is_empty()
            && !x
                .quote_ids
                .iter()
                .any(|id| y.vector.binary_search_by(|p| p.0.cmp(id)).is_ok())
    };
    outside(a, b) || outside(b, a)
}

/// What the shared name of a speaker adds to the cosine of two statements: naming the same
/// source is not making the same claim.
pub fn speaker_share(a: &Stmt, b: &Stmt) -> f32 {
    if a.speaker_ids.is_empty() && b.speaker_ids.is_empty() {
        return 0.0;
    }
    let named = |id: u32| {
        a.speaker_ids.binary_search(&id).is_ok() || b.speaker_ids.binary_search(&id).is_ok()
    };
    shared(
        &a.vector,
        &b.vector,
        |id, x, y| if named(id) { x * y } else { 0.0 },
    )
}

/// Evidence of a shared phrase between two statements: 0 (none) to 1.
pub fn phrase_overlap(a: &[(u64, f32)], b: &[(u64, f32)]) -> f32 {
    shared(a, b, |_, x, _| x).min(1.0)
}

/// The share of `a`'s (squared, L2-normalised) weight on the keys it shares with `b`.
pub fn covered(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    shared(a, b, |_, x, _| x * x)
}

/// Cosine of two sorted sparse vectors.
pub fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    shared(a, b, |_, x, y| x * y)
}

/// Sum of `f` over the keys two sorted sparse vectors share.
fn shared<K: Ord + Copy>(a: &[(K, f32)], b: &[(K, f32)], f: impl Fn(K, f32, f32) -> f32) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.0.cmp(&y.0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += f(x.0, x.1, y.1);
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Evidence for a statement.
pub fn evidence(articles: &[ArticleReport], s: &Stmt) -> Evidence {
    match articles.get(s.doc) {
        Some(a) => Evidence::new(&a.document.id, &a.document.text, s.span),
        None => Evidence {
            doc: String::new(),
            span: s.span,
            text: s.text.clone(),
        },
    }
}

/// Byte ranges of `span` (relative to its start) that the article's quotations cover.
pub fn quoted_ranges(quotes: &[model::Quote], span: Span) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = quotes
        .iter()
        .filter(|q| q.span.start < span.end && q.span.end > span.start)
        .map(|q| {
            (
                q.span.start.max(span.start) - span.start,
                q.span.end.min(span.end) - span.start,
            )
        })
        .collect();
    out.sort_unstable();
    out
}

/// Word runs of `n` words as hashed shingles, used to tell copying. Quoted words are someone
/// else's, so a run never enters a quotation: when the analysis found the quotations,
/// `quoted` holds their byte ranges in `text` (a statement may begin inside a quotation whose
/// opening mark lies in an earlier sentence); otherwise the quotation marks are followed.
pub fn shingles(text: &str, n: usize, quoted: Option<&[(usize, usize)]>) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let mut inside = false;
    let mut run: Vec<(String, bool)> = Vec::new();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut next_range = 0;
    let flush = |cur: &mut String, run: &mut Vec<(String, bool)>, out: &mut Vec<u64>| {
        if !cur.is_empty() {
            let word = std::mem::take(cur);
            // Names and function words are shared by any two reports of one event ("said in
            // an interview with <broadcaster>", "a meeting at the <place>"); a copied run
            // carries the writer's own wording too.
            let plain = word.chars().next().is_some_and(char::is_lowercase)
                && word.chars().count() > 2
                && !is_stopword(&word);
            run.push((word.to_lowercase(), plain));
            if run.len() >= n {
                let window = &run[run.len() - n..];
                if window.iter().filter(|w| w.1).count() >= MIN_RUN_CONTENT {
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    for (w, _) in window {
                        w.hash(&mut h);
                    }
                    out.push(h.finish());
                }
            }
        }
    };
    for (at, ch) in text.char_indices() {
        if matches!(ch, '“' | '”' | '"') {
            flush(&mut cur, &mut run, &mut out);
            run.clear();
            inside = match ch {
                '“' => true,
                '”' => false,
                _ => !inside,
            };
            continue;
        }
        let masked = match quoted {
            Some(ranges) => {
                while ranges.get(next_range).is_some_and(|r| r.1 <= at) {
                    next_range += 1;
                }
                ranges.get(next_range).is_some_and(|r| r.0 <= at)
            }
            None => inside,
        };
        if masked {
            if !cur.is_empty() || !run.is_empty() {
                flush(&mut cur, &mut run, &mut out);
                run.clear();
            }
            continue;
        }
        if ch.is_alphanumeric() {
            cur.push(ch);
        } else if !matches!(ch, '\'' | '’') {
            flush(&mut cur, &mut run, &mut out);
        }
    }
    flush(&mut cur, &mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_derivations() {
        assert_eq!(key_of("priority"), key_of("prioritize"));
        assert_eq!(key_of("operations"), key_of("operational"));
        assert_eq!(key_of("agreed"), key_of("agree"));
    }

    #[test]
    fn shingles_skip_quotations() {
        let a = shingles(
            "He said \u{201c}one two three four five six seven eight nine\u{201d} today",
            8,
            None,
        );
        assert!(a.is_empty());
        let b = shingles("one two three four five six seven eight nine", 8, None);
        assert_eq!(b.len(), 2);
        // A statement that starts inside a quotation opened in the sentence before.
        let t = "one two three four five six seven eight nine,\" he said";
        assert!(shingles(t, 8, Some(&[(0, 44)])).is_empty());
        assert_eq!(shingles(t, 8, None).len(), 2);
    }

    #[test]
    fn quoted_share_counts_inside() {
        assert!(quoted_share("\u{201c}All of this is quoted\u{201d}") > 0.9);
        assert!(quoted_share("Nothing quoted here") < 0.1);
    }
}
