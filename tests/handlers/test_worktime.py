"""Working-time arithmetic: evenings, weekends, spans that cross days, the weekly summary."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.rules import Rules
from handlers.worktime import WorkingTime, is_weekly, next_weekly, parse_weekly

SH = ZoneInfo("Asia/Shanghai")
WT = WorkingTime.of(Rules(working_hours="08:30-17:30", working_days="1-6", timezone="Asia/Shanghai"))


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Shanghai time (23rd is a Monday, 28th a Saturday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


def as_local(when: datetime) -> datetime:
    assert when.tzinfo is UTC
    return when.astimezone(SH)


def test_within_one_day() -> None:
    assert as_local(WT.add(local(23, 10), 120)) == local(23, 12)


def test_span_ending_at_closing_time_ends_there() -> None:
    assert as_local(WT.add(local(23, 16, 30), 60)) == local(23, 17, 30)


def test_evening_start_counts_from_next_opening() -> None:
    assert as_local(WT.add(local(23, 20), 30)) == local(24, 9)


def test_early_morning_start_counts_from_opening() -> None:
    assert as_local(WT.add(local(24, 6), 30)) == local(24, 9)


def test_span_crossing_into_next_day() -> None:
    # 60 minutes left on Monday, 60 more on Tuesday morning
    assert as_local(WT.add(local(23, 16, 30), 120)) == local(24, 9, 30)


def test_saturday_works_sunday_does_not() -> None:
    assert as_local(WT.add(local(28, 17), 60)) == local(30, 9)  # Sat 17:00 + 1h -> Mon 09:00
    assert as_local(WT.add(local(29, 12), 10)) == local(30, 8, 40)  # Sunday noon


def test_weekend_off_for_a_five_day_centre() -> None:
    five = WorkingTime.of(Rules(working_hours="09:00-17:00", working_days="1-5"))
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=SH)
    assert as_local(five.add(friday, 120)) == local(30, 10)


def test_several_working_days() -> None:
    # three working days of 9 hours from Monday 10:00 is Thursday 10:00
    assert as_local(WT.add(local(23, 10), 3 * WT.day_minutes)) == local(26, 10)
    assert WT.day_minutes == 540


def test_zero_minutes_is_the_start_itself() -> None:
    assert WT.add(local(29, 3), 0) == local(29, 3)


def test_is_working_and_next_opening() -> None:
    assert WT.is_working(local(23, 8, 30)) and not WT.is_working(local(23, 17, 30))
    assert not WT.is_working(local(29, 10))  # Sunday
    assert as_local(WT.next_opening(local(23, 18))) == local(24, 8, 30)
    assert as_local(WT.next_opening(local(28, 18))) == local(30, 8, 30)  # Saturday evening -> Monday
    assert WT.next_opening(local(23, 9)) == local(23, 9)


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    minutes=st.integers(min_value=1, max_value=20_000),
)
def test_a_deadline_always_falls_in_working_hours_and_later_for_more_minutes(start: datetime, minutes: int) -> None:
    begin = start.replace(tzinfo=SH)
    due = WT.add(begin, minutes)
    assert due > begin
    inside = WT.is_working(due) or as_local(due).time() == time(17, 30)
    assert inside
    assert WT.add(begin, minutes + 1) > due


def test_weekly_schedule() -> None:
    assert parse_weekly("mon 09:00") == (1, time(9, 0))
    assert parse_weekly("Friday 17:30") == (5, time(17, 30))
    assert parse_weekly("off") is None
    with pytest.raises(ValueError, match="mon 09:00"):
        parse_weekly("every monday")
    monday_nine = local(23, 9)
    assert as_local(next_weekly(local(23, 8), 1, time(9), SH)) == monday_nine
    assert as_local(next_weekly(monday_nine, 1, time(9), SH)) == monday_nine + timedelta(days=7)
    assert as_local(next_weekly(local(25, 12), 1, time(9), SH)) == local(30, 9)
    assert is_weekly(monday_nine, 1, time(9), SH) and not is_weekly(local(23, 10), 1, time(9), SH)
