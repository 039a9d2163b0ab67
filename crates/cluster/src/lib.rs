//! Corpus mode's judgements over many articles: which are copies of one text ([`minhash`]) and
//! which tell one story ([`online`]), from cheap [`features`] of each article.
//!
//! Key decision: everything here is online and bounded per article (a fixed number of terms,
//! shingles, index look-ups), so a stream of any length costs time in proportion to its
//! length and memory in proportion to what is live; the state can be rebuilt from stored
//! features ([`online::Clusterer::restore`]). Depends only on `model`.

#![warn(missing_docs)]

pub mod features;
pub mod minhash;
pub mod online;

pub use features::{extract, Features};
pub use minhash::Signature;
pub use online::{cluster_all, cluster_all_dense, day_of, Assignment, Clusterer, Config};
