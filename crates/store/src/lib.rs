//! The corpus store: one SQLite file holding the articles (text, metadata, outlet, content
//! hashes, the `Document` as ingested), which article is a copy of which, the stories and the
//! cached analysis of each story.
//!
//! Key decisions:
//! - One writer works in batches: [`Store::begin`] … [`Store::commit`]. An article and
//!   everything derived from it (its story, its copy link, its index rows, the term counts)
//!   are written in the same transaction, and the database runs in WAL mode, so a process
//!   killed at any moment leaves every committed article whole and no part of an
//!   uncommitted one.
//! - Per-article writes touch few pages; the near-copy index (LSH rows) and the term
//!   statistics, whose keys are random hashes and so dirty a page per row, are written in bulk
//!   ([`Store::write_index`]) with a watermark (`indexed_through`) in the same transaction.
//!   Articles past the watermark are indexed again from their own rows ([`Store::for_each_unindexed`]),
//!   so a kill between bulk writes loses nothing.
//! - The schema is versioned with `PRAGMA user_version` and upgraded by the ordered
//!   [`MIGRATIONS`] when a store is opened; a store from a newer version is refused.
//! - Readers (`stories`, `analyze --db`, the web app) use the read API: [`Store::stories`],
//!   [`Store::story_documents`], [`Store::cached_report`].

#![warn(missing_docs)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use model::{BlockKind, Document};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Schema migrations, in order: entry `i` upgrades a store of version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/001_initial.sql"),
    include_str!("../migrations/002_deferred_index.sql"),
    include_str!("../migrations/003_dense.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// What can go wrong with a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("{path}: {source}")]
    Sqlite {
        /// The database file.
        path: String,
        /// The cause.
        #[source]
        source: rusqlite::Error,
    },
    /// The store was written by a newer version.
    #[error("{path}: schema version {found} is newer than this corroborate ({supported})")]
    TooNew {
        /// The database file.
        path: String,
        /// Its version.
        found: u32,
        /// The newest this build knows.
        supported: u32,
    },
    /// A stored document does not parse.
    #[error("{path}: article {id}: stored document is unreadable: {message}")]
    Corrupt {
        /// The database file.
        path: String,
        /// The article's row id.
        id: i64,
        /// What is wrong.
        message: String,
    },
}

/// An article to store.
#[derive(Clone, Debug)]
pub struct NewArticle<'a> {
    /// The document as ingested.
    pub document: &'a Document,
    /// The document as JSON (made off the writer thread).
    pub document_json: &'a str,
    /// [`article_key`] of the document.
    pub key: &'a str,
    /// [`body_hash`] of its body.
    pub body_hash: &'a str,
    /// Publication day (days since 1970-01-01), when known.
    pub day: Option<i32>,
    /// Packed clustering features.
    pub features: &'a [u8],
    /// Packed MinHash signature, when the body is long enough for one. Its LSH rows are
    /// written later, by [`Store::write_index`].
    pub signature: Option<&'a [u8]>,
    /// Packed static-tier embedding, when the tier was in use.
    pub dense: Option<&'a [u8]>,
    /// The first article of the text this one copies (exactly or nearly), if any.
    pub copy_of: Option<i64>,
    /// Its story.
    pub story: i64,
}

/// A stored article that may be a near copy: its id, the first article of its text, and its
/// packed signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyCandidate {
    /// The article.
    pub id: i64,
    /// The first article of its text (itself when it copies none).
    pub root: i64,
    /// Its packed MinHash signature.
    pub signature: Vec<u8>,
}

/// One story as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StorySummary {
    /// Its id.
    pub id: i64,
    /// A title: that of its first article.
    pub title: String,
    /// Articles.
    pub size: usize,
    /// Outlets, sorted.
    pub outlets: Vec<String>,
    /// Independent sources: outlets, counting once those that carry copies of one text.
    pub independent_sources: usize,
    /// Publication date of the first article, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// Publication date of the last article, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// Bumped whenever the story changes; cached reports are kept per version.
    pub version: i64,
}

/// Counts of what a store holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Articles.
    pub articles: u64,
    /// Stories.
    pub stories: u64,
    /// Articles that copy an earlier one.
    pub copies: u64,
}

/// The key that makes an article the same article: outlet, URL, title and text. Ingesting
/// it again finds the key and adds nothing.
pub fn article_key(d: &Document) -> String {
    let mut h = Sha256::new();
    for part in [
        d.outlet.name.as_str(),
        d.url.as_deref().unwrap_or(""),
        d.title.as_deref().unwrap_or(""),
        d.text.as_str(),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex(&h.finalize())
}

/// The text copy detection and clustering read: the article's own blocks, without furniture
/// and captions (which repeat across unrelated articles of one outlet). [`body_hash`] is of
/// this text.
pub fn body_text(d: &Document) -> String {
    let mut out = String::new();
    for b in &d.blocks {
        if matches!(
            b.kind,
            BlockKind::Body | BlockKind::Standfirst | BlockKind::Subheading
        ) {
            out.push_str(b.span.text(&d.text));
            out.push('\n');
        }
    }
    out
}

/// The hash of a body's words, lower-cased and single-spaced: the same text under another
/// outlet's name, or with other line breaks, hashes alike.
pub fn body_hash(body: &str) -> String {
    // One buffer and one update: hashing word by word costs more than the words.
    let mut text = String::with_capacity(body.len());
    for w in body.split_whitespace() {
        if w.is_ascii() {
            let at = text.len();
            text.push_str(w);
            text[at..].make_ascii_lowercase();
        } else {
            text.push_str(&w.to_lowercase());
        }
        text.push(' ');
    }
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// What [`Store::for_each_clustered`] calls: article, story, packed features, day, packed
/// static-tier embedding.
pub type ClusteredFn<'a> = dyn FnMut(i64, i64, &[u8], Option<i32>, Option<&[u8]>) + 'a;

/// What [`Store::for_each_unindexed`] calls: article, its text's first article, packed
/// features, packed signature.
pub type UnindexedFn<'a> = dyn FnMut(i64, i64, &[u8], Option<&[u8]>) + 'a;

/// An open store.
pub struct Store {
    conn: Connection,
    path: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let name = path.display().to_string();
        let conn = Connection::open(path).map_err(|source| StoreError::Sqlite {
            path: name.clone(),
            source,
        })?;
        Self::init(conn, name)
    }

    /// A store in memory, for tests.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Sqlite {
            path: ":memory:".into(),
            source,
        })?;
        Self::init(conn, ":memory:".into())
    }

    fn init(conn: Connection, path: String) -> Result<Self, StoreError> {
        let store = Self { conn, path };
        // WAL: a commit is one append, readers never block the writer, and a killed writer
        // leaves the last committed state. NORMAL sync is durable against a process crash
        // (only a power cut may lose the last commits, never consistency).
        // A 64 MiB page cache holds the indexes' hot pages through a batch, so that a batch does
        // not spill dirty pages to the WAL halfway; checkpoints every 64 MiB of WAL rather than
        // every 4 MiB cut the fsyncs (each costs milliseconds on a virtual disk).
        store
            .conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                 PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; \
                 PRAGMA wal_autocheckpoint = 16384;",
            )
            .map_err(|e| store.err(e))?;
        store.migrate()?;
        Ok(store)
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let version: u32 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            // Each migration and its version stamp commit together.
            let sql = format!(
                "BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {}; COMMIT;",
                i + 1
            );
            if let Err(e) = self.conn.execute_batch(&sql) {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(self.err(e));
            }
        }
        Ok(())
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Starts a write batch.
    pub fn begin(&self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))
    }

    /// Commits the write batch.
    pub fn commit(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))
    }

    /// True when an article with this [`article_key`] is stored.
    pub fn has_key(&self, key: &str) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached("SELECT 1 FROM articles WHERE key = ?1")
            .and_then(|mut s| s.exists([key]))
            .map_err(|e| self.err(e))
    }

    /// The first article of a stored body with this [`body_hash`], if any.
    pub fn copy_by_body(&self, hash: &str) -> Result<Option<i64>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT coalesce(copy_of, id) FROM articles WHERE body_hash = ?1 \
                 ORDER BY id LIMIT 1",
            )
            .and_then(|mut s| s.query_row([hash], |r| r.get(0)).optional())
            .map_err(|e| self.err(e))
    }

    /// Stored articles sharing an LSH band key with `bands`, by id.
    pub fn copy_candidates(&self, bands: &[u64]) -> Result<Vec<CopyCandidate>, StoreError> {
        let mut ids = BTreeSet::new();
        {
            let mut s = self
                .conn
                .prepare_cached("SELECT article FROM lsh WHERE band_key = ?1")
                .map_err(|e| self.err(e))?;
            for &b in bands {
                let rows = s
                    .query_map([b as i64], |r| r.get::<_, i64>(0))
                    .map_err(|e| self.err(e))?;
                for id in rows {
                    ids.insert(id.map_err(|e| self.err(e))?);
                }
            }
        }
        let mut s = self
            .conn
            .prepare_cached("SELECT coalesce(copy_of, id), signature FROM articles WHERE id = ?1")
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for id in ids {
            let row: Option<(i64, Option<Vec<u8>>)> = s
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(|e| self.err(e))?;
            if let Some((root, Some(signature))) = row {
                out.push(CopyCandidate {
                    id,
                    root,
                    signature,
                });
            }
        }
        Ok(out)
    }

    /// Stores an article; returns its id. The story must exist ([`Store::touch_story`]). Its
    /// LSH rows and terms go in with the next [`Store::write_index`].
    pub fn insert_article(&self, a: &NewArticle<'_>) -> Result<i64, StoreError> {
        let d = a.document;
        self.conn
            .prepare_cached(
                "INSERT INTO articles (key, body_hash, ext_id, source, outlet, url, published, \
                 day, title, document, features, signature, copy_of, story, dense) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    a.key,
                    a.body_hash,
                    d.id,
                    d.source,
                    d.outlet.name,
                    d.url,
                    d.published,
                    a.day,
                    d.title,
                    a.document_json,
                    a.features,
                    a.signature,
                    a.copy_of,
                    a.story,
                    a.dense
                ])
            })
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The largest article id whose LSH rows and terms are written (0 for none).
    pub fn indexed_through(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'indexed_through'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(|e| self.err(e))
    }

    /// Calls `f(id, root, packed features, packed signature)` for every article after
    /// [`Store::indexed_through`], by id: what the next [`Store::write_index`] must cover.
    pub fn for_each_unindexed(&self, f: &mut UnindexedFn<'_>) -> Result<(), StoreError> {
        let through = self.indexed_through()?;
        let mut s = self
            .conn
            .prepare(
                "SELECT id, coalesce(copy_of, id), features, signature FROM articles \
                 WHERE id > ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = s.query([through]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let id: i64 = r.get(0).map_err(|e| self.err(e))?;
            let root: i64 = r.get(1).map_err(|e| self.err(e))?;
            let feats: Vec<u8> = r.get(2).map_err(|e| self.err(e))?;
            let sig: Option<Vec<u8>> = r.get(3).map_err(|e| self.err(e))?;
            f(id, root, &feats, sig.as_deref());
        }
        Ok(())
    }

    /// Writes the LSH rows (band key, article) and the term counts of the articles up to
    /// `through`, and moves the watermark there. Call it inside a batch: rows and watermark
    /// commit together. Rows are written in key order, so each index page is touched once.
    pub fn write_index<S: std::hash::BuildHasher>(
        &self,
        lsh: &[(u64, i64)],
        df: &HashMap<u64, u32, S>,
        docs: u32,
        through: i64,
    ) -> Result<(), StoreError> {
        let mut rows: Vec<(i64, i64)> = lsh.iter().map(|&(b, a)| (b as i64, a)).collect();
        rows.sort_unstable();
        {
            let mut s = self
                .conn
                .prepare_cached("INSERT OR IGNORE INTO lsh (band_key, article) VALUES (?1, ?2)")
                .map_err(|e| self.err(e))?;
            for (b, a) in rows {
                s.execute(params![b, a]).map_err(|e| self.err(e))?;
            }
        }
        self.add_document_frequencies(df, docs)?;
        self.conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES ('indexed_through', ?1) \
                 ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)",
            )
            .and_then(|mut s| s.execute([through]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Creates the story if new, else bumps its version (it changed).
    pub fn touch_story(&self, id: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO stories (id, version) VALUES (?1, 1) \
                 ON CONFLICT(id) DO UPDATE SET version = version + 1",
            )
            .and_then(|mut s| s.execute([id]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Moves every article of story `gone` to story `keep` and deletes `gone`.
    pub fn merge_stories(&self, keep: i64, gone: i64) -> Result<(), StoreError> {
        self.touch_story(keep)?;
        self.conn
            .prepare_cached("UPDATE articles SET story = ?1 WHERE story = ?2")
            .and_then(|mut s| s.execute([keep, gone]))
            .map_err(|e| self.err(e))?;
        self.conn
            .prepare_cached("DELETE FROM reports WHERE story = ?1")
            .and_then(|mut s| s.execute([gone]))
            .map_err(|e| self.err(e))?;
        self.conn
            .prepare_cached("DELETE FROM stories WHERE id = ?1")
            .and_then(|mut s| s.execute([gone]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Moves the articles `ids` of story `from` to the new story `to` (both stories change).
    pub fn split_story(&self, from: i64, to: i64, ids: &[i64]) -> Result<(), StoreError> {
        self.touch_story(from)?;
        self.touch_story(to)?;
        let mut s = self
            .conn
            .prepare_cached("UPDATE articles SET story = ?1 WHERE id = ?2 AND story = ?3")
            .map_err(|e| self.err(e))?;
        for &id in ids {
            s.execute([to, id, from]).map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    /// Adds to the document frequencies of terms and to the document count.
    pub fn add_document_frequencies<S: std::hash::BuildHasher>(
        &self,
        delta: &HashMap<u64, u32, S>,
        docs: u32,
    ) -> Result<(), StoreError> {
        // In signed order, the order of the table's key, so that pages fill in turn.
        let mut terms: Vec<(i64, u32)> = delta.iter().map(|(&t, &n)| (t as i64, n)).collect();
        terms.sort_unstable();
        let mut s = self
            .conn
            .prepare_cached(
                "INSERT INTO df (term, n) VALUES (?1, ?2) \
                 ON CONFLICT(term) DO UPDATE SET n = n + excluded.n",
            )
            .map_err(|e| self.err(e))?;
        for (t, n) in terms {
            s.execute(params![t, n]).map_err(|e| self.err(e))?;
        }
        self.conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES ('documents', ?1) \
                 ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
            )
            .and_then(|mut s| s.execute([docs]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// The document frequencies and document count.
    pub fn document_frequencies(&self) -> Result<(HashMap<u64, u32>, u32), StoreError> {
        let mut s = self
            .conn
            .prepare("SELECT term, n FROM df")
            .map_err(|e| self.err(e))?;
        let rows = s
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, u32>(1)?))
            })
            .map_err(|e| self.err(e))?;
        let mut df = HashMap::new();
        for row in rows {
            let (t, n) = row.map_err(|e| self.err(e))?;
            df.insert(t, n);
        }
        let docs: Option<u32> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'documents'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        Ok((df, docs.unwrap_or(0)))
    }

    /// Calls `f(article, story, packed features, day)` for every article of day `since` or later (or
    /// without a day), oldest first: what a clusterer needs to take up where it stopped.
    pub fn for_each_clustered(
        &self,
        since: Option<i32>,
        f: &mut ClusteredFn<'_>,
    ) -> Result<(), StoreError> {
        let mut s = self
            .conn
            .prepare(
                "SELECT id, story, features, day, dense FROM articles \
                 WHERE ?1 IS NULL OR day IS NULL OR day >= ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = s.query([since]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let id: i64 = r.get(0).map_err(|e| self.err(e))?;
            let story: i64 = r.get(1).map_err(|e| self.err(e))?;
            let feats: Vec<u8> = r.get(2).map_err(|e| self.err(e))?;
            let day: Option<i32> = r.get(3).map_err(|e| self.err(e))?;
            let dense: Option<Vec<u8>> = r.get(4).map_err(|e| self.err(e))?;
            f(id, story, &feats, day, dense.as_deref());
        }
        Ok(())
    }

    /// The largest story id ever stored (0 for none).
    pub fn max_story_id(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT coalesce(max(id), 0) FROM stories", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// The latest publication day stored.
    pub fn last_day(&self) -> Result<Option<i32>, StoreError> {
        self.conn
            .query_row("SELECT max(day) FROM articles", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// How much the store holds.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM stories), \
                 (SELECT count(*) FROM articles WHERE copy_of IS NOT NULL)",
                [],
                |r| {
                    Ok(Counts {
                        articles: r.get(0)?,
                        stories: r.get(1)?,
                        copies: r.get(2)?,
                    })
                },
            )
            .map_err(|e| self.err(e))
    }

    /// The stories with an article published on day `since` (days since 1970-01-01) or later
    /// (all when none), largest first, then by id. Dates are compared as days: a date in
    /// another format ("4/23/18") is shown but neither dates nor orders a story.
    pub fn stories(&self, since: Option<i32>) -> Result<Vec<StorySummary>, StoreError> {
        let mut s = self
            .conn
            .prepare(
                "SELECT a.story, a.id, a.outlet, a.published, a.title, a.copy_of, s.version, \
                 a.day FROM articles a JOIN stories s ON s.id = a.story ORDER BY a.story, a.id",
            )
            .map_err(|e| self.err(e))?;
        type Row = (
            i64,
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<i64>,
            i64,
            Option<i32>,
        );
        let rows = s
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut by_story: BTreeMap<i64, Vec<Row>> = BTreeMap::new();
        for row in rows {
            let row: Row = row.map_err(|e| self.err(e))?;
            by_story.entry(row.0).or_default().push(row);
        }
        let mut out = Vec::new();
        for (id, rows) in by_story {
            let mut dates: Vec<(i32, &str)> = rows
                .iter()
                .filter_map(|r| Some((r.7?, r.3.as_deref()?)))
                .collect();
            dates.sort_unstable();
            if let Some(since) = since {
                if dates.last().is_none_or(|d| d.0 < since) {
                    continue;
                }
            }
            // The first article by day (undated ones after dated), then by id.
            let first = rows
                .iter()
                .min_by_key(|r| (r.7.is_none(), r.7, r.1))
                .map(|r| r.4.clone().unwrap_or_default())
                .unwrap_or_default();
            let outlets: BTreeSet<&str> = rows.iter().map(|r| r.2.as_str()).collect();
            out.push(StorySummary {
                id,
                title: first,
                size: rows.len(),
                independent_sources: independent(
                    &rows
                        .iter()
                        .map(|r| (r.2.as_str(), r.5.unwrap_or(r.1)))
                        .collect::<Vec<_>>(),
                ),
                outlets: outlets.into_iter().map(str::to_string).collect(),
                first: dates.first().map(|d| d.1.to_string()),
                last: dates.last().map(|d| d.1.to_string()),
                version: rows[0].6,
            });
        }
        out.sort_by(|a, b| b.size.cmp(&a.size).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// The story's version, none when there is no such story.
    pub fn story_version(&self, id: i64) -> Result<Option<i64>, StoreError> {
        self.conn
            .query_row("SELECT version FROM stories WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The documents of a story, oldest first (by date, then as stored).
    pub fn story_documents(&self, id: i64) -> Result<Vec<Document>, StoreError> {
        let mut s = self
            .conn
            .prepare(
                "SELECT id, document FROM articles WHERE story = ?1 \
                 ORDER BY published IS NULL, published, id",
            )
            .map_err(|e| self.err(e))?;
        let rows = s
            .query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (aid, json) = row.map_err(|e| self.err(e))?;
            let mut d: Document = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                path: self.path.clone(),
                id: aid,
                message: e.to_string(),
            })?;
            // Ids from many inputs may clash; the row id never does.
            d.id = format!("{aid}");
            out.push(d);
        }
        Ok(out)
    }

    /// The cached report JSON of a story, when it was made for the story as it is now.
    pub fn cached_report(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT r.json FROM reports r JOIN stories s ON s.id = r.story \
                 WHERE r.story = ?1 AND r.version = s.version",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Caches a story's report JSON for the given version.
    pub fn put_report(&self, id: i64, version: i64, json: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO reports (story, version, json) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(story) DO UPDATE SET version = excluded.version, json = excluded.json",
                params![id, version, json],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// SQLite's `PRAGMA integrity_check`: `ok`, or the problems found.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        let mut s = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| self.err(e))?;
        let rows = s
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r.map_err(|e| self.err(e))?);
        }
        Ok(out.join("\n"))
    }

    /// Checks that every article is whole: its document parses, its key and body hash are
    /// those of that document, its story exists, its copy link points at a stored article,
    /// and, when it is within [`Store::indexed_through`], its signature has its index rows.
    /// Returns the problems found.
    pub fn verify_articles(&self) -> Result<Vec<String>, StoreError> {
        let through = self.indexed_through()?;
        // Articles with LSH rows, in one pass over the index (which is keyed by band).
        let mut indexed = BTreeSet::new();
        {
            let mut s = self
                .conn
                .prepare("SELECT DISTINCT article FROM lsh")
                .map_err(|e| self.err(e))?;
            let rows = s
                .query_map([], |r| r.get::<_, i64>(0))
                .map_err(|e| self.err(e))?;
            for r in rows {
                indexed.insert(r.map_err(|e| self.err(e))?);
            }
        }
        let mut s = self
            .conn
            .prepare(
                "SELECT a.id, a.key, a.body_hash, a.document, \
                 (SELECT count(*) FROM stories s WHERE s.id = a.story), \
                 (a.copy_of IS NULL OR EXISTS (SELECT 1 FROM articles c WHERE c.id = a.copy_of)), \
                 a.signature IS NOT NULL \
                 FROM articles a ORDER BY a.id",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = s.query([]).map_err(|e| self.err(e))?;
        let mut problems = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let id: i64 = r.get(0).map_err(|e| self.err(e))?;
            let key: String = r.get(1).map_err(|e| self.err(e))?;
            let bh: String = r.get(2).map_err(|e| self.err(e))?;
            let json: String = r.get(3).map_err(|e| self.err(e))?;
            let story_ok: i64 = r.get(4).map_err(|e| self.err(e))?;
            let copy_ok: bool = r.get(5).map_err(|e| self.err(e))?;
            let signed: bool = r.get(6).map_err(|e| self.err(e))?;
            let lsh_ok = !signed || id > through || indexed.contains(&id);
            match serde_json::from_str::<Document>(&json) {
                Ok(d) => {
                    if article_key(&d) != key {
                        problems.push(format!("article {id}: key does not match its document"));
                    }
                    if body_hash(&body_text(&d)) != bh {
                        problems.push(format!("article {id}: body hash does not match"));
                    }
                }
                Err(e) => problems.push(format!("article {id}: document unreadable: {e}")),
            }
            if story_ok != 1 {
                problems.push(format!("article {id}: its story is missing"));
            }
            if !copy_ok {
                problems.push(format!("article {id}: copy link to a missing article"));
            }
            if !lsh_ok {
                problems.push(format!("article {id}: signature without index rows"));
            }
        }
        let empty: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM stories s WHERE NOT EXISTS \
                 (SELECT 1 FROM articles a WHERE a.story = s.id)",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if empty > 0 {
            problems.push(format!("{empty} stories without articles"));
        }
        if indexed.iter().any(|&id| id > through) {
            problems.push("index rows past the watermark".to_string());
        }
        Ok(problems)
    }
}

/// Independent sources among (outlet, text root) pairs: articles of one outlet count once,
/// and outlets carrying copies of one text count once together.
pub fn independent(articles: &[(&str, i64)]) -> usize {
    // Union-find over outlets, joined through shared text roots.
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    fn find<'a>(p: &mut BTreeMap<&'a str, &'a str>, x: &'a str) -> &'a str {
        let mut r = x;
        while let Some(&up) = p.get(r) {
            if up == r {
                break;
            }
            r = up;
        }
        p.insert(x, r);
        r
    }
    let mut root_outlet: HashMap<i64, &str> = HashMap::new();
    for &(outlet, root) in articles {
        parent.entry(outlet).or_insert(outlet);
        if let Some(&other) = root_outlet.get(&root) {
            let (a, b) = (find(&mut parent, outlet), find(&mut parent, other));
            if a != b {
                parent.insert(a.max(b), a.min(b));
            }
        } else {
            root_outlet.insert(root, outlet);
        }
    }
    let outlets: Vec<&str> = parent.keys().copied().collect();
    outlets
        .into_iter()
        .map(|o| find(&mut parent, o))
        .collect::<BTreeSet<_>>()
        .len()
}

#[cfg(test)]
mod tests;
