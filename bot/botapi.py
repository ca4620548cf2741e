"""The port through which the runtime talks to Telegram; one implementation per framework.

Adapters translate their framework's exceptions into the three below, so the sender
decides retries the same way whichever framework runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from handlers.actions import AnswerButton, Outgoing


class RetryLater(Exception):
    """429: Telegram asks us to wait this many seconds."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"flood control: retry in {seconds} s")
        self.seconds = seconds


class Transient(Exception):
    """5xx, time-out, dropped connection: worth trying again."""


class Permanent(Exception):
    """400/403 and the like: trying again will not help."""


class NotModified(Permanent):
    """An edit that changes nothing: the message already shows what we want."""


@dataclass(frozen=True)
class Delivered:
    message_id: int | None = None
    poll_id: str | None = None


@dataclass(frozen=True)
class Resolved:
    """Message ids the sender looked up for an action's targets."""

    target: int | None = None
    reply_to: int | None = None


@dataclass(frozen=True)
class BotIdentity:
    id: int
    username: str


class BotApi(Protocol):
    async def identity(self) -> BotIdentity: ...

    async def deliver(self, action: Outgoing, resolved: Resolved) -> Delivered: ...

    async def answer(self, action: AnswerButton) -> None: ...

    async def is_member(self, chat_id: int, user_id: int) -> bool: ...

    async def set_webhook(self, url: str, secret: str) -> None: ...

    async def delete_webhook(self) -> None: ...

    async def publish_commands(
        self, private: list[tuple[str, str]], staff: list[tuple[str, str]], staff_chat_id: int | None
    ) -> None: ...
