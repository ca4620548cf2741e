"""Reading what staff type after /newshift and /editshift, and the reminder offsets setting.

Pure functions: no database, no clock of their own (today's date is passed in), so every
spelling can be tested alone. Staff write times in the centre's time zone; turning them
into UTC is the caller's job (`local_to_utc`).

    /newshift 12-02 09:00-11:00 老年食堂助餐 3
    /newshift 周二 09:00-11:00 老年食堂助餐 3人 @二楼活动室 养老助老 每周
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_CAPACITY = 500
MAX_TITLE = 40
MAX_PLACE = 40
RECENT_PAST = timedelta(days=60)

_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_RELATIVE_DAYS = {"今天": 0, "明天": 1, "后天": 2}

_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_SHORT_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})$")
_CHINESE_DATE = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?$")
_WEEKDAY = re.compile(r"^(每)?(?:周|星期|礼拜)([一二三四五六日天])$")
_TIME = r"(\d{1,2})[:：](\d{2})"
_TIME_RANGE = re.compile(rf"^{_TIME}\s*(?:-|~|～|—|–|到|至)\s*{_TIME}$")
_PEOPLE = re.compile(r"^(\d{1,4})(?:人|名|位)$")
_PLACE = re.compile(r"^(?:@|＠|地点[:：])(.+)$")
_AREA = re.compile(r"^(?:类别|服务)[:：](.+)$")
_WEEKLY = ("每周", "每星期", "每周重复", "重复")


class ShiftWordsError(ValueError):
    """Something staff typed can't be read. `key` names the catalogue text that explains it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class ShiftWords:
    """What the words said; anything not mentioned is None (an edit changes only those)."""

    day: date | None = None
    weekday: int | None = None  # ISO, when given as 周二 rather than a date
    start: time | None = None
    end: time | None = None
    weekly: bool = False
    title: str | None = None
    place: str | None = None
    area: str | None = None
    capacity: int | None = None
    unknown: tuple[str, ...] = field(default=())

    @property
    def has_when(self) -> bool:
        return self.day is not None or self.weekday is not None


def parse_shift_words(text: str, *, today: date, areas: Mapping[str, str]) -> ShiftWords:
    """Read the words of /newshift or /editshift. `areas` maps category id -> name.

    Dates without a year mean this year's, unless that is long past (01-05 typed in
    December is next year's)."""
    words = ShiftWords()
    title: list[str] = []
    numbers: list[int] = []  # where bare numbers are among the title words
    by_name = {name: cid for cid, name in areas.items()}
    for token in _tokens(text):
        if (place := _PLACE.match(token)) is not None:
            words = replace(words, place=_clean(place.group(1), MAX_PLACE))
        elif (area := _area_of(token, areas, by_name)) is not None:
            words = replace(words, area=area)
        elif token in _WEEKLY:
            words = replace(words, weekly=True)
        elif (day := _date_of(token, today)) is not None:
            _once(words.has_when, "vol.parse.two_dates")
            words = replace(words, day=day)
        elif (weekday := _WEEKDAY.match(token)) is not None:
            _once(words.has_when, "vol.parse.two_dates")
            words = replace(words, weekday=_WEEKDAYS[weekday.group(2)], weekly=words.weekly or bool(weekday.group(1)))
        elif (span := _TIME_RANGE.match(token)) is not None:
            _once(words.start is not None, "vol.parse.two_times")
            start, end = _time(span.group(1), span.group(2)), _time(span.group(3), span.group(4))
            if end <= start:
                raise ShiftWordsError("vol.parse.end_before_start", start=_hm(start), end=_hm(end))
            words = replace(words, start=start, end=end)
        elif (people := _PEOPLE.match(token)) is not None:
            _once(words.capacity is not None, "vol.parse.two_capacities")
            words = replace(words, capacity=_capacity(people.group(1)))
        else:
            if token.isascii() and token.isdigit():
                numbers.append(len(title))
            title.append(token)
    if numbers and words.capacity is None:
        # a bare number is the capacity ("... 老年食堂助餐 3"); of several, the last one
        words = replace(words, capacity=_capacity(title.pop(numbers[-1])))
    if title:
        words = replace(words, title=_clean(" ".join(title), MAX_TITLE))
    if words.weekly and words.weekday is None and words.day is not None:
        words = replace(words, weekday=words.day.isoweekday())
    return words


def first_day(words: ShiftWords, *, now_local: datetime) -> date:
    """The date of the (first) shift: the date given, or the next such weekday (today if
    its start is still ahead)."""
    if words.day is not None:
        return words.day
    assert words.weekday is not None and words.start is not None
    today = now_local.date()
    ahead = (words.weekday - today.isoweekday()) % 7
    if ahead == 0 and words.start <= now_local.time().replace(tzinfo=None):
        ahead = 7
    return today + timedelta(days=ahead)


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    from datetime import UTC

    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def parse_offsets(value: str) -> list[timedelta]:
    """Reminder offsets before a shift, largest first: "24h,1h" -> [24 h, 1 h].
    Units: d (days), h (hours), m (minutes)."""
    offsets: set[timedelta] = set()
    for part in value.replace("，", ",").split(","):
        part = part.strip().lower()
        if not part:
            continue
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([dhm])", part)
        if match is None:
            raise ValueError(f"expected offsets like 24h,1h or 30m, got {value!r}")
        amount, unit = float(match.group(1)), match.group(2)
        offset = timedelta(days=amount) if unit == "d" else timedelta(hours=amount) if unit == "h" else timedelta(minutes=amount)
        if offset <= timedelta(0):
            raise ValueError(f"a reminder offset must be more than zero, got {part!r}")
        offsets.add(offset)
    return sorted(offsets, reverse=True)


# helpers -----------------------------------------------------------------------------------
def _tokens(text: str) -> list[str]:
    # "09:00 - 11:00" is one range, however it is spaced
    text = re.sub(r"\s*(-|~|～|—|–|到|至)\s*(?=\d{1,2}[:：]\d{2})", r"\1", text.strip())
    return text.split()


def _once(already: bool, key: str) -> None:
    if already:
        raise ShiftWordsError(key)


def _date_of(token: str, today: date) -> date | None:
    if token in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[token])
    year: int | None
    if (m := _ISO_DATE.match(token)) is not None:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif (m := _SHORT_DATE.match(token)) is not None:
        year, month, day = None, int(m.group(1)), int(m.group(2))
    elif (m := _CHINESE_DATE.match(token)) is not None:
        year = int(m.group(1)) if m.group(1) else None
        month, day = int(m.group(2)), int(m.group(3))
    else:
        return None
    years = [year] if year is not None else [today.year, today.year + 1]
    for candidate_year in years:
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        # a date a few weeks back is a mistake to point out (the caller refuses the past),
        # not next year's
        if year is not None or candidate >= today - RECENT_PAST:
            return candidate
    raise ShiftWordsError("vol.parse.bad_date", date=token)


def _capacity(digits: str) -> int:
    capacity = int(digits)
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ShiftWordsError("vol.parse.bad_capacity", max=MAX_CAPACITY)
    return capacity


def _time(hours: str, minutes: str) -> time:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time(23, 59)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ShiftWordsError("vol.parse.bad_time", time=f"{hours}:{minutes}")
    return time(h, m)


def _hm(at: time) -> str:
    return at.strftime("%H:%M")


def _area_of(token: str, areas: Mapping[str, str], by_name: Mapping[str, str]) -> str | None:
    if (m := _AREA.match(token)) is not None:
        token = m.group(1)
        if token not in by_name and token not in areas:
            raise ShiftWordsError("vol.parse.bad_area", area=token, areas="、".join(areas.values()))
    return by_name.get(token) or (token if token in areas else None)


def _clean(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat[:limit]
