"""When a ticket becomes overdue: the timers planned as its state changes.

Each ticket has at most four timers, keyed by ticket id so re-planning replaces them:
claim_due and resolve_due (remind the staff group), claim_escalate and resolve_escalate
(tell the supervisor), the latter two planned by handlers/overdue.py when a reminder goes out.
The handlers re-check the ticket when a timer fires, so a stale timer does nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.context import Ctx
from handlers.deadline_config import Span, Times
from handlers.worktime import WorkingTime
from storage.tables import Ticket, TicketStatus, TimerStatus
from storage.tickets import last_event_at
from storage.timers import get_timer

CLAIM_DUE = "claim_due"
RESOLVE_DUE = "resolve_due"
CLAIM_ESCALATE = "claim_escalate"
RESOLVE_ESCALATE = "resolve_escalate"
KINDS = (CLAIM_DUE, RESOLVE_DUE, CLAIM_ESCALATE, RESOLVE_ESCALATE)

# what restarts each clock: a new cycle (arrival, reopening); for claiming, also unclaiming
_CLAIM_STARTS = ("created", "reopened", "unclaimed")
_RESOLVE_STARTS = ("created", "reopened")


def key(kind: str, ticket_id: int) -> str:
    return f"{kind}:{ticket_id}"


def working_time(ctx: Ctx) -> WorkingTime:
    return WorkingTime.of(ctx.rules)


def after(ctx: Ctx, ticket: Ticket, start: datetime, span: Span) -> datetime:
    """`span` after `start`: working time for ordinary tickets, clock time for urgent ones."""
    if ticket.urgent:
        return start + timedelta(days=span.days, minutes=span.minutes)
    wt = working_time(ctx)
    return wt.add(start, span.total_minutes(wt.day_minutes))


def times(ctx: Ctx, ticket: Ticket) -> Times:
    return ctx.rules.deadlines.times(ticket.category, urgent=ticket.urgent)


async def start(ctx: Ctx, ticket: Ticket, *, new: bool = False) -> None:
    """A new cycle: the ticket arrived (`new`: it has no timers yet) or was reopened.
    Both clocks start now."""
    assert ticket.id is not None
    if not new:
        await stop(ctx, ticket)
    allowed = times(ctx, ticket)
    await ctx.plan(key(CLAIM_DUE, ticket.id), CLAIM_DUE, ticket.id, after(ctx, ticket, ctx.now, allowed.claim))
    await ctx.plan(key(RESOLVE_DUE, ticket.id), RESOLVE_DUE, ticket.id, after(ctx, ticket, ctx.now, allowed.resolve))


async def claimed(ctx: Ctx, ticket: Ticket) -> None:
    assert ticket.id is not None
    await ctx.cancel(key(CLAIM_DUE, ticket.id))
    await ctx.cancel(key(CLAIM_ESCALATE, ticket.id))


async def unclaimed(ctx: Ctx, ticket: Ticket) -> None:
    """Back to open: a fresh time to be claimed; the time to be resolved runs on."""
    assert ticket.id is not None
    await ctx.cancel(key(CLAIM_ESCALATE, ticket.id))
    allowed = times(ctx, ticket)
    await ctx.plan(key(CLAIM_DUE, ticket.id), CLAIM_DUE, ticket.id, after(ctx, ticket, ctx.now, allowed.claim))


async def changed(ctx: Ctx, ticket: Ticket) -> None:
    """The category or urgency changed: move the deadlines not yet reached to the new times,
    counted from when each clock started. A reminder already sent is not sent again."""
    assert ticket.id is not None
    allowed = times(ctx, ticket)
    for kind, span in ((CLAIM_DUE, allowed.claim), (RESOLVE_DUE, allowed.resolve)):
        timer = await get_timer(session=ctx.session, key=key(kind, ticket.id))
        if timer is None or timer.status != TimerStatus.PENDING:
            continue
        began = await clock_started(ctx, ticket, kind)
        await ctx.plan(timer.key, kind, ticket.id, after(ctx, ticket, began, span))


async def clock_started(ctx: Ctx, ticket: Ticket, kind: str) -> datetime:
    """When the clock of a deadline timer of `kind` started for this ticket."""
    assert ticket.id is not None
    starts = _CLAIM_STARTS if kind in (CLAIM_DUE, CLAIM_ESCALATE) else _RESOLVE_STARTS
    return await last_event_at(session=ctx.session, ticket_id=ticket.id, kinds=starts) or ticket.created_at


async def stop(ctx: Ctx, ticket: Ticket) -> None:
    """Resolved or closed: nothing is overdue any more."""
    assert ticket.id is not None
    for kind in KINDS:
        await ctx.cancel(key(kind, ticket.id))


def still_matters(kind: str, ticket: Ticket) -> bool:
    """Whether a deadline timer of `kind` still means something for the ticket as it is now."""
    if kind in (CLAIM_DUE, CLAIM_ESCALATE):
        return ticket.status == TicketStatus.OPEN
    return ticket.status in (TicketStatus.OPEN, TicketStatus.CLAIMED)
