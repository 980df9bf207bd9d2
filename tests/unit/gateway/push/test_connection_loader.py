"""ConnectionLoader: concurrent loads of one connection share a query; later loads read the row again."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from gateway.push.connectors import ConnectionLoader

pytestmark = pytest.mark.asyncio


class Db:
    def __init__(self) -> None:
        self.queries = 0

    async def fetchrow(self, sql: str, tenant_id: Any, company_id: Any, connection_id: Any) -> dict[str, Any]:
        self.queries += 1
        await asyncio.sleep(0.02)
        status = f"Linked-{self.queries}"
        return {
            "integration_key": "knfz",
            "status": status,
            "settings": None,
            "updated_at": datetime.now(UTC),
        }


async def test_concurrent_loads_share_one_query_and_later_loads_read_again() -> None:
    db = Db()
    loader = ConnectionLoader(db)  # type: ignore[arg-type]
    ids = (uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    other = (ids[0], ids[1], uuid.uuid4())
    refs = await asyncio.gather(*(loader.load(*ids) for _ in range(10)), loader.load(*other))
    assert db.queries == 2 and {r.status for r in refs[:10]} == {refs[0].status}
    assert refs[10].connection_id == other[2]
    later = await loader.load(*ids)
    assert db.queries == 3 and later.status == "Linked-3"  # nothing older than the query in flight
