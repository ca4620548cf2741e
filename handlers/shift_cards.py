"""How shifts and volunteers look: times in the centre's time zone, lines, cards."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from handlers.actions import Inline
from handlers.buttons import button
from handlers.cards import category_name
from handlers.context import Ctx
from handlers.texts import t
from storage.tables import Shift, ShiftStatus, Volunteer, VolunteerStatus


def local(ctx: Ctx, when: datetime) -> datetime:
    return when.astimezone(ctx.rules.tz)


def day_text(ctx: Ctx, when: datetime) -> str:
    """"12月2日（周三）" in the centre's time zone."""
    at = local(ctx, when)
    return t("vol.day", month=at.month, day=at.day, weekday=t(f"vol.weekday.{at.isoweekday()}"))


def when_text(ctx: Ctx, shift: Shift) -> str:
    """"12月2日（周三）09:00-11:00"; a shift that ends on another day says so."""
    start, end = local(ctx, shift.starts_at), local(ctx, shift.ends_at)
    if start.date() == end.date():
        return f"{day_text(ctx, shift.starts_at)}{start:%H:%M}-{end:%H:%M}"
    return f"{day_text(ctx, shift.starts_at)}{start:%H:%M} - {day_text(ctx, shift.ends_at)}{end:%H:%M}"


def hours(shift: Shift) -> float:
    return (shift.ends_at - shift.starts_at).total_seconds() / 3600


def points_for(ctx: Ctx, shift: Shift) -> float:
    return round(hours(shift) * ctx.rules.points_per_hour, 1)


def number(value: float) -> str:
    """2 rather than 2.0; 1.5 stays."""
    return f"{value:g}"


def area_name(ctx: Ctx, area: str | None) -> str:
    return category_name(ctx, area) if area else t("vol.area_any")


def areas_of(volunteer: Volunteer) -> list[str]:
    return list(json.loads(volunteer.areas or "[]"))


def area_choices(ctx: Ctx) -> dict[str, str]:
    """The service areas volunteers pick from and shifts belong to: the categories, bar "other"."""
    ids = ctx.services.classifier.taxonomy.ids
    return {cid: category_name(ctx, cid) for cid in ids if cid != "other"}


def shift_summary(ctx: Ctx, shift: Shift) -> str:
    lines = [
        t("vol.shift.title", id=shift.id, title=escape(shift.title)),
        t("vol.shift.when", when=when_text(ctx, shift)),
    ]
    if shift.place:
        lines.append(t("vol.shift.place", place=escape(shift.place)))
    if shift.area:
        lines.append(t("vol.shift.area", area=area_name(ctx, shift.area)))
    return "\n".join(lines)


def places_text(shift: Shift, taken: int) -> str:
    free = shift.capacity - taken
    if free <= 0:
        return t("vol.shift.full", taken=taken, capacity=shift.capacity)
    return t("vol.shift.free", free=free, taken=taken, capacity=shift.capacity)


def staff_card(ctx: Ctx, shift: Shift, taken: int) -> str:
    lines = [shift_summary(ctx, shift), places_text(shift, taken)]
    if shift.series_id is not None:
        lines.append(t("vol.shift.weekly_mark", series=shift.series_id))
    if shift.status == ShiftStatus.CANCELLED:
        lines.insert(0, t("vol.shift.cancelled_mark"))
    return "\n".join(lines)


def staff_buttons(shift: Shift) -> Inline | None:
    if shift.status != ShiftStatus.ACTIVE:
        return None
    first = (button(t("vol.button.roster"), "vs", "roster", shift.id), button(t("vol.button.cancel_shift"), "vs", "cancel", shift.id))
    if shift.series_id is None:
        return (first,)
    return (first, (button(t("vol.button.stop_series"), "vs", "stop", shift.series_id),))


def volunteer_card(ctx: Ctx, volunteer: Volunteer, username: str | None) -> str:
    areas = "、".join(area_name(ctx, a) for a in areas_of(volunteer)) or t("vol.area_any")
    lines = [
        t("vol.card.title", id=volunteer.id),
        t("vol.card.name", name=escape(volunteer.name)),
        t("vol.card.phone", phone=escape(volunteer.phone)),
    ]
    if username:
        lines.append(t("vol.card.username", username=escape(username)))
    lines += [
        t("vol.card.areas", areas=areas),
        t("vol.card.free", free=escape(volunteer.availability) or "—"),
        t("vol.card.applied", time=local(ctx, volunteer.applied_at).strftime("%m-%d %H:%M")),
        t("vol.card.status", status=t(f"vol.status.{volunteer.status}")),
    ]
    if volunteer.decided_by_name and volunteer.status != VolunteerStatus.APPLIED:
        lines[-1] += t("vol.card.by", name=escape(volunteer.decided_by_name))
    return "\n".join(lines)


def volunteer_buttons(volunteer: Volunteer) -> Inline | None:
    vid = volunteer.id
    if volunteer.status == VolunteerStatus.APPLIED:
        return ((button(t("vol.button.approve"), "vr", "ok", vid), button(t("vol.button.reject"), "vr", "no", vid)),)
    if volunteer.status == VolunteerStatus.APPROVED:
        return ((button(t("vol.button.suspend"), "vr", "sus", vid),),)
    if volunteer.status == VolunteerStatus.SUSPENDED:
        return ((button(t("vol.button.restore"), "vr", "res", vid),),)
    return None
