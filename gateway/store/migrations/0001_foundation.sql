-- Foundation: tenants (fintechs), their API keys, companies (their SMB customers) and connections
-- to an accounting platform. Every tenant-owned table carries tenant_id, and child rows reference
-- their parent through (tenant_id, id) so a row can never point into another tenant's data.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- API keys are stored as SHA-256 of the key: keys are 256-bit random tokens, so a fast hash is
-- enough (no dictionary to attack) and lookups stay one index probe.
CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key_hash    text NOT NULL UNIQUE,
    key_prefix  text NOT NULL,
    name        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);

CREATE TABLE companies (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         text NOT NULL,
    description  text,
    tags         jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_sync    timestamptz,
    UNIQUE (tenant_id, id)
);
CREATE INDEX companies_tenant_created_idx ON companies (tenant_id, created_at, id);

CREATE TABLE connections (
    id                      uuid PRIMARY KEY,
    tenant_id               uuid NOT NULL,
    company_id              uuid NOT NULL,
    integration_key         text NOT NULL,
    status                  text NOT NULL DEFAULT 'PendingAuth'
                            CHECK (status IN ('PendingAuth', 'Linked', 'Unlinked', 'Deauthorized')),
    -- Fernet token of the JSON credentials; never logged, never returned by the API.
    credentials             bytea,
    connection_info         jsonb NOT NULL DEFAULT '{}'::jsonb,
    data_connection_errors  jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    last_sync               timestamptz,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX connections_company_idx ON connections (tenant_id, company_id, created_at, id);
