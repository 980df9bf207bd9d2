-- Each record's JSON also kept as the text a list response embeds.
--
-- A list page sends the stored JSON of its records as it is, but `jsonb` is a binary form: every read
-- printed it again (`data::text`, numbers formatted one by one), about two thirds of PostgreSQL's time
-- for a page of 100 bills. The text is printed once per write instead, by PostgreSQL itself, so it is
-- always exactly `data::text` whoever writes `data`. The price: the table grows by about half, and a
-- write prints the record once (a few percent of an upsert's time). Adding the column rewrites the
-- table under an exclusive lock: on a large store, apply this migration in a quiet window.

ALTER TABLE records ADD COLUMN data_text text GENERATED ALWAYS AS (data::text) STORED;
