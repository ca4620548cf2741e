"""Time as the bot sees it: real by default, movable in tests and the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """Real time shifted by an offset that only grows; jumps notify listeners.

    Tests freeze it (`frozen=True`) and move it by hand; the sandbox lets it run and jumps
    it forward so reminders can be shown without waiting.
    """

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        self._frozen = frozen
        self._base = start or datetime.now(UTC)
        self._real_base = datetime.now(UTC)
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> datetime:
        if self._frozen:
            return self._base
        return self._base + (datetime.now(UTC) - self._real_base)

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        self._base += delta
        for listener in list(self._listeners):
            listener()
        return self.now()

    def jump_to(self, when: datetime) -> datetime:
        return self.advance(max(timedelta(0), when - self.now()))

    def on_jump(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)
