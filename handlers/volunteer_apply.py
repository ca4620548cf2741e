"""Joining: a resident applies (name, own phone, service areas, free time), staff approve or
reject from the group; staff can suspend and restore a volunteer.

The application is a Dialog row per person. Button data carries ids only; every press looks
the volunteer up again and checks the state it expects, so a double press or forged data
changes nothing.
"""

from __future__ import annotations

import json
from datetime import timedelta
from html import escape

from handlers.actions import EditText, Inline, KeyButton, ReplyKeyboard, SendText, Target
from handlers.buttons import arg, as_int, button, main_menu, rows
from handlers.context import Ctx
from handlers.events import ButtonPress, Kind, Message
from handlers.router import Router, Scope
from handlers.shift_cards import area_choices, volunteer_buttons, volunteer_card
from handlers.texts import t
from handlers.volunteering import flag_short, free_place, starts_soon, tell_staff
from storage.tables import Dialog, Person, SignupStatus, Volunteer, VolunteerStatus
from storage.volunteers import (
    count_volunteers,
    future_signups,
    get_shift,
    get_volunteer,
    list_volunteers,
    volunteer_of,
)

router = Router()

APPLY = "vol_apply"  # the dialog kind
NAME, PHONE, AREAS, FREE = "name", "phone", "areas", "free"
MAX_NAME = 20
MAX_FREE = 100
FREE_CHOICES = ("weekday_day", "weekday_evening", "weekend", "any")
LIST_LIMIT = 50


# the resident's side ---------------------------------------------------------------------------
@router.command("volunteer", scope=Scope.PRIVATE, menu="menu.volunteer")
async def volunteer_entry(ctx: Ctx, msg: Message, _args: str) -> None:
    person_id = msg.chat.id
    volunteer = await volunteer_of(session=ctx.session, person_id=person_id)
    status = volunteer.status if volunteer is not None else None
    if status == VolunteerStatus.APPROVED:
        ctx.send(SendText(chat_id=person_id, text=t("vol.home"), inline=home_buttons()))
        return
    if status in (VolunteerStatus.APPLIED, VolunteerStatus.SUSPENDED):
        ctx.send(SendText(chat_id=person_id, text=t(f"vol.refuse.{status}")))
        return
    dialog = await _live_dialog(ctx, person_id)
    if dialog is not None:
        _ask(ctx, person_id, dialog)
        return
    dialog = Dialog(user_id=person_id, kind=APPLY, step=NAME, data="{}", updated_at=ctx.now)
    ctx.session.add(dialog)
    ctx.send(SendText(chat_id=person_id, text=t("vol.apply.intro")))
    _ask(ctx, person_id, dialog)


def home_buttons() -> Inline:
    return ((button(t("vol.button.shifts"), "vo", "list"), button(t("vol.button.points"), "vp", "me")),)


@router.dialog(APPLY)
async def on_answer(ctx: Ctx, msg: Message, dialog: Dialog) -> bool:
    person_id = msg.chat.id
    if ctx.now - dialog.updated_at > timedelta(minutes=ctx.rules.volunteer_dialog_minutes):
        # long forgotten: this message is about something else (a request, most likely)
        await ctx.session.delete(dialog)
        return False
    if msg.kind is Kind.TEXT and msg.text.strip() == t("vol.apply.cancel_button"):
        await ctx.session.delete(dialog)
        ctx.send(SendText(chat_id=person_id, text=t("vol.apply.cancelled"), keyboard=main_menu()))
        return True
    data = json.loads(dialog.data)
    if dialog.step == NAME:
        name = " ".join(msg.text.split()) if msg.kind is Kind.TEXT else ""
        if not name or len(name) > MAX_NAME or name.startswith("/"):
            ctx.send(SendText(chat_id=person_id, text=t("vol.apply.bad_name", max=MAX_NAME)))
            return True
        data["name"] = name
        _advance(ctx, dialog, data, PHONE)
        ctx.send(SendText(chat_id=person_id, text=t("vol.apply.name_ok", name=escape(name))))
    elif dialog.step == PHONE:
        if msg.kind is not Kind.CONTACT or not msg.contact_phone:
            _ask(ctx, person_id, dialog, again=True)
            return True
        if msg.contact_user_id != person_id:  # someone else's card: not proof of their own number
            ctx.send(SendText(chat_id=person_id, text=t("vol.apply.not_own_phone"), keyboard=_phone_keyboard()))
            return True
        data["phone"] = msg.contact_phone
        _advance(ctx, dialog, data, AREAS)
        ctx.send(SendText(chat_id=person_id, text=t("vol.apply.phone_ok"), keyboard=_cancel_keyboard()))
    elif dialog.step == AREAS:
        _ask(ctx, person_id, dialog, again=True)
        return True
    elif dialog.step == FREE:
        free = " ".join(msg.text.split()) if msg.kind is Kind.TEXT else ""
        if not free or len(free) > MAX_FREE:
            ctx.send(SendText(chat_id=person_id, text=t("vol.apply.bad_free", max=MAX_FREE)))
            return True
        data["free"] = free
        await _submit(ctx, person_id, dialog, data)
        return True
    _ask(ctx, person_id, dialog)
    return True


def _advance(ctx: Ctx, dialog: Dialog, data: dict, step: str) -> None:
    dialog.step = step
    dialog.data = json.dumps(data, ensure_ascii=False)
    dialog.updated_at = ctx.now
    ctx.session.add(dialog)


def _ask(ctx: Ctx, chat_id: int, dialog: Dialog, *, again: bool = False) -> None:
    """The question of the dialog's step (again: after an answer that didn't fit)."""
    step = dialog.step
    if step == NAME:
        ctx.send(SendText(chat_id=chat_id, text=t("vol.apply.ask_name"), keyboard=_cancel_keyboard()))
    elif step == PHONE:
        key = "vol.apply.ask_phone_again" if again else "vol.apply.ask_phone"
        ctx.send(SendText(chat_id=chat_id, text=t(key), keyboard=_phone_keyboard()))
    elif step == AREAS:
        chosen = json.loads(dialog.data).get("areas", [])
        key = "vol.apply.ask_areas_again" if again else "vol.apply.ask_areas"
        ctx.send(SendText(chat_id=chat_id, text=t(key), inline=_area_picker(ctx, chosen)))
    elif step == FREE:
        ctx.send(SendText(chat_id=chat_id, text=t("vol.apply.ask_free"), inline=_free_picker()))


def _cancel_keyboard() -> ReplyKeyboard:
    return ReplyKeyboard(rows=((KeyButton(text=t("vol.apply.cancel_button")),),))


def _phone_keyboard() -> ReplyKeyboard:
    return ReplyKeyboard(
        rows=(
            (KeyButton(text=t("vol.apply.phone_button"), request_contact=True),),
            (KeyButton(text=t("vol.apply.cancel_button")),),
        ),
        one_time=True,
    )


def _area_picker(ctx: Ctx, chosen: list[str]) -> Inline:
    choices = [
        button(("✅ " if cid in chosen else "") + name, "va", "a", cid) for cid, name in area_choices(ctx).items()
    ]
    return (*rows(choices, 2), (button(t("vol.button.areas_done"), "va", "done"),))


def _free_picker() -> Inline:
    choices = [button(t(f"vol.free.{c}"), "va", "f", c) for c in FREE_CHOICES]
    return rows(choices, 2)


async def _live_dialog(ctx: Ctx, person_id: int) -> Dialog | None:
    dialog = await ctx.session.get(Dialog, person_id)
    if dialog is None or dialog.kind != APPLY:
        return None
    if ctx.now - dialog.updated_at > timedelta(minutes=ctx.rules.volunteer_dialog_minutes):
        await ctx.session.delete(dialog)
        await ctx.session.flush()
        return None
    return dialog


@router.button("va", staff=False)
async def application_button(ctx: Ctx, press: ButtonPress, args: list[str]) -> None:
    person_id = press.sender.id
    dialog = await _live_dialog(ctx, person_id)
    verb, value = arg(args, 0), arg(args, 1)
    if dialog is None or press.chat is None or press.chat.id != person_id:
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    data = json.loads(dialog.data)
    if verb == "a" and dialog.step == AREAS and value in area_choices(ctx):
        chosen = data.setdefault("areas", [])
        if value in chosen:
            chosen.remove(value)
        else:
            chosen.append(value)
        _advance(ctx, dialog, data, AREAS)
        ctx.answer(press.callback_id)
        if press.message_id is not None:
            ctx.send(
                EditText(
                    chat_id=person_id,
                    target=Target(message_id=press.message_id),
                    text=t("vol.apply.ask_areas"),
                    inline=_area_picker(ctx, chosen),
                )
            )
    elif verb == "done" and dialog.step == AREAS:
        if not data.get("areas"):
            ctx.answer(press.callback_id, t("vol.apply.no_areas"), alert=True)
            return
        ctx.answer(press.callback_id)
        _advance(ctx, dialog, data, FREE)
        _ask(ctx, person_id, dialog)
    elif verb == "f" and dialog.step == FREE and value in FREE_CHOICES:
        ctx.answer(press.callback_id)
        data["free"] = t(f"vol.free.{value}")
        await _submit(ctx, person_id, dialog, data)
    else:
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)


async def _submit(ctx: Ctx, person_id: int, dialog: Dialog, data: dict) -> None:
    await ctx.session.delete(dialog)
    volunteer = await volunteer_of(session=ctx.session, person_id=person_id, for_update=True)
    if volunteer is not None and volunteer.status not in (VolunteerStatus.REJECTED,):
        # approved or suspended meanwhile (two chats at once): nothing to apply for
        ctx.send(SendText(chat_id=person_id, text=t(f"vol.refuse.{volunteer.status}"), keyboard=main_menu()))
        return
    if volunteer is None:
        volunteer = Volunteer(person_id=person_id, name="", phone="", applied_at=ctx.now)
    volunteer.name = data["name"]
    volunteer.phone = data["phone"]
    volunteer.areas = json.dumps(data.get("areas", []))
    volunteer.availability = data["free"]
    volunteer.status = VolunteerStatus.APPLIED
    volunteer.applied_at = ctx.now
    volunteer.decided_at = volunteer.decided_by = volunteer.decided_by_name = None
    ctx.session.add(volunteer)
    person = await ctx.session.get(Person, person_id)
    if person is not None:
        person.phone = data["phone"]
    await ctx.session.flush()
    ctx.send(SendText(chat_id=person_id, text=t("vol.apply.submitted"), keyboard=main_menu()))
    tell_staff(ctx, await _card(ctx, volunteer), volunteer_buttons(volunteer))


async def _card(ctx: Ctx, volunteer: Volunteer) -> str:
    person = await ctx.session.get(Person, volunteer.person_id)
    return volunteer_card(ctx, volunteer, person.username if person else None)


# the staff's side --------------------------------------------------------------------------------
@router.command("volunteers", scope=Scope.STAFF)
async def list_or_show(ctx: Ctx, msg: Message, args: str) -> None:
    """/volunteers lists them; /volunteers 3 shows one, with its buttons."""
    if args.strip():
        volunteer_id = as_int(args.strip().lstrip("#"))
        volunteer = await get_volunteer(session=ctx.session, volunteer_id=volunteer_id) if volunteer_id else None
        if volunteer is None:
            ctx.send(SendText(chat_id=msg.chat.id, text=t("vol.staff.no_volunteer", id=escape(args.strip()))))
            return
        ctx.send(SendText(chat_id=msg.chat.id, text=await _card(ctx, volunteer), inline=volunteer_buttons(volunteer)))
        return
    volunteers = await list_volunteers(session=ctx.session, limit=LIST_LIMIT)
    if not volunteers:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("vol.staff.none")))
        return
    counts = await count_volunteers(session=ctx.session)
    summary = "，".join(f"{t(f'vol.status.{status}')} {counts[status]}" for status in VolunteerStatus if counts.get(status))
    lines = [t("vol.staff.list_header", n=sum(counts.values()), summary=summary)]
    for v in volunteers:
        lines.append(t("vol.staff.list_line", id=v.id, name=escape(v.name), phone=escape(v.phone), status=t(f"vol.status.{v.status}")))
    if sum(counts.values()) > len(volunteers):
        lines.append(t("vol.staff.list_more", n=sum(counts.values()) - len(volunteers)))
    ctx.send(SendText(chat_id=msg.chat.id, text="\n".join(lines)))


@router.button("vr", staff=True)
async def review_button(ctx: Ctx, press: ButtonPress, args: list[str]) -> None:
    verb, volunteer_id = arg(args, 0), as_int(arg(args, 1))
    action = _REVIEW.get(verb)
    volunteer = await get_volunteer(session=ctx.session, volunteer_id=volunteer_id, for_update=True) if volunteer_id else None
    if volunteer is None or (action is None and verb not in ("sus", "back")):
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    if verb == "sus" and volunteer.status == VolunteerStatus.APPROVED and press.message_id is not None:
        # suspending gives up their places on shifts to come: ask once more
        ctx.answer(press.callback_id, t("vol.staff.confirm_suspend"))
        confirm = ((button(t("vol.button.suspend_confirm"), "vr", "susok", volunteer.id), button(t("button.back"), "vr", "back", volunteer.id)),)
        ctx.send(EditText(chat_id=press.chat.id, target=Target(message_id=press.message_id), text=await _card(ctx, volunteer), inline=confirm))  # type: ignore[union-attr]
        return
    if action is None:  # back, or a suspend button on a card that is out of date
        ctx.answer(press.callback_id)
        await _refresh_card(ctx, press, volunteer)
        return
    expected, new_status = action
    if volunteer.status != expected:
        ctx.answer(press.callback_id, t("vol.staff.already", name=volunteer.name, status=t(f"vol.status.{volunteer.status}")), alert=True)
        await _refresh_card(ctx, press, volunteer)
        return
    volunteer.status = new_status
    volunteer.decided_at = ctx.now
    volunteer.decided_by = press.sender.id
    volunteer.decided_by_name = press.sender.full_name
    ctx.session.add(volunteer)
    who = volunteer.person_id
    if verb == "ok":
        ctx.send(SendText(chat_id=who, text=t("vol.told.approved", centre=escape(ctx.rules.centre_name)), inline=home_buttons()))
    elif verb == "no":
        ctx.send(SendText(chat_id=who, text=t("vol.told.rejected")))
    elif verb == "susok":
        freed = await _free_future_signups(ctx, volunteer)
        told = t("vol.told.suspended_freed", n=freed) if freed else t("vol.told.suspended")
        ctx.send(SendText(chat_id=who, text=told))
    else:
        ctx.send(SendText(chat_id=who, text=t("vol.told.restored"), inline=home_buttons()))
    ctx.answer(press.callback_id, t(f"vol.staff.done_{verb}", name=volunteer.name))
    await _refresh_card(ctx, press, volunteer)


# verb -> (the status it acts on, the status it sets)
_REVIEW = {
    "ok": (VolunteerStatus.APPLIED, VolunteerStatus.APPROVED),
    "no": (VolunteerStatus.APPLIED, VolunteerStatus.REJECTED),
    "susok": (VolunteerStatus.APPROVED, VolunteerStatus.SUSPENDED),
    "res": (VolunteerStatus.SUSPENDED, VolunteerStatus.APPROVED),
}


async def _refresh_card(ctx: Ctx, press: ButtonPress, volunteer: Volunteer) -> None:
    if press.message_id is None or press.chat is None:
        return
    ctx.send(
        EditText(
            chat_id=press.chat.id,
            target=Target(message_id=press.message_id),
            text=await _card(ctx, volunteer),
            inline=volunteer_buttons(volunteer),
        )
    )


async def _free_future_signups(ctx: Ctx, volunteer: Volunteer) -> int:
    """A suspended volunteer's places on shifts to come are given up at once."""
    freed = 0
    for signup, shift in await future_signups(session=ctx.session, volunteer_id=volunteer.id, after=ctx.now):
        shift = await get_shift(session=ctx.session, shift_id=shift.id, for_update=True)
        if shift is None or signup.status != SignupStatus.SIGNED:
            continue
        left = await free_place(ctx, shift, signup, volunteer, SignupStatus.FREED)
        freed += 1
        if starts_soon(ctx, shift):
            flag_short(ctx, shift, left, t("vol.staff.freed_by_suspension", name=escape(volunteer.name)))
    return freed
