"""The sender and rows withdrawn while they wait (a reminder that stopped being true), and
a stop in the middle of a long queue."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import update
from sqlmodel import col, select

from bot.sender import Sender, SendLimits
from handlers.actions import SendText, dump
from storage.db import Database
from storage.tables import Outbox
from tests.support.fakes import FakeBotApi

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class _Gate(FakeBotApi):
    """Holds the first delivery until released, so later rows sit loaded in memory."""

    def __init__(self) -> None:
        super().__init__()
        self.first = asyncio.Event()
        self.release = asyncio.Event()

    async def deliver(self, action, resolved):  # type: ignore[no-untyped-def]
        if not self.first.is_set():
            self.first.set()
            await self.release.wait()
        return await super().deliver(action, resolved)


async def _queue(db: Database, *texts: str, chat_id: int = 5) -> None:
    async with db.transaction() as session:
        for i, text in enumerate(texts):
            session.add(Outbox(chat_id=chat_id, action=dump(SendText(chat_id=chat_id, text=text)), created_at=NOW, supersede_key=f"vrem:1:{i}"))


async def _statuses(db: Database) -> list[str]:
    async with db.session() as session:
        return list((await session.exec(select(Outbox.status).order_by(col(Outbox.id)))).all())


async def test_a_row_withdrawn_after_it_was_loaded_is_not_sent(db: Database) -> None:
    await _queue(db, "first", "second", "third")
    api = _Gate()
    sender = Sender(db, api, SendLimits.off())  # type: ignore[arg-type]
    sender.start()
    await asyncio.wait_for(api.first.wait(), 5)  # all three are loaded; the first is under way
    async with db.transaction() as session:
        await session.exec(update(Outbox).where(col(Outbox.id) == 2).values(status="superseded"))
    api.release.set()
    await sender.drain(timeout=5)
    await sender.stop()
    assert [d.text for d in api.deliveries] == ["first", "third"]
    assert await _statuses(db) == ["sent", "superseded", "sent"]
    assert sender.stats["withdrawn"] == 1


async def test_a_stop_starts_no_new_send_and_leaves_the_rest_pending(db: Database) -> None:
    for chat in range(1, 4):  # three chats: their workers wait for the global limit meanwhile
        await _queue(db, f"m{chat}", chat_id=chat)
    api = _Gate()
    sender = Sender(db, api, SendLimits(global_per_second=1, private_per_second=0))  # type: ignore[arg-type]
    sender.start()
    await asyncio.wait_for(api.first.wait(), 5)
    stopping = asyncio.create_task(sender.stop(grace=5))
    await asyncio.sleep(0.05)
    api.release.set()  # the send under way finishes...
    await stopping
    assert [d.text for d in api.deliveries] == ["m1"]  # ...and no other starts, though the limit allowed one
    assert await _statuses(db) == ["sent", "pending", "pending"]
