"""How the centre is doing, computed from ticket facts: pure functions, no database.

Definitions (the same for /stats, the weekly summary, the chart and `minhu stats`):
- A window of N days is the last N calendar days in the centre's time zone, today
  included: from local midnight N-1 days ago until now. A ticket belongs to the window
  it arrived in.
- Status: waiting (open), being handled (claimed), resolved and waiting for the
  resident's verdict, done (closed as resolved, rated or not), closed otherwise
  (withdrawn, duplicate, spam, out of scope).
- Time to claim: from arrival to the first time staff took it up (claimed it, or
  resolved it straight away). Time to resolve: from arrival to its last resolution, for
  tickets whose resolution stands. Both in clock time, as the resident waits.
- Median and 90th percentile interpolate linearly between the nearest ranks.
- Reopened share: of the tickets resolved at least once, those the resident reopened.
- Satisfaction: each ticket's standing verdict; "unrated" for tickets closed without one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from math import floor
from zoneinfo import ZoneInfo

from handlers.rating import RATINGS
from storage.stats import TicketFacts

WINDOWS = (7, 30)
STATUSES = ("open", "claimed", "resolved", "done", "closed")
VERDICTS = (*RATINGS, "unrated")


def status_of(fact: TicketFacts) -> str:
    if fact.status == "closed":
        return "done" if fact.close_reason in ("resolved", "unrated") else "closed"
    return fact.status


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation; values need not be sorted."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Spread:
    """Minutes: the median and the 90th percentile of `n` durations."""

    n: int
    median: float
    p90: float

    @classmethod
    def of(cls, minutes: Sequence[float]) -> Spread | None:
        if not minutes:
            return None
        return cls(len(minutes), percentile(minutes, 50), percentile(minutes, 90))


@dataclass(frozen=True)
class WindowStats:
    days: int
    start: datetime
    end: datetime
    total: int
    by_status: dict[str, int]  # every status, in STATUSES order
    by_category: dict[str, dict[str, int]]  # category -> status -> n, busiest category first
    claim: Spread | None
    resolve: Spread | None
    resolved_once: int
    reopened: int
    verdicts: dict[str, int]  # every verdict, in VERDICTS order

    @property
    def reopened_share(self) -> float | None:
        return self.reopened / self.resolved_once if self.resolved_once else None

    @property
    def rated(self) -> int:
        return sum(n for verdict, n in self.verdicts.items() if verdict != "unrated")


@dataclass(frozen=True)
class Report:
    now: datetime
    windows: list[WindowStats] = field(default_factory=list)


def window_start(now: datetime, days: int, tz: ZoneInfo) -> datetime:
    """Local midnight `days - 1` days before today: the window's first moment."""
    first_day = now.astimezone(tz).date() - timedelta(days=days - 1)
    return datetime.combine(first_day, time(0), tzinfo=tz)


def _minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60


def summarise(facts: Sequence[TicketFacts], *, days: int, start: datetime, end: datetime) -> WindowStats:
    inside = [f for f in facts if start <= f.created_at < end]
    by_status = Counter(status_of(f) for f in inside)
    per_category: dict[str, Counter[str]] = {}
    for f in inside:
        per_category.setdefault(f.category, Counter())[status_of(f)] += 1
    busiest = sorted(per_category.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    verdicts = Counter(f.rating for f in inside if f.rating)
    verdicts["unrated"] = sum(1 for f in inside if f.close_reason == "unrated" and not f.rating)
    return WindowStats(
        days=days,
        start=start,
        end=end,
        total=len(inside),
        by_status={s: by_status[s] for s in STATUSES},
        by_category={cat: {s: counts[s] for s in STATUSES} for cat, counts in busiest},
        claim=Spread.of([_minutes(f.taken_at, f.created_at) for f in inside if f.taken_at]),
        resolve=Spread.of([_minutes(f.resolved_at, f.created_at) for f in inside if f.resolved_at]),
        resolved_once=sum(1 for f in inside if f.ever_resolved),
        reopened=sum(1 for f in inside if f.ever_resolved and f.reopened),
        verdicts={v: verdicts[v] for v in VERDICTS},
    )


def report(facts: Sequence[TicketFacts], *, now: datetime, tz: ZoneInfo, windows: Sequence[int] = WINDOWS) -> Report:
    """The report for each window; `facts` must cover the longest one."""
    end = now + timedelta(microseconds=1)  # a ticket that arrived this very moment counts
    return Report(now, [summarise(facts, days=d, start=window_start(now, d, tz), end=end) for d in windows])
