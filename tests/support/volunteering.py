"""Helpers for the volunteer tests: join as a volunteer the way a resident does, create
shifts the way staff do, move the clock and fire what became due."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from handlers.events import Kind, Person
from storage.tables import Outbox, Shift, ShiftSignup, Timer, Volunteer
from storage.timers import pending_timers
from tests.support.harness import Harness


async def fire_due(h: Harness) -> int:
    """Fire every timer due by the harness clock, like the scheduler's sweep."""
    async with h.db.session() as session:
        due = await pending_timers(session=session, due_before=h.clock.now())
    fired = 0
    for timer in due:
        fired += await h.dispatcher.fire_timer(timer.id, timer.kind)
    return fired


async def advance(h: Harness, delta: timedelta) -> int:
    h.clock.advance(delta)
    return await fire_due(h)


def phone_of(person: Person) -> str:
    return f"138{person.id:08d}"


async def apply(h: Harness, person: Person, *, areas: tuple[str, ...] = ("elderly",), free: str = "weekend") -> Volunteer:
    await h.send(person, "/volunteer")
    await h.send(person, person.first_name)
    await h.send(person, "", kind=Kind.CONTACT, contact_phone=phone_of(person), contact_user_id=person.id)
    for area in areas:
        await h.press(person, f"va:a:{area}")
    await h.press(person, "va:done")
    await h.press(person, f"va:f:{free}")
    volunteer = await volunteer_row(h, person.id)
    assert volunteer is not None, "the application was not stored"
    return volunteer


async def join(h: Harness, person: Person, **kwargs: object) -> Volunteer:
    """Apply and be approved; the messages of both are flushed away."""
    volunteer = await apply(h, person, **kwargs)  # type: ignore[arg-type]
    await h.press(h.staff(), f"vr:ok:{volunteer.id}", chat=h.staff_chat)
    await h.flush()
    return volunteer


async def volunteer_row(h: Harness, person_id: int) -> Volunteer | None:
    async with h.db.session() as session:
        return (await session.exec(select(Volunteer).where(Volunteer.person_id == person_id))).first()


async def new_shift(h: Harness, words: str) -> Shift:
    """/newshift in the staff group; the newest shift."""
    await h.send(h.staff(), f"/newshift {words}", chat=h.staff_chat)
    shifts = await all_shifts(h)
    assert shifts, "no shift was made"
    return shifts[-1]


async def all_shifts(h: Harness) -> list[Shift]:
    async with h.db.session() as session:
        return list((await session.exec(select(Shift).order_by(col(Shift.id)))).all())


async def shift_row(h: Harness, shift_id: int) -> Shift:
    async with h.db.session() as session:
        shift = await session.get(Shift, shift_id)
        assert shift is not None
        return shift


async def signups(h: Harness, shift_id: int) -> list[ShiftSignup]:
    async with h.db.session() as session:
        query = select(ShiftSignup).where(ShiftSignup.shift_id == shift_id).order_by(col(ShiftSignup.id))
        return list((await session.exec(query)).all())


async def timers(h: Harness, prefix: str = "vol") -> dict[str, Timer]:
    async with h.db.session() as session:
        rows = (await session.exec(select(Timer).where(col(Timer.key).startswith(prefix)))).all()
        return {row.key: row for row in rows}


async def outbox(h: Harness) -> list[Outbox]:
    async with h.db.session() as session:
        return list((await session.exec(select(Outbox).order_by(col(Outbox.id)))).all())
