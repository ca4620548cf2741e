"""What people taught the classifier: categories they corrected, tickets left in `other`."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import CategoryCorrection, Ticket, TicketStatus


async def learning_samples(*, session: AsyncSession) -> list[tuple[str, str]]:
    """(text, category) pairs: each corrected ticket once, with the category it ended in,
    and closed tickets that stayed in `other`."""
    corrected = select(CategoryCorrection.ticket_id).distinct()
    rows = await session.exec(
        select(Ticket.text, Ticket.category).where(
            col(Ticket.id).in_(corrected) | ((Ticket.category == "other") & (Ticket.status == TicketStatus.CLOSED)),
            Ticket.text != "",
        )
    )
    return [(text, category) for text, category in rows.all()]


async def settled_samples(*, session: AsyncSession) -> list[tuple[str, str, bool]]:
    """(text, category, urgent) as staff settled them, for training and measuring the
    classifier: tickets whose category a person corrected or that staff resolved, in the
    category and urgency they ended in (staff can mark a ticket urgent or not); tickets
    closed as spam or out of scope, as `other` (no service of the centre's). Withdrawn,
    duplicate and untouched tickets say nothing."""
    corrected = select(CategoryCorrection.ticket_id).distinct()
    rows = await session.exec(
        select(Ticket.text, Ticket.category, Ticket.close_reason, Ticket.urgent)
        .where(
            Ticket.text != "",
            col(Ticket.id).in_(corrected)
            | col(Ticket.resolved_at).is_not(None)
            | col(Ticket.close_reason).in_(("spam", "out_of_scope")),
        )
        .order_by(col(Ticket.id))
    )
    return [
        (text, "other" if reason in ("spam", "out_of_scope") else category, urgent)
        for text, category, reason, urgent in rows.all()
    ]
