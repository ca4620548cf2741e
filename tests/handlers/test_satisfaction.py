"""The resident's verdict: the poll on resolve, what each answer does, the reminder and the
closing without answer, reopening by poll and by reply. Handlers only, no framework."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.rules import Rules
from handlers.texts import t
from storage.tables import TicketStatus
from tests.support.harness import STAFF_CHAT, START, Harness
from tests.support.loop import advance, card_edits, pending_timers, poll_id, reported, resolved, to

ALICE = 501
OPTIONS = ["非常满意", "满意", "一般", "不满意", "没解决"]


async def test_resolving_sends_the_resident_a_five_answer_poll_and_plans_reminder_and_closing(h: Harness) -> None:
    ticket, poll = await resolved(h)
    assert poll.chat_id == ALICE
    assert list(poll.action.options) == OPTIONS == [t(f"rating.{r}") for r in ("very_satisfied", "satisfied", "so_so", "dissatisfied", "not_solved")]
    assert f"#{ticket.id}" in poll.action.question and "<" not in poll.action.question  # polls take no HTML
    assert ticket.status == TicketStatus.RESOLVED
    timers = await pending_timers(h)
    assert timers[f"poll_remind:{ticket.id}"] == START + timedelta(hours=24)
    assert timers[f"poll_close:{ticket.id}"] == START + timedelta(hours=72)
    assert not any(k.startswith(("claim_due", "resolve_due")) for k in timers)


@pytest.mark.parametrize(("option", "rating"), [(0, "very_satisfied"), (1, "satisfied"), (2, "so_so")])
async def test_a_content_answer_closes_the_ticket_with_thanks_and_shows_on_the_card(h: Harness, option: int, rating: str) -> None:
    ticket, poll = await resolved(h)
    card = h.card_of(ticket.id)
    await h.answer_poll(h.resident(), await poll_id(h, ticket.id), (option,))
    done = await h.ticket(ticket.id)
    assert (done.status, done.close_reason, done.rating) == (TicketStatus.CLOSED, "resolved", rating)
    sent = await h.flush()
    [thanks] = [d for d in to(sent, ALICE) if d.action.kind == "send_text"]
    assert thanks.text == t("satisfaction.thanks", id=ticket.id)
    [stop] = [d for d in sent if d.action.kind == "stop_poll"]
    assert (stop.chat_id, stop.target) == (ALICE, poll.message_id)
    assert t("card.rating", rating=t(f"rating.{rating}")) in card_edits(sent, card.message_id)[-1].text
    assert [e.kind for e in await h.events(ticket.id)][-2:] == ["rated", "closed"]
    # nothing more happens later: no reminder, no closing
    assert to(await advance(h, timedelta(hours=100)), ALICE) == []


async def test_dissatisfied_asks_for_a_comment_and_the_next_text_is_attached(h: Harness) -> None:
    ticket, _poll = await resolved(h)
    alice = h.resident()
    await h.answer_poll(alice, await poll_id(h, ticket.id), (3,))
    sent = await h.flush()
    [ask] = [d for d in to(sent, ALICE) if d.action.kind == "send_text"]
    assert ask.text == t("satisfaction.ask_comment", id=ticket.id)
    assert ask.buttons == [(t("satisfaction.skip_button"), f"fb:skip:{ticket.id}")]
    assert (await h.ticket(ticket.id)).rating == "dissatisfied"

    await h.send(alice, "师傅态度不好，<说好>的时间没来")
    after = await h.ticket(ticket.id)
    assert after.rating_comment == "师傅态度不好，<说好>的时间没来"
    assert len(await h.tickets()) == 1  # a comment, not a new request
    sent = await h.flush()
    assert [d.text for d in to(sent, ALICE)] == [t("satisfaction.comment_thanks", id=ticket.id)]
    note = next(d for d in to(sent, STAFF_CHAT) if d.action.kind == "send_text")
    assert "&lt;说好&gt;" in note.text and "不满意" in note.text and note.reply_to == h.card_of(ticket.id).message_id
    assert "意见：" in card_edits(sent, h.card_of(ticket.id).message_id)[-1].text
    assert (await h.events(ticket.id))[-1].kind == "comment"
    # the comment was the one text awaited: the next one is a new request
    await h.send(alice, "楼下垃圾没人收")
    assert len(await h.tickets()) == 2


async def test_a_command_or_menu_button_cancels_the_comment(h: Harness) -> None:
    ticket, _poll = await resolved(h)
    alice = h.resident()
    await h.answer_poll(alice, await poll_id(h, ticket.id), (3,))
    await h.send(alice, t("menu.my"))
    await h.send(alice, "楼下垃圾没人收")
    assert (await h.ticket(ticket.id)).rating_comment is None
    assert len(await h.tickets()) == 2


async def test_no_comment_button_ends_the_wait(h: Harness) -> None:
    ticket, _poll = await resolved(h)
    alice = h.resident()
    await h.answer_poll(alice, await poll_id(h, ticket.id), (3,))
    await h.flush()
    [answer] = await h.press(alice, f"fb:skip:{ticket.id}")
    assert not answer.alert
    assert [d.text for d in await h.flush()] == [t("satisfaction.comment_skipped")]
    await h.send(alice, "楼下垃圾没人收")
    assert (await h.ticket(ticket.id)).rating_comment is None and len(await h.tickets()) == 2
    [again] = await h.press(alice, f"fb:skip:{ticket.id}")
    assert again.text == t("bad_input.button_expired")
    [forged] = await h.press(h.resident(777, "别人"), f"fb:skip:{ticket.id}")
    assert forged.alert and forged.text == t("refuse.not_yours")


async def test_not_solved_reopens_alerts_staff_and_the_next_words_join_the_ticket(h: Harness) -> None:
    ticket, poll = await resolved(h)
    card = h.card_of(ticket.id)
    alice = h.resident()
    await h.answer_poll(alice, await poll_id(h, ticket.id), (4,))
    reopened = await h.ticket(ticket.id)
    assert (reopened.status, reopened.rating, reopened.reopened_count, reopened.assignee_id) == (TicketStatus.OPEN, "not_solved", 1, None)
    sent = await h.flush()
    assert [d.text for d in to(sent, ALICE) if d.action.kind == "send_text"] == [t("satisfaction.not_solved", id=ticket.id)]
    assert [d.target for d in sent if d.action.kind == "stop_poll"] == [poll.message_id]
    alert = next(d for d in to(sent, STAFF_CHAT) if d.action.kind == "send_text")
    assert "重新打开" in alert.text and "没解决" in alert.text
    edit = card_edits(sent, card.message_id)[-1]
    assert "待处理" in edit.text and "评价：没解决" in edit.text and f"t:claim:{ticket.id}" in [b for _, b in edit.buttons]
    assert f"claim_due:{ticket.id}" in await pending_timers(h)  # its clocks run again

    await h.send(alice, "电梯还是停在5楼不动")
    h.clock.advance(timedelta(minutes=3))
    await h.send(alice, "按钮也不亮")
    assert len(await h.tickets()) == 1
    texts = [e.text for e in await h.events(ticket.id) if e.kind == "message"]
    assert texts == ["电梯还是停在5楼不动", "按钮也不亮"]
    sent = await h.flush()
    assert any("电梯还是停在5楼不动" in d.text for d in to(sent, STAFF_CHAT))
    assert t("ticket.added", id=ticket.id) in [d.text for d in to(sent, ALICE)]


async def test_words_long_after_not_solved_are_a_new_request(h: Harness) -> None:
    ticket, _poll = await resolved(h)
    alice = h.resident()
    await h.answer_poll(alice, await poll_id(h, ticket.id), (4,))
    h.clock.advance(timedelta(days=1))
    await h.send(alice, "楼下垃圾没人收")
    assert len(await h.tickets()) == 2


async def test_one_gentle_reminder_after_24_hours_then_closed_unrated_after_72(h: Harness) -> None:
    ticket, poll = await resolved(h)
    card = h.card_of(ticket.id)
    assert to(await advance(h, timedelta(hours=23, minutes=59)), ALICE) == []
    [reminder] = to(await advance(h, timedelta(minutes=1)), ALICE)
    assert reminder.text == t("satisfaction.reminder", id=ticket.id) and reminder.reply_to == poll.message_id
    assert to(await advance(h, timedelta(hours=47, minutes=59)), ALICE) == []  # only one reminder
    assert (await h.ticket(ticket.id)).status == TicketStatus.RESOLVED
    sent = await advance(h, timedelta(minutes=1))
    closed = await h.ticket(ticket.id)
    assert (closed.status, closed.close_reason, closed.rating) == (TicketStatus.CLOSED, "unrated", None)
    assert [d.target for d in sent if d.action.kind == "stop_poll"] == [poll.message_id]
    assert "未评价" in next(d for d in to(sent, ALICE) if d.action.kind == "send_text").text
    assert "未评价" in card_edits(sent, card.message_id)[-1].text
    # an answer that arrives after the closing changes nothing
    await h.answer_poll(h.resident(), await poll_id(h, ticket.id), (0,))
    assert (await h.ticket(ticket.id)).rating is None


async def test_reminder_and_closing_times_are_configurable(db) -> None:  # type: ignore[no-untyped-def]
    h = Harness(db, rules=Rules(staff_chat_id=STAFF_CHAT, poll_reminder_hours=2, poll_close_hours=5))
    ticket, _poll = await resolved(h)
    assert [d.text for d in to(await advance(h, timedelta(hours=2)), ALICE)] == [t("satisfaction.reminder", id=ticket.id)]
    await advance(h, timedelta(hours=3))
    assert (await h.ticket(ticket.id)).close_reason == "unrated"


async def test_a_reminder_that_would_come_after_the_closing_is_not_sent(h: Harness) -> None:
    """The bot was down from before the reminder until after the closing."""
    ticket, _poll = await resolved(h)
    sent = await advance(h, timedelta(hours=80))
    sent += await advance(h, timedelta(minutes=1))  # late timers wait a minute for queued updates
    assert t("satisfaction.reminder", id=ticket.id) not in [d.text for d in sent]
    assert (await h.ticket(ticket.id)).close_reason == "unrated"


async def test_an_answer_that_queued_up_while_the_bot_was_down_is_not_lost_to_the_closing(h: Harness) -> None:
    ticket, _poll = await resolved(h)
    await advance(h, timedelta(hours=24))  # the reminder
    assert await advance(h, timedelta(hours=50)) == []  # back two hours after the closing was due
    await h.answer_poll(h.resident(), await poll_id(h, ticket.id), (1,))  # read from the queue
    await advance(h, timedelta(minutes=1))
    kept = await h.ticket(ticket.id)
    assert (kept.rating, kept.close_reason) == ("satisfied", "resolved")


async def test_reply_to_the_resolved_message_reopens_and_stops_the_poll(h: Harness) -> None:
    ticket, poll = await resolved(h)
    resolved_msg = next(d for d in h.api.deliveries if d.chat_id == ALICE and "已处理完成" in d.text and d.action.kind == "send_text")
    await h.send(h.resident(), "还是漏水", reply_to=resolved_msg.message_id)
    again = await h.ticket(ticket.id)
    assert (again.status, again.reopened_count) == (TicketStatus.OPEN, 1)
    assert len(await h.tickets()) == 1
    sent = await h.flush()
    assert [d.target for d in sent if d.action.kind == "stop_poll"] == [poll.message_id]
    assert t("ticket.reopened_by_reply", id=ticket.id) in [d.text for d in to(sent, ALICE)]
    timers = await pending_timers(h)
    assert f"poll_close:{ticket.id}" not in timers and f"claim_due:{ticket.id}" in timers


async def test_reply_to_the_poll_within_seven_days_of_closing_reopens_after_that_opens_new(h: Harness) -> None:
    ticket, poll = await resolved(h)
    alice = h.resident()
    await h.answer_poll(alice, await poll_id(h, ticket.id), (1,))
    await h.flush()
    h.clock.advance(timedelta(days=6, hours=23))
    await h.send(alice, "又坏了", reply_to=poll.message_id)
    assert (await h.ticket(ticket.id)).status == TicketStatus.OPEN and len(await h.tickets()) == 1
    assert (await h.ticket(ticket.id)).rating is None  # the old verdict no longer holds

    # resolved and rated again; a reply eight days later is a new request
    second_poll = await _resolve_again(h, ticket.id)
    await h.answer_poll(alice, await poll_id(h, ticket.id), (0,))
    await h.flush()
    h.clock.advance(timedelta(days=8))
    await h.send(alice, "电梯又停了", reply_to=second_poll.message_id)
    assert (await h.ticket(ticket.id)).status == TicketStatus.CLOSED and len(await h.tickets()) == 2


async def _resolve_again(h: Harness, ticket_id: int):  # type: ignore[no-untyped-def]
    await h.press(h.staff(), f"t:resolve:{ticket_id}", chat=h.staff_chat)
    [poll] = [d for d in await h.flush() if d.action.kind == "send_poll"]
    return poll


async def test_answers_that_do_not_count(h: Harness) -> None:
    ticket, _poll = await resolved(h)
    pid = await poll_id(h, ticket.id)
    await h.answer_poll(h.resident(777, "别人"), pid, (0,))  # not the resident
    await h.answer_poll(h.resident(), pid, ())  # a withdrawn vote
    await h.answer_poll(h.resident(), pid, (9,))  # no such answer
    await h.answer_poll(h.resident(), "poll-unknown", (0,))
    untouched = await h.ticket(ticket.id)
    assert (untouched.status, untouched.rating) == (TicketStatus.RESOLVED, None)
    assert await h.flush() == []


async def test_an_older_poll_of_a_reopened_ticket_is_ignored(h: Harness) -> None:
    ticket, first = await resolved(h)
    old = await poll_id(h, ticket.id)
    await h.send(h.resident(), "还是坏的", reply_to=first.message_id)
    await _resolve_again(h, ticket.id)
    await h.answer_poll(h.resident(), old, (4,))
    assert (await h.ticket(ticket.id)).status == TicketStatus.RESOLVED
    await h.answer_poll(h.resident(), await poll_id(h, ticket.id), (0,))
    assert (await h.ticket(ticket.id)).rating == "very_satisfied"


async def test_withdrawn_ticket_gets_no_poll(h: Harness) -> None:
    ticket = await reported(h)
    alice = h.resident()
    await h.press(alice, f"r:wdok:{ticket.id}")
    sent = await h.flush()
    assert not [d for d in sent if d.action.kind == "send_poll"]
    assert await pending_timers(h) == {}
