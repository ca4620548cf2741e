"""A running sandbox for tests: the fake Telegram, the real bot and the web page on
127.0.0.1, on the test's own database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from bot.sandbox import Sandbox
from bot.sandbox.server import serve


@dataclass
class Page:
    """The sandbox and its web address."""

    sandbox: Sandbox
    url: str
    runner: web.AppRunner

    async def post(self, path: str, body: dict[str, Any], **headers: str) -> tuple[int, dict[str, Any]]:
        async with aiohttp.ClientSession() as http, http.post(self.url + path.lstrip("/"), json=body, headers=headers) as r:
            return r.status, await r.json()

    async def get(self, path: str) -> tuple[int, bytes, str]:
        async with aiohttp.ClientSession() as http, http.get(self.url + path.lstrip("/")) as r:
            return r.status, await r.read(), r.content_type


@asynccontextmanager
async def running_sandbox(
    *, framework: str, database: str, classifier: object, seeding: bool = False
) -> AsyncIterator[Page]:
    sandbox = Sandbox(framework=framework, database=database, classifier=classifier, seeding=seeding)  # type: ignore[arg-type]
    await sandbox.start()
    runner, url = await serve(sandbox, "127.0.0.1", 0)
    try:
        yield Page(sandbox, url, runner)
    finally:
        await runner.cleanup()
        await sandbox.stop()
        assert not sandbox.tg.internal_errors, sandbox.tg.internal_errors


class EventStream:
    """The page's server-sent events, read as a browser would."""

    def __init__(self, url: str) -> None:
        self.url = url + "api/events"
        self.events: list[dict[str, Any]] = []
        self._http: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def __aenter__(self) -> EventStream:
        self._http = aiohttp.ClientSession()
        response = await self._http.get(self.url)
        assert response.content_type == "text/event-stream"
        self._task = asyncio.create_task(self._read(response))
        await self.next(lambda e: e["type"] == "state")
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._task is not None and self._http is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self._http.close()

    async def _read(self, response: aiohttp.ClientResponse) -> None:
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("data: "):
                self.events.append(json.loads(line[len("data: ") :]))
                self._changed.set()

    async def next(self, match: Any, *, after: int = 0, timeout: float = 10) -> dict[str, Any]:
        """The first event at index >= `after` for which `match(event)` is true."""
        async with asyncio.timeout(timeout):
            i = after
            while True:
                while i < len(self.events):
                    if match(self.events[i]):
                        return self.events[i]
                    i += 1
                self._changed.clear()
                await self._changed.wait()

    @property
    def mark(self) -> int:
        return len(self.events)


def message_event(chat_id: int, contains: str = "", *, from_bot: bool | None = True) -> Any:
    """A matcher for a message event in a chat whose text (or caption) contains `contains`."""

    def match(event: dict[str, Any]) -> bool:
        if event["type"] != "message" or event["message"]["chat_id"] != chat_id:
            return False
        message = event["message"]
        if from_bot is not None and bool(message["from"].get("is_bot")) != from_bot:
            return False
        return contains in (message.get("text") or message.get("caption") or "")

    return match
