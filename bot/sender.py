"""The one sender: delivers the outbox within Telegram's limits and never drops a message.

Rows are delivered in order per chat, many chats at once. A 429 is waited out, a 5xx or a
time-out is retried with backoff, and only a refusal that no retry can fix (blocked bot,
deleted chat) marks a row failed. Whatever is unsent at a restart is sent after it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiolimiter import AsyncLimiter
from sqlmodel import col, select

from bot.botapi import BotApi, Delivered, NotModified, Permanent, Resolved, RetryLater, Transient
from handlers.actions import Outgoing, Target, load
from storage.db import Database
from storage.outbox import mark_failed, mark_retry, mark_sent
from storage.tables import Outbox, OutboxStatus
from storage.tickets import find_message, link_message

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0


class _Stopping(Exception):
    """The sender is stopping: leave this row for the next start."""


@dataclass(frozen=True)
class SendLimits:
    """Telegram's published limits; 0 switches one off (benchmarks of the pipeline itself)."""

    global_per_second: float = 30
    private_per_second: float = 1
    private_burst: int = 3
    group_per_minute: float = 20

    @classmethod
    def off(cls) -> SendLimits:
        return cls(0, 0, 1, 0)


def _now() -> datetime:
    # Retry times are real time: a sandbox clock jumping ahead must not skip a backoff.
    return datetime.now(UTC)


class Sender:
    def __init__(
        self,
        db: Database,
        api: BotApi,
        limits: SendLimits | None = None,
        *,
        batch: int = 2000,
        idle_poll: float = 1.0,
        backoff: float = 1.0,
    ) -> None:
        self.db = db
        self.api = api
        self.limits = limits or SendLimits()
        self.batch = batch
        self.idle_poll = idle_poll
        self.backoff = backoff  # seconds before the first retry of a 5xx or time-out
        self.stats: Counter[str] = Counter()
        self._queues: dict[int, deque[Outbox]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._known: set[int] = set()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._stopping = False
        self._loop_task: asyncio.Task[None] | None = None
        self._global = AsyncLimiter(self.limits.global_per_second, 1) if self.limits.global_per_second else None
        self._chat_limiters: dict[int, AsyncLimiter] = {}
        self._in_flight: set[int] = set()  # chats with a request under way

    # lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._run(), name="outbox-sender")

    def kick(self) -> None:
        """Rows were committed elsewhere (another process): look now, not at the next poll."""
        self._wake.set()

    def accept(self, rows: list[Outbox]) -> None:
        """Rows this process just committed: queue them without reading them back."""
        for row in rows:
            self._enqueue(row)

    async def stop(self, grace: float = 10.0) -> None:
        """Finish the sends under way (so none is left half-known), then stop."""
        self._stopping = True
        self._wake.set()
        if self._loop_task:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
        # A worker waiting out a 429 or a backoff is cancelled at once (its row stays pending);
        # one in the middle of a request is given time to learn whether it was delivered.
        for chat_id, task in list(self._workers.items()):
            if chat_id not in self._in_flight:
                task.cancel()
        workers = list(self._workers.values())
        if workers:
            _done, pending = await asyncio.wait(workers, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait until the outbox is empty (tests, benchmarks, shutdown)."""
        async with asyncio.timeout(timeout):
            while True:
                self._idle.clear()
                self.kick()
                await asyncio.sleep(0)
                if not self._workers and not await self._pending_ids(limit=1):
                    return
                await self._idle.wait()

    # loading -----------------------------------------------------------------------------
    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._load()
            except Exception:
                log.exception("could not read the outbox; trying again")
                await asyncio.sleep(1)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.idle_poll)
            except TimeoutError:
                pass
            self._wake.clear()

    async def _pending_ids(self, limit: int) -> list[int]:
        async with self.db.session() as session:
            query = (
                select(Outbox.id)
                .where(Outbox.status == OutboxStatus.PENDING)
                .order_by(col(Outbox.id))
                .limit(limit)
            )
            return list((await session.exec(query)).all())

    async def _load(self) -> None:
        # Ids first (cheap, indexed); a transaction that commits late can add an id below
        # ones already taken, so this looks at every pending id, not only the newest.
        ids = [i for i in await self._pending_ids(self.batch + len(self._known)) if i not in self._known]
        ids = ids[: self.batch]
        if not ids:
            if not self._workers:
                self._idle.set()
            return
        async with self.db.session() as session:
            rows = (await session.exec(select(Outbox).where(col(Outbox.id).in_(ids)).order_by(col(Outbox.id)))).all()
        for row in rows:
            if row.status == OutboxStatus.PENDING:
                self._enqueue(row)
        if len(ids) == self.batch:
            self._wake.set()

    def _enqueue(self, row: Outbox) -> None:
        if row.id is None or row.id in self._known or self._stopping:
            return
        self._known.add(row.id)
        self._queues.setdefault(row.chat_id, deque()).append(row)
        if row.chat_id not in self._workers:
            self._workers[row.chat_id] = asyncio.create_task(self._work(row.chat_id))

    # delivering --------------------------------------------------------------------------
    async def _work(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        try:
            while queue and not self._stopping:
                row = queue[0]
                try:
                    if self._superseded(row, queue):
                        await self._settle(row, Delivered(), status=OutboxStatus.SUPERSEDED)
                    else:
                        await self._deliver(row)
                except asyncio.CancelledError:
                    raise
                except _Stopping:
                    break  # the row stays pending for the next start
                except Exception:
                    log.exception("outbox row %s: unexpected error; will retry", row.id)
                    await asyncio.sleep(1)
                    continue
                queue.popleft()
                self._known.discard(row.id)
        finally:
            self._workers.pop(chat_id, None)
            if not queue:
                self._queues.pop(chat_id, None)
            if not self._workers:
                self._idle.set()
                self._wake.set()  # rows may have arrived for this chat meanwhile

    @staticmethod
    def _superseded(row: Outbox, queue: deque[Outbox]) -> bool:
        if row.supersede_key is None:
            return False
        return any(later.supersede_key == row.supersede_key for later in list(queue)[1:])

    async def _deliver(self, row: Outbox) -> None:
        """Send one row until Telegram takes it or refuses it for good."""
        action = load(row.action)
        while True:
            if row.not_before and row.not_before > _now():
                await asyncio.sleep((row.not_before - _now()).total_seconds())
            try:
                wait = await self._attempt(row, action)
            finally:
                self._in_flight.discard(row.chat_id)
            if wait is None:
                return
            await asyncio.sleep(wait)

    async def _attempt(self, row: Outbox, action: Outgoing) -> float | None:
        """One try; None when the row is settled, else seconds to wait before the next."""
        try:
            resolved = await self._resolve(action)
            await self._acquire(row.chat_id)
            if row.supersede_key is not None and not await self._still_pending(row.id):
                self.stats["withdrawn"] += 1  # nothing to write: its row says so already
                return None
            if self._stopping:
                # a stop lets the requests under way finish but starts none: one started now
                # could be cut off at the end of the grace time after Telegram took it
                raise _Stopping
            # in flight from the request until its outcome is stored (_deliver clears it): a
            # stop lets this finish, so a message Telegram took is never left looking unsent;
            # a worker only waiting for its turn (limits, 429, backoff) is cancelled at once
            self._in_flight.add(row.chat_id)
            delivered = await self.api.deliver(action, resolved)
        except NotModified:
            delivered = Delivered()
        except RetryLater as exc:
            self.stats["retry_after"] += 1
            row.attempts += 1
            log.info("chat %s: 429, waiting %.1f s", row.chat_id, exc.seconds)
            return exc.seconds
        except Permanent as exc:
            self.stats["failed"] += 1
            log.warning("outbox row %s to chat %s refused for good: %s", row.id, row.chat_id, exc)
            async with self.db.transaction() as session:
                await mark_failed(session=session, outbox_id=row.id, now=_now(), attempts=row.attempts + 1, error=str(exc))
            return None
        except Transient as exc:
            self.stats["transient"] += 1
            row.attempts += 1
            delay = min(MAX_BACKOFF, self.backoff * 2 ** min(row.attempts - 1, 6)) * random.uniform(0.5, 1.0)
            row.not_before = _now() + timedelta(seconds=delay)
            log.info("outbox row %s: %s; retry %d in %.1f s", row.id, exc, row.attempts, delay)
            async with self.db.transaction() as session:
                await mark_retry(session=session, outbox_id=row.id, not_before=row.not_before, attempts=row.attempts, error=str(exc))
            return 0.0
        await self._settle(row, delivered)
        return None

    async def _still_pending(self, outbox_id: int) -> bool:
        """A keyed row can be withdrawn in the database after it was loaded here (a shift
        reminder whose shift was cancelled, or whose volunteer withdrew); look again just
        before sending. What is withdrawn after this look still goes out."""
        async with self.db.session() as session:
            status = (await session.exec(select(Outbox.status).where(Outbox.id == outbox_id))).first()
        return status == OutboxStatus.PENDING

    async def _settle(self, row: Outbox, delivered: Delivered, status: str = OutboxStatus.SENT) -> None:
        async with self.db.transaction() as session:
            await mark_sent(session=session, outbox_id=row.id, now=_now(), message_id=delivered.message_id, status=status)
            if row.link_role and delivered.message_id is not None:
                await link_message(
                    session=session,
                    chat_id=row.chat_id,
                    message_id=delivered.message_id,
                    ticket_id=row.ticket_id,
                    role=row.link_role,
                    now=_now(),
                    poll_id=delivered.poll_id,
                )
        self.stats[status] += 1

    async def _resolve(self, action: Outgoing) -> Resolved:
        target = getattr(action, "target", None)
        reply_to = getattr(action, "reply_to", None)
        resolved = Resolved(
            target=await self._message_id(action.chat_id, target) if target else None,
            reply_to=await self._message_id(action.chat_id, reply_to) if reply_to else None,
        )
        if target is not None and resolved.target is None:
            raise Permanent(f"the message to change ({target}) was never sent")
        return resolved

    async def _message_id(self, chat_id: int, target: Target) -> int | None:
        if target.message_id is not None:
            return target.message_id
        if target.ticket_id is None or target.role is None:
            return None
        async with self.db.session() as session:
            link = await find_message(session=session, ticket_id=target.ticket_id, role=target.role)
        return link.message_id if link is not None and link.chat_id == chat_id else None

    async def _acquire(self, chat_id: int) -> None:
        limiter = self._chat_limiters.get(chat_id)
        if limiter is None:
            limiter = self._chat_limiter(chat_id)
            if limiter is not None:
                self._chat_limiters[chat_id] = limiter
        if limiter is not None:
            await limiter.acquire()
        if self._global is not None:
            await self._global.acquire()

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter | None:
        if chat_id > 0:
            rate, burst = self.limits.private_per_second, self.limits.private_burst
            return AsyncLimiter(burst, burst / rate) if rate else None
        per_minute = self.limits.group_per_minute
        return AsyncLimiter(per_minute, 60) if per_minute else None

