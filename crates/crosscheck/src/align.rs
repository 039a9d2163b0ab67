//! Alignment of statements across outlets into facts.
//!
//! Each statement becomes a TF-IDF vector over key terms (stemmed content words cut to six
//! letters, so that derivations meet). Candidate pairs come from an inverted index, at most
//! `TUNING.top_k` per statement, so the work stays near-linear in the number of statements. When an
//! embedder is available its cosine is blended in. Statements are then grouped by average
//! linkage over the strongest pairs first, never two statements of one article in a group. A
//! group of two or more articles is a fact.
//!
//! Independence: two supporting articles count as one source when their sentences share a
//! run of [`COPY_RUN`] words outside quotation marks, when the articles share several such runs
//! overall (a republished report), when one credits the other's outlet, or when both credit
//! the same outlet for the statement.

pub mod features;

use std::collections::HashMap;

use model::{ArticleReport, Claimant, ConflictKind, Embedder, Fact};

use features::COPY_RUN;

pub use features::Stmt;

use crate::tuning::TUNING;
use crate::Services;

/// Articles sharing runs in this many sentences are copies of each other throughout.
const COPY_DOC_RUNS: usize = 3;
/// Key terms found in more than this share of statements are skipped when finding candidates.
const MAX_DF_SHARE: f32 = 0.25;
/// Above this many statements, embeddings only re-rank lexical candidates.
const MAX_DENSE: usize = 6000;
/// A pair whose static-tier cosine reaches this is worth the full model.
const FAST_PROMISING: f32 = 0.5;

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
    /// For each statement, its most similar statements of any article (the same one too) by
    /// lexical similarity, strongest first: computed once, for alignment and conflicts.
    pub neighbours: Vec<Vec<(usize, f32)>>,
    /// Article pairs that republish each other, with the sentences they share runs in;
    /// computed once, as regrouping after conflicts needs them again.
    copies: HashMap<(usize, usize), usize>,
}

impl Alignment {
    /// Lexical similarity of two statements: shared key terms, and a bonus for shared
    /// phrases. Conflict rules use this alone: a model's "similar" is too loose a ground for
    /// saying two outlets speak of the same slot.
    pub fn lexical(&self, i: usize, j: usize) -> f32 {
        self.words_alike(i, j).unwrap_or(0.0)
    }

    /// The lexical similarity, or none when the two share only who speaks: then no model
    /// may call them alike either.
    fn words_alike(&self, i: usize, j: usize) -> Option<f32> {
        let (a, b) = (self.stmts.get(i)?, self.stmts.get(j)?);
        if features::share_only_attribution(a, b) {
            return None;
        }
        Some(
            features::cosine(&a.vector, &b.vector)
                - TUNING.speaker_discount * features::speaker_share(a, b)
                + TUNING.phrase_bonus * features::phrase_overlap(&a.phrases, &b.phrases),
        )
    }

    /// Similarity of two statements: lexical, blended with embeddings when known.
    pub fn sim(&self, i: usize, j: usize) -> f32 {
        let Some(lex) = self.words_alike(i, j) else {
            return 0.0;
        };
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
/// sentences sit near 0.2–0.3, so the embedding cosine counts only above `TUNING.blend_floor`.
/// The constants were chosen on the ECB+ sentence-pair benchmark (`eval/reports/
/// ecbplus-pairs.md`): against (0.35, 0.3) they keep the ranking (average precision 0.706
/// against 0.697) and halve the pairs of two different events that reach `TUNING.edge`.
pub fn blend(lex: f32, emb: f32) -> f32 {
    let e = ((emb - TUNING.blend_floor) / TUNING.blend_span).clamp(0.0, 1.0);
    // Never below the lexical figure: the model adds paraphrases, it does not veto overlap.
    lex.max(TUNING.blend_lexical * lex + (1.0 - TUNING.blend_lexical) * e)
}

/// Facts: groups of statements from different outlets that say the same thing.
pub fn facts(articles: &[ArticleReport], services: Services<'_>) -> Vec<Fact> {
    align(articles, services).facts
}

/// Aligns the statements of all articles.
///
/// Candidate pairs come from shared key terms and, when a sentence model is at hand, from
/// nearest neighbours in embedding space. With the static tier available, it proposes the
/// neighbours and the full model embeds only the statements of promising pairs.
pub fn align(articles: &[ArticleReport], services: Services<'_>) -> Alignment {
    let mut stmts = features::collect(articles);
    features::weigh(&mut stmts);
    let mut al = Alignment {
        stmts,
        copies: copied_docs(articles),
        ..Alignment::default()
    };
    let n = al.stmts.len();
    let mut pairs = lexical_candidates(&mut al);
    let fast = services
        .fast
        .and_then(|e| embed(e, &al.stmts, &vec![true; n]));
    match (services.embedder, &fast) {
        (Some(full), Some(fast)) => {
            pairs.extend(dense_candidates(&al, fast));
            let wanted = promising(&pairs, fast);
            al.vectors = embed(full, &al.stmts, &wanted);
        }
        (Some(full), None) => {
            al.vectors = embed(full, &al.stmts, &vec![true; n]);
            if let Some(v) = &al.vectors {
                pairs.extend(dense_candidates(&al, v));
            }
        }
        (None, Some(fast)) => pairs.extend(dense_candidates(&al, fast)),
        (None, None) => {}
    }
    let pairs = scored(&al, pairs);
    let groups = cluster(&al, pairs);
    al.set_groups(articles, groups);
    al
}

/// The statements worth the full model: the two ends of a candidate pair the static tier
/// finds close. The others keep their lexical similarity.
fn promising(pairs: &[(usize, usize)], fast: &[Vec<f32>]) -> Vec<bool> {
    let mut wanted = vec![false; fast.len()];
    for &(i, j) in pairs {
        if let (Some(a), Some(b)) = (fast.get(i), fast.get(j)) {
            if model::cosine(a, b) >= FAST_PROMISING {
                wanted[i] = true;
                wanted[j] = true;
            }
        }
    }
    wanted
}

/// Vectors of the `wanted` statements (empty for the others, which compare lexically); none
/// when the embedder fails.
fn embed(e: &dyn Embedder, stmts: &[Stmt], wanted: &[bool]) -> Option<Vec<Vec<f32>>> {
    let idx: Vec<usize> = (0..stmts.len()).filter(|&i| wanted[i]).collect();
    let texts: Vec<&str> = idx.iter().map(|&i| stmts[i].text.as_str()).collect();
    let got = e.embed(&texts).ok().filter(|v| v.len() == idx.len())?;
    let mut out = vec![Vec::new(); stmts.len()];
    for (i, v) in idx.into_iter().zip(got) {
        out[i] = v;
    }
    Some(out)
}

impl Alignment {
    /// Takes `groups` as the facts: those of two or more statements, most outlets first.
    fn set_groups(&mut self, articles: &[ArticleReport], groups: Vec<Vec<usize>>) {
        let mut groups: Vec<Vec<usize>> = groups.into_iter().filter(|g| g.len() >= 2).collect();
        // Among equals, what comes early in the articles.
        let pos = |g: &Vec<usize>| {
            g.iter().map(|&i| self.stmts[i].position).sum::<f32>() / g.len() as f32
        };
        groups.sort_by(|a, b| b.len().cmp(&a.len()).then(pos(a).total_cmp(&pos(b))));
        self.group_of = vec![None; self.stmts.len()];
        let mut facts = Vec::with_capacity(groups.len());
        for (gi, g) in groups.iter_mut().enumerate() {
            g.sort_by_key(|&i| self.stmts[i].doc);
            for &i in g.iter() {
                self.group_of[i] = Some(gi);
            }
            facts.push(make_fact(articles, self, g, gi, &self.copies));
        }
        self.groups = groups;
        self.facts = facts;
    }

    /// Takes apart conflicting statements (indices into `stmts`, and the conflict's kind).
    /// Outlets that agree on an event may disagree on a detail of it (a count, a duration,
    /// the extent), so such a pair stays in a larger group unless one of them holds to it only
    /// through the other; a pair that is the whole group shares no claim when they disagree on
    /// its extent. A denial (inverted, certainty) always separates the pair: the one less like
    /// the rest leaves, and a group of just the two dissolves.
    pub fn separate(
        &mut self,
        articles: &[ArticleReport],
        conflicts: impl IntoIterator<Item = (usize, usize, ConflictKind)>,
    ) {
        let mut groups = self.groups.clone();
        let mut changed = false;
        for (a, b, kind) in conflicts {
            let denial = matches!(kind, ConflictKind::Inverted | ConflictKind::Certainty);
            let (Some(Some(ga)), Some(Some(gb))) = (self.group_of.get(a), self.group_of.get(b))
            else {
                continue;
            };
            let Some(g) = groups
                .get_mut(*ga)
                .filter(|g| ga == gb && g.contains(&a) && g.contains(&b))
            else {
                continue;
            };
            if g.len() <= 2 && kind != ConflictKind::Value {
                g.clear();
                changed = true;
                continue;
            }
            // Best similarity of `x` to the group's other members, its opponent aside.
            let held = |x: usize, g: &[usize]| {
                g.iter()
                    .filter(|&&y| y != a && y != b)
                    .map(|&y| self.sim(x, y))
                    .fold(0.0f32, f32::max)
            };
            let (ha, hb) = (held(a, g), held(b, g));
            let leaves = if g.len() <= 2 {
                None
            } else if denial {
                Some(if ha < hb { a } else { b })
            } else {
                [(a, ha), (b, hb)]
                    .into_iter()
                    .filter(|&(_, h)| h < TUNING.edge)
                    .min_by(|x, y| x.1.total_cmp(&y.1))
                    .map(|(x, _)| x)
            };
            if let Some(x) = leaves {
                g.retain(|&y| y != x);
                changed = true;
            }
        }
        if changed {
            self.set_groups(articles, groups);
        }
    }
}

/// Candidate pairs (i < j, different articles) by shared key terms: at most `TUNING.top_k` per
/// statement, found through an inverted index that skips the commonest terms.
fn lexical_candidates(al: &mut Alignment) -> Vec<(usize, usize)> {
    let stmts = &al.stmts;
    let n = stmts.len();
    let mut postings: HashMap<u32, Vec<(usize, f32)>> = HashMap::new();
    for (i, s) in stmts.iter().enumerate() {
        for &(id, w) in &s.vector {
            postings.entry(id).or_default().push((i, w));
        }
    }
    let max_df = ((n as f32 * MAX_DF_SHARE) as usize).max(8);
    let mut pairs = Vec::new();
    let mut neighbours = Vec::with_capacity(n);
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
                if j != i {
                    *acc.entry(j).or_insert(0.0) += w * wj;
                }
            }
        }
        let order = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        let mut row: Vec<(f32, usize)> = acc
            .iter()
            .filter(|(&j, _)| stmts[j].doc != s.doc)
            .map(|(&j, &v)| (v, j))
            .filter(|p| p.0 >= TUNING.min_pair * 0.8)
            .collect();
        row.sort_by(order);
        row.truncate(TUNING.top_k);
        pairs.extend(row.into_iter().map(|(_, j)| (i.min(j), i.max(j))));
        // The conflict rules' neighbours: any article, by the full lexical similarity.
        let mut near: Vec<(f32, usize)> = acc
            .keys()
            .map(|&j| (al.lexical(i, j), j))
            .filter(|p| p.0 >= TUNING.min_pair)
            .collect();
        near.sort_by(order);
        near.truncate(TUNING.neighbours);
        neighbours.push(near.into_iter().map(|(v, j)| (j, v)).collect());
    }
    al.neighbours = neighbours;
    pairs
}

/// Candidate pairs by embedding: each statement's `TUNING.top_k` nearest of other articles.
/// Skipped above [`MAX_DENSE`] statements, where the lexical candidates must do.
fn dense_candidates(al: &Alignment, vectors: &[Vec<f32>]) -> Vec<(usize, usize)> {
    let n = al.stmts.len();
    if n > MAX_DENSE || vectors.len() != n {
        return Vec::new();
    }
    let mut pairs = Vec::new();
    for i in 0..n {
        let mut row: Vec<(f32, usize)> = (0..n)
            .filter(|&j| al.stmts[j].doc != al.stmts[i].doc)
            .map(|j| (model::cosine(&vectors[i], &vectors[j]), j))
            .collect();
        let order = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if row.len() > TUNING.top_k {
            row.select_nth_unstable_by(TUNING.top_k, order);
            row.truncate(TUNING.top_k);
        }
        pairs.extend(row.into_iter().map(|(_, j)| (i.min(j), i.max(j))));
    }
    pairs
}

/// The candidates with their similarity, at least `TUNING.min_pair`, strongest first.
fn scored(al: &Alignment, mut pairs: Vec<(usize, usize)>) -> Vec<(f32, usize, usize)> {
    pairs.sort_unstable();
    pairs.dedup();
    let mut out: Vec<(f32, usize, usize)> = pairs
        .into_iter()
        .map(|(i, j)| (al.sim(i, j), i, j))
        .filter(|p| p.0 >= TUNING.min_pair)
        .collect();
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    out
}

/// Average-linkage grouping over the candidate pairs, one statement per article per group.
///
/// Whole statements are grouped first. Nested clauses come second, on stronger pairs only:
/// a clause may found a fact of its own or join one, but never joins two facts into one, so
/// that the grouping of whole statements stays as it was.
fn cluster(al: &Alignment, pairs: Vec<(f32, usize, usize)>) -> Vec<Vec<usize>> {
    let nested = |i: usize| al.stmts[i].part_of.is_some();
    let (whole, parts): (Vec<_>, Vec<_>) = pairs
        .into_iter()
        .partition(|&(_, i, j)| !nested(i) && !nested(j));
    let mut nested_in: Vec<Vec<usize>> = vec![Vec::new(); al.stmts.len()];
    for (i, s) in al.stmts.iter().enumerate() {
        if let Some(p) = s.part_of.filter(|&p| p < nested_in.len()) {
            nested_in[p].push(i);
        }
    }
    // A statement whose nested clause matches the other better leaves the pair to the clause.
    let clause_fits_better = |sim: f32, i: usize, j: usize| {
        let better = |x: usize, y: usize| nested_in[x].iter().any(|&c| al.sim(c, y) >= sim);
        better(i, j) || better(j, i)
    };
    let mut g = Groups::new(al.stmts.len());
    for (sim, i, j) in whole.into_iter().take_while(|p| p.0 >= TUNING.edge) {
        if !clause_fits_better(sim, i, j) {
            g.merge(al, i, j);
        }
    }
    // The facts of whole statements stay apart from here on.
    g.fact = g.members.iter().map(|m| m.len() >= 2).collect();
    for (_, i, j) in parts.into_iter().take_while(|p| p.0 >= TUNING.nested_edge) {
        g.merge(al, i, j);
    }
    g.join_continued(al);
    g.members.into_iter().filter(|m| !m.is_empty()).collect()
}

/// Whether `b`, the whole statement after `a`, continues it: in the same article, naming the
/// source that makes `a` ("X said the government would not overrule the board." followed by
/// X's own words on it, "… X said").
fn continues(a: &Stmt, b: &Stmt) -> bool {
    let Claimant::Source(name) = &a.claimant else {
        return false;
    };
    let Some(surname) = name.split_whitespace().last().map(str::to_lowercase) else {
        return false;
    };
    a.doc == b.doc && a.part_of.is_none() && b.lower.contains(&surname)
}

/// Groups under construction: each statement's group, each group's statements, and which
/// groups may not be merged with each other.
struct Groups {
    owner: Vec<usize>,
    members: Vec<Vec<usize>>,
    fact: Vec<bool>,
}

impl Groups {
    fn new(n: usize) -> Self {
        Groups {
            owner: (0..n).collect(),
            members: (0..n).map(|i| vec![i]).collect(),
            fact: vec![false; n],
        }
    }

    /// Merges the groups of `i` and `j` when no article would be in it twice and their
    /// statements are alike on average.
    fn merge(&mut self, al: &Alignment, i: usize, j: usize) {
        let (a, b) = (self.owner[i], self.owner[j]);
        if a == b || (self.fact[a] && self.fact[b]) {
            return;
        }
        let (ma, mb) = (&self.members[a], &self.members[b]);
        if ma
            .iter()
            .any(|&x| mb.iter().any(|&y| al.stmts[x].doc == al.stmts[y].doc))
        {
            return;
        }
        let total: f32 = ma
            .iter()
            .flat_map(|&x| mb.iter().map(move |&y| al.sim(x, y)))
            .sum();
        if total / ((ma.len() * mb.len()) as f32) < TUNING.link {
            return;
        }
        self.absorb(a, b);
    }

    /// Moves group `b` into group `a`.
    fn absorb(&mut self, a: usize, b: usize) {
        let moved = std::mem::take(&mut self.members[b]);
        for &m in &moved {
            self.owner[m] = a;
        }
        self.members[a].extend(moved);
        self.fact[a] |= self.fact[b];
    }

    /// Joins two facts when one article tells them in successive statements of one source
    /// (a paraphrase and the quotation that follows it) and the other articles in them are
    /// alike on average: the outlets split one claim differently.
    fn join_continued(&mut self, al: &Alignment) {
        for i in 0..al.stmts.len() {
            let Some(j) = (i + 1..al.stmts.len()).find(|&j| al.stmts[j].part_of.is_none()) else {
                continue;
            };
            let (a, b) = (self.owner[i], self.owner[j]);
            if a == b
                || !continues(&al.stmts[i], &al.stmts[j])
                || self.members[a].len() < 2
                || self.members[b].len() < 2
            {
                continue;
            }
            let (ma, mb) = (&self.members[a], &self.members[b]);
            let doc = al.stmts[i].doc;
            let others_overlap = ma.iter().any(|&x| {
                mb.iter()
                    .any(|&y| al.stmts[x].doc == al.stmts[y].doc && al.stmts[x].doc != doc)
            });
            let cross: Vec<f32> = ma
                .iter()
                .flat_map(|&x| mb.iter().map(move |&y| (x, y)))
                .filter(|&(x, y)| al.stmts[x].doc != doc || al.stmts[y].doc != doc)
                .map(|(x, y)| al.sim(x, y))
                .collect();
            if others_overlap
                || cross.is_empty()
                || cross.iter().sum::<f32>() / (cross.len() as f32) < TUNING.link
            {
                continue;
            }
            self.absorb(a, b);
        }
    }
}

/// Pairs of articles (by index) whose sentences share long word runs in several places: one
/// republishes the other. Counted in sentences, so that one long shared phrase is one place.
fn copied_docs(articles: &[ArticleReport]) -> HashMap<(usize, usize), usize> {
    // Each run, with the articles and sentences it occurs in.
    let mut owners: HashMap<u64, Vec<(usize, usize)>> = HashMap::new();
    for (d, a) in articles.iter().enumerate() {
        let quotes = &a.analysis.quotes;
        for (si, s) in a.analysis.sentences.iter().enumerate() {
            let mask = features::quoted_ranges(quotes, s.span);
            let text = s.span.text(&a.document.text);
            for h in features::shingles(text, COPY_RUN, (!quotes.is_empty()).then_some(&mask[..])) {
                owners.entry(h).or_default().push((d, si));
            }
        }
    }
    let mut places: HashMap<(usize, usize), std::collections::HashSet<usize>> = HashMap::new();
    for occ in owners.values_mut() {
        occ.sort_unstable();
        occ.dedup();
        let mut docs: Vec<usize> = occ.iter().map(|o| o.0).collect();
        docs.dedup();
        // A run most articles have is a stock phrase, not copying.
        if docs.len() < 2 || docs.len() > 8 {
            continue;
        }
        for &(a, sa) in occ.iter() {
            for &(b, _) in occ.iter().filter(|o| o.0 > a) {
                places.entry((a, b)).or_default().insert(sa);
            }
        }
    }
    places
        .into_iter()
        .map(|(k, v)| (k, v.len()))
        .filter(|(_, c)| *c >= COPY_DOC_RUNS)
        .collect()
}

/// The evidence of a group (sorted by article): one span per article, covering both
/// statements where an article tells the claim in two.
fn support(articles: &[ArticleReport], al: &Alignment, g: &[usize]) -> Vec<model::Evidence> {
    let mut spans: Vec<(usize, model::Span)> = Vec::with_capacity(g.len());
    for s in g.iter().map(|&i| &al.stmts[i]) {
        match spans.last_mut() {
            Some((d, sp)) if *d == s.doc => {
                *sp = model::Span::new(sp.start.min(s.span.start), sp.end.max(s.span.end));
            }
            _ => spans.push((s.doc, s.span)),
        }
    }
    spans
        .into_iter()
        .filter_map(|(d, sp)| {
            let a = articles.get(d)?;
            Some(model::Evidence::new(&a.document.id, &a.document.text, sp))
        })
        .collect()
}

/// The outlet a statement credits, as a registry name key, when it credits one.
fn credited(s: &Stmt) -> Option<String> {
    match &s.claimant {
        Claimant::Cited(name) => {
            let n = outlet_key(name);
            (!n.is_empty() && !n.contains("reports")).then_some(n)
        }
        _ => None,
    }
}

/// An outlet's name as a key: its registry name ("NYT" is the New York Times), lower case,
/// without a leading "the".
fn outlet_key(name: &str) -> String {
    model::outlets::name_key(&model::outlets::canonical(name))
}

/// Whether statement `s` credits the outlet that published `other` (by its outlet name or
/// its id, "according to Coastline Daily" for `02_coastline-daily`): then it is not
/// independent of it.
fn credits(s: &Stmt, other: Option<&ArticleReport>) -> bool {
    let (Some(name), Some(other)) = (credited(s), other) else {
        return false;
    };
    // A file name stands for the outlet when nothing better was found: "02_coastline-daily".
    let id_words: Vec<String> = other
        .document
        .id
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    name.len() > 2
        && (outlet_key(&other.document.outlet.name) == name
            || format!(" {} ", id_words.join(" ")).contains(&format!(" {name} ")))
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
    // Representative: the statement closest to the others, a whole statement before a
    // nested clause.
    let rep = g
        .iter()
        .copied()
        .max_by(|&x, &y| {
            let whole = |i: usize| al.stmts[i].part_of.is_none();
            let c = |i: usize| {
                g.iter()
                    .filter(|&&j| j != i)
                    .map(|&j| al.sim(i, j))
                    .sum::<f32>()
            };
            whole(x).cmp(&whole(y)).then(c(x).total_cmp(&c(y)))
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
        .map(|&i| al.stmts[i].runs.iter().copied().collect())
        .collect();
    for x in 0..g.len() {
        for y in x + 1..g.len() {
            let (sx, sy) = (&al.stmts[g[x]], &al.stmts[g[y]]);
            let (dx, dy) = (id_of(sx.doc), id_of(sy.doc));
            if sx.doc == sy.doc {
                // One article telling the claim twice is one source, and needs no reason.
                let (rx, ry) = (root(&mut parent, x), root(&mut parent, y));
                parent[ry] = rx;
                continue;
            }
            let why = if sh[x].intersection(&sh[y]).next().is_some() {
                Some(format!("{dy} shares a run of {COPY_RUN}+ words with {dx}"))
            } else if let Some(c) = copies.get(&(sx.doc.min(sy.doc), sx.doc.max(sy.doc))) {
                Some(format!(
                    "{dx} and {dy} share long word runs in {c} sentences (one republishes the other)"
                ))
            } else if credits(sx, articles.get(sy.doc)) {
                Some(format!("{dx} credits {dy}"))
            } else if credits(sy, articles.get(sx.doc)) {
                Some(format!("{dy} credits {dx}"))
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
        support: support(articles, al, g),
        independent_sources: independent,
        dependence,
        first_seen,
    }
}
