//! Alignment of statements across outlets into facts.
//!
//! Each statement becomes a TF-IDF vector over key terms (stemmed content words cut to six
//! letters, so that derivations meet). Candidate pairs come from an inverted index, at most
//! [`TOP_K`] per statement, so the work stays near-linear in the number of statements. When an
//! embedder is available its cosine is blended in. Statements are then grouped by average
//! linkage over the strongest pairs first, never two statements of one article in a group. A
//! group of two or more articles is a fact.
//!
//! Independence: two supporting articles count as one source when their sentences share a
//! run of [`COPY_RUN`] words outside quotation marks, when the articles share several such runs
//! overall (a republished report), or when both credit the same outlet for the statement.

pub mod features;

use std::collections::HashMap;

use model::{ArticleReport, Claimant, Fact};

pub use features::Stmt;

use crate::Services;

/// Candidate partners kept per statement.
const TOP_K: usize = 8;
/// Below this similarity two statements are not a candidate pair.
const MIN_PAIR: f32 = 0.2;
/// A pair must be at least this similar to join two groups …
const EDGE: f32 = 0.3;
/// … and the groups' statements this similar on average.
const LINK: f32 = 0.2;
/// A shared run of this many words outside quotations is copying.
const COPY_RUN: usize = 8;
/// Articles sharing this many runs are copies of each other throughout.
const COPY_DOC_RUNS: usize = 3;
/// Key terms found in more than this share of statements are skipped when finding candidates.
const MAX_DF_SHARE: f32 = 0.25;
/// Above this many statements, embeddings only re-rank lexical candidates.
const MAX_DENSE: usize = 2500;

/// Statements, their grouping into facts and the facts themselves.
#[derive(Debug, Default)]
pub struct Alignment {
    /// Every statement, of every article.
    pub stmts: Vec<Stmt>,
    /// Embedding of each statement, when an embedder ran.
    pub vectors: Option<Vec<Vec<f32>>>,
    /// For each fact, in the order of [`Alignment::facts`], its statements (indices into
    /// `stmts`), one per article.
    pub groups: Vec<Vec<usize>>,
    /// The group each statement belongs to, if any.
    pub group_of: Vec<Option<usize>>,
    /// The facts.
    pub facts: Vec<Fact>,
}

impl Alignment {
    /// Similarity of two statements: lexical, blended with embeddings when known.
    pub fn sim(&self, i: usize, j: usize) -> f32 {
        let (Some(a), Some(b)) = (self.stmts.get(i), self.stmts.get(j)) else {
            return 0.0;
        };
        let lex = features::cosine(&a.vector, &b.vector);
        match self
            .vectors
            .as_ref()
            .and_then(|v| Some((v.get(i)?, v.get(j)?)))
        {
            Some((x, y)) => blend(lex, model::cosine(x, y)),
            None => lex,
        }
    }
}

/// Lexical and embedding similarity in one figure. Sentence embeddings of unrelated news
/// sentences sit near 0.2–0.3, so the embedding cosine is rescaled before it counts.
fn blend(lex: f32, emb: f32) -> f32 {
    let e = ((emb - 0.35) / 0.55).clamp(0.0, 1.0);
    // Never below the lexical figure: the model adds paraphrases, it does not veto overlap.
    lex.max(0.5 * lex + 0.5 * e)
}

/// Facts: groups of statements from different outlets that say the same thing.
pub fn facts(articles: &[ArticleReport], services: Services<'_>) -> Vec<Fact> {
    align(articles, services).facts
}

/// Aligns the statements of all articles.
pub fn align(articles: &[ArticleReport], services: Services<'_>) -> Alignment {
    let mut stmts = features::collect(articles);
    features::weigh(&mut stmts);
    let vectors = services.embedder.and_then(|e| {
        let texts: Vec<&str> = stmts.iter().map(|s| s.text.as_str()).collect();
        e.embed(&texts).ok().filter(|v| v.len() == stmts.len())
    });
    let mut al = Alignment {
        stmts,
        vectors,
        ..Alignment::default()
    };
    let pairs = candidates(&al);
    let groups = cluster(&al, pairs);
    al.group_of = vec![None; al.stmts.len()];
    let mut groups: Vec<Vec<usize>> = groups.into_iter().filter(|g| g.len() >= 2).collect();
    // Most outlets first; among equals, what comes early in the articles.
    let pos =
        |g: &Vec<usize>| g.iter().map(|&i| al.stmts[i].position).sum::<f32>() / g.len() as f32;
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then(pos(a).total_cmp(&pos(b))));
    let copies = copied_docs(articles);
    let mut facts = Vec::with_capacity(groups.len());
    for (gi, g) in groups.iter_mut().enumerate() {
        g.sort_by_key(|&i| al.stmts[i].doc);
        for &i in g.iter() {
            al.group_of[i] = Some(gi);
        }
        facts.push(make_fact(articles, &al, g, gi, &copies));
    }
    al.groups = groups;
    al.facts = facts;
    al
}

/// Candidate pairs (i < j, different articles) with their similarity, strongest first.
fn candidates(al: &Alignment) -> Vec<(f32, usize, usize)> {
    let stmts = &al.stmts;
    let n = stmts.len();
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    if al.vectors.is_some() && n <= MAX_DENSE {
        for i in 0..n {
            let mut row: Vec<(f32, usize)> = (0..n)
                .filter(|&j| stmts[j].doc != stmts[i].doc)
                .map(|j| (al.sim(i, j), j))
                .filter(|p| p.0 >= MIN_PAIR)
                .collect();
            row.sort_by(|a, b| b.0.total_cmp(&a.0));
            row.truncate(TOP_K);
            pairs.extend(row.into_iter().map(|(s, j)| (s, i.min(j), i.max(j))));
        }
    } else {
        let mut postings: HashMap<u32, Vec<(usize, f32)>> = HashMap::new();
        for (i, s) in stmts.iter().enumerate() {
            for &(id, w) in &s.vector {
                postings.entry(id).or_default().push((i, w));
            }
        }
        let max_df = ((n as f32 * MAX_DF_SHARE) as usize).max(8);
        let mut acc: HashMap<usize, f32> = HashMap::new();
        for (i, s) in stmts.iter().enumerate() {
            acc.clear();
            for &(id, w) in &s.vector {
                let Some(list) = postings.get(&id) else {
                    continue;
                };
                if list.len() > max_df {
                    continue;
                }
                for &(j, wj) in list {
                    if stmts[j].doc != s.doc {
                        *acc.entry(j).or_insert(0.0) += w * wj;
                    }
                }
            }
            let mut row: Vec<(f32, usize)> = acc
                .iter()
                .map(|(&j, &v)| (v, j))
                .filter(|p| p.0 >= MIN_PAIR * 0.8)
                .collect();
            row.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            row.truncate(TOP_K);
            for (_, j) in row {
                let sim = al.sim(i, j);
                if sim >= MIN_PAIR {
                    pairs.push((sim, i.min(j), i.max(j)));
                }
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    pairs.dedup_by(|a, b| a.1 == b.1 && a.2 == b.2);
    pairs
}

/// Average-linkage grouping over the candidate pairs, one statement per article per group.
fn cluster(al: &Alignment, pairs: Vec<(f32, usize, usize)>) -> Vec<Vec<usize>> {
    let n = al.stmts.len();
    let mut owner: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    for (sim, i, j) in pairs {
        if sim < EDGE {
            break;
        }
        let (a, b) = (owner[i], owner[j]);
        if a == b {
            continue;
        }
        let docs_overlap = members[a].iter().any(|&x| {
            members[b]
                .iter()
                .any(|&y| al.stmts[x].doc == al.stmts[y].doc)
        });
        if docs_overlap {
            continue;
        }
        let mut total = 0.0;
        for &x in &members[a] {
            for &y in &members[b] {
                total += al.sim(x, y);
            }
        }
        let avg = total / (members[a].len() * members[b].len()) as f32;
        if avg < LINK {
            continue;
        }
        let moved = std::mem::take(&mut members[b]);
        for &m in &moved {
            owner[m] = a;
        }
        members[a].extend(moved);
    }
    members.into_iter().filter(|m| !m.is_empty()).collect()
}

/// Pairs of articles (by index) that share several long word runs: one republishes the other.
fn copied_docs(articles: &[ArticleReport]) -> HashMap<(usize, usize), usize> {
    let sets: Vec<std::collections::HashSet<u64>> = articles
        .iter()
        .map(|a| {
            let body: String = a
                .analysis
                .sentences
                .iter()
                .map(|s| s.span.text(&a.document.text))
                .collect::<Vec<_>>()
                .join(" ");
            features::shingles(&body, COPY_RUN).into_iter().collect()
        })
        .collect();
    // Bucket shingles so that only articles sharing one are compared.
    let mut owners: HashMap<u64, Vec<usize>> = HashMap::new();
    for (d, set) in sets.iter().enumerate() {
        for &h in set {
            owners.entry(h).or_default().push(d);
        }
    }
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for docs in owners.values() {
        // A run every article has is a stock phrase, not copying.
        if docs.len() < 2 || docs.len() > 8 {
            continue;
        }
        for (k, &a) in docs.iter().enumerate() {
            for &b in &docs[k + 1..] {
                *shared.entry((a.min(b), a.max(b))).or_insert(0) += 1;
            }
        }
    }
    shared.retain(|_, c| *c >= COPY_DOC_RUNS);
    shared
}

/// The outlet a statement credits, normalised, when it credits one.
fn credited(s: &Stmt) -> Option<String> {
    match &s.claimant {
        Claimant::Cited(name) => {
            let n = name
                .trim()
                .trim_start_matches("the ")
                .trim_start_matches("The ")
                .to_lowercase();
            (!n.is_empty() && !n.contains("reports")).then_some(n)
        }
        _ => None,
    }
}

fn make_fact(
    articles: &[ArticleReport],
    al: &Alignment,
    g: &[usize],
    gi: usize,
    copies: &HashMap<(usize, usize), usize>,
) -> Fact {
    let id_of = |d: usize| {
        articles
            .get(d)
            .map_or(String::new(), |a| a.document.id.clone())
    };
    // Representative: the statement closest to the others, a full sentence when short.
    let rep = g
        .iter()
        .copied()
        .max_by(|&x, &y| {
            let c = |i: usize| {
                g.iter()
                    .filter(|&&j| j != i)
                    .map(|&j| al.sim(i, j))
                    .sum::<f32>()
            };
            c(x).total_cmp(&c(y))
        })
        .unwrap_or(0);
    let text = al.stmts.get(rep).map_or(String::new(), |s| s.text.clone());
    // Union-find over the supporting articles.
    let mut parent: Vec<usize> = (0..g.len()).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut dependence = Vec::new();
    let sh: Vec<std::collections::HashSet<u64>> = g
        .iter()
        .map(|&i| {
            features::shingles(&al.stmts[i].text, COPY_RUN)
                .into_iter()
                .collect()
        })
        .collect();
    for x in 0..g.len() {
        for y in x + 1..g.len() {
            let (sx, sy) = (&al.stmts[g[x]], &al.stmts[g[y]]);
            let (dx, dy) = (id_of(sx.doc), id_of(sy.doc));
            let why = if sh[x].intersection(&sh[y]).next().is_some() {
                Some(format!("{dy} shares a run of {COPY_RUN}+ words with {dx}"))
            } else if let Some(c) = copies.get(&(sx.doc.min(sy.doc), sx.doc.max(sy.doc))) {
                Some(format!(
                    "{dx} and {dy} share {c} long word runs (one republishes the other)"
                ))
            } else {
                match (credited(sx), credited(sy)) {
                    (Some(a), Some(b)) if a == b || a.contains(&b) || b.contains(&a) => {
                        Some(format!(
                            "{dx} and {dy} both credit {}",
                            if a.len() <= b.len() { &a } else { &b }
                        ))
                    }
                    _ => None,
                }
            };
            if let Some(w) = why {
                let (rx, ry) = (root(&mut parent, x), root(&mut parent, y));
                if rx != ry {
                    parent[ry] = rx;
                    dependence.push(w);
                }
            }
        }
    }
    let independent = (0..g.len()).filter(|&x| root(&mut parent, x) == x).count();
    let first_seen = g
        .iter()
        .filter_map(|&i| {
            let a = articles.get(al.stmts[i].doc)?;
            Some((a.document.published.clone()?, a.document.id.clone()))
        })
        .min()
        .map(|(_, id)| id);
    Fact {
        id: format!("F{}", gi + 1),
        text,
        support: g
            .iter()
            .map(|&i| features::evidence(articles, &al.stmts[i]))
            .collect(),
        independent_sources: independent,
        dependence,
        first_seen,
    }
}
