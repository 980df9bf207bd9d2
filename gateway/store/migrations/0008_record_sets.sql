-- A version per set of records (tenant, company, data type), changed by every write to the set.
--
-- Listing a page used to count every matching record and skip every record before the page, on every
-- request (tens of milliseconds for 100,000 bills, all of it repeated for each page). What a listing
-- learns about a set — how many records match, which record starts every 100th position — stays true
-- until the set changes, so gateway/records/pages.py keeps it per process and checks, in the same
-- statement (the same snapshot) as the page it reads, that the set's version is still the one it
-- learnt it at. That check is exact across processes and transactions because the version is bumped
-- by the writing statement itself, inside the writer's transaction:
--
-- * statement-level triggers (one call per statement, not per row) bump the version of every set a
--   statement touched, with a value from one sequence, so a version is never reused — not even after
--   a set's row is deleted and created again;
-- * INSERT creates the set's row; UPDATE and DELETE only bump existing rows, so the cascades of a
--   company's deletion (records deleted, connection ids nulled) never re-create a row for a company
--   that is going away;
-- * a set's key (the records' tenant, company and data type) is part of the records' primary key and
--   never updated, so the new rows of an UPDATE name every set it touched.
--
-- Concurrent writers of one set queue on its row from their first write to their commit; a set is
-- written by one pull at a time (one active pull per data type), so they rarely meet.

CREATE SEQUENCE record_set_version;

CREATE TABLE record_sets (
    tenant_id   uuid NOT NULL,
    company_id  uuid NOT NULL,
    data_type   text NOT NULL,
    version     bigint NOT NULL,
    PRIMARY KEY (tenant_id, company_id, data_type),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id) ON DELETE CASCADE
);

INSERT INTO record_sets (tenant_id, company_id, data_type, version)
SELECT tenant_id, company_id, data_type, nextval('record_set_version')
FROM (SELECT DISTINCT tenant_id, company_id, data_type FROM records ORDER BY 1, 2, 3) AS sets;

-- `changed` is the statement's transition table (new rows for INSERT/UPDATE, old rows for DELETE).
-- Sets are locked in key order so two statements touching several sets cannot deadlock.
CREATE FUNCTION record_sets_bump() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO record_sets AS s (tenant_id, company_id, data_type, version)
        SELECT tenant_id, company_id, data_type, nextval('record_set_version')
        FROM (SELECT DISTINCT tenant_id, company_id, data_type FROM changed ORDER BY 1, 2, 3) AS sets
        ON CONFLICT (tenant_id, company_id, data_type) DO UPDATE SET version = EXCLUDED.version;
    ELSE
        UPDATE record_sets AS s SET version = nextval('record_set_version')
        FROM (SELECT DISTINCT tenant_id, company_id, data_type FROM changed ORDER BY 1, 2, 3) AS sets
        WHERE s.tenant_id = sets.tenant_id AND s.company_id = sets.company_id
          AND s.data_type = sets.data_type;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE FUNCTION record_sets_bump_all() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    UPDATE record_sets SET version = nextval('record_set_version');
    RETURN NULL;
END
$fn$;

CREATE TRIGGER records_inserted AFTER INSERT ON records
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION record_sets_bump();
CREATE TRIGGER records_updated AFTER UPDATE ON records
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION record_sets_bump();
CREATE TRIGGER records_deleted AFTER DELETE ON records
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION record_sets_bump();
CREATE TRIGGER records_truncated AFTER TRUNCATE ON records
    FOR EACH STATEMENT EXECUTE FUNCTION record_sets_bump_all();
