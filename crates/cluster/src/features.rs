//! What an article is about, as a sparse bag of hashed terms: content-word stems of the title
//! and the lead of the body, and the names the text writes in capitals.
//!
//! Terms are hashed to 64 bits rather than interned, so that features computed in one run and
//! stored can be compared with those of the next run without a shared vocabulary.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::online::KeyMap;

/// Words of the body read for features: the lead tells what a story is; the tail of a long
/// article wanders into background that many stories share.
pub const LEAD_WORDS: usize = 400;
/// Terms an article keeps (the heaviest by raw weight); bounds memory per article.
pub const MAX_TERMS: usize = 120;

/// A term of an article and its sublinear term frequency (1 + ln tf, titles and names counting
/// more; see [`extract`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Term {
    /// The hashed term.
    pub id: u64,
    /// Its weight in the article before IDF.
    pub tf: f32,
}

/// The terms of one article, sorted by id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Features {
    /// Terms, sorted by id, unique.
    pub terms: Vec<Term>,
}

fn stopwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        // The crosscheck stage's list of English function words: one list for the project.
        include_str!("../../crosscheck/data/stopwords.txt")
            .lines()
            .chain(include_str!("../data/stopwords.txt").lines())
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .collect()
    })
}

/// 64-bit FNV-1a, then a SplitMix64 finaliser so that close strings land far apart.
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// [`hash_str`] of the lower-cased word, without allocating for ASCII words.
pub fn hash_lower(w: &str) -> u64 {
    if w.is_ascii() {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in w.bytes() {
            h ^= u64::from(b.to_ascii_lowercase());
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        mix(h)
    } else {
        hash_str(&w.to_lowercase())
    }
}

/// SplitMix64's finaliser: a bijection that spreads every input bit over the output.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A light suffix stripper: folds plurals and verb endings so that "protesters" meets
/// "protester" and "charged" meets "charges". Over-stemming costs little here, where a term
/// is one of a hundred.
fn stem(w: &str) -> &str {
    if w.len() <= 4 || !w.is_ascii() {
        return w;
    }
    for suf in ["ings", "ing", "ers", "ed", "es", "er", "s"] {
        if let Some(base) = w.strip_suffix(suf) {
            if base.len() >= 4 {
                return base;
            }
        }
    }
    w
}

/// One word of a text: where its lower-cased form is in the shared buffer, and whether it
/// was written with a capital after the first word of its sentence (a name, in English and
/// most Latin-script languages).
struct Word {
    lower: std::ops::Range<usize>,
    capital: bool,
    sentence_start: bool,
}

/// The words of `text`, at most `max`, their lower-cased forms written into `buf` (one
/// buffer rather than a string per word).
fn words(text: &str, max: usize, buf: &mut String) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start_next = true;
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
        if out.len() >= max {
            break;
        }
        let w = raw.trim_matches(|c| c == '\'' || c == '’');
        let w = w
            .strip_suffix("'s")
            .or_else(|| w.strip_suffix("’s"))
            .unwrap_or(w);
        if w.is_empty() {
            continue;
        }
        let capital = w.chars().next().is_some_and(char::is_uppercase);
        let at = buf.len();
        if w.is_ascii() {
            buf.push_str(w);
            buf[at..].make_ascii_lowercase();
        } else {
            buf.push_str(&w.to_lowercase());
        }
        out.push(Word {
            lower: at..buf.len(),
            capital,
            sentence_start: start_next,
        });
        start_next = false;
        // The separator that ended this word tells whether the next one starts a sentence.
        let end = raw.as_ptr() as usize - text.as_ptr() as usize + raw.len();
        if let Some(c) = text[end..].chars().next() {
            start_next = matches!(c, '.' | '!' | '?' | '\n' | '"' | '“' | ':');
        }
    }
    out
}

/// The features of an article from its title and body text.
///
/// Content words count once per use (stems, stopwords dropped; numbers kept, as a year or a
/// toll tells one event of a kind from another);
/// title words count double, since a headline names the story; a run of capitalised words not
/// opening a sentence is also one name term ("=lindsay lohan"), so that two stories of one kind
/// (two rehab stays, two earthquakes) part by who and where.
pub fn extract(title: Option<&str>, body: &str) -> Features {
    let mut counts: KeyMap<u64, f32> = KeyMap::default();
    let stop = stopwords();
    let mut buf = String::new();
    let mut add = |text: &str, max: usize, weight: f32| {
        buf.clear();
        let ws = words(text, max, &mut buf);
        let buf = buf.as_str();
        let mut name: Vec<&str> = Vec::new();
        let flush = |name: &mut Vec<&str>, counts: &mut KeyMap<u64, f32>| {
            if !name.is_empty() {
                let joined = format!("={}", name.join(" "));
                *counts.entry(hash_str(&joined)).or_default() += weight;
                name.clear();
            }
        };
        for w in &ws {
            let lower = &buf[w.lower.clone()];
            let is_stop = stop.contains(lower);
            if w.capital && !is_stop && !w.sentence_start {
                name.push(lower);
            } else {
                flush(&mut name, &mut counts);
            }
            if is_stop || lower.len() < 2 {
                continue;
            }
            *counts.entry(hash_str(stem(lower))).or_default() += weight;
        }
        flush(&mut name, &mut counts);
    };
    if let Some(t) = title {
        add(t, 64, 2.0);
    }
    add(body, LEAD_WORDS, 1.0);
    let mut terms: Vec<Term> = counts
        .into_iter()
        .map(|(id, c)| Term {
            id,
            tf: 1.0 + c.ln(),
        })
        .collect();
    // Heaviest first, ties by id, so that the cut is deterministic.
    terms.sort_by(|a, b| b.tf.total_cmp(&a.tf).then(a.id.cmp(&b.id)));
    terms.truncate(MAX_TERMS);
    terms.sort_by_key(|t| t.id);
    Features { terms }
}

/// Words of the body given to the static tier beside the title: its embedding is the mean of
/// at most a few hundred token rows, so a longer text adds nothing.
pub const DENSE_WORDS: usize = 160;

/// The text whose static-tier embedding stands for the article: the title, then the first
/// [`DENSE_WORDS`] words of the body.
pub fn dense_text(title: Option<&str>, body: &str) -> String {
    let mut out = String::new();
    if let Some(t) = title {
        out.push_str(t.trim());
        out.push_str(". ");
    }
    for (i, w) in body.split_whitespace().take(DENSE_WORDS).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Packs a unit vector as one signed byte a dimension (components of a unit vector are within
/// ±1): a quarter of the floats' size, and cosines within about 0.01 of the exact ones.
pub fn pack_dense(v: &[f32]) -> Vec<u8> {
    v.iter()
        .map(|x| ((x.clamp(-1.0, 1.0) * 127.0).round() as i8) as u8)
        .collect()
}

/// Reads what [`pack_dense`] wrote, normalised again; none for an empty or all-zero vector.
pub fn unpack_dense(b: &[u8]) -> Option<Vec<f32>> {
    let mut v: Vec<f32> = b.iter().map(|&x| f32::from(x as i8) / 127.0).collect();
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n <= 0.0 {
        return None;
    }
    v.iter_mut().for_each(|x| *x /= n);
    Some(v)
}

impl Features {
    /// Packs the terms as little-endian (id, tf) pairs, for storage.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.terms.len() * 12);
        for t in &self.terms {
            out.extend_from_slice(&t.id.to_le_bytes());
            out.extend_from_slice(&t.tf.to_le_bytes());
        }
        out
    }

    /// Reads what [`Features::to_bytes`] wrote; none when the length is not a whole number
    /// of terms.
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        if !b.len().is_multiple_of(12) {
            return None;
        }
        let terms = b
            .chunks_exact(12)
            .map(|c| {
                let mut id = [0u8; 8];
                let mut tf = [0u8; 4];
                id.copy_from_slice(&c[..8]);
                tf.copy_from_slice(&c[8..]);
                Term {
                    id: u64::from_le_bytes(id),
                    tf: f32::from_le_bytes(tf),
                }
            })
            .collect();
        Some(Self { terms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_terms_and_sentence_starts_are_not() {
        let f = extract(
            Some("Harbour tender delayed"),
            "Officials met. The port board under Mara Velden delayed the tender.",
        );
        let has = |s: &str| f.terms.iter().any(|t| t.id == hash_str(s));
        assert!(has("=mara velden"));
        assert!(!has("=officials") && !has("=the"));
        assert!(has("tend") || has("tender"));
        assert!(!has("the"));
        // Title words weigh more than body words.
        let w = |s: &str| f.terms.iter().find(|t| t.id == hash_str(s)).map(|t| t.tf);
        assert!(w("harbour") > w("port"));
    }

    #[test]
    fn dense_text_is_title_then_lead() {
        let body = "word ".repeat(DENSE_WORDS + 50);
        let t = dense_text(Some(" Ferry aground "), &body);
        assert!(t.starts_with("Ferry aground. word word"));
        assert_eq!(t.split_whitespace().count(), DENSE_WORDS + 2);
        assert_eq!(dense_text(None, "  a  b "), "a b");
    }

    #[test]
    fn dense_vectors_pack_within_rounding() {
        let v = [0.6f32, -0.8, 0.0];
        let back = unpack_dense(&pack_dense(&v)).unwrap();
        assert!(
            v.iter().zip(&back).all(|(a, b)| (a - b).abs() < 0.01),
            "{back:?}"
        );
        assert_eq!(unpack_dense(&[0, 0]), None);
        assert_eq!(unpack_dense(&[]), None);
    }

    #[test]
    fn bytes_round_trip() {
        let f = extract(None, "Ships wait at the harbour while the board meets.");
        assert_eq!(Features::from_bytes(&f.to_bytes()), Some(f));
        assert_eq!(Features::from_bytes(&[1, 2, 3]), None);
    }
}
