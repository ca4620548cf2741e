"""Notice one person sending too much, too fast."""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import datetime, timedelta


class FloodGuard:
    """Sliding window of message times per person, kept in memory (a restart forgives)."""

    def __init__(self) -> None:
        self._seen: dict[int, deque[datetime]] = defaultdict(deque)
        self._warned: dict[int, datetime] = {}

    def hit(self, person_id: int, now: datetime, *, limit: int, window: timedelta) -> bool:
        """Count a message; True when this person is over the limit."""
        seen = self._seen[person_id]
        while seen and now - seen[0] > window:
            seen.popleft()
        seen.append(now)
        if len(self._seen) > 10_000:  # forget people who went quiet
            for key in [k for k, v in self._seen.items() if not v or now - v[-1] > window]:
                self._seen.pop(key, None)
        return len(seen) > limit

    def should_warn(self, person_id: int, now: datetime, window: timedelta) -> bool:
        """One notice per window, not one per message."""
        last = self._warned.get(person_id)
        if last is not None and now - last < window:
            return False
        self._warned[person_id] = now
        return True
