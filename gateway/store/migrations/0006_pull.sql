-- Pulls (Codat "datasets"): progress of a running pull, and what each company's data types last synced.
--
-- A pull is an `operations` row of kind 'pull' (migration 0003): queueing, leases, retries and the
-- one-active-pull-per-type index come from there. Two things the queue does not know:
--
-- * how far a running pull has got — `dataset_status` (Codat's dataset status: Fetching, Mapping,
--   Complete, FetchError, AuthError ...) and `progress` (0-100), written by the pull handler while it
--   runs and shown by GET /companies/{companyId}/data/history;
-- * where the next pull may start — `pull_state`, one row per company and data type: the watermark
--   (the database time just before the last successful pull began reading, so records changed while
--   it ran are read again next time, never missed), the connection it was read from (another
--   connection means a new full pull), and the last successful sync shown by GET …/dataStatus.

ALTER TABLE operations
    ADD COLUMN progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    ADD COLUMN dataset_status text;

CREATE TABLE pull_state (
    tenant_id                   uuid NOT NULL,
    company_id                  uuid NOT NULL,
    data_type                   text NOT NULL CHECK (data_type ~ '^[A-Za-z][A-Za-z0-9]*$'),
    connection_id               uuid,
    -- modified_since of the next incremental pull; NULL until a full pull has succeeded.
    watermark                   timestamptz,
    last_full_pull_at           timestamptz,
    last_successful_sync        timestamptz,
    latest_successful_sync_id   uuid,
    records                     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, company_id, data_type),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id)
        ON DELETE SET NULL (connection_id)
);
