"""The times a ticket may wait, per category: read from a small TOML file and checked.

The packaged handlers/deadlines.toml is the default and documents the format; the
DEADLINES_FILE setting names another. Every mistake is reported in one sentence that
names the file, the table and the key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

DEFAULT_FILE = Path(__file__).with_name("deadlines.toml")

_DURATION = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?$")
_KEYS = ("claim", "resolve", "escalate")


@dataclass(frozen=True)
class Span:
    """A time allowed: days and minutes kept apart, because a day of working time is one
    working day (WORKING_HOURS long), not 24 hours."""

    days: int = 0
    minutes: int = 0

    def total_minutes(self, day_minutes: float) -> float:
        return self.days * day_minutes + self.minutes


@dataclass(frozen=True)
class Times:
    claim: Span
    resolve: Span
    escalate: Span


@dataclass(frozen=True)
class Deadlines:
    default: Times
    urgent: Times
    categories: dict[str, Times]
    source: str = ""

    def times(self, category: str, *, urgent: bool) -> Times:
        if urgent:
            return self.urgent
        return self.categories.get(category, self.default)

    def unknown_categories(self, known: Iterable[str]) -> list[str]:
        return sorted(set(self.categories) - set(known))


def parse_span(value: object) -> Span:
    match = _DURATION.match(value.strip().lower()) if isinstance(value, str) else None
    if not match or not any(match.groups()):
        raise ValueError(f'expected a duration like "30m", "4h", "2d" or "1d4h", got {value!r}')
    days = int(match["d"] or 0)
    minutes = int(match["h"] or 0) * 60 + int(match["m"] or 0)
    if days == 0 and minutes == 0:
        raise ValueError(f"a duration must be longer than zero, got {value!r}")
    return Span(days, minutes)


@cache
def load_deadlines(path: Path | None = None) -> Deadlines:
    """The deadlines in `path` (the packaged default if None). Raises ValueError."""
    source = path or DEFAULT_FILE
    try:
        raw = tomllib.loads(Path(source).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read the deadlines file {source}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"the deadlines file {source} is not valid TOML: {exc}") from None
    return parse_deadlines(raw, str(source))


def parse_deadlines(raw: dict, source: str = "deadlines") -> Deadlines:
    extra = set(raw) - {"default", "urgent", "category"}
    if extra:
        raise ValueError(f"{source}: unknown table [{sorted(extra)[0]}] (expected [default], [urgent], [category.ID])")
    if "default" not in raw:
        raise ValueError(f"{source}: the [default] table is missing")
    default = _times(raw["default"], None, f"{source} [default]")
    urgent = _times(raw.get("urgent", {}), default, f"{source} [urgent]")
    categories_raw = raw.get("category", {})
    if not isinstance(categories_raw, dict):
        raise ValueError(f"{source}: [category] must hold tables like [category.repair]")
    categories = {
        str(cid): _times(table, default, f"{source} [category.{cid}]") for cid, table in categories_raw.items()
    }
    return Deadlines(default, urgent, categories, source)


def _times(table: object, base: Times | None, where: str) -> Times:
    if not isinstance(table, dict):
        raise ValueError(f"{where} must be a table of claim, resolve and escalate")
    unknown = set(table) - set(_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r} (expected claim, resolve, escalate)")
    spans: dict[str, Span] = {}
    for key in _KEYS:
        if key in table:
            try:
                spans[key] = parse_span(table[key])
            except ValueError as exc:
                raise ValueError(f"{where} {key}: {exc}") from None
        elif base is None:
            raise ValueError(f"{where}: {key} is missing")
    if base is None:
        return Times(**spans)
    return replace(base, **spans)
