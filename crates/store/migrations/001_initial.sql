-- Schema version 1 of the corpus store.
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    -- Bumped on every change (an article joins, a story merges in); cached reports name it.
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    -- sha256 of outlet, URL, title and text: the same article ingested twice is one row.
    key TEXT NOT NULL UNIQUE,
    -- sha256 of the body's words: exact copies under other names.
    body_hash TEXT NOT NULL,
    ext_id TEXT NOT NULL,
    source TEXT NOT NULL,
    outlet TEXT NOT NULL,
    url TEXT,
    published TEXT,
    -- Days since 1970-01-01 of `published`, for the clustering window.
    day INTEGER,
    title TEXT,
    -- The model::Document as ingested, JSON.
    document TEXT NOT NULL,
    -- Clustering features (hashed terms and weights) and MinHash signature, packed.
    features BLOB NOT NULL,
    signature BLOB,
    -- The first article of the text this one copies exactly or nearly.
    copy_of INTEGER REFERENCES articles(id),
    story INTEGER NOT NULL REFERENCES stories(id)
);
CREATE INDEX articles_story ON articles(story);
CREATE INDEX articles_body_hash ON articles(body_hash);
CREATE INDEX articles_published ON articles(published);
-- LSH bands of the MinHash signatures: articles sharing a key are near-copy candidates.
CREATE TABLE lsh (
    band_key INTEGER NOT NULL,
    article INTEGER NOT NULL REFERENCES articles(id)
);
CREATE INDEX lsh_band_key ON lsh(band_key);
CREATE INDEX lsh_article ON lsh(article);
-- Document frequencies of clustering terms.
CREATE TABLE df (
    term INTEGER PRIMARY KEY,
    n INTEGER NOT NULL
);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
-- The analysis of a story, for the version of the story it was made for.
CREATE TABLE reports (
    story INTEGER PRIMARY KEY REFERENCES stories(id),
    version INTEGER NOT NULL,
    json TEXT NOT NULL
)
