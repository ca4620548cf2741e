"""What the statistics are computed from: one row of facts per ticket, in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Person, Ticket, TicketEvent, TicketStatus

# Closing reasons that mean the ticket was solved (rated or not).
SOLVED_REASONS = ("resolved", "unrated")


@dataclass(frozen=True)
class TicketFacts:
    id: int
    category: str
    status: str
    close_reason: str | None
    urgent: bool
    rating: str | None
    reopened: int  # times the resident reopened it
    created_at: datetime
    taken_at: datetime | None  # first claimed (or resolved without a claim) by staff
    resolved_at: datetime | None  # its last resolution, if that resolution still stands
    ever_resolved: bool


async def ticket_facts(*, session: AsyncSession, since: datetime, until: datetime) -> list[TicketFacts]:
    """Facts about the tickets that arrived in [since, until)."""
    taken = (
        select(TicketEvent.ticket_id, func.min(TicketEvent.at).label("at"))
        .where(col(TicketEvent.kind).in_(("claimed", "resolved")))
        .group_by(col(TicketEvent.ticket_id))
        .subquery()
    )
    resolved = (
        select(TicketEvent.ticket_id, func.max(TicketEvent.at).label("at"))
        .where(TicketEvent.kind == "resolved")
        .group_by(col(TicketEvent.ticket_id))
        .subquery()
    )
    query = (
        select(  # columns, not whole tickets: a month of a busy centre is thousands of rows
            Ticket.id,
            Ticket.category,
            Ticket.status,
            Ticket.close_reason,
            Ticket.urgent,
            Ticket.rating,
            Ticket.reopened_count,
            Ticket.created_at,
            taken.c.at,
            resolved.c.at,
        )
        .outerjoin(taken, taken.c.ticket_id == Ticket.id)
        .outerjoin(resolved, resolved.c.ticket_id == Ticket.id)
        .where(Ticket.created_at >= since, Ticket.created_at < until)
        .order_by(col(Ticket.id))
    )
    facts = []
    for tid, category, status, reason, urgent, rating, reopened, created, taken_at, resolved_at in (
        await session.exec(query)
    ).all():
        facts.append(
            TicketFacts(
                id=tid,
                category=category,
                status=status,
                close_reason=reason,
                urgent=urgent,
                rating=rating,
                reopened=reopened,
                created_at=created,
                taken_at=taken_at,
                resolved_at=resolved_at if is_solved(status, reason) else None,
                ever_resolved=resolved_at is not None,
            )
        )
    return facts


def is_solved(status: str, close_reason: str | None) -> bool:
    """Resolved by staff, and not taken back by the resident since."""
    return status == TicketStatus.RESOLVED or (status == TicketStatus.CLOSED and close_reason in SOLVED_REASONS)


async def tickets_created(*, session: AsyncSession, since: datetime, until: datetime) -> list[tuple[Ticket, Person | None]]:
    """The tickets that arrived in [since, until), oldest first, each with its resident."""
    query = (
        select(Ticket, Person)
        .outerjoin(Person, col(Person.id) == col(Ticket.resident_id))
        .where(Ticket.created_at >= since, Ticket.created_at < until)
        .order_by(col(Ticket.id))
    )
    return list((await session.exec(query)).all())


async def history_of_tickets_created(*, session: AsyncSession, since: datetime, until: datetime) -> list[TicketEvent]:
    """Every event of the tickets that arrived in [since, until), ticket by ticket."""
    ids = select(Ticket.id).where(Ticket.created_at >= since, Ticket.created_at < until)
    query = (
        select(TicketEvent)
        .where(col(TicketEvent.ticket_id).in_(ids.scalar_subquery()))
        .order_by(col(TicketEvent.ticket_id), col(TicketEvent.id))
    )
    return list((await session.exec(query)).all())
