-- Push feature: connection settings, Idempotency-Key bookkeeping, attachment copies, webhook consumers,
-- events and the delivery log.
--
-- Push operations themselves are rows of `operations` (kind 'push', migration 0003). Two triggers here
-- turn a push operation reaching a final status into a webhook event in the same transaction as the
-- status change, so an event can be neither lost (worker killed after saving) nor sent for a status that
-- was never saved (worker killed before saving). Deliveries are `operations` of kind 'webhook', one per
-- (event, consumer): a consumer that is down is retried with backoff without re-sending to the others.

-- Per-connection settings handed to the connector factory: custom field mappings, auto-numbering,
-- approvals, Intacct limits (camelCase JSON as the API shows it; only keys the user set).
ALTER TABLE connections
    ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object');

-- Codat's Idempotency-Key: one row per (tenant, key) while the key is remembered (90 minutes by
-- default). The row is written before the operation, so a second request arriving while the first is
-- still being created sees it without an operation yet (409); request_hash covers method, path, query
-- and body (same key, other request -> 422).
CREATE TABLE push_idempotency_keys (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash  text NOT NULL,
    operation_id  uuid NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX push_idempotency_keys_created_idx ON push_idempotency_keys (created_at);

-- A copy of every file uploaded through the gateway: the worker sends it from here (the request that
-- brought it is long gone), and downloads of attachments the gateway uploaded are served from here
-- without a call to Intacct. `attachment_id` is the upstream id (Intacct supdoc id) once uploaded.
CREATE TABLE attachments (
    id             uuid PRIMARY KEY,
    tenant_id      uuid NOT NULL,
    company_id     uuid NOT NULL,
    connection_id  uuid NOT NULL,
    data_type      text NOT NULL CHECK (data_type ~ '^[A-Za-z][A-Za-z0-9]*$'),
    record_id      text NOT NULL CHECK (length(record_id) BETWEEN 1 AND 512),
    operation_id   uuid NOT NULL UNIQUE,
    attachment_id  text,
    requested_id   text,
    folder         text,
    file_name      text NOT NULL,
    content_type   text NOT NULL,
    file_size      integer NOT NULL CHECK (file_size >= 0),
    sha256         text NOT NULL,
    content        bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    uploaded_at    timestamptz,
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX attachments_record_idx ON attachments (tenant_id, connection_id, data_type, record_id);

-- Webhook consumers (Codat's POST /webhooks): where to send which events, with the signing secret
-- encrypted like connection credentials. Empty event_types or '*' means every event.
CREATE TABLE webhook_consumers (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    url          text NOT NULL CHECK (url ~ '^https?://'),
    event_types  text[] NOT NULL DEFAULT '{}',
    company_id   uuid,
    disabled     boolean NOT NULL DEFAULT false,
    secret       bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_consumers_tenant_idx ON webhook_consumers (tenant_id) WHERE NOT disabled;

-- One event, whoever receives it. `payload` is the event's payload as JSON text (kept as sent: jsonb
-- would reorder its keys); NULL for a push write event, whose payload is built at delivery from the
-- (final, so unchanging) push operation `operation_id`.
CREATE TABLE webhook_events (
    id            uuid PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    company_id    uuid,
    event_type    text NOT NULL CHECK (length(event_type) BETWEEN 1 AND 200),
    operation_id  uuid,
    payload       text CHECK (payload IS NULL OR jsonb_typeof(payload::jsonb) = 'object'),
    generated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every delivery attempt, successful or not (GET /webhooks/{webhookId}/deliveries).
CREATE TABLE webhook_deliveries (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL,
    consumer_id   uuid NOT NULL REFERENCES webhook_consumers (id) ON DELETE CASCADE,
    event_id      uuid NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    event_type    text NOT NULL,
    attempt       integer NOT NULL CHECK (attempt >= 1),
    succeeded     boolean NOT NULL,
    status_code   integer,
    error         text,
    duration_ms   integer,
    attempted_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX webhook_deliveries_consumer_idx ON webhook_deliveries (tenant_id, consumer_id, attempted_at DESC, id);

-- Queue one 'webhook' operation per enabled consumer that wants the event; returns how many.
CREATE FUNCTION webhook_fan_out(p_event uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    queued integer;
BEGIN
    INSERT INTO operations (id, tenant_id, company_id, kind, data_type, payload, max_attempts)
    SELECT gen_random_uuid(), e.tenant_id, e.company_id, 'webhook', NULL,
           jsonb_build_object('eventId', e.id::text, 'consumerId', c.id::text), 8
    FROM webhook_events AS e
    JOIN webhook_consumers AS c ON c.tenant_id = e.tenant_id
    WHERE e.id = p_event
      AND NOT c.disabled
      AND (c.company_id IS NULL OR c.company_id = e.company_id)
      AND (cardinality(c.event_types) = 0 OR '*' = ANY (c.event_types) OR e.event_type = ANY (c.event_types));
    GET DIAGNOSTICS queued = ROW_COUNT;
    IF queued > 0 THEN
        PERFORM pg_notify('gateway_operations', 'webhook');
    END IF;
    RETURN queued;
END $$;

-- A push operation became final: `{dataType}.write.successful` or `.write.unsuccessful`.
CREATE FUNCTION push_operation_finished() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    event uuid := gen_random_uuid();
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_consumers WHERE tenant_id = NEW.tenant_id AND NOT disabled) THEN
        RETURN NULL;
    END IF;
    INSERT INTO webhook_events (id, tenant_id, company_id, event_type, operation_id)
    VALUES (event, NEW.tenant_id, NEW.company_id,
            coalesce(NEW.data_type, 'unknown')
            || CASE WHEN NEW.status = 'Success' THEN '.write.successful' ELSE '.write.unsuccessful' END,
            NEW.id);
    PERFORM webhook_fan_out(event);
    RETURN NULL;
END $$;

CREATE TRIGGER operations_push_finished
    AFTER UPDATE OF status ON operations
    FOR EACH ROW
    WHEN (NEW.kind = 'push' AND NEW.status IN ('Success', 'Failed', 'TimedOut')
          AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION push_operation_finished();

-- Pushes refused by validation are stored as Failed at once, without passing through the queue.
CREATE TRIGGER operations_push_created_final
    AFTER INSERT ON operations
    FOR EACH ROW
    WHEN (NEW.kind = 'push' AND NEW.status IN ('Success', 'Failed', 'TimedOut'))
    EXECUTE FUNCTION push_operation_finished();
