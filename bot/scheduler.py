"""Timers fire on APScheduler, but live in the database.

Each planned timer becomes an APScheduler date job (id `timer:<id>`, replace_existing) that
carries only the timer's id; the handler looks everything up when it fires and decides
whether it still matters. Jobs are rebuilt from the database at start, so a restart loses
none, and the timer row is marked done in the transaction of its effects, so none fires
twice. A sweep catches anything missed, and a sandbox or test clock that jumps ahead fires
what became due at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers.clock import Clock, ManualClock
from handlers.dispatch import Dispatcher
from storage.db import Database
from storage.tables import Timer
from storage.timers import pending_timers

log = logging.getLogger(__name__)
# How long stop() waits for a firing under way before cancelling it (it rolls back then).
STOP_GRACE_SECONDS = 10


class Scheduler:
    def __init__(self, dispatcher: Dispatcher, db: Database, clock: Clock, *, sweep_seconds: float = 30) -> None:
        self.dispatcher = dispatcher
        self.db = db
        self.clock = clock
        self.sweep_seconds = sweep_seconds
        self._aps = AsyncIOScheduler(timezone=UTC)
        self._firing = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopped = False

    async def start(self) -> None:
        self._aps.start()
        self._aps.add_job(
            self._sweep, "interval", seconds=self.sweep_seconds, id="sweep", replace_existing=True, coalesce=True
        )
        if isinstance(self.clock, ManualClock):
            self.clock.on_jump(self._on_jump)
        async with self.db.session() as session:
            timers = await pending_timers(session=session)
        for timer in timers:
            self.plan(timer)
        log.info("scheduler started with %d pending timers", len(timers))

    async def stop(self) -> None:
        """No new firing; one under way finishes (its transaction commits and its messages
        reach the sender, which the bot stops next), a sweep stops before its next timer.
        A firing left running past stop would commit after the next bot has started and
        hand the same messages to two senders."""
        self._stopped = True  # the clock may outlive this scheduler (tests, the sandbox)
        self._aps.shutdown(wait=False)  # does not wait for, nor cancel, jobs running now
        tasks = list(self._tasks)
        if tasks:
            _done, late = await asyncio.wait(tasks, timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    def plan(self, timer: Timer) -> None:
        """Register a timer committed by a handler (or found at start)."""
        delay = max(timedelta(0), timer.due_at - self.clock.now())
        self._aps.add_job(
            self._fire,
            "date",
            run_date=datetime.now(UTC) + delay,
            args=[timer.id, timer.kind],
            id=f"timer:{timer.id}",
            replace_existing=True,
            misfire_grace_time=None,  # how late is too late is the timer kind's call (Router.timer grace)
        )

    async def _fire(self, timer_id: int, kind: str) -> None:
        if self._stopped:
            return
        with self._tracked():
            async with self._firing:
                if self._stopped:
                    return
                try:
                    await self.dispatcher.fire_timer(timer_id, kind)
                except Exception:
                    log.exception("timer %s failed; the sweep will try again", timer_id)

    async def _sweep(self) -> None:
        if not self._stopped:
            with self._tracked():
                await self.fire_due()

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        """APScheduler runs jobs as tasks of its own: known here, stop() can wait for them."""
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            yield
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]

    async def fire_due(self) -> int:
        """Fire every timer that is due by the bot's clock. Returns how many fired."""
        async with self.db.session() as session:
            due = await pending_timers(session=session, due_before=self.clock.now())
        fired = 0
        for timer in due:
            if self._stopped:
                break
            async with self._firing:
                try:
                    fired += await self.dispatcher.fire_timer(timer.id, timer.kind)
                except Exception:
                    log.exception("timer %s failed; the sweep will try again", timer.id)
        return fired

    def _on_jump(self) -> None:
        if self._stopped:
            return
        task = asyncio.get_running_loop().create_task(self._after_jump())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _after_jump(self) -> None:
        await self.fire_due()
        if self._stopped:
            return
        async with self.db.session() as session:
            for timer in await pending_timers(session=session):
                self.plan(timer)  # their real-time run dates moved with the clock
