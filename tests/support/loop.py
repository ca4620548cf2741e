"""Helpers for the closing-the-loop tests: a resolved ticket, its poll, timers fired by the
real scheduler code as the harness clock moves."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.scheduler import Scheduler
from bot.sender import Sender, SendLimits
from storage.tables import MessageLink, Ticket, Timer, TimerStatus
from tests.support.fakes import Delivery
from tests.support.harness import STAFF_CHAT, Harness


async def fire_due(h: Harness) -> int:
    """Fire what is due by the harness clock, as the scheduler's sweep would."""
    return await Scheduler(h.dispatcher, h.db, h.clock).fire_due()


async def advance(h: Harness, delta: timedelta) -> list[Delivery]:
    """Move the clock, fire what became due, deliver; what was sent meanwhile."""
    h.clock.advance(delta)
    await fire_due(h)
    return await h.flush()


async def pending_timers(h: Harness) -> dict[str, object]:
    async with h.db.session() as session:
        rows = (await session.exec(select(Timer).where(Timer.status == TimerStatus.PENDING))).all()
    return {row.key: row.due_at for row in rows}


async def reported(h: Harness, text: str = "3幢电梯又坏了") -> Ticket:
    await h.send(h.resident(), text)
    await h.flush()
    return (await h.tickets())[-1]


async def resolved(h: Harness, text: str = "3幢电梯又坏了") -> tuple[Ticket, Delivery]:
    """A ticket claimed and resolved by staff; returns it and the poll the resident got."""
    ticket = await reported(h, text)
    li = h.staff()
    await h.press(li, f"t:claim:{ticket.id}", chat=h.staff_chat)
    await h.press(li, f"t:resolve:{ticket.id}", chat=h.staff_chat)
    sent = await h.flush()
    [poll] = [d for d in sent if d.action.kind == "send_poll"]
    return await h.ticket(ticket.id), poll


async def poll_id(h: Harness, ticket_id: int) -> str:
    async with h.db.session() as session:
        query = select(MessageLink).where(MessageLink.ticket_id == ticket_id, MessageLink.role == "poll")
        links = (await session.exec(query.order_by(MessageLink.created_at.desc()))).all()  # type: ignore[attr-defined]
    assert links and links[0].poll_id, f"no poll for #{ticket_id}"
    return links[0].poll_id


def card_edits(sent: list[Delivery], card_message_id: int | None) -> list[Delivery]:
    return [d for d in sent if d.chat_id == STAFF_CHAT and d.action.kind == "edit_text" and d.target == card_message_id]


def to(sent: list[Delivery], chat_id: int) -> list[Delivery]:
    return [d for d in sent if d.chat_id == chat_id]


def restarted(before: Harness, **kwargs: object) -> Harness:
    """A new process on the same database, talking to the same Telegram (whose message ids
    go on from where they were)."""
    after = Harness(before.db, **kwargs)  # type: ignore[arg-type]
    after.api = before.api
    after.sender = Sender(after.db, after.api, SendLimits.off())  # type: ignore[arg-type]
    after._seen = len(before.api.deliveries)
    after.clock.jump_to(before.clock.now())
    return after
