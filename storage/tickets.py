"""Tickets, their history and the Telegram messages that are about them."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import ACTIVE_STATUSES, MessageLink, Ticket, TicketEvent, TicketStatus


async def create_ticket(
    *,
    session: AsyncSession,
    resident_id: int,
    chat_id: int,
    text: str,
    category: str,
    confidence: float,
    urgent: bool,
    keywords: tuple[str, ...] | list[str],
    now: datetime,
    urgent_keywords: tuple[str, ...] | list[str] = (),
) -> Ticket:
    ticket = Ticket(
        resident_id=resident_id,
        chat_id=chat_id,
        text=text,
        category=category,
        confidence=confidence,
        urgent=urgent,
        keywords=json.dumps(list(keywords), ensure_ascii=False),
        urgent_keywords=json.dumps(list(urgent_keywords), ensure_ascii=False),
        status=TicketStatus.OPEN,
        created_at=now,
        updated_at=now,
        last_resident_at=now,
    )
    session.add(ticket)
    await session.flush()
    return ticket


async def get_ticket(*, session: AsyncSession, ticket_id: int, for_update: bool = False) -> Ticket | None:
    query = select(Ticket).where(Ticket.id == ticket_id)
    if for_update:
        query = query.with_for_update()
    return (await session.exec(query)).first()


async def add_event(
    *,
    session: AsyncSession,
    ticket_id: int,
    kind: str,
    now: datetime,
    actor_id: int | None = None,
    actor_name: str | None = None,
    actor_role: str = "system",
    text: str | None = None,
    data: dict[str, Any] | None = None,
    media_group_id: str | None = None,
) -> TicketEvent:
    event = TicketEvent(
        ticket_id=ticket_id,
        at=now,
        actor_id=actor_id,
        actor_name=actor_name,
        actor_role=actor_role,
        kind=kind,
        text=text,
        data=json.dumps(data, ensure_ascii=False) if data else None,
        media_group_id=media_group_id,
    )
    session.add(event)
    return event


async def ticket_events(*, session: AsyncSession, ticket_id: int) -> list[TicketEvent]:
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(col(TicketEvent.id))
    return list((await session.exec(query)).all())


async def newest_active_ticket(*, session: AsyncSession, resident_id: int) -> Ticket | None:
    query = (
        select(Ticket)
        .where(Ticket.resident_id == resident_id, col(Ticket.status).in_(ACTIVE_STATUSES))
        .order_by(col(Ticket.id).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def count_created_since(*, session: AsyncSession, resident_id: int, since: datetime) -> int:
    query = select(func.count()).select_from(Ticket).where(
        Ticket.resident_id == resident_id, Ticket.created_at >= since
    )
    return (await session.exec(query)).one()


async def open_tickets(*, session: AsyncSession, limit: int = 100) -> tuple[list[Ticket], int]:
    """Tickets waiting for staff: urgent first, then oldest. Returns (page, total)."""
    active = col(Ticket.status).in_(ACTIVE_STATUSES)
    total = (await session.exec(select(func.count()).select_from(Ticket).where(active))).one()
    query = (
        select(Ticket)
        .where(active)
        .order_by(case((col(Ticket.urgent), 0), else_=1), col(Ticket.created_at), col(Ticket.id))
        .limit(limit)
    )
    return list((await session.exec(query)).all()), total


async def resident_tickets(*, session: AsyncSession, resident_id: int, limit: int = 10) -> list[Ticket]:
    query = (
        select(Ticket)
        .where(Ticket.resident_id == resident_id)
        .order_by(col(Ticket.id).desc())
        .limit(limit)
    )
    return list((await session.exec(query)).all())


async def attachment_counts(*, session: AsyncSession, ticket_id: int) -> Counter[str]:
    """How many of each kind of attachment a ticket has (albums count photo by photo)."""
    query = select(TicketEvent.data).where(
        TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "attachment"
    )
    counts: Counter[str] = Counter()
    for raw in (await session.exec(query)).all():
        counts[json.loads(raw or "{}").get("what", "document")] += 1
    return counts


async def album_seen(*, session: AsyncSession, ticket_id: int, media_group_id: str) -> bool:
    query = select(TicketEvent.id).where(
        TicketEvent.ticket_id == ticket_id, TicketEvent.media_group_id == media_group_id
    )
    return (await session.exec(query.limit(1))).first() is not None


async def link_message(
    *,
    session: AsyncSession,
    chat_id: int,
    message_id: int,
    ticket_id: int | None,
    role: str,
    now: datetime,
    poll_id: str | None = None,
) -> None:
    session.add(
        MessageLink(
            chat_id=chat_id,
            message_id=message_id,
            ticket_id=ticket_id,
            role=role,
            poll_id=poll_id,
            created_at=now,
        )
    )


async def find_link(*, session: AsyncSession, chat_id: int, message_id: int) -> MessageLink | None:
    return await session.get(MessageLink, (chat_id, message_id))


async def find_message(*, session: AsyncSession, ticket_id: int, role: str) -> MessageLink | None:
    """The newest message of a role about a ticket (e.g. its staff card)."""
    query = (
        select(MessageLink)
        .where(MessageLink.ticket_id == ticket_id, MessageLink.role == role)
        .order_by(col(MessageLink.created_at).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def last_event_at(*, session: AsyncSession, ticket_id: int, kinds: tuple[str, ...]) -> datetime | None:
    """When the newest event of these kinds happened to a ticket."""
    query = select(func.max(TicketEvent.at)).where(
        TicketEvent.ticket_id == ticket_id, col(TicketEvent.kind).in_(kinds)
    )
    return (await session.exec(query)).one()
