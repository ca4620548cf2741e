"""How the centre is doing: /stats in the staff group, and a weekly summary posted there.

The numbers come from storage.stats (one query) and handlers.metrics (pure functions);
this module words them and sends them with the chart from handlers.chart. The weekly
summary is a timer re-planned after each run, so it follows the bot's clock and a
restart neither loses nor repeats it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers import chart, metrics
from handlers.actions import SendPhoto, SendText
from handlers.cards import taxonomy_name
from handlers.context import Ctx, Services
from handlers.events import Message
from handlers.overdue import duration
from handlers.router import Router, Scope
from handlers.texts import t
from handlers.worktime import is_weekly, next_weekly, parse_weekly
from storage.stats import ticket_facts
from storage.tables import Timer, TimerStatus
from storage.timers import get_timer

router = Router()

WEEKLY = "weekly_summary"
# A summary more than this late (the bot was down) is skipped: next week's will come.
WEEKLY_STILL_USEFUL = timedelta(hours=12)


async def build_report(session: AsyncSession, now: datetime, tz: ZoneInfo) -> metrics.Report:
    longest = max(metrics.WINDOWS)
    since = metrics.window_start(now, longest, tz)
    facts = await ticket_facts(session=session, since=since, until=now + timedelta(microseconds=1))
    # a month of a busy centre is ~0.1 s of arithmetic: off the event loop
    return await asyncio.to_thread(metrics.report, facts, now=now, tz=tz)


def report_text(report: metrics.Report, names: Callable[[str], str], tz: ZoneInfo, *, title: str | None = None) -> str:
    """The report in a few lines of HTML for the staff group."""
    lines = [title or t("stats.title", time=report.now.astimezone(tz).strftime("%m-%d %H:%M"))]
    for window in report.windows:
        lines += ["", t("stats.window", days=window.days, start=window.start.astimezone(tz).strftime("%m-%d"))]
        if not window.total:
            lines.append(t("stats.none"))
            continue
        statuses = " · ".join(t(f"stats.status.{s}") + f" {n}" for s, n in window.by_status.items() if n)
        lines.append(t("stats.total", n=window.total, statuses=statuses))
        categories = " · ".join(f"{names(c)} {sum(counts.values())}" for c, counts in window.by_category.items())
        lines.append(t("stats.by_category", categories=categories))
        for key, spread in (("stats.claim_time", window.claim), ("stats.resolve_time", window.resolve)):
            if spread is None:
                lines.append(t(key, median=t("stats.no_times"), p90=t("stats.no_times")))
            else:
                lines.append(t(key, median=duration(spread.median), p90=duration(spread.p90)))
        share = window.reopened_share
        if share is not None:
            lines.append(t("stats.reopened", n=window.reopened, of=window.resolved_once, share=f"{share:.0%}"))
        verdicts = " · ".join(_verdict(v) + f" {n}" for v, n in window.verdicts.items() if n)
        lines.append(t("stats.satisfaction", ratings=verdicts) if verdicts else t("stats.no_ratings"))
    return "\n".join(lines)


def _verdict(verdict: str) -> str:
    return t("stats.unrated") if verdict == "unrated" else t(f"rating.{verdict}")


@dataclass(frozen=True)
class Drawn:
    report: metrics.Report
    png: bytes | None  # None: the chart could not be drawn (logged)


async def draw_report(services: Services, session: AsyncSession, now: datetime) -> Drawn:
    """The numbers and the chart: read and drawn before the transaction, since drawing takes
    half a second and, on SQLite, a transaction holds up every other update."""
    report = await build_report(session, now, services.rules.tz)
    when = now.astimezone(services.rules.tz).strftime("%Y-%m-%d %H:%M")
    png = await asyncio.to_thread(chart.render, report, _names(services), when=when)
    return Drawn(report, png)


def _names(services: Services) -> Callable[[str], str]:
    return functools.partial(taxonomy_name, services)


async def post_report(ctx: Ctx, chat_id: int, *, title: str | None = None) -> None:
    """The text, then the chart (if it failed to draw, a word instead)."""
    drawn = ctx.ahead if isinstance(ctx.ahead, Drawn) else await draw_report(ctx.services, ctx.session, ctx.now)
    ctx.send(SendText(chat_id=chat_id, text=report_text(drawn.report, _names(ctx.services), ctx.rules.tz, title=title)))
    if drawn.png is None:
        ctx.send(SendText(chat_id=chat_id, text=t("stats.chart_failed")))
    else:
        ctx.send(SendPhoto(chat_id=chat_id, png=drawn.png, caption=t("stats.chart_caption")))


@router.command("stats", scope=Scope.STAFF, ahead=draw_report)
async def stats(ctx: Ctx, msg: Message, _args: str) -> None:
    await post_report(ctx, msg.chat.id)


# the weekly summary ------------------------------------------------------------------------
async def plan_weekly(ctx: Ctx, *, after: datetime) -> None:
    schedule = parse_weekly(ctx.rules.weekly_summary)
    if schedule is None or ctx.staff_chat_id is None:
        await ctx.cancel(WEEKLY)
        return
    await ctx.plan(WEEKLY, WEEKLY, 0, next_weekly(after, *schedule, ctx.rules.tz))


@router.on_start
async def keep_weekly_planned(ctx: Ctx) -> None:
    """At start: plan the summary, unless one is planned that fits the schedule (it may be
    overdue from while the bot was down; its handler decides whether it is still useful)."""
    schedule = parse_weekly(ctx.rules.weekly_summary)
    timer = await get_timer(session=ctx.session, key=WEEKLY)
    if (
        schedule is not None
        and timer is not None
        and timer.status == TimerStatus.PENDING
        and is_weekly(timer.due_at, *schedule, ctx.rules.tz)
    ):
        return
    await plan_weekly(ctx, after=ctx.now)


@router.timer(WEEKLY, ahead=draw_report)
async def weekly_summary(ctx: Ctx, timer: Timer) -> None:
    if ctx.staff_chat_id is not None and ctx.now - timer.due_at <= WEEKLY_STILL_USEFUL:
        await post_report(ctx, ctx.staff_chat_id, title=t("stats.weekly_title"))
    await plan_weekly(ctx, after=max(ctx.now, timer.due_at))
