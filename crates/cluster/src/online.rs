//! Online story clustering: each new article joins the most similar live story or starts
//! one, and two stories whose centres come close as evidence arrives are merged.
//!
//! An article is a TF-IDF vector over its [`Features`] (IDF from every article seen so far); a
//! story is the sum of its articles' unit vectors. Candidates come from an inverted index over
//! articles' heaviest terms, so the cost of an article does not grow with the corpus; a
//! story is a candidate only while the article's date is within [`Config::window_days`] of the
//! story's dates (when both have dates).

use std::collections::{BTreeSet, HashMap};
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
}

impl Default for Config {
    fn default() -> Self {
        Self {
            join: 0.25,
            merge: 0.45,
            window_days: 4,
            max_span_days: 14,
        }
    }
}

/// Terms of a new article looked up in the index: its heaviest, which name its story.
const QUERY_TERMS: usize = 12;
/// Most recent articles read per posting list: common terms have long lists, and old
/// articles fall out of the window anyway.
const POSTINGS_READ: usize = 400;
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
}

#[derive(Clone, Debug, Default)]
struct Story {
    centre: KeyMap<u64, f32>,
    norm2: f32,
    first: Option<i32>,
    last: Option<i32>,
    members: Vec<u32>,
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
        let v = self.vector(f);
        let slot = self.story_of.len() as u32;
        self.story_of.push(story);
        self.index(slot, &v);
        let s = self.stories.entry(story).or_default();
        s.add(&v, day);
        s.members.push(slot);
        self.next_story = self.next_story.max(story + 1);
    }

    /// Clusters one new article.
    pub fn add(&mut self, f: &Features, day: Option<i32>) -> Assignment {
        let v = self.vector(f);
        let mut candidates = BTreeSet::new();
        for (t, _) in v.iter().take(QUERY_TERMS) {
            if let Some(list) = self.postings.get(t) {
                for &slot in list.iter().rev().take(POSTINGS_READ) {
                    candidates.insert(self.story_of[slot as usize]);
                }
            }
        }
        let mut best: Option<(f32, u64)> = None;
        let mut open = Vec::new();
        for &id in &candidates {
            let Some(s) = self.stories.get(&id) else {
                continue;
            };
            if !s.open_to(day, &self.config) {
                continue;
            }
            open.push(id);
            let c = s.cosine(&v);
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
        s.members.push(slot);
        let (story, merged) = if new_story {
            (story, Vec::new())
        } else {
            self.merge_close(story, &open)
        };
        Assignment {
            story,
            new_story,
            merged,
        }
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
            if !a.spans_with(b, &self.config) || a.centre_cosine(b) < self.config.merge {
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
            k.widen(g.first, g.last);
            k.members.extend(g.members);
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
