//! What one stage needs of another, as traits the `pipeline` crate wires. A stage crate depends
//! only on `model`, so it never names the implementation.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An error of a model-backed service (an embedder, a judge).
#[derive(Debug, thiserror::Error)]
#[error("{what}: {message}")]
pub struct ServiceError {
    /// The service and the operation ("embed", "judge").
    pub what: String,
    /// What went wrong.
    pub message: String,
}

/// Maps sentences to unit-length vectors, so that a dot product is a cosine similarity.
pub trait Embedder: Send + Sync {
    /// A short name for reports ("all-MiniLM-L6-v2", "static").
    fn name(&self) -> &str;
    /// One vector per text, L2-normalised, all of the same length.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ServiceError>;
}

/// Probabilities that a premise entails, is neutral to, or contradicts a hypothesis.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Judgement {
    /// P(entails).
    pub entails: f32,
    /// P(neutral).
    pub neutral: f32,
    /// P(contradicts).
    pub contradicts: f32,
}

/// Judges sentence pairs (natural-language inference). May abstain by returning a high
/// `neutral`.
pub trait Judge: Send + Sync {
    /// A short name for reports.
    fn name(&self) -> &str;
    /// One judgement per (premise, hypothesis) pair.
    fn judge(&self, pairs: &[(&str, &str)]) -> Result<Vec<Judgement>, ServiceError>;
}

/// Cosine of two unit vectors (their dot product); 0 when the lengths differ.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    dot(a, b)
}

/// Dot product (over the shorter length) with eight independent partial sums, so that the
/// compiler can use SIMD lanes: a single running sum fixes the order of float additions and
/// stays scalar.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ac
        .remainder()
        .iter()
        .zip(bc.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ac.zip(bc) {
        for ((a, x), y) in acc.iter_mut().zip(x).zip(y) {
            *a += x * y;
        }
    }
    acc.iter().sum::<f32>() + tail
}
