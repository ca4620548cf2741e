"""/stats and the weekly summary: facts read from real ticket histories, the text staff
read, the chart (a real PNG whose bars are the numbers), and the weekly timer."""

from __future__ import annotations

import asyncio
import struct
import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers import chart
from handlers.rules import Rules
from handlers.stats import WEEKLY, build_report
from handlers.texts import t
from storage.stats import ticket_facts
from tests.support.harness import STAFF_CHAT, START, Harness
from tests.support.loop import advance, pending_timers, poll_id, restarted, to

SH = ZoneInfo("Asia/Shanghai")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC, "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


async def history(h: Harness) -> None:
    """Four tickets with known times, all within the last seven days.

    #1 电梯 (repair): claimed after 30 min, resolved after 2 h, rated 非常满意.
    #2 垃圾 (environment): claimed after 10 min, resolved after 1 h, answered 没解决,
       resolved again 5 h after it came, rated 不满意.
    #3 停车 (parking): never claimed.
    #4 吵 (dispute): withdrawn by the resident.
    """
    alice, bob, li = h.resident(), h.resident(502, "老张"), h.staff()
    await h.send(alice, "3幢电梯又坏了")  # 10:00
    await h.send(bob, "楼下垃圾没人收")  # 10:00
    h.clock.advance(timedelta(minutes=10))
    await h.press(li, "t:claim:2", chat=h.staff_chat)
    h.clock.advance(timedelta(minutes=20))
    await h.press(li, "t:claim:1", chat=h.staff_chat)
    h.clock.advance(timedelta(minutes=30))  # 11:00
    await h.press(li, "t:resolve:2", chat=h.staff_chat)
    await h.flush()
    await h.answer_poll(bob, await poll_id(h, 2), (4,))
    h.clock.advance(timedelta(hours=1))  # 12:00
    await h.press(li, "t:resolve:1", chat=h.staff_chat)
    await h.send(h.resident(503, "小刘"), "门口停车乱")
    await h.send(h.resident(504, "老李"), "楼上太吵了")
    await h.press(h.resident(504, "老李"), "r:wdok:4")
    await h.flush()
    await h.answer_poll(alice, await poll_id(h, 1), (0,))
    h.clock.advance(timedelta(hours=3))  # 15:00
    await h.press(li, "t:claim:2", chat=h.staff_chat)
    await h.press(li, "t:resolve:2", chat=h.staff_chat)
    await h.flush()
    await h.answer_poll(bob, await poll_id(h, 2), (3,))
    await h.flush()


async def test_facts_come_from_the_ticket_histories(h: Harness) -> None:
    await history(h)
    async with h.db.session() as session:
        facts = {f.id: f for f in await ticket_facts(session=session, since=START, until=h.clock.now())}
    assert sorted(facts) == [1, 2, 3, 4]
    assert facts[1].taken_at - facts[1].created_at == timedelta(minutes=30)
    assert facts[1].resolved_at - facts[1].created_at == timedelta(hours=2)
    assert facts[2].taken_at - facts[2].created_at == timedelta(minutes=10)  # the first claim
    assert facts[2].resolved_at - facts[2].created_at == timedelta(hours=5)  # the resolution that stands
    assert (facts[2].reopened, facts[2].rating, facts[1].rating) == (1, "dissatisfied", "very_satisfied")
    assert facts[3].taken_at is None and facts[3].resolved_at is None and not facts[3].ever_resolved
    assert (facts[4].status, facts[4].close_reason) == ("closed", "withdrawn")


async def test_stats_in_the_staff_group_sends_text_and_chart_with_the_right_numbers(h: Harness) -> None:
    await history(h)
    await h.send(h.staff(), "/stats", chat=h.staff_chat)
    [text, photo] = to(await h.flush(), STAFF_CHAT)
    week = text.text.split("\n\n")[1]
    assert "近 7 天" in week
    assert "工单 4 个：待处理 1 · 已办结 2 · 其他关闭 1" in week
    assert "认领用时：一半在 20 分钟 内，九成在 28 分钟 内" in week  # 10 and 30 minutes
    assert "解决用时：一半在 3.5 小时 内，九成在 4.7 小时 内" in week  # 2 h and 5 h
    assert "重新打开：1/2（50%）" in week
    assert "评价：非常满意 1 · 不满意 1" in week
    assert "物业维修 1" in week and "停车交通 1" in week
    assert photo.action.kind == "send_photo" and photo.text == t("stats.chart_caption")
    width, height = png_size(photo.action.png)
    assert height > width >= 600 and len(photo.action.png) > 20_000


async def test_stats_is_for_staff_only(h: Harness) -> None:
    await h.send(h.resident(), "/stats", chat=h.staff_chat)
    assert [d.text for d in await h.flush()] == [t("refuse.staff_only")]
    await h.send(h.resident(), "/stats")
    assert [d.text for d in await h.flush()] == [t("refuse.staff_chat_only")]


async def test_the_bars_of_the_chart_are_the_numbers(h: Harness) -> None:
    await history(h)
    async with h.db.session() as session:
        report = await build_report(session, h.clock.now(), SH)
    figure = chart.build_figure(report, chart._Words(True, lambda c: c), when="now")
    week_axes, month_axes, times_axes, verdict_axes = figure.axes[:4]
    done = {p.get_y(): p.get_width() for p in week_axes.patches if p.get_gid() == "status:done"}
    assert sorted(done.values()) == [0, 0, 1, 1]  # repair and environment each have one done
    claim_median_week = next(p for p in times_axes.patches if p.get_gid() == "times:7")
    assert claim_median_week.get_width() == round(20 / 60, 1)
    widths = {p.get_gid(): p.get_width() for p in verdict_axes.patches if p.get_y() < 0.5 and p.get_gid()}
    assert widths["verdict:very_satisfied"] == 1 and widths["verdict:dissatisfied"] == 1 and widths["verdict:so_so"] == 0
    assert len(month_axes.patches) == len(week_axes.patches)  # the same four categories


async def test_chart_without_a_chinese_font_uses_latin_labels_and_still_draws(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    await history(h)
    monkeypatch.setattr(chart, "cjk_font", lambda: None)
    async with h.db.session() as session:
        report = await build_report(session, h.clock.now(), SH)
    png = chart.render(report, lambda c: {"repair": "物业维修"}.get(c, c), when="2026-11-23 15:00")
    assert png is not None and png_size(png)[1] > 600  # and no "missing glyph" warning, which would fail the test


async def test_an_empty_centre_still_gets_a_chart(h: Harness) -> None:
    await h.send(h.staff(), "/stats", chat=h.staff_chat)
    [text, photo] = await h.flush()
    assert t("stats.none") in text.text
    png_size(photo.action.png)


async def test_a_chart_that_fails_to_draw_leaves_the_text_and_a_word(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("no canvas")

    monkeypatch.setattr(chart, "build_figure", broken)
    await h.send(h.staff(), "/stats", chat=h.staff_chat)
    sent = await h.flush()
    assert [d.action.kind for d in sent] == ["send_text", "send_text"]
    assert sent[1].text == t("stats.chart_failed")


async def test_residents_are_not_kept_waiting_while_the_chart_is_drawn(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chart takes half a second to draw; on SQLite a transaction held meanwhile would
    stop every other update, so it is drawn before /stats takes the database."""
    drawing, release = threading.Event(), threading.Event()
    real_render = chart.render

    def slow_render(*args: object, **kwargs: object) -> bytes | None:
        drawing.set()
        release.wait(timeout=10)
        return real_render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(chart, "render", slow_render)
    stats = asyncio.create_task(h.send(h.staff(), "/stats", chat=h.staff_chat))
    await asyncio.to_thread(drawing.wait, 10)
    try:  # the chart is still being drawn: a resident's report goes through now
        await asyncio.wait_for(h.send(h.resident(), "3幢电梯又坏了"), timeout=5)
        assert [ticket.text for ticket in await h.tickets()] == ["3幢电梯又坏了"]
    finally:
        release.set()
        await stats
    sent = to(await h.flush(), STAFF_CHAT)
    assert [d.action.kind for d in sent] == ["send_text", "send_text", "send_photo"]  # the card, report, chart
    assert "3幢电梯又坏了" in sent[0].text
    assert t("stats.none") in sent[1].text  # the report was read before the ticket came


# the weekly summary -------------------------------------------------------------------------
async def test_weekly_summary_is_posted_on_its_day_and_planned_again(h: Harness) -> None:
    await h.dispatcher.run_start_handlers()
    monday_nine = START + timedelta(days=7, hours=-1)  # START is Monday 10:00; next Monday 09:00
    assert (await pending_timers(h))[WEEKLY] == monday_nine
    assert await advance(h, timedelta(days=6, hours=22, minutes=59)) == []
    sent = await advance(h, timedelta(minutes=1))
    assert [d.action.kind for d in sent] == ["send_text", "send_photo"]
    assert sent[0].text.startswith(t("stats.weekly_title")) and sent[0].chat_id == STAFF_CHAT
    assert (await pending_timers(h))[WEEKLY] == monday_nine + timedelta(days=7)


async def test_a_restart_neither_loses_nor_repeats_the_weekly_summary(db) -> None:  # type: ignore[no-untyped-def]
    first = Harness(db)
    await first.dispatcher.run_start_handlers()
    planned = (await pending_timers(first))[WEEKLY]
    second = restarted(first)  # restarted a day later
    second.clock.advance(timedelta(days=1))
    await second.dispatcher.run_start_handlers()
    assert (await pending_timers(second))[WEEKLY] == planned
    # down over the summary's hour, back two hours later: it is still posted, once
    second.clock.jump_to(planned + timedelta(hours=2))
    sent = await advance(second, timedelta(0))
    assert [d.action.kind for d in sent] == ["send_text", "send_photo"]
    await second.dispatcher.run_start_handlers()
    assert await advance(second, timedelta(hours=1)) == []


async def test_a_summary_long_overdue_is_skipped_but_the_next_is_planned(h: Harness) -> None:
    await h.dispatcher.run_start_handlers()
    planned = (await pending_timers(h))[WEEKLY]
    h.clock.jump_to(planned + timedelta(days=1))  # the bot was down all Monday
    assert await advance(h, timedelta(0)) == []
    assert (await pending_timers(h))[WEEKLY] == planned + timedelta(days=7)


async def test_the_weekly_summary_follows_its_setting(db) -> None:  # type: ignore[no-untyped-def]
    friday = Harness(db, rules=Rules(staff_chat_id=STAFF_CHAT, weekly_summary="fri 17:00"))
    await friday.dispatcher.run_start_handlers()
    assert (await pending_timers(friday))[WEEKLY] == START + timedelta(days=4, hours=7)
    off = Harness(db, rules=Rules(staff_chat_id=STAFF_CHAT, weekly_summary="off"))
    await off.dispatcher.run_start_handlers()
    assert WEEKLY not in await pending_timers(off)
