"""The outbox sender: order, limits, retries, restarts. Over a recording fake of the port."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from sqlmodel import select

from bot.botapi import NotModified, Permanent, RetryLater, Transient
from bot.sender import Sender, SendLimits
from handlers.actions import EditText, SendText, Target, dump
from storage.db import Database
from storage.tables import Outbox
from tests.support.fakes import FakeBotApi

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def _queue(db: Database, *actions, supersede_key: str | None = None) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as session:
        for action in actions:
            session.add(Outbox(chat_id=action.chat_id, action=dump(action), created_at=NOW, supersede_key=supersede_key))


async def _rows(db: Database) -> list[Outbox]:
    async with db.session() as session:
        return list((await session.exec(select(Outbox).order_by(Outbox.id))).all())


async def _run(sender: Sender, timeout: float = 10) -> None:
    sender.start()
    try:
        await sender.drain(timeout=timeout)
    finally:
        await sender.stop()


def _texts(api: FakeBotApi) -> list[str]:
    return [d.text for d in api.deliveries]


async def test_waits_out_429_and_loses_nothing(db: Database) -> None:
    api = FakeBotApi()
    api.fail = [RetryLater(0.2), RetryLater(0.2)]
    await _queue(db, *(SendText(chat_id=5, text=f"m{i}") for i in range(3)))
    started = time.monotonic()
    sender = Sender(db, api, SendLimits.off())
    await _run(sender)
    assert _texts(api) == ["m0", "m1", "m2"]
    assert time.monotonic() - started >= 0.4  # it really waited the retry_after
    assert sender.stats["retry_after"] == 2
    assert {r.status for r in await _rows(db)} == {"sent"}


async def test_retries_5xx_and_timeouts_with_backoff(db: Database) -> None:
    api = FakeBotApi()
    api.fail = [Transient("502 Bad Gateway"), Transient("timed out"), Transient("connection reset")]
    await _queue(db, SendText(chat_id=5, text="hello"))
    sender = Sender(db, api, SendLimits.off(), backoff=0.01)
    await _run(sender)
    assert _texts(api) == ["hello"] and api.calls == 4
    [row] = await _rows(db)
    assert row.status == "sent" and row.attempts == 3


async def test_refusal_marks_failed_and_the_rest_go_on(db: Database) -> None:
    api = FakeBotApi()
    api.fail = [Permanent("Forbidden: bot was blocked by the user")]
    await _queue(db, SendText(chat_id=5, text="blocked"), SendText(chat_id=5, text="next"))
    await _run(Sender(db, api, SendLimits.off()))
    first, second = await _rows(db)
    assert (first.status, second.status) == ("failed", "sent")
    assert "blocked" in (first.error or "")


async def test_edit_that_changes_nothing_counts_as_done(db: Database) -> None:
    api = FakeBotApi()
    api.fail = [NotModified("message is not modified")]
    await _queue(db, EditText(chat_id=-100, target=Target(message_id=7), text="same"))
    await _run(Sender(db, api, SendLimits.off()))
    [row] = await _rows(db)
    assert row.status == "sent"


async def test_unsent_rows_are_sent_after_a_restart(db: Database) -> None:
    await _queue(db, *(SendText(chat_id=c, text=f"to {c}") for c in (1, 2, 3)))
    # the first process never got to send them; a new one starts on the same database
    api = FakeBotApi()
    await _run(Sender(db, api, SendLimits.off()))
    assert sorted(_texts(api)) == ["to 1", "to 2", "to 3"]


async def test_newer_card_edit_supersedes_a_waiting_one(db: Database) -> None:
    await _queue(db, EditText(chat_id=-100, target=Target(message_id=7), text="old"), supersede_key="card:1")
    await _queue(db, EditText(chat_id=-100, target=Target(message_id=7), text="new"), supersede_key="card:1")
    api = FakeBotApi()
    await _run(Sender(db, api, SendLimits.off()))
    assert _texts(api) == ["new"]
    assert [r.status for r in await _rows(db)] == ["superseded", "sent"]


async def test_keeps_order_within_a_chat_and_reaches_rows_committed_late(db: Database) -> None:
    api = FakeBotApi()
    sender = Sender(db, api, SendLimits.off())
    sender.start()
    try:
        await _queue(db, *(SendText(chat_id=9, text=f"m{i}") for i in range(20)))
        sender.kick()
        await asyncio.sleep(0.05)
        await _queue(db, SendText(chat_id=9, text="late"))
        sender.kick()
        await sender.drain(timeout=10)
    finally:
        await sender.stop()
    assert _texts(api) == [f"m{i}" for i in range(20)] + ["late"]


async def test_private_chat_limit_spaces_messages(db: Database) -> None:
    stamps: list[float] = []
    api = FakeBotApi()
    original = api.deliver

    async def stamped(action, resolved):  # type: ignore[no-untyped-def]
        stamps.append(time.monotonic())
        return await original(action, resolved)

    api.deliver = stamped  # type: ignore[method-assign]
    await _queue(db, *(SendText(chat_id=5, text=f"m{i}") for i in range(8)))
    await _run(Sender(db, api, SendLimits(global_per_second=0, private_per_second=20, private_burst=2)))
    # a burst of 2, then no faster than 20 a second
    assert stamps[-1] - stamps[0] >= (8 - 2) / 20 * 0.9
