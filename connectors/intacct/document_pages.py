"""Header pages with their lines, the line reads riding in the requests that fetch later header pages.

A document (a bill, an invoice ...) is a header row plus owned line rows, and a unified record carries
both, so every header page needs a second read: ``line_parent_field IN (the page's keys)``. Sent on its
own that read doubles the calls of a pull. Intacct runs up to ``functions_per_request`` functions per
request, though, so the line reads of the pages already received ride along in the request that fetches
the next header page; only the line reads of the last pages (received once every header page has been
asked for) need a request of their own. ``n`` documents cost ``ceil(n / pagesize) + 1`` requests instead
of ``2 * ceil(n / pagesize)``.

``document_pages`` schedules it all in one async generator:

* the first header page is asked for alone: its ``totalcount`` tells the offsets of the others;
* then up to ``window`` requests are in flight (the per-company limiter caps them again), each carrying
  one header page and the line reads of every page received since the previous request went out;
* a page is yielded as soon as its lines are in; while the caller maps and stores it, the requests in
  flight go on (fetching overlaps the caller's work);
* memory stays bounded: no further header page is asked for while ``hold`` pages are in flight or
  received but not yet yielded;
* line reads that no header request can carry any more (every page asked for, or the hold is full) go
  in one request of their own once no header request is in flight.

A line read that Intacct refuses, or that has more rows than one page, is finished by ``query_many``
with requests of its own (dropping fields ``query`` cannot return, following the remaining rows).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from connectors.errors import ConnectorProtocolError
from connectors.intacct import query
from connectors.intacct.client import Function
from connectors.intacct.facts_loader import Read, query_many
from connectors.intacct.query import Filter, QueryPage, simplify
from connectors.intacct.xml import functions as fn

if TYPE_CHECKING:
    from connectors.intacct.client import IntacctClient
    from connectors.intacct.xml.response import FunctionResult

__all__ = ["document_pages"]

Record = dict[str, Any]
LineReads = Callable[[Sequence[Record]], list[Read]]


@dataclass(slots=True)
class _Page:
    """A header page on its way to the caller: its rows, its line reads and, once in, their rows."""

    rows: QueryPage
    reads: list[Read]
    lines: list[Record] = field(default_factory=list)


@dataclass(slots=True)
class _Sent:
    """What one request carried: a header page offset (``None``: line reads only) and the riders."""

    offset: int | None
    riders: list[_Page]
    results: list[FunctionResult]


def _read_function(read: Read) -> Function:
    condition = simplify(read.filter) if read.filter is not None else None
    return Function.read(
        fn.query(read.object, read.fields, filter=condition, pagesize=fn.QUERY_MAX_PAGESIZE, offset=0)
    )


def _board(waiting: deque[_Page], seats: int) -> list[_Page]:
    """The pages whose line reads fit in ``seats`` functions, oldest first (at least one page)."""
    riders: list[_Page] = []
    while waiting and (not riders or len(waiting[0].reads) <= seats):
        page = waiting.popleft()
        seats -= len(page.reads)
        riders.append(page)
    return riders


async def _finish_lines(client: IntacctClient, page: _Page, results: Sequence[FunctionResult]) -> None:
    """Fill ``page.lines`` from its riders' results; refused or unfinished reads are redone alone."""
    redo: list[Read] = []
    for read, result in zip(page.reads, results, strict=True):
        data = result.data
        if not result.ok or data is None or data.numremaining:
            redo.append(read)
        else:
            page.lines.extend(data.records)
    if redo:
        for rows in await query_many(client, redo):
            page.lines.extend(rows)


async def document_pages(
    client: IntacctClient,
    object_name: str,
    fields: Sequence[str],
    line_reads: LineReads,
    *,
    filter: Filter | None = None,
    pagesize: int = fn.QUERY_MAX_PAGESIZE,
    window: int | None = None,
    hold: int | None = None,
) -> AsyncIterator[tuple[QueryPage, list[Record]]]:
    """Yield ``(header page, its line rows)``; pages come in the order their lines arrive.

    ``line_reads(header rows)`` names the reads of a page's lines (empty: the page has none to read).
    """
    flt = simplify(filter) if filter is not None else None
    window = max(1, window or client.limits.max_concurrent)
    hold = max(2, hold or window + 2)
    seats = max(1, client.limits.functions_per_request - 1)

    def header(offset: int) -> Function:
        element = fn.query(object_name, fields, filter=flt, pagesize=pagesize, offset=offset)
        return Function.read(element)

    async def send(offset: int | None, riders: list[_Page]) -> _Sent:
        functions = [header(offset)] if offset is not None else []
        functions += [_read_function(read) for page in riders for read in page.reads]
        return _Sent(offset, riders, await client.execute(functions))

    waiting: deque[_Page] = deque()  # received, line reads not sent yet
    ready: deque[_Page] = deque()  # lines in: to be yielded
    in_flight: set[asyncio.Task[_Sent]] = set()
    headers_in_flight = 0
    outstanding = 0  # header pages in flight, plus pages received and not yet yielded
    pending: deque[int] = deque()
    total: int | None = None
    last_offset, last_remaining = 0, 0

    async def arrived(sent: _Sent) -> None:
        nonlocal total, last_offset, last_remaining, outstanding
        position = 0
        if sent.offset is not None:
            result = sent.results[0].raise_for_status()
            position = 1
            data = result.data
            if data is None:
                raise ConnectorProtocolError(f"Intacct's {object_name} query result has no <data> block")
            if total is None:
                total = (
                    data.totalcount
                    if data.totalcount is not None
                    else len(data.records) + (data.numremaining or 0)
                )
                pending.extend(range(pagesize, total, pagesize))
            if sent.offset >= last_offset:
                last_offset, last_remaining = sent.offset, data.numremaining or 0
            if data.records:
                rows = query.page_of(data.records, total)
                page = _Page(rows, line_reads(rows))
                (waiting if page.reads else ready).append(page)
            else:
                outstanding -= 1
                if sent.offset > 0 and sent.offset >= last_offset:
                    last_remaining = 0  # rows announced but none came: nothing further to follow
        for page in sent.riders:
            count = len(page.reads)
            await _finish_lines(client, page, sent.results[position : position + count])
            position += count
            ready.append(page)

    def launch(offset: int | None, riders: list[_Page]) -> None:
        nonlocal headers_in_flight, outstanding
        if offset is not None:
            headers_in_flight += 1
            outstanding += 1
        in_flight.add(asyncio.create_task(send(offset, riders)))

    try:
        outstanding = 1
        await arrived(await send(0, []))
        while True:
            if not pending and last_remaining and not headers_in_flight:
                # Rows added while paging: continue past the end the first page announced.
                pending.append(last_offset + pagesize)
                last_remaining = 0
            while len(in_flight) < window:
                if pending and outstanding < hold:
                    launch(pending.popleft(), _board(waiting, seats))
                elif waiting and not headers_in_flight and not ready:
                    launch(None, _board(waiting, seats))
                else:
                    break
            if ready:
                page = ready.popleft()
                outstanding -= 1
                yield page.rows, page.lines
                continue
            if not in_flight:
                return
            done, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                in_flight.discard(task)
                sent = task.result()
                if sent.offset is not None:
                    headers_in_flight -= 1
                await arrived(sent)
    finally:
        for task in in_flight:
            task.cancel()
        if in_flight:
            await asyncio.gather(*in_flight, return_exceptions=True)
