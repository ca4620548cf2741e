"""The numbers behind /stats, on a data set small enough to work out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.metrics import Spread, percentile, report, window_start
from storage.stats import TicketFacts

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH).astimezone(UTC)


def fact(
    n: int,
    category: str,
    created: datetime,
    status: str,
    *,
    reason: str | None = None,
    rating: str | None = None,
    taken: float | None = None,
    resolved: float | None = None,
    reopened: int = 0,
) -> TicketFacts:
    return TicketFacts(
        id=n,
        category=category,
        status=status,
        close_reason=reason,
        urgent=False,
        rating=rating,
        reopened=reopened,
        created_at=created,
        taken_at=created + timedelta(minutes=taken) if taken is not None else None,
        resolved_at=created + timedelta(minutes=resolved) if resolved is not None else None,
        ever_resolved=resolved is not None,
    )


FACTS = [
    fact(1, "repair", at(11, 22, 10), "closed", reason="resolved", rating="very_satisfied", taken=30, resolved=120),
    fact(2, "repair", at(11, 20, 10), "claimed", taken=90),
    fact(3, "environment", at(11, 18, 9), "closed", reason="resolved", rating="dissatisfied", taken=10, resolved=600, reopened=1),
    fact(4, "environment", at(11, 23, 9), "open"),
    fact(5, "parking", at(11, 19, 15), "closed", reason="withdrawn"),
    fact(6, "repair", at(11, 10, 10), "closed", reason="unrated", taken=60, resolved=300),
    fact(7, "other", at(11, 1, 10), "resolved", taken=20, resolved=40),
    fact(8, "repair", at(10, 20, 10), "open"),  # before both windows
    fact(9, "dispute", at(11, 17, 0), "open"),  # the first moment of the 7-day window
    fact(10, "dispute", at(11, 16, 23, 59), "open"),  # a minute before it
]


def test_windows_start_at_local_midnight() -> None:
    assert window_start(NOW, 7, SH) == at(11, 17, 0)
    assert window_start(NOW, 30, SH) == at(10, 25, 0)
    assert window_start(NOW, 1, SH) == at(11, 23, 0)


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([10, 30, 90], 50) == 30
    assert percentile([90, 10, 30], 90) == pytest.approx(78)
    assert percentile([5], 90) == 5
    assert Spread.of([]) is None
    with pytest.raises(ValueError):
        percentile([], 50)


def test_seven_days() -> None:
    week = report(FACTS, now=NOW, tz=SH).windows[0]
    assert (week.days, week.total) == (7, 6)
    assert week.by_status == {"open": 2, "claimed": 1, "resolved": 0, "done": 2, "closed": 1}
    assert list(week.by_category) == ["environment", "repair", "dispute", "parking"]
    assert week.by_category["repair"] == {"open": 0, "claimed": 1, "resolved": 0, "done": 1, "closed": 0}
    assert week.claim == Spread(3, 30, pytest.approx(78))
    assert week.resolve == Spread(2, 360, pytest.approx(552))
    assert (week.reopened, week.resolved_once, week.reopened_share) == (1, 2, 0.5)
    assert week.verdicts == {"very_satisfied": 1, "satisfied": 0, "so_so": 0, "dissatisfied": 1, "not_solved": 0, "unrated": 0}
    assert week.rated == 2


def test_thirty_days() -> None:
    month = report(FACTS, now=NOW, tz=SH).windows[1]
    assert (month.days, month.total) == (30, 9)
    assert month.by_status == {"open": 3, "claimed": 1, "resolved": 1, "done": 3, "closed": 1}
    assert month.by_category["repair"] == {"open": 0, "claimed": 1, "resolved": 0, "done": 2, "closed": 0}
    assert next(iter(month.by_category)) == "repair"
    assert month.claim == Spread(5, 30, pytest.approx(78))
    assert month.resolve == Spread(4, 210, pytest.approx(510))
    assert (month.reopened, month.resolved_once, month.reopened_share) == (1, 4, 0.25)
    assert month.verdicts["unrated"] == 1 and month.rated == 2


def test_an_empty_window() -> None:
    empty = report([], now=NOW, tz=SH).windows[0]
    assert empty.total == 0 and empty.claim is None and empty.resolve is None and empty.reopened_share is None
    assert set(empty.by_status.values()) == {0} and empty.by_category == {}
