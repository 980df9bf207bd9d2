-- What connectors learnt about a connected company, shared by every gateway process.
--
-- A connector loads "company facts" (entity, base currency, GL accounts and their bank ties, tax
-- details, journals, dimensions) before it can validate or map a write. Each process used to load them
-- itself, so an API process validating pushes, a push worker and a pull worker each spent a request of
-- the company's Intacct call budget on the same answer. Rows are per connection (and disappear with
-- it), keyed by what the connector says the value depends on, and carry their own expiry.

CREATE TABLE connector_cache (
    tenant_id       uuid NOT NULL,
    connection_id   uuid NOT NULL,
    cache_key       text NOT NULL,
    value           bytea NOT NULL,
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, connection_id, cache_key),
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX connector_cache_expiry ON connector_cache (expires_at);
