//! Near-copy detection: MinHash signatures over word 5-shingles of the body, and
//! locality-sensitive hashing (LSH) bands to find candidates without comparing every pair.
//!
//! Two bodies whose shingle sets have a Jaccard similarity of `s` share one of the
//! [`BANDS`] bands with probability `1 - (1 - s^ROWS)^BANDS`: about 0.98 at s = 0.7 and 0.27 at
//! s = 0.3 with 16 bands of 4 rows, so copies and light rewrites meet and different articles
//! on one story rarely do. Candidates are then confirmed on the signature's estimate of `s`.

use crate::features::{hash_lower, mix};

/// Hash functions in a signature.
pub const PERM: usize = 64;
/// Bands of [`ROWS`] rows each; `BANDS * ROWS == PERM`.
pub const BANDS: usize = 16;
/// Rows per band.
pub const ROWS: usize = 4;
/// Words per shingle: long enough that shared phrases of ordinary news language rarely
/// count, short enough that an edit changes few shingles.
pub const SHINGLE: usize = 5;
/// Shingles read per body: a bound on work per article; a copy shows in its first few
/// thousand words.
pub const MAX_SHINGLES: usize = 4000;
/// The estimated Jaccard similarity from which two bodies are one text: a wire copy with
/// a new headline and a paragraph cut or added stays above it; two outlets' own reports on
/// one event stay far below.
pub const NEAR: f32 = 0.5;

/// A MinHash signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature(pub [u32; PERM]);

impl Signature {
    /// The signature of a body, or none when it has fewer than [`SHINGLE`] words (too short
    /// to call a copy).
    pub fn of(body: &str) -> Option<Self> {
        let words: Vec<u64> = body
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_SHINGLES + SHINGLE)
            .map(hash_lower)
            .collect();
        if words.len() < SHINGLE {
            return None;
        }
        let mut sig = [u32::MAX; PERM];
        for win in words.windows(SHINGLE) {
            let h = win.iter().fold(0u64, |acc, &w| mix(acc ^ w));
            for (s, (a, b)) in sig.iter_mut().zip(SEEDS.iter().zip(SEEDS.iter().rev())) {
                // One hash function per row from one hash: (a·h + b) with odd a, high bits.
                let v = ((a | 1).wrapping_mul(h).wrapping_add(*b) >> 32) as u32;
                if v < *s {
                    *s = v;
                }
            }
        }
        Some(Self(sig))
    }

    /// The estimated Jaccard similarity of two bodies: the share of equal rows.
    pub fn similarity(&self, other: &Signature) -> f32 {
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f32 / PERM as f32
    }

    /// One key per band; two signatures sharing a key are candidates.
    pub fn band_keys(&self) -> [u64; BANDS] {
        let mut keys = [0u64; BANDS];
        for (b, key) in keys.iter_mut().enumerate() {
            let mut h = mix(b as u64 + 1);
            for &v in &self.0[b * ROWS..(b + 1) * ROWS] {
                h = mix(h ^ u64::from(v));
            }
            *key = h;
        }
        keys
    }

    /// Packs the rows little-endian, for storage.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// Reads what [`Signature::to_bytes`] wrote.
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        if b.len() != PERM * 4 {
            return None;
        }
        let mut sig = [0u32; PERM];
        for (s, c) in sig.iter_mut().zip(b.chunks_exact(4)) {
            *s = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        Some(Self(sig))
    }
}

/// Fixed seeds, so that signatures stored by one run match those of the next.
const SEEDS: [u64; PERM] = {
    let mut s = [0u64; PERM];
    let mut i = 0;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while i < PERM {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        s[i] = x;
        i += 1;
    }
    s
};

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "The port authority said on Tuesday that it would delay the tender for \
        the new container terminal by three months after all five bids came in above the budget \
        set by the regional council, and that a new call would follow in the spring.";

    #[test]
    fn copies_are_near_and_other_texts_are_not() {
        let a = Signature::of(BASE).unwrap();
        let copy = Signature::of(&format!("{BASE} Shares in the operator fell.")).unwrap();
        let other = Signature::of(
            "Council members voted to widen the harbour road, citing traffic from the ferries \
             and the new cycle lane that opened last year along the quay.",
        )
        .unwrap();
        assert!(a.similarity(&copy) >= NEAR);
        assert!(a.similarity(&other) < 0.2);
        let shared = a
            .band_keys()
            .iter()
            .zip(copy.band_keys())
            .filter(|(x, y)| **x == *y)
            .count();
        assert!(shared > 0);
        assert_eq!(Signature::from_bytes(&a.to_bytes()), Some(a));
        assert!(Signature::of("too short").is_none());
    }
}
