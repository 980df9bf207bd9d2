-- Records pulled from the accounting platform, stored as Codat-shaped JSON, one row per record.
--
-- The list endpoints (GET /companies/{companyId}/data/{dataType}) read only from here. Codat's query
-- language is compiled to SQL over `data` by gateway/records/sql.py. `modified_date` is the store's own
-- change time (Codat's `modifiedDate`: bumped only when the record's content changes or it is deleted);
-- it is copied into `data.modifiedDate` by the repository so both always agree, and the column carries
-- the index for incremental reads (`modifiedDate>=...`, `orderBy=-modifiedDate`). Records deleted in
-- the source stay with `is_deleted` and `data.metadata.isDeleted = true`, as Codat keeps them.
--
-- No GIN index on `data`: Codat's comparisons are case-insensitive and type-aware, which jsonb
-- containment (@>) cannot express, so such an index would only slow every pull down. Listing is
-- always bounded by (tenant, company, data type) first.

CREATE TABLE records (
    tenant_id             uuid NOT NULL,
    company_id            uuid NOT NULL,
    connection_id         uuid,
    data_type             text NOT NULL CHECK (data_type ~ '^[A-Za-z][A-Za-z0-9]*$'),
    record_id             text NOT NULL CHECK (length(record_id) BETWEEN 1 AND 512),
    data                  jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    modified_date         timestamptz NOT NULL DEFAULT now(),
    source_modified_date  timestamptz,
    is_deleted            boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, company_id, data_type, record_id),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id)
        ON DELETE SET NULL (connection_id)
);

-- Default listing walks the primary key; this one serves modifiedDate filters and ordering
-- (forwards and backwards, record_id breaking ties exactly as the query does).
CREATE INDEX records_modified_idx ON records (tenant_id, company_id, data_type, modified_date, record_id);

-- ISO 8601 text -> UTC instant, in every form Codat uses: bare date, UTC `Z`, offset, or no zone
-- (read as UTC). Returns NULL, never an error, for anything else, so a filter over free text cannot
-- fail a request. The pattern is gateway/records/values.py DATETIME_PATTERN (a test compares them);
-- the instant is assembled from its parts, so the result does not depend on the session TimeZone.
CREATE FUNCTION records_timestamptz(value text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
    part            text[];
    zone            text;
    offset_minutes  integer := 0;
    wall            timestamp;
BEGIN
    part := regexp_match(value, '^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(?:[T ]([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(\.[0-9]{1,9})?)?(Z|[+-](?:0[0-9]|1[0-5])(?::?[0-5][0-9])?)?)?$');
    IF part IS NULL OR part[1] = '0000' THEN
        RETURN NULL;
    END IF;
    -- The pattern lets every month have 31 days; reject days the month does not have.
    IF part[3]::integer > extract(day FROM make_date(part[1]::integer, part[2]::integer, 1)
                                          + interval '1 month - 1 day') THEN
        RETURN NULL;
    END IF;
    wall := make_timestamp(part[1]::integer, part[2]::integer, part[3]::integer,
                           coalesce(part[4], '0')::integer, coalesce(part[5], '0')::integer, 0)
            + make_interval(secs => (coalesce(part[6], '0') || coalesce(part[7], ''))::double precision);
    zone := replace(part[8], ':', '');
    IF zone IS NOT NULL AND zone <> 'Z' THEN
        offset_minutes := substr(zone, 2, 2)::integer * 60 + coalesce(nullif(substr(zone, 4, 2), ''), '0')::integer;
        IF left(zone, 1) = '-' THEN
            offset_minutes := -offset_minutes;
        END IF;
    END IF;
    RETURN (wall - make_interval(mins => offset_minutes)) AT TIME ZONE 'UTC';
END
$fn$;
