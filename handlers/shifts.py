"""Shifts: staff create, edit and cancel them (one-off or weekly) from the group; approved
volunteers list them, sign up and withdraw with buttons.

Times are typed and shown in TIMEZONE and stored in UTC. A weekly shift is a rule
(ShiftSeries) from which concrete Shift rows are made `shift_repeat_weeks` ahead and
extended by a weekly timer, so sign-ups and reminders always work on concrete rows.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from html import escape

from handlers.actions import EditText, SendText, Target
from handlers.buttons import arg, as_int, button
from handlers.context import Ctx
from handlers.events import ButtonPress, Message
from handlers.router import Router, Scope
from handlers.shift_cards import (
    area_choices,
    areas_of,
    local,
    places_text,
    shift_summary,
    staff_buttons,
    staff_card,
    when_text,
)
from handlers.shift_parse import (
    ShiftWords,
    ShiftWordsError,
    first_day,
    local_to_utc,
    parse_shift_words,
)
from handlers.texts import t
from handlers.volunteering import (
    SERIES,
    approved_volunteer,
    checkin_open,
    drop_shift_timers,
    flag_short,
    free_place,
    plan_shift_timers,
    refuse_message,
    refuse_press,
    starts_soon,
    taken,
)
from storage.tables import Shift, ShiftSeries, ShiftSignup, ShiftStatus, SignupStatus, Volunteer
from storage.volunteers import (
    get_series,
    get_shift,
    get_signup,
    my_shifts,
    overlapping,
    roster,
    series_shifts,
    shift_at,
    taken_places,
    upcoming_shifts,
    withdraw_reminders,
)

router = Router()

LIST_DAYS = 14  # how far ahead /shifts looks
LIST_LIMIT = 10  # shifts a volunteer sees at once
STAFF_LIST_LIMIT = 30
ROSTER_LIMIT = 80  # names in one message (Telegram takes 4096 characters)


# staff: create -------------------------------------------------------------------------------------
@router.command("newshift", scope=Scope.STAFF)
async def new_shift(ctx: Ctx, msg: Message, args: str) -> None:
    chat = msg.chat.id
    if not args.strip():
        ctx.send(SendText(chat_id=chat, text=t("vol.newshift.usage")))
        return
    try:
        words = _read(ctx, args)
    except ShiftWordsError as exc:
        ctx.send(SendText(chat_id=chat, text=t(exc.key, **exc.values) + "\n\n" + t("vol.newshift.usage")))
        return
    missing = [t(f"vol.newshift.need_{what}") for what, there in _required(words) if not there]
    if missing:
        ctx.send(SendText(chat_id=chat, text=t("vol.newshift.missing", what="、".join(missing)) + "\n\n" + t("vol.newshift.usage")))
        return
    assert words.start is not None and words.end is not None and words.title and words.capacity
    day = first_day(words, now_local=local(ctx, ctx.now).replace(tzinfo=None))
    starts_at = local_to_utc(day, words.start, ctx.rules.tz)
    if starts_at <= ctx.now:
        ctx.send(SendText(chat_id=chat, text=t("vol.newshift.past", when=_typed_when(ctx, starts_at))))
        return
    creator = msg.sender.id if msg.sender else None
    if words.weekly:
        series = ShiftSeries(
            title=words.title,
            place=words.place or "",
            area=words.area,
            weekday=day.isoweekday(),
            start_time=words.start.strftime("%H:%M"),
            end_time=words.end.strftime("%H:%M"),
            capacity=words.capacity,
            made_until=starts_at,
            created_by=creator,
            created_at=ctx.now,
        )
        ctx.session.add(series)
        await ctx.session.flush()
        first = await _make_occurrence(ctx, series, day)
        made = [first] if first is not None else []
        made += await extend_series(ctx, series)
        await ctx.plan(f"volseries:{series.id}", SERIES, series.id, ctx.now + timedelta(days=7))
        lines = [t("vol.newshift.weekly_made", n=len(made), series=series.id, title=escape(series.title))]
        lines += [t("vol.staff.list_line_short", id=s.id, when=when_text(ctx, s)) for s in made]
        lines.append(t("vol.newshift.weekly_hint"))
        stop = ((button(t("vol.button.stop_series"), "vs", "stop", series.id),),)
        ctx.send(SendText(chat_id=chat, text="\n".join(lines), inline=stop))
        return
    shift = Shift(
        title=words.title,
        place=words.place or "",
        area=words.area,
        starts_at=starts_at,
        ends_at=local_to_utc(day, words.end, ctx.rules.tz),
        capacity=words.capacity,
        created_by=creator,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(shift)
    await ctx.session.flush()
    await plan_shift_timers(ctx, shift)
    ctx.send(SendText(chat_id=chat, text=t("vol.newshift.made") + "\n" + staff_card(ctx, shift, 0), inline=staff_buttons(shift)))


def _read(ctx: Ctx, args: str) -> ShiftWords:
    return parse_shift_words(args, today=local(ctx, ctx.now).date(), areas=area_choices(ctx))


def _required(words: ShiftWords) -> list[tuple[str, bool]]:
    return [
        ("date", words.has_when),
        ("time", words.start is not None),
        ("title", bool(words.title)),
        ("capacity", words.capacity is not None),
    ]


def _typed_when(ctx: Ctx, when: datetime) -> str:
    return local(ctx, when).strftime("%m-%d %H:%M")


async def _make_occurrence(ctx: Ctx, series: ShiftSeries, day: date) -> Shift | None:
    """The series' shift on a day (local), made once: a second call finds the first."""
    start, end = time.fromisoformat(series.start_time), time.fromisoformat(series.end_time)
    starts_at = local_to_utc(day, start, ctx.rules.tz)
    if starts_at <= ctx.now:
        return None
    existing = await shift_at(session=ctx.session, series_id=series.id, starts_at=starts_at)
    if existing is not None:
        return existing
    shift = Shift(
        series_id=series.id,
        title=series.title,
        place=series.place,
        area=series.area,
        starts_at=starts_at,
        ends_at=local_to_utc(day, end, ctx.rules.tz),
        capacity=series.capacity,
        created_by=series.created_by,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(shift)
    await ctx.session.flush()
    await plan_shift_timers(ctx, shift)
    series.made_until = max(series.made_until, starts_at)
    return shift


async def extend_series(ctx: Ctx, series: ShiftSeries) -> list[Shift]:
    """Make the weeks after the last one made, up to `shift_repeat_weeks` from now.
    Weeks missed while the bot was down are skipped, not made in the past."""
    horizon = ctx.now + timedelta(weeks=ctx.rules.shift_repeat_weeks)
    day = local(ctx, series.made_until).date()
    made: list[Shift] = []
    while True:
        day += timedelta(days=7)
        if local_to_utc(day, time.fromisoformat(series.start_time), ctx.rules.tz) > horizon:
            return made
        shift = await _make_occurrence(ctx, series, day)
        if shift is not None:
            made.append(shift)


@router.timer(SERIES)
async def keep_series_ahead(ctx: Ctx, timer) -> None:  # type: ignore[no-untyped-def]
    series = await get_series(session=ctx.session, series_id=timer.subject_id, for_update=True)
    if series is None or series.status != ShiftStatus.ACTIVE:
        return
    await extend_series(ctx, series)
    ctx.session.add(series)
    await ctx.plan(timer.key, SERIES, series.id, ctx.now + timedelta(days=7))


# staff: edit, cancel, look ----------------------------------------------------------------------------
@router.command("editshift", scope=Scope.STAFF)
async def edit_shift(ctx: Ctx, msg: Message, args: str) -> None:
    chat = msg.chat.id
    head, _, rest = args.strip().partition(" ")
    shift_id = as_int(head.lstrip("#"))
    if shift_id is None or not rest.strip():
        ctx.send(SendText(chat_id=chat, text=t("vol.editshift.usage")))
        return
    shift = await get_shift(session=ctx.session, shift_id=shift_id, for_update=True)
    if shift is None or shift.status != ShiftStatus.ACTIVE:
        ctx.send(SendText(chat_id=chat, text=t("vol.staff.no_shift", id=shift_id)))
        return
    if shift.starts_at <= ctx.now:
        ctx.send(SendText(chat_id=chat, text=t("vol.editshift.started", id=shift_id)))
        return
    try:
        words = _read(ctx, rest)
    except ShiftWordsError as exc:
        ctx.send(SendText(chat_id=chat, text=t(exc.key, **exc.values) + "\n\n" + t("vol.editshift.usage")))
        return
    if (words.weekday is not None and words.day is None) or words.weekly:
        ctx.send(SendText(chat_id=chat, text=t("vol.editshift.no_weekly")))
        return
    day = words.day or local(ctx, shift.starts_at).date()
    start = words.start or local(ctx, shift.starts_at).time().replace(tzinfo=None)
    end = words.end or local(ctx, shift.ends_at).time().replace(tzinfo=None)
    if end <= start:
        ctx.send(SendText(chat_id=chat, text=t("vol.parse.end_before_start", start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))))
        return
    new = replace_fields(
        shift,
        title=words.title,
        place=words.place,
        area=words.area,
        capacity=words.capacity,
        starts_at=local_to_utc(day, start, ctx.rules.tz),
        ends_at=local_to_utc(day, end, ctx.rules.tz),
    )
    if new == _fields(shift):
        ctx.send(SendText(chat_id=chat, text=t("vol.editshift.nothing")))
        return
    if new["starts_at"] <= ctx.now:
        ctx.send(SendText(chat_id=chat, text=t("vol.newshift.past", when=_typed_when(ctx, new["starts_at"]))))
        return
    signed = await roster(session=ctx.session, shift_id=shift.id)
    if new["capacity"] < len(signed):
        ctx.send(SendText(chat_id=chat, text=t("vol.editshift.below_taken", n=len(signed))))
        return
    moved = (new["starts_at"], new["ends_at"]) != (shift.starts_at, shift.ends_at)
    for name, value in new.items():
        setattr(shift, name, value)
    shift.updated_at = ctx.now
    ctx.session.add(shift)
    if moved:
        await withdraw_reminders(session=ctx.session, shift_id=shift.id)  # they name the old time
        await plan_shift_timers(ctx, shift)
    for _signup, volunteer in signed:
        ctx.send(
            SendText(
                chat_id=volunteer.person_id,
                text=t("vol.told.changed") + "\n" + shift_summary(ctx, shift) + "\n" + t("vol.told.changed_hint"),
                inline=((button(t("vol.button.cannot_come"), "vm", "no", shift.id),),),
            )
        )
    ctx.send(
        SendText(
            chat_id=chat,
            text=t("vol.editshift.done", n=len(signed)) + "\n" + staff_card(ctx, shift, len(signed)),
            inline=staff_buttons(shift),
        )
    )


def _fields(shift: Shift) -> dict:
    return {
        "title": shift.title,
        "place": shift.place,
        "area": shift.area,
        "capacity": shift.capacity,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
    }


def replace_fields(shift: Shift, **changes: object) -> dict:
    """The shift's fields with the given changes; None leaves a field as it is."""
    fields = _fields(shift)
    fields.update({name: value for name, value in changes.items() if value is not None})
    return fields


@router.command("cancelshift", scope=Scope.STAFF)
async def cancel_command(ctx: Ctx, msg: Message, args: str) -> None:
    """/cancelshift 12 cancels one shift; /cancelshift 12 每周 stops its weekly repeat too."""
    head, _, rest = args.strip().partition(" ")
    shift_id = as_int(head.lstrip("#"))
    if shift_id is None:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("vol.cancelshift.usage")))
        return
    shift = await get_shift(session=ctx.session, shift_id=shift_id, for_update=True)
    if shift is None or shift.status != ShiftStatus.ACTIVE or shift.ends_at <= ctx.now:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("vol.staff.no_shift", id=shift_id)))
        return
    if rest.strip() in ("每周", "全部", "以后每周"):
        if shift.series_id is None:
            ctx.send(SendText(chat_id=msg.chat.id, text=t("vol.cancelshift.not_weekly", id=shift_id)))
            return
        n, told = await stop_series(ctx, shift.series_id)
        ctx.send(SendText(chat_id=msg.chat.id, text=t("vol.cancelshift.series_done", series=shift.series_id, n=n, told=told)))
        return
    told = await cancel_shift(ctx, shift)
    ctx.send(SendText(chat_id=msg.chat.id, text=t("vol.cancelshift.done", id=shift.id, told=told) + "\n" + staff_card(ctx, shift, 0)))


async def cancel_shift(ctx: Ctx, shift: Shift) -> int:
    """Cancel a shift (row locked by the caller): its timers and waiting reminders go, and
    everyone signed up is told. Returns how many were told."""
    shift.status = ShiftStatus.CANCELLED
    shift.updated_at = ctx.now
    ctx.session.add(shift)
    await drop_shift_timers(ctx, shift)
    await withdraw_reminders(session=ctx.session, shift_id=shift.id)
    signed = await roster(session=ctx.session, shift_id=shift.id)
    for signup, volunteer in signed:
        signup.status = SignupStatus.CANCELLED
        signup.left_at = ctx.now
        ctx.session.add(signup)
        ctx.send(SendText(chat_id=volunteer.person_id, text=t("vol.told.cancelled") + "\n" + shift_summary(ctx, shift)))
    return len(signed)


async def stop_series(ctx: Ctx, series_id: int) -> tuple[int, int]:
    """Stop a weekly shift: no more weeks are made and the ones to come are cancelled.
    Returns (shifts cancelled, volunteers told)."""
    series = await get_series(session=ctx.session, series_id=series_id, for_update=True)
    if series is None:
        return 0, 0
    series.status = ShiftStatus.CANCELLED
    ctx.session.add(series)
    await ctx.cancel(f"volseries:{series.id}")
    cancelled = told = 0
    for shift in await series_shifts(session=ctx.session, series_id=series.id, after=ctx.now):
        locked = await get_shift(session=ctx.session, shift_id=shift.id, for_update=True)
        if locked is not None and locked.status == ShiftStatus.ACTIVE:
            told += await cancel_shift(ctx, locked)
            cancelled += 1
    return cancelled, told


@router.command("shifts", scope=Scope.STAFF)
async def staff_list(ctx: Ctx, msg: Message, _args: str) -> None:
    shifts = await upcoming_shifts(
        session=ctx.session, after=ctx.now, before=ctx.now + timedelta(days=LIST_DAYS), limit=STAFF_LIST_LIMIT
    )
    if not shifts:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("vol.staff.no_shifts", days=LIST_DAYS)))
        return
    counts = await taken_places(session=ctx.session, shift_ids=[s.id for s in shifts])
    lines = [t("vol.staff.shifts_header", days=LIST_DAYS)]
    for shift in shifts:
        lines.append(
            t(
                "vol.staff.shift_line",
                id=shift.id,
                when=when_text(ctx, shift),
                title=escape(shift.title),
                taken=counts[shift.id],
                capacity=shift.capacity,
                weekly=t("vol.staff.weekly_badge") if shift.series_id else "",
                short="⚠️" if counts[shift.id] < shift.capacity and starts_soon(ctx, shift) else "",
            )
        )
    lines.append(t("vol.staff.shifts_hint"))
    ctx.send(SendText(chat_id=msg.chat.id, text="\n".join(lines)))


@router.command("roster", scope=Scope.STAFF)
async def roster_command(ctx: Ctx, msg: Message, args: str) -> None:
    shift_id = as_int(args.strip().lstrip("#"))
    shift = await get_shift(session=ctx.session, shift_id=shift_id) if shift_id else None
    if shift is None:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("vol.roster.usage") if shift_id is None else t("vol.staff.no_shift", id=shift_id)))
        return
    ctx.send(SendText(chat_id=msg.chat.id, text=await roster_text(ctx, shift), inline=staff_buttons(shift)))


async def roster_text(ctx: Ctx, shift: Shift) -> str:
    signed = await roster(session=ctx.session, shift_id=shift.id)
    lines = [staff_card(ctx, shift, len(signed)), "", t("vol.roster.header", n=len(signed))]
    if not signed:
        lines.append(t("vol.roster.nobody"))
    for i, (signup, volunteer) in enumerate(signed[:ROSTER_LIMIT], 1):
        marks = []
        if signup.confirmed_at:
            marks.append(t("vol.roster.confirmed"))
        if signup.checked_in_at:
            marks.append(t("vol.roster.checked_in"))
        lines.append(
            t("vol.roster.line", n=i, name=escape(volunteer.name), phone=escape(volunteer.phone), marks=" ".join(marks))
        )
    if len(signed) > ROSTER_LIMIT:
        lines.append(t("vol.roster.more", n=len(signed) - ROSTER_LIMIT))
    return "\n".join(lines)


@router.button("vs", staff=True)
async def staff_shift_button(ctx: Ctx, press: ButtonPress, args: list[str]) -> None:
    verb, subject = arg(args, 0), as_int(arg(args, 1))
    if subject is None or verb not in ("roster", "cancel", "cancelok", "stop", "stopok", "back"):
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    if verb in ("stop", "stopok"):
        await _series_button(ctx, press, verb, subject)
        return
    shift = await get_shift(session=ctx.session, shift_id=subject, for_update=True)
    if shift is None:
        ctx.answer(press.callback_id, t("vol.staff.no_shift", id=subject), alert=True)
        return
    if verb == "roster":
        ctx.answer(press.callback_id)
        ctx.send(SendText(chat_id=press.chat.id, text=await roster_text(ctx, shift)))  # type: ignore[union-attr]
        return
    if shift.status != ShiftStatus.ACTIVE or shift.ends_at <= ctx.now:
        ctx.answer(press.callback_id, t("vol.staff.shift_over", id=shift.id), alert=True)
        return
    if verb == "cancel":
        ctx.answer(press.callback_id, t("vol.staff.confirm_cancel"))
        confirm = ((button(t("vol.button.cancel_confirm"), "vs", "cancelok", shift.id), button(t("button.back"), "vs", "back", shift.id)),)
        _edit_card(ctx, press, staff_card(ctx, shift, await taken(ctx, shift)), confirm)
    elif verb == "cancelok":
        told = await cancel_shift(ctx, shift)
        ctx.answer(press.callback_id, t("vol.cancelshift.done", id=shift.id, told=told))
        _edit_card(ctx, press, staff_card(ctx, shift, 0), None)
    else:
        ctx.answer(press.callback_id)
        _edit_card(ctx, press, staff_card(ctx, shift, await taken(ctx, shift)), staff_buttons(shift))


async def _series_button(ctx: Ctx, press: ButtonPress, verb: str, series_id: int) -> None:
    series = await get_series(session=ctx.session, series_id=series_id)
    if series is None or series.status != ShiftStatus.ACTIVE:
        ctx.answer(press.callback_id, t("vol.staff.series_over", series=series_id), alert=True)
        return
    if verb == "stop":
        ctx.answer(press.callback_id, t("vol.staff.confirm_stop"))
        ctx.send(
            SendText(
                chat_id=press.chat.id,  # type: ignore[union-attr]
                text=t("vol.staff.stop_ask", series=series.id, title=escape(series.title)),
                inline=((button(t("vol.button.stop_confirm"), "vs", "stopok", series.id),),),
            )
        )
        return
    n, told = await stop_series(ctx, series.id)
    ctx.answer(press.callback_id)
    _edit_card(ctx, press, t("vol.cancelshift.series_done", series=series.id, n=n, told=told), None)


def _edit_card(ctx: Ctx, press: ButtonPress, text: str, inline) -> None:  # type: ignore[no-untyped-def]
    if press.chat is not None and press.message_id is not None:
        ctx.send(EditText(chat_id=press.chat.id, target=Target(message_id=press.message_id), text=text, inline=inline))


# volunteers: list, sign up, withdraw ---------------------------------------------------------------
@router.command("shifts", scope=Scope.PRIVATE)
async def volunteer_list(ctx: Ctx, msg: Message, _args: str) -> None:
    volunteer = await approved_volunteer(ctx, msg.chat.id)
    if volunteer is None:
        await refuse_message(ctx, msg.chat.id, msg.chat.id)
        return
    await send_list(ctx, volunteer)


async def send_list(ctx: Ctx, volunteer: Volunteer) -> None:
    chat = volunteer.person_id
    mine = await my_shifts(session=ctx.session, volunteer_id=volunteer.id, ending_after=ctx.now, limit=LIST_LIMIT)
    mine_ids = {s.id for s in mine}
    others = [
        s
        for s in await upcoming_shifts(
            session=ctx.session, after=ctx.now, before=ctx.now + timedelta(days=LIST_DAYS), limit=LIST_LIMIT * 3
        )
        if s.id not in mine_ids
    ]
    counts = await taken_places(session=ctx.session, shift_ids=[s.id for s in (*mine, *others)])
    my_areas = set(areas_of(volunteer))
    open_ones = [s for s in others if counts[s.id] < s.capacity]
    # the volunteer's own areas first, then by time
    open_ones.sort(key=lambda s: (s.area is not None and s.area not in my_areas, s.starts_at))
    open_ones = sorted(open_ones[: max(0, LIST_LIMIT - len(mine))], key=lambda s: s.starts_at)
    full = [s for s in others if counts[s.id] >= s.capacity]
    if not mine and not open_ones:
        ctx.send(SendText(chat_id=chat, text=t("vol.list.none", days=LIST_DAYS, full=len(full))))
        return
    lines: list[str] = []
    buttons = []
    if mine:
        lines.append(t("vol.list.mine_header"))
        for shift in mine:
            lines.append(shift_summary(ctx, shift) + "\n" + places_text(shift, counts[shift.id]))
            row = []
            if checkin_open(ctx, shift):
                row.append(button(t("vol.button.checkin_n", id=shift.id), "vc", "in", shift.id))
            if shift.starts_at > ctx.now:
                row.append(button(t("vol.button.withdraw_n", id=shift.id), "vo", "wd", shift.id))
            if row:
                buttons.append(tuple(row))
    if open_ones:
        lines.append(t("vol.list.open_header"))
        for shift in open_ones:
            star = t("vol.list.my_area") if shift.area in my_areas else ""
            lines.append(shift_summary(ctx, shift) + star + "\n" + places_text(shift, counts[shift.id]))
            buttons.append((button(t("vol.button.sign_n", id=shift.id), "vo", "sign", shift.id),))
    if full:
        lines.append(t("vol.list.full_count", n=len(full)))
    ctx.send(SendText(chat_id=chat, text="\n\n".join(lines), inline=tuple(buttons) or None))


@router.button("vo", staff=False)
async def volunteer_button(ctx: Ctx, press: ButtonPress, args: list[str]) -> None:
    volunteer = await approved_volunteer(ctx, press.sender.id)
    if volunteer is None:
        await refuse_press(ctx, press)
        return
    verb, shift_id = arg(args, 0), as_int(arg(args, 1))
    if verb == "list":
        ctx.answer(press.callback_id)
        await send_list(ctx, volunteer)
        return
    shift = await get_shift(session=ctx.session, shift_id=shift_id, for_update=True) if shift_id else None
    if shift is None or verb not in ("sign", "wd"):
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    if verb == "sign":
        await sign_up(ctx, press, volunteer, shift)
    else:
        await withdraw(ctx, press, volunteer, shift)


async def sign_up(ctx: Ctx, press: ButtonPress, volunteer: Volunteer, shift: Shift) -> None:
    """Sign up, under the shift's row lock: of two presses for the last place, one wins."""
    refusal = await _why_not(ctx, volunteer, shift)
    if refusal is not None:
        ctx.answer(press.callback_id, refusal, alert=True)
        return
    signup = await get_signup(session=ctx.session, shift_id=shift.id, volunteer_id=volunteer.id)
    if signup is None:
        signup = ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.id, signed_at=ctx.now)
    signup.status = SignupStatus.SIGNED
    signup.signed_at = ctx.now
    signup.left_at = signup.confirmed_at = signup.checked_in_at = None
    signup.attendance = signup.attendance_by = None
    signup.points = 0.0
    ctx.session.add(signup)
    ctx.answer(press.callback_id, t("vol.sign.done_short", id=shift.id))
    ctx.send(SendText(chat_id=volunteer.person_id, text=t("vol.sign.done") + "\n" + shift_summary(ctx, shift) + "\n" + t("vol.sign.will_remind")))


async def _why_not(ctx: Ctx, volunteer: Volunteer, shift: Shift) -> str | None:
    """Why a volunteer can't sign up for a shift now, in words; None if they can."""
    if shift.status != ShiftStatus.ACTIVE:
        return t("vol.sign.cancelled", id=shift.id)
    if shift.starts_at <= ctx.now:
        return t("vol.sign.past", id=shift.id)
    signup = await get_signup(session=ctx.session, shift_id=shift.id, volunteer_id=volunteer.id)
    if signup is not None and signup.status == SignupStatus.SIGNED:
        return t("vol.sign.already", id=shift.id)
    if await taken(ctx, shift) >= shift.capacity:
        return t("vol.sign.full", id=shift.id)
    clash = await overlapping(
        session=ctx.session, volunteer_id=volunteer.id, starts_at=shift.starts_at, ends_at=shift.ends_at, other_than=shift.id
    )
    if clash is not None:
        return t("vol.sign.overlap", id=shift.id, other=clash.id, title=clash.title, when=when_text(ctx, clash))
    return None


async def withdraw(ctx: Ctx, press: ButtonPress, volunteer: Volunteer, shift: Shift) -> None:
    signup = await get_signup(session=ctx.session, shift_id=shift.id, volunteer_id=volunteer.id)
    if signup is None or signup.status != SignupStatus.SIGNED or shift.status != ShiftStatus.ACTIVE:
        ctx.answer(press.callback_id, t("vol.withdraw.not_signed", id=shift.id), alert=True)
        return
    if shift.starts_at <= ctx.now:
        ctx.answer(press.callback_id, t("vol.withdraw.started", id=shift.id), alert=True)
        return
    left = await free_place(ctx, shift, signup, volunteer, SignupStatus.WITHDRAWN)
    ctx.answer(press.callback_id, t("vol.withdraw.done_short", id=shift.id))
    ctx.send(SendText(chat_id=volunteer.person_id, text=t("vol.withdraw.done", id=shift.id, title=escape(shift.title))))
    if starts_soon(ctx, shift):  # a late withdrawal: staff may need to find someone
        flag_short(ctx, shift, left, t("vol.staff.withdrew", name=escape(volunteer.name)))


