"""Fresh, migrated databases for tests: SQLite files by default, PostgreSQL when
MINHU_TEST_DATABASE_URL names a server (each test gets its own database from a template)."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from storage.db import Database
from storage.migrate import upgrade

ENV = "MINHU_TEST_DATABASE_URL"


def server_url() -> str | None:
    return os.environ.get(ENV) or None


class SqliteFactory:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "template.db"

    async def prepare(self) -> None:
        db = Database(f"sqlite+aiosqlite:///{self.template}")
        await upgrade(db)
        await db.dispose()

    async def fresh(self) -> str:
        path = self.root / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite+aiosqlite:///{path}"

    async def cleanup(self) -> None:
        pass


class PostgresFactory:
    def __init__(self, url: str) -> None:
        self.base = make_url(url).set(drivername="postgresql")
        self.template = f"minhu_tmpl_{uuid.uuid4().hex[:10]}"
        self.created: list[str] = []

    def _dsn(self, database: str) -> str:
        return self.base.set(database=database).render_as_string(hide_password=False)

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self._dsn(self.base.database or "postgres"))

    async def prepare(self) -> None:
        conn = await self._admin()
        try:
            await conn.execute(f'CREATE DATABASE "{self.template}"')
        finally:
            await conn.close()
        db = Database(self._dsn(self.template))
        await upgrade(db)
        await db.dispose()

    async def fresh(self) -> str:
        name = f"minhu_t_{uuid.uuid4().hex[:12]}"
        conn = await self._admin()
        try:
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        finally:
            await conn.close()
        self.created.append(name)
        return self._dsn(name)

    async def cleanup(self) -> None:
        conn = await self._admin()
        try:
            for name in [*self.created, self.template]:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
