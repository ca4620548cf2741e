"""Reminders before each shift, and the volunteer's answer to them.

The fan-out, and why each volunteer gets each reminder once, even when the bot is killed:

1. One Timer row per (shift, offset), key vol:<shift>:remind:<minutes>, planned in the
   transaction that created or moved the shift.
2. When it is due, Dispatcher.fire_timer runs `send_reminders` in ONE transaction that
   (a) marks the timer done (storage.timers.take_timer, under a row lock), and (b) writes
   one outbox row per volunteer still signed up and still approved. Both commit, or
   neither does. Killed before the commit: nothing was written and the timer is still
   pending, so the restarted scheduler fires it again and writes the rows then (none lost).
   Killed after: the timer is done and cannot fire again (none written twice).
3. Delivery is the outbox sender's: a row is sent until it is marked sent, so none is lost
   across a restart. The one way a volunteer gets a reminder twice is a kill between
   Telegram accepting a message and the row being marked sent; a SIGTERM lets the sends
   under way finish (Minhu.stop), a SIGKILL can leave at most the sends in flight at that
   moment to be repeated. bench/reminder_fanout.py measures both.

A reminder that is no longer true is not sent: the handler re-reads the shift and the
sign-ups when it fires (cancelled, started or withdrawn: nothing written), and withdrawing,
"I can't come", suspension, cancelling or moving the shift mark that volunteer's reminders
still waiting in the outbox superseded (storage.volunteers.withdraw_reminders); the sender
looks at a keyed row's status again right before sending it. Reminder rows of one volunteer
for one shift share a supersede key, so after downtime an older reminder queued behind a
newer one is dropped rather than sent first.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from handlers.actions import SendText
from handlers.buttons import arg, as_int, button
from handlers.context import Ctx
from handlers.events import ButtonPress
from handlers.router import Router
from handlers.shift_cards import shift_summary
from handlers.texts import t
from handlers.volunteering import (
    REMIND,
    SHORT,
    approved_volunteer,
    checkin_open,
    flag_short,
    free_place,
    refuse_press,
    remind_offset,
    short_line,
    taken,
    tell_staff,
)
from storage.tables import Shift, ShiftStatus, SignupStatus, Timer, VolunteerStatus
from storage.volunteers import get_shift, get_signup, reminder_key, roster

router = Router()

# How late a reminder may still go out after downtime. The handler also refuses once the
# shift has begun, whatever this says: a reminder for a shift under way helps nobody.
REMINDER_GRACE = timedelta(hours=12)


@router.timer(REMIND, grace=REMINDER_GRACE)
async def send_reminders(ctx: Ctx, timer: Timer) -> None:
    shift = await get_shift(session=ctx.session, shift_id=timer.subject_id, for_update=True)
    if shift is None or shift.status != ShiftStatus.ACTIVE or shift.starts_at <= ctx.now:
        return
    before = remind_offset(timer.key)
    if before is not None and any(
        offset < before and shift.starts_at - offset <= ctx.now for offset in ctx.rules.reminder_offsets
    ):
        return  # a nearer reminder is due as well (the bot was down): that one will say it
    text = _reminder_text(ctx, shift)
    buttons = [button(t("vol.button.will_come"), "vm", "yes", shift.id), button(t("vol.button.cannot_come"), "vm", "no", shift.id)]
    inline = (tuple(buttons),)
    if checkin_open(ctx, shift):
        inline += ((button(t("vol.button.checkin"), "vc", "in", shift.id),),)
    for _signup, volunteer in await roster(session=ctx.session, shift_id=shift.id):
        if volunteer.status != VolunteerStatus.APPROVED:
            continue
        ctx.send(
            SendText(chat_id=volunteer.person_id, text=text, inline=inline),
            supersede_key=reminder_key(shift.id, volunteer.person_id),
        )


def _reminder_text(ctx: Ctx, shift: Shift) -> str:
    left = shift.starts_at - ctx.now
    if left >= timedelta(minutes=90):
        soon = t("vol.remind.in_hours", n=round(left.total_seconds() / 3600))
    else:
        soon = t("vol.remind.in_minutes", n=max(1, round(left.total_seconds() / 60)))
    return t("vol.remind.title", soon=soon) + "\n" + shift_summary(ctx, shift) + "\n" + t("vol.remind.ask")


@router.timer(SHORT)
async def check_short(ctx: Ctx, timer: Timer) -> None:
    """A day before (shift_short_notice_hours): tell staff if a shift still lacks people."""
    shift = await get_shift(session=ctx.session, shift_id=timer.subject_id)
    if shift is None or shift.status != ShiftStatus.ACTIVE or shift.starts_at <= ctx.now:
        return
    left = await taken(ctx, shift)
    if left < shift.capacity:
        tell_staff(ctx, t("vol.staff.short_ahead") + "\n" + shift_summary(ctx, shift) + "\n" + short_line(shift, left))


@router.button("vm", staff=False)
async def reminder_answer(ctx: Ctx, press: ButtonPress, args: list[str]) -> None:
    volunteer = await approved_volunteer(ctx, press.sender.id)
    if volunteer is None:
        await refuse_press(ctx, press)
        return
    verb, shift_id = arg(args, 0), as_int(arg(args, 1))
    shift = await get_shift(session=ctx.session, shift_id=shift_id, for_update=True) if shift_id else None
    if shift is None or verb not in ("yes", "no"):
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    signup = await get_signup(session=ctx.session, shift_id=shift.id, volunteer_id=volunteer.id)
    if shift.status != ShiftStatus.ACTIVE:
        ctx.answer(press.callback_id, t("vol.sign.cancelled", id=shift.id), alert=True)
        return
    if signup is None or signup.status != SignupStatus.SIGNED:
        ctx.answer(press.callback_id, t("vol.withdraw.not_signed", id=shift.id), alert=True)
        return
    if verb == "yes":
        if signup.confirmed_at is None:
            signup.confirmed_at = ctx.now
            ctx.session.add(signup)
        ctx.answer(press.callback_id, t("vol.remind.thanks"))
        return
    if shift.starts_at <= ctx.now:
        ctx.answer(press.callback_id, t("vol.withdraw.started", id=shift.id), alert=True)
        return
    left = await free_place(ctx, shift, signup, volunteer, SignupStatus.WITHDRAWN)
    ctx.answer(press.callback_id, t("vol.withdraw.done_short", id=shift.id))
    ctx.send(SendText(chat_id=volunteer.person_id, text=t("vol.remind.freed", id=shift.id, title=escape(shift.title))))
    flag_short(ctx, shift, left, t("vol.staff.cannot_come", name=escape(volunteer.name), phone=escape(volunteer.phone)))
