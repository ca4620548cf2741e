"""Token buckets for Telegram's flood limits."""

from __future__ import annotations

import math
from collections.abc import Callable

from .models import Limits


class TokenBucket:
    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = float(capacity)
        self.rate = float(rate)
        self.tokens = float(capacity)
        self.stamp = now

    def refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is free (0 when one is free now)."""
        self.refill(now)
        if self.tokens >= 1.0:
            return 0.0
        if self.rate <= 0:
            return math.inf
        return (1.0 - self.tokens) / self.rate


class RateLimiter:
    """A global bucket plus one per chat; ``acquire`` takes a token from both or from none."""

    def __init__(self, limits: Limits, monotonic: Callable[[], float]) -> None:
        self.limits = limits
        self._now = monotonic
        start = monotonic()
        self._global = TokenBucket(
            limits.global_burst or limits.global_per_second, limits.global_per_second, start
        )
        self._chats: dict[int, TokenBucket] = {}

    def _chat_bucket(self, chat_id: int, private: bool, now: float) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            lim = self.limits
            if private:
                bucket = TokenBucket(lim.private_burst, lim.private_per_second, now)
            else:
                bucket = TokenBucket(
                    lim.group_burst or lim.group_per_minute, lim.group_per_minute / 60.0, now
                )
            self._chats[chat_id] = bucket
        return bucket

    def acquire(self, chat_id: int | None, private: bool) -> int | None:
        """Take a token; return None on success, else ``retry_after`` in whole seconds (>= 1)."""
        if not self.limits.enabled:
            return None
        now = self._now()
        wait = self._global.wait_time(now)
        chat = self._chat_bucket(chat_id, private, now) if chat_id is not None else None
        if chat is not None:
            wait = max(wait, chat.wait_time(now))
        if wait > 0:
            return max(1, math.ceil(wait)) if math.isfinite(wait) else 3600
        self._global.tokens -= 1.0
        if chat is not None:
            chat.tokens -= 1.0
        return None
