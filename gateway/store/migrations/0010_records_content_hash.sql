-- A digest of each record's content, so a pull can tell an unchanged record without comparing JSON.
--
-- A re-pull compares every incoming record with the stored one to leave identical content alone (and
-- its modifiedDate with it). Comparing the two jsonb documents — each stripped of the store-owned
-- fields first — was the largest part of an upsert's time. The gateway now computes a digest of the
-- content it writes (gateway/records/repository.py `content_digest`) and PostgreSQL compares 16 bytes.
-- Rows written before this migration have none; they are compared the old way until next rewritten.
-- Adding a nullable column without a default does not rewrite the table.

ALTER TABLE records ADD COLUMN content_hash bytea;
