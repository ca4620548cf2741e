"""Drive the handlers with the project's own events, no framework: what a resident or
staff member does goes in, what the bot would send comes out."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from sqlmodel import select

from bot.sender import Sender, SendLimits
from handlers.actions import AnswerButton
from handlers.clock import ManualClock
from handlers.composition import build_router
from handlers.context import Services
from handlers.dispatch import Committed, Dispatcher
from handlers.events import ButtonPress, Chat, ChatType, Kind, Message, Person, PollAnswer
from handlers.rules import Rules
from storage.db import Database
from storage.tables import Outbox, Ticket, TicketEvent
from tests.support.fakes import Delivery, FakeBotApi, FakeClassifier, FakeMembership

STAFF_CHAT = -1001234
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai


class Harness:
    def __init__(self, db: Database, *, rules: Rules | None = None, classifier: object | None = None) -> None:
        self.db = db
        self.clock = ManualClock(START, frozen=True)
        self.rules = rules or Rules(staff_chat_id=STAFF_CHAT)
        self.membership = FakeMembership()
        self.api = FakeBotApi()
        self.classifier = classifier or FakeClassifier()
        self.services = Services(
            rules=self.rules,
            classifier=self.classifier,  # type: ignore[arg-type]
            clock=self.clock,
            membership=self.membership,
            bot_id=999,
            bot_username="minhu_test_bot",
        )
        self.router = build_router()
        self.planned: list[object] = []
        self.dispatcher = Dispatcher(self.services, db, self.router, on_commit=self._committed)
        self.sender = Sender(db, self.api, SendLimits.off())  # type: ignore[arg-type]
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._seen = 0
        self.staff_chat = Chat(STAFF_CHAT, ChatType.SUPERGROUP, "社区工作群")

    def _committed(self, committed: Committed) -> None:
        self.planned.extend(committed.planned)

    # people ------------------------------------------------------------------------------
    def resident(self, user_id: int = 501, name: str = "王阿姨") -> Person:
        return Person(id=user_id, first_name=name)

    def staff(self, user_id: int = 801, name: str = "李明") -> Person:
        self.membership.members.add(user_id)
        return Person(id=user_id, first_name=name)

    @staticmethod
    def private(person: Person) -> Chat:
        return Chat(person.id, ChatType.PRIVATE)

    # what people do ----------------------------------------------------------------------
    async def send(
        self,
        person: Person,
        text: str = "",
        *,
        chat: Chat | None = None,
        kind: Kind = Kind.TEXT,
        reply_to: int | None = None,
        reply_to_sender: int | None = None,
        update_id: int | None = None,
        message_id: int | None = None,
        edited: bool = False,
        **extra: object,
    ) -> Message:
        msg = Message(
            update_id=update_id or next(self._update_ids),
            message_id=message_id or next(self._message_ids),
            chat=chat or self.private(person),
            sender=person,
            date=self.clock.now(),
            kind=kind,
            text=text,
            reply_to_message_id=reply_to,
            reply_to_sender_id=reply_to_sender if reply_to_sender is not None else (999 if reply_to else None),
            edited=edited,
            **extra,  # type: ignore[arg-type]
        )
        await self.dispatcher.handle(msg)
        return msg

    async def press(self, person: Person, data: str, *, chat: Chat | None = None, message_id: int | None = 1) -> list[AnswerButton]:
        press = ButtonPress(
            update_id=next(self._update_ids),
            callback_id=f"cb{next(self._message_ids)}",
            sender=person,
            chat=chat or self.private(person),
            message_id=message_id,
            data=data,
        )
        return await self.dispatcher.handle(press)

    async def answer_poll(self, person: Person, poll_id: str, options: tuple[int, ...]) -> None:
        await self.dispatcher.handle(
            PollAnswer(update_id=next(self._update_ids), poll_id=poll_id, sender=person, option_ids=options)
        )

    # what the bot did --------------------------------------------------------------------
    async def flush(self) -> list[Delivery]:
        """Deliver the outbox through the real sender; the deliveries since the last flush."""
        self.sender.start()
        try:
            await self.sender.drain(timeout=10)
        finally:
            await self.sender.stop()
            self.sender = Sender(self.db, self.api, SendLimits.off())  # type: ignore[arg-type]
        new = self.api.deliveries[self._seen :]
        self._seen = len(self.api.deliveries)
        return new

    async def pending(self) -> list[Outbox]:
        async with self.db.session() as session:
            return list((await session.exec(select(Outbox).where(Outbox.status == "pending"))).all())

    async def ticket(self, ticket_id: int) -> Ticket:
        async with self.db.session() as session:
            ticket = await session.get(Ticket, ticket_id)
            assert ticket is not None, f"no ticket #{ticket_id}"
            return ticket

    async def tickets(self) -> list[Ticket]:
        async with self.db.session() as session:
            return list((await session.exec(select(Ticket).order_by(Ticket.id))).all())

    async def events(self, ticket_id: int) -> list[TicketEvent]:
        async with self.db.session() as session:
            query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
            return list((await session.exec(query)).all())

    def card_of(self, ticket_id: int) -> Delivery:
        """The staff card of a ticket (its first delivery to the staff chat)."""
        for d in self.api.deliveries:
            if d.chat_id == STAFF_CHAT and getattr(d.action, "kind", "") == "send_text" and f"#{ticket_id}</b>" in d.text and "工单" in d.text and d.buttons:
                return d
        raise AssertionError(f"no card for #{ticket_id}")
