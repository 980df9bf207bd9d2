"""Fixtures: one gateway app per directory, a fresh in-process Intacct sandbox per test (``push/env.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from tests.integration.gateway.push.env import Gateway, PushEnv, gateway


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def push_gateway(settings: Any) -> AsyncIterator[Gateway]:
    async with gateway(settings) as started:
        yield started


@pytest_asyncio.fixture(loop_scope="session")
async def env(push_gateway: Gateway) -> AsyncIterator[PushEnv]:
    fresh = push_gateway.fresh()
    try:
        yield fresh
    finally:
        await fresh.cleanup()
