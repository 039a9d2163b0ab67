//! Corpus mode: a stream of articles → the store, each article checked for copies and put in
//! a story as it arrives.
//!
//! Per article, in order: the same article already stored (its [`store::article_key`]) is
//! skipped; an exact copy of a stored body ([`store::body_hash`]) or a near copy (MinHash
//! estimate ≥ [`cluster::minhash::NEAR`] among its LSH candidates) is linked to the first
//! article of that text, so that copies count as one source; then the online clusterer puts
//! it in a story. Articles are written in batches of [`CorpusOptions::batch`], one
//! transaction each, so an interrupted ingest keeps every finished batch and a rerun skips
//! what is stored. The near-copy index and term counts of new articles are kept in memory
//! ([`Pending`]) and written in bulk every [`INDEX_FLUSH`] articles and at the end, inside a
//! batch's transaction; after a kill they are rebuilt from the stored articles.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;

use cluster::online::KeyMap;
use cluster::{Clusterer, Features, Signature};
use ingest::stream::{stream_paths_counting, Item, StreamLimits};
use model::{Diagnostic, Document};
use store::{NewArticle, Store, StoreError};

/// What a corpus ingest should do.
#[derive(Clone)]
pub struct CorpusOptions {
    /// Input bounds.
    pub limits: StreamLimits,
    /// Articles per transaction: larger is faster, smaller loses less to a kill.
    pub batch: usize,
    /// Clustering thresholds and window.
    pub cluster: cluster::Config,
    /// The static embedding tier, when installed and wanted: each article's title and lead
    /// are embedded, and the cosine is an extra similarity signal in story clustering.
    pub fast: Option<std::sync::Arc<dyn model::Embedder>>,
    /// Articles whose near-copy index rows and term counts wait in memory before one bulk
    /// write (default [`INDEX_FLUSH`]); small only in tests that kill an ingest mid-write.
    pub index_flush: u32,
}

impl std::fmt::Debug for CorpusOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorpusOptions")
            .field("limits", &self.limits)
            .field("batch", &self.batch)
            .field("cluster", &self.cluster)
            .field("fast", &self.fast.as_ref().map(|e| e.name().to_string()))
            .field("index_flush", &self.index_flush)
            .finish()
    }
}

impl Default for CorpusOptions {
    fn default() -> Self {
        Self {
            limits: StreamLimits::default(),
            batch: 500,
            cluster: cluster::Config::default(),
            fast: None,
            index_flush: INDEX_FLUSH,
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
    /// Bytes read from the input files (before decompression), for progress against their
    /// sizes.
    pub bytes_read: u64,
    /// Problems with inputs.
    pub diagnostics: Vec<Diagnostic>,
}

/// Articles whose LSH rows and term counts wait in memory before one bulk write: rows keyed
/// by random hashes cost a page write each when written one batch at a time.
pub const INDEX_FLUSH: u32 = 50_000;

/// The near-copy index and term counts of the articles past the store's watermark
/// ([`Store::indexed_through`]).
#[derive(Default)]
struct Pending {
    /// Band key → pending articles, for near-copy look-ups among them.
    bands: KeyMap<u64, Vec<i64>>,
    /// Pending article → the first article of its text, and its signature.
    signed: KeyMap<i64, (i64, Signature)>,
    /// LSH rows to write.
    rows: Vec<(u64, i64)>,
    /// Term counts to add.
    df: KeyMap<u64, u32>,
    docs: u32,
    through: i64,
}

impl Pending {
    fn add(&mut self, id: i64, root: i64, features: &Features, signature: Option<Signature>) {
        for t in &features.terms {
            *self.df.entry(t.id).or_default() += 1;
        }
        self.docs += 1;
        self.through = self.through.max(id);
        if let Some(sig) = signature {
            for b in sig.band_keys() {
                self.rows.push((b, id));
                self.bands.entry(b).or_default().push(id);
            }
            self.signed.insert(id, (root, sig));
        }
    }

    /// Pending articles sharing a band with `bands`: (root, signature).
    fn candidates(&self, bands: &[u64]) -> Vec<(i64, &Signature)> {
        let mut ids: Vec<i64> = bands
            .iter()
            .filter_map(|b| self.bands.get(b))
            .flatten()
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.iter()
            .filter_map(|id| self.signed.get(id))
            .map(|(root, sig)| (*root, sig))
            .collect()
    }

    /// Writes the index rows and counts (inside the caller's transaction) and empties.
    fn flush(&mut self, store: &Store) -> Result<(), StoreError> {
        if self.docs == 0 {
            return Ok(());
        }
        store.write_index(&self.rows, &self.df, self.docs, self.through)?;
        *self = Self::default();
        Ok(())
    }
}

/// Clusterer state taken up from the store: its term statistics (the stored ones and those
/// of the articles past the watermark, which also go back in [`Pending`]) and the stories of
/// its articles within twice the window of the latest day.
fn restore(
    store: &Store,
    config: &cluster::Config,
    pending: &mut Pending,
    slots: &mut Vec<i64>,
) -> Result<Clusterer, StoreError> {
    let mut c = Clusterer::new(config.clone());
    c.reserve_ids(store.max_story_id()? as u64 + 1);
    let (df, docs) = store.document_frequencies()?;
    c.set_document_frequencies(df, docs);
    store.for_each_unindexed(&mut |id, root, feats, sig| {
        let f = Features::from_bytes(feats).unwrap_or_default();
        c.observe(&f);
        pending.add(id, root, &f, sig.and_then(Signature::from_bytes));
    })?;
    let since = store.last_day()?.map(|d| d - 2 * config.window_days);
    store.for_each_clustered(since, &mut |id, story, feats, day, dense| {
        if let Some(f) = Features::from_bytes(feats) {
            // Stored embeddings come back whether or not this run uses the tier: a story's
            // dense centre is only compared with an article that has one too.
            let dense = dense.and_then(cluster::features::unpack_dense);
            c.restore_with(story as u64, &f, dense.as_deref(), day);
            slots.push(id);
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
    let mut pending = Pending::default();
    // The article id of each clusterer slot, to relabel the articles of a split.
    let mut slots = Vec::new();
    let mut clusterer = restore(store, &options.cluster, &mut pending, &mut slots)?;
    let mut summary = IngestSummary {
        stories: clusterer.stories(),
        ..IngestSummary::default()
    };
    let bytes_read = std::sync::atomic::AtomicU64::new(0);
    let bytes = &bytes_read;
    std::thread::scope(|scope| {
        let (doc_tx, doc_rx) = sync_channel::<Item>(256);
        let (prep_tx, prep_rx) = sync_channel::<Result<Prepared, Diagnostic>>(256);
        let limits = &options.limits;
        scope.spawn(move || {
            stream_paths_counting(paths, limits, bytes, &mut |item| match doc_tx.send(item) {
                Ok(()) => ControlFlow::Continue(()),
                Err(_) => ControlFlow::Break(()),
            })
        });
        let fast = options.fast.as_deref();
        scope.spawn(move || {
            // What has arrived is prepared together, so that the static tier embeds a chunk
            // in one call rather than handing each article to its thread pool alone.
            let mut chunk: Vec<Item> = Vec::with_capacity(PREPARE_CHUNK);
            while let Ok(first) = doc_rx.recv() {
                chunk.push(first);
                while chunk.len() < PREPARE_CHUNK {
                    match doc_rx.try_recv() {
                        Ok(item) => chunk.push(item),
                        Err(_) => break,
                    }
                }
                for out in prepare_chunk(std::mem::take(&mut chunk), fast) {
                    if prep_tx.send(out).is_err() {
                        return;
                    }
                }
            }
        });
        let mut batch: Vec<Prepared> = Vec::with_capacity(options.batch);
        let mut w = Writer {
            store,
            clusterer: &mut clusterer,
            pending: &mut pending,
            slots: &mut slots,
            summary: &mut summary,
            index_flush: options.index_flush,
        };
        let mut flush = |w: &mut Writer<'_>, batch: &mut Vec<Prepared>, last: bool| {
            w.batch(batch, last)?;
            w.summary.bytes_read = bytes.load(std::sync::atomic::Ordering::Relaxed);
            progress(w.summary);
            Ok::<(), StoreError>(())
        };
        for msg in prep_rx {
            match msg {
                Ok(p) => {
                    w.summary.read += 1;
                    batch.push(p);
                }
                Err(d) => {
                    // Each article read counts, whether stored or not.
                    w.summary.read += u64::from(d.message == NO_BODY);
                    w.summary.diagnostics.push(d);
                }
            }
            if batch.len() >= options.batch {
                flush(&mut w, &mut batch, false)?;
            }
        }
        flush(&mut w, &mut batch, true)?;
        Ok(summary)
    })
}

const NO_BODY: &str = "no body text to store: skipped";

/// An article prepared outside the transaction.
struct Prepared {
    document: Document,
    document_json: String,
    key: String,
    body_hash: String,
    features: Features,
    signature: Option<Signature>,
    day: Option<i32>,
    /// The static-tier embedding of title and lead, when the tier is in use.
    dense: Option<Vec<f32>>,
    /// What the static tier embeds (title and lead), kept only when the tier is in use.
    dense_input: Option<String>,
}

/// Most articles prepared (and embedded) together.
const PREPARE_CHUNK: usize = 64;

/// [`prepare`] for each item, then one static-tier call for the chunk's articles.
fn prepare_chunk(
    items: Vec<Item>,
    fast: Option<&dyn model::Embedder>,
) -> Vec<Result<Prepared, Diagnostic>> {
    let mut out: Vec<Result<Prepared, Diagnostic>> = items
        .into_iter()
        .map(|item| match item {
            Item::Document(d) => prepare(*d, fast.is_some()),
            Item::Diagnostic(d) => Err(d),
        })
        .collect();
    if let Some(e) = fast {
        let refs: Vec<&str> = out
            .iter()
            .flatten()
            .map(|p| p.dense_input.as_deref().unwrap_or_default())
            .collect();
        match e.embed(&refs) {
            Ok(vectors) => {
                for (p, v) in out.iter_mut().flatten().zip(vectors) {
                    p.dense = Some(v);
                }
            }
            // The articles are still stored and clustered by their terms; the user is told.
            Err(err) => {
                if let Some(first) = out.iter().flatten().next() {
                    let failed = Diagnostic::warning(
                        &first.document.source,
                        format!(
                            "the static tier could not embed this article and the {} others \
                             read with it, so they are grouped by their terms alone: {err}",
                            refs.len() - 1
                        ),
                    );
                    out.push(Err(failed));
                }
            }
        }
    }
    out
}

fn prepare(document: Document, dense: bool) -> Result<Prepared, Diagnostic> {
    let body = body_text(&document);
    if body.trim().is_empty() {
        return Err(Diagnostic::error(&document.source, NO_BODY));
    }
    let document_json = serde_json::to_string(&document)
        .map_err(|e| Diagnostic::error(&document.source, format!("cannot store: {e}")))?;

    Ok(Prepared {
        document_json,
        key: store::article_key(&document),
        body_hash: store::body_hash(&body),
        features: cluster::extract(document.title.as_deref(), &body),
        signature: Signature::of(&body),
        day: document.published.as_deref().and_then(cluster::day_of),
        dense: None,
        dense_input: dense.then(|| cluster::features::dense_text(document.title.as_deref(), &body)),
        document,
    })
}

/// The writer thread's state.
struct Writer<'a> {
    store: &'a Store,
    clusterer: &'a mut Clusterer,
    pending: &'a mut Pending,
    slots: &'a mut Vec<i64>,
    summary: &'a mut IngestSummary,
    index_flush: u32,
}

impl Writer<'_> {
    /// Writes one batch in one transaction; `last` also writes the pending index.
    fn batch(&mut self, batch: &mut Vec<Prepared>, last: bool) -> Result<(), StoreError> {
        let prepared = std::mem::take(batch);
        if prepared.is_empty() && !(last && self.pending.docs > 0) {
            return Ok(());
        }
        let store = self.store;
        store.begin()?;
        // Already stored (or twice in this batch): nothing to add.
        let mut fresh = Vec::with_capacity(prepared.len());
        let mut keys = std::collections::HashSet::new();
        for p in prepared {
            if store.has_key(&p.key)? || !keys.insert(p.key.clone()) {
                self.summary.already += 1;
            } else {
                fresh.push(p);
            }
        }
        // The batch's term statistics count before its articles are placed.
        for p in &fresh {
            self.clusterer.observe(&p.features);
        }
        for p in fresh {
            self.article(p)?;
        }
        if last || self.pending.docs >= self.index_flush {
            self.pending.flush(store)?;
        }
        store.commit()?;
        self.summary.stories = self.clusterer.stories();
        Ok(())
    }

    fn article(&mut self, p: Prepared) -> Result<(), StoreError> {
        let store = self.store;
        let bands = p.signature.as_ref().map(Signature::band_keys);
        let copy_of = match store.copy_by_body(&p.body_hash)? {
            Some(root) => {
                self.summary.exact_copies += 1;
                Some(root)
            }
            None => match (&p.signature, &bands) {
                (Some(sig), Some(bands)) => {
                    let near = nearest_copy(store, self.pending, sig, bands)?;
                    self.summary.near_copies += u64::from(near.is_some());
                    near
                }
                _ => None,
            },
        };
        let a = self
            .clusterer
            .add_with(&p.features, p.dense.as_deref(), p.day);
        let story = a.story as i64;
        // Merges went into the story as it was before any split of it.
        let merged_into = a.split.first().map_or(story, |sp| sp.from as i64);
        for gone in &a.merged {
            store.merge_stories(merged_into, *gone as i64)?;
        }
        store.touch_story(story)?;
        let features = p.features.to_bytes();
        let signature = p.signature.as_ref().map(Signature::to_bytes);
        let dense = p.dense.as_deref().map(cluster::features::pack_dense);
        let id = store.insert_article(&NewArticle {
            document: &p.document,
            document_json: &p.document_json,
            key: &p.key,
            body_hash: &p.body_hash,
            day: p.day,
            features: &features,
            signature: signature.as_deref(),
            dense: dense.as_deref(),
            copy_of,
            story,
        })?;
        self.slots.push(id);
        for sp in &a.split {
            let ids: Vec<i64> = sp
                .slots
                .iter()
                .filter_map(|&s| self.slots.get(s as usize).copied())
                .collect();
            store.split_story(sp.from as i64, sp.story as i64, &ids)?;
        }
        self.pending
            .add(id, copy_of.unwrap_or(id), &p.features, p.signature);
        self.summary.stored += 1;
        Ok(())
    }
}

/// The first article of the most similar body, stored or pending, at or above the near-copy
/// threshold; ties go to the earliest text.
fn nearest_copy(
    store: &Store,
    pending: &Pending,
    sig: &Signature,
    bands: &[u64],
) -> Result<Option<i64>, StoreError> {
    let mut best: Option<(f32, i64)> = None;
    let mut consider = |s: f32, root: i64| {
        if s >= cluster::minhash::NEAR && best.is_none_or(|(b, r)| s > b || (s == b && root < r)) {
            best = Some((s, root));
        }
    };
    for c in store.copy_candidates(bands)? {
        if let Some(other) = Signature::from_bytes(&c.signature) {
            consider(sig.similarity(&other), c.root);
        }
    }
    for (root, other) in pending.candidates(bands) {
        consider(sig.similarity(other), root);
    }
    Ok(best.map(|(_, root)| root))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A static tier that always fails, as a damaged weights file would.
    struct Broken;

    impl model::Embedder for Broken {
        fn name(&self) -> &str {
            "broken"
        }
        fn embed(&self, _: &[&str]) -> Result<Vec<Vec<f32>>, model::ServiceError> {
            Err(model::ServiceError {
                what: "broken embed".into(),
                message: "weights unreadable".into(),
            })
        }
    }

    #[test]
    fn a_failing_static_tier_is_a_diagnostic_and_the_articles_are_kept() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let file = dir.path().join("a.txt");
        std::fs::write(
            &file,
            "Ferry fares rise\n\nThe island ferry will cost more from May.\n",
        )
        .expect("write article");
        let store = Store::open_in_memory().expect("store");
        let options = CorpusOptions {
            fast: Some(std::sync::Arc::new(Broken)),
            ..CorpusOptions::default()
        };
        let summary = ingest(&store, &[file], &options, &mut |_| {}).expect("ingest");
        assert_eq!(summary.stored, 1);
        let warned: Vec<&str> = summary
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(warned[0].contains("weights unreadable"), "{warned:?}");
    }
}
