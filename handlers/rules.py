"""How the centre runs its service: the part of the settings that handlers read.

bot.settings.Settings extends this with what only the runtime needs (token, database...).
"""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator

from handlers.deadline_config import Deadlines, load_deadlines
from handlers.shift_parse import parse_offsets


class Rules(BaseModel):
    staff_chat_id: int | None = None
    supervisor_chat_id: int | None = None
    timezone: str = "Asia/Shanghai"
    centre_name: str = "社区服务中心"

    # residents
    show_staff_names: bool = False
    attach_window_minutes: int = Field(default=10, ge=0)
    flood_max_tickets: int = Field(default=5, ge=1)
    flood_ticket_window_minutes: int = Field(default=10, ge=1)
    flood_max_messages: int = Field(default=20, ge=1)
    flood_message_window_seconds: int = Field(default=60, ge=1)
    staff_cache_minutes: int = Field(default=10, ge=0)

    # satisfaction polls and overdue tickets
    poll_reminder_hours: float = Field(default=24, gt=0)
    poll_close_hours: float = Field(default=72, gt=0)
    reopen_days: float = Field(default=7, gt=0)
    working_hours: str = "08:30-17:30"
    working_days: str = "1-6"
    weekly_summary: str = "mon 09:00"

    # volunteers
    shift_reminders: str = "24h,1h"
    checkin_window_minutes: int = Field(default=60, ge=0)
    points_per_hour: float = Field(default=1.0, ge=0)
    # volunteers: shifts and applications (handlers/shifts.py, handlers/volunteer_apply.py)
    shift_repeat_weeks: int = Field(default=4, ge=1, le=26)  # weekly shifts exist this far ahead
    shift_short_notice_hours: float = Field(default=24, gt=0)  # a shift short of people this close is flagged
    volunteer_dialog_minutes: int = Field(default=30, ge=1)  # an unfinished application is dropped after

    # closing the loop: the times each category may wait (see handlers/deadlines.toml,
    # the default when unset); WEEKLY_SUMMARY is "mon 09:00" or "off"
    deadlines_file: Path | None = None

    @field_validator("deadlines_file")
    @classmethod
    def _deadlines_readable(cls, value: Path | None) -> Path | None:
        load_deadlines(value)
        return value

    @field_validator("weekly_summary")
    @classmethod
    def _weekly(cls, value: str) -> str:
        from handlers.worktime import parse_weekly

        parse_weekly(value)
        return value

    @property
    def deadlines(self) -> Deadlines:
        return load_deadlines(self.deadlines_file)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("shift_reminders")
    @classmethod
    def _reminders(cls, value: str) -> str:
        parse_offsets(value)
        return value

    @property
    def reminder_offsets(self) -> list[timedelta]:
        return parse_offsets(self.shift_reminders)

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        parse_working_hours(value)
        return value

    @field_validator("working_days")
    @classmethod
    def _days(cls, value: str) -> str:
        parse_working_days(value)
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def attach_window(self) -> timedelta:
        return timedelta(minutes=self.attach_window_minutes)


def parse_working_hours(value: str) -> tuple[time, time]:
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError as exc:
        raise ValueError(f"expected HH:MM-HH:MM, got {value!r}") from exc
    if start >= end:
        raise ValueError(f"the start of {value!r} is not before its end")
    return start, end


def parse_working_days(value: str) -> frozenset[int]:
    """ISO weekdays (1 = Monday) from "1-6" or "1,2,3"."""
    days: set[int] = set()
    try:
        for part in value.split(","):
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-"))
                days.update(range(lo, hi + 1))
            elif part.strip():
                days.add(int(part))
    except ValueError as exc:
        raise ValueError(f"expected weekdays like 1-6 or 1,3,5, got {value!r}") from exc
    if not days or not days <= set(range(1, 8)):
        raise ValueError(f"weekdays must be between 1 (Monday) and 7 (Sunday), got {value!r}")
    return frozenset(days)
