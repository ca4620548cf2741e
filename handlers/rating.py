"""The satisfaction poll a resident gets when staff resolve a ticket: asking, and ending it.

The poll is non-anonymous, so its answer (a PollAnswer with the resident and the poll id)
finds the ticket through the poll message's link. What each answer does lives in
handlers/satisfaction.py; this module only sends, plans and stops, so lifecycle.py can
use it without importing the handlers that use lifecycle.py.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.actions import SendPoll, StopPoll, Target
from handlers.context import Ctx
from handlers.texts import t
from storage.tables import Ticket

POLL = "poll"  # the role of the poll message among a ticket's messages
REMIND = "poll_remind"
CLOSE = "poll_close"

# The answers, in the order the poll shows them: option id -> rating key (catalogue rating.*)
RATINGS = ("very_satisfied", "satisfied", "so_so", "dissatisfied", "not_solved")
CONTENT = ("very_satisfied", "satisfied", "so_so")  # these close the ticket with thanks


def key(kind: str, ticket_id: int) -> str:
    return f"{kind}:{ticket_id}"


def poll_target(ticket_id: int) -> Target:
    return Target(ticket_id=ticket_id, role=POLL)


async def ask(ctx: Ctx, ticket: Ticket) -> None:
    """Send the poll to the resident and plan the reminder and the closing without answer."""
    assert ticket.id is not None
    ctx.send(
        SendPoll(
            chat_id=ticket.chat_id,
            question=t("satisfaction.question", id=ticket.id),
            options=tuple(t(f"rating.{rating}") for rating in RATINGS),
        ),
        ticket_id=ticket.id,
        role=POLL,
    )
    remind = timedelta(hours=ctx.rules.poll_reminder_hours)
    close = timedelta(hours=ctx.rules.poll_close_hours)
    if remind < close:  # a reminder at or after the closing would say nothing useful
        await ctx.plan(key(REMIND, ticket.id), REMIND, ticket.id, ctx.now + remind)
    await ctx.plan(key(CLOSE, ticket.id), CLOSE, ticket.id, ctx.now + close)


async def end(ctx: Ctx, ticket: Ticket, *, poll_open: bool) -> None:
    """No more waiting for an answer: cancel the timers; stop the poll if it still takes votes."""
    assert ticket.id is not None
    await ctx.cancel(key(REMIND, ticket.id))
    await ctx.cancel(key(CLOSE, ticket.id))
    if poll_open:
        ctx.send(StopPoll(chat_id=ticket.chat_id, target=poll_target(ticket.id)), ticket_id=ticket.id)


def rating_of(option_ids: tuple[int, ...]) -> str | None:
    """The rating an answer chose; None for a withdrawn vote or a forged option."""
    if len(option_ids) != 1 or not 0 <= option_ids[0] < len(RATINGS):
        return None
    return RATINGS[option_ids[0]]
