"""Working-time arithmetic, in the centre's time zone: pure functions, no database, no bot.

Ordinary tickets are only overdue in working hours: two working hours after Friday 17:00
is Saturday 10:30 (or Monday 10:30 when Saturday is off), not Friday 19:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.rules import Rules, parse_working_days, parse_working_hours

# a bound on the days searched for the next opening; a week always has one
_MAX_DAYS = 8 * 366

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkingTime:
    opens: time
    closes: time
    days: frozenset[int]  # ISO weekdays, 1 = Monday
    tz: ZoneInfo

    @classmethod
    def of(cls, rules: Rules) -> WorkingTime:
        opens, closes = parse_working_hours(rules.working_hours)
        return cls(opens, closes, parse_working_days(rules.working_days), rules.tz)

    @property
    def day_minutes(self) -> float:
        """The length of one working day, in minutes."""
        return _span(date(2000, 1, 3), self.opens, self.closes, self.tz).total_seconds() / 60

    def _hours_on(self, day: date) -> tuple[datetime, datetime] | None:
        if day.isoweekday() not in self.days:
            return None
        return _at(day, self.opens, self.tz), _at(day, self.closes, self.tz)

    def is_working(self, when: datetime) -> bool:
        local = when.astimezone(self.tz)
        hours = self._hours_on(local.date())
        return hours is not None and hours[0] <= local < hours[1]

    def next_opening(self, when: datetime) -> datetime:
        """`when` itself if the centre is open then, else the moment it next opens (UTC)."""
        if self.is_working(when):
            return when
        local = when.astimezone(self.tz)
        day = local.date()
        for _ in range(_MAX_DAYS):
            hours = self._hours_on(day)
            if hours is not None and local < hours[0]:
                return hours[0].astimezone(UTC)
            day += timedelta(days=1)
        raise AssertionError("no working day found")  # unreachable: days is never empty

    def add(self, start: datetime, minutes: float) -> datetime:
        """The moment `minutes` of working time after `start` (UTC). Time outside working
        hours does not count; a span that ends exactly at closing time ends there."""
        if minutes <= 0:
            return start
        left = timedelta(minutes=minutes)
        cursor = start.astimezone(self.tz)
        day = cursor.date()
        for _ in range(_MAX_DAYS):
            hours = self._hours_on(day)
            if hours is not None:
                opens, closes = hours
                begin = max(cursor, opens)
                if begin < closes:
                    available = closes - begin
                    if left <= available:
                        return (begin + left).astimezone(UTC)
                    left -= available
            day += timedelta(days=1)
        raise AssertionError("no working day found")  # unreachable: days is never empty


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def _span(day: date, opens: time, closes: time, tz: ZoneInfo) -> timedelta:
    return _at(day, closes, tz) - _at(day, opens, tz)


# the weekly summary ----------------------------------------------------------------------
def parse_weekly(value: str) -> tuple[int, time] | None:
    """(ISO weekday, local time) from "mon 09:00"; None for "off" (or empty)."""
    text = value.strip().lower()
    if text in ("", "off", "none", "no"):
        return None
    try:
        day, clock = text.split()
        weekday = WEEKDAYS.index(day[:3]) + 1
        at = time.fromisoformat(clock)
    except ValueError as exc:
        raise ValueError(f"expected a weekday and a time like 'mon 09:00', or 'off'; got {value!r}") from exc
    return weekday, at


def next_weekly(after: datetime, weekday: int, at: time, tz: ZoneInfo) -> datetime:
    """The first moment strictly after `after` that falls on `weekday` at `at`, local (UTC)."""
    local = after.astimezone(tz)
    day = local.date() + timedelta(days=(weekday - local.isoweekday()) % 7)
    candidate = _at(day, at, tz)
    if candidate <= local:
        candidate = _at(day + timedelta(days=7), at, tz)
    return candidate.astimezone(UTC)


def is_weekly(when: datetime, weekday: int, at: time, tz: ZoneInfo) -> bool:
    """Whether `when` is one of the weekly moments."""
    local = when.astimezone(tz)
    return local.isoweekday() == weekday and local.time().replace(tzinfo=None) == at
