"""Shared fixtures: a fresh migrated database per test (SQLite, or PostgreSQL when
MINHU_TEST_DATABASE_URL is set) and the handler harness."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from storage.db import Database
from tests.support.databases import PostgresFactory, SqliteFactory, server_url
from tests.support.harness import Harness


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that reaches beyond this machine by accident fails at once."""
    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and host not in ("127.0.0.1", "::1", "localhost"):
            raise RuntimeError(f"test tried to reach {address}: tests stay on 127.0.0.1")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_factory(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SqliteFactory | PostgresFactory]:
    url = server_url()
    factory = PostgresFactory(url) if url else SqliteFactory(tmp_path_factory.mktemp("db"))
    await factory.prepare()
    yield factory
    await factory.cleanup()


@pytest.fixture
async def db_url(database_factory: SqliteFactory | PostgresFactory) -> str:
    return await database_factory.fresh()


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    yield database
    await database.dispose()


@pytest.fixture
async def h(db: Database) -> AsyncIterator[Harness]:
    harness = Harness(db)
    yield harness
    await harness.sender.stop()
