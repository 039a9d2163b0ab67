//! Online story clustering: each new article joins the most similar live story or starts
//! one, two stories whose centres come close as evidence arrives are merged, and a story
//! whose best bisection has halves as far apart as two stories that would not merge is split
//! (checked at geometric sizes; split halves are never merged again).
//!
//! An article is a TF-IDF vector over its [`Features`] (IDF from every article seen so far); a
//! story is the sum of its articles' unit vectors. When the static embedding tier is in use,
//! an article also has a dense unit vector (its title and lead, [`crate::features::dense_text`])
//! and a story the sum of its articles' ones; their cosine, less [`Config::dense_floor`] and
//! weighed by [`Config::dense_weight`], is added to the terms' cosine for joining and merging.
//! It rescores candidates; it does not propose them.
//!
//! Candidates come from an inverted index over articles' heaviest terms, so the cost of an
//! article does not grow with the corpus; a story is a candidate only while the article's date
//! is within [`Config::window_days`] of the story's dates (when both have dates).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::features::Features;

/// A hasher for keys that are already well-mixed 64-bit hashes (terms, story ids): it keeps
/// the key. Unlike the standard randomly seeded one, it iterates the same way on every run,
/// so float sums over a map are the same on every run too.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = crate::features::mix(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        // Story ids are small counters: mix them so they spread over the table.
        self.0 = crate::features::mix(n);
    }
}

/// An article's unit TF-IDF vector: (term, weight), heaviest first.
type Vector = Vec<(u64, f32)>;

/// A map over hashed keys with a fixed iteration order.
pub type KeyMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// How close is close enough.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Cosine between an article and a story's centre from which the article joins it.
    pub join: f32,
    /// Cosine between two stories' centres from which they become one.
    pub merge: f32,
    /// Days before a story's first or after its last article within which an article may
    /// join it.
    pub window_days: i32,
    /// Most days from a story's first to its last article: a story is an event's coverage,
    /// and without a bound a running theme (a war, a law) would chain into one story over
    /// years.
    pub max_span_days: i32,
    /// Cosine between the centres of a story's two halves (its best bisection) below which
    /// the story is split in two; the halves are never merged again. By default equal to
    /// [`Config::merge`]: a story stays whole while its halves would be merged if apart.
    pub split: f32,
    /// Weight of the dense signal (the cosine of static-tier embeddings of article and story,
    /// less [`Config::dense_floor`]) added to the TF-IDF cosine when both have embeddings.
    pub dense_weight: f32,
    /// The dense cosine that neither helps nor hinders, since mean-pooled token vectors of any
    /// two texts are far from orthogonal: about the 90th percentile of random article pairs
    /// (0.41 on a five-month sample of a news corpus, 0.31 on ECB+ pairs of other topics).
    pub dense_floor: f32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            join: 0.25,
            merge: 0.40,
            window_days: 4,
            max_span_days: 14,
            split: 0.40,
            dense_weight: 0.2,
            dense_floor: 0.4,
        }
    }
}

/// A story is checked for a split when its size reaches this, and then each time it has
/// grown by half: a story of a few articles has too little evidence to part, and checking at
/// geometric steps keeps the cost per article constant.
const SPLIT_FROM: usize = 6;
/// Fewest articles in each half of a split: one stray article is a join error, not a second
/// story.
const SPLIT_PART: usize = 2;
/// Rounds of 2-means in a bisection.
const SPLIT_ROUNDS: usize = 8;

/// Terms of a new article looked up in the index: its heaviest, which name its story.
const QUERY_TERMS: usize = 12;
/// Most recent articles read per posting list: common terms have long lists, and old
/// articles fall out of the window anyway.
const POSTINGS_READ: usize = 400;
/// Open stories compared in full with a new article: those sharing the most query-term
/// weight with it. The story an article belongs to shares its heaviest terms, so it is
/// among them.
const MAX_CANDIDATES: usize = 48;
/// A story's centre keeps this many terms at most (trimmed to half when it grows past twice).
const CENTRE_TERMS: usize = 400;

/// Where an article went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// Its story.
    pub story: u64,
    /// Whether the article started that story.
    pub new_story: bool,
    /// Stories merged into `story` because of this article, to be relabelled.
    pub merged: Vec<u64>,
    /// Stories split off because of this article: the new story and the slots of the
    /// articles moved to it ([`Clusterer::add`] returns slots in the order articles came).
    pub split: Vec<Split>,
}

/// Part of a story that became a story of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The story it was part of.
    pub from: u64,
    /// Its new id.
    pub story: u64,
    /// Its articles, by slot (the order in which the clusterer saw them, restored ones
    /// first).
    pub slots: Vec<u32>,
}

#[derive(Clone, Debug, Default)]
struct Story {
    centre: KeyMap<u64, f32>,
    norm2: f32,
    first: Option<i32>,
    last: Option<i32>,
    members: Vec<u32>,
    /// Sum of the members' dense unit vectors (empty while none has one).
    dense: Vec<f32>,
    /// Size at which the story is next checked for a split.
    next_check: usize,
    /// Stories split from this one (or it from them): never merged with it again, so that
    /// a split is not undone by the next article that lands between the halves.
    parted: Vec<u64>,
}

impl Story {
    fn dot(&self, v: &[(u64, f32)]) -> f32 {
        v.iter()
            .map(|(t, w)| self.centre.get(t).map_or(0.0, |c| c * w))
            .sum()
    }

    fn cosine(&self, v: &[(u64, f32)]) -> f32 {
        if self.norm2 <= 0.0 {
            return 0.0;
        }
        self.dot(v) / self.norm2.sqrt()
    }

    fn add_dense(&mut self, e: Option<&[f32]>) {
        let Some(e) = e else { return };
        if self.dense.is_empty() {
            self.dense = e.to_vec();
        } else if self.dense.len() == e.len() {
            self.dense.iter_mut().zip(e).for_each(|(a, b)| *a += b);
        }
    }

    /// Cosine of a dense unit vector with the story's dense centre; none when either is absent.
    fn dense_cosine(&self, e: Option<&[f32]>) -> Option<f32> {
        let e = e?;
        if self.dense.len() != e.len() {
            return None;
        }
        let n = self.dense.iter().map(|x| x * x).sum::<f32>().sqrt();
        (n > 0.0).then(|| model::dot(&self.dense, e) / n)
    }

    /// Cosine of two stories' dense centres; none when either is absent.
    fn dense_centre_cosine(&self, other: &Story) -> Option<f32> {
        if self.dense.is_empty() || self.dense.len() != other.dense.len() {
            return None;
        }
        let n = other.dense.iter().map(|x| x * x).sum::<f32>().sqrt();
        let c = self.dense_cosine(Some(&other.dense))?;
        (n > 0.0).then(|| c / n)
    }

    fn add(&mut self, v: &[(u64, f32)], day: Option<i32>) {
        let d = self.dot(v);
        for &(t, w) in v {
            *self.centre.entry(t).or_default() += w;
        }
        self.norm2 += 2.0 * d + v.iter().map(|(_, w)| w * w).sum::<f32>();
        self.widen(day, day);
        if self.centre.len() > 2 * CENTRE_TERMS {
            self.trim();
        }
    }

    fn widen(&mut self, first: Option<i32>, last: Option<i32>) {
        self.first = match (self.first, first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = match (self.last, last) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    fn trim(&mut self) {
        let mut all: Vec<(u64, f32)> = self.centre.drain().collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(CENTRE_TERMS);
        self.norm2 = all.iter().map(|(_, w)| w * w).sum();
        self.centre = all.into_iter().collect();
    }

    fn open_to(&self, day: Option<i32>, config: &Config) -> bool {
        match (day, self.first, self.last) {
            (Some(d), Some(f), Some(l)) => {
                d >= f - config.window_days
                    && d <= l + config.window_days
                    && l.max(d) - f.min(d) <= config.max_span_days
            }
            _ => true,
        }
    }

    /// Whether the two stories together stay within the span bound.
    fn spans_with(&self, other: &Story, config: &Config) -> bool {
        match (self.first, self.last, other.first, other.last) {
            (Some(a), Some(b), Some(c), Some(d)) => b.max(d) - a.min(c) <= config.max_span_days,
            _ => true,
        }
    }

    fn centre_cosine(&self, other: &Story) -> f32 {
        if self.norm2 <= 0.0 || other.norm2 <= 0.0 {
            return 0.0;
        }
        let (small, big) = if self.centre.len() <= other.centre.len() {
            (self, other)
        } else {
            (other, self)
        };
        let dot: f32 = small
            .centre
            .iter()
            .map(|(t, w)| big.centre.get(t).map_or(0.0, |c| c * w))
            .sum();
        dot / (self.norm2.sqrt() * other.norm2.sqrt())
    }
}

/// The clustering state: document frequencies, live stories and the term index.
#[derive(Clone, Debug, Default)]
pub struct Clusterer {
    config: Config,
    df: KeyMap<u64, u32>,
    docs: u32,
    stories: KeyMap<u64, Story>,
    /// Term → article slots, oldest first.
    postings: KeyMap<u64, Vec<u32>>,
    /// Slot → its story.
    story_of: Vec<u64>,
    next_story: u64,
    /// Scratch space of [`Clusterer::add`]: story → (shared query weight, terms seen).
    scratch: KeyMap<u64, (f32, u16)>,
    /// Slot → its unit vector and day, for splitting.
    vectors: Vec<(Vector, Option<i32>)>,
    /// Slot → its dense unit vector, when the article has one.
    dense: Vec<Option<Box<[f32]>>>,
}

impl Clusterer {
    /// An empty clusterer.
    pub fn new(config: Config) -> Self {
        Self {
            config,
            next_story: 1,
            ..Self::default()
        }
    }

    /// Counts an article's terms into the document frequencies. Call it for a batch before
    /// [`Clusterer::add`]ing the batch's articles, so that the first articles of a corpus are
    /// weighed with the batch's statistics rather than their own.
    pub fn observe(&mut self, f: &Features) {
        self.docs += 1;
        for t in &f.terms {
            *self.df.entry(t.id).or_default() += 1;
        }
    }

    /// Document frequencies and the number of documents, for storage.
    pub fn document_frequencies(&self) -> (&KeyMap<u64, u32>, u32) {
        (&self.df, self.docs)
    }

    /// Sets the document frequencies read back from storage.
    pub fn set_document_frequencies(&mut self, df: HashMap<u64, u32>, docs: u32) {
        self.df = df.into_iter().collect();
        self.docs = docs;
    }

    /// The article's unit TF-IDF vector, sorted by weight, heaviest first.
    fn vector(&self, f: &Features) -> Vec<(u64, f32)> {
        let n = self.docs.max(1) as f32;
        let mut v: Vec<(u64, f32)> = f
            .terms
            .iter()
            .map(|t| {
                let df = self.df.get(&t.id).copied().unwrap_or(0) as f32;
                (t.id, t.tf * ((n + 1.0) / (df + 1.0)).ln())
            })
            .filter(|(_, w)| *w > 0.0)
            .collect();
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    fn index(&mut self, slot: u32, v: &[(u64, f32)]) {
        for (t, _) in v.iter().take(QUERY_TERMS) {
            self.postings.entry(*t).or_default().push(slot);
        }
    }

    /// Never hands out a story id below `next`: ids stored outside the restored window stay
    /// taken.
    pub fn reserve_ids(&mut self, next: u64) {
        self.next_story = self.next_story.max(next);
    }

    /// Puts back an article whose story is known (read from storage), without searching.
    pub fn restore(&mut self, story: u64, f: &Features, day: Option<i32>) {
        self.restore_with(story, f, None, day);
    }

    /// [`Clusterer::restore`] with the article's dense unit vector, when it has one.
    pub fn restore_with(
        &mut self,
        story: u64,
        f: &Features,
        dense: Option<&[f32]>,
        day: Option<i32>,
    ) {
        let v = self.vector(f);
        let slot = self.story_of.len() as u32;
        self.story_of.push(story);
        self.index(slot, &v);
        let s = self.stories.entry(story).or_default();
        s.add(&v, day);
        s.add_dense(dense);
        s.members.push(slot);
        self.vectors.push((v, day));
        self.dense.push(dense.map(Into::into));
        self.next_story = self.next_story.max(story + 1);
    }

    /// Clusters one new article.
    pub fn add(&mut self, f: &Features, day: Option<i32>) -> Assignment {
        self.add_with(f, None, day)
    }

    /// The similarity of two things from their TF-IDF cosine and, when both have embeddings,
    /// their dense cosine.
    fn similarity(&self, tfidf: f32, dense: Option<f32>) -> f32 {
        match dense {
            Some(d) => tfidf + self.config.dense_weight * (d - self.config.dense_floor),
            None => tfidf,
        }
    }

    /// [`Clusterer::add`] with the article's dense unit vector (a static-tier embedding of its
    /// title and lead), when it has one: an extra similarity signal beside the terms.
    pub fn add_with(
        &mut self,
        f: &Features,
        dense: Option<&[f32]>,
        day: Option<i32>,
    ) -> Assignment {
        let v = self.vector(f);
        // Each story named by the postings, scored by the weight of the query terms it
        // shares (each term once: a bit per term). A map kept between calls, since thousands
        // of postings name a few hundred stories.
        let mut shared = std::mem::take(&mut self.scratch);
        shared.clear();
        for (i, (t, w)) in v.iter().take(QUERY_TERMS).enumerate() {
            if let Some(list) = self.postings.get(t) {
                for &slot in list.iter().rev().take(POSTINGS_READ) {
                    // A story holding an article further than the span bound from this one
                    // cannot take it: skipped before its story is looked up.
                    if let (Some(d), (_, Some(sd))) = (day, &self.vectors[slot as usize]) {
                        if (d - sd).abs() > self.config.max_span_days {
                            continue;
                        }
                    }
                    let e = shared
                        .entry(self.story_of[slot as usize])
                        .or_insert((0.0, 0));
                    if e.1 & (1 << i) == 0 {
                        e.1 |= 1 << i;
                        e.0 += w;
                    }
                }
            }
        }
        // Only the best [`MAX_CANDIDATES`] open stories are compared in full, which bounds
        // the work per article.
        let mut scored: Vec<(f32, u64)> = shared
            .iter()
            .filter(|(id, _)| {
                self.stories
                    .get(id)
                    .is_some_and(|s| s.open_to(day, &self.config))
            })
            .map(|(&id, &(w, _))| (w, id))
            .collect();
        self.scratch = shared;
        if scored.len() > MAX_CANDIDATES {
            scored.select_nth_unstable_by(MAX_CANDIDATES, |a, b| {
                b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
            });
            scored.truncate(MAX_CANDIDATES);
        }
        let mut open: Vec<u64> = scored.into_iter().map(|(_, id)| id).collect();
        open.sort_unstable();
        let mut best: Option<(f32, u64)> = None;
        for &id in &open {
            let Some(s) = self.stories.get(&id) else {
                continue;
            };
            let c = self.similarity(s.cosine(&v), s.dense_cosine(dense));
            if best.is_none_or(|(b, _)| c > b) {
                best = Some((c, id));
            }
        }
        let slot = self.story_of.len() as u32;
        let (story, new_story) = match best {
            Some((c, id)) if c >= self.config.join => (id, false),
            _ => {
                let id = self.next_story;
                self.next_story += 1;
                (id, true)
            }
        };
        self.story_of.push(story);
        self.index(slot, &v);
        let s = self.stories.entry(story).or_default();
        s.add(&v, day);
        s.add_dense(dense);
        s.members.push(slot);
        self.vectors.push((v, day));
        self.dense.push(dense.map(Into::into));
        let (story, merged) = if new_story {
            (story, Vec::new())
        } else {
            self.merge_close(story, &open)
        };
        let mut split = Vec::new();
        if let Some(sp) = self.check_split(story) {
            split.push(sp);
        }
        // The article's story after a split: the half it went to.
        let story = self.story_of[slot as usize];
        Assignment {
            story,
            new_story,
            merged,
            split,
        }
    }

    /// Splits the story in two when it is due for a check and its best bisection has halves
    /// whose centres are further apart than [`Config::split`]. The half holding the story's
    /// oldest article keeps the id.
    fn check_split(&mut self, id: u64) -> Option<Split> {
        let s = self.stories.get_mut(&id)?;
        let size = s.members.len();
        if size < SPLIT_FROM.max(s.next_check) {
            return None;
        }
        s.next_check = size + size.div_ceil(2);
        let members = s.members.clone();
        let (a, b) = self.bisect(&members)?;
        let (keep, moved) = if a.contains(&members[0]) {
            (a, b)
        } else {
            (b, a)
        };
        let new_id = self.next_story;
        self.next_story += 1;
        let parted = s_parted(self, id);
        let mut kept = self.story_from(&keep, size);
        let mut gone = self.story_from(&moved, size);
        kept.parted = parted.clone();
        kept.parted.push(new_id);
        gone.parted = parted;
        gone.parted.push(id);
        for &slot in &moved {
            self.story_of[slot as usize] = new_id;
        }
        self.stories.insert(id, kept);
        self.stories.insert(new_id, gone);
        Some(Split {
            from: id,
            story: new_id,
            slots: moved,
        })
    }

    /// A story of these slots, rebuilt from their vectors (without its parted list).
    fn story_from(&self, slots: &[u32], checked_at: usize) -> Story {
        let mut s = Story::default();
        for &slot in slots {
            let (v, day) = &self.vectors[slot as usize];
            s.add(v, *day);
            s.add_dense(self.dense[slot as usize].as_deref());
            s.members.push(slot);
        }
        // Not checked again before the whole story would have been.
        s.next_check = checked_at + checked_at.div_ceil(2);
        s
    }

    /// The best 2-means bisection of `slots` (cosine to the halves' centres), seeded by the
    /// article least like the whole and the one least like it; none unless both halves have
    /// [`SPLIT_PART`] articles and their centres' cosine is below [`Config::split`].
    fn bisect(&self, slots: &[u32]) -> Option<(Vec<u32>, Vec<u32>)> {
        let vec = |slot: u32| &self.vectors[slot as usize].0;
        let centre_of = |part: &[u32]| -> KeyMap<u64, f32> {
            let mut c: KeyMap<u64, f32> = KeyMap::default();
            for &slot in part {
                for &(t, w) in vec(slot) {
                    *c.entry(t).or_default() += w;
                }
            }
            c
        };
        let dot = |c: &KeyMap<u64, f32>, v: &[(u64, f32)]| -> f32 {
            v.iter().map(|(t, w)| c.get(t).map_or(0.0, |x| x * w)).sum()
        };
        let norm = |c: &KeyMap<u64, f32>| c.values().map(|w| w * w).sum::<f32>().sqrt();
        let whole = centre_of(slots);
        // Ties go to the earlier slot, so the seeds are the same on every run.
        let least = |score: &dyn Fn(u32) -> f32| {
            slots
                .iter()
                .copied()
                .min_by(|&x, &y| score(x).total_cmp(&score(y)).then(x.cmp(&y)))
        };
        let seed_a = least(&|s| dot(&whole, vec(s)))?;
        let ca: KeyMap<u64, f32> = vec(seed_a).iter().copied().collect();
        let seed_b = least(&|s| {
            if s == seed_a {
                f32::MAX
            } else {
                dot(&ca, vec(s))
            }
        })?;
        let mut centres = (
            ca,
            vec(seed_b).iter().copied().collect::<KeyMap<u64, f32>>(),
        );
        let mut side: Vec<bool> = Vec::new();
        for _ in 0..SPLIT_ROUNDS {
            let (na, nb) = (norm(&centres.0).max(1e-9), norm(&centres.1).max(1e-9));
            let next: Vec<bool> = slots
                .iter()
                .map(|&s| dot(&centres.1, vec(s)) / nb > dot(&centres.0, vec(s)) / na)
                .collect();
            if next == side {
                break;
            }
            side = next;
            let part = |b: bool| -> Vec<u32> {
                slots
                    .iter()
                    .zip(&side)
                    .filter(|(_, &x)| x == b)
                    .map(|(&s, _)| s)
                    .collect()
            };
            centres = (centre_of(&part(false)), centre_of(&part(true)));
        }
        let a: Vec<u32> = slots
            .iter()
            .zip(&side)
            .filter(|(_, &x)| !x)
            .map(|(&s, _)| s)
            .collect();
        let b: Vec<u32> = slots
            .iter()
            .zip(&side)
            .filter(|(_, &x)| x)
            .map(|(&s, _)| s)
            .collect();
        if a.len() < SPLIT_PART || b.len() < SPLIT_PART {
            return None;
        }
        let (na, nb) = (norm(&centres.0), norm(&centres.1));
        if na <= 0.0 || nb <= 0.0 {
            return None;
        }
        let cos = centres
            .0
            .iter()
            .map(|(t, w)| centres.1.get(t).map_or(0.0, |x| x * w))
            .sum::<f32>()
            / (na * nb);
        (cos < self.config.split).then_some((a, b))
    }

    /// Merges into one every open story whose centre is now close to `story`'s. The older
    /// story (smaller id) keeps its id. Returns the id the story ends with and the ids merged
    /// away.
    fn merge_close(&mut self, mut story: u64, open: &[u64]) -> (u64, Vec<u64>) {
        let mut merged = Vec::new();
        for &other in open {
            if other == story {
                continue;
            }
            let (Some(a), Some(b)) = (self.stories.get(&story), self.stories.get(&other)) else {
                continue;
            };
            if !a.spans_with(b, &self.config)
                || a.parted.contains(&other)
                || b.parted.contains(&story)
                || self.similarity(a.centre_cosine(b), a.dense_centre_cosine(b)) < self.config.merge
            {
                continue;
            }
            let (keep, gone) = (story.min(other), story.max(other));
            let Some(g) = self.stories.remove(&gone) else {
                continue;
            };
            for &slot in &g.members {
                self.story_of[slot as usize] = keep;
            }
            let k = self.stories.entry(keep).or_default();
            for (t, w) in g.centre {
                *k.centre.entry(t).or_default() += w;
            }
            k.norm2 = k.centre.values().map(|w| w * w).sum();
            if k.dense.is_empty() {
                k.dense = g.dense;
            } else if k.dense.len() == g.dense.len() {
                k.dense.iter_mut().zip(&g.dense).for_each(|(a, b)| *a += b);
            }
            k.widen(g.first, g.last);
            k.members.extend(g.members);
            k.parted.extend(g.parted);
            k.parted.sort_unstable();
            k.parted.dedup();
            if k.centre.len() > 2 * CENTRE_TERMS {
                k.trim();
            }
            merged.push(gone);
            story = keep;
        }
        (story, merged)
    }

    /// Live stories.
    pub fn stories(&self) -> usize {
        self.stories.len()
    }
}

/// The parted list of a story (empty when there is no such story).
fn s_parted(c: &mut Clusterer, id: u64) -> Vec<u64> {
    c.stories
        .get_mut(&id)
        .map(|s| std::mem::take(&mut s.parted))
        .unwrap_or_default()
}

/// Days since 1970-01-01 of a date written `YYYY-MM-DD` (anything may follow: a time, a
/// zone), or none.
pub fn day_of(date: &str) -> Option<i32> {
    let b = date.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<i32> { std::str::from_utf8(s).ok()?.parse().ok() };
    let (y, m, d) = (num(&b[..4])?, num(&b[5..7])?, num(&b[8..10])?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Clusters a whole set at once (the evaluation's case): document frequencies from all of
/// it, then the articles online in the order given. Returns each article's story id.
pub fn cluster_all(config: Config, items: &[(Features, Option<i32>)]) -> Vec<u64> {
    let mut c = Clusterer::new(config);
    for (f, _) in items {
        c.observe(f);
    }
    for (f, day) in items {
        c.add(f, *day);
    }
    // Labels after all merges.
    c.story_of.clone()
}

/// [`cluster_all`] with a dense unit vector per article (the same order as `items`).
pub fn cluster_all_dense(
    config: Config,
    items: &[(Features, Option<i32>)],
    dense: &[Vec<f32>],
) -> Vec<u64> {
    let mut c = Clusterer::new(config);
    for (f, _) in items {
        c.observe(f);
    }
    for (i, (f, day)) in items.iter().enumerate() {
        c.add_with(f, dense.get(i).map(Vec::as_slice), *day);
    }
    // Labels after all merges.
    c.story_of.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::extract;

    #[test]
    fn dates_parse_to_days() {
        assert_eq!(day_of("1970-01-01"), Some(0));
        assert_eq!(day_of("2016-09-20T10:00:00Z"), Some(17_064));
        assert_eq!(day_of("20 Sep 2016"), None);
        assert_eq!(day_of("2016-13-01"), None);
    }

    #[test]
    fn same_event_joins_and_other_event_starts_a_story() {
        let docs = [
            "Ferry Orla ran aground near Veskar harbour on Monday; coastguard rescued forty passengers.",
            "Forty passengers were rescued by the coastguard after the ferry Orla ran aground at Veskar.",
            "The Tollund council approved a budget for new school buildings and teacher salaries.",
            "Teachers in Tollund welcomed the council budget that funds school buildings.",
        ];
        let items: Vec<_> = docs.iter().map(|d| (extract(None, d), None)).collect();
        let labels = cluster_all(Config::default(), &items);
        assert_eq!(labels[0], labels[1]);
        assert_eq!(labels[2], labels[3]);
        assert_ne!(labels[0], labels[2]);
    }

    /// Two events of one kind fed in turn, joined into one story by a loose join threshold:
    /// the split finds them apart once the story has grown.
    fn two_groundings(split: f32) -> (Vec<u64>, usize) {
        let a = "The ferry Orla ran aground near Veskar and crews rescued passengers";
        let b = "The ferry Brannic ran aground off Tollund and lifeboats lifted sailors";
        let other = "The Dunmere council approved a budget for new school buildings";
        let mut items = Vec::new();
        for i in 0..8 {
            items.push((extract(None, &format!("{a} on day {i}.")), None));
            items.push((extract(None, &format!("{b} on day {i}.")), None));
            items.push((extract(None, &format!("{other} number {i}.")), None));
        }
        let config = Config {
            join: 0.01,
            merge: 1.1,
            split,
            ..Config::default()
        };
        let labels = cluster_all(config, &items);
        let stories: std::collections::BTreeSet<u64> = labels.iter().copied().collect();
        (labels, stories.len())
    }

    #[test]
    fn a_story_of_two_events_splits() {
        let (labels, _) = two_groundings(0.0);
        assert_eq!(
            labels[0], labels[1],
            "the loose join puts both events in one story"
        );
        let (labels, _) = two_groundings(Config::default().split);
        let a: Vec<u64> = labels.iter().step_by(3).copied().collect();
        let b: Vec<u64> = labels.iter().skip(1).step_by(3).copied().collect();
        assert!(a.iter().all(|&x| x == a[0]), "{labels:?}");
        assert!(b.iter().all(|&x| x == b[0]), "{labels:?}");
        assert_ne!(a[0], b[0], "{labels:?}");
        // The half holding the story's first article keeps its id.
        assert_eq!(a[0], 1);
    }

    #[test]
    fn dense_vectors_join_or_part_what_shares_few_terms() {
        // Two reports of one grounding in different words (one shared name), and two
        // unrelated articles so that the name is rare.
        let docs = [
            "The Orla ran aground near Veskar; coastguard crews lifted forty passengers.",
            "Orla stranded on a sandbank, lifeboats brought travellers ashore overnight.",
            "The Tollund council approved a budget for new school buildings.",
            "Dunmere voters chose a mayor after a long campaign about housing.",
        ];
        let items: Vec<_> = docs.iter().map(|d| (extract(None, d), None)).collect();
        let config = Config {
            dense_weight: 0.5,
            ..Config::default()
        };
        let (x, y, z) = (
            vec![1.0, 0.0, 0.0],
            vec![0.0, 1.0, 0.0],
            vec![0.0, 0.0, 1.0],
        );
        let terms = cluster_all(config.clone(), &items);
        assert_ne!(terms[0], terms[1], "the terms alone keep them apart");
        let alike = cluster_all_dense(
            config.clone(),
            &items,
            &[x.clone(), x.clone(), y.clone(), z.clone()],
        );
        assert_eq!(alike[0], alike[1], "{alike:?}");
        assert_ne!(alike[0], alike[2]);
        let unlike = cluster_all_dense(config, &items, &[x, y.clone(), y, z]);
        assert_ne!(unlike[0], unlike[1], "{unlike:?}");
    }

    #[test]
    fn window_keeps_distant_dates_apart() {
        let text =
            "Ferry Orla ran aground near Veskar harbour; coastguard rescued forty passengers.";
        let items = vec![
            (extract(None, text), day_of("2020-01-01")),
            (extract(None, text), day_of("2020-03-01")),
        ];
        let labels = cluster_all(Config::default(), &items);
        assert_ne!(labels[0], labels[1]);
    }
}
