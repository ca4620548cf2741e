"""The sandbox's web page and its JSON endpoints, on 127.0.0.1.

GET  /                  the page (static/index.html; plain HTML, CSS and JS, no build step)
GET  /api/state         everything the page draws, as JSON
GET  /api/events        server-sent events: the state first, then every change
POST /api/text          {user, chat, text, reply_to?}
POST /api/photo         multipart: user, chat, photo (the file), caption?, reply_to?
POST /api/location      {user, chat, latitude, longitude, reply_to?}
POST /api/press         {user, chat, message, data}           an inline button
POST /api/keyboard      {user, chat, text}                    a reply-keyboard button
POST /api/poll          {user, chat, message, options: [i]}   a vote
POST /api/clock         {hours} or {to: "YYYY-MM-DDTHH:MM"} (the centre's local time)
GET  /file/{file_id}    a photo's bytes, downloaded from the fake Bot API like the bot does

Every action is what a person does in Telegram; the fake server turns it into an update
for the bot. A refusal comes back as HTTP 400 with {"error": "…"} in plain words.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.sandbox.world import PageEvent, Sandbox, SandboxError
from handlers.texts import t

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
PAGES = {"index.html": "text/html", "sandbox.css": "text/css", "sandbox.js": "text/javascript"}
HEARTBEAT = 15.0  # seconds; keeps proxies and browsers from closing a quiet event stream
SANDBOX: web.AppKey[Sandbox] = web.AppKey("sandbox", Sandbox)
STREAMS: web.AppKey[set[asyncio.Queue[PageEvent | None]]] = web.AppKey("streams", set)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def make_app(sandbox: Sandbox) -> web.Application:
    app = web.Application(middlewares=[_same_origin_only, _plain_errors], client_max_size=12 * 1024 * 1024)
    app[SANDBOX] = sandbox
    app[STREAMS] = set()
    app.router.add_get("/", _page)
    app.router.add_get("/static/{name}", _static)
    app.router.add_get("/api/state", _state)
    app.router.add_get("/api/events", _events)
    app.router.add_post("/api/text", _text)
    app.router.add_post("/api/photo", _photo)
    app.router.add_post("/api/location", _location)
    app.router.add_post("/api/press", _press)
    app.router.add_post("/api/keyboard", _keyboard)
    app.router.add_post("/api/poll", _poll)
    app.router.add_post("/api/clock", _clock)
    app.router.add_get("/file/{file_id}", _file)
    app.on_shutdown.append(_close_streams)
    return app


async def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 8080) -> tuple[web.AppRunner, str]:
    """Start the page; returns the runner (to clean up) and the URL to open."""
    runner = web.AppRunner(make_app(sandbox), access_log=None, handle_signals=False, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server
    assert server is not None
    bound = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    return runner, f"http://{shown}:{bound}/"


# middleware --------------------------------------------------------------------------------
@web.middleware
async def _same_origin_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Another web site open in the same browser must not act in the sandbox."""
    origin = request.headers.get("Origin")
    if request.method == "POST" and origin and urlsplit(origin).netloc != request.host:
        return web.json_response({"error": "cross-origin request refused"}, status=403)
    return await handler(request)


@web.middleware
async def _plain_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except SandboxError as exc:
        return web.json_response({"error": str(exc)}, status=400)


# the page ----------------------------------------------------------------------------------
async def _page(_request: web.Request) -> web.StreamResponse:
    return _static_file("index.html")


async def _static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in PAGES:
        raise web.HTTPNotFound()
    return _static_file(name)


def _static_file(name: str) -> web.Response:
    body = (STATIC / name).read_bytes()
    return web.Response(body=body, content_type=PAGES[name], charset="utf-8", headers={"Cache-Control": "no-cache"})


async def _state(request: web.Request) -> web.StreamResponse:
    return web.json_response(request.app[SANDBOX].snapshot(), dumps=_dumps)


async def _events(request: web.Request) -> web.StreamResponse:
    sandbox = request.app[SANDBOX]
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
    await response.prepare(request)
    queue: asyncio.Queue[PageEvent | None] = asyncio.Queue()
    # The state and the subscription in one step, so no change falls between them.
    queue.put_nowait(sandbox.snapshot())
    stop_listening = sandbox.listen(queue.put_nowait)
    request.app[STREAMS].add(queue)
    try:
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), HEARTBEAT)
            except TimeoutError:
                await response.write(b": still here\n\n")
                continue
            if event is None:
                break
            await response.write(f"data: {_dumps(event)}\n\n".encode())
    except ConnectionResetError:
        pass  # the page was closed or reloaded
    finally:
        stop_listening()
        request.app[STREAMS].discard(queue)
    return response


async def _close_streams(app: web.Application) -> None:
    for queue in list(app[STREAMS]):
        queue.put_nowait(None)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# what people do ----------------------------------------------------------------------------
async def _text(request: web.Request) -> web.StreamResponse:
    body = await _json(request)
    sent = request.app[SANDBOX].send_text(
        _int(body, "user"), _int(body, "chat"), _str(body, "text"), _optional_int(body, "reply_to")
    )
    return _ok(sent)


async def _photo(request: web.Request) -> web.StreamResponse:
    try:
        form = await request.post()
    except ValueError as exc:
        raise SandboxError(t("sandbox.error.bad_request", what=exc)) from None
    upload = form.get("photo")
    if not isinstance(upload, web.FileField):
        raise SandboxError(t("sandbox.error.not_a_photo"))
    data = upload.file.read()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    sent = request.app[SANDBOX].send_photo(
        _int(fields, "user"),
        _int(fields, "chat"),
        data,
        fields.get("caption", ""),
        _optional_int(fields, "reply_to"),
    )
    return _ok(sent)


async def _location(request: web.Request) -> web.StreamResponse:
    body = await _json(request)
    sent = request.app[SANDBOX].send_location(
        _int(body, "user"),
        _int(body, "chat"),
        _float(body, "latitude"),
        _float(body, "longitude"),
        _optional_int(body, "reply_to"),
    )
    return _ok(sent)


async def _press(request: web.Request) -> web.StreamResponse:
    body = await _json(request)
    query_id = request.app[SANDBOX].press(_int(body, "user"), _int(body, "chat"), _int(body, "message"), _str(body, "data"))
    return web.json_response({"ok": True, "callback_query_id": query_id})


async def _keyboard(request: web.Request) -> web.StreamResponse:
    body = await _json(request)
    return _ok(request.app[SANDBOX].tap_keyboard(_int(body, "user"), _int(body, "chat"), _str(body, "text")))


async def _poll(request: web.Request) -> web.StreamResponse:
    body = await _json(request)
    options = body.get("options")
    if not isinstance(options, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in options):
        raise SandboxError(t("sandbox.error.bad_request", what="options"))
    request.app[SANDBOX].answer_poll(_int(body, "user"), _int(body, "chat"), _int(body, "message"), options)
    return web.json_response({"ok": True})


async def _clock(request: web.Request) -> web.StreamResponse:
    sandbox = request.app[SANDBOX]
    body = await _json(request)
    if "hours" in body:
        now = await sandbox.advance(timedelta(hours=_float(body, "hours")))
    else:
        try:
            local = datetime.fromisoformat(_str(body, "to"))
        except ValueError:
            raise SandboxError(t("sandbox.error.bad_request", what="to")) from None
        if local.tzinfo is None:  # the time as the centre reads it
            local = local.replace(tzinfo=sandbox.settings.tz)
        now = await sandbox.jump_to(local)
    return web.json_response({"ok": True, "now": now.isoformat()})


async def _file(request: web.Request) -> web.StreamResponse:
    found = await request.app[SANDBOX].file(request.match_info["file_id"])
    if found is None:
        raise web.HTTPNotFound()
    data, content_type = found
    return web.Response(body=data, content_type=content_type, headers={"Cache-Control": "max-age=3600"})


# reading requests --------------------------------------------------------------------------
def _ok(message: dict[str, Any]) -> web.Response:
    return web.json_response({"ok": True, "message_id": message["message_id"]})


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise SandboxError(t("sandbox.error.bad_request", what="JSON"))
    return body


def _int(body: Any, name: str) -> int:
    value = body.get(name)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise SandboxError(t("sandbox.error.bad_request", what=name))
    return value


def _optional_int(body: Any, name: str) -> int | None:
    return None if body.get(name) in (None, "") else _int(body, name)


def _float(body: Any, name: str) -> float:
    value = body.get(name)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SandboxError(t("sandbox.error.bad_request", what=name)) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise SandboxError(t("sandbox.error.bad_request", what=name))
    return number


def _str(body: Any, name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise SandboxError(t("sandbox.error.bad_request", what=name))
    return value
