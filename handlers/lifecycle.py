"""A ticket's life: claimed, resolved, closed, reopened. Each change is an event row,
an updated staff card and a word to the resident."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from handlers import deadlines, rating
from handlers.context import Ctx
from handlers.events import Person
from handlers.texts import t
from handlers.tickets import note_staff, refresh_card, tell_resident, touch
from storage.tables import CategoryCorrection, Ticket, TicketStatus
from storage.tickets import add_event

# Closing reasons a ticket can be reopened from by the resident's reply.
REOPENABLE = {"resolved", "unrated", None}


async def claim(ctx: Ctx, ticket: Ticket, staff: Person) -> None:
    ticket.status = TicketStatus.CLAIMED
    ticket.assignee_id = staff.id
    ticket.assignee_name = staff.full_name
    ticket.claimed_at = ticket.claimed_at or ctx.now
    touch(ctx, ticket)
    await _event(ctx, ticket, "claimed", staff, "staff")
    await deadlines.claimed(ctx, ticket)
    await refresh_card(ctx, ticket)
    tell_resident(ctx, ticket, t("resident.claimed", id=ticket.id))


async def unclaim(ctx: Ctx, ticket: Ticket, staff: Person) -> None:
    ticket.status = TicketStatus.OPEN
    ticket.assignee_id = None
    ticket.assignee_name = None
    touch(ctx, ticket)
    await _event(ctx, ticket, "unclaimed", staff, "staff")
    await deadlines.unclaimed(ctx, ticket)
    await refresh_card(ctx, ticket)


async def resolve(ctx: Ctx, ticket: Ticket, staff: Person) -> None:
    ticket.status = TicketStatus.RESOLVED
    ticket.resolved_at = ctx.now
    if ticket.assignee_id is None:
        ticket.assignee_id, ticket.assignee_name = staff.id, staff.full_name
    touch(ctx, ticket)
    await _event(ctx, ticket, "resolved", staff, "staff")
    await deadlines.stop(ctx, ticket)
    await refresh_card(ctx, ticket)
    await announce_resolved(ctx, ticket)


async def announce_resolved(ctx: Ctx, ticket: Ticket) -> None:
    """The one place a resolved ticket is announced to the resident: the news, then the
    satisfaction poll (the ticket is done only when the resident says so)."""
    tell_resident(ctx, ticket, t("resident.resolved", id=ticket.id))
    await rating.ask(ctx, ticket)


async def close(
    ctx: Ctx, ticket: Ticket, reason: str, actor: Person | None, role: str, *, quiet: bool = False
) -> None:
    """Close for good. `quiet`: the caller tells the resident in its own words."""
    poll_open = ticket.status == TicketStatus.RESOLVED
    ticket.status = TicketStatus.CLOSED
    ticket.close_reason = reason
    ticket.closed_at = ctx.now
    touch(ctx, ticket)
    await _event(ctx, ticket, "withdrawn" if reason == "withdrawn" else "closed", actor, role, text=reason)
    await deadlines.stop(ctx, ticket)
    await rating.end(ctx, ticket, poll_open=poll_open)
    await refresh_card(ctx, ticket)
    if quiet:
        return
    if reason == "withdrawn":
        if ticket.assignee_id is not None:
            note_staff(ctx, ticket, t("staff.withdrawn_note", id=ticket.id))
        tell_resident(ctx, ticket, t("my.withdrawn", id=ticket.id))
    else:
        tell_resident(ctx, ticket, t("resident.closed", id=ticket.id, reason=t(f"close_reason.{reason}")))


async def change_category(ctx: Ctx, ticket: Ticket, new: str, actor: Person, role: str) -> bool:
    old = ticket.category
    if new == old:
        return False
    ticket.category = new
    touch(ctx, ticket)
    await _event(ctx, ticket, "category_changed", actor, role, data={"old": old, "new": new})
    await deadlines.changed(ctx, ticket)
    ctx.session.add(
        CategoryCorrection(
            ticket_id=ticket.id,
            text=ticket.text,
            from_category=old,
            to_category=new,
            actor_id=actor.id,
            actor_role=role,
            at=ctx.now,
        )
    )
    await refresh_card(ctx, ticket)
    return True


async def change_urgency(ctx: Ctx, ticket: Ticket, urgent: bool, actor: Person, role: str) -> bool:
    """Staff say whether someone is in danger: the deadlines follow, and the event is what
    the urgency model can later learn from (`minhu keywords export`)."""
    if ticket.urgent == urgent:
        return False
    ticket.urgent = urgent
    touch(ctx, ticket)
    await _event(ctx, ticket, "urgency_changed", actor, role, data={"urgent": urgent})
    await deadlines.changed(ctx, ticket)
    await refresh_card(ctx, ticket)
    return True


def can_reopen(ctx: Ctx, ticket: Ticket) -> bool:
    """A finished ticket the resident may reopen by replying, within the configured days."""
    if ticket.status == TicketStatus.RESOLVED:
        return True
    if ticket.status != TicketStatus.CLOSED or ticket.close_reason not in REOPENABLE:
        return False
    finished = ticket.closed_at or ticket.resolved_at or ticket.updated_at
    return ctx.now - finished <= timedelta(days=ctx.rules.reopen_days)


async def reopen(ctx: Ctx, ticket: Ticket, actor: Person | None, role: str, why: str) -> None:
    """Back to open: the resident says it is not done. The earlier verdict no longer holds."""
    poll_open = ticket.status == TicketStatus.RESOLVED
    ticket.status = TicketStatus.OPEN
    ticket.reopened_count += 1
    ticket.assignee_id = None
    ticket.assignee_name = None
    ticket.claimed_at = None
    ticket.resolved_at = None
    ticket.closed_at = None
    ticket.close_reason = None
    ticket.rating = None
    ticket.rating_comment = None
    ticket.last_resident_at = ctx.now
    touch(ctx, ticket)
    await _event(ctx, ticket, "reopened", actor, role, text=why)
    await rating.end(ctx, ticket, poll_open=poll_open)
    await deadlines.start(ctx, ticket)
    await refresh_card(ctx, ticket)
    note_staff(ctx, ticket, t("staff.reopened_note", id=ticket.id, why=escape(why)))


async def _event(
    ctx: Ctx,
    ticket: Ticket,
    kind: str,
    actor: Person | None,
    role: str,
    *,
    text: str | None = None,
    data: dict | None = None,
) -> None:
    await add_event(
        session=ctx.session,
        ticket_id=ticket.id,
        kind=kind,
        now=ctx.now,
        actor_id=actor.id if actor else None,
        actor_name=actor.full_name if actor else None,
        actor_role=role,
        text=text,
        data=data,
    )


