"""Telegram's webhook, served by aiohttp for either framework.

The secret token is compared in constant time; a request without it is refused before
anything is parsed.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookServer:
    def __init__(
        self,
        feed: Callable[[dict[str, Any]], Awaitable[None]],
        *,
        secret: str,
        path: str = "/telegram",
        host: str = "127.0.0.1",
        port: int = 8443,
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self._feed = feed
        self._secret = secret.encode()
        self.path = path if path.startswith("/") else "/" + path
        self.host, self.port = host, port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(self.path, self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # tests ask for any free port
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        log.info("webhook listening on http://%s:%s%s", self.host, self.port, self.path)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook request with a wrong secret token from %s refused", request.remote)
            return web.Response(status=401, text="wrong secret token")
        try:
            data = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400, text="not JSON")
        if not isinstance(data, dict) or "update_id" not in data:
            return web.Response(status=400, text="not an update")
        try:
            await self._feed(data)
        except Exception:
            log.exception("webhook update %s could not be handled", data.get("update_id"))
            return web.Response(status=500)  # Telegram delivers it again; the inbox dedups
        return web.Response(text="ok")
