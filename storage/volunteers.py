"""Volunteers, shifts and sign-ups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import (
    Attendance,
    Outbox,
    OutboxStatus,
    Shift,
    ShiftSeries,
    ShiftSignup,
    ShiftStatus,
    SignupStatus,
    Volunteer,
    VolunteerStatus,
)


# volunteers ---------------------------------------------------------------------------------
async def volunteer_of(*, session: AsyncSession, person_id: int, for_update: bool = False) -> Volunteer | None:
    query = select(Volunteer).where(Volunteer.person_id == person_id)
    if for_update:
        query = query.with_for_update()
    return (await session.exec(query)).first()


async def get_volunteer(*, session: AsyncSession, volunteer_id: int, for_update: bool = False) -> Volunteer | None:
    query = select(Volunteer).where(Volunteer.id == volunteer_id)
    if for_update:
        query = query.with_for_update()
    return (await session.exec(query)).first()


async def list_volunteers(*, session: AsyncSession, limit: int) -> list[Volunteer]:
    """Applications waiting first, then approved, suspended, rejected; oldest first."""
    rank = case(
        (col(Volunteer.status) == VolunteerStatus.APPLIED, 0),
        (col(Volunteer.status) == VolunteerStatus.APPROVED, 1),
        (col(Volunteer.status) == VolunteerStatus.SUSPENDED, 2),
        else_=3,
    )
    query = select(Volunteer).order_by(rank, col(Volunteer.id)).limit(limit)
    return list((await session.exec(query)).all())


async def count_volunteers(*, session: AsyncSession) -> dict[str, int]:
    """How many volunteers there are, per status."""
    query = select(Volunteer.status, func.count()).group_by(col(Volunteer.status))
    return {status: n for status, n in (await session.exec(query)).all()}


# shifts -----------------------------------------------------------------------------------------
async def get_shift(*, session: AsyncSession, shift_id: int, for_update: bool = False) -> Shift | None:
    """for_update: every change to who is on a shift locks its row first, so capacity checks,
    reminders and cancellations of one shift happen one after another."""
    query = select(Shift).where(Shift.id == shift_id)
    if for_update:
        query = query.with_for_update()
    return (await session.exec(query)).first()


async def get_series(*, session: AsyncSession, series_id: int, for_update: bool = False) -> ShiftSeries | None:
    query = select(ShiftSeries).where(ShiftSeries.id == series_id)
    if for_update:
        query = query.with_for_update()
    return (await session.exec(query)).first()


async def upcoming_shifts(*, session: AsyncSession, after: datetime, before: datetime, limit: int) -> list[Shift]:
    query = (
        select(Shift)
        .where(Shift.status == ShiftStatus.ACTIVE, Shift.starts_at > after, Shift.starts_at <= before)
        .order_by(col(Shift.starts_at), col(Shift.id))
        .limit(limit)
    )
    return list((await session.exec(query)).all())


async def series_shifts(*, session: AsyncSession, series_id: int, after: datetime) -> list[Shift]:
    query = (
        select(Shift)
        .where(Shift.series_id == series_id, Shift.status == ShiftStatus.ACTIVE, Shift.starts_at > after)
        .order_by(col(Shift.starts_at))
    )
    return list((await session.exec(query)).all())


async def shift_at(*, session: AsyncSession, series_id: int, starts_at: datetime) -> Shift | None:
    query = select(Shift).where(Shift.series_id == series_id, Shift.starts_at == starts_at)
    return (await session.exec(query)).first()


# sign-ups ---------------------------------------------------------------------------------------
async def taken_places(*, session: AsyncSession, shift_ids: Sequence[int]) -> dict[int, int]:
    """How many are signed up, per shift."""
    if not shift_ids:
        return {}
    query = (
        select(ShiftSignup.shift_id, func.count())
        .where(col(ShiftSignup.shift_id).in_(shift_ids), ShiftSignup.status == SignupStatus.SIGNED)
        .group_by(col(ShiftSignup.shift_id))
    )
    counts = {shift_id: 0 for shift_id in shift_ids}
    counts.update({shift_id: n for shift_id, n in (await session.exec(query)).all()})
    return counts


async def get_signup(*, session: AsyncSession, shift_id: int, volunteer_id: int) -> ShiftSignup | None:
    query = select(ShiftSignup).where(ShiftSignup.shift_id == shift_id, ShiftSignup.volunteer_id == volunteer_id)
    return (await session.exec(query)).first()


async def get_signup_by_id(*, session: AsyncSession, signup_id: int) -> ShiftSignup | None:
    return await session.get(ShiftSignup, signup_id)


async def roster(*, session: AsyncSession, shift_id: int, statuses: Sequence[str] = (SignupStatus.SIGNED,)) -> list[tuple[ShiftSignup, Volunteer]]:
    """Who is on a shift, in the order they signed up."""
    query = (
        select(ShiftSignup, Volunteer)
        .join(Volunteer, col(Volunteer.id) == col(ShiftSignup.volunteer_id))
        .where(ShiftSignup.shift_id == shift_id, col(ShiftSignup.status).in_(statuses))
        .order_by(col(ShiftSignup.signed_at), col(ShiftSignup.id))
    )
    return [(signup, volunteer) for signup, volunteer in (await session.exec(query)).all()]


async def overlapping(
    *, session: AsyncSession, volunteer_id: int, starts_at: datetime, ends_at: datetime, other_than: int
) -> Shift | None:
    """An active shift the volunteer is on that overlaps the given time."""
    query = (
        select(Shift)
        .join(ShiftSignup, col(ShiftSignup.shift_id) == col(Shift.id))
        .where(
            ShiftSignup.volunteer_id == volunteer_id,
            ShiftSignup.status == SignupStatus.SIGNED,
            Shift.status == ShiftStatus.ACTIVE,
            Shift.id != other_than,
            Shift.starts_at < ends_at,
            Shift.ends_at > starts_at,
        )
        .order_by(col(Shift.starts_at))
    )
    return (await session.exec(query)).first()


async def future_signups(*, session: AsyncSession, volunteer_id: int, after: datetime) -> list[tuple[ShiftSignup, Shift]]:
    query = (
        select(ShiftSignup, Shift)
        .join(Shift, col(Shift.id) == col(ShiftSignup.shift_id))
        .where(
            ShiftSignup.volunteer_id == volunteer_id,
            ShiftSignup.status == SignupStatus.SIGNED,
            Shift.status == ShiftStatus.ACTIVE,
            Shift.starts_at > after,
        )
        .order_by(col(Shift.starts_at))
    )
    return [(signup, shift) for signup, shift in (await session.exec(query)).all()]


async def my_shifts(*, session: AsyncSession, volunteer_id: int, ending_after: datetime, limit: int) -> list[Shift]:
    """The volunteer's active shifts that have not ended yet."""
    query = (
        select(Shift)
        .join(ShiftSignup, col(ShiftSignup.shift_id) == col(Shift.id))
        .where(
            ShiftSignup.volunteer_id == volunteer_id,
            ShiftSignup.status == SignupStatus.SIGNED,
            Shift.status == ShiftStatus.ACTIVE,
            Shift.ends_at > ending_after,
        )
        .order_by(col(Shift.starts_at))
        .limit(limit)
    )
    return list((await session.exec(query)).all())


# reminders in the outbox --------------------------------------------------------------------------
def reminder_key(shift_id: int, person_id: int) -> str:
    """The outbox supersede key of a volunteer's reminders for a shift. A later reminder
    queued behind an earlier one makes it moot (the sender's rule), and withdrawing or
    cancelling drops the ones still waiting (withdraw_reminders)."""
    return f"vrem:{shift_id}:{person_id}"


async def withdraw_reminders(*, session: AsyncSession, shift_id: int, person_id: int | None = None) -> int:
    """Reminders still waiting in the outbox that are no longer true: marked superseded,
    so the sender skips them (it re-reads a keyed row's status just before sending)."""
    key = reminder_key(shift_id, person_id) if person_id is not None else f"vrem:{shift_id}:"
    condition = col(Outbox.supersede_key) == key if person_id is not None else col(Outbox.supersede_key).startswith(key)
    result = await session.exec(
        update(Outbox)
        .where(col(Outbox.status) == OutboxStatus.PENDING, condition)
        .values(status=OutboxStatus.SUPERSEDED)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


# points -------------------------------------------------------------------------------------------
async def attendance_history(
    *, session: AsyncSession, volunteer_id: int, limit: int
) -> list[tuple[ShiftSignup, Shift]]:
    query = (
        select(ShiftSignup, Shift)
        .join(Shift, col(Shift.id) == col(ShiftSignup.shift_id))
        .where(ShiftSignup.volunteer_id == volunteer_id, col(ShiftSignup.attendance).is_not(None))
        .order_by(col(Shift.starts_at).desc())
        .limit(limit)
    )
    return [(signup, shift) for signup, shift in (await session.exec(query)).all()]


async def attendance_totals(*, session: AsyncSession, volunteer_id: int) -> tuple[float, int, int]:
    """(points, attended, no-shows) of a volunteer, over all time."""
    query = (
        select(ShiftSignup.attendance, func.count(), func.coalesce(func.sum(ShiftSignup.points), 0.0))
        .where(ShiftSignup.volunteer_id == volunteer_id, col(ShiftSignup.attendance).is_not(None))
        .group_by(col(ShiftSignup.attendance))
    )
    points, attended, absent = 0.0, 0, 0
    for attendance, count, total in (await session.exec(query)).all():
        if attendance == Attendance.ATTENDED:
            points, attended = float(total), int(count)
        elif attendance == Attendance.ABSENT:
            absent = int(count)
    return points, attended, absent


async def leaderboard(
    *, session: AsyncSession, since: datetime, until: datetime, limit: int
) -> list[tuple[Volunteer, float, int]]:
    """(volunteer, points, shifts attended) for shifts starting in [since, until), most points first."""
    points = func.sum(ShiftSignup.points)
    query = (
        select(Volunteer, points, func.count())
        .join(ShiftSignup, col(ShiftSignup.volunteer_id) == col(Volunteer.id))
        .join(Shift, col(Shift.id) == col(ShiftSignup.shift_id))
        .where(ShiftSignup.attendance == Attendance.ATTENDED, Shift.starts_at >= since, Shift.starts_at < until)
        .group_by(col(Volunteer.id))
        .order_by(points.desc(), func.count().desc(), col(Volunteer.id))
        .limit(limit)
    )
    return [(volunteer, float(total), int(count)) for volunteer, total, count in (await session.exec(query)).all()]
