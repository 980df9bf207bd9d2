"""Reliability tests: the short ones run in every ``pytest``; the long ones (marked ``reliability``) only
when selected with ``-m reliability`` (``make test-reliability``), so ``make test`` stays fast.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.integration.gateway.push.env import PushEnv, push_env
from tests.reliability import figures


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "reliability" in (config.option.markexpr or ""):
        return
    long = [item for item in items if item.get_closest_marker("reliability") is not None]
    if long:
        config.hook.pytest_deselected(items=long)
        items[:] = [item for item in items if item.get_closest_marker("reliability") is None]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    lines = figures.lines()
    if lines:
        terminalreporter.section("reliability figures")
        for line in lines:
            terminalreporter.write_line(line)
    figures.dump()


@pytest_asyncio.fixture(loop_scope="session")
async def env(settings: Any) -> AsyncIterator[PushEnv]:
    """The real app on the test database with a fresh in-process sandbox (``push/env.py``)."""
    async with push_env(settings) as started:
        yield started
