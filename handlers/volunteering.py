"""What the volunteer features share: who may use them, the timers of a shift, freeing a
place on a shift, telling staff when a shift is short of people."""

from __future__ import annotations

from datetime import timedelta

from handlers.actions import Inline, SendText
from handlers.context import Ctx
from handlers.events import ButtonPress
from handlers.shift_cards import shift_summary
from handlers.texts import t
from storage.tables import Shift, ShiftSignup, ShiftStatus, Volunteer, VolunteerStatus
from storage.volunteers import taken_places, volunteer_of, withdraw_reminders

# timer kinds; their keys start with vol:<shift id>: so a shift's timers go together
REMIND = "vol_remind"  # key vol:<shift>:remind:<minutes before>
SHORT = "vol_short"  # key vol:<shift>:short   (is it still short of people?)
SHEET = "vol_sheet"  # key vol:<shift>:sheet   (attendance to confirm, at its end)
SERIES = "vol_series"  # key volseries:<series> (make the next weeks of a weekly shift)


def shift_timers(shift_id: int) -> str:
    return f"vol:{shift_id}:"


def remind_key(shift_id: int, before: timedelta) -> str:
    return f"{shift_timers(shift_id)}remind:{int(before.total_seconds() // 60)}"


def remind_offset(key: str) -> timedelta | None:
    """How long before the start a reminder timer is, from its key."""
    try:
        return timedelta(minutes=int(key.rsplit(":", 1)[1]))
    except (IndexError, ValueError):
        return None


# who may -----------------------------------------------------------------------------------------
async def approved_volunteer(ctx: Ctx, person_id: int) -> Volunteer | None:
    """The person's volunteer row if they are approved now; read in this transaction, so a
    suspension takes effect at once."""
    volunteer = await volunteer_of(session=ctx.session, person_id=person_id)
    return volunteer if volunteer is not None and volunteer.status == VolunteerStatus.APPROVED else None


async def not_a_volunteer_text(ctx: Ctx, person_id: int) -> str:
    volunteer = await volunteer_of(session=ctx.session, person_id=person_id)
    status = volunteer.status if volunteer is not None else "none"
    return t(f"vol.refuse.{status}")


async def refuse_message(ctx: Ctx, chat_id: int, person_id: int) -> None:
    ctx.send(SendText(chat_id=chat_id, text=await not_a_volunteer_text(ctx, person_id)))


async def refuse_press(ctx: Ctx, press: ButtonPress) -> None:
    ctx.answer(press.callback_id, await not_a_volunteer_text(ctx, press.sender.id), alert=True)


# timers of a shift -------------------------------------------------------------------------------
async def plan_shift_timers(ctx: Ctx, shift: Shift) -> None:
    """(Re)plan a shift's reminders, its short-of-people check and its attendance sheet.
    Moments already past are not planned: a shift made or moved 3 hours ahead gets its 1 h
    reminder, not a "24 h" one at once."""
    await ctx.cancel_prefix(shift_timers(shift.id))
    for before in ctx.rules.reminder_offsets:
        due = shift.starts_at - before
        if due > ctx.now:
            await ctx.plan(remind_key(shift.id, before), REMIND, shift.id, due)
    short_check = shift.starts_at - short_notice(ctx)
    if short_check > ctx.now:
        await ctx.plan(f"{shift_timers(shift.id)}short", SHORT, shift.id, short_check)
    await ctx.plan(f"{shift_timers(shift.id)}sheet", SHEET, shift.id, shift.ends_at)


async def drop_shift_timers(ctx: Ctx, shift: Shift) -> None:
    await ctx.cancel_prefix(shift_timers(shift.id))


def checkin_window(ctx: Ctx) -> timedelta:
    return timedelta(minutes=ctx.rules.checkin_window_minutes)


def checkin_open(ctx: Ctx, shift: Shift) -> bool:
    """Volunteers check in from `checkin_window_minutes` before the start to as long after."""
    window = checkin_window(ctx)
    return shift.status == ShiftStatus.ACTIVE and shift.starts_at - window <= ctx.now <= shift.starts_at + window


# places ------------------------------------------------------------------------------------------
def short_notice(ctx: Ctx) -> timedelta:
    return timedelta(hours=ctx.rules.shift_short_notice_hours)


def starts_soon(ctx: Ctx, shift: Shift) -> bool:
    return ctx.now < shift.starts_at <= ctx.now + short_notice(ctx)


async def taken(ctx: Ctx, shift: Shift) -> int:
    return (await taken_places(session=ctx.session, shift_ids=[shift.id]))[shift.id]


async def free_place(ctx: Ctx, shift: Shift, signup: ShiftSignup, volunteer: Volunteer, status: str) -> int:
    """Take a volunteer off a shift (the caller locked the shift row): their reminders still
    waiting in the outbox are dropped. Returns how many are left on the shift."""
    signup.status = status
    signup.left_at = ctx.now
    ctx.session.add(signup)
    await withdraw_reminders(session=ctx.session, shift_id=shift.id, person_id=volunteer.person_id)
    return await taken(ctx, shift)


def tell_staff(ctx: Ctx, text: str, inline: Inline | None = None) -> None:
    if ctx.staff_chat_id is not None:
        ctx.send(SendText(chat_id=ctx.staff_chat_id, text=text, inline=inline))


def short_line(shift: Shift, left: int) -> str:
    return t("vol.staff.short", missing=shift.capacity - left, taken=left, capacity=shift.capacity)


def flag_short(ctx: Ctx, shift: Shift, left: int, why: str) -> None:
    """Tell staff that a shift starting soon lost someone: who and how many are missing."""
    text = why + "\n" + shift_summary(ctx, shift)
    if starts_soon(ctx, shift) and left < shift.capacity:
        text += "\n" + short_line(shift, left)
    tell_staff(ctx, text)
