"""Overdue tickets raised again: in the staff group when a deadline passes, and in the
supervisor chat when it stays missed. Timers are planned by handlers/deadlines.py.

Every handler looks at the ticket as it is when the timer fires: a ticket claimed or
resolved meanwhile (perhaps while the bot was down) gets no reminder. Ordinary tickets
are raised only in working hours; a timer that fires outside them waits for the opening.
"""

from __future__ import annotations

from html import escape

from handlers import deadlines
from handlers.actions import SendText, Target
from handlers.cards import card_buttons, category_name, local_time, snippet
from handlers.context import Ctx
from handlers.lateness import wait_if_late
from handlers.router import Router
from handlers.texts import t
from handlers.tickets import CARD, STAFF
from storage.tables import Ticket, Timer
from storage.tickets import add_event, get_ticket

router = Router()


def duration(minutes: float) -> str:
    """A span for people: "25 分钟", "3 小时", "2 天"."""
    if minutes < 60:
        return t("duration.minutes", n=max(0, int(minutes)))
    if minutes < 48 * 60:
        hours = minutes / 60
        return t("duration.hours", n=f"{hours:.1f}".rstrip("0").rstrip(".") if hours < 10 else int(hours))
    return t("duration.days", n=f"{minutes / 1440:.1f}".rstrip("0").rstrip("."))


async def _waited(ctx: Ctx, ticket: Ticket, kind: str) -> str:
    """How long the ticket has waited, since the clock of this kind of deadline started."""
    began = await deadlines.clock_started(ctx, ticket, kind)
    return duration((ctx.now - began).total_seconds() / 60)


def _who(ticket: Ticket) -> str:
    """The person who claimed it, as a mention so Telegram tells them."""
    if ticket.assignee_id is None:
        return t("overdue.nobody")
    name = escape(ticket.assignee_name or str(ticket.assignee_id))
    return f'<a href="tg://user?id={ticket.assignee_id}">{name}</a>'


async def _due_ticket(ctx: Ctx, timer: Timer) -> Ticket | None:
    """The ticket if the timer still means something now. A timer that fires late (the bot
    was down) waits a minute for the updates that queued up; one that fires outside working
    hours for an ordinary ticket is moved to the next opening."""
    ticket = await get_ticket(session=ctx.session, ticket_id=timer.subject_id)
    if ticket is None or not deadlines.still_matters(timer.kind, ticket):
        return None
    if await wait_if_late(ctx, timer):
        return None
    if not ticket.urgent:
        wt = deadlines.working_time(ctx)
        if not wt.is_working(ctx.now):
            await ctx.plan(timer.key, timer.kind, timer.subject_id, wt.next_opening(ctx.now))
            return None
    return ticket


async def _record(ctx: Ctx, ticket: Ticket, what: str) -> None:
    assert ticket.id is not None
    await add_event(session=ctx.session, ticket_id=ticket.id, kind="overdue", now=ctx.now, text=t(what))


async def _plan_escalation(ctx: Ctx, ticket: Ticket, kind: str) -> None:
    assert ticket.id is not None
    if ctx.rules.supervisor_chat_id is None:
        return
    span = deadlines.times(ctx, ticket).escalate
    when = deadlines.after(ctx, ticket, ctx.now, span)
    await ctx.plan(deadlines.key(kind, ticket.id), kind, ticket.id, when)


@router.timer(deadlines.CLAIM_DUE)
async def claim_overdue(ctx: Ctx, timer: Timer) -> None:
    ticket = await _due_ticket(ctx, timer)
    if ticket is None or ctx.staff_chat_id is None:
        return
    waited = await _waited(ctx, ticket, timer.kind)
    text = t("overdue.claim", id=ticket.id, category=category_name(ctx, ticket.category), waited=waited)
    _raise_in_staff_group(ctx, ticket, text)
    await _record(ctx, ticket, "overdue.event_claim")
    await _plan_escalation(ctx, ticket, deadlines.CLAIM_ESCALATE)


@router.timer(deadlines.RESOLVE_DUE)
async def resolve_overdue(ctx: Ctx, timer: Timer) -> None:
    ticket = await _due_ticket(ctx, timer)
    if ticket is None or ctx.staff_chat_id is None:
        return
    waited = await _waited(ctx, ticket, timer.kind)
    text = t(
        "overdue.resolve",
        id=ticket.id,
        category=category_name(ctx, ticket.category),
        waited=waited,
        who=_who(ticket),
    )
    _raise_in_staff_group(ctx, ticket, text)
    await _record(ctx, ticket, "overdue.event_resolve")
    await _plan_escalation(ctx, ticket, deadlines.RESOLVE_ESCALATE)


def _raise_in_staff_group(ctx: Ctx, ticket: Ticket, text: str) -> None:
    """The reminder sits at the bottom of the chat, answers the card and carries its buttons,
    so whoever sees it can act without scrolling up."""
    assert ctx.staff_chat_id is not None
    ctx.send(
        SendText(
            chat_id=ctx.staff_chat_id,
            text=text,
            inline=card_buttons(ticket),
            reply_to=Target(ticket_id=ticket.id, role=CARD),
        ),
        ticket_id=ticket.id,
        role=STAFF,
    )


@router.timer(deadlines.CLAIM_ESCALATE)
@router.timer(deadlines.RESOLVE_ESCALATE)
async def tell_supervisor(ctx: Ctx, timer: Timer) -> None:
    supervisor = ctx.rules.supervisor_chat_id
    ticket = await _due_ticket(ctx, timer)
    if ticket is None or supervisor is None:
        return
    waited = await _waited(ctx, ticket, timer.kind)
    key = "overdue.supervisor_claim" if timer.kind == deadlines.CLAIM_ESCALATE else "overdue.supervisor_resolve"
    text = t(
        key,
        id=ticket.id,
        category=category_name(ctx, ticket.category),
        waited=waited,
        who=_who(ticket),
        time=local_time(ctx, ticket.created_at),
        snippet=snippet(ticket.text or "…", 80),
    )
    ctx.send(SendText(chat_id=supervisor, text=text), ticket_id=ticket.id)
    await _record(ctx, ticket, "overdue.event_supervisor")
