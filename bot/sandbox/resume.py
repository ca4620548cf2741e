"""What an earlier sandbox session left in a database given with --database.

The fake Telegram starts empty each time, but the database remembers the update ids it has
handled (a redelivered id is skipped), the messages linked to tickets, and when, by the
sandbox clock, the last thing happened. A new session carries on after all three, as
Telegram itself would. (A jump of the clock after which nothing happened is not kept.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import select

from storage.db import Database
from storage.migrate import upgrade
from storage.tables import MessageLink, Outbox, ProcessedUpdate, Ticket, Timer


@dataclass(frozen=True)
class Previous:
    last_update_id: int = 0
    last_message_ids: dict[int, int] = field(default_factory=dict)
    clock: datetime | None = None  # the latest time anything happened, by the sandbox clock
    tickets: int = 0


async def previous_session(url: str) -> Previous:
    """Migrate the database (a new one is made) and read what it already holds."""
    db = Database(url)
    try:
        await upgrade(db)
        async with db.session() as session:
            last_update = (await session.exec(select(func.max(ProcessedUpdate.update_id)))).one()
            message_ids: dict[int, int] = {}
            for column, chat in ((MessageLink.message_id, MessageLink.chat_id), (Outbox.message_id, Outbox.chat_id)):
                rows = await session.exec(select(chat, func.max(column)).where(column.is_not(None)).group_by(chat))
                for chat_id, last in rows.all():
                    message_ids[chat_id] = max(message_ids.get(chat_id, 0), last)
            times = [
                (await session.exec(select(func.max(ProcessedUpdate.at)))).one(),
                (await session.exec(select(func.max(Timer.fired_at)))).one(),
                (await session.exec(select(func.max(Ticket.updated_at)))).one(),
            ]
            tickets = (await session.exec(select(func.count()).select_from(Ticket))).one()
    finally:
        await db.dispose()
    known = [when for when in times if when is not None]
    return Previous(
        last_update_id=last_update or 0,
        last_message_ids=message_ids,
        clock=max(known) if known else None,
        tickets=tickets,
    )
