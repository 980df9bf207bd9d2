"""records_timestamptz (migration 0002) agrees with the Python normaliser and never raises."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.records.values import InvalidDate, parse_datetime

SAMPLES = [
    "2021-11-15T06:00:00Z",
    "2021-11-15T01:00:00",
    "2021-11-15T01:00:00-05:00",
    "2021-11-15T07:30:00+0530",
    "2021-11-15T07:00+05",
    "2021-11-15 01:02",
    "2022-10-23",
    "2020-02-29",
    "2022-11-14T11:18:37.2798351Z",
    "2021-12-31T23:59:59.9999996Z",
    "2021-09-17T23:59:59.999",
    # not dates: NULL in SQL, None or InvalidDate in Python
    "2021-02-29",
    "2021-04-31",
    "0000-01-01",
    "2021-13-01",
    "2021-01-01T24:00:00",
    "2021-01-01T10:00:60",
    "2021-01-01T10:00:00+16:00",
    "2021-1-1",
    "now",
    "epoch",
    "today",
    "",
    "12",
    "\u0662\u0660\u0662\u0661-01-01",  # Arabic-Indic digits
]


def python_side(text: str) -> Any:
    try:
        return parse_datetime(text)
    except InvalidDate:
        return None


@pytest.mark.asyncio
@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
async def test_sql_and_python_normalise_alike_in_any_session_zone(db_pool: Any, zone: str) -> None:
    async with db_pool.acquire() as conn:
        await conn.execute(f"SET TIME ZONE '{zone}'")
        try:
            rows = await conn.fetch(
                "SELECT v, records_timestamptz(v) AS ts"
                " FROM unnest($1::text[]) WITH ORDINALITY AS s(v, n) ORDER BY n",
                SAMPLES,
            )
        finally:
            await conn.execute("RESET TIME ZONE")
    assert [(r["v"], r["ts"]) for r in rows] == [(s, python_side(s)) for s in SAMPLES]
    assert sum(r["ts"] is not None for r in rows) == 11
