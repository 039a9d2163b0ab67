-- Schema version 2: the near-copy index and the term statistics are written in bulk.
-- The LSH rows become one B-tree keyed by (band, article) instead of a table and two indexes:
-- a lookup is one seek and a row costs one insert instead of three.
CREATE TABLE lsh2 (
    band_key INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (band_key, article)
) WITHOUT ROWID;
INSERT OR IGNORE INTO lsh2 (band_key, article) SELECT band_key, article FROM lsh;
DROP TABLE lsh;
ALTER TABLE lsh2 RENAME TO lsh;
-- Articles up to this id have their LSH rows and their terms in `df`; later ones are indexed
-- from their own row (features, signature) when the store is next written.
INSERT OR REPLACE INTO meta (key, value)
    VALUES ('indexed_through', (SELECT coalesce(max(id), 0) FROM articles))
