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
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers.clock import Clock, ManualClock
from handlers.dispatch import Dispatcher
from storage.db import Database
from storage.tables import Timer
from storage.timers import pending_timers

log = logging.getLogger(__name__)


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
            self.fire_due, "interval", seconds=self.sweep_seconds, id="sweep", replace_existing=True, coalesce=True
        )
        if isinstance(self.clock, ManualClock):
            self.clock.on_jump(self._on_jump)
        async with self.db.session() as session:
            timers = await pending_timers(session=session)
        for timer in timers:
            self.plan(timer)
        log.info("scheduler started with %d pending timers", len(timers))

    async def stop(self) -> None:
        self._stopped = True  # the clock may outlive this scheduler (tests, the sandbox)
        self._aps.shutdown(wait=False)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def plan(self, timer: Timer) -> None:
        """Register a timer committed by a handler (or found at start)."""
        delay = max(timedelta(0), timer.due_at - self.clock.now())
        self._aps.add_job(
            self._fire,
            "date",
            run_date=datetime.now(UTC) + delay,
            args=[timer.id],
            id=f"timer:{timer.id}",
            replace_existing=True,
            misfire_grace_time=None,  # how late is too late is the timer kind's call (Router.timer grace)
        )

    async def _fire(self, timer_id: int) -> None:
        if self._stopped:
            return
        async with self._firing:
            try:
                await self.dispatcher.fire_timer(timer_id)
            except Exception:
                log.exception("timer %s failed; the sweep will try again", timer_id)

    async def fire_due(self) -> int:
        """Fire every timer that is due by the bot's clock. Returns how many fired."""
        async with self.db.session() as session:
            due = await pending_timers(session=session, due_before=self.clock.now())
        fired = 0
        for timer in due:
            async with self._firing:
                try:
                    fired += await self.dispatcher.fire_timer(timer.id)
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
        async with self.db.session() as session:
            for timer in await pending_timers(session=session):
                self.plan(timer)  # their real-time run dates moved with the clock
