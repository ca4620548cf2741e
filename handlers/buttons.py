"""Inline buttons and reply keyboards, and reading back the data of a pressed button.

Button data is "prefix:verb:args". It comes back from the client and may be forged, so
every piece is parsed strictly and everything it names is looked up again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from handlers.actions import Button, Inline, KeyButton, ReplyKeyboard
from handlers.texts import t

MAX_DATA = 64  # bytes, Telegram's limit


def button(text: str, *parts: object) -> Button:
    data = ":".join(str(p) for p in parts)
    if len(data.encode()) > MAX_DATA:
        raise ValueError(f"button data over {MAX_DATA} bytes: {data!r}")
    return Button(text=text, data=data)


def rows(buttons: Iterable[Button], per_row: int) -> Inline:
    items = list(buttons)
    return tuple(tuple(items[i : i + per_row]) for i in range(0, len(items), per_row))


def as_int(value: str) -> int | None:
    """A positive id, or None for anything else (forged or stale data)."""
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        return None
    number = int(value)
    return number if number > 0 else None


def arg(args: Sequence[str], index: int) -> str:
    return args[index] if index < len(args) else ""


def main_menu() -> ReplyKeyboard:
    """Big buttons for the private chat; two per row reads well on a phone."""
    return ReplyKeyboard(
        rows=(
            (KeyButton(text=t("menu.report")), KeyButton(text=t("menu.my"))),
            (KeyButton(text=t("menu.volunteer")), KeyButton(text=t("menu.help"))),
        ),
        placeholder=t("menu.placeholder"),
    )
