"""The inbox: each Telegram update is handled once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import ProcessedUpdate


async def claim_update(*, session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Record the update in the caller's transaction; False if it was handled before.

    A concurrent duplicate slips past the read and fails the insert at commit instead.
    """
    if await session.get(ProcessedUpdate, update_id) is not None:
        return False
    session.add(ProcessedUpdate(update_id=update_id, at=now))
    return True
