"""Overdue tickets raised again: per-category times, working hours, urgent tickets around
the clock, the supervisor, and timers that survive a restart without firing twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.scheduler import Scheduler
from handlers.deadline_config import Span, load_deadlines, parse_deadlines
from handlers.rules import Rules
from handlers.texts import t
from storage.tables import Ticket, TicketStatus
from tests.support.harness import STAFF_CHAT, START, Harness
from tests.support.loop import advance, fire_due, pending_timers, reported, restarted, to

SUPERVISOR = -100999


def alerts(sent):  # type: ignore[no-untyped-def]
    return [d for d in to(sent, STAFF_CHAT) if d.action.kind == "send_text" and "⏰" in d.text]


async def test_unclaimed_ticket_is_raised_again_under_its_card_when_its_time_is_up(h: Harness) -> None:
    ticket = await reported(h)  # 物业维修: claimed within 2 working hours
    card = h.card_of(ticket.id)
    assert alerts(await advance(h, timedelta(hours=1, minutes=59))) == []
    [alert] = alerts(await advance(h, timedelta(minutes=1)))
    assert alert.text == t("overdue.claim", id=ticket.id, category="物业维修", waited="2 小时")
    assert alert.reply_to == card.message_id
    assert f"t:claim:{ticket.id}" in [data for _, data in alert.buttons]
    assert [e.text for e in await h.events(ticket.id) if e.kind == "overdue"] == [t("overdue.event_claim")]
    assert alerts(await advance(h, timedelta(hours=1))) == []  # once


async def test_claimed_in_time_is_not_raised(h: Harness) -> None:
    ticket = await reported(h)
    await h.press(h.staff(), f"t:claim:{ticket.id}", chat=h.staff_chat)
    await h.flush()
    assert alerts(await advance(h, timedelta(hours=3))) == []


async def test_a_reminder_that_became_pointless_is_not_sent(h: Harness) -> None:
    """The ticket changed without its timer being cancelled (say, by hand in the database)."""
    ticket = await reported(h)
    async with h.db.transaction() as session:
        row = await session.get(Ticket, ticket.id)
        row.status, row.assignee_id, row.assignee_name = TicketStatus.CLAIMED, 801, "李明"
    assert alerts(await advance(h, timedelta(hours=3))) == []


async def test_resolve_overdue_names_who_claimed_it(h: Harness) -> None:
    ticket = await reported(h)  # 物业维修: resolved within 2 working days
    await h.press(h.staff(), f"t:claim:{ticket.id}", chat=h.staff_chat)
    await h.flush()
    # Monday 10:00 + 2 working days of 9 hours = Wednesday 10:00
    assert alerts(await advance(h, timedelta(days=2) - timedelta(minutes=1))) == []
    [alert] = alerts(await advance(h, timedelta(minutes=1)))
    assert '<a href="tg://user?id=801">李明</a>' in alert.text and "超时未解决" in alert.text and "2 天" in alert.text


async def test_clocks_of_ordinary_tickets_stop_in_the_evening(h: Harness) -> None:
    h.clock.advance(timedelta(hours=7))  # Monday 17:00
    ticket = await reported(h)
    assert alerts(await advance(h, timedelta(hours=3))) == []  # 20:00: nobody is there
    # 30 minutes on Monday, 90 on Tuesday from 08:30: due Tuesday 10:00
    assert alerts(await advance(h, timedelta(hours=13, minutes=59))) == []
    [alert] = alerts(await advance(h, timedelta(minutes=1)))
    assert f"#{ticket.id}" in alert.text


async def test_clocks_of_ordinary_tickets_stop_on_sunday(h: Harness) -> None:
    h.clock.advance(timedelta(days=5, hours=7))  # Saturday 17:00
    await reported(h)
    assert alerts(await advance(h, timedelta(hours=23))) == []  # Sunday 16:00
    assert alerts(await advance(h, timedelta(hours=17, minutes=59))) == []  # Monday 09:59
    assert len(alerts(await advance(h, timedelta(minutes=1)))) == 1  # Monday 10:00


async def test_a_timer_due_while_the_bot_was_down_waits_for_working_hours(h: Harness) -> None:
    ticket = await reported(h)
    # down from before 12:00 until 20:00: the late timer waits a minute for queued updates,
    # then, the centre being closed, for the next opening
    assert alerts(await advance(h, timedelta(hours=10))) == []
    assert alerts(await advance(h, timedelta(minutes=1))) == []
    assert (await pending_timers(h))[f"claim_due:{ticket.id}"] == START + timedelta(hours=22, minutes=30)
    assert len(alerts(await advance(h, timedelta(hours=12, minutes=29)))) == 1  # Tuesday 08:30


async def test_a_claim_that_queued_up_while_the_bot_was_down_comes_before_the_reminder(h: Harness) -> None:
    ticket = await reported(h)
    # back at 14:00: the reminder due at 12:00 fires late and waits a minute...
    assert alerts(await advance(h, timedelta(hours=4))) == []
    # ...while the claim pressed during the outage is read
    await h.press(h.staff(), f"t:claim:{ticket.id}", chat=h.staff_chat)
    assert alerts(await advance(h, timedelta(minutes=1))) == []
    assert not [e for e in await h.events(ticket.id) if e.kind == "overdue"]


async def test_a_late_reminder_still_goes_out_when_nothing_changed(h: Harness) -> None:
    await reported(h)
    assert alerts(await advance(h, timedelta(hours=4))) == []
    assert len(alerts(await advance(h, timedelta(minutes=1)))) == 1


async def test_urgent_tickets_must_be_claimed_within_ten_minutes_day_and_night(h: Harness) -> None:
    h.clock.advance(timedelta(days=6, hours=17))  # Sunday 03:00
    ticket = await reported(h, "楼道里煤气味好重")
    assert ticket.urgent
    assert alerts(await advance(h, timedelta(minutes=9))) == []
    [alert] = alerts(await advance(h, timedelta(minutes=1)))
    assert "10 分钟" in alert.text


async def test_the_supervisor_hears_when_a_ticket_stays_overdue(db) -> None:  # type: ignore[no-untyped-def]
    h = Harness(db, rules=Rules(staff_chat_id=STAFF_CHAT, supervisor_chat_id=SUPERVISOR))
    ticket = await reported(h)
    await advance(h, timedelta(hours=2))  # 12:00: the staff group is reminded
    assert to(await advance(h, timedelta(hours=3, minutes=59)), SUPERVISOR) == []
    [told] = to(await advance(h, timedelta(minutes=1)), SUPERVISOR)  # 16:00: 4 working hours later
    assert f"#{ticket.id}" in told.text and "没人认领" in told.text and "3幢电梯又坏了" in told.text
    assert told.buttons == []  # the supervisor chat is not where cards are worked


async def test_the_supervisor_is_not_told_when_staff_act_after_the_reminder(db) -> None:  # type: ignore[no-untyped-def]
    h = Harness(db, rules=Rules(staff_chat_id=STAFF_CHAT, supervisor_chat_id=SUPERVISOR))
    ticket = await reported(h)
    await advance(h, timedelta(hours=2))
    await h.press(h.staff(), f"t:claim:{ticket.id}", chat=h.staff_chat)
    assert to(await advance(h, timedelta(hours=5)), SUPERVISOR) == []


async def test_without_a_supervisor_chat_nobody_else_is_told(h: Harness) -> None:
    ticket = await reported(h)
    await advance(h, timedelta(hours=2))
    assert f"claim_escalate:{ticket.id}" not in await pending_timers(h)


async def test_a_new_category_moves_the_deadline_from_when_the_ticket_came(h: Harness) -> None:
    ticket = await reported(h, "楼道里黑漆漆的")  # other: 2 hours
    h.clock.advance(timedelta(minutes=10))
    await h.press(h.staff(), f"t:setcat:{ticket.id}:safety", chat=h.staff_chat)  # safety: 30 minutes
    assert (await pending_timers(h))[f"claim_due:{ticket.id}"] == START + timedelta(minutes=30)
    assert len(alerts(await advance(h, timedelta(minutes=20)))) == 1


async def test_unclaiming_gives_a_fresh_time_to_be_claimed(h: Harness) -> None:
    ticket = await reported(h)
    li = h.staff()
    h.clock.advance(timedelta(minutes=30))
    await h.press(li, f"t:claim:{ticket.id}", chat=h.staff_chat)
    h.clock.advance(timedelta(minutes=30))
    await h.press(li, f"t:unclaim:{ticket.id}", chat=h.staff_chat)
    timers = await pending_timers(h)
    assert timers[f"claim_due:{ticket.id}"] == START + timedelta(hours=3)
    assert timers[f"resolve_due:{ticket.id}"] == START + timedelta(days=2)


async def test_resolving_or_closing_stops_the_clocks(h: Harness) -> None:
    first = await reported(h)
    second = await reported(h, "楼下垃圾没人收")
    await h.press(h.staff(), f"t:resolve:{first.id}", chat=h.staff_chat)
    await h.press(h.staff(), f"t:why:{second.id}:spam", chat=h.staff_chat)
    assert not [k for k in await pending_timers(h) if "_due:" in k]


async def test_a_restart_between_planning_and_firing_loses_and_duplicates_nothing(db) -> None:  # type: ignore[no-untyped-def]
    before = Harness(db)
    ticket = await reported(before)
    await before.flush()
    # the bot stops; a new process, its own dispatcher and scheduler, starts at 11:00
    after = restarted(before)
    after.clock.advance(timedelta(hours=1))
    scheduler = Scheduler(after.dispatcher, after.db, after.clock)
    await scheduler.start()
    try:
        after.clock.advance(timedelta(hours=1))  # 12:00: the jump fires what became due
        await asyncio.gather(*scheduler._tasks)
        assert await scheduler.fire_due() == 0  # the sweep finds nothing left
    finally:
        await scheduler.stop()
    await fire_due(before)  # the old process, had it lingered, finds it done too
    assert len(alerts(await after.flush())) == 1
    assert sum(e.kind == "overdue" for e in await after.events(ticket.id)) == 1


# the configuration -------------------------------------------------------------------------
def test_default_deadlines_file_is_valid_and_urgent_claim_is_ten_minutes() -> None:
    deadlines = load_deadlines()
    assert deadlines.times("repair", urgent=True).claim == Span(minutes=10)
    assert deadlines.times("repair", urgent=False).claim == Span(minutes=120)
    assert deadlines.times("assistance", urgent=False).resolve == deadlines.default.resolve  # not set: default
    assert deadlines.times("no-such-category", urgent=False) == deadlines.default


def test_default_deadlines_name_only_categories_of_the_taxonomy() -> None:
    from nlp import load_taxonomy

    assert load_deadlines().unknown_categories(load_taxonomy().ids) == []


def test_own_deadlines_file(tmp_path: Path) -> None:
    path = tmp_path / "deadlines.toml"
    path.write_text('[default]\nclaim = "1h"\nresolve = "1d4h"\nescalate = "30m"\n[category.repair]\nclaim = "15m"\n')
    rules = Rules(deadlines_file=path)
    assert rules.deadlines.times("repair", urgent=False).claim == Span(minutes=15)
    assert rules.deadlines.times("repair", urgent=False).resolve == Span(days=1, minutes=240)
    assert rules.deadlines.urgent == rules.deadlines.default  # no [urgent]: the default


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, r"\[default\] table is missing"),
        ({"default": {"claim": "1h", "resolve": "1d"}}, r"\[default\]: escalate is missing"),
        ({"default": {"claim": "soon", "resolve": "1d", "escalate": "1h"}}, r"\[default\] claim: expected a duration"),
        ({"default": {"claim": "0m", "resolve": "1d", "escalate": "1h"}}, "longer than zero"),
        ({"default": {"claim": "1h", "resolve": "1d", "escalate": "1h"}, "category": {"repair": {"clam": "1h"}}}, r"\[category.repair\]: unknown key 'clam'"),
        ({"default": {"claim": "1h", "resolve": "1d", "escalate": "1h"}, "weekend": {}}, r"unknown table \[weekend\]"),
    ],
)
def test_mistakes_in_the_deadlines_are_named(raw: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_deadlines(raw, "my.toml")


def test_a_missing_deadlines_file_is_a_clear_settings_error(tmp_path: Path) -> None:
    from bot.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match=r"DEADLINES_FILE is invalid: .*cannot read the deadlines file"):
        load_settings(deadlines_file=tmp_path / "nope.toml")


async def test_unknown_category_in_deadlines_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "deadlines.toml"
    path.write_text('[default]\nclaim = "1h"\nresolve = "1d"\nescalate = "1h"\n[category.repiar]\nclaim = "1h"\n')
    assert Rules(deadlines_file=path).deadlines.unknown_categories(["repair", "other"]) == ["repiar"]


async def test_open_and_claimed_tickets_only_have_deadline_timers(h: Harness) -> None:
    await reported(h)
    async with h.db.session() as session:
        open_ids = (await session.exec(select(Ticket.id).where(col(Ticket.status) == "open"))).all()
    assert sorted(k.split(":")[0] for k in await pending_timers(h)) == ["claim_due", "resolve_due"] * len(open_ids)
