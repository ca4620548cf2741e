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
