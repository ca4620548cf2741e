"""A small world for end-to-end tests: a fake Telegram with residents and a staff group,
and the real bot running against it on a database of its own."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlmodel import col, select

from bot.app import Minhu, WebhookOptions
from bot.fake_telegram import FakeTelegram, FakeUser, SentMessage
from bot.sender import SendLimits
from bot.settings import Settings
from handlers.clock import ManualClock
from storage.db import Database
from storage.tables import Ticket, TicketEvent

TOKEN = "7012345678:TEST-e2e-token-abcdefghijk"
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
SECRET = "e2e-webhook-secret-0123456789"


@cache
def shared_classifier() -> object:
    """The real classifier, loaded once for the whole run (jieba's dictionary is slow)."""
    from nlp import load_classifier

    classifier = load_classifier()
    classifier.warm_up()
    return classifier


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class World:
    def __init__(self, *, framework: str, db_url: str, classifier: object, **settings: Any) -> None:
        self.framework = framework
        self.db_url = db_url
        self.classifier = classifier
        self.extra_settings = settings
        self.clock = ManualClock(START, frozen=True)
        self.tg = FakeTelegram(token=TOKEN, bot_username="minhu_test_bot")
        self.bot: Minhu | None = None
        self.db = Database(db_url)

    async def open(self) -> None:
        await self.tg.start()
        self.li = self.tg.add_user("李明")
        self.zhao = self.tg.add_user("赵芳")
        self.staff_group = self.tg.add_group("社区工作群", members=[self.li, self.zhao])
        self.alice = self.tg.add_user("王阿姨")

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bot_token": TOKEN,
            "staff_chat_id": self.staff_group.id,
            "database_url": self.db_url,
            "telegram_api_url": self.tg.api_url,
            "framework": self.framework,
            **self.extra_settings,
            **overrides,
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    async def start(self, *, webhook: bool = False, limits: SendLimits | None = None, **overrides: Any) -> Minhu:
        self.bot = Minhu(
            self.settings(**overrides),
            clock=self.clock,
            classifier=self.classifier,  # type: ignore[arg-type]
            limits=limits if limits is not None else SendLimits.off(),
        )
        options = None
        if webhook:
            port = free_port()
            options = WebhookOptions(
                url=f"http://127.0.0.1:{port}/telegram", secret=SECRET, host="127.0.0.1", port=port
            )
        await self.bot.start(webhook=options)
        if not webhook:
            await self.tg.wait_until_polling()
        return self.bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
            self.bot = None

    async def restart(self, **kwargs: Any) -> Minhu:
        await self.stop()
        return await self.start(**kwargs)

    async def close(self) -> None:
        await self.stop()
        await self.db.dispose()
        await self.tg.stop()
        assert not self.tg.internal_errors, self.tg.internal_errors

    def forge_press(self, user: FakeUser, message: dict[str, Any], data: str) -> str:
        """A callback query Telegram's apps would never send: from someone outside the chat
        (a modified client). Returns the callback query id."""
        query_id = f"forged-{len(self.tg.updates)}"
        sender = {"id": user.id, "is_bot": False, "first_name": user.first_name}
        self.tg.add_raw_update(
            {"callback_query": {"id": query_id, "from": sender, "message": message, "chat_instance": "x", "data": data}}
        )
        return query_id

    # reading what happened -------------------------------------------------------------------
    async def reply_to(self, user: FakeUser, contains: str = "", *, after: int = 0, timeout: float = 10) -> SentMessage:
        return await self.tg.wait_for_sent(chat_id=user.id, text_contains=contains or None, after=after, timeout=timeout)

    async def card(self, ticket_id: int, *, timeout: float = 10) -> SentMessage:
        return await self.tg.wait_for_sent(
            lambda s: s.reply_markup is not None and f"工单 #{ticket_id} ·" in (s.text or ""),
            chat_id=self.staff_group.id,
            timeout=timeout,
        )

    def current(self, sent: SentMessage) -> str:
        """The text of a message as it reads now (edits applied)."""
        return self.tg.message(sent.chat_id, sent.message_id).get("text", "")

    @staticmethod
    def buttons(message: dict[str, Any] | SentMessage) -> list[tuple[str, str]]:
        msg = message.message if isinstance(message, SentMessage) else message
        rows = (msg.get("reply_markup") or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]

    async def tickets(self) -> list[Ticket]:
        async with self.db.session() as session:
            return list((await session.exec(select(Ticket).order_by(col(Ticket.id)))).all())

    async def events(self, ticket_id: int) -> list[TicketEvent]:
        async with self.db.session() as session:
            query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(col(TicketEvent.id))
            return list((await session.exec(query)).all())

    async def settle(self, timeout: float = 10) -> None:
        """Every update taken and every outgoing message sent."""
        await self.tg.wait_idle(timeout=timeout)
        assert self.bot is not None
        await self.bot.sender.drain(timeout=timeout)
        await self.tg.wait_idle(timeout=timeout)

    def keywords(self, ticket: Ticket) -> list[str]:
        return json.loads(ticket.keywords)
