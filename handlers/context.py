"""What a handler works with: the services of the running bot and one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.actions import AnswerButton, Outgoing, dump
from handlers.clock import Clock
from handlers.flood import FloodGuard
from handlers.rules import Rules
from storage.tables import Outbox, Timer
from storage.timers import cancel_timer, cancel_timers, plan_timer

# Classifying a long message takes milliseconds; off the event loop so others aren't held up.
LONG_TEXT = 300


class Classification(Protocol):
    category: str
    confidence: float
    urgent: bool
    keywords: Sequence[str]
    urgent_keywords: Sequence[str]


class Taxonomy(Protocol):
    ids: Sequence[str]

    def name(self, category_id: str, lang: str = "zh") -> str: ...


class Classifier(Protocol):
    taxonomy: Taxonomy

    def classify(self, text: str) -> Classification: ...


class Membership(Protocol):
    """Asks Telegram whether a person is in a chat (the staff group)."""

    async def is_member(self, chat_id: int, user_id: int) -> bool: ...


@dataclass
class Services:
    """Long-lived parts of the running bot that handlers use."""

    rules: Rules
    classifier: Classifier
    clock: Clock
    membership: Membership
    bot_id: int = 0
    bot_username: str = ""
    flood: FloodGuard = field(default_factory=FloodGuard)

    async def classify(self, text: str) -> Classification:
        if len(text) > LONG_TEXT:
            return await asyncio.to_thread(self.classifier.classify, text)
        return self.classifier.classify(text)


@dataclass
class Ctx:
    """One unit of work: the session of its transaction and what it decided to send."""

    services: Services
    session: AsyncSession
    now: datetime
    direct: list[AnswerButton] = field(default_factory=list)
    planned: list[Timer] = field(default_factory=list)
    outbox: list[Outbox] = field(default_factory=list)
    actor_is_staff: bool = False  # decided before the transaction (it may ask Telegram)
    classification: Classification | None = None  # of the message's text, done before too
    ahead: object = None  # what the handler's Ahead work found before the transaction

    @property
    def rules(self) -> Rules:
        return self.services.rules

    @property
    def staff_chat_id(self) -> int | None:
        return self.services.rules.staff_chat_id

    def send(
        self,
        action: Outgoing,
        *,
        ticket_id: int | None = None,
        role: str | None = None,
        supersede_key: str | None = None,
    ) -> None:
        """Queue a message in this transaction; it goes out only if the transaction commits."""
        row = Outbox(
            chat_id=action.chat_id,
            action=dump(action),
            ticket_id=ticket_id,
            link_role=role,
            supersede_key=supersede_key,
            created_at=self.now,
        )
        self.session.add(row)
        self.outbox.append(row)

    def answer(self, callback_id: str, text: str | None = None, *, alert: bool = False) -> None:
        self.direct.append(AnswerButton(callback_id=callback_id, text=text, alert=alert))

    async def plan(self, key: str, kind: str, subject_id: int, due_at: datetime) -> Timer:
        timer = await plan_timer(
            session=self.session, key=key, kind=kind, subject_id=subject_id, due_at=due_at, now=self.now
        )
        self.planned.append(timer)
        return timer

    async def cancel(self, key: str) -> None:
        await cancel_timer(session=self.session, key=key)

    async def cancel_prefix(self, prefix: str) -> None:
        await cancel_timers(session=self.session, prefix=prefix)
