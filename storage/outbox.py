"""The outbox: outgoing messages waiting to be delivered, and what became of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Outbox, OutboxStatus


async def pending_rows(*, session: AsyncSession, limit: int, skip: set[int] | None = None) -> list[Outbox]:
    """Pending rows in id order. Ids already being worked on are skipped by the caller's set,
    because a transaction that commits late can add a row below ones already taken."""
    query = select(Outbox).where(Outbox.status == OutboxStatus.PENDING).order_by(col(Outbox.id))
    rows = (await session.exec(query.limit(limit + len(skip or ())))).all()
    return [row for row in rows if not skip or row.id not in skip][:limit]


async def count_pending(*, session: AsyncSession) -> int:
    from sqlalchemy import func

    query = select(func.count()).select_from(Outbox).where(Outbox.status == OutboxStatus.PENDING)
    return (await session.exec(query)).one()


async def mark_sent(
    *, session: AsyncSession, outbox_id: int, now: datetime, message_id: int | None, status: str = OutboxStatus.SENT
) -> None:
    await session.exec(
        update(Outbox)
        .where(col(Outbox.id) == outbox_id)
        .values(status=status, sent_at=now, message_id=message_id, error=None)
    )


async def mark_retry(
    *, session: AsyncSession, outbox_id: int, not_before: datetime, attempts: int, error: str
) -> None:
    await session.exec(
        update(Outbox)
        .where(col(Outbox.id) == outbox_id)
        .values(not_before=not_before, attempts=attempts, error=error[:500])
    )


async def mark_failed(*, session: AsyncSession, outbox_id: int, now: datetime, attempts: int, error: str) -> None:
    await session.exec(
        update(Outbox)
        .where(col(Outbox.id) == outbox_id)
        .values(status=OutboxStatus.FAILED, sent_at=now, attempts=attempts, error=error[:500])
    )
