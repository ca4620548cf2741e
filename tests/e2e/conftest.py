"""End-to-end: the real bot (bot.app.Minhu) through the real framework, over real HTTP,
against the fake Bot API server on 127.0.0.1. Every test runs once per framework."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.e2e.world import World, shared_classifier


@pytest.fixture(params=["ptb", "aiogram"])
def framework(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def classifier() -> object:
    return shared_classifier()


@pytest.fixture
async def world(framework: str, db_url: str, classifier: object) -> AsyncIterator[World]:
    w = World(framework=framework, db_url=db_url, classifier=classifier)
    await w.open()
    await w.start()
    try:
        yield w
    finally:
        await w.close()
