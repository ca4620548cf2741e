"""Timers: things to do later, stored with the change that plans them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Timer, TimerStatus


async def plan_timer(
    *, session: AsyncSession, key: str, kind: str, subject_id: int, due_at: datetime, now: datetime
) -> Timer:
    """Plan (or re-plan) the timer with this key; a key is planned at most once at a time."""
    timer = (await session.exec(select(Timer).where(Timer.key == key))).first()
    if timer is None:
        timer = Timer(key=key, kind=kind, subject_id=subject_id, created_at=now)
        session.add(timer)
    timer.kind = kind
    timer.subject_id = subject_id
    timer.due_at = due_at
    timer.status = TimerStatus.PENDING
    timer.fired_at = None
    return timer  # its id comes with the commit, before the scheduler needs it


async def cancel_timer(*, session: AsyncSession, key: str) -> None:
    await session.exec(
        update(Timer)
        .where(col(Timer.key) == key, col(Timer.status) == TimerStatus.PENDING)
        .values(status=TimerStatus.CANCELLED)
    )


async def cancel_timers(*, session: AsyncSession, prefix: str) -> None:
    await session.exec(
        update(Timer)
        .where(col(Timer.key).startswith(prefix), col(Timer.status) == TimerStatus.PENDING)
        .values(status=TimerStatus.CANCELLED)
    )


async def pending_timers(*, session: AsyncSession, due_before: datetime | None = None) -> list[Timer]:
    query = select(Timer).where(Timer.status == TimerStatus.PENDING)
    if due_before is not None:
        query = query.where(Timer.due_at <= due_before)
    return list((await session.exec(query.order_by(col(Timer.due_at), col(Timer.id)))).all())


async def take_timer(*, session: AsyncSession, timer_id: int, now: datetime) -> Timer | None:
    """The timer if it is still pending and due, marked done in the caller's transaction:
    the work it triggers commits with it, so it fires once.

    Claimed with one conditional UPDATE rather than a read then a write: SQLite ignores
    FOR UPDATE, so two bots on one database file (a restarted one and a leftover) could
    both read "pending". The UPDATE takes the write lock (SQLite) or the row lock
    (PostgreSQL re-checks the condition after waiting), so exactly one claims it."""
    claimed = await session.exec(
        update(Timer)
        .where(col(Timer.id) == timer_id, col(Timer.status) == TimerStatus.PENDING, col(Timer.due_at) <= now)
        .values(status=TimerStatus.DONE, fired_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    query = select(Timer).where(Timer.id == timer_id).execution_options(populate_existing=True)
    return (await session.exec(query)).one()


async def get_timer(*, session: AsyncSession, key: str) -> Timer | None:
    return (await session.exec(select(Timer).where(Timer.key == key))).first()
