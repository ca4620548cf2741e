"""Attendance and service points: volunteers check in around the start, staff confirm or
correct from the group, attended shifts earn points by the hour, no-shows are counted."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from handlers.actions import EditText, Inline, SendText, Target
from handlers.buttons import arg, as_int, button
from handlers.context import Ctx
from handlers.events import ButtonPress, Message
from handlers.router import Router, Scope
from handlers.shift_cards import hours, local, number, points_for, shift_summary, when_text
from handlers.texts import t
from handlers.volunteering import (
    SHEET,
    approved_volunteer,
    checkin_open,
    checkin_window,
    refuse_message,
    refuse_press,
    tell_staff,
)
from storage.tables import (
    Attendance,
    Shift,
    ShiftSignup,
    ShiftStatus,
    SignupStatus,
    Timer,
    Volunteer,
)
from storage.volunteers import (
    attendance_history,
    attendance_totals,
    get_shift,
    get_signup,
    get_signup_by_id,
    leaderboard,
    roster,
)

router = Router()

SHEET_LIMIT = 40  # names (and buttons) on one attendance sheet
HISTORY_LIMIT = 10
LEADERBOARD_LIMIT = 10


# volunteers check in ------------------------------------------------------------------------------
@router.button("vc", staff=False)
async def check_in(ctx: Ctx, press: ButtonPress, args: list[str]) -> None:
    volunteer = await approved_volunteer(ctx, press.sender.id)
    if volunteer is None:
        await refuse_press(ctx, press)
        return
    shift_id = as_int(arg(args, 1)) if arg(args, 0) == "in" else None
    shift = await get_shift(session=ctx.session, shift_id=shift_id, for_update=True) if shift_id else None
    if shift is None:
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    signup = await get_signup(session=ctx.session, shift_id=shift.id, volunteer_id=volunteer.id)
    if shift.status != ShiftStatus.ACTIVE:
        ctx.answer(press.callback_id, t("vol.sign.cancelled", id=shift.id), alert=True)
        return
    if signup is None or signup.status != SignupStatus.SIGNED:
        ctx.answer(press.callback_id, t("vol.withdraw.not_signed", id=shift.id), alert=True)
        return
    if signup.checked_in_at is not None:
        ctx.answer(press.callback_id, t("vol.checkin.already", time=local(ctx, signup.checked_in_at).strftime("%H:%M")), alert=True)
        return
    if not checkin_open(ctx, shift):
        window = checkin_window(ctx)
        ctx.answer(
            press.callback_id,
            t(
                "vol.checkin.closed",
                start=local(ctx, shift.starts_at - window).strftime("%m-%d %H:%M"),
                end=local(ctx, shift.starts_at + window).strftime("%H:%M"),
            ),
            alert=True,
        )
        return
    signup.checked_in_at = ctx.now
    _set_attendance(ctx, shift, signup, Attendance.ATTENDED, "checkin")
    ctx.answer(press.callback_id, t("vol.checkin.done_short"))
    ctx.send(
        SendText(
            chat_id=volunteer.person_id,
            text=t("vol.checkin.done", id=shift.id, title=escape(shift.title), hours=number(round(hours(shift), 1)), points=number(signup.points)),
        )
    )


def _set_attendance(ctx: Ctx, shift: Shift, signup: ShiftSignup, attendance: str, by: str) -> None:
    """Points follow attendance, at the rate configured when it is set."""
    signup.attendance = attendance
    signup.attendance_by = by
    signup.points = points_for(ctx, shift) if attendance == Attendance.ATTENDED else 0.0
    ctx.session.add(signup)


# staff confirm ------------------------------------------------------------------------------------
@router.timer(SHEET)
async def sheet_at_the_end(ctx: Ctx, timer: Timer) -> None:
    """When a shift ends: whoever did not check in is counted absent (staff can correct),
    and staff get the sheet to confirm."""
    shift = await get_shift(session=ctx.session, shift_id=timer.subject_id, for_update=True)
    if shift is None or shift.status != ShiftStatus.ACTIVE:
        return
    signed = await roster(session=ctx.session, shift_id=shift.id)
    if not signed:
        return
    for signup, _volunteer in signed:
        if signup.attendance is None:
            _set_attendance(ctx, shift, signup, Attendance.ABSENT, "system")
    text, inline = _sheet(ctx, shift, signed)
    tell_staff(ctx, text, inline)


@router.command("attendance", scope=Scope.STAFF)
async def attendance_command(ctx: Ctx, msg: Message, args: str) -> None:
    shift_id = as_int(args.strip().lstrip("#"))
    shift = await get_shift(session=ctx.session, shift_id=shift_id) if shift_id else None
    if shift is None:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("vol.sheet.usage") if shift_id is None else t("vol.staff.no_shift", id=shift_id)))
        return
    text, inline = _sheet(ctx, shift, await roster(session=ctx.session, shift_id=shift.id))
    ctx.send(SendText(chat_id=msg.chat.id, text=text, inline=inline))


def _sheet(ctx: Ctx, shift: Shift, signed: list[tuple[ShiftSignup, Volunteer]]) -> tuple[str, Inline | None]:
    lines = [t("vol.sheet.title"), shift_summary(ctx, shift), ""]
    buttons = []
    for i, (signup, volunteer) in enumerate(signed[:SHEET_LIMIT], 1):
        mark = _mark(signup)
        checked = t("vol.sheet.checked_at", time=local(ctx, signup.checked_in_at).strftime("%H:%M")) if signup.checked_in_at else ""
        lines.append(t("vol.sheet.line", n=i, name=escape(volunteer.name), mark=mark, checked=checked))
        buttons.append((button(f"{i}. {volunteer.name} {mark}", "vt", signup.id),))
    if len(signed) > SHEET_LIMIT:
        lines.append(t("vol.sheet.more", n=len(signed) - SHEET_LIMIT))
    if not signed:
        lines.append(t("vol.roster.nobody"))
    else:
        lines += ["", t("vol.sheet.hint")]
    return "\n".join(lines), tuple(buttons) or None


def _mark(signup: ShiftSignup) -> str:
    return t(f"vol.sheet.mark_{signup.attendance or 'unknown'}")


@router.button("vt", staff=True)
async def toggle_attendance(ctx: Ctx, press: ButtonPress, args: list[str]) -> None:
    signup_id = as_int(arg(args, 0))
    signup = await get_signup_by_id(session=ctx.session, signup_id=signup_id) if signup_id else None
    shift = await get_shift(session=ctx.session, shift_id=signup.shift_id, for_update=True) if signup else None
    if signup is None or shift is None or signup.status != SignupStatus.SIGNED or shift.status != ShiftStatus.ACTIVE:
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    if ctx.now < shift.starts_at - checkin_window(ctx):
        ctx.answer(press.callback_id, t("vol.sheet.too_early", id=shift.id), alert=True)
        return
    new = Attendance.ABSENT if signup.attendance == Attendance.ATTENDED else Attendance.ATTENDED
    _set_attendance(ctx, shift, signup, new, press.sender.full_name)
    signed = await roster(session=ctx.session, shift_id=shift.id)
    volunteer = next((v for s, v in signed if s.id == signup.id), None)
    ctx.answer(press.callback_id, t("vol.sheet.changed", name=volunteer.name if volunteer else "", mark=_mark(signup)))
    if press.chat is not None and press.message_id is not None:
        text, inline = _sheet(ctx, shift, signed)
        ctx.send(EditText(chat_id=press.chat.id, target=Target(message_id=press.message_id), text=text, inline=inline))


# points -------------------------------------------------------------------------------------------
@router.command("points", scope=Scope.PRIVATE)
async def points_command(ctx: Ctx, msg: Message, _args: str) -> None:
    volunteer = await approved_volunteer(ctx, msg.chat.id)
    if volunteer is None:
        await refuse_message(ctx, msg.chat.id, msg.chat.id)
        return
    await send_points(ctx, volunteer)


@router.button("vp", staff=False)
async def points_button(ctx: Ctx, press: ButtonPress, _args: list[str]) -> None:
    volunteer = await approved_volunteer(ctx, press.sender.id)
    if volunteer is None:
        await refuse_press(ctx, press)
        return
    ctx.answer(press.callback_id)
    await send_points(ctx, volunteer)


async def send_points(ctx: Ctx, volunteer: Volunteer) -> None:
    points, attended, absent = await attendance_totals(session=ctx.session, volunteer_id=volunteer.id)
    lines = [t("vol.points.total", points=number(round(points, 1)), attended=attended, absent=absent)]
    history = await attendance_history(session=ctx.session, volunteer_id=volunteer.id, limit=HISTORY_LIMIT)
    if history:
        lines.append(t("vol.points.history_header"))
        for signup, shift in history:
            key = "vol.points.line_attended" if signup.attendance == Attendance.ATTENDED else "vol.points.line_absent"
            lines.append(t(key, when=when_text(ctx, shift), title=escape(shift.title), points=number(signup.points)))
    else:
        lines.append(t("vol.points.none_yet"))
    ctx.send(SendText(chat_id=volunteer.person_id, text="\n".join(lines)))


@router.command("leaderboard", scope=Scope.STAFF)
async def leaderboard_command(ctx: Ctx, msg: Message, _args: str) -> None:
    since, until = month_bounds(ctx, ctx.now)
    rows = await leaderboard(session=ctx.session, since=since, until=until, limit=LEADERBOARD_LIMIT)
    month = local(ctx, ctx.now).month
    if not rows:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("vol.leaderboard.none", month=month)))
        return
    lines = [t("vol.leaderboard.header", month=month)]
    for i, (volunteer, points, shifts) in enumerate(rows, 1):
        lines.append(t("vol.leaderboard.line", n=i, name=escape(volunteer.name), points=number(round(points, 1)), shifts=shifts))
    ctx.send(SendText(chat_id=msg.chat.id, text="\n".join(lines)))


def month_bounds(ctx: Ctx, when: datetime) -> tuple[datetime, datetime]:
    """The calendar month of `when` in the centre's time zone, as UTC bounds."""
    from datetime import UTC

    at = local(ctx, when)
    start = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    after = (start + timedelta(days=32)).replace(day=1)
    return start.astimezone(UTC), after.astimezone(UTC)
