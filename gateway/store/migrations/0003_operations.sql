-- Operations queue (push, pull, scheduled sync), sync schedules and the shared Intacct limit state.
--
-- Workers claim operations with SELECT ... FOR UPDATE SKIP LOCKED and hold them under a lease
-- (lease_owner, lease_token, lease_expires_at) that heartbeats extend. Every write a worker makes to
-- a claimed row is guarded by lease_token, so a worker that lost its lease (expired, reclaimed,
-- timed out) can no longer change the row. The operation id never changes across attempts: a push
-- derives its Intacct function controlid from it, so a retry is refused by Intacct as a duplicate
-- instead of creating a second record.

CREATE TABLE sync_schedules (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id         uuid NOT NULL,
    company_id        uuid NOT NULL,
    connection_id     uuid,
    data_type         text NOT NULL CHECK (data_type ~ '^[A-Za-z][A-Za-z0-9]*$'),
    interval_seconds  integer NOT NULL CHECK (interval_seconds >= 60),
    next_run_at       timestamptz NOT NULL DEFAULT now(),
    enabled           boolean NOT NULL DEFAULT true,
    last_fired_at     timestamptz,
    last_operation_id uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, company_id, data_type),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id)
        ON DELETE SET NULL (connection_id)
);
CREATE INDEX sync_schedules_due_idx ON sync_schedules (next_run_at) WHERE enabled;

CREATE TABLE operations (
    id                  uuid PRIMARY KEY,
    tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    company_id          uuid,
    connection_id       uuid,
    kind                text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]*$'),
    data_type           text,
    status              text NOT NULL DEFAULT 'Pending'
                        CHECK (status IN ('Pending', 'Running', 'Success', 'Failed', 'TimedOut')),
    payload             jsonb NOT NULL DEFAULT '{}'::jsonb,
    result              jsonb,
    error               jsonb,
    -- Push idempotency (Codat's Idempotency-Key header): the key and a hash of the request body.
    -- The 90-minute window is the push feature's rule; it clears old keys with
    -- gateway.jobs.queue.expire_idempotency_keys so a key can be reused afterwards.
    idempotency_key     text,
    body_hash           text,
    attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts        integer NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
    lease_owner         text,
    lease_token         uuid,
    lease_expires_at    timestamptz,
    heartbeat_at        timestamptz,
    run_after           timestamptz NOT NULL DEFAULT now(),
    timeout_in_minutes  integer CHECK (timeout_in_minutes > 0),
    timeout_at          timestamptz,
    schedule_id         uuid REFERENCES sync_schedules (id) ON DELETE SET NULL,
    requested_at        timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    completed_at        timestamptz,
    CHECK ((status = 'Running') = (lease_token IS NOT NULL)),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id)
        ON DELETE SET NULL (connection_id)
);

-- What a worker polls: pending rows whose time has come, oldest first.
CREATE INDEX operations_claimable_idx ON operations (run_after, requested_at) WHERE status = 'Pending';
-- What the lease sweeper scans.
CREATE INDEX operations_leased_idx ON operations (lease_expires_at) WHERE status = 'Running';
-- What the timeout sweeper scans.
CREATE INDEX operations_timeout_idx ON operations (timeout_at)
    WHERE status IN ('Pending', 'Running') AND timeout_at IS NOT NULL;
-- Push/pull history of a company, newest first.
CREATE INDEX operations_company_idx ON operations (tenant_id, company_id, kind, requested_at DESC);
CREATE UNIQUE INDEX operations_idempotency_key_idx ON operations (tenant_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- At most one pull per company and data type is pending or running: a schedule firing (or a
-- manual queue request) while one is in flight cannot start a second one, whatever the code does.
CREATE UNIQUE INDEX operations_one_active_pull_idx ON operations (tenant_id, company_id, data_type)
    WHERE kind = 'pull' AND status IN ('Pending', 'Running');

-- Intacct limits shared by every worker, keyed by Intacct company (the connector's key, not ours);
-- the contract is connectors.intacct.limits.LimitStore. Both functions serialise per key on a
-- transaction-scoped advisory lock (namespace 1735288140, a constant of this file) and read the clock
-- after taking it, so callers in any number of processes see one consistent count.

-- Concurrency: one row per held slot, with an expiry so a killed process cannot leak a slot.
CREATE TABLE intacct_limit_slots (
    limit_key   text NOT NULL,
    slot_id     text NOT NULL,
    expires_at  timestamptz NOT NULL,
    acquired_at timestamptz NOT NULL,
    PRIMARY KEY (limit_key, slot_id)
);
CREATE INDEX intacct_limit_slots_expiry_idx ON intacct_limit_slots (expires_at);

-- Rate: a sliding 60-second log of calls per key (at most calls_per_minute rows per key).
CREATE TABLE intacct_limit_calls (
    limit_key  text NOT NULL,
    called_at  timestamptz NOT NULL
);
CREATE INDEX intacct_limit_calls_key_idx ON intacct_limit_calls (limit_key, called_at);
CREATE INDEX intacct_limit_calls_time_idx ON intacct_limit_calls (called_at);

CREATE FUNCTION intacct_try_acquire_slot(p_key text, p_limit integer, p_lease_seconds double precision)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz;
    held integer;
    slot text := gen_random_uuid()::text;
BEGIN
    PERFORM pg_advisory_xact_lock(1735288140, hashtext(p_key));
    t := clock_timestamp();
    DELETE FROM intacct_limit_slots WHERE limit_key = p_key AND expires_at <= t;
    SELECT count(*) INTO held FROM intacct_limit_slots WHERE limit_key = p_key;
    IF held >= p_limit THEN
        RETURN NULL;
    END IF;
    INSERT INTO intacct_limit_slots (limit_key, slot_id, expires_at, acquired_at)
    VALUES (p_key, slot, t + make_interval(secs => p_lease_seconds), t);
    RETURN slot;
END $$;

-- 0 when the call may go now (and is recorded), else seconds until the window has room.
CREATE FUNCTION intacct_take_token(p_key text, p_per_minute integer)
RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz;
    calls integer;
    frees_at timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(1735288140, hashtext(p_key));
    t := clock_timestamp();
    DELETE FROM intacct_limit_calls WHERE limit_key = p_key AND called_at <= t - interval '60 seconds';
    SELECT count(*) INTO calls FROM intacct_limit_calls WHERE limit_key = p_key;
    IF calls < p_per_minute THEN
        INSERT INTO intacct_limit_calls (limit_key, called_at) VALUES (p_key, t);
        RETURN 0;
    END IF;
    SELECT called_at INTO frees_at FROM intacct_limit_calls WHERE limit_key = p_key
    ORDER BY called_at OFFSET calls - p_per_minute LIMIT 1;
    RETURN greatest(extract(epoch FROM frees_at + interval '60 seconds' - t)::double precision, 0.001);
END $$;
