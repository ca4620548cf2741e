"""Plain records the fake server hands out: people, chats, limits, what the bot sent and asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class FakeUser:
    """A Telegram user (or the bot itself). ``as_dict()`` is the Bot API ``User`` object."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(slots=True)
class FakeChat:
    """A chat. ``type`` is "private", "group" or "supergroup". ``as_dict()`` is the ``Chat`` object."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if self.type == "private":
            data["first_name"] = self.first_name or ""
            if self.last_name:
                data["last_name"] = self.last_name
        else:
            data["title"] = self.title or ""
        if self.username:
            data["username"] = self.username
        data["type"] = self.type
        return data


@dataclass(slots=True)
class Limits:
    """Telegram's flood limits, enforced with token buckets when ``enabled``.

    Each private chat has a bucket of ``private_burst`` tokens refilled at
    ``private_per_second``; each group one of ``group_per_minute`` tokens refilled at
    ``group_per_minute / 60`` per second; all chats together share one of
    ``global_burst`` (default ``global_per_second``) tokens refilled at ``global_per_second``.
    """

    enabled: bool = False
    global_per_second: float = 30.0
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    global_burst: int | None = None
    group_burst: int | None = None


@dataclass(slots=True)
class ApiCall:
    """One HTTP request the bot made, whatever became of it.

    ``http_status`` is 0 when the connection was dropped without a response (``fault`` says
    which fault was injected: "error", "timeout", "disconnect", "storm", "limit" or None).
    ``at`` is ``time.monotonic()`` when the request arrived; ``duration`` is seconds spent;
    ``content_type`` is how the request was encoded ("" for a GET without body).
    """

    method: str
    params: dict[str, Any]
    http_status: int
    response: dict[str, Any]
    at: float
    duration: float = 0.0
    fault: str | None = None
    content_type: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.http_status < 300

    @property
    def result(self) -> Any:
        return self.response.get("result")


@dataclass(slots=True, eq=False)
class SentMessage:
    """A message the bot created. ``message`` is the live Bot API JSON (edits applied)."""

    index: int
    method: str
    message: dict[str, Any]
    params: dict[str, Any]
    html: str | None = None
    sent_markup: dict[str, Any] | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False

    @property
    def chat_id(self) -> int:
        return self.message["chat"]["id"]

    @property
    def message_id(self) -> int:
        return self.message["message_id"]

    @property
    def text(self) -> str | None:
        msg = self.message
        if "text" in msg:
            return msg["text"]
        return msg.get("caption")

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        """The current inline keyboard, or else the reply keyboard/removal/force-reply sent."""
        return self.message.get("reply_markup") or self.sent_markup

    @property
    def reply_to_message_id(self) -> int | None:
        reply = self.message.get("reply_to_message")
        return reply["message_id"] if reply else None

    @property
    def poll(self) -> dict[str, Any] | None:
        return self.message.get("poll")

    def buttons(self) -> list[dict[str, Any]]:
        """Every button of the current keyboard (inline or reply), row by row, flattened."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [
            b if isinstance(b, dict) else {"text": b} for row in rows for b in row
        ]

    def __repr__(self) -> str:
        text = self.text
        if text and len(text) > 60:
            text = text[:57] + "..."
        return (
            f"SentMessage(#{self.index} {self.method} chat={self.chat_id} "
            f"id={self.message_id} text={text!r})"
        )


@dataclass(slots=True)
class WebhookDelivery:
    """One attempt to POST an update to the webhook. ``status`` 0 means no HTTP response."""

    update_id: int
    status: int
    attempt: int
    at: float
    error: str | None = None


class ApiError(Exception):
    """Raised inside a method handler: becomes a Telegram-style error response."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


def forbidden(what: str) -> ApiError:
    return ApiError(403, f"Forbidden: {what}")
