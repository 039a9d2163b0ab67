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
    /// Who makes it.
    pub claimant: Claimant,
    /// How firmly.
    pub modality: Modality,
    /// Position in its article, 0 (first) to 1 (last).
    pub position: f32,
    /// True when most of it lies inside quotation marks.
    pub quoted: bool,
}

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
                })
                .collect();
            &fallback
        } else {
            &a.analysis.statements
        };
        let n = statements.len().max(1) as f32;
        for (i, st) in statements.iter().enumerate() {
            let t = st.span.text(text);
            if t.is_empty() {
                continue;
            }
            let ws = words(t);
            let lower: Vec<String> = ws.iter().map(|w| w.lower.clone()).collect();
            let keys = keys_of(&ws);
            let sentence = a
                .analysis
                .sentences
                .get(st.sentence)
                .map_or(st.span, |s| s.span);
            let quoted = quoted_share(t) > 0.6;
            out.push(Stmt {
                doc: d,
                span: st.span,
                sentence,
                text: t.to_string(),
                lower,
                keys,
                vector: Vec::new(),
                claimant: st.claimant.clone(),
                modality: st.modality,
                position: i as f32 / n,
                quoted,
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
        for &id in &uniq {
            if let Some(d) = df.get_mut(id as usize) {
                *d += 1;
            }
        }
        v.sort_unstable();
        ids.push(v);
    }
    let n = stmts.len().max(1) as f32;
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
    }
    vocab.len()
}

/// Cosine of two sorted sparse vectors.
pub fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
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

/// Word runs of `n` words, outside quotation marks, as hashed shingles; used to tell copying.
pub fn shingles(text: &str, n: usize) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let mut inside = false;
    let mut run: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, run: &mut Vec<String>, out: &mut Vec<u64>| {
        if !cur.is_empty() {
            run.push(std::mem::take(cur).to_lowercase());
            if run.len() >= n {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                run[run.len() - n..].hash(&mut h);
                out.push(h.finish());
            }
        }
    };
    for ch in text.chars() {
        let quote = matches!(ch, '“' | '”' | '"');
        if quote {
            flush(&mut cur, &mut run, &mut out);
            // Quoted words are someone else's; a run never crosses a quotation mark.
            run.clear();
            inside = match ch {
                '“' => true,
                '”' => false,
                _ => !inside,
            };
            continue;
        }
        if inside {
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
        );
        assert!(a.is_empty());
        let b = shingles("one two three four five six seven eight nine", 8);
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn quoted_share_counts_inside() {
        assert!(quoted_share("\u{201c}All of this is quoted\u{201d}") > 0.9);
        assert!(quoted_share("Nothing quoted here") < 0.1);
    }
}
