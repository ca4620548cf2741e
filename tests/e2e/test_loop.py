"""Closing the loop, end to end on both frameworks: the satisfaction poll and each answer,
reopening by poll and by reply, the reminder and the closing on a controlled clock,
overdue tickets in working hours, restarts, /stats with its chart, the weekly summary."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.fake_telegram import SentMessage
from handlers.clock import ManualClock
from handlers.texts import t
from storage.tables import TicketStatus
from tests.e2e.world import World

OPTIONS = [t(f"rating.{r}") for r in ("very_satisfied", "satisfied", "so_so", "dissatisfied", "not_solved")]


async def jump(world: World, delta: timedelta) -> None:
    """Move the bot's clock and wait until what became due has fired and been sent."""
    world.clock.advance(delta)
    assert world.bot is not None
    await world.bot.scheduler.fire_due()
    await world.settle()


def sent_to(world: World, chat_id: int, after: int) -> list[SentMessage]:
    return [s for s in world.tg.sent[after:] if s.chat_id == chat_id]


async def reported(world: World, text: str = "3幢电梯又坏了") -> tuple[Any, SentMessage]:
    world.tg.send_text(world.alice, text)
    await world.reply_to(world.alice, "工单号")
    ticket = (await world.tickets())[-1]
    return ticket, await world.card(ticket.id)


async def resolved(world: World) -> tuple[Any, SentMessage, SentMessage]:
    """A ticket claimed and resolved by 李明: the ticket, its card, the poll the resident got."""
    tg, li = world.tg, world.li
    ticket, card = await reported(world)
    tg.press(li, card.message, f"t:claim:{ticket.id}")
    await world.reply_to(world.alice, "接手")
    tg.press(li, tg.message(card.chat_id, card.message_id), f"t:resolve:{ticket.id}")
    poll = await tg.wait_for_sent(chat_id=world.alice.id, method="sendPoll")
    await world.settle()
    return ticket, card, poll


async def test_resolving_sends_a_poll_and_a_content_answer_closes_the_ticket(world: World) -> None:
    tg, alice = world.tg, world.alice
    ticket, card, poll = await resolved(world)
    assert [o["text"] for o in poll.poll["options"]] == OPTIONS
    assert poll.poll["is_anonymous"] is False and f"#{ticket.id}" in poll.poll["question"]
    tg.answer_poll(alice, poll.message, 1)
    thanks = await world.reply_to(alice, "谢谢您的评价")
    assert f"#{ticket.id}" in thanks.text
    await tg.wait_for(lambda: tg.message(alice.id, poll.message_id)["poll"]["is_closed"])
    await tg.wait_for(lambda: "评价：满意" in world.current(card))
    [done] = await world.tickets()
    assert (done.status, done.close_reason, done.rating) == (TicketStatus.CLOSED, "resolved", "satisfied")


async def test_dissatisfied_asks_for_a_comment_that_joins_the_ticket(world: World) -> None:
    tg, alice = world.tg, world.alice
    ticket, card, poll = await resolved(world)
    tg.answer_poll(alice, poll.message, 3)
    ask = await world.reply_to(alice, "哪里做得不好")
    assert world.buttons(ask) == [(t("satisfaction.skip_button"), f"fb:skip:{ticket.id}")]
    tg.send_text(alice, "师傅来了没修好就走了")
    await world.reply_to(alice, "意见已转给工作人员")
    note = await tg.wait_for_sent(chat_id=world.staff_group.id, text_contains="师傅来了没修好就走了")
    assert note.reply_to_message_id == card.message_id and "不满意" in note.text
    await world.settle()
    [done] = await world.tickets()
    assert (done.rating, done.rating_comment) == ("dissatisfied", "师傅来了没修好就走了")
    assert "意见：师傅来了没修好就走了" in world.current(card)


async def test_not_solved_reopens_the_ticket_and_the_next_words_join_it(world: World) -> None:
    tg, alice = world.tg, world.alice
    ticket, card, poll = await resolved(world)
    tg.answer_poll(alice, poll.message, 4)
    await world.reply_to(alice, "已重新打开")
    alert = await tg.wait_for_sent(chat_id=world.staff_group.id, text_contains="重新打开")
    assert alert.reply_to_message_id == card.message_id
    await tg.wait_for(lambda: "待处理" in world.current(card))
    assert f"t:claim:{ticket.id}" in [data for _, data in world.buttons(tg.message(card.chat_id, card.message_id))]
    tg.send_text(alice, "电梯还是停在5楼不动")
    await world.reply_to(alice, "已补充到工单")
    await tg.wait_for_sent(chat_id=world.staff_group.id, text_contains="电梯还是停在5楼不动")
    await world.settle()
    [again] = await world.tickets()  # no new ticket
    assert (again.status, again.rating, again.reopened_count) == (TicketStatus.OPEN, "not_solved", 1)


async def test_a_reply_to_the_resolved_message_reopens_it(world: World) -> None:
    tg, alice = world.tg, world.alice
    ticket, _card, poll = await resolved(world)
    news = next(s for s in tg.sent if s.chat_id == alice.id and "已处理完成" in (s.text or "") and s.method == "sendMessage")
    tg.send_text(alice, "还是漏水", reply_to=news.message)
    await world.reply_to(alice, "已重新打开")
    await tg.wait_for(lambda: tg.message(alice.id, poll.message_id)["poll"]["is_closed"])
    await world.settle()
    [again] = await world.tickets()
    assert (again.status, again.reopened_count) == (TicketStatus.OPEN, 1)


async def test_one_reminder_at_24_hours_and_closing_unrated_at_72(world: World) -> None:
    tg, alice = world.tg, world.alice
    ticket, card, poll = await resolved(world)
    mark = len(tg.sent)
    await jump(world, timedelta(hours=23, minutes=59))
    assert sent_to(world, alice.id, mark) == []
    await jump(world, timedelta(minutes=1))
    [reminder] = sent_to(world, alice.id, mark)
    assert reminder.text == t("satisfaction.reminder", id=ticket.id).replace("<b>", "").replace("</b>", "")
    assert reminder.reply_to_message_id == poll.message_id
    await jump(world, timedelta(hours=47, minutes=59))
    assert len(sent_to(world, alice.id, mark)) == 1 and not tg.message(alice.id, poll.message_id)["poll"]["is_closed"]
    await jump(world, timedelta(minutes=1))
    assert tg.message(alice.id, poll.message_id)["poll"]["is_closed"]
    assert "未评价" in sent_to(world, alice.id, mark)[-1].text
    [closed] = await world.tickets()
    assert (closed.status, closed.close_reason, closed.rating) == (TicketStatus.CLOSED, "unrated", None)
    assert "未评价" in world.current(card)


async def test_overdue_alerts_respect_working_hours(world: World) -> None:
    group = world.staff_group.id
    world.clock.advance(timedelta(hours=7))  # Monday 17:00 in Shanghai
    ticket, card = await reported(world)  # 物业维修: to be claimed within 2 working hours
    mark = len(world.tg.sent)
    await jump(world, timedelta(hours=3))  # 20:00: the centre is closed
    assert sent_to(world, group, mark) == []
    await jump(world, timedelta(hours=13, minutes=59))  # Tuesday 09:59
    assert sent_to(world, group, mark) == []
    await jump(world, timedelta(minutes=1))  # 30 minutes on Monday + 90 on Tuesday
    [alert] = sent_to(world, group, mark)
    assert alert.text.startswith(f"⏰ 工单 #{ticket.id}") and "超时未认领" in alert.text
    assert alert.reply_to_message_id == card.message_id
    assert f"t:claim:{ticket.id}" in [data for _, data in world.buttons(alert)]


async def test_urgent_ticket_unclaimed_for_ten_minutes_at_night_is_raised(world: World) -> None:
    group = world.staff_group.id
    world.clock.advance(timedelta(hours=13))  # Monday 23:00
    ticket, _card = await reported(world, "厨房里煤气味很重，我头晕")
    assert ticket.urgent
    mark = len(world.tg.sent)
    await jump(world, timedelta(minutes=9))
    assert sent_to(world, group, mark) == []
    await jump(world, timedelta(minutes=1))
    [alert] = sent_to(world, group, mark)
    assert "超时未认领" in alert.text


async def restart_later(world: World, delta: timedelta) -> None:
    """Stop the bot; let `delta` pass while it is down; start it again."""
    await world.stop()
    world.clock = ManualClock(world.clock.now() + delta, frozen=True)
    await world.start()


async def test_a_restart_between_scheduling_and_firing_loses_and_duplicates_nothing(world: World) -> None:
    group = world.staff_group.id
    ticket, _card = await reported(world)
    mark = len(world.tg.sent)
    await restart_later(world, timedelta(hours=2, minutes=30))  # down over the 12:00 deadline
    await world.settle()
    await jump(world, timedelta(minutes=1))  # late timers wait a minute for queued updates
    [alert] = sent_to(world, group, mark)
    assert "超时未认领" in alert.text
    await restart_later(world, timedelta(minutes=30))
    await jump(world, timedelta(minutes=5))
    assert len(sent_to(world, group, mark)) == 1
    assert sum(e.kind == "overdue" for e in await world.events(ticket.id)) == 1


async def test_a_reminder_made_pointless_while_the_bot_was_down_is_not_sent(world: World) -> None:
    tg, group = world.tg, world.staff_group.id
    ticket, card = await reported(world)
    await world.settle()
    await world.stop()
    tg.press(world.li, card.message, f"t:claim:{ticket.id}")  # waits at Telegram for the bot
    mark = len(tg.sent)
    world.clock = ManualClock(world.clock.now() + timedelta(hours=3), frozen=True)
    await world.start()
    await world.reply_to(world.alice, "接手", after=mark)
    await jump(world, timedelta(minutes=5))
    assert [s for s in sent_to(world, group, mark) if "⏰" in (s.text or "")] == []
    assert not [e for e in await world.events(ticket.id) if e.kind == "overdue"]


async def test_a_poll_answer_queued_while_the_bot_was_down_is_not_lost_to_the_closing(world: World) -> None:
    tg, alice = world.tg, world.alice
    _ticket, _card, poll = await resolved(world)
    await world.stop()
    tg.answer_poll(alice, poll.message, 0)  # just before the 72 hours were up
    world.clock = ManualClock(world.clock.now() + timedelta(hours=74), frozen=True)
    await world.start()
    await world.reply_to(alice, "谢谢您的评价")
    await jump(world, timedelta(minutes=5))
    [done] = await world.tickets()
    assert (done.rating, done.close_reason) == ("very_satisfied", "resolved")


async def test_stats_in_the_staff_group_is_a_short_text_and_a_real_png(world: World) -> None:
    tg, alice, li = world.tg, world.alice, world.li
    _ticket, _card, poll = await resolved(world)
    tg.answer_poll(alice, poll.message, 0)
    await world.reply_to(alice, "谢谢您的评价")
    tg.send_text(li, "/stats", chat=world.staff_group)
    photo = await tg.wait_for_sent(chat_id=world.staff_group.id, method="sendPhoto", timeout=20)
    text = next(s for s in tg.sent if s.chat_id == world.staff_group.id and "服务情况" in (s.text or "") and s.method == "sendMessage")
    assert "工单 1 个：已办结 1" in text.text and "评价：非常满意 1" in text.text
    assert text.index < photo.index
    data = tg.files.get(photo.message["photo"][-1]["file_id"]).data
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    width, height = photo.message["photo"][-1]["width"], photo.message["photo"][-1]["height"]
    assert height > width >= 600  # tall, for a phone


async def test_the_weekly_summary_is_posted_on_its_day(world: World) -> None:
    tg, group = world.tg, world.staff_group.id
    await reported(world)
    await world.settle()
    mark = len(tg.sent)
    await jump(world, timedelta(days=6, hours=22, minutes=59))  # next Monday 08:59
    assert [s for s in sent_to(world, group, mark) if s.method == "sendPhoto"] == []
    await jump(world, timedelta(minutes=1))  # Monday 09:00
    summary = [s for s in sent_to(world, group, mark) if "每周小结" in (s.text or "")]
    assert len(summary) == 1 and "工单 1 个" in summary[0].text
    assert [s.method for s in sent_to(world, group, summary[0].index)][:2] == ["sendMessage", "sendPhoto"]
