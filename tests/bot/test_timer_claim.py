"""A due timer fires once, even when two bots share the database (a restarted one and a
leftover), and a stopped scheduler fires nothing when the clock jumps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.scheduler import Scheduler
from handlers.clock import ManualClock
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.router import Router
from handlers.rules import Rules
from storage.db import Database
from storage.tables import Timer
from storage.timers import plan_timer
from tests.support.fakes import FakeClassifier, FakeMembership

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _bot(db: Database, clock: ManualClock, ran: list[str], name: str) -> Dispatcher:
    router = Router()

    @router.timer("test")
    async def handler(ctx, timer):  # type: ignore[no-untyped-def]
        ran.append(name)
        await asyncio.sleep(0.2)  # long enough for the other bot to try meanwhile

    services = Services(rules=Rules(), classifier=FakeClassifier(), clock=clock, membership=FakeMembership())  # type: ignore[arg-type]
    return Dispatcher(services, db, router)


async def _plan(db: Database, due: datetime) -> Timer:
    async with db.transaction() as session:
        return await plan_timer(session=session, key="test:1", kind="test", subject_id=1, due_at=due, now=NOW)


async def test_two_bots_firing_the_same_timer_at_once_run_it_once(db_url: str) -> None:
    clock = ManualClock(NOW, frozen=True)
    first_db, second_db = Database(db_url), Database(db_url)  # two engines, as two processes would have
    try:
        timer = await _plan(first_db, NOW)
        ran: list[str] = []
        one, two = _bot(first_db, clock, ran, "one"), _bot(second_db, clock, ran, "two")
        fired = await asyncio.gather(one.fire_timer(timer.id, timer.kind), two.fire_timer(timer.id, timer.kind))
        assert sorted(fired) == [False, True] and len(ran) == 1
    finally:
        await first_db.dispose()
        await second_db.dispose()


async def test_a_timer_not_yet_due_is_not_taken(db: Database) -> None:
    clock = ManualClock(NOW, frozen=True)
    timer = await _plan(db, NOW + timedelta(minutes=1))
    ran: list[str] = []
    bot = _bot(db, clock, ran, "one")
    assert await bot.fire_timer(timer.id, timer.kind) is False
    clock.advance(timedelta(minutes=1))
    assert await bot.fire_timer(timer.id, timer.kind) is True and ran == ["one"]


async def test_a_stopped_scheduler_ignores_clock_jumps(db: Database) -> None:
    clock = ManualClock(NOW, frozen=True)
    ran: list[str] = []
    scheduler = Scheduler(_bot(db, clock, ran, "old"), db, clock)
    await scheduler.start()
    await scheduler.stop()
    await _plan(db, NOW + timedelta(hours=1))
    clock.advance(timedelta(hours=2))  # the next bot's test moves the shared clock
    await asyncio.sleep(0.05)
    assert ran == []
