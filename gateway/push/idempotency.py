"""Codat's ``Idempotency-Key`` header for writes.

Rules (codat.md §2.1): a key is remembered for 90 minutes (``PushSettings.idempotency_minutes``); the
same key with the same request answers the operation the first request created; the same key with a
different request is refused with 422; the same key while the first request is still being created is
refused with 409.

How: ``push_idempotency_keys`` gets its row *before* anything else happens (primary key
``(tenant_id, key)``), naming the operation id the request will create. A second request then finds
either that operation (replay), or no operation yet (still being created: 409), or a different
request hash (422). A creator that dies before creating its operation leaves a row without one; after
``stale_after`` another request with the key takes it over instead of being told 409 forever. A
request that fails without creating an operation gives its key back (``release``), so the client can
retry with it.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from gateway.errors import Conflict, GatewayError
from gateway.jobs.rows import Db

_PURGE = "DELETE FROM push_idempotency_keys WHERE created_at < now() - $1::interval"
_INSERT = """
INSERT INTO push_idempotency_keys (tenant_id, key, request_hash, operation_id)
VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING
RETURNING operation_id
"""
_EXISTING = """
SELECT k.request_hash, k.operation_id, k.created_at < now() - $3::interval AS stale,
       EXISTS (SELECT 1 FROM operations AS o WHERE o.id = k.operation_id) AS created
FROM push_idempotency_keys AS k
WHERE k.tenant_id = $1 AND k.key = $2
"""
_TAKE_OVER = """
UPDATE push_idempotency_keys SET created_at = now()
WHERE tenant_id = $1 AND key = $2 AND created_at < now() - $3::interval
RETURNING operation_id
"""
_RELEASE = "DELETE FROM push_idempotency_keys WHERE tenant_id = $1 AND key = $2 AND operation_id = $3"

MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(GatewayError):
    """The Idempotency-Key was already used with a different request."""

    status_code = 422


class IdempotencyKeyInFlight(Conflict):
    """A request with this Idempotency-Key is still being processed."""


@dataclass(frozen=True, slots=True)
class KeyClaim:
    """``created`` True: this request must create ``operation_id``; False: answer the existing one."""

    operation_id: uuid.UUID
    created: bool


def request_hash(*parts: str | bytes) -> str:
    """SHA-256 over the parts that make a request what it is (method, path, parameters, canonical body)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class IdempotencyKeys:
    def __init__(
        self,
        db: Db,
        *,
        window: timedelta = timedelta(minutes=90),
        stale_after: timedelta = timedelta(minutes=5),
    ) -> None:
        self._db = db
        self.window = window
        self.stale_after = stale_after

    async def claim(self, tenant_id: uuid.UUID, key: str, hash_: str, operation_id: uuid.UUID) -> KeyClaim:
        """Reserve ``key`` for a new ``operation_id``, or say which operation already answers it.

        Raises ``IdempotencyKeyReused`` (422) or ``IdempotencyKeyInFlight`` (409).
        """
        await self._db.execute(_PURGE, self.window)
        inserted = await self._db.fetchval(_INSERT, tenant_id, key, hash_, operation_id)
        if inserted is not None:
            return KeyClaim(operation_id=inserted, created=True)
        row = await self._db.fetchrow(_EXISTING, tenant_id, key, self.stale_after)
        if row is None:  # expired and purged between our statements: try once more
            inserted = await self._db.fetchval(_INSERT, tenant_id, key, hash_, operation_id)
            if inserted is None:
                raise IdempotencyKeyInFlight("A request with this Idempotency-Key is being processed; retry.")
            return KeyClaim(operation_id=inserted, created=True)
        if row["request_hash"] != hash_:
            raise IdempotencyKeyReused(
                "The Idempotency-Key has already been used with a different request; "
                "use a new key for a new request."
            )
        if row["created"]:
            return KeyClaim(operation_id=row["operation_id"], created=False)
        if row["stale"]:
            taken = await self._db.fetchval(_TAKE_OVER, tenant_id, key, self.stale_after)
            if taken is not None:
                return KeyClaim(operation_id=taken, created=True)
        raise IdempotencyKeyInFlight(
            "A request with this Idempotency-Key is still being processed; retry when it has finished."
        )

    async def release(self, tenant_id: uuid.UUID, key: str, operation_id: uuid.UUID) -> None:
        """Forget a claim whose request failed before creating its operation."""
        await self._db.execute(_RELEASE, tenant_id, key, operation_id)
