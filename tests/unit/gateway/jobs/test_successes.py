"""The worker's Success recorder: outcomes finishing together share one statement."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from gateway.jobs.models import Lease
from gateway.jobs.worker import _Successes

pytestmark = pytest.mark.asyncio


def lease() -> Lease:
    return Lease(
        operation_id=uuid.uuid4(), owner="w", token=uuid.uuid4(), attempt=1, expires_at=datetime.now(UTC)
    )


class Db:
    """Answers ``complete_many``'s statement: every lease holds except the ``lost`` ones."""

    def __init__(self, lost: set[uuid.UUID] | None = None, fail: Exception | None = None) -> None:
        self.statements: list[int] = []
        self.lost = lost or set()
        self.fail = fail

    async def fetch(self, sql: str, ids: list[uuid.UUID], tokens: list[uuid.UUID], results: list[Any]) -> Any:
        assert "unnest" in sql and len(ids) == len(tokens) == len(results)
        self.statements.append(len(ids))
        await asyncio.sleep(0.01)
        if self.fail is not None:
            raise self.fail
        return [{"id": i} for i in ids if i not in self.lost]


async def test_outcomes_arriving_together_are_one_write_and_later_ones_the_next() -> None:
    leases = [lease() for _ in range(50)]
    db = Db(lost={leases[7].operation_id})
    recorder = _Successes(db)
    first = await asyncio.gather(*(recorder.record(x, {"n": i}) for i, x in enumerate(leases[:40])))
    assert db.statements == [40]
    assert first == [i != 7 for i in range(40)]
    # Ten more while a write is under way: they wait for it and go together in the next one.
    slow = asyncio.ensure_future(recorder.record(leases[40], None))
    await asyncio.sleep(0.001)
    rest = await asyncio.gather(*(recorder.record(x, None) for x in leases[41:]))
    assert await slow and all(rest)
    assert db.statements == [40, 1, 9]


async def test_a_failed_write_reaches_every_waiting_recorder() -> None:
    recorder = _Successes(Db(fail=OSError("connection refused")))
    outcomes = await asyncio.gather(
        *(recorder.record(lease(), None) for _ in range(3)), return_exceptions=True
    )
    assert [type(o) for o in outcomes] == [OSError] * 3
