"""FakeTelegram: the HTTP side, update queue, webhook delivery, faults, records and waiting.

The Bot API methods live in ``methods.py`` and the simulated people in ``people.py``; both are
mixins of :class:`FakeTelegram`, which owns all state. Everything runs on one asyncio loop:
call the simulation methods from that loop (they are plain functions, not thread-safe).
"""

from __future__ import annotations

import asyncio
import bisect
import inspect
import json
import logging
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

from .files import FileStore
from .methods import LIMITED_METHODS, BotApiMethods
from .models import (
    ApiCall,
    ApiError,
    FakeChat,
    FakeUser,
    Limits,
    SentMessage,
    WebhookDelivery,
)
from .params import Upload, decode_form_fields, read_params
from .people import PeopleMixin
from .ratelimit import RateLimiter

log = logging.getLogger("bot.fake_telegram")

Event = dict[str, Any]
Subscriber = Callable[[Event], Any]

_DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_STATUS_TEXT = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
}


class RawResult(str):
    """A method result that is already JSON text (getUpdates: no re-encoding)."""

    __slots__ = ("value",)

    def __new__(cls, text: str, value: Any) -> RawResult:
        obj = super().__new__(cls, text)
        obj.value = value
        return obj


@dataclass(slots=True)
class _Pending:
    update_id: int
    kind: str
    update: dict[str, Any]
    raw: str
    redelivery: bool = False
    attempts: int = 0


@dataclass(slots=True)
class _Fault:
    kind: str  # "error" | "timeout" | "disconnect"
    count: int
    method: str | None
    status: int = 502
    description: str | None = None
    delay: float = 0.0
    deliver: bool = False


@dataclass(slots=True)
class _Webhook:
    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


def _drop_connection(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.abort()


class FakeTelegram(BotApiMethods, PeopleMixin):
    """A fake Telegram Bot API server on 127.0.0.1 plus a simulator of users and chats."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "minhu_test_bot",
        clock: Callable[[], datetime] | None = None,
        *,
        bot_name: str = "民呼 Minhu",
        monotonic: Callable[[], float] | None = None,
        webhook_retry_delays: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4, 0.8),
        webhook_timeout: float = 10.0,
        record_calls: bool = True,
    ) -> None:
        bot_id_text = token.split(":", 1)[0]
        if not bot_id_text.isdigit():
            raise ValueError("token must look like '<bot id>:<secret>', e.g. '123456:TEST-token'")
        self.token = token
        self.bot_user = FakeUser(
            id=int(bot_id_text), first_name=bot_name, username=bot_username, is_bot=True
        )
        self._clock = clock or (lambda: datetime.now(UTC))
        self._monotonic = monotonic or time.monotonic
        self.webhook_retry_delays = webhook_retry_delays
        self.webhook_timeout = webhook_timeout
        self.record_calls = record_calls

        # people and chats
        self.users: dict[int, FakeUser] = {self.bot_user.id: self.bot_user}
        self.chats: dict[int, FakeChat] = {}
        self._members: dict[int, dict[int, str]] = {}
        self._blocked: set[int] = set()
        self._not_started: set[int] = set()
        self._next_user_id = 7_000_000_001
        self._next_group_id = 1
        self.group_privacy = False
        self.poll_updates = True

        # messages
        self._messages: dict[int, dict[int, dict[str, Any]]] = {}
        self._next_mid: dict[int, int] = {}
        self.sent: list[SentMessage] = []
        self._sent_by_key: dict[tuple[int, int], SentMessage] = {}
        self.files = FileStore()
        self._polls: dict[str, Any] = {}
        self._poll_counter = 0
        self._cq_counter = 0
        self._album_counter = 0
        self._callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.my_commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.bot_texts: dict[str, dict[str, str]] = {}
        self.reply_keyboards: dict[int, dict[str, Any] | None] = {}

        # updates
        self._next_update_id = 100_001
        self._pending: list[_Pending] = []
        self.updates: list[dict[str, Any]] = []
        self._update_index: dict[int, _Pending] = {}
        self._allowed_updates: frozenset[str] | None = None
        self._poller: asyncio.Future[str] | None = None
        self._webhook: _Webhook | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_wake: asyncio.Future[None] | None = None
        self.webhook_deliveries: list[WebhookDelivery] = []

        # records and observers
        self.calls: list[ApiCall] = []
        self.stats: Counter[str] = Counter()
        self.internal_errors: list[str] = []
        self._subscribers: list[Subscriber] = []
        self._change_futs: list[asyncio.Future[None]] = []
        self._background: set[asyncio.Task[Any]] = set()
        self._inflight = 0
        self._last_activity = self._monotonic()

        # limits and faults
        self._limits = Limits()
        self._limiter = RateLimiter(self._limits, self._monotonic)
        self._faults: list[_Fault] = []
        self._storm: tuple[float, int, str | None] | None = None

        # server
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._client: aiohttp.ClientSession | None = None
        self._stopping: asyncio.Event | None = None
        self.host = "127.0.0.1"
        self.port = 0
        self._methods: dict[str, tuple[str, Callable[..., Any], bool]] = {}
        for attr in dir(type(self)):
            if attr.startswith("api_") and callable(getattr(type(self), attr)):
                fn = getattr(self, attr)
                name = attr[4:]
                self._methods[name.lower()] = (name, fn, inspect.iscoroutinefunction(fn))

    # ------------------------------------------------------------------ lifecycle

    @property
    def api_url(self) -> str:
        if not self.port:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For PTB: ``Bot(token, base_url=tg.base_url, base_file_url=tg.base_file_url)``."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_url}/file/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeTelegram:
        if self._runner is not None:
            raise RuntimeError("already started")
        self._stopping = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, handler_cancellation=True,
            shutdown_timeout=0.5,
        )
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, host, port)
        await self._site.start()
        server = self._site._server
        assert server is not None
        sock = server.sockets[0]  # type: ignore[union-attr]
        self.host, self.port = host, sock.getsockname()[1]
        self._client = aiohttp.ClientSession()
        if self._webhook is not None:
            self._start_webhook_task()
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        assert self._stopping is not None
        self._stopping.set()
        if self._poller is not None and not self._poller.done():
            self._poller.set_result("stop")
        await self._stop_webhook_task()
        for task in list(self._background):
            task.cancel()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
            self._client = None
        await self._runner.cleanup()
        self._runner = None
        self._site = None

    async def __aenter__(self) -> FakeTelegram:
        if self._runner is None:
            await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ limits and faults

    @property
    def limits(self) -> Limits:
        return self._limits

    @limits.setter
    def limits(self, value: Limits) -> None:
        """Setting limits starts fresh (full) buckets."""
        self._limits = value
        self._limiter = RateLimiter(value, self._monotonic)

    def inject_error(
        self,
        status: int = 502,
        count: int = 1,
        method: str | None = None,
        description: str | None = None,
    ) -> None:
        """The next ``count`` matching calls fail with ``status`` and a Telegram-style body.

        ``method=None`` matches any method that posts into a chat; ``"*"`` matches any method.
        """
        self._faults.append(_Fault("error", count, method, status=status, description=description))

    def inject_timeout(
        self, count: int = 1, method: str | None = None, delay: float = 30.0, deliver: bool = False
    ) -> None:
        """The server sits on the next ``count`` matching calls for ``delay`` seconds.

        With ``deliver=True`` the call takes effect first (the message exists) and only the
        response is late, like a lost response. Otherwise it answers 504 after the delay.
        """
        self._faults.append(_Fault("timeout", count, method, delay=delay, deliver=deliver))

    def inject_disconnect(
        self, count: int = 1, method: str | None = None, deliver: bool = False
    ) -> None:
        """The next ``count`` matching calls get their connection closed with no response."""
        self._faults.append(_Fault("disconnect", count, method, deliver=deliver))

    def storm_429(self, seconds: float = 3.0, retry_after: int = 1, method: str | None = None) -> None:
        """For ``seconds``, every matching call gets 429 with ``retry_after``."""
        self._storm = (self._monotonic() + seconds, retry_after, method)

    def clear_faults(self) -> None:
        self._faults.clear()
        self._storm = None

    @staticmethod
    def _fault_matches(selector: str | None, method: str) -> bool:
        if selector is None:
            return method in LIMITED_METHODS
        if selector == "*":
            return True
        return selector.lower() == method.lower()

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if self._fault_matches(fault.method, method):
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _storm_retry_after(self, method: str) -> int | None:
        if self._storm is None:
            return None
        until, retry_after, selector = self._storm
        if self._monotonic() >= until:
            self._storm = None
            return None
        if self._fault_matches(selector, method):
            return retry_after
        return None

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when the server stops."""
        assert self._stopping is not None
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            pass

    # ------------------------------------------------------------------ HTTP

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        started = self._monotonic()
        token = request.match_info["token"]
        name = request.match_info["method"]
        entry = self._methods.get(name.lower())
        method = entry[0] if entry else name
        long_poll = method == "getUpdates"
        if not long_poll:
            self._inflight += 1
            self._last_activity = started
        self.stats["requests"] += 1
        params: dict[str, Any] = {}
        uploads: dict[str, Upload] = {}
        status = 200
        body: dict[str, Any] | None = None
        raw: str | None = None
        fault_kind: str | None = None
        try:
            try:
                params, uploads = await read_params(request)
                if token != self.token:
                    raise ApiError(401, "Unauthorized")
                if entry is None:
                    raise ApiError(404, "Not Found")
                fault = self._take_fault(method)
                if fault is not None:
                    fault_kind = fault.kind
                    if fault.kind == "error":
                        self.stats["errors_injected"] += 1
                        if fault.status >= 500:
                            self.stats["5xx_injected"] += 1
                        if fault.status == 429:  # always with retry_after, as Telegram
                            self.stats["429"] += 1
                            raise _too_many(1)
                        desc = fault.description or _STATUS_TEXT.get(fault.status, "Error")
                        raise ApiError(fault.status, desc)
                    if fault.kind == "disconnect":
                        self.stats["disconnects_injected"] += 1
                        if fault.deliver:
                            await self._execute(entry, method, params, uploads)
                        status = 0
                        body = {}
                        _drop_connection(request)
                        return web.Response(status=500)
                    # timeout
                    self.stats["timeouts_injected"] += 1
                    if fault.deliver:
                        result = await self._execute(entry, method, params, uploads)
                        await self._sleep(fault.delay)
                        body = {"ok": True, "result": result}
                        return self._json_response(200, body)
                    await self._sleep(fault.delay)
                    raise ApiError(504, "Gateway Timeout")
                retry_after = self._storm_retry_after(method)
                if retry_after is not None:
                    fault_kind = "storm"
                    self.stats["429"] += 1
                    self.stats["429_storm"] += 1
                    raise _too_many(retry_after)
                if method in LIMITED_METHODS and self._limits.enabled:
                    retry_after = self._check_limits(params)
                    if retry_after is not None:
                        fault_kind = "limit"
                        self.stats["429"] += 1
                        self.stats["429_limit"] += 1
                        raise _too_many(retry_after)
                result = await self._execute(entry, method, params, uploads)
                if isinstance(result, RawResult):
                    raw = result
                    body = {"ok": True, "result": result.value}
                else:
                    body = {"ok": True, "result": result}
            except ApiError as err:
                status = err.code
                body = err.body()
            except asyncio.CancelledError:
                status = 0
                body = {}
                fault_kind = fault_kind or "cancelled"
                raise
            except Exception as exc:  # a bug in the fake: report it loudly but keep serving
                tb = traceback.format_exc()
                log.error("fake Telegram failed on %s: %s", method, tb)
                self.internal_errors.append(f"{method}: {tb}")
                status = 500
                body = {
                    "ok": False,
                    "error_code": 500,
                    "description": f"Internal Server Error: fake server bug: {exc!r}",
                }
            if raw is not None:
                text = '{"ok":true,"result":' + raw + "}"
                return web.Response(
                    body=text.encode(), status=200, content_type="application/json"
                )
            return self._json_response(status, body)
        finally:
            if not long_poll:
                self._inflight -= 1
            now = self._monotonic()
            if not long_poll or (body and body.get("result")):
                self._last_activity = now
            if status and status != 200:
                self.stats[f"status_{status}"] += 1
            if self.record_calls:
                recorded = params
                if uploads:
                    recorded = dict(params)
                    for key, up in uploads.items():
                        recorded[key] = up.describe()
                call = ApiCall(
                    method=method,
                    params=recorded,
                    http_status=status,
                    response=body or {},
                    at=started,
                    duration=now - started,
                    fault=fault_kind,
                    content_type=request.content_type if request.body_exists else "",
                )
                self.calls.append(call)
                self._notify()

    @staticmethod
    def _json_response(status: int, body: dict[str, Any] | None) -> web.Response:
        return web.Response(
            body=json.dumps(body or {}, ensure_ascii=False, separators=(",", ":")).encode(),
            status=status,
            content_type="application/json",
        )

    async def _execute(
        self,
        entry: tuple[str, Callable[..., Any], bool],
        method: str,
        params: dict[str, Any],
        uploads: dict[str, Upload],
    ) -> Any:
        _, fn, is_async = entry
        if is_async:
            return await fn(params, uploads)
        return fn(params, uploads)

    def _check_limits(self, params: dict[str, Any]) -> int | None:
        chat = self._chat_or_none(params.get("chat_id"))
        if chat is None:
            return None
        return self._limiter.acquire(chat.id, chat.type == "private")

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._json_response(
                401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        stored = self.files.by_path(request.match_info["path"])
        if stored is None or stored.data is None:
            return self._json_response(
                404, {"ok": False, "error_code": 404, "description": "Not Found"}
            )
        self.stats["file_downloads"] += 1
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------ updates

    def _queue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Assign an update_id if missing, snapshot it and queue it for the bot."""
        if "update_id" not in update:
            update = {"update_id": self._next_update_id, **update}
        uid = update["update_id"]
        if uid >= self._next_update_id:
            self._next_update_id = uid + 1
        kind = next((k for k in update if k != "update_id"), "unknown")
        raw = json.dumps(update, ensure_ascii=False, separators=(",", ":"))
        entry = _Pending(uid, kind, update, raw)
        self.updates.append(update)
        if self._webhook is None and not self._allowed(kind, self._allowed_updates):
            # the bot asked getUpdates for other kinds: Telegram doesn't keep this one for it
            self.stats["updates_not_wanted"] += 1
            return update
        self._insert_pending(entry)
        self._update_index[uid] = entry
        self.stats["updates_queued"] += 1
        return update

    def _insert_pending(self, entry: _Pending) -> None:
        if not self._pending or self._pending[-1].update_id <= entry.update_id:
            self._pending.append(entry)
        else:
            keys = [p.update_id for p in self._pending]
            self._pending.insert(bisect.bisect_right(keys, entry.update_id), entry)
        self._wake_consumers()

    def _wake_consumers(self) -> None:
        if self._poller is not None and not self._poller.done():
            self._poller.set_result("update")
        if self._webhook_wake is not None and not self._webhook_wake.done():
            self._webhook_wake.set_result(None)

    def add_raw_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue any update JSON as is (``update_id`` is assigned when missing)."""
        return self._queue_update(dict(update))

    def redeliver(self, update_id: int) -> dict[str, Any]:
        """Queue an update that was already delivered once more, with the same update_id."""
        old = self._update_index.get(update_id)
        if old is None:
            raise KeyError(f"no update with update_id {update_id}")
        entry = _Pending(old.update_id, old.kind, old.update, old.raw, redelivery=True)
        self._insert_pending(entry)
        self.stats["updates_redelivered"] += 1
        return old.update

    @property
    def pending_update_count(self) -> int:
        return len(self._pending)

    def _allowed(self, kind: str, allowed: frozenset[str] | None) -> bool:
        if not allowed:
            return kind not in _DEFAULT_EXCLUDED
        return kind in allowed

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._pending = [
                p for p in self._pending if p.update_id >= offset or p.redelivery
            ]
        elif offset < 0:
            keep = -offset
            self._pending = self._pending[-keep:] if keep < len(self._pending) else self._pending

    def _take_batch(self, limit: int) -> list[_Pending]:
        batch = []
        for p in self._pending:
            if self._allowed(p.kind, self._allowed_updates):
                batch.append(p)
                if len(batch) >= limit:
                    break
        for p in batch:
            p.redelivery = False
        return batch

    async def api_getUpdates(self, p: dict[str, Any], files: dict[str, Upload]) -> Any:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(p.get("offset") or 0)
        limit = int(p.get("limit") or 100)
        limit = 100 if limit <= 0 or limit > 100 else limit
        timeout = max(0.0, float(p.get("timeout") or 0))
        if "allowed_updates" in p:
            allowed = p["allowed_updates"]
            self._allowed_updates = frozenset(allowed) if allowed else None
        if self._poller is not None and not self._poller.done():
            self._poller.set_result("conflict")
        self._confirm(offset)
        batch = self._take_batch(limit)
        if not batch and timeout > 0:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while not batch:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                fut: asyncio.Future[str] = loop.create_future()
                self._poller = fut
                self._notify()
                try:
                    done, _ = await asyncio.wait([fut], timeout=remaining)
                finally:
                    if self._poller is fut:
                        self._poller = None
                if not done:
                    break
                reason = fut.result()
                if reason == "conflict":
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                if reason == "stop" or self._webhook is not None:
                    break
                batch = self._take_batch(limit)
        if batch:
            self.stats["updates_delivered"] += len(batch)
        raw = "[" + ",".join(b.raw for b in batch) + "]"
        return RawResult(raw, [b.update for b in batch])

    # ------------------------------------------------------------------ webhook

    def _start_webhook_task(self) -> None:
        if self._client is None or self._webhook_task is not None:
            return
        self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop())

    async def _stop_webhook_task(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    def _set_webhook(self, hook: _Webhook | None) -> None:
        self._webhook = hook
        if self._poller is not None and not self._poller.done():
            self._poller.set_result("stop")
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
        if hook is not None and self._runner is not None:
            self._start_webhook_task()

    async def _webhook_loop(self) -> None:
        try:
            await self._webhook_deliver_forever()
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug in the fake: report it, as the HTTP side does
            tb = traceback.format_exc()
            log.error("fake Telegram webhook delivery failed: %s", tb)
            self.internal_errors.append(f"webhook: {tb}")

    async def _webhook_deliver_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            hook = self._webhook
            if hook is None:
                return
            allowed = frozenset(hook.allowed_updates) if hook.allowed_updates else None
            entry = None
            for p in list(self._pending):
                if self._allowed(p.kind, allowed):
                    entry = p
                    break
                self._pending.remove(p)  # not wanted by this webhook: dropped, as Telegram does
            if entry is None:
                self._webhook_wake = loop.create_future()
                try:
                    await self._webhook_wake
                finally:
                    self._webhook_wake = None
                continue
            entry.attempts += 1
            status, error, reply = await self._post_update(hook, entry.raw)
            self._last_activity = self._monotonic()
            self.webhook_deliveries.append(
                WebhookDelivery(entry.update_id, status, entry.attempts, self._monotonic(), error)
            )
            self._notify()
            if 200 <= status < 300:
                self.stats["webhook_delivered"] += 1
                if entry in self._pending:
                    self._pending.remove(entry)
                if reply:
                    await self._run_webhook_reply(reply)
                continue
            self.stats["webhook_failures"] += 1
            hook.last_error_date = self._now_ts()
            hook.last_error_message = error or f"Wrong response from the webhook: {status}"
            if entry.attempts > len(self.webhook_retry_delays):
                self.stats["webhook_dropped"] += 1
                if entry in self._pending:
                    self._pending.remove(entry)
                continue
            await asyncio.sleep(self.webhook_retry_delays[entry.attempts - 1])

    async def _post_update(
        self, hook: _Webhook, raw: str
    ) -> tuple[int, str | None, dict[str, Any] | None]:
        assert self._client is not None
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        try:
            async with self._client.post(
                hook.url,
                data=raw.encode(),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as resp:
                reply = None
                if 200 <= resp.status < 300:
                    reply = await _read_webhook_reply(resp)
                else:
                    await resp.read()
                phrase = f"{resp.status} {resp.reason}"
                return resp.status, None if resp.status < 300 else (
                    f"Wrong response from the webhook: {phrase}"
                ), reply
        except TimeoutError:
            return 0, "Read timeout expired", None
        except aiohttp.ClientError as exc:
            return 0, f"Connection failed: {exc.__class__.__name__}: {exc}", None

    async def _run_webhook_reply(self, reply: dict[str, Any]) -> None:
        """A webhook may answer with a method call in its body; Telegram carries it out."""
        name = str(reply.pop("method", ""))
        entry = self._methods.get(name.lower())
        started = self._monotonic()
        params = decode_form_fields(reply)
        status, body = 200, None
        try:
            if entry is None:
                raise ApiError(404, "Not Found")
            result = await self._execute(entry, entry[0], params, {})
            body = {"ok": True, "result": result}
        except ApiError as err:
            status, body = err.code, err.body()
        self.calls.append(
            ApiCall(entry[0] if entry else name, params, status, body, started, 0.0, "webhook_reply")
        )
        self._notify()

    async def post_to_webhook(
        self, update: dict[str, Any] | str | bytes, secret: str | Any | None = ..., url: str | None = None
    ) -> int:
        """POST an update (or raw body) to the webhook as Telegram would; return the status.

        ``secret=...`` (default) sends the configured secret; ``None`` sends no header;
        a string sends that string. ``url`` defaults to the webhook set by the bot.
        """
        if self._client is None:
            raise RuntimeError("FakeTelegram is not started")
        hook_url = url or (self._webhook.url if self._webhook else None)
        if not hook_url:
            raise RuntimeError("no webhook is set and no url given")
        if isinstance(update, dict):
            if "update_id" not in update:
                update = {"update_id": self._next_update_id, **update}
                self._next_update_id += 1
            body: bytes = json.dumps(update, ensure_ascii=False).encode()
        elif isinstance(update, str):
            body = update.encode()
        else:
            body = update
        headers = {"Content-Type": "application/json"}
        if secret is ...:
            secret = self._webhook.secret_token if self._webhook else None
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with self._client.post(hook_url, data=body, headers=headers) as resp:
            await resp.read()
            return resp.status

    # ------------------------------------------------------------------ events and waiting

    def subscribe(self, callback: Subscriber) -> None:
        """``callback(event)`` on every change; may be sync or async. See ``_emit`` callers."""
        self._subscribers.append(callback)

    def unsubscribe(self, callback: Subscriber) -> None:
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def _emit(self, event: Event) -> None:
        self._notify()
        for cb in list(self._subscribers):
            try:
                res = cb(event)
                if inspect.isawaitable(res):
                    task = asyncio.ensure_future(res)
                    self._background.add(task)
                    task.add_done_callback(self._background.discard)
            except Exception:  # a broken observer must not break the server
                log.exception("fake Telegram subscriber failed")

    def _notify(self) -> None:
        if self._change_futs:
            futs, self._change_futs = self._change_futs, []
            for fut in futs:
                if not fut.done():
                    fut.set_result(None)

    async def _wait_change(self, remaining: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._change_futs.append(fut)
        await asyncio.wait([fut], timeout=remaining)
        if not fut.done():
            fut.cancel()
            if fut in self._change_futs:
                self._change_futs.remove(fut)

    async def wait_for_sent(
        self,
        predicate: Callable[[SentMessage], bool] | None = None,
        *,
        chat_id: int | FakeChat | FakeUser | None = None,
        text_contains: str | None = None,
        method: str | None = None,
        timeout: float = 5.0,
        after: int = 0,
    ) -> SentMessage:
        """The first message the bot sent, at index >= ``after``, that matches all given."""
        cid = _chat_id_of(chat_id)

        def match(s: SentMessage) -> bool:
            if cid is not None and s.chat_id != cid:
                return False
            if method is not None and s.method.lower() != method.lower():
                return False
            if text_contains is not None and text_contains not in (s.text or ""):
                return False
            return predicate is None or bool(predicate(s))

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        i = after
        while True:
            while i < len(self.sent):
                s = self.sent[i]
                i += 1
                if match(s):
                    return s
            remaining = deadline - loop.time()
            if remaining <= 0:
                wanted = ", ".join(
                    f"{k}={v!r}"
                    for k, v in (
                        ("chat_id", cid),
                        ("text_contains", text_contains),
                        ("method", method),
                        ("predicate", predicate),
                        ("after", after),
                    )
                    if v is not None
                )
                raise TimeoutError(
                    f"no sent message matching {wanted} within {timeout}s\n" + self.describe()
                )
            await self._wait_change(remaining)

    async def wait_for_call(
        self,
        method: str | None = None,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,
        after: int = 0,
    ) -> ApiCall:
        """The first recorded call at index >= ``after`` of that method matching ``predicate``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        i = after
        while True:
            while i < len(self.calls):
                c = self.calls[i]
                i += 1
                if (method is None or c.method.lower() == method.lower()) and (
                    predicate is None or predicate(c)
                ):
                    return c
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"no call to {method or 'any method'} within {timeout}s\n" + self.describe()
                )
            await self._wait_change(remaining)

    async def wait_for(
        self, condition: Callable[[], Any], timeout: float = 5.0, poll_interval: float = 0.01
    ) -> Any:
        """Wait until ``condition()`` is truthy; return its value. It is checked on every change
        of the fake and every ``poll_interval`` seconds (for state outside the fake)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = condition()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s\n" + self.describe())
            await self._wait_change(min(remaining, poll_interval))

    @property
    def is_polling(self) -> bool:
        """True while a getUpdates long poll is waiting for updates."""
        return self._poller is not None and not self._poller.done()

    async def wait_until_polling(self, timeout: float = 5.0) -> None:
        """Wait until the bot sits in a getUpdates long poll (it is up and listening)."""
        await self.wait_for(lambda: self.is_polling, timeout=timeout)

    async def wait_idle(self, quiet: float = 0.05, timeout: float = 5.0) -> None:
        """Wait until every update was taken and confirmed (or delivered to the webhook), no
        request is in flight and none came for ``quiet`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        step = max(0.005, quiet / 4)
        while True:
            now = self._monotonic()
            if (
                not self._pending
                and self._inflight == 0
                and now - self._last_activity >= quiet
            ):
                return
            if loop.time() >= deadline:
                raise TimeoutError(
                    f"not idle within {timeout}s: {len(self._pending)} updates pending, "
                    f"{self._inflight} requests in flight\n" + self.describe()
                )
            await asyncio.sleep(step)

    def describe(self, last: int = 10) -> str:
        """Recent sends and calls, for failure messages."""
        lines = [f"last {min(last, len(self.sent))} of {len(self.sent)} sent messages:"]
        lines += [f"  {s!r}" for s in self.sent[-last:]]
        lines.append(f"last {min(last, len(self.calls))} of {len(self.calls)} calls:")
        for c in self.calls[-last:]:
            desc = c.response.get("description", "") if not c.ok else ""
            lines.append(f"  {c.method} -> {c.http_status} {desc}".rstrip())
        if self.internal_errors:
            lines.append(f"{len(self.internal_errors)} internal errors; last: "
                         f"{self.internal_errors[-1]}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ helpers

    def _now_ts(self) -> int:
        return int(self._clock().timestamp())

    def reset_records(self) -> None:
        """Forget recorded calls, webhook deliveries and stats (state and messages stay)."""
        self.calls.clear()
        self.webhook_deliveries.clear()
        self.stats.clear()


def _too_many(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def _chat_id_of(value: int | FakeChat | FakeUser | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return value.id


async def _read_webhook_reply(resp: aiohttp.ClientResponse) -> dict[str, Any] | None:
    ctype = resp.content_type
    if ctype == "application/json":
        try:
            data = await resp.json()
        except (ValueError, aiohttp.ContentTypeError):
            return None
        return data if isinstance(data, dict) and data.get("method") else None
    if ctype.startswith("multipart/"):
        fields: dict[str, Any] = {}
        reader = aiohttp.MultipartReader.from_response(resp)
        async for part in reader:
            if isinstance(part, aiohttp.BodyPartReader) and part.name:
                fields[part.name] = await part.text()
        return fields if fields.get("method") else None
    await resp.read()
    return None


__all__ = ["FakeTelegram", "RawResult"]
