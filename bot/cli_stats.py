"""`minhu stats` and `minhu export`: how the centre is doing, and its tickets for Excel."""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot.settings import Settings, SettingsError, load_settings


def register(commands: argparse._SubParsersAction) -> None:
    stats = commands.add_parser("stats", help="tickets of the last 7 and 30 days: status, times, satisfaction")
    stats.add_argument("--chart", type=Path, metavar="PNG", help="also draw the chart into this file")
    stats.set_defaults(func=_stats)

    export = commands.add_parser("export", help="tickets and their history for a date range, as an Excel file")
    export.add_argument("--from", dest="start", type=_day, required=True, metavar="YYYY-MM-DD", help="first day (in TIMEZONE)")
    export.add_argument("--to", dest="end", type=_day, required=True, metavar="YYYY-MM-DD", help="last day, included")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help="where to write the workbook")
    export.set_defaults(func=_export)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-01, got {value!r}") from None


def category_names(settings: Settings) -> Callable[[str], str]:
    """Category names from the taxonomy; the ids themselves if it cannot be loaded."""
    try:
        from nlp import load_taxonomy

        taxonomy = load_taxonomy(settings.taxonomy_file)
    except Exception:
        return lambda category_id: category_id

    def name(category_id: str) -> str:
        try:
            return taxonomy.name(category_id)
        except KeyError:
            return category_id

    return name


def plain(text: str) -> str:
    """HTML meant for Telegram, as terminal text."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _stats(args: argparse.Namespace) -> int:
    from handlers import chart
    from handlers.stats import build_report, report_text
    from storage.db import Database

    settings = load_settings()
    names = category_names(settings)

    async def go() -> tuple[str, bytes | None]:
        db = Database(settings.database_url.get_secret_value())
        try:
            async with db.session() as session:
                report = await build_report(session, datetime.now(UTC), settings.tz)
        finally:
            await db.dispose()
        text = plain(report_text(report, names, settings.tz))
        when = report.now.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
        return text, chart.render(report, names, when=when) if args.chart else None

    text, png = asyncio.run(go())
    print(text)
    if args.chart:
        if png is None:
            print("minhu: the chart could not be drawn (see the log above)", file=sys.stderr)
            return 1
        args.chart.write_bytes(png)
        print(f"chart: {args.chart}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from bot.export import export_workbook
    from storage.db import Database

    if args.end < args.start:
        raise SettingsError("--to is before --from: give the first day, then the last.")
    settings = load_settings()
    tz = settings.tz
    since = datetime.combine(args.start, time(0), tzinfo=tz)
    until = datetime.combine(args.end + timedelta(days=1), time(0), tzinfo=tz)
    names = category_names(settings)

    async def go() -> tuple[bytes, int, int]:
        db = Database(settings.database_url.get_secret_value())
        try:
            async with db.session() as session:
                return await export_workbook(session, since=since, until=until, tz=tz, names=names)
        finally:
            await db.dispose()

    content, tickets, events = asyncio.run(go())
    args.out.write_bytes(content)
    print(f"{args.out}: {tickets} tickets, {events} events ({args.start} to {args.end}, {settings.timezone})")
    return 0
