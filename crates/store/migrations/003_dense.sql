-- Schema version 3: each article's static-tier embedding (packed, one signed byte a
-- dimension), so that a later ingest restores stories with their dense centres. NULL when the
-- article was stored without the tier.
ALTER TABLE articles ADD COLUMN dense BLOB
