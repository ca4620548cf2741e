"""Tickets and their history for a date range, as an Excel workbook staff open as is.

Two sheets: one row per ticket, one row per event. Times are the centre's local time as
real Excel dates; the header row stays in view and can filter. Residents' words are
kept as text: a message starting with "=" never becomes a formula, and characters that
Excel files cannot hold are dropped.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.texts import has, t
from storage.stats import history_of_tickets_created, tickets_created
from storage.tables import TicketEvent

DATE_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_WIDTH = 50  # columns holding residents' words; the rest fit their contents
MAX_WIDTH = 30


async def export_workbook(
    session: AsyncSession, *, since: datetime, until: datetime, tz: ZoneInfo, names: Callable[[str], str]
) -> tuple[bytes, int, int]:
    """The workbook of tickets that arrived in [since, until): (xlsx bytes, tickets, events)."""
    tickets = await tickets_created(session=session, since=since, until=until)
    events = await history_of_tickets_created(session=session, since=since, until=until)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("export.tickets_sheet")
    _header(sheet, t("export.tickets_header").split("|"))
    for row, (ticket, person) in enumerate(tickets, start=2):
        _row(
            sheet,
            row,
            [
                ticket.id,
                _local(ticket.created_at, tz),
                names(ticket.category),
                t(f"status.{ticket.status}"),
                t("export.urgent_yes") if ticket.urgent else t("export.urgent_no"),
                person.full_name if person else "",
                ticket.resident_id,
                ticket.text,
                ticket.assignee_name or "",
                _local(ticket.claimed_at, tz),
                _local(ticket.resolved_at, tz),
                _local(ticket.closed_at, tz),
                t(f"close_reason.{ticket.close_reason}") if ticket.close_reason else "",
                t(f"rating.{ticket.rating}") if ticket.rating else "",
                ticket.rating_comment or "",
                ticket.reopened_count,
            ],
        )
    _finish(sheet, text_columns={8, 15})

    history = book.create_sheet(t("export.history_sheet"))
    _header(history, t("export.history_header").split("|"))
    for row, event in enumerate(events, start=2):
        _row(
            history,
            row,
            [
                event.ticket_id,
                _local(event.at, tz),
                event.actor_name or _role(event.actor_role),
                _role(event.actor_role),
                describe(event, names),
                event.text or "",
            ],
        )
    _finish(history, text_columns={6})
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), len(tickets), len(events)


def describe(event: TicketEvent, names: Callable[[str], str]) -> str:
    """What happened, in a few words (the event's own text goes in the next column)."""
    data = json.loads(event.data) if event.data else {}
    if event.kind == "attachment":
        return t("event.attachment", what=t(f"what.{data.get('what', 'document')}"))
    if event.kind == "category_changed":
        return t("event.category_changed", old=names(data.get("old", "")), new=names(data.get("new", "")))
    if event.kind == "closed":
        reason = event.text or ""
        return t("event.closed", reason=t(f"close_reason.{reason}") if has(f"close_reason.{reason}") else reason)
    key = f"event.{event.kind}"
    if not has(key):
        return event.kind
    return t(key, text="", what="").rstrip("：: ")


def _role(role: str) -> str:
    return t(f"export.role.{role}") if has(f"export.role.{role}") else role


def _local(when: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Excel has no time zones: the centre's wall-clock time."""
    return when.astimezone(tz).replace(tzinfo=None) if when else None


def _header(sheet: Worksheet, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _row(sheet: Worksheet, row: int, values: list[object]) -> None:
    """Row `row` (counted by the caller: openpyxl's max_row looks at every cell each time)."""
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = sheet.cell(row=row, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # words, never a formula, whatever they start with
        elif isinstance(value, datetime):
            cell.number_format = DATE_FORMAT


def _finish(sheet: Worksheet, *, text_columns: set[int]) -> None:
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(sheet.iter_cols(min_row=1, max_row=min(sheet.max_row, 200)), start=1):
        letter = get_column_letter(index)
        if index in text_columns:
            sheet.column_dimensions[letter].width = TEXT_WIDTH
            for cell in column[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            continue
        widest = max((_width(cell.value) for cell in column), default=8)
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(8, widest + 2))


def _width(value: object) -> int:
    if isinstance(value, datetime):
        return 16
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)  # Chinese characters are twice as wide
