//! Corpus mode: a stream of articles → the store, each article checked for copies and put in
//! a story as it arrives.
//!
//! Per article, in order: the same article already stored (its [`store::article_key`]) is
//! skipped; an exact copy of a stored body ([`store::body_hash`]) or a near copy (MinHash
//! estimate ≥ [`cluster::minhash::NEAR`] among its LSH candidates) is linked to the first
//! article of that text, so that copies count as one source; then the online clusterer puts
//! it in a story. Articles are written in batches of [`CorpusOptions::batch`], one
//! transaction each, so an interrupted ingest keeps every finished batch and a rerun skips
//! what is stored.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;

use cluster::{Clusterer, Features, Signature};
use ingest::stream::{stream_paths, Item, StreamLimits};
use model::{Diagnostic, Document};
use store::{NewArticle, Store, StoreError};

/// What a corpus ingest should do.
#[derive(Clone, Debug)]
pub struct CorpusOptions {
    /// Input bounds.
    pub limits: StreamLimits,
    /// Articles per transaction: larger is faster, smaller loses less to a kill.
    pub batch: usize,
    /// Clustering thresholds and window.
    pub cluster: cluster::Config,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        Self {
            limits: StreamLimits::default(),
            batch: 500,
            cluster: cluster::Config::default(),
        }
    }
}

/// What an ingest did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IngestSummary {
    /// Articles read from the inputs.
    pub read: u64,
    /// Articles stored.
    pub stored: u64,
    /// Articles already in the store (skipped).
    pub already: u64,
    /// Stored articles that copy an earlier body exactly.
    pub exact_copies: u64,
    /// Stored articles that nearly copy an earlier body.
    pub near_copies: u64,
    /// Stories live in the clusterer (those in its window).
    pub stories: usize,
    /// Problems with inputs.
    pub diagnostics: Vec<Diagnostic>,
}

/// Clusterer state taken up from the store: its term statistics and the stories of its
/// articles within twice the window of the latest day.
fn restore(store: &Store, config: &cluster::Config) -> Result<Clusterer, StoreError> {
    let mut c = Clusterer::new(config.clone());
    c.reserve_ids(store.max_story_id()? as u64 + 1);
    let (df, docs) = store.document_frequencies()?;
    c.set_document_frequencies(df, docs);
    let since = store.last_day()?.map(|d| d - 2 * config.window_days);
    store.for_each_clustered(since, &mut |story, feats, day| {
        if let Some(f) = Features::from_bytes(feats) {
            c.restore(story as u64, &f, day);
        }
    })?;
    Ok(c)
}

pub use store::body_text;

/// Reads `paths` into the store; `progress` is told after every batch.
///
/// Three threads, so that both cores work: one reads and parses the inputs, one computes
/// each article's hashes, features and signature, and this one writes to the store and
/// clusters (the only part that must be sequential). Bounded channels keep memory to a few
/// hundred articles in flight; a failure on one side ends the others.
pub fn ingest(
    store: &Store,
    paths: &[PathBuf],
    options: &CorpusOptions,
    progress: &mut dyn FnMut(&IngestSummary),
) -> Result<IngestSummary, StoreError> {
    let mut clusterer = restore(store, &options.cluster)?;
    let mut summary = IngestSummary {
        stories: clusterer.stories(),
        ..IngestSummary::default()
    };
    std::thread::scope(|scope| {
        let (doc_tx, doc_rx) = sync_channel::<Item>(256);
        let (prep_tx, prep_rx) = sync_channel::<Result<Prepared, Diagnostic>>(256);
        let limits = &options.limits;
        scope.spawn(move || {
            stream_paths(paths, limits, &mut |item| match doc_tx.send(item) {
                Ok(()) => ControlFlow::Continue(()),
                Err(_) => ControlFlow::Break(()),
            })
        });
        scope.spawn(move || {
            for item in doc_rx {
                let out = match item {
                    Item::Document(d) => prepare(*d),
                    Item::Diagnostic(d) => Err(d),
                };
                if prep_tx.send(out).is_err() {
                    break;
                }
            }
        });
        let mut batch: Vec<Prepared> = Vec::with_capacity(options.batch);
        for msg in prep_rx {
            match msg {
                Ok(p) => {
                    summary.read += 1;
                    batch.push(p);
                }
                Err(d) => {
                    // Each article read counts, whether stored or not.
                    summary.read += u64::from(d.message == NO_BODY);
                    summary.diagnostics.push(d);
                }
            }
            if batch.len() >= options.batch {
                write_batch(store, &mut clusterer, &mut batch, &mut summary)?;
                progress(&summary);
            }
        }
        write_batch(store, &mut clusterer, &mut batch, &mut summary)?;
        progress(&summary);
        Ok(summary)
    })
}

const NO_BODY: &str = "no body text to store: skipped";

/// An article prepared outside the transaction.
struct Prepared {
    document: Document,
    key: String,
    body_hash: String,
    features: Features,
    signature: Option<Signature>,
    day: Option<i32>,
}

fn prepare(document: Document) -> Result<Prepared, Diagnostic> {
    let body = body_text(&document);
    if body.trim().is_empty() {
        return Err(Diagnostic::error(&document.source, NO_BODY));
    }
    Ok(Prepared {
        key: store::article_key(&document),
        body_hash: store::body_hash(&body),
        features: cluster::extract(document.title.as_deref(), &body),
        signature: Signature::of(&body),
        day: document.published.as_deref().and_then(cluster::day_of),
        document,
    })
}

fn write_batch(
    store: &Store,
    clusterer: &mut Clusterer,
    batch: &mut Vec<Prepared>,
    summary: &mut IngestSummary,
) -> Result<(), StoreError> {
    if batch.is_empty() {
        return Ok(());
    }
    let prepared = std::mem::take(batch);
    store.begin()?;
    // Already stored (or twice in this batch): nothing to add.
    let mut fresh = Vec::with_capacity(prepared.len());
    let mut keys = std::collections::HashSet::new();
    for p in prepared {
        if store.has_key(&p.key)? || !keys.insert(p.key.clone()) {
            summary.already += 1;
        } else {
            fresh.push(p);
        }
    }
    // The batch's term statistics count before its articles are placed.
    let mut delta: HashMap<u64, u32> = HashMap::new();
    for p in &fresh {
        clusterer.observe(&p.features);
        for t in &p.features.terms {
            *delta.entry(t.id).or_default() += 1;
        }
    }
    for p in &fresh {
        let bands = p.signature.as_ref().map(Signature::band_keys);
        let copy_of = match store.copy_by_body(&p.body_hash)? {
            Some(root) => {
                summary.exact_copies += 1;
                Some(root)
            }
            None => match (&p.signature, &bands) {
                (Some(sig), Some(bands)) => {
                    let near = nearest_copy(store, sig, bands)?;
                    summary.near_copies += u64::from(near.is_some());
                    near
                }
                _ => None,
            },
        };
        let a = clusterer.add(&p.features, p.day);
        let story = a.story as i64;
        for gone in &a.merged {
            store.merge_stories(story, *gone as i64)?;
        }
        store.touch_story(story)?;
        let features = p.features.to_bytes();
        let signature = p.signature.as_ref().map(Signature::to_bytes);
        store.insert_article(&NewArticle {
            document: &p.document,
            key: &p.key,
            body_hash: &p.body_hash,
            day: p.day,
            features: &features,
            signature: signature.as_deref(),
            bands: bands.as_ref().map_or(&[][..], |b| &b[..]),
            copy_of,
            story,
        })?;
        summary.stored += 1;
    }
    store.add_document_frequencies(&delta, fresh.len() as u32)?;
    store.commit()?;
    summary.stories = clusterer.stories();
    Ok(())
}

/// The first article of the most similar stored body at or above the near-copy threshold.
fn nearest_copy(store: &Store, sig: &Signature, bands: &[u64]) -> Result<Option<i64>, StoreError> {
    let mut best: Option<(f32, i64)> = None;
    for c in store.copy_candidates(bands)? {
        let Some(other) = Signature::from_bytes(&c.signature) else {
            continue;
        };
        let s = sig.similarity(&other);
        if s >= cluster::minhash::NEAR && best.is_none_or(|(b, _)| s > b) {
            best = Some((s, c.root));
        }
    }
    Ok(best.map(|(_, root)| root))
}
