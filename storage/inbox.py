"""The inbox: each Telegram update is handled once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import ProcessedUpdate


async def claim_update(*, session: AsyncSession, update_id: int, now: datetime) -> None:
    """Record the update in the caller's transaction, first of all its work.

    An update handled before fails this insert (IntegrityError), and the caller's whole
    transaction with it: a redelivered update changes nothing.
    """
    session.add(ProcessedUpdate(update_id=update_id, at=now))
    await session.flush()
