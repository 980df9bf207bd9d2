"""PushBatcher: one connector call per window and key, each caller gets its own outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from connectors.base import PushOutcome, PushRequest
from gateway.push.batching import PushBatcher

pytestmark = pytest.mark.asyncio


def request(key: str) -> PushRequest:
    return PushRequest(operation_key=key, data_type="bills", action="create", record={"reference": key})


class Recorder:
    def __init__(self, *, fail: BaseException | None = None, delay: float = 0.0) -> None:
        self.calls: list[tuple[Any, list[str]]] = []
        self.fail = fail
        self.delay = delay

    async def __call__(self, context: Any, requests: Sequence[PushRequest]) -> list[PushOutcome]:
        self.calls.append((context, [r.operation_key for r in requests]))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        return [
            PushOutcome(operation_key=r.operation_key, ok=True, record_id=f"id-{r.operation_key}")
            for r in requests
        ]


async def test_requests_of_one_key_within_the_window_share_one_call() -> None:
    send = Recorder()
    batcher: PushBatcher[str] = PushBatcher(send, window=0.05)
    outcomes = await asyncio.gather(
        *(batcher.submit("company-a", "ctx-a", request(f"a{n}")) for n in range(3)),
        *(batcher.submit("company-b", "ctx-b", request(f"b{n}")) for n in range(2)),
    )
    assert [o.record_id for o in outcomes] == ["id-a0", "id-a1", "id-a2", "id-b0", "id-b1"]
    assert sorted(send.calls) == [("ctx-a", ["a0", "a1", "a2"]), ("ctx-b", ["b0", "b1"])]
    assert batcher.calls == 2


async def test_a_full_batch_goes_at_once_and_the_rest_waits_for_the_next() -> None:
    send = Recorder()
    batcher: PushBatcher[str] = PushBatcher(send, window=10.0, max_size=2)
    first = await asyncio.wait_for(
        asyncio.gather(batcher.submit("k", None, request("1")), batcher.submit("k", None, request("2"))), 1.0
    )
    assert [o.operation_key for o in first] == ["1", "2"]
    assert send.calls == [(None, ["1", "2"])]


async def test_outcomes_are_matched_by_operation_key() -> None:
    async def reversed_send(context: Any, requests: Sequence[PushRequest]) -> list[PushOutcome]:
        return [
            PushOutcome(operation_key=r.operation_key, ok=True, record_id=r.operation_key)
            for r in reversed(requests)
        ]

    batcher: PushBatcher[str] = PushBatcher(reversed_send, window=0.01)
    outcomes = await asyncio.gather(*(batcher.submit("k", None, request(str(n))) for n in range(4)))
    assert [o.record_id for o in outcomes] == ["0", "1", "2", "3"]


async def test_an_error_of_the_call_reaches_every_caller() -> None:
    batcher: PushBatcher[str] = PushBatcher(Recorder(fail=RuntimeError("platform down")), window=0.01)
    results = await asyncio.gather(
        *(batcher.submit("k", None, request(str(n))) for n in range(2)), return_exceptions=True
    )
    assert [str(r) for r in results] == ["platform down", "platform down"]


async def test_a_wrong_number_of_outcomes_is_an_error_not_a_mix_up() -> None:
    async def short(context: Any, requests: Sequence[PushRequest]) -> list[PushOutcome]:
        return [PushOutcome(operation_key=requests[0].operation_key, ok=True)]

    batcher: PushBatcher[str] = PushBatcher(short, window=0.01)
    results = await asyncio.gather(
        *(batcher.submit("k", None, request(str(n))) for n in range(2)), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) and "1 outcomes for 2" in str(r) for r in results)


async def test_a_cancelled_caller_does_not_cancel_the_others() -> None:
    send = Recorder(delay=0.05)
    batcher: PushBatcher[str] = PushBatcher(send, window=0.01)
    leaving = asyncio.create_task(batcher.submit("k", None, request("leaving")))
    staying = asyncio.create_task(batcher.submit("k", None, request("staying")))
    await asyncio.sleep(0.03)  # the call is under way
    leaving.cancel()
    assert (await staying).operation_key == "staying"
    with pytest.raises(asyncio.CancelledError):
        await leaving
    await batcher.aclose()
    assert send.calls == [(None, ["leaving", "staying"])]


async def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError):
        PushBatcher(Recorder(), max_size=0)
    with pytest.raises(ValueError):
        PushBatcher(Recorder(), window=-1)


async def test_while_a_call_runs_the_next_batch_gathers_everything_that_arrives() -> None:
    """Group commit: with one call per key in flight, requests arriving during a slow call go out
    together when it finishes, though each arrived long after the window of the batch it joined."""
    send = Recorder(delay=0.3)
    batcher: PushBatcher[str] = PushBatcher(send, window=0.01, max_size=100, max_in_flight=1)
    first = asyncio.ensure_future(batcher.submit("k", None, request("first")))
    await asyncio.sleep(0.05)  # the first call is running now
    later = []
    for n in range(5):
        later.append(asyncio.ensure_future(batcher.submit("k", None, request(f"later{n}"))))
        await asyncio.sleep(0.04)  # each gap is four windows long
    await asyncio.gather(first, *later)
    assert [keys for _, keys in send.calls] == [["first"], [f"later{n}" for n in range(5)]]
    assert batcher.sizes == [1, 5]


async def test_calls_per_key_never_exceed_max_in_flight_and_other_keys_do_not_wait() -> None:
    running: dict[str, int] = {}
    peak: dict[str, int] = {}

    async def send(context: Any, requests: Sequence[PushRequest]) -> list[PushOutcome]:
        running[context] = running.get(context, 0) + 1
        peak[context] = max(peak.get(context, 0), running[context])
        await asyncio.sleep(0.05)
        running[context] -= 1
        return [PushOutcome(operation_key=r.operation_key, ok=True) for r in requests]

    batcher: PushBatcher[str] = PushBatcher(send, window=0.0, max_size=2, max_in_flight=2)
    outcomes = await asyncio.gather(
        *(batcher.submit("a", "a", request(f"a{n}")) for n in range(12)),
        *(batcher.submit("b", "b", request(f"b{n}")) for n in range(2)),
    )
    assert all(o.ok for o in outcomes) and len(outcomes) == 14
    assert peak == {"a": 2, "b": 1}
    assert sorted(batcher.sizes) == [2] * 7


async def test_a_partial_batch_waits_for_the_running_call_but_a_full_one_overlaps_it() -> None:
    send = Recorder(delay=0.3)
    batcher: PushBatcher[str] = PushBatcher(send, window=0.01, max_size=3, max_in_flight=2)
    first = asyncio.ensure_future(batcher.submit("k", None, request("p1")))
    await asyncio.sleep(0.05)  # p1 is being sent
    partial = asyncio.ensure_future(batcher.submit("k", None, request("p2")))
    await asyncio.sleep(0.05)  # p2's window has passed; one call of two is running
    assert [keys for _, keys in send.calls] == [["p1"]]
    more = [asyncio.ensure_future(batcher.submit("k", None, request(f"f{n}"))) for n in range(2)]
    await asyncio.sleep(0.02)  # p2 + f0 + f1 fill the batch: it goes beside p1
    assert [keys for _, keys in send.calls] == [["p1"], ["p2", "f0", "f1"]]
    await asyncio.gather(first, partial, *more)
