"""What staff type after /newshift, read without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.shift_parse import (
    ShiftWords,
    ShiftWordsError,
    first_day,
    local_to_utc,
    parse_offsets,
    parse_shift_words,
)

TODAY = date(2026, 11, 23)  # a Monday
AREAS = {"elderly": "养老助老", "environment": "环境卫生", "culture": "文体活动"}
SHANGHAI = ZoneInfo("Asia/Shanghai")


def read(text: str) -> ShiftWords:
    return parse_shift_words(text, today=TODAY, areas=AREAS)


def test_the_example_from_the_issue() -> None:
    words = read("12-02 09:00-11:00 老年食堂助餐 3")
    assert (words.day, words.start, words.end) == (date(2026, 12, 2), time(9), time(11))
    assert (words.title, words.capacity, words.weekly, words.place, words.area) == ("老年食堂助餐", 3, False, None, None)


def test_place_area_and_people_in_any_order() -> None:
    words = read("养老助老 @二楼活动室 老年食堂 助餐 5人 2026-12-02 14:30-16:00")
    assert (words.area, words.place, words.title, words.capacity) == ("elderly", "二楼活动室", "老年食堂 助餐", 5)
    assert (words.day, words.start, words.end) == (date(2026, 12, 2), time(14, 30), time(16))
    assert read("地点：社区广场 类别:文体活动 广场舞 8").place == "社区广场"
    assert read("地点：社区广场 类别:文体活动 广场舞 8").area == "culture"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("12-02", date(2026, 12, 2)),
        ("12/2", date(2026, 12, 2)),
        ("12月2日", date(2026, 12, 2)),
        ("12月2号", date(2026, 12, 2)),
        ("2027-01-05", date(2027, 1, 5)),
        ("01-05", date(2027, 1, 5)),  # January typed in November: next year's
        ("11-20", date(2026, 11, 20)),  # three days ago: the past, for the caller to refuse
        ("今天", TODAY),
        ("明天", date(2026, 11, 24)),
        ("后天", date(2026, 11, 25)),
    ],
)
def test_date_spellings(token: str, expected: date) -> None:
    assert read(f"{token} 09:00-11:00 助餐 3").day == expected


@pytest.mark.parametrize("span", ["9:00-11:00", "09:00~11:00", "09：00-11：00", "09:00 - 11:00", "09:00到11:00", "09:00 至 11:00"])
def test_time_range_spellings(span: str) -> None:
    words = read(f"12-02 {span} 助餐 3")
    assert (words.start, words.end, words.title) == (time(9), time(11), "助餐")


def test_weekly_by_weekday() -> None:
    words = read("周二 09:00-11:00 助餐 3 每周")
    assert (words.weekday, words.weekly, words.day) == (2, True, None)
    assert read("每周二 09:00-11:00 助餐 3").weekly
    assert read("星期日 09:00-11:00 助餐 3").weekday == 7
    # a date with 每周 repeats on that date's weekday (2026-12-02 is a Wednesday)
    dated = read("12-02 09:00-11:00 助餐 3 每周")
    assert (dated.weekday, dated.weekly, dated.day) == (3, True, date(2026, 12, 2))


def test_first_day_of_a_weekday() -> None:
    monday_morning = datetime(2026, 11, 23, 8, 0)
    assert first_day(read("周二 09:00-11:00 助餐 3"), now_local=monday_morning) == date(2026, 11, 24)
    assert first_day(read("周一 09:00-11:00 助餐 3"), now_local=monday_morning) == date(2026, 11, 23)
    monday_noon = datetime(2026, 11, 23, 12, 0)  # today's 09:00 has passed: next week
    assert first_day(read("周一 09:00-11:00 助餐 3"), now_local=monday_noon) == date(2026, 11, 30)


def test_numbers_in_the_title_and_capacity_last() -> None:
    words = read("12-02 09:00-11:00 3号楼 清扫 楼道 4")
    assert (words.title, words.capacity) == ("3号楼 清扫 楼道", 4)
    assert read("12-02 09:00-11:00 第 2 期 培训 6").title == "第 2 期 培训"
    assert read("12-02 09:00-11:00 培训 6人 2").title == "培训 2"  # "6人" says it plainly


def test_an_edit_may_name_only_what_changes() -> None:
    assert read("6人") == ShiftWords(capacity=6)
    assert read("@三楼") == ShiftWords(place="三楼")
    assert read("10:00-12:00") == ShiftWords(start=time(10), end=time(12))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("12-02 11:00-09:00 助餐 3", "vol.parse.end_before_start"),
        ("12-02 09:00-09:00 助餐 3", "vol.parse.end_before_start"),
        ("12-02 25:00-26:00 助餐 3", "vol.parse.bad_time"),
        ("02-30 09:00-11:00 助餐 3", "vol.parse.bad_date"),
        ("13-01 09:00-11:00 助餐 3", "vol.parse.bad_date"),
        ("02-29 09:00-11:00 助餐 3", "vol.parse.bad_date"),  # neither this year nor next has one
        ("12-02 12-03 09:00-11:00 助餐 3", "vol.parse.two_dates"),
        ("12-02 09:00-11:00 13:00-14:00 助餐 3", "vol.parse.two_times"),
        ("12-02 09:00-11:00 助餐 0", "vol.parse.bad_capacity"),
        ("12-02 09:00-11:00 助餐 9999", "vol.parse.bad_capacity"),
        ("12-02 09:00-11:00 助餐 3人 4人", "vol.parse.two_capacities"),
        ("12-02 09:00-11:00 助餐 3 类别:跳舞", "vol.parse.bad_area"),
    ],
)
def test_mistakes_name_their_reason(text: str, key: str) -> None:
    with pytest.raises(ShiftWordsError) as caught:
        read(text)
    assert caught.value.key == key


def test_local_times_are_stored_in_utc() -> None:
    assert local_to_utc(date(2026, 12, 2), time(9), SHANGHAI) == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def test_reminder_offsets() -> None:
    assert parse_offsets("24h,1h") == [timedelta(hours=24), timedelta(hours=1)]
    assert parse_offsets("1h, 2d，30m, 1h") == [timedelta(days=2), timedelta(hours=1), timedelta(minutes=30)]
    assert parse_offsets("") == []
    for bad in ("24", "1h,x", "0h", "-1h"):
        with pytest.raises(ValueError):
            parse_offsets(bad)
